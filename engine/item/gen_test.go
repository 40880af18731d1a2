package item

import (
	"strconv"
	"strings"

	"pgregory.net/rapid"
)

// genN draws numbers across the whole range, biased towards the edges: up
// to 38 digits, exponents at and near -130 and 125, and zero.
func genN() *rapid.Generator[N] {
	return rapid.Custom(func(t *rapid.T) N {
		if rapid.IntRange(0, 20).Draw(t, "zero") == 0 {
			return N{}
		}
		nd := rapid.OneOf(rapid.IntRange(1, 3), rapid.IntRange(1, maxDigits), rapid.Just(maxDigits)).Draw(t, "nd")
		var b strings.Builder
		for i := range nd {
			lo := 0
			if i == 0 || i == nd-1 {
				lo = 1 // canonical: no leading or trailing zero
			}
			b.WriteByte(byte('0' + rapid.IntRange(lo, 9).Draw(t, "digit")))
		}
		exp := rapid.OneOf(
			rapid.IntRange(-5, 5),
			rapid.IntRange(minExp, maxExp),
			rapid.SampledFrom([]int{minExp, minExp + 1, maxExp - 1, maxExp}),
		).Draw(t, "exp")
		sign := ""
		if rapid.Bool().Draw(t, "neg") {
			sign = "-"
		}
		d := b.String()
		text := sign + d[:1] + "." + d[1:] + "e" + strconv.Itoa(exp)
		n, err := ParseN(text)
		if err != nil {
			t.Fatalf("ParseN(%q): %v", text, err)
		}
		return n
	})
}

// genBytes draws byte strings rich in the bytes the key encoding treats
// specially (0x00, 0x01, 0xFF).
func genBytes() *rapid.Generator[[]byte] {
	return rapid.OneOf(
		rapid.SliceOfN(rapid.SampledFrom([]byte{0x00, 0x01, 0xFF, 'a', 'b'}), 0, 8),
		rapid.SliceOfN(rapid.Byte(), 0, 32),
	)
}

func genString() *rapid.Generator[string] {
	return rapid.OneOf(
		rapid.StringN(0, 12, -1),
		rapid.Map(genBytes(), func(b []byte) string { return string(b) }),
	)
}

// genValue draws a value of any of the ten types; lists and maps nest up to
// depth further levels.
func genValue(depth int) *rapid.Generator[Value] {
	return rapid.Custom(func(t *rapid.T) Value {
		maxType := int(TypeBS)
		typ := Type(rapid.IntRange(1, maxType).Draw(t, "type"))
		if depth <= 0 && (typ == TypeL || typ == TypeM) {
			typ = TypeS
		}
		switch typ {
		case TypeS:
			return S(genString().Draw(t, "s"))
		case TypeN:
			return genN().Draw(t, "n")
		case TypeB:
			return B(genBytes().Draw(t, "b"))
		case TypeBOOL:
			return BOOL(rapid.Bool().Draw(t, "bool"))
		case TypeNULL:
			return NULL{}
		case TypeL:
			return L(rapid.SliceOfN(genValue(depth-1), 0, 4).Draw(t, "l"))
		case TypeM:
			return M(rapid.MapOfN(genString(), genValue(depth-1), 0, 4).Draw(t, "m"))
		case TypeSS:
			return SS(rapid.SliceOfNDistinct(genString(), 1, 5, rapid.ID[string]).Draw(t, "ss"))
		case TypeNS:
			return NS(rapid.SliceOfNDistinct(genN(), 1, 5, rapid.ID[N]).Draw(t, "ns"))
		default:
			return BS(rapid.SliceOfNDistinct(genBytes(), 1, 5, func(b []byte) string { return string(b) }).Draw(t, "bs"))
		}
	})
}

func genItem() *rapid.Generator[Item] {
	return rapid.Map(rapid.MapOfN(genString(), genValue(3), 0, 6), func(m map[string]Value) Item { return Item(m) })
}
