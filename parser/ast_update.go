package parser

import "github.com/alecthomas/participle/v2/lexer"

// The UpdateExpression grammar:
//
//	UpdateExpr = Section { Section }
//	Section    = "SET" SetAction { "," SetAction }
//	           | "REMOVE" PathExpr { "," PathExpr }
//	           | "ADD" AddAction { "," AddAction }
//	           | "DELETE" AddAction { "," AddAction }
//	SetAction  = PathExpr "=" SetValue
//	SetValue   = SetTerm [ ArithOp SetTerm ]
//	ArithOp    = "+" | "-"
//	SetTerm    = "(" SetValue ")" | Operand
//	AddAction  = PathExpr Operand
//
// Each section may appear once, in any order (checked after parsing). The
// ProjectionExpression grammar is a list of paths:
//
//	ProjectionExpr = PathExpr { "," PathExpr }

// UpdateExpr is the root of an UpdateExpression.
type UpdateExpr struct {
	Pos      lexer.Position
	Sections []*Section `parser:"@@+"`
}

// Section is one SET, REMOVE, ADD or DELETE section; exactly one of its
// lists is set.
type Section struct {
	Pos    lexer.Position
	Set    []*SetAction `parser:"  'SET' @@ ( ',' @@ )*"`
	Remove []*PathExpr  `parser:"| 'REMOVE' @@ ( ',' @@ )*"`
	Add    []*AddAction `parser:"| 'ADD' @@ ( ',' @@ )*"`
	Delete []*AddAction `parser:"| 'DELETE' @@ ( ',' @@ )*"`
}

// Keyword returns the section's keyword: "SET", "REMOVE", "ADD" or
// "DELETE".
func (s *Section) Keyword() string {
	switch {
	case s.Set != nil:
		return "SET"
	case s.Remove != nil:
		return "REMOVE"
	case s.Add != nil:
		return "ADD"
	}
	return "DELETE"
}

// SetAction is path = value.
type SetAction struct {
	Pos   lexer.Position
	Path  *PathExpr `parser:"@@ '='"`
	Value *SetValue `parser:"@@"`
}

// SetValue is an operand, or two joined by + or -.
type SetValue struct {
	Pos   lexer.Position
	Left  *SetTerm `parser:"@@"`
	Op    *ArithOp `parser:"( @@"`
	Right *SetTerm `parser:"  @@ )?"`
}

// ArithOp is + or -.
type ArithOp struct {
	Pos lexer.Position
	Op  string `parser:"@( '+' | '-' )"`
}

// SetTerm is a parenthesised SetValue or an operand.
type SetTerm struct {
	Pos     lexer.Position
	Group   *SetValue `parser:"  '(' @@ ')'"`
	Operand *Operand  `parser:"| @@"`
}

// AddAction is the path and value of an ADD or DELETE action.
type AddAction struct {
	Pos   lexer.Position
	Path  *PathExpr `parser:"@@"`
	Value *Operand  `parser:"@@"`
}

// ProjectionExpr is the root of a ProjectionExpression.
type ProjectionExpr struct {
	Pos   lexer.Position
	Paths []*PathExpr `parser:"@@ ( ',' @@ )*"`
}
