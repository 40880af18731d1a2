package parser

import "github.com/alecthomas/participle/v2/lexer"

// The operand grammar, shared by every language of the package. It is a
// superset: each language accepts part of it and reports the rest as a
// syntax error (validate.go) — placeholders (:v, #n) are for expressions,
// literals for the shell dialect and PartiQL, ? for PartiQL.
//
//	Operand   = "(" Operand ")" | Call | Value | "?" | PathExpr | Literal
//	Call      = Ident "(" Operand { "," Operand } ")"
//	PathExpr  = PathName { "." PathName | "[" Number "]" }
//	PathName  = Ident | SQLKeyword | Name | DQString
//	Literal   = NumberLit | SQString | DQString | "true" | "false" | "null"
//	          | "?" | ListLit | MapLit | SetLit
//	NumberLit = [ "-" ] Number
//	ListLit   = "[" [ Literal { "," Literal } ] "]"
//	MapLit    = "{" [ MapEntry { "," MapEntry } ] "}"
//	MapEntry  = ( DQString | SQString | Ident | SQLKeyword | Keyword ) ( ":" Literal | Glued )
//	Glued     = Value [ "." Number ]          (the ":1" of a compact {"a":1})
//	SetLit    = "<<" [ Literal { "," Literal } ] ">>"
//
// A lone DQString, true, false or null in an operand position parses as a
// PathExpr; the shell dialect reads it as a literal, PartiQL as a quoted name or
// a literal.

// Operand is one operand: a value placeholder, a path, a function call, a
// parenthesised operand, a PartiQL parameter or a literal.
type Operand struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Group  *Operand  `parser:"  '(' @@ ')'"`
	Call   *Call     `parser:"| @@"`
	Value  *string   `parser:"| @Value"`
	Param  bool      `parser:"| @'?'"`
	Path   *PathExpr `parser:"| @@"`
	Lit    *Literal  `parser:"| @@"`
}

// Call is a function call: size(a), if_not_exists(a, :v), ….
type Call struct {
	Pos  lexer.Position
	Name string     `parser:"@Ident '('"`
	Args []*Operand `parser:"@@ ( ',' @@ )* ')'"`
}

// PathExpr is a document path: a, a.b, a[0], #n.#m[1].
type PathExpr struct {
	Pos   lexer.Position
	Head  *PathName   `parser:"@@"`
	Steps []*PathStep `parser:"@@*"`
}

// PathName is one name of a path, as written: an identifier, a #name
// placeholder, or a double-quoted name.
type PathName struct {
	Pos  lexer.Position
	Text string `parser:"@( Ident | SQLKeyword | Name | DQString )"`
}

// PathStep is ".name" or "[index]".
type PathStep struct {
	Pos   lexer.Position
	Field *PathName `parser:"  '.' @@"`
	Index *string   `parser:"| '[' @Number ']'"`
}

// Literal is a constant written in the text (shell dialect and PartiQL).
// Text fields hold the tokens as written.
type Literal struct {
	Pos    lexer.Position
	Number *NumberLit `parser:"  @@"`
	Str    *string    `parser:"| @( SQString | DQString )"`
	Bool   *string    `parser:"| @( 'true' | 'false' )"`
	Null   bool       `parser:"| @'null'"`
	Param  bool       `parser:"| @'?'"`
	List   *ListLit   `parser:"| @@"`
	Map    *MapLit    `parser:"| @@"`
	Set    *SetLit    `parser:"| @@"`
}

// NumberLit is a number with an optional minus sign.
type NumberLit struct {
	Pos    lexer.Position
	Neg    bool   `parser:"@'-'?"`
	Digits string `parser:"@Number"`
}

// ListLit is [a, b, …].
type ListLit struct {
	Pos   lexer.Position
	Elems []*Literal `parser:"'[' ( @@ ( ',' @@ )* )? ']'"`
}

// MapLit is {"k": v, …}.
type MapLit struct {
	Pos     lexer.Position
	Entries []*MapEntry `parser:"'{' ( @@ ( ',' @@ )* )? '}'"`
}

// MapEntry is one key: value of a MapLit.
type MapEntry struct {
	Pos   lexer.Position
	Key   string   `parser:"@( DQString | SQString | Ident | SQLKeyword | Keyword )"`
	Value *Literal `parser:"( ':' @@"`
	Glued *Glued   `parser:"| @@ )"`
}

// Glued is a scalar written right after the colon of a map entry ({"a":1}),
// which the lexer reads as a value placeholder (":1").
type Glued struct {
	Pos  lexer.Position
	Head string  `parser:"@Value"`
	Frac *string `parser:"( '.' @Number )?"`
}

// SetLit is a PartiQL set: <<a, b, …>>.
type SetLit struct {
	Pos   lexer.Position
	Elems []*Literal `parser:"'<<' ( @@ ( ',' @@ )* )? '>>'"`
}
