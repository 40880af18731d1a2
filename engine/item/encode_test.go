package item

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// sampleItem is a typical 5-attribute item of about 100 bytes: the shape
// the benchmarks measure.
func sampleItem() Item {
	return Item{
		"pk":      S("user#8f14e45fceea167a"),
		"sk":      S("profile"),
		"name":    S("Ada Lovelace"),
		"email":   S("ada@analytical-engine.example"),
		"balance": MustN("1234.56"),
	}
}

// everyType is an item holding all ten types, nested.
func everyType() Item {
	return Item{
		"s":    S("héllo\x00"),
		"n":    MustN("-1.25e-3"),
		"big":  MustN(digits38 + "e88"),
		"zero": N{},
		"b":    B{0, 1, 0xFF},
		"t":    BOOL(true),
		"f":    BOOL(false),
		"null": NULL{},
		"l":    L{S("a"), MustN("1"), L{}, M{"x": NULL{}}},
		"m":    M{"inner": M{"deep": L{B{}}}, "": S("empty key")},
		"ss":   SS{"b", "a"},
		"ns":   NS{MustN("3"), MustN("-1e-130")},
		"bs":   BS{{}, {9}},
	}
}

func TestEncodeExact(t *testing.T) {
	tests := []struct {
		v    Value
		want string // hex
	}{
		{S("ab"), "01026162"},
		{N{}, "0200"},
		{MustN("12.5"), "0203831250"},
		{MustN("-7"), "02818270"},
		{MustN("1e-130"), "02010010"},
		{MustN("1e125"), "0201ff10"},
		{B{0xAB}, "0301ab"},
		{BOOL(true), "0401"},
		{BOOL(false), "0400"},
		{NULL{}, "05"},
		{L{NULL{}, BOOL(true)}, "0602050401"},
		{M{"b": NULL{}, "a": NULL{}}, "0702016105016205"},
		{SS{"y", "x"}, "0802017901 78"},
		{NS{MustN("2"), N{}}, "0902018220 00"},
		{BS{{1}, {}}, "0a02010100"},
	}
	for _, tt := range tests {
		got := hex.EncodeToString(AppendValue(nil, tt.v))
		if want := strings.ReplaceAll(tt.want, " ", ""); got != want {
			t.Errorf("AppendValue(%#v) = %s, want %s", tt.v, got, want)
		}
	}
	got := hex.EncodeToString(AppendItem(nil, Item{"b": BOOL(true), "a": S("x")}))
	if want := "01" + "02" + "0161" + "010178" + "0162" + "0401"; got != want {
		t.Errorf("AppendItem = %s, want %s", got, want)
	}
}

func TestEncodeRoundTrip(t *testing.T) {
	for _, it := range []Item{{}, sampleItem(), everyType()} {
		enc := AppendItem(nil, it)
		got, err := DecodeItem(enc)
		if err != nil {
			t.Fatalf("DecodeItem: %v", err)
		}
		if !ItemsEqual(got, it) {
			t.Fatalf("round trip: got %#v, want %#v", got, it)
		}
		// Deterministic: re-encoding gives the same bytes.
		if again := AppendItem(nil, got); !bytes.Equal(again, enc) {
			t.Fatalf("re-encoding differs")
		}
		// Appends to dst rather than overwriting it.
		if pre := AppendItem([]byte("xyz"), it); string(pre[:3]) != "xyz" || !bytes.Equal(pre[3:], enc) {
			t.Fatalf("AppendItem does not append")
		}
	}
	v, n, err := DecodeValue(append(AppendValue(nil, L{S("a")}), 0xEE, 0xEE))
	if err != nil || n != 5 || !Equal(v, L{S("a")}) {
		t.Errorf("DecodeValue = %#v, %d, %v", v, n, err)
	}
}

// TestDecodeOwnsBytes checks that decoded B values do not alias the input.
func TestDecodeOwnsBytes(t *testing.T) {
	enc := AppendItem(nil, Item{"b": B("abc"), "bs": BS{[]byte("x")}, "s": S("str")})
	it, err := DecodeItem(enc)
	if err != nil {
		t.Fatal(err)
	}
	for i := range enc {
		enc[i] = 0
	}
	if !ItemsEqual(it, Item{"b": B("abc"), "bs": BS{[]byte("x")}, "s": S("str")}) {
		t.Errorf("decoded item aliases its input: %#v", it)
	}
}

func TestEncodePanicsOnInvalid(t *testing.T) {
	for _, v := range []Value{nil, new(S), L{nil}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("AppendValue(%#v) did not panic", v)
				}
			}()
			AppendValue(nil, v)
		}()
	}
}

func TestDecodeMalformed(t *testing.T) {
	valid := AppendItem(nil, Item{"a": S("xyz")})
	tests := []struct {
		name, hex string
	}{
		{"empty", ""},
		{"version 0", "00"},
		{"version 2", "0200"},
		{"no count", "01"},
		{"huge count", "01ffffffffffffffffff01"},
		{"count beyond input", "010a0161 05"},
		{"truncated name", "01010561"},
		{"missing value", "01010161"},
		{"unknown tag 0", "0101016100"},
		{"unknown tag 11", "010101610b"},
		{"S length beyond input", "01010161010561"},
		{"BOOL 2", "010101610402"},
		{"BOOL truncated", "0101016104"},
		{"names out of order", "010201620501610 5"},
		{"duplicate names", "0102016105016105"},
		{"trailing bytes", hex.EncodeToString(valid) + "00"},
		{"negative zero", "0101016102 80"},
		{"39 digits", "0101016102 27"},
		{"reserved bit", "0101016102 41 82 10"},
		{"number truncated", "0101016102 02 82"},
		{"digit nibble > 9", "0101016102 01 82 a0"},
		{"leading zero digit", "0101016102 02 82 01"},
		{"trailing zero digit", "0101016102 02 82 10"},
		{"nonzero padding", "0101016102 01 82 11"},
		{"L count beyond input", "0101016106 05 05"},
		{"M count beyond input", "0101016107 05 0162 05"},
		{"M names out of order", "0101016107 02 0162 05 0161 05"},
		{"SS member truncated", "0101016108 01 05 61"},
		{"NS bad member", "0101016109 01 80"},
		{"BS count beyond input", "010101610a 03 00"},
		{"overlong varint", "01 80808080808080808080 01"},
	}
	for _, tt := range tests {
		b, err := hex.DecodeString(strings.ReplaceAll(tt.hex, " ", ""))
		if err != nil {
			t.Fatalf("%s: bad test hex: %v", tt.name, err)
		}
		it, err := DecodeItem(b)
		if !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: DecodeItem = %#v, %v; want ErrMalformed", tt.name, it, err)
		}
	}
	// Nesting beyond the decoder's limit.
	deep := []byte{formatVersion, 1, 1, 'a'}
	for range maxDecodeDepth + 1 {
		deep = append(deep, byte(TypeL), 1)
	}
	deep = append(deep, byte(TypeNULL))
	if _, err := DecodeItem(deep); !errors.Is(err, ErrMalformed) {
		t.Errorf("deep nesting: %v", err)
	}
	// Every proper prefix of a valid encoding is rejected.
	enc := AppendItem(nil, everyType())
	for i := range len(enc) {
		if _, err := DecodeItem(enc[:i]); !errors.Is(err, ErrMalformed) {
			t.Errorf("prefix of %d bytes: %v", i, err)
		}
	}
	if _, _, err := DecodeValue(nil); !errors.Is(err, ErrMalformed) {
		t.Errorf("DecodeValue(nil): %v", err)
	}
}

func TestEncodeRoundTripProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		it := genItem().Draw(t, "item")
		enc := AppendItem(nil, it)
		got, err := DecodeItem(enc)
		if err != nil {
			t.Fatalf("DecodeItem: %v", err)
		}
		if !ItemsEqual(got, it) {
			t.Fatalf("round trip differs:\n got %#v\nwant %#v", got, it)
		}
		if again := AppendItem(nil, got); !bytes.Equal(again, enc) {
			t.Fatalf("re-encoding differs")
		}
		for k, v := range it {
			venc := AppendValue(nil, v)
			dv, n, err := DecodeValue(append(venc, k...))
			if err != nil || n != len(venc) || !Equal(dv, v) {
				t.Fatalf("DecodeValue(%#v) = %#v, %d, %v", v, dv, n, err)
			}
		}
	})
}

func FuzzDecodeItem(f *testing.F) {
	// The committed corpus under testdata/fuzz/FuzzDecodeItem holds more
	// seeds; these keep the target useful without it.
	f.Add(AppendItem(nil, sampleItem()))
	f.Add(AppendItem(nil, everyType()))
	f.Fuzz(func(t *testing.T, b []byte) {
		it, err := DecodeItem(b)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error does not wrap ErrMalformed: %v", err)
			}
			return
		}
		enc := AppendItem(nil, it)
		again, err := DecodeItem(enc)
		if err != nil {
			t.Fatalf("re-decoding: %v", err)
		}
		if !ItemsEqual(it, again) {
			t.Fatalf("re-decoded item differs")
		}
	})
}

func BenchmarkEncodeItem(b *testing.B) {
	it := sampleItem()
	buf := AppendItem(nil, it)
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendItem(buf[:0], it)
	}
}

func BenchmarkDecodeItem(b *testing.B) {
	enc := AppendItem(nil, sampleItem())
	b.SetBytes(int64(len(enc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeItem(enc); err != nil {
			b.Fatal(err)
		}
	}
}
