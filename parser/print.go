package parser

import "strings"

// Canonical printing: keywords in upper case, one space around operators
// and after commas, names, numbers and strings exactly as written. Parsing
// the output again yields the same tree.

type printer struct{ strings.Builder }

// String prints the update expression.
func (u *Update) String() string { return u.AST.String() }

// String prints the condition.
func (c *Condition) String() string { return c.AST.String() }

// String prints the key condition.
func (k *KeyCondition) String() string { return k.AST.String() }

// String prints the projection.
func (p *Projection) String() string { return p.AST.String() }

// String prints the update expression.
func (u *UpdateExpr) String() string {
	var p printer
	for i, s := range u.Sections {
		if i > 0 {
			p.WriteByte(' ')
		}
		p.section(s)
	}
	return p.String()
}

func (p *printer) section(s *Section) {
	p.WriteString(s.Keyword())
	p.WriteByte(' ')
	switch {
	case s.Set != nil:
		p.setActions(s.Set)
	case s.Remove != nil:
		p.paths(s.Remove)
	case s.Add != nil:
		p.addActions(s.Add)
	default:
		p.addActions(s.Delete)
	}
}

func (p *printer) setActions(actions []*SetAction) {
	for i, a := range actions {
		if i > 0 {
			p.WriteString(", ")
		}
		p.path(a.Path)
		p.WriteString(" = ")
		p.setValue(a.Value)
	}
}

func (p *printer) addActions(actions []*AddAction) {
	for i, a := range actions {
		if i > 0 {
			p.WriteString(", ")
		}
		p.path(a.Path)
		p.WriteByte(' ')
		p.operand(a.Value)
	}
}

func (p *printer) paths(paths []*PathExpr) {
	for i, x := range paths {
		if i > 0 {
			p.WriteString(", ")
		}
		p.path(x)
	}
}

func (p *printer) setValue(v *SetValue) {
	p.setTerm(v.Left)
	if v.Op != nil {
		p.WriteByte(' ')
		p.WriteString(v.Op.Op)
		p.WriteByte(' ')
		p.setTerm(v.Right)
	}
}

func (p *printer) setTerm(t *SetTerm) {
	if t.Group != nil {
		p.WriteByte('(')
		p.setValue(t.Group)
		p.WriteByte(')')
		return
	}
	p.operand(t.Operand)
}

// String prints the projection.
func (x *ProjectionExpr) String() string {
	var p printer
	p.paths(x.Paths)
	return p.String()
}

// String prints the condition.
func (o *OrCond) String() string {
	var p printer
	p.orCond(o)
	return p.String()
}

func (p *printer) orCond(o *OrCond) {
	for i, a := range o.Terms {
		if i > 0 {
			p.WriteString(" OR ")
		}
		for j, n := range a.Terms {
			if j > 0 {
				p.WriteString(" AND ")
			}
			p.notCond(n)
		}
	}
}

func (p *printer) notCond(n *NotCond) {
	for n.Not != nil {
		p.WriteString("NOT ")
		n = n.Not
	}
	p.predicate(n.Pred)
}

func (p *printer) predicate(x *Predicate) {
	if x.Group != nil {
		p.WriteByte('(')
		p.orCond(x.Group)
		p.WriteByte(')')
	} else {
		p.operand(x.Operand)
	}
	switch {
	case x.Compare != nil:
		p.WriteByte(' ')
		p.WriteString(x.Compare.Op)
		p.WriteByte(' ')
		p.operand(x.Compare.Right)
	case x.Between != nil:
		p.WriteString(" BETWEEN ")
		p.operand(x.Between.Low)
		p.WriteString(" AND ")
		p.operand(x.Between.High)
	case x.In != nil:
		p.WriteString(" IN ")
		p.WriteString(x.In.Open)
		for i, o := range x.In.List {
			if i > 0 {
				p.WriteString(", ")
			}
			p.operand(o)
		}
		p.WriteString(x.In.Close.Tok)
	}
}

func (p *printer) operand(o *Operand) {
	switch {
	case o.Group != nil:
		p.WriteByte('(')
		p.operand(o.Group)
		p.WriteByte(')')
	case o.Call != nil:
		p.WriteString(o.Call.Name)
		p.WriteByte('(')
		for i, a := range o.Call.Args {
			if i > 0 {
				p.WriteString(", ")
			}
			p.operand(a)
		}
		p.WriteByte(')')
	case o.Value != nil:
		p.WriteString(*o.Value)
	case o.Param:
		p.WriteByte('?')
	case o.Path != nil:
		p.path(o.Path)
	case o.Lit != nil:
		p.literal(o.Lit)
	}
}

// String prints the path as written.
func (x *PathExpr) String() string {
	var p printer
	p.path(x)
	return p.String()
}

func (p *printer) path(x *PathExpr) {
	p.WriteString(x.Head.Text)
	for _, s := range x.Steps {
		if s.Field != nil {
			p.WriteByte('.')
			p.WriteString(s.Field.Text)
		} else {
			p.WriteByte('[')
			p.WriteString(*s.Index)
			p.WriteByte(']')
		}
	}
}

func (p *printer) literal(l *Literal) {
	switch {
	case l.Number != nil:
		if l.Number.Neg {
			p.WriteByte('-')
		}
		p.WriteString(l.Number.Digits)
	case l.Str != nil:
		p.WriteString(*l.Str)
	case l.Bool != nil:
		p.WriteString(*l.Bool)
	case l.Null:
		p.WriteString("null")
	case l.Param:
		p.WriteByte('?')
	case l.List != nil:
		p.WriteByte('[')
		p.literals(l.List.Elems)
		p.WriteByte(']')
	case l.Map != nil:
		p.WriteByte('{')
		for i, e := range l.Map.Entries {
			if i > 0 {
				p.WriteString(", ")
			}
			p.WriteString(e.Key)
			if e.Glued != nil {
				p.WriteString(e.Glued.Head)
				if e.Glued.Frac != nil {
					p.WriteByte('.')
					p.WriteString(*e.Glued.Frac)
				}
				continue
			}
			p.WriteString(": ")
			p.literal(e.Value)
		}
		p.WriteByte('}')
	case l.Set != nil:
		p.WriteString("<<")
		p.literals(l.Set.Elems)
		p.WriteString(">>")
	}
}

func (p *printer) literals(ls []*Literal) {
	for i, e := range ls {
		if i > 0 {
			p.WriteString(", ")
		}
		p.literal(e)
	}
}

func (p *printer) table(t *TableRef) {
	p.WriteString(t.Name)
	if t.Index != nil {
		p.WriteByte('.')
		p.WriteString(*t.Index)
	}
}

// String prints the statement.
func (s *Select) String() string {
	var p printer
	p.WriteString("SELECT ")
	if s.Star {
		p.WriteByte('*')
	} else {
		p.paths(s.Fields)
	}
	p.WriteString(" FROM ")
	p.table(s.Table)
	if s.Where != nil {
		p.WriteString(" WHERE ")
		p.orCond(s.Where)
	}
	if s.Order != nil {
		p.WriteString(" ORDER BY ")
		p.path(s.Order.Key)
		if s.Order.Dir != "" {
			p.WriteByte(' ')
			p.WriteString(upper(s.Order.Dir))
		}
	}
	if s.Limit != nil {
		p.WriteString(" LIMIT ")
		p.WriteString(s.Limit.Text)
	}
	if s.Offset != nil {
		p.WriteString(" OFFSET ")
		p.WriteString(s.Offset.Text)
	}
	return p.String()
}

// String prints the statement.
func (s *Insert) String() string {
	var p printer
	p.WriteString("INSERT INTO ")
	p.table(s.Table)
	p.WriteString(" VALUE ")
	p.literal(s.Item)
	return p.String()
}

// String prints the statement.
func (s *UpdateStmt) String() string {
	var p printer
	p.WriteString("UPDATE ")
	p.table(s.Table)
	for _, c := range s.Clauses {
		if c.Set != nil {
			p.WriteString(" SET ")
			p.setActions(c.Set)
		} else {
			p.WriteString(" REMOVE ")
			p.paths(c.Remove)
		}
	}
	p.WriteString(" WHERE ")
	p.orCond(s.Where)
	return p.String()
}

// String prints the statement.
func (s *Delete) String() string {
	var p printer
	p.WriteString("DELETE FROM ")
	p.table(s.Table)
	p.WriteString(" WHERE ")
	p.orCond(s.Where)
	return p.String()
}
