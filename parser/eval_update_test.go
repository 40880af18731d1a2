package parser

import (
	"testing"

	"github.com/keystonedb/kstone-shell/engine/item"
)

type updateCase struct {
	name   string
	expr   string
	names  map[string]string
	values map[string]item.Value
	before string // item as plain JSON ("" for just the key)
	after  string // expected item as ItemToJSON prints it
}

func runUpdateCases(t *testing.T, cases []updateCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := `{"pk":"k"}`
			if tc.before != "" {
				before = tc.before
			}
			it := itemJSON(t, before)
			snapshot := it.Clone()
			u := mustUpdate(t, tc.expr, Bindings{Names: tc.names, Values: tc.values}, DialectDynamoDB)
			got, _, err := u.Apply(it, []string{"pk"})
			if err != nil {
				t.Fatalf("Apply: %v", err)
			}
			if jsonOf(got) != tc.after {
				t.Fatalf("\n got: %s\nwant: %s", jsonOf(got), tc.after)
			}
			if !item.ItemsEqual(it, snapshot) {
				t.Fatalf("input modified: %s", jsonOf(it))
			}
		})
	}
}

func ns(ns ...string) item.NS {
	out := make(item.NS, len(ns))
	for i, n := range ns {
		out[i] = item.MustN(n)
	}
	return out
}

func TestUpdateSet(t *testing.T) {
	runUpdateCases(t, []updateCase{
		{"new attribute", "SET a = :v", nil, vals(":v", vS("x")), "", `{"a":"x","pk":"k"}`},
		{"overwrite", "SET a = :v", nil, vals(":v", vN("2")), `{"pk":"k","a":"x"}`, `{"a":2,"pk":"k"}`},
		{"names", "SET #a.#b = :v", names("#a", "m", "#b", "size"), vals(":v", vN("1")), `{"pk":"k","m":{}}`, `{"m":{"size":1},"pk":"k"}`},
		{"nested map", "SET m.x.y = :v", nil, vals(":v", vN("1")), `{"pk":"k","m":{"x":{"z":0}}}`, `{"m":{"x":{"y":1,"z":0}},"pk":"k"}`},
		{"list element", "SET l[1] = :v", nil, vals(":v", vS("B")), `{"pk":"k","l":["a","b","c"]}`, `{"l":["a","B","c"],"pk":"k"}`},
		{"list past the end appends", "SET l[10] = :v", nil, vals(":v", vS("z")), `{"pk":"k","l":["a"]}`, `{"l":["a","z"],"pk":"k"}`},
		{"appends in index order", "SET l[7] = :b, l[5] = :a", nil, vals(":a", vS("A"), ":b", vS("B")), `{"pk":"k","l":[]}`, `{"l":["A","B"],"pk":"k"}`},
		{"deep list path", "SET a.b[2].c = :v", nil, vals(":v", vN("1")), `{"pk":"k","a":{"b":[0,1,{"c":0}]}}`, `{"a":{"b":[0,1,{"c":1}]},"pk":"k"}`},
		{"swap", "SET a = b, b = a", nil, nil, `{"pk":"k","a":1,"b":2}`, `{"a":2,"b":1,"pk":"k"}`},
		{"copy a map", "SET c = m", nil, nil, `{"pk":"k","m":{"x":[1]}}`, `{"c":{"x":[1]},"m":{"x":[1]},"pk":"k"}`},
		{"plus", "SET a = a + :n", nil, vals(":n", vN("0.25")), `{"pk":"k","a":1.5}`, `{"a":1.75,"pk":"k"}`},
		{"minus", "SET a = :n - a", nil, vals(":n", vN("1")), `{"pk":"k","a":1.5}`, `{"a":-0.5,"pk":"k"}`},
		{"exact decimals", "SET a = a + :n", nil, vals(":n", vN("0.2")), `{"pk":"k","a":0.1}`, `{"a":0.3,"pk":"k"}`},
		{"38 digits", "SET a = a + :n", nil, vals(":n", vN("1")), `{"pk":"k","a":12345678901234567890123456789012345678}`, `{"a":12345678901234567890123456789012345679,"pk":"k"}`},
		{"plus of two paths", "SET c = a + b", nil, nil, `{"pk":"k","a":1,"b":2}`, `{"a":1,"b":2,"c":3,"pk":"k"}`},
		{"if_not_exists missing", "SET a = if_not_exists(a, :v)", nil, vals(":v", vN("0")), "", `{"a":0,"pk":"k"}`},
		{"if_not_exists present", "SET a = if_not_exists(a, :v)", nil, vals(":v", vN("0")), `{"pk":"k","a":5}`, `{"a":5,"pk":"k"}`},
		{"counter", "SET n = if_not_exists(n, :zero) + :one", nil, vals(":zero", vN("0"), ":one", vN("1")), "", `{"n":1,"pk":"k"}`},
		{"if_not_exists other path", "SET a = if_not_exists(b.c, :v)", nil, vals(":v", vS("d")), `{"pk":"k","b":5}`, `{"a":"d","b":5,"pk":"k"}`},
		{"list_append", "SET l = list_append(l, :t)", nil, vals(":t", item.L{vS("c")}), `{"pk":"k","l":["a","b"]}`, `{"l":["a","b","c"],"pk":"k"}`},
		{"list_append prepend", "SET l = list_append(:t, l)", nil, vals(":t", item.L{vS("c")}), `{"pk":"k","l":["a","b"]}`, `{"l":["c","a","b"],"pk":"k"}`},
		{"list_append if_not_exists", "SET l = list_append(if_not_exists(l, :e), :t)", nil, vals(":e", item.L{}, ":t", item.L{vN("1")}), "", `{"l":[1],"pk":"k"}`},
		{"parenthesised value", "SET a = (b + :one)", nil, vals(":one", vN("1")), `{"pk":"k","b":1}`, `{"a":2,"b":1,"pk":"k"}`},
		{"parenthesised operand", "SET a = (b) + (:one)", nil, vals(":one", vN("1")), `{"pk":"k","b":1}`, `{"a":2,"b":1,"pk":"k"}`},
		{"several", "SET a = :a, b.c = :b, l[0] = :c", nil, vals(":a", vN("1"), ":b", vN("2"), ":c", vN("3")), `{"pk":"k","b":{},"l":[0]}`, `{"a":1,"b":{"c":2},"l":[3],"pk":"k"}`},
	})
}

func TestUpdateRemove(t *testing.T) {
	runUpdateCases(t, []updateCase{
		{"attribute", "REMOVE a", nil, nil, `{"pk":"k","a":1,"b":2}`, `{"b":2,"pk":"k"}`},
		{"missing attribute", "REMOVE a", nil, nil, `{"pk":"k"}`, `{"pk":"k"}`},
		{"nested leaves an empty map", "REMOVE m.y.z", nil, nil, `{"pk":"k","m":{"y":{"z":1}}}`, `{"m":{"y":{}},"pk":"k"}`},
		{"list shifts", "REMOVE l[1]", nil, nil, `{"pk":"k","l":["a","b","c"]}`, `{"l":["a","c"],"pk":"k"}`},
		{"indexes refer to the original list", "REMOVE l[0], l[2]", nil, nil, `{"pk":"k","l":["a","b","c","d"]}`, `{"l":["b","d"],"pk":"k"}`},
		{"in any order", "REMOVE l[2], l[0], l[1]", nil, nil, `{"pk":"k","l":["a","b","c","d"]}`, `{"l":["d"],"pk":"k"}`},
		{"past the end", "REMOVE l[5]", nil, nil, `{"pk":"k","l":["a"]}`, `{"l":["a"],"pk":"k"}`},
		{"element field and element", "REMOVE l[0].x, l[1]", nil, nil, `{"pk":"k","l":[{"x":1,"y":2},"b","c"]}`, `{"l":[{"y":2},"c"],"pk":"k"}`},
		{"with SET on the same list", "SET l[1] = :v REMOVE l[0]", nil, vals(":v", vS("B")), `{"pk":"k","l":["a","b","c"]}`, `{"l":["B","c"],"pk":"k"}`},
		{"sections in any order", "REMOVE a SET b = :v", nil, vals(":v", vN("1")), `{"pk":"k","a":0}`, `{"b":1,"pk":"k"}`},
	})
}

func TestUpdateAdd(t *testing.T) {
	runUpdateCases(t, []updateCase{
		{"number", "ADD n :v", nil, vals(":v", vN("2")), `{"pk":"k","n":1}`, `{"n":3,"pk":"k"}`},
		{"negative", "ADD n :v", nil, vals(":v", vN("-2.5")), `{"pk":"k","n":1}`, `{"n":-1.5,"pk":"k"}`},
		{"missing starts at 0", "ADD n :v", nil, vals(":v", vN("7")), "", `{"n":7,"pk":"k"}`},
		{"string set", "ADD s :v", nil, vals(":v", item.SS{"b", "c"}), `{"pk":"k","s":{"$SS":["a","b"]}}`, `{"pk":"k","s":["a","b","c"]}`},
		{"number set", "ADD s :v", nil, vals(":v", ns("2.0", "3")), `{"pk":"k","s":{"$NS":[1,2]}}`, `{"pk":"k","s":[1,2,3]}`},
		{"binary set", "ADD s :v", nil, vals(":v", item.BS{{2}, {3}}), `{"pk":"k","s":{"$BS":["AQ==","Ag=="]}}`, `{"pk":"k","s":["AQ==","Ag==","Aw=="]}`},
		{"missing creates the set", "ADD s :v", nil, vals(":v", item.SS{"x"}), "", `{"pk":"k","s":["x"]}`},
		{"nested", "ADD m.n :v", nil, vals(":v", vN("1")), `{"pk":"k","m":{}}`, `{"m":{"n":1},"pk":"k"}`},
		{"two", "ADD n :one, s :s", nil, vals(":one", vN("1"), ":s", item.SS{"a"}), "", `{"n":1,"pk":"k","s":["a"]}`},
	})
}

func TestUpdateDelete(t *testing.T) {
	runUpdateCases(t, []updateCase{
		{"difference", "DELETE s :v", nil, vals(":v", item.SS{"a", "z"}), `{"pk":"k","s":{"$SS":["a","b"]}}`, `{"pk":"k","s":["b"]}`},
		{"emptied set is removed", "DELETE s :v", nil, vals(":v", item.SS{"a", "b"}), `{"pk":"k","s":{"$SS":["a","b"]}}`, `{"pk":"k"}`},
		{"numbers by value", "DELETE s :v", nil, vals(":v", ns("1.0")), `{"pk":"k","s":{"$NS":[1,2]}}`, `{"pk":"k","s":[2]}`},
		{"binary", "DELETE s :v", nil, vals(":v", item.BS{{1}}), `{"pk":"k","s":{"$BS":["AQ==","Ag=="]}}`, `{"pk":"k","s":["Ag=="]}`},
		{"missing attribute", "DELETE s :v", nil, vals(":v", item.SS{"a"}), "", `{"pk":"k"}`},
		{"emptied set in a list", "DELETE l[0] :v REMOVE l[2]", nil, vals(":v", item.SS{"a"}), `{"pk":"k","l":[{"$SS":["a"]},"b","c","d"]}`, `{"l":["b","d"],"pk":"k"}`},
	})
}

func TestUpdateErrors(t *testing.T) {
	cases := []struct {
		expr   string
		values map[string]item.Value
		before string
		want   string
	}{
		{"ADD s :ns", vals(":ns", ns("1")), `{"pk":"k","s":{"$SS":["a"]}}`, msgIncorrectType},
		{"ADD s :ss", vals(":ss", item.SS{"a"}), `{"pk":"k","s":1}`, msgIncorrectType},
		{"ADD s :bs", vals(":bs", item.BS{{1}}), `{"pk":"k","s":{"$NS":[1]}}`, msgIncorrectType},
		{"DELETE s :ns", vals(":ns", ns("1")), `{"pk":"k","s":{"$SS":["a"]}}`, msgIncorrectType},
		{"DELETE s :ss", vals(":ss", item.SS{"a"}), `{"pk":"k","s":"a"}`, msgIncorrectType},
		{"SET a = b - :n", vals(":n", vN("1")), `{"pk":"k","b":[1]}`, msgIncorrectType},
		{"SET a = list_append(:l, b)", vals(":l", item.L{}), `{"pk":"k","b":"x"}`, msgIncorrectType},
		{"SET a = list_append(:l, b)", vals(":l", item.L{}), `{"pk":"k"}`, msgMissingAttr},
		{"SET a = b", nil, `{"pk":"k"}`, msgMissingAttr},
		{"SET a = b[3]", nil, `{"pk":"k","b":[1]}`, msgMissingAttr},
		{"SET a.b = :v", vals(":v", vN("1")), `{"pk":"k","a":"x"}`, msgInvalidPath},
		{"SET l[0].x = :v", vals(":v", vN("1")), `{"pk":"k","l":[]}`, msgInvalidPath},
		{"ADD m.n :v", vals(":v", vN("1")), `{"pk":"k"}`, msgInvalidPath},
		{"DELETE m.s :v", vals(":v", item.SS{"a"}), `{"pk":"k"}`, msgInvalidPath},
		{"REMOVE a.b", nil, `{"pk":"k","a":[1]}`, msgInvalidPath},
		{"ADD n :v", vals(":v", vN("1E+125")), `{"pk":"k","n":9E+125}`, "Number overflow. Attempting to store a number with magnitude larger than supported range"},
		{"REMOVE pk", nil, `{"pk":"k"}`, msgKeyPartOfKey("pk")},
		{"ADD pk :v", vals(":v", vN("1")), `{"pk":"k"}`, msgKeyPartOfKey("pk")},
		{"DELETE a :v, sk :v", vals(":v", item.SS{"a"}), `{"pk":"k"}`, msgKeyPartOfKey("sk")},
		{"SET sk.x = :v", vals(":v", vN("1")), `{"pk":"k"}`, msgKeyPartOfKey("sk")},
	}
	for _, c := range cases {
		u := mustUpdate(t, c.expr, Bindings{Values: c.values}, DialectDynamoDB)
		it := itemJSON(t, c.before)
		_, _, err := u.Apply(it, []string{"pk", "sk"})
		if err == nil || err.Error() != c.want {
			t.Errorf("%s on %s: got %v, want %s", c.expr, c.before, err, c.want)
		}
	}
}

func TestUpdateChangedPaths(t *testing.T) {
	u := mustUpdate(t, "SET a = :v, l[9] = :v REMOVE b ADD #n :one DELETE s :s",
		Bindings{Names: names("#n", "n"), Values: vals(":v", vN("1"), ":one", vN("1"), ":s", item.SS{"x"})}, DialectDynamoDB)
	old := itemJSON(t, `{"pk":"k","a":0,"b":1,"l":[0],"s":{"$SS":["x","y"]},"other":true}`)
	nw, changed, err := u.Apply(old, []string{"pk"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range changed {
		got = append(got, p.String())
	}
	want := []string{"a", "l[1]", "b", "n", "s"}
	if len(got) != len(want) {
		t.Fatalf("changed %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("changed %v, want %v", got, want)
		}
	}
	if s := jsonOf(Project(old, changed)); s != `{"a":0,"b":1,"s":["x","y"]}` {
		t.Errorf("UPDATED_OLD %s", s)
	}
	if s := jsonOf(Project(nw, changed)); s != `{"a":1,"l":[1],"n":1,"s":["y"]}` {
		t.Errorf("UPDATED_NEW %s", s)
	}
}

func TestUpdateDoesNotAlias(t *testing.T) {
	l := item.L{vN("1")}
	u := mustUpdate(t, "SET a = :l, b = c", Bindings{Values: vals(":l", l)}, DialectDynamoDB)
	old := itemJSON(t, `{"pk":"k","c":{"x":[1]}}`)
	nw, _, err := u.Apply(old, nil)
	if err != nil {
		t.Fatal(err)
	}
	nw["a"].(item.L)[0] = vS("changed")
	nw["b"].(item.M)["x"].(item.L)[0] = vS("changed")
	if !item.Equal(l[0], vN("1")) {
		t.Error("binding value shared with the result")
	}
	if jsonOf(old) != `{"c":{"x":[1]},"pk":"k"}` {
		t.Errorf("input shared with the result: %s", jsonOf(old))
	}
}

func TestUpdateMissingItem(t *testing.T) {
	// The caller passes the key alone for an item that does not exist.
	u := mustUpdate(t, "REMOVE a", Bindings{}, DialectDynamoDB)
	nw, _, err := u.Apply(item.Item{"pk": vS("k")}, []string{"pk"})
	if err != nil || jsonOf(nw) != `{"pk":"k"}` {
		t.Fatalf("%s %v", jsonOf(nw), err)
	}
	// A nil item works too.
	u = mustUpdate(t, "SET a = :v", Bindings{Values: vals(":v", vN("1"))}, DialectDynamoDB)
	nw, _, err = u.Apply(nil, nil)
	if err != nil || jsonOf(nw) != `{"a":1}` {
		t.Fatalf("%s %v", jsonOf(nw), err)
	}
}

func TestApplyInPlaceMatchesApply(t *testing.T) {
	exprs := []string{
		"SET a = b, b = a", "SET l[10] = :v REMOVE l[0]", "ADD n :one, s :set DELETE t :set", "SET m.x.y = :v REMOVE m.z",
		"SET n = n + :one, l = list_append(l, :l)",
	}
	for _, e := range exprs {
		u, err := ParseUpdate(e, DialectDynamoDB)
		if err != nil {
			t.Fatal(e, err)
		}
		cu, err := u.Bind(Bindings{Values: map[string]item.Value{":v": item.S("v"), ":one": item.NFromInt64(1),
			":set": item.SS{"x"}, ":l": item.L{item.S("q")}}}, DialectShell)
		if err != nil {
			t.Fatal(e, err)
		}
		mk := func() item.Item {
			return item.Item{"a": item.S("A"), "b": item.S("B"), "l": item.L{item.S("0"), item.S("1")}, "n": item.NFromInt64(5),
				"s": item.SS{"y"}, "t": item.SS{"x", "z"}, "m": item.M{"x": item.M{}, "z": item.S("z")}}
		}
		want, wp, werr := cu.Apply(mk(), nil)
		got, gp, gerr := cu.ApplyInPlace(mk(), nil)
		if (werr == nil) != (gerr == nil) || !item.ItemsEqual(want, got) || len(wp) != len(gp) {
			t.Errorf("%s: Apply %v %v, ApplyInPlace %v %v", e, want, werr, got, gerr)
		}
	}
}
