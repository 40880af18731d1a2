package shell

import (
	"strings"
	"unicode"
)

// span is a part of a statement's text: [start, end) byte offsets.
type span struct{ start, end int }

func (s span) empty() bool { return s.end <= s.start }

// text returns the span's text, trimmed.
func (s span) text(src string) string { return strings.TrimSpace(src[s.start:s.end]) }

// trimmed returns the span without surrounding spaces.
func (s span) trimmed(src string) span {
	for s.start < s.end && isSpace(src[s.start]) {
		s.start++
	}
	for s.end > s.start && isSpace(src[s.end-1]) {
		s.end--
	}
	return s
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// clauses splits src[from:] at top-level clause keywords (whole words,
// outside quotes and brackets, case-insensitive). The part before the
// first keyword is returned as head; each keyword maps to the span of its
// argument. A keyword given twice is an error.
func clauses(src string, from int, keywords ...string) (head span, args map[string]span, err error) {
	type hit struct {
		word       string
		start, end int
	}
	var hits []hit
	depth := 0
	var quote byte
	for i := from; i < len(src); i++ {
		c := src[i]
		switch {
		case quote != 0:
			if c == '\\' && quote == '"' {
				i++
			} else if c == quote {
				quote = 0
			}
			continue
		case c == '"' || c == '\'':
			quote = c
			continue
		case c == '(' || c == '[' || c == '{':
			depth++
			continue
		case c == ')' || c == ']' || c == '}':
			depth = max(depth-1, 0)
			continue
		}
		if depth > 0 || !isWordStart(src, i) {
			continue
		}
		j := i
		for j < len(src) && isWordByte(src[j]) {
			j++
		}
		w := strings.ToLower(src[i:j])
		for _, k := range keywords {
			if w == k && (j == len(src) || !isWordByte(src[j]) && src[j] != '(') {
				hits = append(hits, hit{k, i, j})
				break
			}
		}
		i = j - 1
	}
	args = map[string]span{}
	head = span{from, len(src)}
	if len(hits) > 0 {
		head.end = hits[0].start
	}
	for n, h := range hits {
		if _, dup := args[h.word]; dup {
			return head, nil, usageErr(h.start, "the %q clause is given twice", h.word)
		}
		end := len(src)
		if n+1 < len(hits) {
			end = hits[n+1].start
		}
		args[h.word] = span{h.end, end}
	}
	return head, args, nil
}

func isWordByte(c byte) bool {
	return c == '_' || c == '#' || c == ':' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

// isWordStart reports whether a word starts at i: a word byte after a
// separator (so "a.filter" or "x[filter]" are not keywords).
func isWordStart(src string, i int) bool {
	if !isWordByte(src[i]) {
		return false
	}
	if i == 0 {
		return true
	}
	p := src[i-1]
	return isSpace(p) || p == ',' || p == ';' || (p < 0x80 && unicode.IsSpace(rune(p)))
}

// firstWord returns the first whitespace-separated word of src from i and
// the offset after it.
func firstWord(src string, i int) (string, int) {
	for i < len(src) && isSpace(src[i]) {
		i++
	}
	j := i
	for j < len(src) && !isSpace(src[j]) {
		j++
	}
	return src[i:j], j
}

// matchingBrace returns the offset just after the bracket group that opens
// at src[i] ('{' or '['), honouring quotes, or -1 when it does not close.
func matchingBrace(src string, i int) int {
	depth := 0
	var quote byte
	for ; i < len(src); i++ {
		c := src[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '{' || c == '[' || c == '(':
			depth++
		case c == '}' || c == ']' || c == ')':
			depth--
			if depth == 0 {
				return i + 1
			}
		}
	}
	return -1
}
