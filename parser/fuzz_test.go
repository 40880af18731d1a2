package parser

import (
	"errors"
	"testing"

	"github.com/keystonedb/kstone-shell/engine/item"
)

// checkError checks the shape of a parse error.
func checkError(t *testing.T, src string, err error) {
	t.Helper()
	var pe *Error
	if !errors.As(err, &pe) {
		t.Fatalf("%q: error %T %v", src, err, err)
	}
	if pe.Msg == "" || pe.Error() != pe.Msg {
		t.Fatalf("%q: message %q", src, pe.Msg)
	}
	if pe.HasPos && (pe.Pos.Offset < 0 || pe.Pos.Offset > len(src)) {
		t.Fatalf("%q: position %v", src, pe.Pos)
	}
}

// fuzzBindings binds every placeholder an expression uses.
func fuzzBindings(e Expr) Bindings {
	b := Bindings{Names: map[string]string{}, Values: map[string]item.Value{}}
	sample := []item.Value{item.MustN("1"), item.S("a"), item.L{item.S("x")}, item.SS{"a"}, item.M{"k": item.MustN("2")}}
	for i, p := range e.Placeholders() {
		if p[0] == '#' {
			b.Names[p] = "a"
		} else {
			b.Values[p] = sample[i%len(sample)]
		}
	}
	return b
}

var fuzzItem = item.Item{
	"pk": item.S("k"), "a": item.MustN("1"), "s": item.S("abc"), "l": item.L{item.MustN("1"), item.S("a")},
	"m": item.M{"k": item.MustN("2"), "n": item.M{}}, "ss": item.SS{"a", "b"},
}

// fuzzExpr is the body of the expression fuzzers: parse in both dialects,
// print, parse again to the same tree, compile, evaluate — never panic.
func fuzzExpr(t *testing.T, kind ExprKind, src string) {
	for _, d := range []Dialect{DialectDynamoDB, DialectShell} {
		e, err := parseExpr(kind, src, d)
		if err != nil {
			checkError(t, src, err)
			continue
		}
		printed := e.String()
		again, err := parseExpr(kind, printed, d)
		if err != nil {
			t.Fatalf("%q printed as %q: %v", src, printed, err)
		}
		if !sameTree(astOf(e), astOf(again)) {
			t.Fatalf("%q printed as %q parses to another tree", src, printed)
		}
		c, err := Compile(fuzzBindings(e), d, e)
		if err != nil {
			checkError(t, src, err)
			continue
		}
		switch {
		case c.Update != nil:
			_, _, _ = c.Update.Apply(fuzzItem, []string{"pk"})
		case c.Condition != nil:
			_, _ = c.Condition.Eval(fuzzItem)
		case c.Filter != nil:
			_, _ = c.Filter.Eval(fuzzItem)
		case c.KeyCondition != nil:
			_, _ = c.KeyCondition.Eval(fuzzItem)
			_, _ = c.KeyCondition.Resolve(KeySchema{PartitionKey: "a", SortKey: "pk"})
		case c.Projection != nil:
			_ = c.Projection.Apply(fuzzItem)
		}
	}
}

func FuzzUpdate(f *testing.F) {
	for _, s := range []string{
		"SET a = :v", "SET #n = :n, age = age + :inc, tags = list_append(tags, :t) REMOVE tmp",
		"REMOVE l[0], l[2] ADD s :s DELETE d :d", "SET a = if_not_exists(a, :z) - :o", "SET a = = :x",
		"SET a = 1, b = \"x\", c = [1, {\"k\": true}], d = <<'a'>>", "SET SET", "ADD", "SET a.b[1].c = (b)",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) { fuzzExpr(t, UpdateExpression, src) })
}

func FuzzCondition(f *testing.F) {
	for _, s := range []string{
		"a = :v", "a > :x AND (b < :y OR NOT c = :z)", "size(a) BETWEEN :lo AND :hi", "a IN (:a, :b, :c)",
		"attribute_exists(a) AND begins_with(b, :p) OR contains(c, :d)", "((a = :v))", "a >", "(a) = :v",
		`name = "Bob" AND age >= 18`, "attribute_type(a, :t)",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		fuzzExpr(t, ConditionExpression, src)
		fuzzExpr(t, FilterExpression, src)
	})
}

func FuzzKeyCondition(f *testing.F) {
	for _, s := range []string{
		"pk = :p", "pk = :p AND sk > :s", "pk = :p AND begins_with(sk, :s)", "pk = :p AND sk BETWEEN :a AND :b",
		":s < sk AND pk = :p", "pk = :p OR sk = :s", "pk", `pk = "x"`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) { fuzzExpr(t, KeyConditionExpression, src) })
}

func FuzzProjection(f *testing.F) {
	for _, s := range []string{"a", "a, b.c, d[0]", "#a.#b[10]", "a, a", "a,", "l[x]", `"q".r`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) { fuzzExpr(t, ProjectionExpression, src) })
}

func FuzzPartiQL(f *testing.F) {
	for _, s := range []string{
		"SELECT * FROM t", "SELECT a, b FROM \"t\".\"i\" WHERE pk = ? AND sk > 1 ORDER BY sk DESC LIMIT 5 OFFSET 1",
		"INSERT INTO t VALUE {'pk': 'a', 'n': 1, 's': <<'x'>>}", "UPDATE t SET a = a + 1 REMOVE b WHERE pk = 'a'",
		"DELETE FROM t WHERE pk = ?", "SELECT", "UPDATE t SET a = ? WHERE",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		st, err := ParsePartiQL(src)
		if err != nil {
			checkError(t, src, err)
			return
		}
		printed := st.String()
		again, err := ParsePartiQL(printed)
		if err != nil {
			t.Fatalf("%q printed as %q: %v", src, printed, err)
		}
		if !sameTree(st, again) {
			t.Fatalf("%q printed as %q parses to another tree", src, printed)
		}
		params := make([]item.Value, 8)
		for i := range params {
			params[i] = item.MustN("1")
		}
		for n := 0; n <= 2; n++ {
			switch st := st.(type) {
			case *Select:
				if p, err := st.Bind(params[:n]); err == nil && p.Where != nil {
					_, _ = p.Where.Eval(fuzzItem)
				}
			case *Insert:
				_, _ = st.Bind(params[:n])
			case *UpdateStmt:
				if p, err := st.Bind(params[:n]); err == nil {
					_, _, _ = p.Update.Apply(fuzzItem, []string{"pk"})
				}
			case *Delete:
				_, _ = st.Bind(params[:n])
			}
		}
	})
}
