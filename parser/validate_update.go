package parser

// --- updates ----------------------------------------------------------------

func (c *checker) update(u *UpdateExpr) {
	seen := map[string]bool{}
	for _, s := range u.Sections {
		kw := s.Keyword()
		if seen[kw] {
			c.errAt(catSection, s.Pos, msgSection(kw))
		}
		seen[kw] = true
		switch {
		case s.Set != nil:
			c.setActions(s.Set)
		case s.Remove != nil:
			for _, p := range s.Remove {
				c.path(p, false)
			}
		case s.Add != nil:
			c.addActions(s.Add)
		default:
			c.addActions(s.Delete)
		}
	}
}

func (c *checker) setActions(actions []*SetAction) {
	for _, a := range actions {
		c.path(a.Path, false)
		c.setValue(a.Value)
	}
}

func (c *checker) addActions(actions []*AddAction) {
	for _, a := range actions {
		c.path(a.Path, false)
		op := a.Value
		if op.Value != nil || op.Lit != nil || op.Path != nil && !c.strict() && isLonePathLiteral(op.Path) {
			c.leaf(op)
		} else {
			c.syntaxAt(op.Pos)
		}
	}
}

func isLonePathLiteral(p *PathExpr) bool {
	_, ok, _ := lonePathLiteral(p, true)
	return ok
}

func (c *checker) setValue(v *SetValue) {
	arith := v.Op != nil
	c.setTerm(v.Left, arith)
	if arith {
		c.setTerm(v.Right, true)
	}
}

func (c *checker) setTerm(t *SetTerm, arith bool) {
	if g := t.Group; g != nil {
		if g.Op == nil && g.Left.Group != nil {
			c.errAt(catParens, t.Pos, msgRedundant)
		}
		if arith && g.Op != nil {
			c.syntaxAt(g.Op.Pos)
		}
		c.setValue(g)
		return
	}
	c.updOperand(t.Operand, "")
}

// updOperand checks an operand of a SET value; parent is the function it
// is an argument of, if any.
func (c *checker) updOperand(op *Operand, parent string) {
	switch {
	case op.Group != nil:
		if op.Group.Group != nil {
			c.errAt(catParens, op.Pos, msgRedundant)
		}
		c.updOperand(op.Group, parent)
	case op.Call != nil:
		name := op.Call.Name
		_, condFunc := conditionFunctions[name]
		switch {
		case name == "list_append" && parent == "list_append":
			c.errAt(catMisused, op.Call.Pos, msgMisusedFunction(name))
		case updateFunctions[name]:
		case condFunc:
			c.errAt(catUnknownFunc, op.Call.Pos, msgNotInUpdate(name))
		default:
			c.errAt(catUnknownFunc, op.Call.Pos, msgInvalidFunction(name))
		}
		for _, a := range op.Call.Args {
			c.updOperand(a, name)
		}
	default:
		c.leaf(op)
	}
}

// --- PartiQL ------------------------------------------------------------------

func (c *checker) statement(s *statementAST) Statement {
	switch {
	case s.Select != nil:
		sel := s.Select
		for _, f := range sel.Fields {
			c.path(f, false)
		}
		c.table(sel.Table)
		if sel.Where != nil {
			c.orCond(sel.Where)
		}
		if sel.Order != nil {
			c.path(sel.Order.Key, false)
			if len(sel.Order.Key.Steps) > 0 {
				c.syntaxAt(sel.Order.Key.Steps[0].Pos)
			}
		}
		c.count(sel.Limit)
		c.count(sel.Offset)
		return sel
	case s.Insert != nil:
		ins := s.Insert
		c.table(ins.Table)
		if ins.Item.Map == nil {
			c.syntaxAt(ins.Item.Pos)
		} else if !hasParam(ins.Item) {
			if _, err := literalValue(ins.Item, nil); err != nil {
				c.literalError(err)
			}
		}
		return ins
	case s.Update != nil:
		up := s.Update
		c.table(up.Table)
		for _, cl := range up.Clauses {
			if cl.Set != nil {
				c.setActions(cl.Set)
			}
			for _, p := range cl.Remove {
				c.path(p, false)
			}
		}
		c.orCond(up.Where)
		return up
	}
	del := s.Delete
	c.table(del.Table)
	c.orCond(del.Where)
	return del
}

func (c *checker) table(t *TableRef) {
	for _, name := range []string{t.Name, deref(t.Index)} {
		if name != "" && name[0] == '"' {
			if s, ok := unquote(name); !ok || s == "" {
				c.syntaxAt(t.Pos)
			}
		}
	}
}

func (c *checker) count(n *Count) {
	if n == nil {
		return
	}
	if _, ok := parseIndex(n.Text); !ok {
		c.syntaxAt(n.Pos)
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
