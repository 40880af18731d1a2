package parser

import "github.com/alecthomas/participle/v2/lexer"

// The condition grammar (ConditionExpression, FilterExpression,
// KeyConditionExpression and the WHERE of PartiQL). Precedence, lowest
// first:
//
//	OrCond    = AndCond { "OR" AndCond }
//	AndCond   = NotCond { "AND" NotCond }
//	NotCond   = "NOT" NotCond | Predicate
//	Predicate = ( "(" OrCond ")" | Operand ) [ Compare | Between | In ]
//	Compare   = ( "=" | "<>" | "!=" | "<=" | ">=" | "<" | ">" ) Operand
//	Between   = "BETWEEN" Operand "AND" Operand
//	In        = "IN" ( "(" | "[" ) Operand { "," Operand } ( ")" | "]" )
//
// A Predicate without a comparison must be a function call
// (attribute_exists(a), begins_with(a, :p), …); a parenthesised group
// followed by a comparison must hold a single operand ((a) = :v). Both are
// checked after parsing (validate.go), as are the PartiQL-only forms (!=,
// IN [ … ]).

// OrCond is the root of a condition: terms joined by OR.
type OrCond struct {
	Pos   lexer.Position
	Terms []*AndCond `parser:"@@ ( 'OR' @@ )*"`
}

// AndCond is terms joined by AND.
type AndCond struct {
	Pos   lexer.Position
	Terms []*NotCond `parser:"@@ ( 'AND' @@ )*"`
}

// NotCond is NOT applied to a condition, or a predicate.
type NotCond struct {
	Pos  lexer.Position
	Not  *NotCond   `parser:"  'NOT' @@"`
	Pred *Predicate `parser:"| @@"`
}

// Predicate is a parenthesised condition or an operand, optionally followed
// by a comparison, BETWEEN or IN.
type Predicate struct {
	Pos     lexer.Position
	EndPos  lexer.Position
	Group   *OrCond  `parser:"( '(' @@ ')'"`
	Operand *Operand `parser:"  | @@ )"`
	Compare *Compare `parser:"( @@"`
	Between *Between `parser:"  | @@"`
	In      *In      `parser:"  | @@ )?"`
}

// Compare is a comparison operator and its right operand.
type Compare struct {
	Pos   lexer.Position
	Op    string   `parser:"@( '=' | '<>' | '!=' | '<=' | '>=' | '<' | '>' )"`
	Right *Operand `parser:"@@"`
}

// Between is BETWEEN low AND high.
type Between struct {
	Pos  lexer.Position
	Low  *Operand `parser:"'BETWEEN' @@"`
	High *Operand `parser:"'AND' @@"`
}

// In is IN (a, b, …), or IN [a, b, …] in PartiQL.
type In struct {
	Pos   lexer.Position
	Open  string     `parser:"'IN' @( '(' | '[' )"`
	List  []*Operand `parser:"@@ ( ',' @@ )*"`
	Close *InClose   `parser:"@@"`
}

// InClose is the closing bracket of an IN list.
type InClose struct {
	Pos lexer.Position
	Tok string `parser:"@( ')' | ']' )"`
}
