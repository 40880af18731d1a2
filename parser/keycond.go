package parser

import (
	"strconv"

	"github.com/keystonedb/kstone-shell/engine/item"
)

// KeyOp is the operator of a key condition.
type KeyOp int

// The key condition operators.
const (
	EQ KeyOp = iota + 1
	LT
	LE
	GT
	GE
	BETWEEN
	BEGINS_WITH
)

// String returns "EQ", "LT", …, "BEGINS_WITH".
func (o KeyOp) String() string {
	switch o {
	case EQ:
		return "EQ"
	case LT:
		return "LT"
	case LE:
		return "LE"
	case GT:
		return "GT"
	case GE:
		return "GE"
	case BETWEEN:
		return "BETWEEN"
	case BEGINS_WITH:
		return "BEGINS_WITH"
	}
	return "KeyOp(" + strconv.Itoa(int(o)) + ")"
}

var keyOps = map[string]KeyOp{"=": EQ, "<": LT, "<=": LE, ">": GT, ">=": GE}

// flipped is the operator with its operands swapped (:v < k is k > :v).
var flipped = map[KeyOp]KeyOp{EQ: EQ, LT: GT, LE: GE, GT: LT, GE: LE}

// KeyTerm is one condition on a key attribute: Name Op Values[0], or
// Name BETWEEN Values[0] AND Values[1], or begins_with(Name, Values[0]).
type KeyTerm struct {
	Name   string
	Op     KeyOp
	Values []item.Value
}

// Match reports whether a key value satisfies the term.
func (t KeyTerm) Match(v item.Value) bool {
	if v == nil {
		return false
	}
	switch t.Op {
	case EQ:
		return item.Equal(v, t.Values[0])
	case LT:
		return compareValues("<", v, true, t.Values[0], true)
	case LE:
		return compareValues("<=", v, true, t.Values[0], true)
	case GT:
		return compareValues(">", v, true, t.Values[0], true)
	case GE:
		return compareValues(">=", v, true, t.Values[0], true)
	case BETWEEN:
		return compareValues(">=", v, true, t.Values[0], true) && compareValues("<=", v, true, t.Values[1], true)
	case BEGINS_WITH:
		return beginsWith(v, t.Values[0])
	}
	return false
}

// KeySchema describes a table's (or index's) key: the partition key and,
// if the table has one, the sort key, with their types (S, N or B; zero
// skips the type check).
type KeySchema struct {
	PartitionKey  string
	PartitionType item.Type
	SortKey       string // "" when the table has none
	SortType      item.Type
}

// KeyQuery is a key condition resolved against a key schema: the partition
// key's value and, optionally, a condition on the sort key.
type KeyQuery struct {
	PartitionKey   string
	PartitionValue item.Value
	Sort           *KeyTerm // nil: the whole partition
}

// Matches reports whether an item's key satisfies the query.
func (q *KeyQuery) Matches(it item.Item) bool {
	if !item.Equal(it[q.PartitionKey], q.PartitionValue) {
		return false
	}
	return q.Sort == nil || q.Sort.Match(it[q.Sort.Name])
}

// IsGet reports whether the query names exactly one item of a table with
// schema ks: the partition key, and the sort key (if any) by equality.
func (q *KeyQuery) IsGet(ks KeySchema) bool {
	if ks.SortKey == "" {
		return true
	}
	return q.Sort != nil && q.Sort.Op == EQ && q.Sort.Name == ks.SortKey
}

// CompiledKeyCondition is an evaluable KeyConditionExpression: one or two
// terms, on different attributes. Resolve them against the table's key
// schema to run a query.
type CompiledKeyCondition struct {
	Terms []KeyTerm // as written
	cond  *CompiledCondition
}

// Eval evaluates the key condition as a plain condition on an item.
func (k *CompiledKeyCondition) Eval(it item.Item) (bool, error) { return k.cond.Eval(it) }

// Validate checks the key condition against a key schema; see Resolve.
func (k *CompiledKeyCondition) Validate(ks KeySchema) error {
	_, err := k.Resolve(ks)
	return err
}

// Resolve matches the terms with the key schema, with DynamoDB's messages:
// "Query condition missed key schema element: pk" when the partition key
// has no term, "Query key condition not supported" for a term on another
// attribute or a partition key compared otherwise than by =, and
// "One or more parameter values were invalid: Condition parameter type does
// not match schema type" for a value of the wrong type.
func (k *CompiledKeyCondition) Resolve(ks KeySchema) (*KeyQuery, error) {
	q, err := resolveTerms(k.Terms, ks, true)
	if err != nil {
		return nil, err
	}
	return q, nil
}

func resolveTerms(terms []KeyTerm, ks KeySchema, strict bool) (*KeyQuery, error) {
	var pk, sk *KeyTerm
	for i := range terms {
		t := &terms[i]
		switch {
		case t.Name == ks.PartitionKey && (pk == nil || pk.Op != EQ):
			pk = t
		case ks.SortKey != "" && t.Name == ks.SortKey && (sk == nil || sk.Op != EQ && t.Op == EQ):
			sk = t
		}
	}
	keyErr := func(msg string) error { return plainError(KeyConditionExpression, msg) }
	if pk == nil {
		return nil, keyErr(msgKeyMissed(ks.PartitionKey))
	}
	if strict {
		for _, t := range terms {
			if t.Name != ks.PartitionKey && (ks.SortKey == "" || t.Name != ks.SortKey) {
				return nil, keyErr(msgKeyUnsupported)
			}
		}
	}
	if pk.Op != EQ {
		if strict {
			return nil, keyErr(msgKeyUnsupported)
		}
		return nil, nil
	}
	if ks.PartitionType != 0 && pk.Values[0].Type() != ks.PartitionType {
		return nil, keyErr(msgKeyTypeMismatch)
	}
	if sk != nil && ks.SortType != 0 {
		for _, v := range sk.Values {
			if v.Type() != ks.SortType {
				if !strict {
					sk = nil
					break
				}
				return nil, keyErr(msgKeyTypeMismatch)
			}
		}
	}
	q := &KeyQuery{PartitionKey: pk.Name, PartitionValue: pk.Values[0]}
	if sk != nil {
		t := *sk
		q.Sort = &t
	}
	return q, nil
}

// PlanKeyQuery picks, among terms taken from a WHERE clause (see
// SelectPlan.KeyTerms), a key query for a table with schema ks: nil when
// the partition key is not compared by equality (a scan is needed). Terms
// it does not use must still be applied, which evaluating the whole WHERE
// clause on each item does.
func PlanKeyQuery(terms []KeyTerm, ks KeySchema) *KeyQuery {
	q, err := resolveTerms(terms, ks, false)
	if err != nil {
		return nil
	}
	return q
}

func bindKeyCondition(k *KeyCondition, bs Bindings, used map[string]bool) (*CompiledKeyCondition, error) {
	cc, err := bindCondition(&k.exprInfo, k.AST, bs, used)
	if err != nil {
		return nil, err
	}
	b := newBinder(&k.exprInfo, bs, map[string]bool{})
	var terms []KeyTerm
	if msg := b.keyTerms(k.AST, &terms); msg != "" {
		return nil, plainError(KeyConditionExpression, msg)
	}
	if len(terms) > 2 {
		return nil, plainError(KeyConditionExpression, msgKeyTooMany)
	}
	return &CompiledKeyCondition{Terms: terms, cond: cc}, nil
}

// keyTerms collects the terms of a key condition, or returns DynamoDB's
// message for a condition a key condition cannot hold.
func (b *binder) keyTerms(o *OrCond, out *[]KeyTerm) string {
	if len(o.Terms) > 1 {
		return msgKeyOperator("OR")
	}
	for _, n := range o.Terms[0].Terms {
		if n.Not != nil {
			return msgKeyOperator("NOT")
		}
		p := n.Pred
		if p.Group != nil && !p.hasTail() {
			if msg := b.keyTerms(p.Group, out); msg != "" {
				return msg
			}
			continue
		}
		t, msg := b.keyTerm(p)
		if msg != "" {
			return msg
		}
		for _, prev := range *out {
			if prev.Name == t.Name {
				return msgKeyOnePerKey
			}
		}
		*out = append(*out, t)
	}
	return ""
}

func (b *binder) keyTerm(p *Predicate) (KeyTerm, string) {
	if !p.hasTail() {
		call := p.Operand.Call
		switch call.Name {
		case "begins_with":
		case "size":
			return KeyTerm{}, msgKeyNestedOps
		default:
			return KeyTerm{}, msgKeyOperator(call.Name)
		}
		key, val := b.operand(call.Args[0]), b.operand(call.Args[1])
		if key.kind != opPath {
			return KeyTerm{}, msgKeyFirstOperand(call.Name)
		}
		if msg := keyOperands(key, val); msg != "" {
			return KeyTerm{}, msg
		}
		return KeyTerm{Name: key.path[0].Name, Op: BEGINS_WITH, Values: []item.Value{val.value}}, ""
	}
	left := b.operand(p.leftOperand())
	switch {
	case p.In != nil:
		return KeyTerm{}, msgKeyOperator("IN")
	case p.Between != nil:
		if left.kind == opSize {
			return KeyTerm{}, msgKeyNestedOps
		}
		if left.kind != opPath {
			return KeyTerm{}, msgKeyFirstOperand("BETWEEN")
		}
		lo, hi := b.operand(p.Between.Low), b.operand(p.Between.High)
		if msg := keyOperands(left, lo, hi); msg != "" {
			return KeyTerm{}, msg
		}
		return KeyTerm{Name: left.path[0].Name, Op: BETWEEN, Values: []item.Value{lo.value, hi.value}}, ""
	}
	op, ok := keyOps[p.Compare.Op]
	if !ok {
		return KeyTerm{}, msgKeyOperator(p.Compare.Op)
	}
	right := b.operand(p.Compare.Right)
	key, val := left, right
	if key.kind != opPath {
		key, val, op = right, left, flipped[op]
	}
	if msg := keyOperands(key, val); msg != "" {
		return KeyTerm{}, msg
	}
	return KeyTerm{Name: key.path[0].Name, Op: op, Values: []item.Value{val.value}}, ""
}

// keyOperands checks that a key term has exactly one attribute, top-level,
// and values for the rest.
func keyOperands(ops ...*operand) string {
	paths := 0
	for _, o := range ops {
		switch o.kind {
		case opSize:
			return msgKeyNestedOps
		case opPath:
			paths++
			if len(o.path) > 1 {
				return msgKeyNested
			}
		}
	}
	switch {
	case paths > 1:
		return msgKeyMultiAttr
	case paths == 0:
		return msgKeyNoAttr
	}
	if ops[0].kind != opPath {
		return msgKeyNoAttr
	}
	return ""
}

// ValidateItem checks an item written to a table with this key schema, as
// PutItem does: the key attributes present ("One or more parameter values
// were invalid: Missing the key pk in the item") with the schema's types
// ("… Type mismatch for key pk expected: S actual: N"), then the item's own
// rules (item.Item.Validate: valid values, at most 400 KB).
func (ks KeySchema) ValidateItem(it item.Item) error {
	for _, k := range []struct {
		name string
		typ  item.Type
	}{{ks.PartitionKey, ks.PartitionType}, {ks.SortKey, ks.SortType}} {
		if k.name == "" {
			continue
		}
		v, ok := it[k.name]
		if !ok {
			return plainError(Request, "One or more parameter values were invalid: Missing the key "+k.name+" in the item")
		}
		if k.typ != 0 && v.Type() != k.typ {
			return plainError(Request, "One or more parameter values were invalid: Type mismatch for key "+k.name+
				" expected: "+k.typ.String()+" actual: "+v.Type().String())
		}
	}
	if err := it.Validate(); err != nil {
		return &Error{Kind: Request, Msg: err.Error(), Err: err}
	}
	return nil
}
