package shell

import "strings"

// Statement is one statement of the command language as cut from the input
// by a Splitter.
type Statement struct {
	// Text is the statement without its terminating ';', comments and
	// surrounding whitespace. A statement that spans lines keeps its
	// newlines.
	Text string
	// Line is the 1-based input line on which the statement starts.
	Line int
	// Incomplete is set on a statement returned by Flush: the input ended
	// while a bracket or quote was still open.
	Incomplete bool
	// Unclosed is what was still open when an Incomplete statement ended:
	// the innermost open quote (`"` or `'`) or else the innermost open
	// bracket ("(", "[" or "{"). Empty for complete statements.
	Unclosed string
}

// Splitter cuts input lines into statements. Feed it the input one line at
// a time (from a REPL, a script file or a pipe), then call Flush at the end
// of the input.
//
// The rules:
//
//   - A statement ends at the end of a line unless a bracket ( [ {, or a
//     quote, is still open; then it goes on over the next lines, which keep
//     their newlines.
//   - Double-quoted strings take backslash escapes ("a\"b"); single-quoted
//     strings take SQL-style doubled quotes ('it”s').
//   - Outside quotes and brackets, ';' also ends a statement, so one line
//     may hold several. Empty statements (";;", blank lines) yield nothing.
//   - Outside quotes, "--" starts a comment that runs to the end of the line;
//     it is dropped, and a line that is only a comment yields nothing.
//   - A line that starts (after optional blanks) with '.' while no
//     statement is open is a dot command: it always ends at the end of its
//     line, brackets and ';' mean nothing in it, and "--" starts a comment
//     only at the start of a word (after a blank) and outside quotes. In a
//     dot command a quote opens only at the start of a word, so that
//     apostrophes inside words (it's.txt) are plain characters.
//   - A closing bracket with no matching opener is ignored; one that
//     matches an outer opener closes the inner ones too ("{(}" is closed).
//   - A trailing "\r" is stripped from every line (CRLF input).
//
// Statements are trimmed of leading and trailing whitespace. A Splitter is
// not safe for concurrent use. Its zero value is ready to use.
type Splitter struct {
	line      int             // lines fed so far
	buf       strings.Builder // text of the open statement
	started   bool            // buf holds something besides whitespace
	startLine int             // line of the open statement's first text
	stack     []byte          // open brackets, innermost last
	quote     byte            // open quote character, or 0
	escape    bool            // a backslash inside "…" awaits its character
}

// NewSplitter returns an empty Splitter.
func NewSplitter() *Splitter { return &Splitter{} }

// Pending reports whether a statement is open: lines have been fed that do
// not yet form a complete statement, so a REPL should show its continuation
// prompt.
func (s *Splitter) Pending() bool {
	return s.started || s.quote != 0 || len(s.stack) > 0
}

// Line returns the number of lines fed so far.
func (s *Splitter) Line() int { return s.line }

// Feed takes the next input line, without its line terminator, and returns
// the statements that it completes, in order (none, one or several). A line
// that still holds '\n' characters is taken as several lines.
func (s *Splitter) Feed(line string) []Statement {
	if strings.IndexByte(line, '\n') >= 0 {
		var out []Statement
		for l := range strings.SplitSeq(line, "\n") {
			out = append(out, s.Feed(l)...)
		}
		return out
	}
	s.line++
	line = strings.TrimSuffix(line, "\r")
	if !s.Pending() {
		if t := strings.TrimLeft(line, " \t\f\v"); strings.HasPrefix(t, ".") {
			if text := strings.TrimSpace(stripDotComment(t)); text != "" {
				return []Statement{{Text: text, Line: s.line}}
			}
			return nil
		}
	}

	var out []Statement
	start := 0 // start of the part of line not yet copied to buf
	end := len(line)
scan:
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch s.quote {
		case '"':
			switch {
			case s.escape:
				s.escape = false
			case c == '\\':
				s.escape = true
			case c == '"':
				s.quote = 0
			}
			continue
		case '\'':
			if c == '\'' {
				if i+1 < len(line) && line[i+1] == '\'' {
					i++ // '' is a quote inside the string
				} else {
					s.quote = 0
				}
			}
			continue
		}
		switch c {
		case '"', '\'':
			s.quote = c
		case '(', '[', '{':
			s.stack = append(s.stack, c)
		case ')', ']', '}':
			s.closeBracket(c)
		case '-':
			if i+1 < len(line) && line[i+1] == '-' {
				end = i
				break scan
			}
		case ';':
			if len(s.stack) == 0 {
				s.add(line[start:i])
				if st, ok := s.take(); ok {
					out = append(out, st)
				}
				start = i + 1
			}
		}
	}
	seg := line[start:end]
	if end < len(line) {
		// A comment was cut off; the blanks before it are outside
		// quotes, so they carry no meaning.
		seg = strings.TrimRight(seg, " \t\f\v")
	}
	s.add(seg)
	// The newline ends any backslash escape.
	s.escape = false
	if s.quote == 0 && len(s.stack) == 0 {
		if st, ok := s.take(); ok {
			out = append(out, st)
		}
	} else if s.started {
		s.buf.WriteByte('\n')
	}
	return out
}

// Flush ends the input. If a statement is still open it is returned, with
// Incomplete set and Unclosed saying what is open, so that the caller can
// report it ("unterminated {"). The Splitter is then empty and may be
// reused; line numbering goes on.
func (s *Splitter) Flush() []Statement {
	if !s.Pending() {
		return nil
	}
	st := Statement{
		Text:       strings.TrimSpace(s.buf.String()),
		Line:       s.startLine,
		Incomplete: true,
		Unclosed:   s.unclosed(),
	}
	if !s.started {
		st.Line = s.line
	}
	s.reset()
	return []Statement{st}
}

func (s *Splitter) unclosed() string {
	if s.quote != 0 {
		return string(s.quote)
	}
	if n := len(s.stack); n > 0 {
		return string(s.stack[n-1])
	}
	return ""
}

// closeBracket handles a closing bracket: it closes the innermost matching
// opener and any openers inside it; without a matching opener it is ignored.
func (s *Splitter) closeBracket(c byte) {
	var open byte
	switch c {
	case ')':
		open = '('
	case ']':
		open = '['
	default:
		open = '{'
	}
	for i := len(s.stack) - 1; i >= 0; i-- {
		if s.stack[i] == open {
			s.stack = s.stack[:i]
			return
		}
	}
}

// add appends part of a line to the open statement.
func (s *Splitter) add(seg string) {
	if !s.started {
		if strings.TrimSpace(seg) == "" {
			// Leading blanks are trimmed anyway; keep buf empty so
			// that the start line is where the text starts.
			s.buf.Reset()
			return
		}
		s.started = true
		s.startLine = s.line
	}
	s.buf.WriteString(seg)
}

// take returns the open statement, if it has any text, and resets the
// statement state.
func (s *Splitter) take() (Statement, bool) {
	st := Statement{Text: strings.TrimSpace(s.buf.String()), Line: s.startLine}
	ok := s.started && st.Text != ""
	s.reset()
	return st, ok
}

func (s *Splitter) reset() {
	s.buf.Reset()
	s.started = false
	s.startLine = 0
	s.stack = s.stack[:0]
	s.quote = 0
	s.escape = false
}

// stripDotComment cuts a "--" comment off a dot-command line. The comment
// must start a word (follow a blank) and lie outside quotes; a quote opens
// only at the start of a word, and one left open runs to the end of the
// line.
func stripDotComment(line string) string {
	var quote byte
	escape := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		atWord := i == 0 || isSplitBlank(line[i-1])
		switch quote {
		case '"':
			switch {
			case escape:
				escape = false
			case c == '\\':
				escape = true
			case c == '"':
				quote = 0
			}
			continue
		case '\'':
			if c == '\'' {
				if i+1 < len(line) && line[i+1] == '\'' {
					i++
				} else {
					quote = 0
				}
			}
			continue
		}
		switch {
		case (c == '"' || c == '\'') && atWord:
			quote = c
		case c == '-' && i > 0 && atWord && i+1 < len(line) && line[i+1] == '-':
			return line[:i]
		}
	}
	return line
}

func isSplitBlank(c byte) bool {
	return c == ' ' || c == '\t' || c == '\f' || c == '\v'
}
