package parser

import (
	"reflect"
	"strings"
	"testing"

	"github.com/keystonedb/kstone-shell/engine/item"
)

func TestShellLiterals(t *testing.T) {
	cases := []struct {
		src  string
		lits map[string]item.Value
	}{
		{"SET age = age + 1", map[string]item.Value{":lit1": vN("1")}},
		{"SET a = -2.50", map[string]item.Value{":lit1": vN("-2.5")}},
		{"SET a = b - -1", map[string]item.Value{":lit1": vN("-1")}},
		{"SET a = b-1", map[string]item.Value{":lit1": vN("1")}},
		{`SET name = "Bob", nick = 'Bobby'`, map[string]item.Value{":lit1": vS("Bob"), ":lit2": vS("Bobby")}},
		{`SET s = "a\"b\u00e9"`, map[string]item.Value{":lit1": vS(`a"bé`)}},
		{`SET s = 'it''s'`, map[string]item.Value{":lit1": vS("it's")}},
		{"SET t = true, f = FALSE, z = null", map[string]item.Value{":lit1": item.BOOL(true), ":lit2": item.BOOL(false), ":lit3": item.NULL{}}},
		{`SET l = [1, "a", [true], {"k": null}]`, map[string]item.Value{":lit1": item.L{vN("1"), vS("a"), item.L{item.BOOL(true)}, item.M{"k": item.NULL{}}}}},
		{`SET m = {"a": 1, 'b': [], c: {}}`, map[string]item.Value{":lit1": item.M{"a": vN("1"), "b": item.L{}, "c": item.M{}}}},
		{`SET m = {"a":1,"b":1.5,"c":true,"d":null,"e":-2}`, map[string]item.Value{":lit1": item.M{"a": vN("1"), "b": vN("1.5"), "c": item.BOOL(true), "d": item.NULL{}, "e": vN("-2")}}},
		{`ADD tags <<"x", "y">>, n 1`, map[string]item.Value{":lit1": item.SS{"x", "y"}, ":lit2": vN("1")}},
		{`SET n = 12345678901234567890123456789012345678`, map[string]item.Value{":lit1": vN("12345678901234567890123456789012345678")}},
		{"SET a = :lit1 + 1", map[string]item.Value{":lit2": vN("1")}}, // generated names skip those used
	}
	for _, c := range cases {
		u, err := ParseUpdate(c.src, DialectShell)
		if err != nil {
			t.Errorf("%s: %v", c.src, err)
			continue
		}
		got := u.Literals()
		if len(got) != len(c.lits) {
			t.Errorf("%s: literals %v", c.src, got)
			continue
		}
		for k, v := range c.lits {
			if !item.Equal(got[k], v) {
				t.Errorf("%s: %s = %v, want %v", c.src, k, got[k], v)
			}
		}
		// The strict dialect rejects the same text.
		if _, err := ParseUpdate(c.src, DialectDynamoDB); err == nil {
			t.Errorf("%s: accepted by the strict dialect", c.src)
		}
	}
}

func TestShellLiteralsEvaluate(t *testing.T) {
	it := itemJSON(t, `{"pk":"k","name":"Bob","age":30,"tags":["a","b"],"m":{"x":1}}`)
	for src, want := range map[string]bool{
		`name = "Bob"`:                         true,
		`name = 'Bob' AND age > 18`:            true,
		`age BETWEEN 18 AND 65`:                true,
		`age IN (1, 2, 30)`:                    true,
		`tags = ["a", "b"]`:                    true,
		`m = {"x": 1}`:                         true,
		`m = {"x":1.0}`:                        true,
		`contains(tags, "b")`:                  true,
		`begins_with(name, "B")`:               true,
		`size(tags) = 2`:                       true,
		`age = -30`:                            false,
		`attribute_type(age, "N")`:             true,
		`name <> null`:                         true,
		`status = "active"`:                    false, // reserved words are names
		`attribute_not_exists(size)`:           true,
		`size(name) = 3 AND value = null`:      false,
		`NOT (age < 18 OR name = "Alice")`:     true,
		`"my name" = "Bob"`:                    false, // a lone quoted string is a value
		`age = 30 and name = "Bob" or age = 0`: true,
	} {
		c := mustCondition(t, src, Bindings{}, DialectShell)
		got, _ := c.Eval(it)
		if got != want {
			t.Errorf("%s: got %v want %v", src, got, want)
		}
	}
}

func TestShellReservedWordsAsNames(t *testing.T) {
	u := mustUpdate(t, "SET name = :n, status = 'active', size = size + 1, value = 1, order = 2 REMOVE comment",
		Bindings{Values: vals(":n", vS("Bob"))}, DialectShell)
	nw, _, err := u.Apply(itemJSON(t, `{"pk":"k","size":1,"comment":"x"}`), []string{"pk"})
	if err != nil {
		t.Fatal(err)
	}
	if s := jsonOf(nw); s != `{"name":"Bob","order":2,"pk":"k","size":2,"status":"active","value":1}` {
		t.Fatalf("%s", s)
	}
	for _, src := range []string{"SET name = :n", "SET a = size", "SET a.status = :n", "REMOVE comment"} {
		if _, err := ParseUpdate(src, DialectShell); err != nil {
			t.Errorf("shell %s: %v", src, err)
		}
		_, err := ParseUpdate(src, DialectDynamoDB)
		if err == nil || !strings.Contains(err.Error(), "reserved keyword") {
			t.Errorf("strict %s: %v", src, err)
		}
	}
	p, err := ParseProjection("name, status, size", DialectShell)
	if err != nil {
		t.Fatal(err)
	}
	cp, err := p.Bind(Bindings{}, DialectShell)
	if err != nil {
		t.Fatal(err)
	}
	if s := jsonOf(cp.Apply(itemJSON(t, `{"name":"a","size":1,"x":2}`))); s != `{"name":"a","size":1}` {
		t.Errorf("projection %s", s)
	}
	// Grammar keywords stay keywords.
	if _, err := ParseUpdate("SET and = 1", DialectShell); err == nil {
		t.Error("SET and = 1 accepted")
	}
	// Quoted names in the shell.
	u = mustUpdate(t, `SET "my attr" = 1, "x y".z = 2`, Bindings{}, DialectShell)
	nw, _, err = u.Apply(itemJSON(t, `{"x y":{}}`), nil)
	if err != nil || jsonOf(nw) != `{"my attr":1,"x y":{"z":2}}` {
		t.Errorf("%s %v", jsonOf(nw), err)
	}
}

func TestShellUnusedNotChecked(t *testing.T) {
	c, err := ParseCondition("a = :a", ConditionExpression, DialectShell)
	if err != nil {
		t.Fatal(err)
	}
	b := Bindings{Values: vals(":a", vN("1"), ":other", vN("2"))}
	if _, err := Compile(b, DialectShell, c); err != nil {
		t.Errorf("shell: %v", err)
	}
	if _, err := Compile(b, DialectDynamoDB, c); err == nil {
		t.Error("strict: no unused error")
	}
}

func TestPlaceholders(t *testing.T) {
	u, err := ParseUpdate("SET #a = :x, #b = #a + :y REMOVE #c ADD n :x", DialectDynamoDB)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"#a", ":x", "#b", ":y", "#c"}
	if got := u.Placeholders(); !reflect.DeepEqual(got, want) {
		t.Errorf("placeholders %v", got)
	}
	c, err := ParseCondition("a = 1 AND b = :b", ConditionExpression, DialectShell)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Placeholders(); !reflect.DeepEqual(got, []string{":b"}) {
		t.Errorf("placeholders %v", got)
	}
	if got := c.Literals(); len(got) != 1 || !item.Equal(got[":lit1"], vN("1")) {
		t.Errorf("literals %v", got)
	}
}

// TestRequestSharesBindings: an update and its condition share one set of
// bindings; a value used by only one of them is not "unused".
func TestRequestSharesBindings(t *testing.T) {
	u, _ := ParseUpdate("SET a = :new", DialectDynamoDB)
	c, _ := ParseCondition("a = :old", ConditionExpression, DialectDynamoDB)
	b := Bindings{Values: vals(":new", vN("2"), ":old", vN("1"))}
	cr, err := Compile(b, DialectDynamoDB, u, c)
	if err != nil {
		t.Fatal(err)
	}
	old := item.Item{"pk": vS("k"), "a": vN("1")}
	if err := cr.Condition.Check(old); err != nil {
		t.Fatal(err)
	}
	nw, _, _ := cr.Update.Apply(old, []string{"pk"})
	if !item.Equal(nw["a"], vN("2")) {
		t.Fatal(jsonOf(nw))
	}
	// Unused across the request.
	b.Values[":x"] = vN("0")
	if _, err := Compile(b, DialectDynamoDB, u, c); err == nil || err.Error() != "Value provided in ExpressionAttributeValues unused in expressions: keys: {:x}" {
		t.Errorf("got %v", err)
	}
	// Literals of two shell expressions do not collide.
	su, _ := ParseUpdate("SET a = 2", DialectShell)
	sc, _ := ParseCondition("a = 1", ConditionExpression, DialectShell)
	cr, err = Compile(Bindings{}, DialectShell, su, sc)
	if err != nil {
		t.Fatal(err)
	}
	if err := cr.Condition.Check(old); err != nil {
		t.Fatal(err)
	}
	nw, _, _ = cr.Update.Apply(old, nil)
	if !item.Equal(nw["a"], vN("2")) {
		t.Fatal(jsonOf(nw))
	}
	// Typed nil expressions are skipped.
	var none *Projection
	if _, err := Compile(Bindings{}, DialectDynamoDB, su, none); err != nil {
		t.Fatal(err)
	}
}

func TestShellLiteralErrors(t *testing.T) {
	cases := map[string]string{
		"SET a = 123456789012345678901234567890123456789": "Invalid UpdateExpression: Attempting to store more than 38 significant digits in a Number",
		"SET a = 1E+200":           "Invalid UpdateExpression: Number overflow. Attempting to store a number with magnitude larger than supported range",
		"SET s = <<1, 'a'>>":       "Invalid UpdateExpression: Set members must be strings, numbers or binary, all of one type",
		"SET s = <<'a', 'a'>>":     "Invalid UpdateExpression: One or more parameter values were invalid: Input collection [a, a] contains duplicates.",
		"SET s = <<>>":             "Invalid UpdateExpression: One or more parameter values were invalid: An string set  may not be empty",
		`SET m = {"a": 1, "a": 2}`: "Invalid UpdateExpression: Duplicate key in map literal: a",
		"SET a = ?":                `Invalid UpdateExpression: Syntax error; token: "?", near: "a = ?"`,
	}
	for src, want := range cases {
		_, err := ParseUpdate(src, DialectShell)
		if err == nil || err.Error() != want {
			t.Errorf("%s: got %v\nwant %s", src, err, want)
		}
	}
}
