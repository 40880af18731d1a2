package parser

import (
	"bytes"
	"errors"
	"strings"

	"github.com/keystonedb/kstone-shell/engine/item"
)

// Condition evaluation follows DynamoDB:
//
//   - a path into a missing attribute, past the end of a list, or through a
//     value that is not a map/list yields no value;
//   - = is deep equality (sets as sets); <> is its negation, so it is true
//     when an operand has no value or the types differ;
//   - < <= > >= and BETWEEN compare S and B bytewise and N numerically, and
//     are false for any other pair (different types included), never an
//     error;
//   - size is the UTF-8 length of S, the length of B, and the number of
//     elements of L, M and sets; it has no value for N, BOOL and NULL.

// Eval reports whether the item satisfies the condition. A nil item (no
// item stored) has no attributes. Evaluation never fails today; the error
// is there for future functions.
func (c *CompiledCondition) Eval(it item.Item) (bool, error) {
	return c.root.eval(it), nil
}

// Kind returns ConditionExpression, FilterExpression, KeyConditionExpression
// or PartiQL.
func (c *CompiledCondition) Kind() ExprKind { return c.kind }

type cond interface {
	eval(it item.Item) bool
}

type (
	evalOr      []cond
	evalAnd     []cond
	evalNot     struct{ c cond }
	evalCompare struct {
		op   string
		l, r *operand
	}
	evalBetween struct{ x, lo, hi *operand }
	evalIn      struct {
		x    *operand
		list []*operand
	}
	evalFunc struct {
		name string
		args []*operand
	}
)

func (c evalOr) eval(it item.Item) bool {
	for _, t := range c {
		if t.eval(it) {
			return true
		}
	}
	return false
}

func (c evalAnd) eval(it item.Item) bool {
	for _, t := range c {
		if !t.eval(it) {
			return false
		}
	}
	return true
}

func (c evalNot) eval(it item.Item) bool { return !c.c.eval(it) }

// get returns the operand's value in the item.
func (o *operand) get(it item.Item) (item.Value, bool) {
	switch o.kind {
	case opPath:
		return o.path.Get(it)
	case opValue:
		return o.value, o.value != nil
	}
	v, ok := o.arg.get(it)
	if !ok {
		return nil, false
	}
	n, ok := sizeOf(v)
	if !ok {
		return nil, false
	}
	return item.NFromInt64(int64(n)), true
}

// sizeOf is DynamoDB's size function.
func sizeOf(v item.Value) (int, bool) {
	switch v := v.(type) {
	case item.S:
		return len(v), true
	case item.B:
		return len(v), true
	case item.L:
		return len(v), true
	case item.M:
		return len(v), true
	case item.SS:
		return len(v), true
	case item.NS:
		return len(v), true
	case item.BS:
		return len(v), true
	}
	return 0, false
}

func (c *evalCompare) eval(it item.Item) bool {
	l, lok := c.l.get(it)
	r, rok := c.r.get(it)
	return compareValues(c.op, l, lok, r, rok)
}

func compareValues(op string, l item.Value, lok bool, r item.Value, rok bool) bool {
	switch op {
	case "=":
		return lok && rok && item.Equal(l, r)
	case "<>":
		return !(lok && rok && item.Equal(l, r))
	}
	if !lok || !rok {
		return false
	}
	cmp, ok := item.Compare(l, r)
	if !ok {
		return false
	}
	switch op {
	case "<":
		return cmp < 0
	case "<=":
		return cmp <= 0
	case ">":
		return cmp > 0
	}
	return cmp >= 0
}

func (c *evalBetween) eval(it item.Item) bool {
	x, ok := c.x.get(it)
	if !ok {
		return false
	}
	lo, ok1 := c.lo.get(it)
	hi, ok2 := c.hi.get(it)
	return compareValues(">=", x, true, lo, ok1) && compareValues("<=", x, true, hi, ok2)
}

func (c *evalIn) eval(it item.Item) bool {
	x, ok := c.x.get(it)
	if !ok {
		return false
	}
	for _, o := range c.list {
		if v, ok := o.get(it); ok && item.Equal(x, v) {
			return true
		}
	}
	return false
}

func (c *evalFunc) eval(it item.Item) bool {
	switch c.name {
	case "attribute_exists":
		_, ok := c.args[0].get(it)
		return ok
	case "attribute_not_exists":
		_, ok := c.args[0].get(it)
		return !ok
	}
	a, ok1 := c.args[0].get(it)
	b, ok2 := c.args[1].get(it)
	if !ok1 || !ok2 {
		return false
	}
	switch c.name {
	case "attribute_type":
		t, ok := b.(item.S)
		return ok && a.Type().String() == string(t)
	case "begins_with":
		return beginsWith(a, b)
	case "contains":
		return contains(a, b)
	}
	return false
}

func beginsWith(a, b item.Value) bool {
	switch a := a.(type) {
	case item.S:
		p, ok := b.(item.S)
		return ok && strings.HasPrefix(string(a), string(p))
	case item.B:
		p, ok := b.(item.B)
		return ok && bytes.HasPrefix(a, p)
	}
	return false
}

// contains: a substring of S or B, a member of a set of the operand's type,
// an element of a list.
func contains(a, b item.Value) bool {
	switch a := a.(type) {
	case item.S:
		s, ok := b.(item.S)
		return ok && strings.Contains(string(a), string(s))
	case item.B:
		s, ok := b.(item.B)
		return ok && bytes.Contains(a, s)
	case item.SS:
		s, ok := b.(item.S)
		if !ok {
			return false
		}
		for _, m := range a {
			if m == string(s) {
				return true
			}
		}
	case item.NS:
		n, ok := b.(item.N)
		if !ok {
			return false
		}
		for _, m := range a {
			if m == n {
				return true
			}
		}
	case item.BS:
		s, ok := b.(item.B)
		if !ok {
			return false
		}
		for _, m := range a {
			if bytes.Equal(m, s) {
				return true
			}
		}
	case item.L:
		for _, e := range a {
			if item.Equal(e, b) {
				return true
			}
		}
	}
	return false
}

// ErrConditionalCheckFailed is wrapped by the error Check returns, so that
// errors.Is tells a failed condition (DynamoDB's
// ConditionalCheckFailedException) from a validation error.
var ErrConditionalCheckFailed = errors.New("ConditionalCheckFailedException")

// Check evaluates the condition and, when the item does not satisfy it,
// returns DynamoDB's "The conditional request failed", wrapping
// ErrConditionalCheckFailed.
func (c *CompiledCondition) Check(it item.Item) error {
	ok, err := c.Eval(it)
	if err != nil {
		return err
	}
	if !ok {
		return &Error{Kind: c.kind, Msg: "The conditional request failed", Err: ErrConditionalCheckFailed}
	}
	return nil
}

// Attributes returns the top-level attributes the condition reads, each
// once, in order of first appearance.
func (c *CompiledCondition) Attributes() []string {
	var out []string
	seen := map[string]bool{}
	var visitOp func(o *operand)
	visitOp = func(o *operand) {
		switch {
		case o == nil:
		case o.kind == opPath:
			if n := o.path[0].Name; !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		case o.kind == opSize:
			visitOp(o.arg)
		}
	}
	var visit func(c cond)
	visit = func(c cond) {
		switch c := c.(type) {
		case evalOr:
			for _, t := range c {
				visit(t)
			}
		case evalAnd:
			for _, t := range c {
				visit(t)
			}
		case evalNot:
			visit(c.c)
		case *evalCompare:
			visitOp(c.l)
			visitOp(c.r)
		case *evalBetween:
			visitOp(c.x)
			visitOp(c.lo)
			visitOp(c.hi)
		case *evalIn:
			visitOp(c.x)
			for _, o := range c.list {
				visitOp(o)
			}
		case *evalFunc:
			for _, o := range c.args {
				visitOp(o)
			}
		}
	}
	visit(c.root)
	return out
}

// CheckQueryFilter rejects, as DynamoDB does for a Query, a FilterExpression
// that reads a key attribute of ks: "Filter Expression can only contain
// non-primary key attributes: Primary key attribute: pk".
func (c *CompiledCondition) CheckQueryFilter(ks KeySchema) error {
	for _, a := range c.Attributes() {
		if a == ks.PartitionKey || ks.SortKey != "" && a == ks.SortKey {
			return plainError(c.kind, "Filter Expression can only contain non-primary key attributes: Primary key attribute: "+a)
		}
	}
	return nil
}
