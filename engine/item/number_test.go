package item

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/cockroachdb/apd/v3"
	"pgregory.net/rapid"
)

const (
	msgPrecision = "Attempting to store more than 38 significant digits in a Number"
	msgOverflow  = "Number overflow. Attempting to store a number with magnitude larger than supported range"
	msgUnderflow = "Number underflow. Attempting to store a number with magnitude smaller than supported range"
	msgSyntax    = "The parameter cannot be converted to a numeric value: "
)

var (
	digits38 = strings.Repeat("9", 38)
	maxN     = "9." + strings.Repeat("9", 37) + "E+125"
)

func TestParseN(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"0", "0"},
		{"-0", "0"},
		{"+0.000e99", "0"},
		{"000", "0"},
		{"1.50", "1.5"},
		{"0010", "10"},
		{"1e2", "100"},
		{"123.45E-2", "1.2345"},
		{"+7", "7"},
		{"-0.5", "-0.5"},
		{".5", "0.5"},
		{"5.", "5"},
		{"1E+5", "100000"},
		{"1.5E-7", "0.00000015"},
		{"-12.340e1", "-123.4"},
		{"1e-130", "0." + strings.Repeat("0", 129) + "1"},
		{"-1e-130", "-0." + strings.Repeat("0", 129) + "1"},
		{"1e125", "1" + strings.Repeat("0", 125)},
		{maxN, digits38 + strings.Repeat("0", 88)},
		{digits38, digits38},
		{"0.000" + digits38 + "000", "0.000" + digits38},
		{"1" + strings.Repeat("0", 60), "1" + strings.Repeat("0", 60)},
		{"1." + strings.Repeat("0", 60) + "e3", "1000"},
		{"10e-131", "0." + strings.Repeat("0", 129) + "1"},
		{"0.01e-128", "0." + strings.Repeat("0", 129) + "1"},
		{"0e999999999999999999999", "0"},
	}
	for _, tt := range tests {
		n, err := ParseN(tt.in)
		if err != nil {
			t.Errorf("ParseN(%q): %v", tt.in, err)
			continue
		}
		if got := n.String(); got != tt.want {
			t.Errorf("ParseN(%q) = %s, want %s", tt.in, got, tt.want)
		}
		// Canonical: the printed form parses back to the identical value.
		if m := MustN(n.String()); m != n {
			t.Errorf("ParseN(%q): reparse %#v != %#v", tt.in, m, n)
		}
	}
}

func TestParseNErrors(t *testing.T) {
	tests := []struct {
		in   string
		kind NumberErrorKind
		msg  string
	}{
		{"", NumberSyntax, msgSyntax},
		{"abc", NumberSyntax, msgSyntax + "abc"},
		{" 1", NumberSyntax, msgSyntax + " 1"},
		{"1 ", NumberSyntax, msgSyntax + "1 "},
		{"-", NumberSyntax, msgSyntax + "-"},
		{".", NumberSyntax, msgSyntax + "."},
		{"+-1", NumberSyntax, msgSyntax + "+-1"},
		{"1e", NumberSyntax, msgSyntax + "1e"},
		{"1e+", NumberSyntax, msgSyntax + "1e+"},
		{"e5", NumberSyntax, msgSyntax + "e5"},
		{"1.2.3", NumberSyntax, msgSyntax + "1.2.3"},
		{"NaN", NumberSyntax, msgSyntax + "NaN"},
		{"Inf", NumberSyntax, msgSyntax + "Inf"},
		{"-Infinity", NumberSyntax, msgSyntax + "-Infinity"},
		{"0x10", NumberSyntax, msgSyntax + "0x10"},
		{"1_000", NumberSyntax, msgSyntax + "1_000"},
		{"١", NumberSyntax, msgSyntax + "١"},
		{"1" + digits38, NumberPrecision, msgPrecision},
		{"1." + strings.Repeat("0", 37) + "1", NumberPrecision, msgPrecision},
		{"1e126", NumberOverflow, msgOverflow},
		{"-1e126", NumberOverflow, msgOverflow},
		{"10e125", NumberOverflow, msgOverflow},
		{"1e99999999999999999999999", NumberOverflow, msgOverflow},
		{"1e-131", NumberUnderflow, msgUnderflow},
		{"-0.1e-130", NumberUnderflow, msgUnderflow},
		{"1e-99999999999999999999999", NumberUnderflow, msgUnderflow},
		// Precision is checked before range.
		{"1" + digits38 + "e200", NumberPrecision, msgPrecision},
	}
	for _, tt := range tests {
		_, err := ParseN(tt.in)
		var ne *NumberError
		if !errors.As(err, &ne) {
			t.Errorf("ParseN(%q) error = %v, want *NumberError", tt.in, err)
			continue
		}
		if ne.Kind != tt.kind || err.Error() != tt.msg {
			t.Errorf("ParseN(%q) = kind %d %q, want kind %d %q", tt.in, ne.Kind, err, tt.kind, tt.msg)
		}
	}
}

func TestNFromInt64(t *testing.T) {
	for _, v := range []int64{0, 1, -1, 10, 100, -120, 1234567890, math.MaxInt64, math.MinInt64, 1e18} {
		n := NFromInt64(v)
		if want := MustN(itoa(v)); n != want {
			t.Errorf("NFromInt64(%d) = %#v, want %#v", v, n, want)
		}
		got, ok := n.Int64()
		if !ok || got != v {
			t.Errorf("NFromInt64(%d).Int64() = %d, %v", v, got, ok)
		}
	}
}

func itoa(v int64) string { return apd.New(v, 0).String() }

func TestInt64(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true},
		{"1e18", 1e18, true},
		{"9223372036854775807", math.MaxInt64, true},
		{"9223372036854775808", 0, false},
		{"-9223372036854775808", math.MinInt64, true},
		{"-9223372036854775809", 0, false},
		{"1e19", 0, false},
		{"1.5", 0, false},
		{"-120", -120, true},
		{"1e-5", 0, false},
	}
	for _, tt := range tests {
		got, ok := MustN(tt.in).Int64()
		if got != tt.want || ok != tt.ok {
			t.Errorf("%s.Int64() = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestNCmpSign(t *testing.T) {
	ordered := []string{"-" + maxN, "-1e125", "-1", "-0.51", "-0.5", "-1e-130", "0", "1e-130", "0.5", "0.51", "1", "1.5", "1.51", "10", "1e125", maxN}
	for i, a := range ordered {
		for j, b := range ordered {
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got := MustN(a).Cmp(MustN(b)); got != want {
				t.Errorf("Cmp(%s, %s) = %d, want %d", a, b, got, want)
			}
		}
	}
	if (N{}).Sign() != 0 || MustN("-3").Sign() != -1 || MustN("3").Sign() != 1 {
		t.Error("Sign")
	}
	if !(N{}).IsZero() || MustN("1e-130").IsZero() {
		t.Error("IsZero")
	}
	if (N{}).String() != "0" || (N{}) != MustN("-0.000") {
		t.Error("zero value is not the number 0")
	}
}

func TestNAddSub(t *testing.T) {
	tests := []struct {
		a, b, sum, diff string
	}{
		{"1", "2", "3", "-1"},
		{"0.1", "0.2", "0.3", "-0.1"},
		{"1.5", "-1.5", "0", "3"},
		{"0", "0", "0", "0"},
		{"0", "-7", "-7", "7"},
		{"1e125", "-1e125", "0", "2e125"},
		{digits38, "1", "1" + strings.Repeat("0", 38), "9" + strings.Repeat("9", 36) + "8"},
		{"1e100", "1", "ERR:precision", "ERR:precision"},
		{maxN, "1e88", "ERR:overflow", "9." + strings.Repeat("9", 36) + "8E+125"},
		{"1.1e-130", "-1e-130", "ERR:underflow", "2.1e-130"},
		{"12345678901234567890.5", "0.5", "12345678901234567891", "12345678901234567890"},
		// Integers take a fast path; past int64 they must still be exact.
		{"9223372036854775807", "1", "9223372036854775808", "9223372036854775806"},
		{"-9223372036854775808", "-1", "-9223372036854775809", "-9223372036854775807"},
		{"-9223372036854775808", "9223372036854775807", "-1", "-18446744073709551615"},
		{"1e18", "9e18", "1e19", "-8e18"},
		{"100", "-100", "0", "200"},
		{"-5", "3", "-2", "-8"},
	}
	check := func(op, a, b string, got N, err error, want string) {
		t.Helper()
		if rest, isErr := strings.CutPrefix(want, "ERR:"); isErr {
			var ne *NumberError
			kinds := map[string]NumberErrorKind{"overflow": NumberOverflow, "underflow": NumberUnderflow, "precision": NumberPrecision}
			if !errors.As(err, &ne) || ne.Kind != kinds[rest] {
				t.Errorf("%s %s %s = %v, %v; want %s error", a, op, b, got, err, rest)
			}
			return
		}
		if err != nil || got != MustN(want) {
			t.Errorf("%s %s %s = %v, %v; want %s", a, op, b, got, err, want)
		}
	}
	for _, tt := range tests {
		sum, err := MustN(tt.a).Add(MustN(tt.b))
		check("+", tt.a, tt.b, sum, err, tt.sum)
		diff, err := MustN(tt.a).Sub(MustN(tt.b))
		check("-", tt.a, tt.b, diff, err, tt.diff)
	}
}

func TestDecimalRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := genN().Draw(t, "n")
		d := n.Decimal()
		back, err := NFromDecimal(d)
		if err != nil || back != n {
			t.Fatalf("NFromDecimal(%s) = %#v, %v; want %#v", d, back, err, n)
		}
		// The copy is the caller's: changing it leaves n alone.
		d.Neg(d)
		if again := n.Decimal(); again.Cmp(d) == 0 && !n.IsZero() {
			t.Fatalf("Decimal shares state")
		}
		// The decimal agrees with the plain text.
		want, _, err := apd.NewFromString(n.String())
		if err != nil || want.Cmp(n.Decimal()) != 0 {
			t.Fatalf("Decimal() = %s, String() = %s", n.Decimal(), n)
		}
	})
	if _, err := NFromDecimal(apd.New(1, 126)); err == nil || err.Error() != msgOverflow {
		t.Errorf("NFromDecimal(1E+126) error = %v", err)
	}
	nan := &apd.Decimal{Form: apd.NaN}
	if _, err := NFromDecimal(nan); err == nil || err.Error() != msgSyntax+"NaN" {
		t.Errorf("NFromDecimal(NaN) error = %v", err)
	}
}

// TestNProperties checks Cmp, Add and Sub against apd on random numbers.
func TestNProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a, b := genN().Draw(t, "a"), genN().Draw(t, "b")
		if got, want := a.Cmp(b), a.Decimal().Cmp(b.Decimal()); got != want {
			t.Fatalf("Cmp(%s, %s) = %d, apd says %d", a, b, got, want)
		}
		if back := MustN(a.String()); back != a {
			t.Fatalf("String round trip %s", a)
		}
		var exact apd.Decimal
		if _, err := apd.BaseContext.Add(&exact, a.Decimal(), b.Decimal()); err != nil {
			t.Fatal(err)
		}
		sum, err := a.Add(b)
		want, wantErr := NFromDecimal(&exact)
		if (err == nil) != (wantErr == nil) || sum != want {
			t.Fatalf("%s + %s = %s, %v; want %s, %v", a, b, sum, err, want, wantErr)
		}
		if err == nil {
			back, err := sum.Sub(b)
			if err != nil || back != a {
				t.Fatalf("(%s + %s) - %s = %s, %v", a, b, b, back, err)
			}
		}
	})
}
