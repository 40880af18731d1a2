package parser

import (
	"reflect"
	"testing"

	"github.com/alecthomas/participle/v2/lexer"
)

// stripPositions zeroes every lexer.Position in a tree, so that trees parsed
// from differently spaced texts compare equal.
func stripPositions(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			stripPositions(v.Elem())
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(lexer.Position{}) {
			v.Set(reflect.Zero(v.Type()))
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				stripPositions(v.Field(i))
			}
		}
	case reflect.Slice:
		for i := range v.Len() {
			stripPositions(v.Index(i))
		}
	}
}

// sameTree reports whether two trees are equal but for positions.
func sameTree(a, b any) bool {
	stripPositions(reflect.ValueOf(a))
	stripPositions(reflect.ValueOf(b))
	return reflect.DeepEqual(a, b)
}

func TestCanonicalString(t *testing.T) {
	cases := []struct {
		kind     ExprKind
		src, out string
	}{
		{UpdateExpression, "set a=:v,b=b+:w   remove c,d[1] add e :x delete f :y", "SET a = :v, b = b + :w REMOVE c, d[1] ADD e :x DELETE f :y"},
		{UpdateExpression, "SET a = list_append(if_not_exists(a,:e),:t)", "SET a = list_append(if_not_exists(a, :e), :t)"},
		{UpdateExpression, "SET a = (b-:c)", "SET a = (b - :c)"},
		{ConditionExpression, "a=:v and(b<>:w or not c.d[0]>=:x)", "a = :v AND (b <> :w OR NOT c.d[0] >= :x)"},
		{ConditionExpression, "a between :x and :y and b in(:p,:q)", "a BETWEEN :x AND :y AND b IN (:p, :q)"},
		{ConditionExpression, "size(a)>:n and begins_with(#b,:p)", "size(a) > :n AND begins_with(#b, :p)"},
		{KeyConditionExpression, "pk=:p and sk>:s", "pk = :p AND sk > :s"},
		{ProjectionExpression, "a,b.c , d[0]", "a, b.c, d[0]"},
	}
	for _, c := range cases {
		e, err := parseExpr(c.kind, c.src, DialectDynamoDB)
		if err != nil {
			t.Fatalf("%s: %v", c.src, err)
		}
		if e.String() != c.out {
			t.Errorf("%s:\n got %s\nwant %s", c.src, e.String(), c.out)
		}
		again, err := parseExpr(c.kind, e.String(), DialectDynamoDB)
		if err != nil {
			t.Fatalf("%s: %v", e.String(), err)
		}
		if !sameTree(astOf(e), astOf(again)) {
			t.Errorf("%s: tree differs after printing", c.src)
		}
	}
	u, _ := ParseUpdate(`SET a = -1.50, b = "x\"y", c = [1, {"k":2}], d = <<'a'>>, e = TRUE`, DialectShell)
	if got := u.String(); got != `SET a = -1.50, b = "x\"y", c = [1, {"k":2}], d = <<'a'>>, e = TRUE` {
		t.Errorf("literals as written: %s", got)
	}
}

func astOf(e Expr) any {
	switch e := e.(type) {
	case *Update:
		return e.AST
	case *Condition:
		return e.AST
	case *KeyCondition:
		return e.AST
	case *Projection:
		return e.AST
	}
	return nil
}
