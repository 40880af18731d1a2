package parser

import (
	"testing"

	"github.com/keystonedb/kstone-shell/engine/item"
)

// Value shorthands.
func vS(s string) item.Value { return item.S(s) }
func vN(s string) item.Value { return item.MustN(s) }
func vB(b ...byte) item.Value {
	return item.B(b)
}

// vals builds ExpressionAttributeValues from pairs.
func vals(kv ...any) map[string]item.Value {
	m := map[string]item.Value{}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1].(item.Value)
	}
	return m
}

// names builds ExpressionAttributeNames from pairs.
func names(kv ...string) map[string]string {
	m := map[string]string{}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

// parseExpr parses src as an expression of the given kind.
func parseExpr(kind ExprKind, src string, d Dialect) (Expr, error) {
	switch kind {
	case UpdateExpression:
		u, err := ParseUpdate(src, d)
		if err != nil {
			return nil, err
		}
		return u, nil
	case ConditionExpression, FilterExpression:
		c, err := ParseCondition(src, kind, d)
		if err != nil {
			return nil, err
		}
		return c, nil
	case KeyConditionExpression:
		k, err := ParseKeyCondition(src, d)
		if err != nil {
			return nil, err
		}
		return k, nil
	case ProjectionExpression:
		p, err := ParseProjection(src, d)
		if err != nil {
			return nil, err
		}
		return p, nil
	}
	panic("bad kind")
}

// compileExpr parses and compiles one expression.
func compileExpr(kind ExprKind, src string, b Bindings, d Dialect) (*Compiled, error) {
	e, err := parseExpr(kind, src, d)
	if err != nil {
		return nil, err
	}
	return Compile(b, d, e)
}

func mustCondition(t testing.TB, src string, b Bindings, d Dialect) *CompiledCondition {
	t.Helper()
	c, err := compileExpr(ConditionExpression, src, b, d)
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	return c.Condition
}

func mustUpdate(t testing.TB, src string, b Bindings, d Dialect) *CompiledUpdate {
	t.Helper()
	c, err := compileExpr(UpdateExpression, src, b, d)
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	return c.Update
}

// itemJSON reads an item from plain JSON (with the $SS/$NS/$BS/$B
// shorthand).
func itemJSON(t testing.TB, s string) item.Item {
	t.Helper()
	it, err := item.ItemFromJSON([]byte(s))
	if err != nil {
		t.Fatalf("item %s: %v", s, err)
	}
	return it
}

func jsonOf(it item.Item) string { return string(item.ItemToJSON(it)) }
