package parser

import (
	"strconv"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/keystonedb/kstone-shell/engine/item"
)

// category groups errors so that, when an expression has several, the one
// DynamoDB reports first wins. Each language orders the categories its own
// way (orderUpdate, …), as DynamoDB does.
type category int

const (
	catSyntax category = iota
	catParens
	catUnknownFunc
	catMisused
	catReserved
	catSection
	catIn
	catLiteral
	catUndefined      // conditions: names and values, first in the text
	catUndefinedName  // updates: names before values
	catUndefinedValue // updates
	catOverlap
	catConflict
	catOperand
	catDistinct
	catFunction
	catKey
	numCats
)

var (
	orderCondition = []category{catSyntax, catParens, catUnknownFunc, catMisused, catReserved, catIn, catLiteral,
		catUndefined, catOperand, catDistinct, catFunction, catKey}
	orderUpdate = []category{catSyntax, catReserved, catUnknownFunc, catMisused, catSection, catParens, catLiteral,
		catUndefinedName, catUndefinedValue, catOverlap, catConflict, catOperand, catFunction}
	orderProjection = []category{catSyntax, catReserved, catUndefined, catOverlap, catConflict}
	orderPartiQL    = []category{catSyntax, catParens, catUnknownFunc, catMisused, catIn, catLiteral,
		catUndefined, catOverlap, catConflict, catOperand, catDistinct, catFunction}
)

// diag keeps the first error of each category (for syntax errors, the
// leftmost).
type diag struct {
	errs [numCats]*Error
}

func (d *diag) add(cat category, e *Error) {
	if prev := d.errs[cat]; prev == nil || (cat == catSyntax && e.Pos.Offset < prev.Pos.Offset) {
		d.errs[cat] = e
	}
}

func (d *diag) first(order []category) *Error {
	for _, c := range order {
		if e := d.errs[c]; e != nil {
			return e
		}
	}
	return nil
}

// The functions of each language.
var (
	conditionFunctions = map[string]bool{ // name → may stand alone as a condition
		"attribute_exists": true, "attribute_not_exists": true, "attribute_type": true,
		"begins_with": true, "contains": true, "size": false,
	}
	updateFunctions = map[string]bool{"if_not_exists": true, "list_append": true}
	sqlKeywords     = map[string]bool{
		"SELECT": true, "FROM": true, "WHERE": true, "ORDER": true, "BY": true, "ASC": true, "DESC": true,
		"LIMIT": true, "OFFSET": true, "INSERT": true, "INTO": true, "VALUE": true, "UPDATE": true,
	}
)

// maxInOperands is DynamoDB's limit on the list of IN.
const maxInOperands = 100

// checker walks a freshly parsed tree and reports everything that does not
// depend on the request's bindings. It also records the placeholders the
// text uses and, in the shell dialect, converts its literals.
type checker struct {
	diag
	info    *exprInfo
	toks    []lexer.Token
	partiql bool
	seen    map[string]bool
	litOps  []*Operand
}

func newChecker(info *exprInfo, toks []lexer.Token) *checker {
	return &checker{info: info, toks: toks}
}

func (c *checker) kind() ExprKind { return c.info.kind }

// strict: DynamoDB's own dialect (not PartiQL).
func (c *checker) strict() bool { return !c.partiql && c.info.dialect == DialectDynamoDB }

func (c *checker) syntaxAt(pos lexer.Position) {
	c.add(catSyntax, syntaxError(c.kind(), c.info.src, c.toks, tokenAt(c.toks, pos.Offset)))
}

// syntaxAfter reports the token following the one at pos.
func (c *checker) syntaxAfter(pos lexer.Position) {
	i := tokenAt(c.toks, pos.Offset) + 1
	if i >= len(c.toks) {
		i = len(c.toks) - 1
	}
	c.add(catSyntax, syntaxError(c.kind(), c.info.src, c.toks, i))
}

func (c *checker) errAt(cat category, pos lexer.Position, body string) {
	c.add(cat, newErrorAt(c.kind(), pos, body))
}

func (c *checker) use(name string) {
	if c.seen == nil {
		c.seen = make(map[string]bool)
	}
	if !c.seen[name] {
		c.seen[name] = true
		c.info.used = append(c.info.used, name)
	}
}

// result names the literals and returns the error DynamoDB would report
// first, if any.
func (c *checker) result(order []category) error {
	if e := c.first(order); e != nil {
		return e
	}
	if len(c.litOps) > 0 {
		c.info.litNames = make(map[*Operand]string, len(c.litOps))
		n := 0
		for _, op := range c.litOps {
			var name string
			for {
				n++
				name = ":lit" + strconv.Itoa(n)
				if !c.seen[name] {
					break
				}
			}
			c.info.litNames[op] = name
		}
	}
	return nil
}

// --- conditions -----------------------------------------------------------

func (c *checker) orCond(o *OrCond) {
	for _, a := range o.Terms {
		for _, n := range a.Terms {
			c.notCond(n)
		}
	}
}

func (c *checker) notCond(n *NotCond) {
	for n.Not != nil {
		n = n.Not
	}
	c.predicate(n.Pred)
}

// singlePred returns the predicate a group consists of, if it is just one.
func singlePred(o *OrCond) *Predicate {
	if len(o.Terms) == 1 && len(o.Terms[0].Terms) == 1 {
		return o.Terms[0].Terms[0].Pred
	}
	return nil
}

func (p *Predicate) hasTail() bool { return p.Compare != nil || p.Between != nil || p.In != nil }

// tailPos is the position of the comparison operator, BETWEEN or IN.
func (p *Predicate) tailPos() lexer.Position {
	switch {
	case p.Compare != nil:
		return p.Compare.Pos
	case p.Between != nil:
		return p.Between.Pos
	}
	return p.In.Pos
}

// leftOperand returns the left operand of a predicate with a comparison,
// whether parenthesised ((a) = :v) or not.
func (p *Predicate) leftOperand() *Operand {
	if p.Group != nil {
		return singlePred(p.Group).Operand
	}
	return p.Operand
}

func (c *checker) predicate(p *Predicate) {
	tail := p.hasTail()
	switch {
	case p.Group != nil && !tail:
		if in := singlePred(p.Group); in != nil && in.Group != nil && !in.hasTail() {
			c.errAt(catParens, p.Pos, msgRedundant)
		}
		c.orCond(p.Group)
		return
	case p.Group != nil:
		// (a) = :v: the group must hold a single operand.
		in, nested := singlePred(p.Group), false
		for in != nil && in.Group != nil && !in.hasTail() {
			in, nested = singlePred(in.Group), true
		}
		if in == nil || in.hasTail() {
			c.syntaxAt(p.tailPos())
			c.orCond(p.Group)
			break
		}
		if nested {
			c.errAt(catParens, p.Pos, msgRedundant)
		}
		c.condOperand(in.Operand)
	case !tail:
		if p.Operand.Call != nil {
			c.condCall(p.Operand.Call, true)
		} else {
			c.syntaxAt(p.EndPos)
			c.condOperand(p.Operand)
		}
		return
	default:
		c.condOperand(p.Operand)
	}
	switch {
	case p.Compare != nil:
		if p.Compare.Op == "!=" && !c.partiql {
			c.syntaxAt(p.Compare.Pos)
		}
		c.condOperand(p.Compare.Right)
	case p.Between != nil:
		c.condOperand(p.Between.Low)
		c.condOperand(p.Between.High)
	case p.In != nil:
		in := p.In
		if in.Open == "[" && !c.partiql {
			c.syntaxAfter(in.Pos)
		}
		if (in.Open == "(") != (in.Close.Tok == ")") {
			c.syntaxAt(in.Close.Pos)
		}
		if len(in.List) > maxInOperands {
			c.errAt(catIn, in.Pos, msgTooManyIn)
		}
		for _, op := range in.List {
			c.condOperand(op)
		}
	}
}

// condCall checks a function of a condition; bare is true when the call is
// the whole predicate (attribute_exists(a)) rather than an operand
// (size(a) > :n).
func (c *checker) condCall(call *Call, bare bool) {
	standalone, known := conditionFunctions[call.Name]
	switch {
	case known && standalone != bare:
		c.errAt(catMisused, call.Pos, msgMisusedFunction(call.Name))
	case !known && updateFunctions[call.Name]:
		c.errAt(catUnknownFunc, call.Pos, msgNotInCondition(call.Name))
	case !known:
		c.errAt(catUnknownFunc, call.Pos, msgInvalidFunction(call.Name))
	}
	for _, a := range call.Args {
		c.condOperand(a)
	}
}

func (c *checker) condOperand(op *Operand) {
	switch {
	case op.Group != nil:
		if op.Group.Group != nil {
			c.errAt(catParens, op.Pos, msgRedundant)
		}
		c.condOperand(op.Group)
	case op.Call != nil:
		c.condCall(op.Call, false)
	default:
		c.leaf(op)
	}
}

// leaf checks a value placeholder, parameter, path or literal operand.
func (c *checker) leaf(op *Operand) {
	switch {
	case op.Value != nil:
		if c.partiql {
			c.syntaxAt(op.Pos)
			return
		}
		c.use(*op.Value)
	case op.Param:
		if !c.partiql {
			c.syntaxAt(op.Pos)
		}
	case op.Path != nil:
		if c.strict() {
			c.path(op.Path, true)
			return
		}
		v, ok, err := lonePathLiteral(op.Path, !c.partiql)
		switch {
		case err != nil:
			c.literalError(err)
		case ok && !c.partiql:
			c.bindLiteral(op, v)
		case !ok:
			c.path(op.Path, true)
		}
	case op.Lit != nil:
		c.literal(op)
	default:
		c.syntaxAt(op.Pos)
	}
}

func (c *checker) literal(op *Operand) {
	switch {
	case c.strict():
		c.syntaxAt(op.Pos)
	case c.partiql:
		if !hasParam(op.Lit) { // otherwise checked by Bind
			if _, err := literalValue(op.Lit, nil); err != nil {
				c.literalError(err)
			}
		}
	default:
		v, err := literalValue(op.Lit, nil)
		if err != nil {
			c.literalError(err)
			return
		}
		c.bindLiteral(op, v)
	}
}

func (c *checker) bindLiteral(op *Operand, v item.Value) {
	if c.info.lits == nil {
		c.info.lits = make(map[*Operand]item.Value)
	}
	c.info.lits[op] = v
	c.litOps = append(c.litOps, op)
}

func (c *checker) literalError(err *literalError) {
	if err.syntax {
		c.syntaxAt(err.pos)
		return
	}
	c.errAt(catLiteral, err.pos, err.msg)
}

// path checks a document path. operand is false for the paths an update
// writes and a projection reads.
func (c *checker) path(p *PathExpr, operand bool) {
	c.pathName(p.Head)
	for _, s := range p.Steps {
		if s.Field != nil {
			c.pathName(s.Field)
			continue
		}
		if _, ok := parseIndex(*s.Index); !ok {
			c.syntaxAfter(s.Pos)
		}
	}
}

func parseIndex(s string) (int, bool) {
	if len(s) == 0 || len(s) > 9 {
		return 0, false
	}
	n := 0
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

func (c *checker) pathName(n *PathName) {
	switch n.Text[0] {
	case '#':
		if c.partiql {
			c.syntaxAt(n.Pos)
			return
		}
		c.use(n.Text)
	case '"':
		if c.strict() {
			c.syntaxAt(n.Pos)
			return
		}
		if s, ok := unquote(n.Text); !ok || s == "" {
			c.syntaxAt(n.Pos)
		}
	default:
		switch {
		case c.partiql:
			if sqlKeywords[upper(n.Text)] {
				c.syntaxAt(n.Pos)
			}
		case c.strict() && IsReserved(n.Text):
			c.errAt(catReserved, n.Pos, msgReserved(n.Text))
		}
	}
}
