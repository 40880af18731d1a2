package parser

import "github.com/alecthomas/participle/v2/lexer"

// The PartiQL subset:
//
//	Statement  = Select | Insert | UpdateStmt | Delete
//	Select     = "SELECT" ( "*" | PathExpr { "," PathExpr } ) "FROM" TableRef
//	             [ "WHERE" OrCond ] [ OrderBy ] [ "LIMIT" Count ] [ "OFFSET" Count ]
//	OrderBy    = "ORDER" "BY" PathExpr [ "ASC" | "DESC" ]
//	Insert     = "INSERT" "INTO" TableRef "VALUE" Literal
//	UpdateStmt = "UPDATE" TableRef UpdateClause { UpdateClause } "WHERE" OrCond
//	UpdateClause = "SET" SetAction { "," SetAction } | "REMOVE" PathExpr { "," PathExpr }
//	Delete     = "DELETE" "FROM" TableRef "WHERE" OrCond
//	TableRef   = ( Ident | DQString ) [ "." ( Ident | DQString ) ]
//
// Strings are single-quoted, names may be double-quoted, ? is a positional
// parameter, <<…>> is a set.

// statementAST is the root of the PartiQL grammar.
type statementAST struct {
	Pos    lexer.Position
	Select *Select     `parser:"  @@"`
	Insert *Insert     `parser:"| @@"`
	Update *UpdateStmt `parser:"| @@"`
	Delete *Delete     `parser:"| @@"`
}

// Select is a SELECT statement.
type Select struct {
	Pos    lexer.Position
	Star   bool        `parser:"'SELECT' ( @'*'"`
	Fields []*PathExpr `parser:"         | @@ ( ',' @@ )* )"`
	Table  *TableRef   `parser:"'FROM' @@"`
	Where  *OrCond     `parser:"( 'WHERE' @@ )?"`
	Order  *OrderBy    `parser:"@@?"`
	Limit  *Count      `parser:"( 'LIMIT' @@ )?"`
	Offset *Count      `parser:"( 'OFFSET' @@ )?"`
}

// TableRef is a table name, optionally followed by an index name.
type TableRef struct {
	Pos   lexer.Position
	Name  string  `parser:"@( Ident | DQString )"`
	Index *string `parser:"( '.' @( Ident | DQString ) )?"`
}

// OrderBy is ORDER BY key [ASC|DESC].
type OrderBy struct {
	Pos lexer.Position
	Key *PathExpr `parser:"'ORDER' 'BY' @@"`
	Dir string    `parser:"@( 'ASC' | 'DESC' )?"`
}

// Count is the number of LIMIT or OFFSET.
type Count struct {
	Pos  lexer.Position
	Text string `parser:"@Number"`
}

// Insert is INSERT INTO table VALUE {…}.
type Insert struct {
	Pos   lexer.Position
	Table *TableRef `parser:"'INSERT' 'INTO' @@"`
	Item  *Literal  `parser:"'VALUE' @@"`
}

// UpdateStmt is UPDATE table SET … REMOVE … WHERE ….
type UpdateStmt struct {
	Pos     lexer.Position
	Table   *TableRef       `parser:"'UPDATE' @@"`
	Clauses []*UpdateClause `parser:"@@+"`
	Where   *OrCond         `parser:"'WHERE' @@"`
}

// UpdateClause is one SET or REMOVE clause of an UPDATE statement.
type UpdateClause struct {
	Pos    lexer.Position
	Set    []*SetAction `parser:"  'SET' @@ ( ',' @@ )*"`
	Remove []*PathExpr  `parser:"| 'REMOVE' @@ ( ',' @@ )*"`
}

// Delete is DELETE FROM table WHERE ….
type Delete struct {
	Pos   lexer.Position
	Table *TableRef `parser:"'DELETE' 'FROM' @@"`
	Where *OrCond   `parser:"'WHERE' @@"`
}
