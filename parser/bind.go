package parser

import (
	"slices"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/keystonedb/kstone-shell/engine/item"
)

// binder turns a checked tree into its evaluable form, resolving names,
// values, literals and parameters.
type binder struct {
	diag
	kind      ExprKind
	partiql   bool
	undefName category
	undefVal  category
	names     map[string]string
	values    map[string]item.Value
	lits      map[*Operand]item.Value
	params    []item.Value
	next      int // next parameter
	used      map[string]bool
}

func newBinder(info *exprInfo, b Bindings, used map[string]bool) *binder {
	bd := &binder{
		kind: info.kind, names: b.Names, values: b.Values, lits: info.lits, used: used,
		undefName: catUndefined, undefVal: catUndefined,
	}
	if info.kind == UpdateExpression {
		bd.undefName, bd.undefVal = catUndefinedName, catUndefinedValue
	}
	return bd
}

func (b *binder) errAt(cat category, pos lexer.Position, body string) {
	b.add(cat, newErrorAt(b.kind, pos, body))
}

// --- operands -----------------------------------------------------------------

type operandKind uint8

const (
	opPath operandKind = iota
	opValue
	opSize
)

// operand is an evaluable operand: a path into the item, a constant, or
// size() of another operand.
type operand struct {
	kind  operandKind
	path  Path
	value item.Value // nil when undefined (an error has been recorded)
	arg   *operand   // of size
	pos   lexer.Position
}

// staticType is the type of an operand known before evaluation: that of a
// value, N for size.
func (o *operand) staticType() (item.Type, bool) {
	switch o.kind {
	case opValue:
		if o.value != nil {
			return o.value.Type(), true
		}
	case opSize:
		return item.TypeN, true
	}
	return 0, false
}

// operand binds a condition operand (a leaf, a group, or size()).
func (b *binder) operand(op *Operand) *operand {
	switch {
	case op.Group != nil:
		return b.operand(op.Group)
	case op.Call != nil: // size: the checker allowed nothing else here
		call := op.Call
		args := make([]*operand, len(call.Args))
		for i, a := range call.Args {
			args[i] = b.operand(a)
		}
		if len(args) != 1 {
			b.errAt(catOperand, call.Pos, msgOperandCount(call.Name, len(args)))
			return &operand{kind: opValue, pos: op.Pos}
		}
		if t, ok := args[0].staticType(); ok && (t == item.TypeN || t == item.TypeBOOL || t == item.TypeNULL) {
			b.errAt(catFunction, call.Pos, msgOperandType(call.Name, t.String()))
		}
		return &operand{kind: opSize, arg: args[0], pos: op.Pos}
	}
	return b.leaf(op)
}

// leaf binds a value placeholder, parameter, path or literal.
func (b *binder) leaf(op *Operand) *operand {
	if v, ok := b.lits[op]; ok {
		return &operand{kind: opValue, value: v, pos: op.Pos}
	}
	switch {
	case op.Value != nil:
		name := *op.Value
		v, ok := b.values[name]
		if !ok {
			b.errAt(b.undefVal, op.Pos, msgUndefinedValue(name))
		}
		b.used[name] = true
		return &operand{kind: opValue, value: v, pos: op.Pos}
	case op.Param:
		return &operand{kind: opValue, value: b.param(op.Pos), pos: op.Pos}
	case op.Path != nil:
		if b.partiql {
			if v, ok, _ := lonePathLiteral(op.Path, false); ok {
				return &operand{kind: opValue, value: v, pos: op.Pos}
			}
		}
		return &operand{kind: opPath, path: b.path(op.Path), pos: op.Pos}
	case op.Lit != nil:
		v, err := literalValue(op.Lit, b.paramFunc())
		if err != nil {
			b.literalError(err)
		}
		return &operand{kind: opValue, value: v, pos: op.Pos}
	}
	return &operand{kind: opValue, pos: op.Pos}
}

func (b *binder) literalError(err *literalError) {
	if err.syntax {
		b.errAt(catSyntax, err.pos, "Syntax error; invalid literal")
		return
	}
	b.errAt(catLiteral, err.pos, err.msg)
}

// param returns the next PartiQL parameter.
func (b *binder) param(pos lexer.Position) item.Value {
	v, err := b.paramFunc()(pos)
	if err != nil {
		b.errAt(catLiteral, pos, err.msg)
	}
	return v
}

func (b *binder) paramFunc() paramFunc {
	return func(pos lexer.Position) (item.Value, *literalError) {
		if b.next >= len(b.params) {
			b.next++
			return nil, &literalError{pos: pos, msg: "Number of parameters in request and statement don't match."}
		}
		v := b.params[b.next]
		b.next++
		if err := item.ValidateValue(v); err != nil {
			return nil, &literalError{pos: pos, msg: err.Error()}
		}
		return v, nil
	}
}

func (b *binder) path(p *PathExpr) Path {
	out := make(Path, 1, 1+len(p.Steps))
	out[0] = PathElem{Name: b.name(p.Head)}
	for _, s := range p.Steps {
		if s.Field != nil {
			out = append(out, PathElem{Name: b.name(s.Field)})
			continue
		}
		n, _ := parseIndex(*s.Index)
		out = append(out, PathElem{Index: n, IsIndex: true})
	}
	return out
}

func (b *binder) name(n *PathName) string {
	switch n.Text[0] {
	case '#':
		v, ok := b.names[n.Text]
		if !ok {
			b.errAt(b.undefName, n.Pos, msgUndefinedName(n.Text))
		}
		b.used[n.Text] = true
		return v
	case '"':
		s, _ := unquote(n.Text)
		return s
	}
	return n.Text
}

// --- conditions ---------------------------------------------------------------

// CompiledCondition is an evaluable ConditionExpression or
// FilterExpression (or PartiQL WHERE clause).
type CompiledCondition struct {
	kind ExprKind
	root cond
}

func bindCondition(info *exprInfo, ast *OrCond, bs Bindings, used map[string]bool) (*CompiledCondition, error) {
	b := newBinder(info, bs, used)
	root := b.orCond(ast)
	if err := b.first(orderCondition); err != nil {
		return nil, err
	}
	return &CompiledCondition{kind: info.kind, root: root}, nil
}

func (b *binder) orCond(o *OrCond) cond {
	if len(o.Terms) == 1 {
		return b.andCond(o.Terms[0])
	}
	out := make(evalOr, len(o.Terms))
	for i, t := range o.Terms {
		out[i] = b.andCond(t)
	}
	return out
}

func (b *binder) andCond(a *AndCond) cond {
	if len(a.Terms) == 1 {
		return b.notCond(a.Terms[0])
	}
	out := make(evalAnd, len(a.Terms))
	for i, t := range a.Terms {
		out[i] = b.notCond(t)
	}
	return out
}

func (b *binder) notCond(n *NotCond) cond {
	if n.Not != nil {
		return evalNot{b.notCond(n.Not)}
	}
	return b.predicate(n.Pred)
}

func (b *binder) predicate(p *Predicate) cond {
	if !p.hasTail() {
		if p.Group != nil {
			return b.orCond(p.Group)
		}
		return b.function(p.Operand.Call)
	}
	left := b.operand(p.leftOperand())
	switch {
	case p.Compare != nil:
		op := p.Compare.Op
		if op == "!=" {
			op = "<>"
		}
		right := b.operand(p.Compare.Right)
		b.distinct(op, p.Pos, left, right)
		return &evalCompare{op: op, l: left, r: right}
	case p.Between != nil:
		lo, hi := b.operand(p.Between.Low), b.operand(p.Between.High)
		if lo.kind == opValue && hi.kind == opValue && lo.value != nil && hi.value != nil {
			if lo.value.Type() != hi.value.Type() {
				b.errAt(catFunction, p.Between.Pos, msgBetweenTypes(lo.value, hi.value))
			} else if c, ok := item.Compare(lo.value, hi.value); ok && c > 0 {
				b.errAt(catFunction, p.Between.Pos, msgBetweenOrder(lo.value, hi.value))
			}
		}
		return &evalBetween{x: left, lo: lo, hi: hi}
	}
	list := make([]*operand, len(p.In.List))
	for i, o := range p.In.List {
		list[i] = b.operand(o)
	}
	return &evalIn{x: left, list: list}
}

// distinct rejects an operator or function whose two operands are the same
// path (a = a).
func (b *binder) distinct(op string, pos lexer.Position, l, r *operand) {
	if l.kind == opPath && r.kind == opPath && l.path.Equal(r.path) {
		b.errAt(catDistinct, pos, msgDistinct(op, l.path))
	}
}

// functionArity is the number of operands of each condition function.
var functionArity = map[string]int{
	"attribute_exists": 1, "attribute_not_exists": 1, "attribute_type": 2,
	"begins_with": 2, "contains": 2, "size": 1,
}

// function binds a function standing as a condition.
func (b *binder) function(call *Call) cond {
	args := make([]*operand, len(call.Args))
	for i, a := range call.Args {
		args[i] = b.operand(a)
	}
	f := &evalFunc{name: call.Name, args: args}
	if len(args) != functionArity[call.Name] {
		b.errAt(catOperand, call.Pos, msgOperandCount(call.Name, len(args)))
		return f
	}
	if len(args) == 2 {
		b.distinct(call.Name, call.Pos, args[0], args[1])
	}
	switch call.Name {
	case "attribute_exists", "attribute_not_exists":
		if args[0].kind != opPath {
			b.errAt(catFunction, call.Pos, msgNeedsPath(call.Name))
		}
	case "attribute_type":
		t := args[1]
		switch typ, ok := t.staticType(); {
		case t.kind == opPath:
			b.errAt(catFunction, call.Pos, msgOperandType(call.Name, attributeTypeOperandTypes))
		case ok && typ != item.TypeS:
			b.errAt(catFunction, call.Pos, msgOperandType(call.Name, typ.String()))
		case ok:
			name := string(t.value.(item.S))
			if _, valid := item.ParseType(name); !valid {
				b.errAt(catFunction, t.pos, msgAttributeType(name))
			}
		}
	case "begins_with":
		for _, a := range args {
			if typ, ok := a.staticType(); ok && typ != item.TypeS && typ != item.TypeB {
				b.errAt(catFunction, call.Pos, msgOperandType(call.Name, typ.String()))
				break
			}
		}
	}
	return f
}

// --- updates ------------------------------------------------------------------

func bindUpdate(u *Update, bs Bindings, used map[string]bool) (*CompiledUpdate, error) {
	b := newBinder(&u.exprInfo, bs, used)
	cu := b.update(u.AST.Sections)
	if err := b.first(orderUpdate); err != nil {
		return nil, err
	}
	return cu, nil
}

func (b *binder) update(sections []*Section) *CompiledUpdate {
	cu := &CompiledUpdate{}
	for _, s := range sections {
		for _, a := range s.Set {
			cu.actions = append(cu.actions, action{kind: actSet, path: b.path(a.Path), val: b.setValue(a.Value), pos: a.Pos})
		}
		for _, p := range s.Remove {
			cu.actions = append(cu.actions, action{kind: actRemove, path: b.path(p), pos: p.Pos})
		}
		for _, a := range s.Add {
			cu.actions = append(cu.actions, b.addAction(actAdd, a))
		}
		for _, a := range s.Delete {
			cu.actions = append(cu.actions, b.addAction(actDelete, a))
		}
	}
	cu.plan()
	if b.errs[catUndefinedName] == nil {
		if cat, body, at := checkClashes(cu.paths); body != "" {
			b.errAt(cat, cu.actions[at].pos, body)
		}
	}
	return cu
}

func (b *binder) addAction(kind actionKind, a *AddAction) action {
	p := b.path(a.Path)
	v := b.leaf(a.Value)
	if t, ok := v.staticType(); ok {
		op := "ADD"
		allowed := t == item.TypeN || t == item.TypeSS || t == item.TypeNS || t == item.TypeBS
		if kind == actDelete {
			op, allowed = "DELETE", t == item.TypeSS || t == item.TypeNS || t == item.TypeBS
		}
		if !allowed {
			b.errAt(catOperand, a.Value.Pos, msgAddDeleteType(op, t))
		}
	}
	return action{kind: kind, path: p, val: &valConst{v: v.value}, pos: a.Pos}
}

func (b *binder) setValue(v *SetValue) valExpr {
	l := b.setTerm(v.Left)
	if v.Op == nil {
		return l
	}
	r := b.setTerm(v.Right)
	for _, t := range []valExpr{l, r} {
		if c, ok := t.(*valConst); ok && c.v != nil && c.v.Type() != item.TypeN {
			b.errAt(catFunction, v.Op.Pos, msgOperandType(v.Op.Op, c.v.Type().String()))
			break
		}
	}
	return &valArith{op: v.Op.Op, l: l, r: r}
}

func (b *binder) setTerm(t *SetTerm) valExpr {
	if t.Group != nil {
		return b.setValue(t.Group)
	}
	return b.updOperand(t.Operand)
}

func (b *binder) updOperand(op *Operand) valExpr {
	switch {
	case op.Group != nil:
		return b.updOperand(op.Group)
	case op.Call != nil:
		call := op.Call
		args := make([]valExpr, len(call.Args))
		for i, a := range call.Args {
			args[i] = b.updOperand(a)
		}
		if len(args) != 2 {
			b.errAt(catFunction, call.Pos, msgOperandCount(call.Name, len(args)))
			return &valConst{}
		}
		if call.Name == "if_not_exists" {
			p, ok := args[0].(*valPath)
			if !ok {
				b.errAt(catFunction, call.Pos, msgNeedsPath(call.Name))
				return &valConst{}
			}
			return &valIfNotExists{path: p.path, alt: args[1]}
		}
		for _, a := range args {
			if c, ok := a.(*valConst); ok && c.v != nil && c.v.Type() != item.TypeL {
				b.errAt(catFunction, call.Pos, msgOperandType(call.Name, c.v.Type().String()))
				break
			}
		}
		return &valListAppend{a: args[0], b: args[1]}
	}
	o := b.leaf(op)
	if o.kind == opPath {
		return &valPath{path: o.path}
	}
	return &valConst{v: o.value}
}

// --- projections --------------------------------------------------------------

// CompiledProjection is an evaluable ProjectionExpression.
type CompiledProjection struct {
	paths []Path
}

// Paths returns the projected paths, in the order written.
func (p *CompiledProjection) Paths() []Path { return slices.Clone(p.paths) }

// Apply returns a new item holding only the projected paths of it.
func (p *CompiledProjection) Apply(it item.Item) item.Item { return Project(it, p.paths) }

func bindProjection(p *Projection, bs Bindings, used map[string]bool) (*CompiledProjection, error) {
	b := newBinder(&p.exprInfo, bs, used)
	cp := b.projection(p.AST.Paths)
	if err := b.first(orderProjection); err != nil {
		return nil, err
	}
	return cp, nil
}

func (b *binder) projection(paths []*PathExpr) *CompiledProjection {
	cp := &CompiledProjection{paths: make([]Path, len(paths))}
	for i, p := range paths {
		cp.paths[i] = b.path(p)
	}
	if b.errs[b.undefName] == nil {
		if cat, body, at := checkClashes(cp.paths); body != "" {
			b.errAt(cat, paths[at].Pos, body)
		}
	}
	return cp
}
