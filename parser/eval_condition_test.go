package parser

import (
	"fmt"
	"testing"

	"github.com/keystonedb/kstone-shell/engine/item"
)

// typeSample holds, for one type, the value stored in the fixture item
// (mid) and others of the same type: for S, N and B lo < mid < hi; for
// the other types lo and hi differ from mid (nil when the type has no
// other value). mid itself may be written differently from the stored
// value (1E1 for 10, a set in another order).
type typeSample struct {
	stored, lo, mid, hi item.Value
}

var samples = map[item.Type]typeSample{
	item.TypeS:    {vS("abc"), vS("abb"), vS("abc"), vS("abd")},
	item.TypeN:    {vN("10"), vN("9.99"), vN("1E1"), vN("10.01")},
	item.TypeB:    {vB(1, 2, 3), vB(1, 2), vB(1, 2, 3), vB(1, 3)},
	item.TypeBOOL: {item.BOOL(true), item.BOOL(false), item.BOOL(true), nil},
	item.TypeNULL: {item.NULL{}, nil, item.NULL{}, nil},
	item.TypeL:    {item.L{vN("1"), vS("a")}, item.L{vN("1")}, item.L{vN("1.0"), vS("a")}, item.L{vS("a"), vN("1")}},
	item.TypeM:    {item.M{"x": vN("1")}, item.M{}, item.M{"x": vN("1")}, item.M{"x": vN("2")}},
	item.TypeSS:   {item.SS{"a", "b"}, item.SS{"a"}, item.SS{"b", "a"}, item.SS{"a", "b", "c"}},
	item.TypeNS:   {item.NS{vN("1").(item.N), vN("2").(item.N)}, item.NS{vN("1").(item.N)}, item.NS{vN("2").(item.N), vN("1").(item.N)}, item.NS{vN("3").(item.N)}},
	item.TypeBS:   {item.BS{{1}, {2}}, item.BS{{1}}, item.BS{{2}, {1}}, item.BS{{3}}},
}

var allTypes = []item.Type{item.TypeS, item.TypeN, item.TypeB, item.TypeBOOL, item.TypeNULL, item.TypeL, item.TypeM, item.TypeSS, item.TypeNS, item.TypeBS}

func orderable(t item.Type) bool { return t == item.TypeS || t == item.TypeN || t == item.TypeB }

// fixture holds one attribute per type, named after the type ("S", "N", …),
// plus "missing" which it does not hold.
func fixture() item.Item {
	it := item.Item{"pk": vS("k")}
	for _, t := range allTypes {
		it[t.String()] = samples[t].stored
	}
	return it
}

func evalCond(t *testing.T, src string, values map[string]item.Value, it item.Item) bool {
	t.Helper()
	return evalCondNames(t, src, names("#a", "x"), values, it)
}

// evalCondNames evaluates a shell-dialect condition.
func evalCondNames(t *testing.T, src string, ns map[string]string, values map[string]item.Value, it item.Item) bool {
	t.Helper()
	c := mustCondition(t, src, Bindings{Names: ns, Values: values}, DialectShell)
	ok, err := c.Eval(it)
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	return ok
}

// TestCompareMatrix checks = <> < <= > >= for every attribute type (and a
// missing attribute) against values of every type.
func TestCompareMatrix(t *testing.T) {
	it := fixture()
	attrs := append([]string{"missing"}, typeNames()...)
	for _, attr := range attrs {
		for _, vt := range allTypes {
			s := samples[vt]
			for variant, v := range map[string]item.Value{"lo": s.lo, "mid": s.mid, "hi": s.hi} {
				if v == nil {
					continue
				}
				sameType := attr == vt.String()
				equal := sameType && variant == "mid"
				ord := sameType && orderable(vt)
				want := map[string]bool{
					"=":  equal,
					"<>": !equal,
					"<":  ord && variant == "hi",
					"<=": ord && variant != "lo",
					">":  ord && variant == "lo",
					">=": ord && variant != "hi",
				}
				flip := map[string]string{"=": "=", "<>": "<>", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
				for op, w := range want {
					src := fmt.Sprintf("#a %s :v", op)
					got := evalCond(t, src, vals(":v", v), itemWith{"x": it[attr]}.without(attr == "missing"))
					if got != w {
						t.Errorf("%s %s %s(%v): got %v want %v", attr, op, variant, v, got, w)
					}
					src = fmt.Sprintf(":v %s #a", flip[op])
					got = evalCond(t, src, vals(":v", v), itemWith{"x": it[attr]}.without(attr == "missing"))
					if got != w {
						t.Errorf(":v %s %s: got %v want %v", flip[op], attr, got, w)
					}
				}
			}
		}
	}
}

func typeNames() []string {
	out := make([]string, len(allTypes))
	for i, t := range allTypes {
		out[i] = t.String()
	}
	return out
}

// without drops "x" when drop is set (a missing attribute).
func (it itemWith) without(drop bool) item.Item {
	if drop {
		return item.Item{}
	}
	return item.Item(it)
}

type itemWith item.Item

func TestCompareMatrixItem(t *testing.T) {
	// The fixture is usable directly too.
	it := fixture()
	if !evalCond(t, "S = :v AND N = :n AND B = :b", vals(":v", vS("abc"), ":n", vN("10.0"), ":b", vB(1, 2, 3)), it) {
		t.Fatal("fixture equality")
	}
}

func TestStringOrderIsUTF8Bytes(t *testing.T) {
	order := []string{"Z", "z", "zz", "é", "€", "ｚ", "😀"}
	for i := 0; i+1 < len(order); i++ {
		it := item.Item{"a": vS(order[i])}
		if !evalCond(t, "a < :v", vals(":v", vS(order[i+1])), it) {
			t.Errorf("%q < %q", order[i], order[i+1])
		}
		if evalCond(t, "a > :v", vals(":v", vS(order[i+1])), it) {
			t.Errorf("%q > %q", order[i], order[i+1])
		}
	}
}

func TestNumbersCompareNumerically(t *testing.T) {
	cases := []struct {
		a, op, b string
		want     bool
	}{
		{"1.50", "=", "1.5", true}, {"0010", "=", "10", true}, {"1e2", "=", "100", true}, {"-0", "=", "0", true},
		{"123.45E-2", "=", "1.2345", true}, {"9", "<", "10", true}, {"-10", "<", "-9", true}, {"0.1", ">", "0.09", true},
		{"12345678901234567890123456789012345678", ">", "12345678901234567890123456789012345677", true},
	}
	for _, c := range cases {
		it := item.Item{"a": vN(c.a)}
		if got := evalCond(t, "a "+c.op+" :v", vals(":v", vN(c.b)), it); got != c.want {
			t.Errorf("%s %s %s: %v", c.a, c.op, c.b, got)
		}
	}
}

func TestBetweenMatrix(t *testing.T) {
	it := fixture()
	for _, attr := range append([]string{"missing"}, typeNames()...) {
		for _, vt := range allTypes {
			s := samples[vt]
			bounds := [][2]item.Value{{s.lo, s.hi}, {s.lo, s.mid}, {s.mid, s.hi}, {s.mid, s.mid}, {s.lo, s.lo}, {s.hi, s.hi}}
			for _, b := range bounds {
				if b[0] == nil || b[1] == nil {
					continue
				}
				if c, ok := item.Compare(b[0], b[1]); ok && c > 0 {
					continue
				}
				want := false
				if attr == vt.String() && orderable(vt) {
					c1, _ := item.Compare(samples[vt].stored, b[0])
					c2, _ := item.Compare(samples[vt].stored, b[1])
					want = c1 >= 0 && c2 <= 0
				}
				got := evalCond(t, "#a BETWEEN :lo AND :hi", vals(":lo", b[0], ":hi", b[1]), itemWith{"x": it[attr]}.without(attr == "missing"))
				if got != want {
					t.Errorf("%s BETWEEN %v AND %v: got %v want %v", attr, b[0], b[1], got, want)
				}
			}
		}
	}
}

func TestInMatrix(t *testing.T) {
	it := fixture()
	for _, attr := range append([]string{"missing"}, typeNames()...) {
		for _, vt := range allTypes {
			s := samples[vt]
			others := []item.Value{vS("zzz"), vN("12345")}
			if s.lo != nil {
				others = append(others, s.lo)
			}
			want := attr == vt.String()
			got := evalCond(t, "#a IN (:o1, :v, :o2)", vals(":o1", others[0], ":v", s.mid, ":o2", others[len(others)-1]), itemWith{"x": it[attr]}.without(attr == "missing"))
			if got != want {
				t.Errorf("%s IN (…%v…): got %v want %v", attr, s.mid, got, want)
			}
			got = evalCond(t, "#a IN (:o1, :o2)", vals(":o1", others[0], ":o2", others[len(others)-1]), itemWith{"x": it[attr]}.without(attr == "missing"))
			if got {
				t.Errorf("%s IN (others): true", attr)
			}
		}
	}
}

func TestSize(t *testing.T) {
	it := fixture()
	it["utf8"] = vS("é€")
	it["empty"] = vS("")
	want := map[string]int{"S": 3, "B": 3, "L": 2, "M": 1, "SS": 2, "NS": 2, "BS": 2, "utf8": 5, "empty": 0}
	for _, attr := range append([]string{"missing", "utf8", "empty"}, typeNames()...) {
		n, has := want[attr]
		for _, op := range []string{"=", "<>", ">="} {
			src := fmt.Sprintf("size(#x) %s :n", op)
			got := evalCondNames(t, src, names("#x", attr), vals(":n", item.NFromInt64(int64(n))), it)
			w := map[string]bool{"=": has, "<>": !has, ">=": has}[op]
			if got != w {
				t.Errorf("%s: got %v want %v", src, got, w)
			}
		}
	}
	// size compares as a number; size of a nested path.
	it2 := itemJSON(t, `{"m":{"l":[1,2,3]}}`)
	if !evalCond(t, "size(m.l) BETWEEN :a AND :b", vals(":a", vN("2"), ":b", vN("3")), it2) {
		t.Error("size BETWEEN")
	}
	if !evalCond(t, "size(m.l) IN (:a, :b)", vals(":a", vN("2"), ":b", vN("3")), it2) {
		t.Error("size IN")
	}
	if !evalCond(t, ":n < size(m.l)", vals(":n", vN("2")), it2) {
		t.Error("size on the right")
	}
	if !evalCond(t, "size(:s) = :n", vals(":s", vS("abcd"), ":n", vN("4")), it2) {
		t.Error("size of a value")
	}
}

func TestContains(t *testing.T) {
	it := fixture()
	it["str"] = vS("hello world")
	it["list"] = item.L{vS("a"), vN("1"), item.M{"k": vS("v")}, item.L{vN("2")}}
	cases := []struct {
		attr string
		v    item.Value
		want bool
	}{
		{"str", vS("lo wo"), true}, {"str", vS("hello world"), true}, {"str", vS(""), true}, {"str", vS("xyz"), false},
		{"str", vN("1"), false},
		{"B", vB(2, 3), true}, {"B", vB(3, 2), false}, {"B", vS("a"), false},
		{"SS", vS("a"), true}, {"SS", vS("c"), false}, {"SS", vN("1"), false}, {"SS", item.SS{"a"}, false},
		{"NS", vN("2.0"), true}, {"NS", vN("3"), false}, {"NS", vS("1"), false},
		{"BS", vB(1), true}, {"BS", vB(3), false}, {"BS", vS("\x01"), false},
		{"list", vS("a"), true}, {"list", vN("1.00"), true}, {"list", item.M{"k": vS("v")}, true}, {"list", item.L{vN("2")}, true},
		{"list", vS("b"), false}, {"list", vN("2"), false},
		{"N", vN("1"), false}, {"BOOL", item.BOOL(true), false}, {"NULL", item.NULL{}, false},
		{"M", vS("x"), false}, {"missing", vS("a"), false},
	}
	for _, c := range cases {
		if got := evalCondNames(t, "contains(#x, :v)", names("#x", c.attr), vals(":v", c.v), it); got != c.want {
			t.Errorf("contains(%s, %v): got %v want %v", c.attr, c.v, got, c.want)
		}
	}
	// The operand may be a path.
	it["needle"] = vS("wor")
	if !evalCond(t, "contains(str, needle)", nil, it) {
		t.Error("contains(path, path)")
	}
}

func TestBeginsWith(t *testing.T) {
	it := fixture()
	cases := []struct {
		attr string
		v    item.Value
		want bool
	}{
		{"S", vS("ab"), true}, {"S", vS(""), true}, {"S", vS("abc"), true}, {"S", vS("abcd"), false}, {"S", vS("b"), false},
		{"S", vB('a'), false},
		{"B", vB(1, 2), true}, {"B", vB(2), false}, {"B", vS("\x01"), false},
		{"N", vS("1"), false}, {"SS", vS("a"), false}, {"L", vS("a"), false}, {"missing", vS("a"), false},
	}
	for _, c := range cases {
		if got := evalCondNames(t, "begins_with(#x, :v)", names("#x", c.attr), vals(":v", c.v), it); got != c.want {
			t.Errorf("begins_with(%s, %v): got %v want %v", c.attr, c.v, got, c.want)
		}
	}
}

func TestAttributeTypeExists(t *testing.T) {
	it := fixture()
	it["m2"] = itemJSON(t, `{"m":{"x":{"y":1},"n":5}}`)["m"]
	for _, attr := range append([]string{"missing"}, typeNames()...) {
		for _, typ := range allTypes {
			want := attr == typ.String()
			if got := evalCondNames(t, "attribute_type(#x, :t)", names("#x", attr), vals(":t", vS(typ.String())), it); got != want {
				t.Errorf("attribute_type(%s, %s): %v", attr, typ, got)
			}
		}
		exists := attr != "missing"
		if got := evalCondNames(t, "attribute_exists(#x)", names("#x", attr), nil, it); got != exists {
			t.Errorf("attribute_exists(%s): %v", attr, got)
		}
		if got := evalCondNames(t, "attribute_not_exists(#x)", names("#x", attr), nil, it); got == exists {
			t.Errorf("attribute_not_exists(%s): %v", attr, got)
		}
	}
	nested := []struct {
		path   string
		exists bool
	}{
		{"m2.x", true}, {"m2.x.y", true}, {"m2.zz", false}, {"m2.n.x", false}, // n is not a map
		{"L[0]", true}, {"L[1]", true}, {"L[2]", false}, {"L.x", false}, {"M[0]", false}, {"S.x", false},
		{"missing.x", false},
	}
	for _, n := range nested {
		if got := evalCond(t, "attribute_exists("+n.path+")", nil, it); got != n.exists {
			t.Errorf("attribute_exists(%s): %v", n.path, got)
		}
		if got := evalCond(t, "attribute_not_exists("+n.path+")", nil, it); got == n.exists {
			t.Errorf("attribute_not_exists(%s): %v", n.path, got)
		}
	}
	// A missing item has no attributes.
	if !evalCond(t, "attribute_not_exists(pk)", nil, nil) {
		t.Error("nil item")
	}
}

func TestLogic(t *testing.T) {
	it := item.Item{"a": vN("1"), "b": vN("2")}
	v := vals(":one", vN("1"), ":two", vN("2"))
	cases := map[string]bool{
		"a = :one AND b = :two":                       true,
		"a = :two OR b = :two":                        true,
		"a = :two OR b = :one":                        false,
		"NOT a = :two":                                true,
		"NOT NOT a = :one":                            true,
		"NOT (a = :one AND b = :two)":                 false,
		"a = :two AND b = :two OR a = :one":           true, // AND binds tighter
		"a = :two AND (b = :two OR a = :one)":         false,
		"NOT a = :one OR b = :two":                    true, // NOT binds tighter than OR
		"(a) = :one":                                  true,
		"a = (:one)":                                  true,
		"(a = :one) AND (b = :two)":                   true,
		"a = :one and b = :two or not a = :one":       true, // keywords are case-insensitive
		"a BETWEEN :one AND :two AND b = :two":        true,
		"a IN (:two) OR b IN (:one, :two)":            true,
		"((a = :one) AND (b = :two)) OR a = :two":     true,
		"NOT attribute_exists(c) AND NOT (a <> :one)": true,
	}
	for src, want := range cases {
		if got := evalCond(t, src, v, it); got != want {
			t.Errorf("%s: got %v want %v", src, got, want)
		}
	}
}
