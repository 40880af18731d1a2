package shell

import (
	"reflect"
	"strings"
	"testing"
)

// splitAll feeds lines to a new Splitter and returns every statement from
// Feed and Flush.
func splitAll(lines []string) []Statement {
	s := NewSplitter()
	var out []Statement
	for _, l := range lines {
		out = append(out, s.Feed(l)...)
	}
	return append(out, s.Flush()...)
}

func st(line int, text string) Statement { return Statement{Text: text, Line: line} }

func incomplete(line int, text, unclosed string) Statement {
	return Statement{Text: text, Line: line, Incomplete: true, Unclosed: unclosed}
}

func TestSplit(t *testing.T) {
	tests := []struct {
		name  string
		lines []string
		want  []Statement
	}{
		{"empty input", nil, nil},
		{"blank lines", []string{"", "   ", "\t"}, nil},
		{"one per line", []string{"get a", "get b"}, []Statement{st(1, "get a"), st(2, "get b")}},
		{"trimmed", []string{"   get a  \t"}, []Statement{st(1, "get a")}},
		{"semicolons", []string{`put {"pk":"a"}; get a`}, []Statement{st(1, `put {"pk":"a"}`), st(1, "get a")}},
		{"trailing semicolon", []string{"get a;", "get b ;"}, []Statement{st(1, "get a"), st(2, "get b")}},
		{"empty statements", []string{";;", " ; ;get a;;"}, []Statement{st(2, "get a")}},
		{"comment line", []string{"-- just a comment", "  -- indented"}, nil},
		{"comment after statement", []string{"get user#1   -- bare token"}, []Statement{st(1, "get user#1")}},
		{"comment without blank", []string{"get a--x"}, []Statement{st(1, "get a")}},
		{"comment after semicolon", []string{"get a; -- get b"}, []Statement{st(1, "get a")}},
		{"comment hides semicolon", []string{"get a -- ; get b"}, []Statement{st(1, "get a")}},
		{"dash in string double", []string{`put {"pk":"a--b"}`}, []Statement{st(1, `put {"pk":"a--b"}`)}},
		{"dash in string single", []string{`SELECT * FROM t WHERE pk = 'a--b'`}, []Statement{st(1, `SELECT * FROM t WHERE pk = 'a--b'`)}},
		{"single minus", []string{"update a SET n = n - 1"}, []Statement{st(1, "update a SET n = n - 1")}},
		{"semicolon in braces", []string{`put {"pk":"a"; "x": 1}`}, []Statement{st(1, `put {"pk":"a"; "x": 1}`)}},
		{"semicolon in parens", []string{`scan filter (a = 1; b)`}, []Statement{st(1, `scan filter (a = 1; b)`)}},
		{"semicolon in string", []string{`put {"pk":"a;b"}; get "x;y"`}, []Statement{st(1, `put {"pk":"a;b"}`), st(1, `get "x;y"`)}},
		{"semicolon in single quotes", []string{`SELECT a FROM t WHERE pk = 'x;y'; get b`}, []Statement{st(1, `SELECT a FROM t WHERE pk = 'x;y'`), st(1, "get b")}},
		{"multi-line braces", []string{`put {`, `  "pk": "a",`, `  "n": 1`, `}`},
			[]Statement{st(1, "put {\n  \"pk\": \"a\",\n  \"n\": 1\n}")}},
		{"multi-line brackets nested", []string{`put {"l": [1,`, `(2), [3]`, `]}`, `get a`},
			[]Statement{st(1, "put {\"l\": [1,\n(2), [3]\n]}"), st(4, "get a")}},
		{"multi-line with comments", []string{`put {   -- open`, `  "pk": "a" -- the key`, `-- only a comment`, `}  -- done`},
			[]Statement{st(1, "put {\n  \"pk\": \"a\"\n\n}")}},
		{"multi-line blank lines kept", []string{`put {`, ``, `"pk":"a"}`}, []Statement{st(1, "put {\n\n\"pk\":\"a\"}")}},
		{"multi-line then semicolon", []string{`put {`, `"pk":"a"}; get a; put {`, `"pk":"b"}`},
			[]Statement{st(1, "put {\n\"pk\":\"a\"}"), st(2, "get a"), st(2, "put {\n\"pk\":\"b\"}")}},
		{"start line after blanks", []string{"", "", "get a"}, []Statement{st(3, "get a")}},
		{"start line after semicolon line", []string{"get a;", "", "  put {", "}"}, []Statement{st(1, "get a"), st(3, "put {\n}")}},
		{"escaped double quote", []string{`put {"pk":"a\"b"}`}, []Statement{st(1, `put {"pk":"a\"b"}`)}},
		{"escaped backslash", []string{`put {"pk":"a\\"}; get b`}, []Statement{st(1, `put {"pk":"a\\"}`), st(1, "get b")}},
		{"escaped brace in string", []string{`put {"pk":"}\"{"}`}, []Statement{st(1, `put {"pk":"}\"{"}`)}},
		{"doubled single quote", []string{`SELECT a FROM t WHERE pk = 'it''s'; get b`}, []Statement{st(1, `SELECT a FROM t WHERE pk = 'it''s'`), st(1, "get b")}},
		{"empty single quotes", []string{`SELECT a FROM t WHERE pk = ''`}, []Statement{st(1, `SELECT a FROM t WHERE pk = ''`)}},
		{"backslash in single quotes is plain", []string{`SELECT a FROM t WHERE pk = 'a\'; get b`}, []Statement{st(1, `SELECT a FROM t WHERE pk = 'a\'`), st(1, "get b")}},
		{"single quote in double quotes", []string{`put {"pk":"it's"}`}, []Statement{st(1, `put {"pk":"it's"}`)}},
		{"double quote in single quotes", []string{`SELECT a FROM t WHERE pk = 'say "hi'`}, []Statement{st(1, `SELECT a FROM t WHERE pk = 'say "hi'`)}},
		{"multi-line string", []string{`put {"pk":"line1`, `line2 -- not a comment; nor this"}`},
			[]Statement{st(1, "put {\"pk\":\"line1\nline2 -- not a comment; nor this\"}")}},
		{"multi-line single-quoted string", []string{`SELECT a FROM t WHERE pk = 'x`, `''y'`},
			[]Statement{st(1, "SELECT a FROM t WHERE pk = 'x\n''y'")}},
		{"string keeps trailing blanks", []string{`put {"pk":"a  `, `b"}`}, []Statement{st(1, "put {\"pk\":\"a  \nb\"}")}},
		{"backslash at end of line", []string{`put {"pk":"a\`, `"}`}, []Statement{st(1, "put {\"pk\":\"a\\\n\"}")}},
		{"unbalanced close paren", []string{"get a)", "get b"}, []Statement{st(1, "get a)"), st(2, "get b")}},
		{"unbalanced close brace then semicolon", []string{"get a}}]; get b"}, []Statement{st(1, "get a}}]"), st(1, "get b")}},
		{"mismatched close closes inner", []string{`put {"a": (1}`, "get b"}, []Statement{st(1, `put {"a": (1}`), st(2, "get b")}},
		{"mismatched close without opener ignored", []string{`put {"a": 1)`, `}`}, []Statement{st(1, "put {\"a\": 1)\n}")}},
		{"CRLF", []string{"get a\r", "put {\r", "\"pk\":\"a\"}\r", "\r", "-- c\r"},
			[]Statement{st(1, "get a"), st(2, "put {\n\"pk\":\"a\"}")}},
		{"CRLF dot command", []string{".format json\r"}, []Statement{st(1, ".format json")}},
		{"embedded newlines", []string{"get a\nput {\n}\r\nget c"}, []Statement{st(1, "get a"), st(2, "put {\n}"), st(4, "get c")}},

		{"dot command", []string{".help"}, []Statement{st(1, ".help")}},
		{"dot command indented", []string{"   .format  table  "}, []Statement{st(1, ".format  table")}},
		{"dot command semicolon not special", []string{".read a;b.kst"}, []Statement{st(1, ".read a;b.kst")}},
		{"dot command brackets not special", []string{`.param set :v {"a": [1,`, "get a"}, []Statement{st(1, `.param set :v {"a": [1,`), st(2, "get a")}},
		{"dot command comment", []string{".param set :inc 1                -- bind"}, []Statement{st(1, ".param set :inc 1")}},
		{"dot command comment needs blank", []string{".output a--b.txt"}, []Statement{st(1, ".output a--b.txt")}},
		{"dot command comment tab", []string{".timer on\t-- timing"}, []Statement{st(1, ".timer on")}},
		{"dot command comment in quotes", []string{`.param set :s "a -- b" -- c`}, []Statement{st(1, `.param set :s "a -- b"`)}},
		{"dot command comment in single quotes", []string{`.param set :s 'a -- it''s' -- c`}, []Statement{st(1, `.param set :s 'a -- it''s'`)}},
		{"dot command escaped quote", []string{`.param set :s "a \" -- b" -- c`}, []Statement{st(1, `.param set :s "a \" -- b"`)}},
		{"dot command apostrophe in word", []string{`.output it's.txt -- c`}, []Statement{st(1, `.output it's.txt`)}},
		{"dot command unclosed quote ends at line", []string{`.param set :s "abc -- x`, "get a"}, []Statement{st(1, `.param set :s "abc -- x`), st(2, "get a")}},
		{"dot only comment", []string{". -- nothing"}, []Statement{st(1, ".")}},
		{"dot inside pending statement", []string{"put {", `".x": .5`, "}"}, []Statement{st(1, "put {\n\".x\": .5\n}")}},
		{"dot after semicolon is a statement", []string{"get a; .help"}, []Statement{st(1, "get a"), st(1, ".help")}},

		{"unterminated brace", []string{`put {"pk": "a",`, `"n": 1`}, []Statement{incomplete(1, "put {\"pk\": \"a\",\n\"n\": 1", "{")}},
		{"unterminated nested", []string{`put {"l": [1,`}, []Statement{incomplete(1, `put {"l": [1,`, "[")}},
		{"unterminated paren", []string{`scan filter (a = 1`}, []Statement{incomplete(1, `scan filter (a = 1`, "(")}},
		{"unterminated double quote", []string{`get a`, `put {"pk": "a`}, []Statement{st(1, "get a"), incomplete(2, `put {"pk": "a`, `"`)}},
		{"unterminated single quote", []string{`SELECT a FROM t WHERE pk = 'it''s`}, []Statement{incomplete(1, `SELECT a FROM t WHERE pk = 'it''s`, "'")}},
		{"unterminated after complete on line", []string{`get a; put {`, ""}, []Statement{st(1, "get a"), incomplete(1, "put {", "{")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := splitAll(tt.lines)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("lines %q:\n got  %#v\n want %#v", tt.lines, got, tt.want)
			}
		})
	}
}

func TestSplitPending(t *testing.T) {
	s := NewSplitter()
	steps := []struct {
		line    string
		n       int
		pending bool
	}{
		{"", 0, false},
		{"-- comment", 0, false},
		{"get a", 1, false},
		{"put {", 0, true},
		{"-- comment inside", 0, true},
		{`"pk": "x`, 0, true},
		{`y"}; get b; put [`, 2, true},
		{`]`, 1, false},
		{".help", 1, false},
		{"get a; get b", 2, false},
	}
	for i, step := range steps {
		got := s.Feed(step.line)
		if len(got) != step.n || s.Pending() != step.pending {
			t.Fatalf("step %d %q: got %d statements %v, pending %v; want %d, pending %v",
				i, step.line, len(got), got, s.Pending(), step.n, step.pending)
		}
	}
	if s.Line() != len(steps) {
		t.Errorf("Line() = %d, want %d", s.Line(), len(steps))
	}
	if got := s.Flush(); got != nil {
		t.Errorf("Flush() = %v, want nil", got)
	}
}

func TestSplitFlushResets(t *testing.T) {
	var s Splitter // the zero value is usable
	s.Feed("get a")
	s.Feed(`put {"a": "b`)
	got := s.Flush()
	want := []Statement{incomplete(2, `put {"a": "b`, `"`)}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Flush() = %#v, want %#v", got, want)
	}
	if s.Pending() {
		t.Fatal("Pending after Flush")
	}
	got = s.Feed("get c")
	if want := []Statement{st(3, "get c")}; !reflect.DeepEqual(got, want) {
		t.Fatalf("after Flush: %#v, want %#v", got, want)
	}
	if got := s.Flush(); got != nil {
		t.Errorf("second Flush() = %v", got)
	}
}

// TestSplitNoPanic feeds odd byte sequences; the splitter must neither panic
// nor lose the line count.
func TestSplitNoPanic(t *testing.T) {
	inputs := []string{
		")))]]]}}}", "{[(", `"\`, `'`, "''", "--", "-", ";", "\r", "\r\r", ".", "\x00\xff", "'\\'", `"\"`,
		strings.Repeat("{", 1000), strings.Repeat("}", 1000),
	}
	s := NewSplitter()
	for _, in := range inputs {
		s.Feed(in)
	}
	s.Flush()
	if s.Line() != len(inputs) {
		t.Errorf("Line() = %d, want %d", s.Line(), len(inputs))
	}
}
