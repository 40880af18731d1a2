package item

import "testing"

func TestJSONShorthandRoundTrips(t *testing.T) {
	it := Item{
		"pk": S("a"), "b": B{1, 2, 3}, "ss": SS{"y", "x"}, "ns": NS{MustN("2"), MustN("1.5")},
		"bs": BS{{9}, {8}}, "l": L{SS{"q"}, B{7}, MustN("3")}, "m": M{"inner": NS{MustN("5")}},
		"n": MustN("-0.25"), "t": BOOL(true), "z": NULL{},
	}
	out := ItemToJSONShorthand(it)
	back, err := ItemFromJSON(out)
	if err != nil || !ItemsEqual(back, it) {
		t.Fatalf("round trip of %s: %v, %v", out, back, err)
	}
}
