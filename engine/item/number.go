package item

import (
	"cmp"
	"math"
	"strconv"
	"strings"

	"github.com/cockroachdb/apd/v3"
)

// DynamoDB's number limits.
const (
	maxDigits = 38   // significant digits
	maxExp    = 125  // largest scientific exponent (9.99…9E+125)
	minExp    = -130 // smallest scientific exponent (1E-130)
)

// digitChars lets one-digit numbers share a constant string instead of
// allocating; most numbers in practice are small counters.
const digitChars = "0123456789"

// N is an exact decimal number with at most 38 significant digits and a
// magnitude of 0 or between 1E-130 and 9.99…9E+125, as in DynamoDB.
//
// N is held in canonical form, so it is safe to copy, never changes after
// construction, and == on two N values is numeric equality (1.50 == 1.5).
// The zero value N{} is the number 0.
type N struct {
	// digits are the significant digits in ASCII, without leading or
	// trailing zeros; "" for zero.
	digits string
	// exp is the scientific exponent: the value is d.ddd… × 10^exp.
	// Always 0 for zero.
	exp int16
	// neg is the sign; always false for zero.
	neg bool
}

// ParseN parses DynamoDB number text: an optional sign, digits with an
// optional fraction (".5" and "5." are accepted, as Java's BigDecimal does),
// and an optional signed exponent. The result is normalised ("1.50" is 1.5,
// "-0" is 0). It returns a *NumberError whose message is DynamoDB's: syntax is
// checked first, then the number of significant digits, then the range.
func ParseN(s string) (N, error) {
	i := 0
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	intStart := i
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	intEnd := i
	fracStart, fracEnd := i, i
	if i < len(s) && s[i] == '.' {
		i++
		fracStart = i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		fracEnd = i
	}
	if intEnd == intStart && fracEnd == fracStart {
		return N{}, &NumberError{Kind: NumberSyntax, Input: s}
	}
	var e int64
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		eneg := false
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			eneg = s[i] == '-'
			i++
		}
		if i == len(s) || !isDigit(s[i]) {
			return N{}, &NumberError{Kind: NumberSyntax, Input: s}
		}
		for ; i < len(s) && isDigit(s[i]); i++ {
			// Saturate: anything this large is out of range anyway, and
			// the cap keeps the arithmetic below from overflowing.
			if e < 1e15 {
				e = e*10 + int64(s[i]-'0')
			}
		}
		if eneg {
			e = -e
		}
	}
	if i != len(s) {
		return N{}, &NumberError{Kind: NumberSyntax, Input: s}
	}

	// The mantissa digits are s[intStart:intEnd] followed by
	// s[fracStart:fracEnd]; at(k) reads the k-th of them.
	intLen := intEnd - intStart
	total := intLen + fracEnd - fracStart
	at := func(k int) byte {
		if k < intLen {
			return s[intStart+k]
		}
		return s[fracStart+k-intLen]
	}
	first := 0
	for first < total && at(first) == '0' {
		first++
	}
	if first == total {
		return N{}, nil
	}
	last := total - 1
	for at(last) == '0' {
		last--
	}
	n := last - first + 1
	if n > maxDigits {
		return N{}, &NumberError{Kind: NumberPrecision}
	}
	exp := int64(intLen-1-first) + e
	if err := checkExp(exp); err != nil {
		return N{}, err
	}
	var buf [maxDigits]byte
	for k := range n {
		buf[k] = at(first + k)
	}
	return N{digits: digitString(buf[:n]), exp: int16(exp), neg: neg}, nil
}

// MustN is ParseN for constants and tests: it panics on error.
func MustN(s string) N {
	n, err := ParseN(s)
	if err != nil {
		panic(err)
	}
	return n
}

// NFromInt64 returns v as a number; every int64 fits.
func NFromInt64(v int64) N {
	if v == 0 {
		return N{}
	}
	u := uint64(v)
	if v < 0 {
		u = -u // two's complement: also right for math.MinInt64
	}
	var buf [20]byte
	b := strconv.AppendUint(buf[:0], u, 10)
	exp := len(b) - 1
	for b[len(b)-1] == '0' {
		b = b[:len(b)-1]
	}
	return N{digits: digitString(b), exp: int16(exp), neg: v < 0}
}

// NFromDecimal converts d to a number, with the same limits as ParseN: it
// never rounds, it fails if d needs more than 38 significant digits, lies
// outside the range, or is not finite.
func NFromDecimal(d *apd.Decimal) (N, error) {
	if d == nil || d.Form != apd.Finite {
		in := "<nil>"
		if d != nil {
			in = d.String()
		}
		return N{}, &NumberError{Kind: NumberSyntax, Input: in}
	}
	if d.IsZero() {
		return N{}, nil
	}
	var scratch [48]byte
	b := d.Coeff.Append(scratch[:0], 10)
	if len(b) > 0 && b[0] == '-' {
		b = b[1:]
	}
	exp := int64(d.Exponent) + int64(len(b)) - 1
	for b[len(b)-1] == '0' {
		b = b[:len(b)-1]
	}
	if len(b) > maxDigits {
		return N{}, &NumberError{Kind: NumberPrecision}
	}
	if err := checkExp(exp); err != nil {
		return N{}, err
	}
	return N{digits: digitString(b), exp: int16(exp), neg: d.Negative}, nil
}

func checkExp(exp int64) error {
	if exp > maxExp {
		return &NumberError{Kind: NumberOverflow}
	}
	if exp < minExp {
		return &NumberError{Kind: NumberUnderflow}
	}
	return nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func digitString(b []byte) string {
	if len(b) == 1 {
		d := b[0] - '0'
		return digitChars[d : d+1]
	}
	return string(b)
}

// String returns the number in plain notation, never with an exponent:
// "100000", "0.00000015", "-0.5", "0".
func (n N) String() string {
	var buf [64]byte
	return string(n.appendText(buf[:0]))
}

// appendText appends String's text.
func (n N) appendText(dst []byte) []byte {
	if n.digits == "" {
		return append(dst, '0')
	}
	if n.neg {
		dst = append(dst, '-')
	}
	d, e := n.digits, int(n.exp)
	switch {
	case e < 0: // 0.000ddd
		dst = append(dst, "0."...)
		dst = appendZeros(dst, -e-1)
		dst = append(dst, d...)
	case e+1 >= len(d): // ddd000
		dst = append(dst, d...)
		dst = appendZeros(dst, e+1-len(d))
	default: // dd.ddd
		dst = append(dst, d[:e+1]...)
		dst = append(dst, '.')
		dst = append(dst, d[e+1:]...)
	}
	return dst
}

func appendZeros(dst []byte, k int) []byte {
	for range k {
		dst = append(dst, '0')
	}
	return dst
}

// Sign returns -1, 0 or +1.
func (n N) Sign() int {
	switch {
	case n.digits == "":
		return 0
	case n.neg:
		return -1
	}
	return 1
}

// IsZero reports whether n is 0.
func (n N) IsZero() bool { return n.digits == "" }

// Cmp compares numerically: -1 if n < o, 0 if equal, +1 if n > o.
func (n N) Cmp(o N) int {
	sn, so := n.Sign(), o.Sign()
	if sn != so {
		return cmp.Compare(sn, so)
	}
	if sn == 0 {
		return 0
	}
	c := cmpAbs(n, o)
	if sn < 0 {
		return -c
	}
	return c
}

// cmpAbs compares magnitudes of non-zero numbers: first the exponent, then
// the digits. Digits compare as strings because neither has trailing zeros
// (so a proper prefix is the smaller number: 1.5 < 1.51).
func cmpAbs(a, b N) int {
	if a.exp != b.exp {
		return cmp.Compare(a.exp, b.exp)
	}
	return strings.Compare(a.digits, b.digits)
}

// Add returns n + o exactly, or a *NumberError if the exact sum needs more
// than 38 significant digits or leaves the range; it never rounds.
func (n N) Add(o N) (N, error) {
	if o.digits == "" {
		return n, nil
	}
	if n.digits == "" {
		return o, nil
	}
	// Counters are the common case: integers add without apd's allocations.
	if a, ok := n.Int64(); ok {
		if b, ok := o.Int64(); ok && (b >= 0 && a <= math.MaxInt64-b || b < 0 && a >= math.MinInt64-b) {
			return NFromInt64(a + b), nil
		}
	}
	var x, y, z apd.Decimal
	n.toDecimal(&x)
	o.toDecimal(&y)
	// BaseContext has precision 0: addition is exact, never rounded.
	if _, err := apd.BaseContext.Add(&z, &x, &y); err != nil {
		return N{}, &NumberError{Kind: NumberOverflow}
	}
	return NFromDecimal(&z)
}

// Sub returns n - o exactly, with Add's rules.
func (n N) Sub(o N) (N, error) {
	if o.digits != "" {
		o.neg = !o.neg
	}
	return n.Add(o)
}

// Int64 returns n as an int64 when n is an integer within int64's range.
func (n N) Int64() (int64, bool) {
	if n.digits == "" {
		return 0, true
	}
	if int(n.exp) < len(n.digits)-1 || n.exp > 18 {
		return 0, false // has a fraction, or at least 1E+19
	}
	var u uint64 // < 1E+19 < 2^64: no overflow
	for i := range len(n.digits) {
		u = u*10 + uint64(n.digits[i]-'0')
	}
	for range int(n.exp) - (len(n.digits) - 1) {
		u *= 10
	}
	if n.neg {
		if u > 1<<63 {
			return 0, false
		}
		if u == 1<<63 {
			return math.MinInt64, true
		}
		return -int64(u), true
	}
	if u > math.MaxInt64 {
		return 0, false
	}
	return int64(u), true
}

// Decimal returns n as a freshly allocated apd.Decimal the caller may
// modify.
func (n N) Decimal() *apd.Decimal {
	d := new(apd.Decimal)
	n.toDecimal(d)
	return d
}

func (n N) toDecimal(d *apd.Decimal) {
	d.Form = apd.Finite
	d.Negative = n.neg
	if n.digits == "" {
		d.Coeff.SetInt64(0)
		d.Exponent = 0
		return
	}
	if len(n.digits) <= 19 { // fits in uint64: skip big-number parsing
		var u uint64
		for i := range len(n.digits) {
			u = u*10 + uint64(n.digits[i]-'0')
		}
		d.Coeff.SetUint64(u)
	} else {
		d.Coeff.SetString(n.digits, 10)
	}
	d.Exponent = int32(n.exp) - int32(len(n.digits)) + 1
}
