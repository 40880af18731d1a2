package item

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// fataler is what mustKey needs from *testing.T and *rapid.T.
type fataler interface {
	Helper()
	Fatalf(format string, args ...any)
}

func mustKey(t fataler, v Value) []byte {
	t.Helper()
	k, err := AppendKey(nil, v)
	if err != nil {
		t.Fatalf("AppendKey(%#v): %v", v, err)
	}
	return k
}

func TestKeyExact(t *testing.T) {
	tests := []struct {
		v    Value
		want string
	}{
		{S(""), "0001"},
		{S("a"), "610001"},
		{S("a\x00"), "6100ff0001"},
		{B{0x00, 0xFF}, "00ffff0001"},
		{N{}, "02"},
		{MustN("12.5"), "03830d3300"},
		{MustN("-12.5"), "017cf2ccff"},
		{MustN("1"), "03820b00"},
		{MustN("1e-130"), "03000b00"},
		{MustN("-1e125"), "0100f4ff"},
	}
	for _, tt := range tests {
		if got := hex.EncodeToString(mustKey(t, tt.v)); got != tt.want {
			t.Errorf("AppendKey(%#v) = %s, want %s", tt.v, got, tt.want)
		}
	}
}

func TestKeyOrderExamples(t *testing.T) {
	ordered := [][]Value{
		{MustN("-" + maxN), MustN("-1E+125"), MustN("-1"), MustN("-0.5"), MustN("-1e-130"), N{},
			MustN("1E-130"), MustN("0.5"), MustN("1"), MustN("1.01"), MustN("1.1"), MustN("10"), MustN("101"), MustN("1E+125"), MustN(maxN)},
		{S(""), S("\x00"), S("\x00\x00"), S("\x00\x01"), S("\x01"), S("Z"), S("z"), S("zz"), S("é"), S("€"), S("ｚ"), S("😀"), S("\xff")},
		{B{}, B{0}, B{0, 0}, B{0, 0xFF}, B{1}, B{0xFF}, B{0xFF, 0}},
	}
	for _, vals := range ordered {
		for i := 1; i < len(vals); i++ {
			a, b := mustKey(t, vals[i-1]), mustKey(t, vals[i])
			if bytes.Compare(a, b) >= 0 {
				t.Errorf("key(%v) = %x !< key(%v) = %x", vals[i-1], a, vals[i], b)
			}
		}
	}
}

func TestKeyErrors(t *testing.T) {
	for _, v := range []Value{BOOL(true), NULL{}, L{}, SS{"a"}, nil} {
		if _, err := AppendKey(nil, v); !errors.Is(err, ErrNotKeyType) {
			t.Errorf("AppendKey(%#v) = %v", v, err)
		}
	}
	if _, _, err := DecodeKey([]byte{0x02}, TypeBOOL); !errors.Is(err, ErrNotKeyType) {
		t.Errorf("DecodeKey(BOOL) = %v", err)
	}
	bad := []struct {
		hex string
		t   Type
	}{
		{"", TypeS},
		{"61", TypeS},
		{"6100", TypeS},
		{"610002", TypeB},
		{"", TypeN},
		{"04", TypeN},
		{"03", TypeN},
		{"0382", TypeN},
		{"03820b", TypeN},
		{"038200", TypeN},     // no digits
		{"03820100", TypeN},   // leading zero pair "00"
		{"03820b0100", TypeN}, // trailing "00" pair
		{"038265", TypeN},     // pair value 101
		{"0382" + strings.Repeat("0c", 20) + "00", TypeN}, // 40 digits
		{"017dff", TypeN}, // negative without digits
	}
	for _, tt := range bad {
		b, _ := hex.DecodeString(tt.hex)
		if v, _, err := DecodeKey(b, tt.t); !errors.Is(err, ErrMalformed) {
			t.Errorf("DecodeKey(%s, %v) = %#v, %v; want ErrMalformed", tt.hex, tt.t, v, err)
		}
	}
}

func genKey(typ Type) *rapid.Generator[Value] {
	switch typ {
	case TypeS:
		return rapid.Map(genString(), func(s string) Value { return S(s) })
	case TypeB:
		return rapid.Map(genBytes(), func(b []byte) Value { return B(b) })
	}
	return rapid.Map(genN(), func(n N) Value { return n })
}

func TestKeyProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		typ := rapid.SampledFrom([]Type{TypeS, TypeN, TypeB}).Draw(t, "type")
		a := genKey(typ).Draw(t, "a")
		b := genKey(typ).Draw(t, "b")
		if rapid.IntRange(0, 9).Draw(t, "same") == 0 {
			b = a
		}
		ka, kb := mustKey(t, a), mustKey(t, b)

		// (1) Order preserved.
		want, _ := Compare(a, b)
		if got := bytes.Compare(ka, kb); got != want {
			t.Fatalf("bytes.Compare(key(%#v), key(%#v)) = %d, Compare = %d", a, b, got, want)
		}
		// (2) Self-delimiting: suffixes do not change the order of
		// distinct keys.
		x, y := genBytes().Draw(t, "x"), genBytes().Draw(t, "y")
		if want != 0 {
			if got := bytes.Compare(append(ka[:len(ka):len(ka)], x...), append(kb[:len(kb):len(kb)], y...)); got != want {
				t.Fatalf("with suffixes %x, %x: %d, want %d", x, y, got, want)
			}
		}
		// (3) DecodeKey inverts AppendKey and returns the rest; a tuple
		// decodes element by element.
		typ2 := rapid.SampledFrom([]Type{TypeS, TypeN, TypeB}).Draw(t, "type2")
		c := genKey(typ2).Draw(t, "c")
		tuple, _ := AppendKey(append([]byte(nil), ka...), c)
		tuple = append(tuple, x...)
		gotA, rest, err := DecodeKey(tuple, typ)
		if err != nil || !Equal(gotA, a) {
			t.Fatalf("DecodeKey = %#v, %v; want %#v", gotA, err, a)
		}
		gotC, rest, err := DecodeKey(rest, typ2)
		if err != nil || !Equal(gotC, c) || !bytes.Equal(rest, x) {
			t.Fatalf("DecodeKey(second) = %#v, rest %x, %v; want %#v, rest %x", gotC, rest, err, c, x)
		}
	})
}

// TestKeyTupleOrder checks that (partition, sort) encodings sort as pairs.
func TestKeyTupleOrder(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p1, p2 := genKey(TypeS).Draw(t, "p1"), genKey(TypeS).Draw(t, "p2")
		s1, s2 := genKey(TypeN).Draw(t, "s1"), genKey(TypeN).Draw(t, "s2")
		k1, _ := AppendKey(mustKey(t, p1), s1)
		k2, _ := AppendKey(mustKey(t, p2), s2)
		want, _ := Compare(p1, p2)
		if want == 0 {
			want, _ = Compare(s1, s2)
		}
		if got := bytes.Compare(k1, k2); got != want {
			t.Fatalf("(%#v,%v) vs (%#v,%v): %d, want %d", p1, s1, p2, s2, got, want)
		}
	})
}

func FuzzDecodeKey(f *testing.F) {
	f.Add([]byte{0x03, 0x83, 0x0d, 0x33, 0x00}, uint8(TypeN))
	f.Add([]byte("a\x00\xff\x00\x01"), uint8(TypeS))
	f.Fuzz(func(t *testing.T, b []byte, typ uint8) {
		v, rest, err := DecodeKey(b, Type(typ))
		if err != nil {
			return
		}
		k := mustKey(t, v)
		if !bytes.Equal(append(k, rest...), b) {
			t.Fatalf("re-encoding %#v: %x + %x != %x", v, k, rest, b)
		}
	})
}

func BenchmarkAppendKey(b *testing.B) {
	// Boxed once, as values come out of an item.
	var pk, sk Value = S("user#8f14e45fceea167a"), MustN("1234.56")
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf, _ = AppendKey(buf[:0], pk)
		buf, _ = AppendKey(buf, sk)
	}
}
