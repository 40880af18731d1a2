package results

import (
	"errors"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/keystonedb/kstone-shell/shell"
)

// Text reports, errors and "OK" are lines that scroll both ways. Error
// messages wrap to the pane's width; reports and the statement line under
// a caret do not (their columns must line up), and scroll sideways.

type lineStyle int

const (
	stylePlain lineStyle = iota
	styleErr
	styleOK
	styleCaret
)

// textLine is a line before wrapping and styling.
type textLine struct {
	text  string
	style lineStyle
	wrap  bool
}

// reportLines splits a text report into lines, tabs expanded and control
// characters escaped.
func reportLines(text string) []textLine {
	text = strings.TrimRight(text, "\n")
	var out []textLine
	for l := range strings.SplitSeq(text, "\n") {
		l = strings.TrimSuffix(l, "\r")
		out = append(out, textLine{text: shell.EscapeControl(expandTabs(l))})
	}
	return out
}

// errorLines is the message in the error style and, for a *shell.Error
// about a place in the statement, that line of the statement with a caret
// under the place (shell.Caret).
func errorLines(stmt string, err error) []textLine {
	var out []textLine
	msg := strings.TrimRight(err.Error(), "\n")
	for i, l := range strings.Split(msg, "\n") {
		if i == 0 {
			l = "Error: " + l
		}
		out = append(out, textLine{text: shell.EscapeControl(expandTabs(l)), style: styleErr, wrap: true})
	}
	var se *shell.Error
	if errors.As(err, &se) && se.Pos >= 0 && se.Pos <= len(stmt) {
		// Caret counts a tab as one cell; so must the line above it.
		c := strings.TrimRight(shell.Caret(stmt, se.Pos), "\n")
		stmtLine, caret, _ := strings.Cut(c, "\n")
		out = append(out,
			textLine{text: ""},
			textLine{text: shell.EscapeControl(strings.ReplaceAll(stmtLine, "\t", " "))},
			textLine{text: caret, style: styleCaret},
		)
	}
	return out
}

// layoutText wraps and styles the lines for the width.
func (m *Model) layoutText() {
	m.lines, m.textW = make([]string, 0, len(m.raw)), 0
	for _, l := range m.raw {
		segs := []string{l.text}
		if l.wrap && m.w > 0 && lipgloss.Width(l.text) > m.w {
			segs = strings.Split(ansi.Wrap(l.text, m.w, ""), "\n")
		}
		for _, s := range segs {
			m.textW = max(m.textW, lipgloss.Width(s))
			if s != "" {
				switch l.style {
				case styleErr:
					s = m.st.Err.Render(s)
				case styleOK:
					s = m.st.OK.Render(s)
				case styleCaret:
					s = m.st.Err.Render(s)
				}
			}
			m.lines = append(m.lines, s)
		}
	}
}

// textView appends the visible text lines.
func (m *Model) textView(lines []string) []string {
	end := min(len(m.lines), m.ttop+m.h)
	for _, l := range m.lines[m.ttop:end] {
		lines = append(lines, clip(l, m.tx, m.w))
	}
	return lines
}
