package item

import (
	"testing"

	"pgregory.net/rapid"
)

func TestTypeNames(t *testing.T) {
	names := []string{"S", "N", "B", "BOOL", "NULL", "L", "M", "SS", "NS", "BS"}
	values := []Value{S(""), N{}, B(nil), BOOL(false), NULL{}, L{}, M{}, SS{}, NS{}, BS{}}
	for i, name := range names {
		typ := Type(i + 1)
		if typ.String() != name {
			t.Errorf("Type(%d).String() = %s, want %s", i+1, typ, name)
		}
		if got, ok := ParseType(name); !ok || got != typ {
			t.Errorf("ParseType(%s) = %v, %v", name, got, ok)
		}
		if values[i].Type() != typ {
			t.Errorf("%T.Type() = %v, want %v", values[i], values[i].Type(), typ)
		}
	}
	for _, bad := range []string{"s", "bool", "", "Null", "SX"} {
		if _, ok := ParseType(bad); ok {
			t.Errorf("ParseType(%q) accepted", bad)
		}
	}
	if Type(0).String() != "Type(0)" || Type(11).String() != "Type(11)" {
		t.Error("invalid Type String")
	}
}

func TestEqual(t *testing.T) {
	tests := []struct {
		a, b Value
		want bool
	}{
		{S("a"), S("a"), true},
		{S("a"), S("b"), false},
		{S("1"), MustN("1"), false},
		{MustN("1.50"), MustN("1.5"), true},
		{MustN("-0"), N{}, true},
		{B("x"), B("x"), true},
		{B(nil), B{}, true},
		{B("x"), S("x"), false},
		{BOOL(true), BOOL(true), true},
		{BOOL(true), BOOL(false), false},
		{NULL{}, NULL{}, true},
		{NULL{}, BOOL(false), false},
		{L{S("a"), MustN("1")}, L{S("a"), MustN("1.0")}, true},
		{L{S("a"), S("b")}, L{S("b"), S("a")}, false},
		{L{}, L(nil), true},
		{L{S("a")}, L{S("a"), S("a")}, false},
		{M{"a": S("x"), "b": L{}}, M{"b": L{}, "a": S("x")}, true},
		{M{"a": S("x")}, M{"b": S("x")}, false},
		{M{"a": NULL{}}, M{"a": NULL{}, "b": NULL{}}, false},
		{SS{"a", "b", "c"}, SS{"c", "a", "b"}, true},
		{SS{"a", "b"}, SS{"a", "c"}, false},
		{SS{"a"}, SS{"a", "b"}, false},
		{NS{MustN("1"), MustN("2.0")}, NS{MustN("2"), MustN("1.00")}, true},
		{BS{[]byte("a"), {}}, BS{{}, []byte("a")}, true},
		{BS{[]byte("a")}, BS{[]byte("b")}, false},
		{SS{"a"}, L{S("a")}, false},
		{nil, nil, true},
		{nil, NULL{}, false},
		{NULL{}, nil, false},
	}
	for _, tt := range tests {
		if got := Equal(tt.a, tt.b); got != tt.want {
			t.Errorf("Equal(%#v, %#v) = %v", tt.a, tt.b, got)
		}
		if got := Equal(tt.b, tt.a); got != tt.want {
			t.Errorf("Equal(%#v, %#v) = %v (reversed)", tt.b, tt.a, got)
		}
	}
	// Large sets take the hashing path.
	var a, b SS
	for i := range 40 {
		a = append(a, string(rune('A'+i)))
		b = append(b, string(rune('A'+39-i)))
	}
	if !Equal(a, b) || Equal(a, append(b[:39:39], "zz")) {
		t.Error("large set equality")
	}
	if !ItemsEqual(Item{"a": S("x")}, Item{"a": S("x")}) || ItemsEqual(Item{"a": S("x")}, Item{}) {
		t.Error("ItemsEqual")
	}
}

func TestCompare(t *testing.T) {
	// DynamoDB orders strings by UTF-8 bytes.
	strs := []string{"", "Z", "z", "zz", "é", "€", "ｚ", "😀"}
	for i := 1; i < len(strs); i++ {
		if c, ok := Compare(S(strs[i-1]), S(strs[i])); !ok || c != -1 {
			t.Errorf("Compare(%q, %q) = %d, %v", strs[i-1], strs[i], c, ok)
		}
	}
	tests := []struct {
		a, b Value
		c    int
		ok   bool
	}{
		{MustN("10"), MustN("9"), 1, true},
		{MustN("-10"), MustN("9"), -1, true},
		{MustN("1.0"), MustN("1"), 0, true},
		{B{0x00}, B{0x00, 0x00}, -1, true},
		{B{0xFF}, B{0x00, 0x00}, 1, true},
		{S("a"), B("a"), 0, false},
		{S("1"), MustN("1"), 0, false},
		{BOOL(false), BOOL(true), 0, false},
		{NULL{}, NULL{}, 0, false},
		{SS{"a"}, SS{"a"}, 0, false},
		{nil, nil, 0, false},
	}
	for _, tt := range tests {
		c, ok := Compare(tt.a, tt.b)
		if c != tt.c || ok != tt.ok {
			t.Errorf("Compare(%#v, %#v) = %d, %v; want %d, %v", tt.a, tt.b, c, ok, tt.c, tt.ok)
		}
	}
}

// TestClone checks that a clone is Equal and shares nothing mutable: after
// scribbling over every byte slice, list, map and set of the clone, the
// original is unchanged.
func TestClone(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		it := genItem().Draw(t, "item")
		before := AppendItem(nil, it)
		c := it.Clone()
		if !ItemsEqual(it, c) {
			t.Fatalf("clone differs")
		}
		for k, v := range c {
			scribble(v)
			c[k] = NULL{}
		}
		c["new"] = NULL{}
		if after := AppendItem(nil, it); string(after) != string(before) {
			t.Fatalf("original changed through its clone")
		}
	})
	if Item(nil).Clone() != nil || Clone(nil) != nil {
		t.Error("Clone(nil)")
	}
}

func scribble(v Value) {
	switch v := v.(type) {
	case B:
		for i := range v {
			v[i] ^= 0xFF
		}
	case L:
		for i, e := range v {
			scribble(e)
			v[i] = NULL{}
		}
	case M:
		for k, e := range v {
			scribble(e)
			v[k] = NULL{}
		}
		v["scribbled"] = NULL{}
	case SS:
		for i := range v {
			v[i] += "!"
		}
	case NS:
		for i := range v {
			v[i] = MustN("42")
		}
	case BS:
		for _, b := range v {
			for i := range b {
				b[i] ^= 0xFF
			}
		}
	}
}
