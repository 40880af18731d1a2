package parser

import (
	"sort"

	"github.com/alecthomas/participle/v2/lexer"
)

// exprLexer is the one lexer of every language of this package. Rules are
// tried in order, so keywords come before identifiers, and two-character
// operators before one-character ones. The sign is never part of a number
// (a-1 is a, -, 1); unary minus is a grammar rule. Whatever no rule matches
// becomes a one-character Bad token, so lexing never fails and the parser
// reports it as a syntax error at that character.
var exprLexer = lexer.MustSimple([]lexer.SimpleRule{
	{Name: "whitespace", Pattern: `[ \t\r\n]+`},
	// Keywords of the expression grammars.
	{Name: "Keyword", Pattern: `(?i)(?:AND|OR|NOT|BETWEEN|IN|SET|REMOVE|ADD|DELETE)\b`},
	// Keywords of PartiQL only; in expressions they are attribute names.
	{Name: "SQLKeyword", Pattern: `(?i)(?:SELECT|FROM|WHERE|ORDER|BY|ASC|DESC|LIMIT|OFFSET|INSERT|INTO|VALUE|UPDATE)\b`},
	{Name: "Ident", Pattern: `[A-Za-z_][A-Za-z0-9_]*`},
	{Name: "Name", Pattern: `#[A-Za-z0-9_]+`},
	{Name: "Value", Pattern: `:[A-Za-z0-9_]+`},
	{Name: "Number", Pattern: `[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?`},
	{Name: "DQString", Pattern: `"(?:[^"\\]|\\.)*"`},
	{Name: "SQString", Pattern: `'(?:[^']|'')*'`},
	{Name: "Op", Pattern: `<>|<=|>=|<<|>>|!=|[-+*=<>()\[\]{},.:?]`},
	{Name: "Bad", Pattern: `.`},
})

// Token types of exprLexer, looked up once.
var (
	tokKeyword    = exprLexer.Symbols()["Keyword"]
	tokSQLKeyword = exprLexer.Symbols()["SQLKeyword"]
	tokIdent      = exprLexer.Symbols()["Ident"]
	tokName       = exprLexer.Symbols()["Name"]
	tokValue      = exprLexer.Symbols()["Value"]
	tokNumber     = exprLexer.Symbols()["Number"]
	tokDQString   = exprLexer.Symbols()["DQString"]
	tokSQString   = exprLexer.Symbols()["SQString"]
)

// maxDepth bounds the nesting of brackets, so that a hostile input cannot
// make the recursive-descent parser recurse without end.
const maxDepth = 64

// tokenize returns the tokens of src, whitespace dropped, ending with EOF.
func tokenize(src string) []lexer.Token {
	lex, _ := exprLexer.LexString("", src) // never fails: see Bad
	toks := make([]lexer.Token, 0, len(src)/3+1)
	for {
		t, err := lex.Next()
		if err != nil { // unreachable with the Bad rule; end the input here
			toks = append(toks, lexer.EOFToken(t.Pos))
			return toks
		}
		toks = append(toks, t)
		if t.EOF() {
			return toks
		}
	}
}

// sliceLexer replays tokens to participle.
type sliceLexer struct {
	toks []lexer.Token
	i    int
}

func (l *sliceLexer) Next() (lexer.Token, error) {
	t := l.toks[l.i]
	if l.i < len(l.toks)-1 {
		l.i++
	}
	return t, nil
}

// tokenAt returns the index of the first token at or after offset; the EOF
// token when there is none.
func tokenAt(toks []lexer.Token, offset int) int {
	i := sort.Search(len(toks), func(i int) bool { return toks[i].Pos.Offset >= offset })
	if i == len(toks) {
		return len(toks) - 1
	}
	return i
}

// tooDeep returns the index of the first token nested deeper than maxDepth,
// or -1.
func tooDeep(toks []lexer.Token) int {
	depth := 0
	for i, t := range toks {
		switch t.Value {
		case "(", "[", "{", "<<":
			depth++
			if depth > maxDepth {
				return i
			}
		case ")", "]", "}", ">>":
			depth--
		}
	}
	return -1
}

// syntaxError reports toks[i] as the offending token. The "near" window is
// the source text from the start of the second token before it to the end
// of the token after it, clipped to the input:
//
//	SET a = = :x   →  token "=", near "a = = :x"
//	a >            →  token "<EOF>", near "a >"
func syntaxError(kind ExprKind, src string, toks []lexer.Token, i int) *Error {
	t := toks[i]
	tok := t.Value
	if t.EOF() {
		tok = "<EOF>"
	}
	n := len(toks) - 1 // tokens before EOF
	near := ""
	if n > 0 {
		lo := max(0, i-2)
		hi := min(i+1, n-1)
		if lo > hi {
			lo = hi
		}
		start := toks[lo].Pos.Offset
		end := toks[hi].Pos.Offset + len(toks[hi].Value)
		near = src[start:end]
	}
	return newErrorAt(kind, t.Pos, msgSyntax(tok, near))
}
