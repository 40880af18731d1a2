package parser

import (
	"sort"

	"github.com/keystonedb/kstone-shell/engine/item"
)

// Bindings are a request's ExpressionAttributeNames (#name → attribute
// name) and ExpressionAttributeValues (:value → value).
type Bindings struct {
	Names  map[string]string
	Values map[string]item.Value
}

// Compiled holds the evaluable forms of the expressions of one request;
// the fields for expressions the request did not have are nil.
type Compiled struct {
	Update       *CompiledUpdate
	Condition    *CompiledCondition // the ConditionExpression
	Filter       *CompiledCondition // the FilterExpression
	KeyCondition *CompiledKeyCondition
	Projection   *CompiledProjection
}

// Compile validates the expressions of one request against its bindings
// and returns their evaluable forms. The expressions share the bindings, as
// an UpdateItem's UpdateExpression and ConditionExpression do; nil
// expressions are skipped, and at most one of each kind may be given
// (ConditionExpression and FilterExpression count as different kinds).
//
// Checks, in DynamoDB's order: the binding keys and values (sets must not
// be empty, …); then each expression (UpdateExpression, ConditionExpression,
// KeyConditionExpression, FilterExpression, ProjectionExpression):
// undefined #names and :values, overlapping paths, operand counts and
// types, BETWEEN bounds, attribute_type names; finally, with
// DialectDynamoDB only, bindings no expression uses ("Value provided in
// ExpressionAttributeValues unused in expressions: keys: {:unused}"). The
// shell passes DialectShell, since it hands each statement only the
// bindings it uses. Literals of shell-dialect expressions are bound
// automatically.
func Compile(b Bindings, d Dialect, exprs ...Expr) (*Compiled, error) {
	byKind := [PartiQL]*exprInfo{}
	var (
		update       *Update
		cond, filter *Condition
		keyCond      *KeyCondition
		proj         *Projection
	)
	for _, e := range exprs {
		var info *exprInfo
		switch e := e.(type) {
		case *Update:
			if e != nil {
				update, info = e, &e.exprInfo
			}
		case *Condition:
			if e != nil {
				info = &e.exprInfo
				if e.kind == FilterExpression {
					filter = e
				} else {
					cond = e
				}
			}
		case *KeyCondition:
			if e != nil {
				keyCond, info = e, &e.exprInfo
			}
		case *Projection:
			if e != nil {
				proj, info = e, &e.exprInfo
			}
		}
		if info == nil {
			continue
		}
		if byKind[info.kind] != nil {
			return nil, plainError(Request, "parser: more than one "+info.kind.String()+" in one request")
		}
		byKind[info.kind] = info
	}
	if err := checkBindings(b); err != nil {
		return nil, err
	}
	used := map[string]bool{}
	out := &Compiled{}
	var err error
	if update != nil {
		if out.Update, err = bindUpdate(update, b, used); err != nil {
			return nil, err
		}
	}
	if cond != nil {
		if out.Condition, err = bindCondition(&cond.exprInfo, cond.AST, b, used); err != nil {
			return nil, err
		}
	}
	if keyCond != nil {
		if out.KeyCondition, err = bindKeyCondition(keyCond, b, used); err != nil {
			return nil, err
		}
	}
	if filter != nil {
		if out.Filter, err = bindCondition(&filter.exprInfo, filter.AST, b, used); err != nil {
			return nil, err
		}
	}
	if proj != nil {
		if out.Projection, err = bindProjection(proj, b, used); err != nil {
			return nil, err
		}
	}
	if d == DialectDynamoDB {
		if err := checkUnused(b, used); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// checkBindings checks the binding keys and values. Of several faults of
// one kind, the one whose key sorts first is reported, so that the error
// does not depend on map order.
func checkBindings(b Bindings) error {
	bad := ""
	for k := range b.Names {
		if !validKey(k, '#') && (bad == "" || k < bad) {
			bad = k
		}
	}
	if bad != "" {
		return plainError(Request, `ExpressionAttributeNames contains invalid key: Syntax error; key: "`+bad+`"`)
	}
	for k := range b.Values {
		if !validKey(k, ':') && (bad == "" || k < bad) {
			bad = k
		}
	}
	if bad != "" {
		return plainError(Request, `ExpressionAttributeValues contains invalid key: Syntax error; key: "`+bad+`"`)
	}
	var badErr error
	for k, v := range b.Values {
		if bad != "" && k > bad {
			continue
		}
		if err := item.ValidateValue(v); err != nil {
			bad, badErr = k, err
		}
	}
	if badErr != nil {
		return &Error{Kind: Request, Msg: "ExpressionAttributeValues contains invalid value: " + badErr.Error() + " for key " + bad, Err: badErr}
	}
	return nil
}

// validKey reports whether k is prefix followed by one or more of
// [0-9A-Za-z_], the syntax DynamoDB accepts for binding keys.
func validKey(k string, prefix byte) bool {
	if len(k) < 2 || k[0] != prefix {
		return false
	}
	for i := 1; i < len(k); i++ {
		c := k[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_') {
			return false
		}
	}
	return true
}

func checkUnused(b Bindings, used map[string]bool) error {
	var names, values []string
	for k := range b.Names {
		if !used[k] {
			names = append(names, k)
		}
	}
	for k := range b.Values {
		if !used[k] {
			values = append(values, k)
		}
	}
	if len(names) > 0 {
		sort.Strings(names)
		return plainError(Request, msgUnused("ExpressionAttributeNames", names))
	}
	if len(values) > 0 {
		sort.Strings(values)
		return plainError(Request, msgUnused("ExpressionAttributeValues", values))
	}
	return nil
}

// --- per-expression conveniences ----------------------------------------------

// Bind compiles the update alone (see Compile).
func (u *Update) Bind(b Bindings, d Dialect) (*CompiledUpdate, error) {
	c, err := Compile(b, d, u)
	if err != nil {
		return nil, err
	}
	return c.Update, nil
}

// Bind compiles the condition alone (see Compile).
func (c *Condition) Bind(b Bindings, d Dialect) (*CompiledCondition, error) {
	cc, err := Compile(b, d, c)
	if err != nil {
		return nil, err
	}
	if c.kind == FilterExpression {
		return cc.Filter, nil
	}
	return cc.Condition, nil
}

// Bind compiles the key condition alone (see Compile).
func (k *KeyCondition) Bind(b Bindings, d Dialect) (*CompiledKeyCondition, error) {
	c, err := Compile(b, d, k)
	if err != nil {
		return nil, err
	}
	return c.KeyCondition, nil
}

// Bind compiles the projection alone (see Compile).
func (p *Projection) Bind(b Bindings, d Dialect) (*CompiledProjection, error) {
	c, err := Compile(b, d, p)
	if err != nil {
		return nil, err
	}
	return c.Projection, nil
}
