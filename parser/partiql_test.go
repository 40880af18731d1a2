package parser

import (
	"strings"
	"testing"

	"github.com/keystonedb/kstone-shell/engine/item"
)

func mustStatement(t *testing.T, src string) Statement {
	t.Helper()
	st, err := ParsePartiQL(src)
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	return st
}

func TestPartiQLSelect(t *testing.T) {
	st := mustStatement(t, "SELECT name, age FROM items WHERE pk = 'user#1'")
	sel := st.(*Select)
	plan, err := sel.Bind(nil)
	if err != nil {
		t.Fatal(err)
	}
	if plan.Table != "items" || plan.Index != "" || plan.Limit != -1 || plan.Offset != -1 || plan.OrderBy != "" {
		t.Fatalf("%+v", plan)
	}
	if len(plan.KeyTerms) != 1 || plan.KeyTerms[0].Name != "pk" || plan.KeyTerms[0].Op != EQ || !item.Equal(plan.KeyTerms[0].Values[0], vS("user#1")) {
		t.Fatalf("terms %+v", plan.KeyTerms)
	}
	it := itemJSON(t, `{"pk":"user#1","name":"Alice","age":30,"x":1}`)
	if ok, _ := plan.Where.Eval(it); !ok {
		t.Fatal("where")
	}
	if s := jsonOf(plan.Projection.Apply(it)); s != `{"age":30,"name":"Alice"}` {
		t.Fatal(s)
	}

	st = mustStatement(t, `select * from "my-table"."by-date" where pk = ? and sk between ? and ? and begins_with(title, 'A') and size(tags) > 1 order by sk desc limit 10 offset 5`)
	sel = st.(*Select)
	plan, err = sel.Bind([]item.Value{vS("p"), vN("1"), vN("9")})
	if err != nil {
		t.Fatal(err)
	}
	if plan.Table != "my-table" || plan.Index != "by-date" || !sel.Star || plan.Projection != nil ||
		plan.OrderBy != "sk" || !plan.Descending || plan.Limit != 10 || plan.Offset != 5 {
		t.Fatalf("%+v", plan)
	}
	if len(plan.KeyTerms) != 3 || plan.KeyTerms[1].Op != BETWEEN || plan.KeyTerms[2].Op != BEGINS_WITH {
		t.Fatalf("terms %+v", plan.KeyTerms)
	}
	ks := KeySchema{PartitionKey: "pk", PartitionType: item.TypeS, SortKey: "sk", SortType: item.TypeN}
	q := PlanKeyQuery(plan.KeyTerms, ks)
	if q == nil || q.Sort.Op != BETWEEN || q.IsGet(ks) {
		t.Fatalf("%+v", q)
	}
	it = itemJSON(t, `{"pk":"p","sk":5,"title":"Abc","tags":["a","b"]}`)
	if ok, _ := plan.Where.Eval(it); !ok {
		t.Fatal("where")
	}

	// Other WHERE forms.
	for src, want := range map[string]bool{
		"SELECT * FROM t WHERE a IN ['x', 'y']":               true,
		"SELECT * FROM t WHERE a IN ('x')":                    true,
		"SELECT * FROM t WHERE a != 'x'":                      false,
		"SELECT * FROM t WHERE n = 1.50 AND f = false":        true,
		"SELECT * FROM t WHERE \"a\" = 'x' OR NOT n < 1":      true,
		"SELECT * FROM t WHERE m.k[0] = true":                 true,
		"SELECT * FROM t WHERE l = [1, 'two'] AND z = null":   true,
		"SELECT * FROM t WHERE s = <<'b', 'a'>>":              true,
		"SELECT * FROM t WHERE attribute_exists(m) AND 1 = n": false,
	} {
		plan, err := mustStatement(t, src).(*Select).Bind(nil)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		row := itemJSON(t, `{"a":"x","n":1.5,"f":false,"m":{"k":[true]},"l":[1,"two"],"z":null,"s":{"$SS":["a","b"]}}`)
		if ok, _ := plan.Where.Eval(row); ok != want {
			t.Errorf("%s: %v", src, ok)
		}
	}
}

func TestPartiQLInsert(t *testing.T) {
	st := mustStatement(t, `INSERT INTO "items" VALUE {'pk': 'a', 'n': 1, 'l': [1, 2], 'm': {'x': true}, 's': <<'a','b'>>, 'ns': <<1, 2>>, 'z': null, 'q': ?}`)
	plan, err := st.(*Insert).Bind([]item.Value{vB(1)})
	if err != nil {
		t.Fatal(err)
	}
	if plan.Table != "items" {
		t.Fatal(plan.Table)
	}
	if s := jsonOf(plan.Item); s != `{"l":[1,2],"m":{"x":true},"n":1,"ns":[1,2],"pk":"a","q":"AQ==","s":["a","b"],"z":null}` {
		t.Fatal(s)
	}
	if _, ok := plan.Item["s"].(item.SS); !ok {
		t.Fatalf("s is %T", plan.Item["s"])
	}
	if _, ok := plan.Item["ns"].(item.NS); !ok {
		t.Fatalf("ns is %T", plan.Item["ns"])
	}
	// Compact tuples too.
	plan, err = mustStatement(t, `INSERT INTO t VALUE {'pk':'a','n':1.5,'b':true}`).(*Insert).Bind(nil)
	if err != nil || jsonOf(plan.Item) != `{"b":true,"n":1.5,"pk":"a"}` {
		t.Fatalf("%v %v", plan, err)
	}
	for _, src := range []string{"INSERT INTO t VALUE [1]", "INSERT INTO t VALUE {'a': 1, 'a': 2}", "INSERT INTO t VALUE {'s': <<1, 'x'>>}"} {
		if _, err := ParsePartiQL(src); err == nil {
			t.Errorf("%s: accepted", src)
		}
	}
}

func TestPartiQLUpdateDelete(t *testing.T) {
	st := mustStatement(t, "UPDATE items SET n = n + ?, tags = list_append(tags, ['c']) SET m.x = 'y' REMOVE old WHERE pk = ? AND sk = 2")
	up := st.(*UpdateStmt)
	plan, err := up.Bind([]item.Value{vN("2"), vS("k")})
	if err != nil {
		t.Fatal(err)
	}
	if plan.Table != "items" || len(plan.KeyTerms) != 2 {
		t.Fatalf("%+v", plan)
	}
	old := itemJSON(t, `{"pk":"k","sk":2,"n":1,"tags":["a"],"m":{},"old":0}`)
	if ok, _ := plan.Where.Eval(old); !ok {
		t.Fatal("where")
	}
	nw, _, err := plan.Update.Apply(old, []string{"pk", "sk"})
	if err != nil {
		t.Fatal(err)
	}
	if s := jsonOf(nw); s != `{"m":{"x":"y"},"n":3,"pk":"k","sk":2,"tags":["a","c"]}` {
		t.Fatal(s)
	}

	del, err := mustStatement(t, "DELETE FROM items WHERE pk = 'k' AND attribute_exists(n)").(*Delete).Bind(nil)
	if err != nil {
		t.Fatal(err)
	}
	if del.Table != "items" || len(del.KeyTerms) != 1 {
		t.Fatalf("%+v", del)
	}
	if ok, _ := del.Where.Eval(nw); !ok {
		t.Fatal("delete where")
	}
}

func TestPartiQLErrors(t *testing.T) {
	cases := map[string]string{
		"SELECT * FROM t WHERE #a = 1":          `Statement wasn't well formed, can't be processed: Syntax error; token: "#a", near: "t WHERE #a ="`,
		"SELECT * FROM t WHERE a = :v":          `Statement wasn't well formed, can't be processed: Syntax error; token: ":v", near: "a = :v"`,
		"SELECT * FROM t WHERE":                 `Statement wasn't well formed, can't be processed: Syntax error; token: "<EOF>", near: "t WHERE"`,
		"SELECT value FROM t":                   `Statement wasn't well formed, can't be processed: Syntax error; token: "value", near: "SELECT value FROM"`,
		"SELECT * FROM t LIMIT 1.5":             `Statement wasn't well formed, can't be processed: Syntax error; token: "1.5", near: "t LIMIT 1.5"`,
		"UPDATE t SET a = 1":                    `Statement wasn't well formed, can't be processed: Syntax error; token: "<EOF>", near: "= 1"`,
		"DELETE FROM t":                         `Statement wasn't well formed, can't be processed: Syntax error; token: "<EOF>", near: "FROM t"`,
		"SELECT * FROM t WHERE foo(a)":          "Invalid function name; function: foo",
		"SELECT * FROM t WHERE ((a = 1))":       "The expression has redundant parentheses;",
		"UPDATE t SET a = size(b) WHERE pk = 1": "The function is not allowed in an update expression; function: size",
		"SELECT * FROM t ORDER BY a.b":          `Statement wasn't well formed, can't be processed: Syntax error; token: ".", near: "BY a.b"`,
		"":                                      "Statement wasn't well formed, can't be processed: Expected data manipulation",
	}
	for src, want := range cases {
		_, err := ParsePartiQL(src)
		if err == nil || err.Error() != want {
			t.Errorf("%q:\n got %v\nwant %s", src, err, want)
		}
	}
	sel := mustStatement(t, "SELECT * FROM t WHERE a = ?").(*Select)
	if _, err := sel.Bind([]item.Value{vN("1"), vN("2")}); err == nil || !strings.Contains(err.Error(), "Number of parameters") {
		t.Errorf("too many parameters: %v", err)
	}
	if _, err := sel.Bind([]item.Value{item.SS{}}); err == nil || !strings.Contains(err.Error(), "may not be empty") {
		t.Errorf("invalid parameter: %v", err)
	}
}

func TestPartiQLString(t *testing.T) {
	for _, src := range []string{
		"SELECT * FROM t",
		"SELECT a, b.c[1] FROM \"t\".\"i\" WHERE a = 'x' AND b IN [1, 2] ORDER BY a ASC LIMIT 1 OFFSET 2",
		"INSERT INTO t VALUE {'a': <<1, 2>>, 'b': ?, 'c':1}",
		"UPDATE t SET a = ?, b = b - 1 REMOVE c WHERE pk = ?",
		"DELETE FROM t WHERE pk = 'a' AND NOT (x <> 1)",
	} {
		st := mustStatement(t, src)
		if st.String() != src {
			t.Errorf("\n got %s\nwant %s", st.String(), src)
		}
		if st.TableName() != "t" {
			t.Errorf("table %s", st.TableName())
		}
	}
}
