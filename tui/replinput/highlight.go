package replinput

import (
	"strings"
	"unicode"

	"github.com/keystonedb/kstone-shell/shell"
)

// class is what a rune of the statement is, for its colour.
type class uint8

const (
	clsText class = iota
	clsKeyword
	clsFunction
	clsString
	clsNumber
	clsPlaceholder
	clsComment
	clsPunct // JSON punctuation: { } [ ] : ,
	clsError // the token where the parse error is
)

// token is a run of runes [start, end) of one class.
type token struct {
	start, end int
	cls        class
}

// lexicon holds the words the highlighter and the completer know, built
// once per Model.
type lexicon struct {
	keywords  map[string]bool // lower case
	functions map[string]bool
}

// dynamoKeywords are the words of DynamoDB expressions.
func dynamoKeywords() []string {
	return []string{"SET", "REMOVE", "ADD", "DELETE", "AND", "OR", "NOT", "BETWEEN", "IN"}
}

// functionNames are DynamoDB's expression functions.
func functionNames() []string {
	return []string{"attribute_exists", "attribute_not_exists", "attribute_type", "begins_with", "contains", "size", "if_not_exists", "list_append"}
}

// returnValues are the words after "return".
func returnValues() []string {
	return []string{"all_old", "all_new", "updated_old", "updated_new", "none"}
}

// partiQLKeywords are the PartiQL words beyond the statement verbs.
func partiQLKeywords() []string {
	return []string{"FROM", "WHERE", "VALUE", "INTO"}
}

func newLexicon() *lexicon {
	lx := &lexicon{keywords: map[string]bool{}, functions: map[string]bool{}}
	var words []string
	for _, v := range shell.Verbs() {
		words = append(words, strings.Fields(v)...)
	}
	words = append(words, shell.ClauseKeywords()...)
	words = append(words, dynamoKeywords()...)
	words = append(words, returnValues()...)
	words = append(words, partiQLKeywords()...)
	for _, w := range words {
		lx.keywords[strings.ToLower(w)] = true
	}
	for _, f := range functionNames() {
		lx.functions[f] = true
	}
	return lx
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// isNameRune tells the runes of a bare word: a name, a placeholder's name
// or a bare key such as user#1.
func isNameRune(r rune) bool { return isWordRune(r) || r == '#' }

// tokenize splits a statement into tokens. Blanks are left out; every
// other rune belongs to exactly one token.
func (lx *lexicon) tokenize(t []rune) []token {
	var toks []token
	n := len(t)
	prev := func(i int) rune {
		if i == 0 {
			return 0
		}
		return t[i-1]
	}
	lineStart := func(i int) bool { // only blanks before i on its line
		for j := i - 1; j >= 0 && t[j] != '\n'; j-- {
			if !unicode.IsSpace(t[j]) {
				return false
			}
		}
		return true
	}
	for i := 0; i < n; {
		c := t[i]
		start := i
		cls := clsText
		switch {
		case unicode.IsSpace(c):
			i++
			continue
		case c == '-' && i+1 < n && t[i+1] == '-':
			for i < n && t[i] != '\n' {
				i++
			}
			cls = clsComment
		case c == '\'':
			i++
			for i < n {
				if t[i] == '\'' {
					if i+1 < n && t[i+1] == '\'' {
						i += 2
						continue
					}
					i++
					break
				}
				i++
			}
			cls = clsString
		case c == '"':
			i++
			for i < n {
				if t[i] == '\\' {
					i += 2
					continue
				}
				i++
				if t[i-1] == '"' {
					break
				}
			}
			i = min(i, n)
			cls = clsString
		case c == '.' && i+1 < n && unicode.IsLetter(t[i+1]) && lineStart(i):
			i++
			for i < n && isWordRune(t[i]) {
				i++
			}
			cls = clsKeyword // a dot command
		case (c == ':' || c == '#') && i+1 < n && isWordRune(t[i+1]) && !isNameRune(prev(i)) && prev(i) != '"':
			i++
			for i < n && isWordRune(t[i]) {
				i++
			}
			cls = clsPlaceholder
		case isDigit(c) && !isNameRune(prev(i)):
			i = scanNumber(t, i)
			if i < n && isNameRune(t[i]) { // 7abc, 1#2: a bare word
				for i < n && isNameRune(t[i]) {
					i++
				}
				break
			}
			cls = clsNumber
		case isNameRune(c):
			for i < n && isNameRune(t[i]) {
				i++
			}
			cls = lx.wordClass(string(t[start:i]), t[i:])
		case strings.ContainsRune("{}[]:,", c):
			i++
			cls = clsPunct
		default:
			i++
		}
		toks = append(toks, token{start, i, cls})
	}
	return toks
}

// scanNumber returns the end of the number starting at i: digits, an
// optional fraction and an optional exponent.
func scanNumber(t []rune, i int) int {
	n := len(t)
	for i < n && isDigit(t[i]) {
		i++
	}
	if i+1 < n && t[i] == '.' && isDigit(t[i+1]) {
		i++
		for i < n && isDigit(t[i]) {
			i++
		}
	}
	if i < n && (t[i] == 'e' || t[i] == 'E') {
		j := i + 1
		if j < n && (t[j] == '+' || t[j] == '-') {
			j++
		}
		if j < n && isDigit(t[j]) {
			for j < n && isDigit(t[j]) {
				j++
			}
			i = j
		}
	}
	return i
}

// wordClass classifies a bare word given the text after it.
func (lx *lexicon) wordClass(w string, rest []rune) class {
	if len(rest) > 0 && rest[0] == '(' {
		return clsFunction
	}
	lower := strings.ToLower(w)
	if lx.functions[w] {
		for _, r := range rest {
			if r == '(' {
				return clsFunction
			}
			if r != ' ' && r != '\t' {
				break
			}
		}
	}
	switch {
	case lx.keywords[lower]:
		return clsKeyword
	case lower == "true" || lower == "false" || lower == "null":
		return clsNumber
	}
	return clsText
}

// classes gives each rune of t its class; errAt, when >= 0, is the rune
// index of a parse error, whose token is marked clsError.
func (lx *lexicon) classes(t []rune, errAt int) []class {
	out := make([]class, len(t))
	for _, tk := range lx.tokenize(t) {
		cls := tk.cls
		if errAt >= tk.start && errAt < tk.end {
			cls = clsError
		}
		for i := tk.start; i < tk.end; i++ {
			out[i] = cls
		}
	}
	return out
}
