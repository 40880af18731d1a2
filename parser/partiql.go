package parser

import (
	"github.com/keystonedb/kstone-shell/engine/item"
)

// Statement is a parsed PartiQL statement: *Select, *Insert, *UpdateStmt or
// *Delete. Each has a Bind method that takes the statement's positional
// parameters (the ? in order of appearance) and returns a plan.
type Statement interface {
	// String prints the statement in canonical form.
	String() string
	// TableName is the table the statement is about.
	TableName() string
	statement()
}

func (*Select) statement()     {}
func (*Insert) statement()     {}
func (*UpdateStmt) statement() {}
func (*Delete) statement()     {}

// TableName returns the table's name, unquoted.
func (s *Select) TableName() string { return s.Table.name() }

// TableName returns the table's name, unquoted.
func (s *Insert) TableName() string { return s.Table.name() }

// TableName returns the table's name, unquoted.
func (s *UpdateStmt) TableName() string { return s.Table.name() }

// TableName returns the table's name, unquoted.
func (s *Delete) TableName() string { return s.Table.name() }

func (t *TableRef) name() string { return unquoteName(t.Name) }

// IndexName returns the index named after the table ("table"."index"), or
// "".
func (t *TableRef) IndexName() string {
	if t.Index == nil {
		return ""
	}
	return unquoteName(*t.Index)
}

func unquoteName(s string) string {
	if s != "" && s[0] == '"' {
		u, _ := unquote(s)
		return u
	}
	return s
}

// SelectPlan is a bound SELECT.
type SelectPlan struct {
	Table      string
	Index      string              // "" for the table itself
	Projection *CompiledProjection // nil for SELECT *
	Where      *CompiledCondition  // nil without WHERE
	// KeyTerms are the conditions of WHERE, joined by AND at its top
	// level, that compare a top-level attribute with a value as a key
	// condition can (=, <, <=, >, >=, BETWEEN, begins_with). With the
	// table's key schema, PlanKeyQuery picks a get, query or scan.
	KeyTerms   []KeyTerm
	OrderBy    string // sort key of ORDER BY, or ""
	Descending bool
	Limit      int // -1 when absent
	Offset     int // -1 when absent
}

// InsertPlan is a bound INSERT.
type InsertPlan struct {
	Table string
	Item  item.Item
}

// UpdatePlan is a bound UPDATE: apply Update to the items Where selects
// (DynamoDB requires KeyTerms to name one item).
type UpdatePlan struct {
	Table    string
	Update   *CompiledUpdate
	Where    *CompiledCondition
	KeyTerms []KeyTerm
}

// DeletePlan is a bound DELETE.
type DeletePlan struct {
	Table    string
	Where    *CompiledCondition
	KeyTerms []KeyTerm
}

func newStatementBinder(params []item.Value) *binder {
	return &binder{kind: PartiQL, partiql: true, params: params, used: map[string]bool{},
		undefName: catUndefined, undefVal: catUndefined}
}

// finish checks the parameter count and returns the first error.
func (b *binder) finish() error {
	if err := b.first(orderPartiQL); err != nil {
		return err
	}
	if b.next != len(b.params) {
		return plainError(PartiQL, "Number of parameters in request and statement don't match.")
	}
	return nil
}

func (b *binder) where(o *OrCond) (*CompiledCondition, []KeyTerm) {
	root := b.orCond(o)
	return &CompiledCondition{kind: PartiQL, root: root}, termsOf(root, nil)
}

// Bind binds the statement's parameters.
func (s *Select) Bind(params []item.Value) (*SelectPlan, error) {
	b := newStatementBinder(params)
	plan := &SelectPlan{Table: s.TableName(), Index: s.Table.IndexName(), Limit: -1, Offset: -1}
	if !s.Star {
		plan.Projection = b.projection(s.Fields)
	}
	if s.Where != nil {
		plan.Where, plan.KeyTerms = b.where(s.Where)
	}
	if s.Order != nil {
		plan.OrderBy = b.path(s.Order.Key)[0].Name
		plan.Descending = upper(s.Order.Dir) == "DESC"
	}
	if s.Limit != nil {
		plan.Limit, _ = parseIndex(s.Limit.Text)
	}
	if s.Offset != nil {
		plan.Offset, _ = parseIndex(s.Offset.Text)
	}
	if err := b.finish(); err != nil {
		return nil, err
	}
	return plan, nil
}

// Bind binds the statement's parameters.
func (s *Insert) Bind(params []item.Value) (*InsertPlan, error) {
	b := newStatementBinder(params)
	v, lerr := literalValue(s.Item, b.paramFunc())
	if lerr != nil {
		b.literalError(lerr)
	}
	if err := b.finish(); err != nil {
		return nil, err
	}
	m, _ := v.(item.M)
	return &InsertPlan{Table: s.TableName(), Item: item.Item(m)}, nil
}

// Bind binds the statement's parameters.
func (s *UpdateStmt) Bind(params []item.Value) (*UpdatePlan, error) {
	b := newStatementBinder(params)
	sections := make([]*Section, len(s.Clauses))
	for i, c := range s.Clauses {
		sections[i] = &Section{Pos: c.Pos, Set: c.Set, Remove: c.Remove}
	}
	plan := &UpdatePlan{Table: s.TableName(), Update: b.update(sections)}
	plan.Where, plan.KeyTerms = b.where(s.Where)
	if err := b.finish(); err != nil {
		return nil, err
	}
	return plan, nil
}

// Bind binds the statement's parameters.
func (s *Delete) Bind(params []item.Value) (*DeletePlan, error) {
	b := newStatementBinder(params)
	plan := &DeletePlan{Table: s.TableName()}
	plan.Where, plan.KeyTerms = b.where(s.Where)
	if err := b.finish(); err != nil {
		return nil, err
	}
	return plan, nil
}

// termsOf collects the key-like terms of the AND-ed top level of c.
func termsOf(c cond, out []KeyTerm) []KeyTerm {
	isKey := func(o *operand) bool { return o.kind == opPath && len(o.path) == 1 }
	isVal := func(o *operand) bool { return o.kind == opValue && o.value != nil }
	switch c := c.(type) {
	case evalAnd:
		for _, t := range c {
			out = termsOf(t, out)
		}
	case *evalCompare:
		op, ok := keyOps[c.op]
		switch {
		case !ok:
		case isKey(c.l) && isVal(c.r):
			out = append(out, KeyTerm{Name: c.l.path[0].Name, Op: op, Values: []item.Value{c.r.value}})
		case isVal(c.l) && isKey(c.r):
			out = append(out, KeyTerm{Name: c.r.path[0].Name, Op: flipped[op], Values: []item.Value{c.l.value}})
		}
	case *evalBetween:
		if isKey(c.x) && isVal(c.lo) && isVal(c.hi) {
			out = append(out, KeyTerm{Name: c.x.path[0].Name, Op: BETWEEN, Values: []item.Value{c.lo.value, c.hi.value}})
		}
	case *evalFunc:
		if c.name == "begins_with" && len(c.args) == 2 && isKey(c.args[0]) && isVal(c.args[1]) {
			out = append(out, KeyTerm{Name: c.args[0].path[0].Name, Op: BEGINS_WITH, Values: []item.Value{c.args[1].value}})
		}
	}
	return out
}
