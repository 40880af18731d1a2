package parser

import (
	"testing"

	"github.com/keystonedb/kstone-shell/engine/item"
)

func TestProjection(t *testing.T) {
	it := itemJSON(t, `{"pk":"k","a":1,"m":{"x":{"y":1,"z":2},"w":3},"l":["a","b",{"c":1,"d":2},"e"],"s":{"$SS":["p","q"]}}`)
	cases := []struct{ src, want string }{
		{"a", `{"a":1}`},
		{"a, pk", `{"a":1,"pk":"k"}`},
		{"m.x.y", `{"m":{"x":{"y":1}}}`},
		{"m.x.y, m.w", `{"m":{"w":3,"x":{"y":1}}}`},
		{"l[1]", `{"l":["b"]}`},
		{"l[3], l[1]", `{"l":["b","e"]}`},
		{"l[2].d", `{"l":[{"d":2}]}`},
		{"l[9], nosuch, m.nope, a.b", `{}`},
		{"s", `{"s":["p","q"]}`},
		{"#m.#x", `{"m":{"x":{"y":1,"z":2}}}`},
	}
	for _, c := range cases {
		p, err := ParseProjection(c.src, DialectDynamoDB)
		if err != nil {
			t.Fatalf("%s: %v", c.src, err)
		}
		b := Bindings{}
		if c.src == "#m.#x" {
			b.Names = names("#m", "m", "#x", "x")
		}
		cp, err := p.Bind(b, DialectDynamoDB)
		if err != nil {
			t.Fatalf("%s: %v", c.src, err)
		}
		got := cp.Apply(it)
		if jsonOf(got) != c.want {
			t.Errorf("%s: %s want %s", c.src, jsonOf(got), c.want)
		}
	}
	// The result is a copy.
	p, _ := ParseProjection("m", DialectDynamoDB)
	cp, _ := p.Bind(Bindings{}, DialectDynamoDB)
	out := cp.Apply(it)
	out["m"].(item.M)["w"] = item.S("changed")
	if jsonOf(it) != `{"a":1,"l":["a","b",{"c":1,"d":2},"e"],"m":{"w":3,"x":{"y":1,"z":2}},"pk":"k","s":["p","q"]}` {
		t.Errorf("input changed: %s", jsonOf(it))
	}
	if got := cp.Paths(); len(got) != 1 || got[0].String() != "m" {
		t.Errorf("paths %v", got)
	}
}
