package parser

import (
	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"

	"github.com/keystonedb/kstone-shell/engine/item"
)

// Dialect selects how strictly expressions are read.
type Dialect int

const (
	// DialectDynamoDB is DynamoDB exactly: values only through :placeholders,
	// and reserved words rejected as attribute names.
	DialectDynamoDB Dialect = iota
	// DialectShell also accepts literal values in operand positions (1,
	// -2.5, "Bob", 'Bob', true, false, null, [1, "a"], {"a": 1},
	// <<"a", "b">>), each bound to a generated placeholder (:lit1, …), and
	// reserved words as attribute names. Only the grammar's own keywords
	// (AND, OR, NOT, BETWEEN, IN, SET, REMOVE, ADD, DELETE) and function
	// names followed by "(" keep their meaning.
	DialectShell
)

// String returns "dynamodb" or "shell".
func (d Dialect) String() string {
	if d == DialectShell {
		return "shell"
	}
	return "dynamodb"
}

// The parsers, built once. One parser per language; all share exprLexer.
var (
	parserOptions = []participle.Option{
		participle.Lexer(exprLexer),
		participle.CaseInsensitive("Keyword", "SQLKeyword", "Ident"),
		participle.UseLookahead(participle.MaxLookahead),
	}
	updateParser     = participle.MustBuild[UpdateExpr](parserOptions...)
	conditionParser  = participle.MustBuild[OrCond](parserOptions...)
	projectionParser = participle.MustBuild[ProjectionExpr](parserOptions...)
	partiqlParser    = participle.MustBuild[statementAST](parserOptions...)
)

// Expr is a parsed expression: *Update, *Condition, *KeyCondition or
// *Projection. Parsed expressions are immutable and safe to share between
// goroutines (see Cache).
type Expr interface {
	// Kind is the kind of expression, as named in messages.
	Kind() ExprKind
	// String prints the expression back in canonical form (keywords in
	// upper case, single spaces, literals as written); parsing it again
	// gives the same tree.
	String() string
	// Placeholders returns the :values and #names the text uses, each once,
	// in order of first use. Generated literal placeholders are not
	// included.
	Placeholders() []string
	// Literals returns the shell dialect's literals under their generated
	// placeholder names (:lit1, :lit2, … skipping names the text uses).
	// Compile binds them automatically.
	Literals() map[string]item.Value
	info() *exprInfo
}

// exprInfo is what every parsed expression carries besides its tree.
type exprInfo struct {
	src      string
	kind     ExprKind
	dialect  Dialect
	used     []string                // :values and #names, in order of first use
	lits     map[*Operand]item.Value // shell literals by operand
	litNames map[*Operand]string     // their generated placeholders
}

func (e *exprInfo) Kind() ExprKind { return e.kind }

// Source returns the text the expression was parsed from.
func (e *exprInfo) Source() string { return e.src }

// Dialect returns the dialect the expression was parsed with.
func (e *exprInfo) Dialect() Dialect { return e.dialect }

func (e *exprInfo) Placeholders() []string { return append([]string(nil), e.used...) }

func (e *exprInfo) Literals() map[string]item.Value {
	m := make(map[string]item.Value, len(e.lits))
	for op, name := range e.litNames {
		m[name] = e.lits[op]
	}
	return m
}

func (e *exprInfo) info() *exprInfo { return e }

// Update is a parsed UpdateExpression.
type Update struct {
	exprInfo
	AST *UpdateExpr
}

// Condition is a parsed ConditionExpression or FilterExpression.
type Condition struct {
	exprInfo
	AST *OrCond
}

// KeyCondition is a parsed KeyConditionExpression.
type KeyCondition struct {
	exprInfo
	AST *OrCond
}

// Projection is a parsed ProjectionExpression.
type Projection struct {
	exprInfo
	AST *ProjectionExpr
}

// parseTokens lexes and parses src, turning participle's errors into
// DynamoDB syntax errors.
func parseTokens[G any](p *participle.Parser[G], kind ExprKind, src string) (*G, []lexer.Token, *Error) {
	toks := tokenize(src)
	if i := tooDeep(toks); i >= 0 {
		return nil, toks, syntaxError(kind, src, toks, i)
	}
	peek, err := lexer.Upgrade(&sliceLexer{toks: toks})
	if err != nil {
		return nil, toks, syntaxError(kind, src, toks, len(toks)-1)
	}
	ast, err := p.ParseFromLexer(peek)
	if err != nil {
		off := len(src)
		if perr, ok := err.(participle.Error); ok {
			off = perr.Position().Offset
		}
		return nil, toks, syntaxError(kind, src, toks, tokenAt(toks, off))
	}
	return ast, toks, nil
}

func isBlank(src string) bool { return src == "" }

// ParseUpdate parses an UpdateExpression and checks everything that does
// not depend on the request's bindings: syntax, reserved words (strict
// dialect), function names, repeated sections, literals (shell dialect).
func ParseUpdate(src string, d Dialect) (*Update, error) {
	if isBlank(src) {
		return nil, newError(UpdateExpression, msgEmpty)
	}
	ast, toks, perr := parseTokens(updateParser, UpdateExpression, src)
	if perr != nil {
		return nil, perr
	}
	u := &Update{exprInfo: newInfo(src, UpdateExpression, d), AST: ast}
	c := newChecker(&u.exprInfo, toks)
	c.update(ast)
	if err := c.result(orderUpdate); err != nil {
		return nil, err
	}
	return u, nil
}

// ParseCondition parses a ConditionExpression or, with kind
// FilterExpression, a FilterExpression (the kind names the expression in
// messages).
func ParseCondition(src string, kind ExprKind, d Dialect) (*Condition, error) {
	if kind != FilterExpression {
		kind = ConditionExpression
	}
	ast, toks, err := parseCond(src, kind, d)
	if err != nil {
		return nil, err
	}
	c := &Condition{exprInfo: newInfo(src, kind, d), AST: ast}
	if err := checkCondition(&c.exprInfo, ast, toks); err != nil {
		return nil, err
	}
	return c, nil
}

// ParseKeyCondition parses a KeyConditionExpression. Its key structure is
// checked by Compile and KeyQuery.
func ParseKeyCondition(src string, d Dialect) (*KeyCondition, error) {
	ast, toks, err := parseCond(src, KeyConditionExpression, d)
	if err != nil {
		return nil, err
	}
	k := &KeyCondition{exprInfo: newInfo(src, KeyConditionExpression, d), AST: ast}
	if err := checkCondition(&k.exprInfo, ast, toks); err != nil {
		return nil, err
	}
	return k, nil
}

func parseCond(src string, kind ExprKind, d Dialect) (*OrCond, []lexer.Token, error) {
	if isBlank(src) {
		return nil, nil, newError(kind, msgEmpty)
	}
	ast, toks, err := parseTokens(conditionParser, kind, src)
	if err != nil {
		return nil, nil, err
	}
	return ast, toks, nil
}

func checkCondition(info *exprInfo, ast *OrCond, toks []lexer.Token) error {
	c := newChecker(info, toks)
	c.orCond(ast)
	if err := c.result(orderCondition); err != nil {
		return err
	}
	return nil
}

// ParseProjection parses a ProjectionExpression.
func ParseProjection(src string, d Dialect) (*Projection, error) {
	if isBlank(src) {
		return nil, newError(ProjectionExpression, msgEmpty)
	}
	ast, toks, perr := parseTokens(projectionParser, ProjectionExpression, src)
	if perr != nil {
		return nil, perr
	}
	p := &Projection{exprInfo: newInfo(src, ProjectionExpression, d), AST: ast}
	c := newChecker(&p.exprInfo, toks)
	for _, path := range ast.Paths {
		c.path(path, false)
	}
	if err := c.result(orderProjection); err != nil {
		return nil, err
	}
	return p, nil
}

// ParsePartiQL parses one statement of the PartiQL subset: *Select,
// *Insert, *UpdateStmt or *Delete. Bind the result with its parameters to
// execute it.
func ParsePartiQL(src string) (Statement, error) {
	if isBlank(src) {
		return nil, plainError(PartiQL, msgPartiQLPrefix+"Expected data manipulation")
	}
	toks := tokenize(src)
	if first := toks[0]; !isDML(first) {
		return nil, plainError(PartiQL, msgPartiQLPrefix+"Expected data manipulation")
	}
	ast, toks, perr := parseTokens(partiqlParser, PartiQL, src)
	if perr != nil {
		return nil, perr
	}
	info := newInfo(src, PartiQL, DialectShell)
	c := newChecker(&info, toks)
	c.partiql = true
	st := c.statement(ast)
	if err := c.result(orderPartiQL); err != nil {
		return nil, err
	}
	return st, nil
}

func isDML(t lexer.Token) bool {
	if t.Type != tokKeyword && t.Type != tokSQLKeyword {
		return false
	}
	switch upper(t.Value) {
	case "SELECT", "INSERT", "UPDATE", "DELETE":
		return true
	}
	return false
}

func newInfo(src string, kind ExprKind, d Dialect) exprInfo {
	return exprInfo{src: src, kind: kind, dialect: d}
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - ('a' - 'A')
		}
	}
	return string(b)
}
