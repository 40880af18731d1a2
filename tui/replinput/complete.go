package replinput

import (
	"slices"
	"strings"
	"unicode"

	"github.com/keystonedb/kstone-shell/shell"
)

// Completer supplies the completion candidates that depend on the session
// and the data; the statement words, keywords and functions are built in.
// Any func may be nil. They are called from Update on Tab, so they must
// be quick (return a list the root keeps up to date) and must not touch
// the engine.
type Completer struct {
	// Placeholders are the bound parameters, ":values" and "#names"
	// (shell.Session.Placeholders).
	Placeholders func() []string
	// Attributes are attribute names seen in the data.
	Attributes func() []string
	// Keys are partition keys, offered after get, delete and update.
	Keys func() []string
}

// matchKind is how a candidate matches what was typed.
type matchKind uint8

const (
	matchExact matchKind = iota // case-sensitive (data names, placeholders)
	matchFold                   // case-insensitive, written in the case typed (keywords)
)

type candidate struct {
	text string
	kind matchKind
}

func addAll(out []candidate, kind matchKind, words ...string) []candidate {
	for _, w := range words {
		out = append(out, candidate{w, kind})
	}
	return out
}

func call(f func() []string) []string {
	if f == nil {
		return nil
	}
	return f()
}

// dotArgs are the completions of a dot command's first argument.
func dotArgs(cmd string) []string {
	switch strings.ToLower(cmd) {
	case ".format", ".mode":
		return []string{"table", "json", "jsonl", "csv", "ddb"}
	case ".input":
		return []string{"json", "ddb"}
	case ".param":
		return []string{"set", "list", "unset", "clear"}
	case ".timer", ".echo", ".bail":
		return []string{"on", "off"}
	case ".durability":
		return []string{"sync", "relaxed"}
	case ".stats", ".compact":
		return []string{"stripe"}
	case ".explain":
		return []string{"get", "query", "scan"}
	case ".help":
		var out []string
		for _, n := range shell.DotCommandNames() {
			out = append(out, strings.TrimPrefix(n, "."))
		}
		return out
	}
	return nil
}

// clausesOf lists the clause keywords a statement verb takes
// (shell.ClauseKeywords, by verb); all of them for other statements.
func clausesOf(verb string) []string {
	switch verb {
	case "put", "get", "delete":
		return []string{"if", "return", "project"}
	case "update":
		return []string{"if", "return"}
	case "query":
		return []string{"filter", "project", "limit", "desc", "asc"}
	case "scan":
		return []string{"filter", "project", "limit", "segment"}
	case "select", "insert":
		return nil
	}
	return shell.ClauseKeywords()
}

// keywordsOf lists the expression keywords of a statement: the condition
// words, the update actions for update, and PartiQL's words for PartiQL.
func keywordsOf(verb string) []string {
	kw := dynamoKeywords()
	switch verb {
	case "update":
		return kw
	case "select", "insert":
		return append(partiQLKeywords(), "AND", "OR", "NOT", "BETWEEN", "IN")
	}
	var cond []string
	for _, k := range kw {
		switch k {
		case "SET", "REMOVE", "ADD", "DELETE":
		default:
			cond = append(cond, k)
		}
	}
	return cond
}

// isCompletionDelim tells the runes that end the word being completed.
func isCompletionDelim(r rune) bool {
	return unicode.IsSpace(r) || strings.ContainsRune(`(),=<>+{}[]"';`, r)
}

// candidates lists the completions of prefix, the word before the cursor,
// given the statement text before that word.
func (m *Model) candidates(prefix, before string) []string {
	stmt := before[strings.LastIndexByte(before, ';')+1:]
	fields := strings.Fields(stmt)
	first := ""
	if len(fields) > 0 {
		first = strings.ToLower(fields[0])
	}
	var cs []candidate
	switch {
	case strings.HasPrefix(prefix, ":") || strings.HasPrefix(prefix, "#"):
		cs = addAll(cs, matchExact, call(m.complete.Placeholders)...)
	case len(fields) == 0:
		cs = addAll(cs, matchFold, shell.Verbs()...)
		cs = addAll(cs, matchFold, shell.DotCommandNames()...)
	case strings.HasPrefix(first, "."):
		if len(fields) == 1 {
			cs = addAll(cs, matchFold, dotArgs(first)...)
		}
	case len(fields) == 1 && (first == "get" || first == "delete" || first == "update"):
		cs = addAll(cs, matchExact, call(m.complete.Keys)...)
		if first == "delete" {
			cs = addAll(cs, matchFold, "FROM")
		}
	case strings.EqualFold(fields[len(fields)-1], "return"):
		cs = addAll(cs, matchFold, returnValues()...)
	default:
		cs = addAll(cs, matchFold, clausesOf(first)...)
		cs = addAll(cs, matchFold, keywordsOf(first)...)
		for _, f := range functionNames() {
			cs = append(cs, candidate{f + "(", matchExact}) // DynamoDB's functions are case-sensitive
		}
		cs = addAll(cs, matchExact, call(m.complete.Attributes)...)
	}
	return filterCandidates(cs, prefix)
}

// filterCandidates keeps the candidates that extend prefix, written as
// they will be inserted, without duplicates, sorted.
func filterCandidates(cs []candidate, prefix string) []string {
	lp := strings.ToLower(prefix)
	seen := map[string]bool{}
	var out []string
	for _, c := range cs {
		text := c.text
		if c.kind == matchExact {
			if !strings.HasPrefix(text, prefix) {
				continue
			}
		} else {
			if !strings.HasPrefix(strings.ToLower(text), lp) {
				continue
			}
			if c.kind == matchFold {
				text = caseLike(text, prefix)
			}
			// "update" and "UPDATE" are one word.
			if seen["\x00"+strings.ToLower(text)] {
				continue
			}
			seen["\x00"+strings.ToLower(text)] = true
		}
		if text == "" || seen[text] {
			continue
		}
		seen[text] = true
		out = append(out, text)
	}
	slices.SortStableFunc(out, func(a, b string) int {
		if c := strings.Compare(strings.ToLower(a), strings.ToLower(b)); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	return out
}

// caseLike writes a keyword in the case of what was typed: all lower or
// all upper case; as listed when the prefix has no letters or mixed case.
func caseLike(word, prefix string) string {
	lower, upper := false, false
	for _, r := range prefix {
		lower = lower || unicode.IsLower(r)
		upper = upper || unicode.IsUpper(r)
	}
	switch {
	case lower && !upper:
		return strings.ToLower(word)
	case upper && !lower:
		return strings.ToUpper(word)
	}
	return word
}

// commonPrefix is the longest prefix shared by all of ss, cut at a rune
// boundary.
func commonPrefix(ss []string) string {
	if len(ss) == 0 {
		return ""
	}
	p := ss[0]
	for _, s := range ss[1:] {
		n := 0
		for n < len(p) && n < len(s) && p[n] == s[n] {
			n++
		}
		p = p[:n]
	}
	return strings.ToValidUTF8(p, "")
}

// completion is the state of Tab completion: the candidates listed under
// the editor, and which one Tab put in last.
type completion struct {
	active bool
	row    int // the cursor row and the start of the completed word on it
	start  int
	cands  []string
	idx    int // the candidate in the text; -1 before the first cycle
	rev    int // the buffer revision after the last completion
}

// tab completes the word before the cursor; dir is +1 for Tab and -1 for
// shift+Tab, which cycle through a listed set of candidates.
func (m *Model) tab(dir int) {
	c := &m.comp
	if c.active && c.rev == m.buf.rev && c.row == m.buf.row && len(c.cands) > 1 {
		n := len(c.cands)
		switch {
		case c.idx < 0 && dir < 0:
			c.idx = n - 1
		default:
			c.idx = ((c.idx+dir)%n + n) % n
		}
		m.buf.replaceBefore(c.start, c.cands[c.idx])
		c.rev = m.buf.rev
		return
	}
	*c = completion{}
	row := m.buf.rows[m.buf.row]
	start := m.buf.col
	for start > 0 && !isCompletionDelim(row[start-1]) {
		start--
	}
	prefix := string(row[start:m.buf.col])
	before := m.buf.String()
	before = string([]rune(before)[:m.buf.offset()-(m.buf.col-start)])
	cands := m.candidates(prefix, before)
	switch len(cands) {
	case 0:
		return
	case 1:
		text := cands[0]
		if !strings.HasSuffix(text, "(") && (m.buf.col == len(row) || !unicode.IsSpace(row[m.buf.col])) {
			text += " "
		}
		m.buf.replaceBefore(start, text)
		return
	}
	if common := commonPrefix(cands); len([]rune(common)) > len([]rune(prefix)) {
		m.buf.replaceBefore(start, common)
	}
	*c = completion{active: true, row: m.buf.row, start: start, cands: cands, idx: -1, rev: m.buf.rev}
}
