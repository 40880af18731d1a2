package results

import (
	"encoding/base64"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/keystonedb/kstone-shell/engine/item"
	"github.com/keystonedb/kstone-shell/shell"
)

// The table's cells show what the shell's table shows (shell.Write with
// FormatTable): S as is, N in plain notation, BOOL as true/false, NULL as
// null, B as base64, L, M and the sets as compact plain JSON, a missing
// attribute as an empty cell, control characters escaped
// (shell.EscapeControl); TestCellTextMatchesShell pins them to the shell's
// output.

// cell is one table cell, ready to draw.
type cell struct {
	text  string
	width int  // display cells (lipgloss.Width)
	right bool // numbers are aligned right
}

func newCell(v item.Value) cell {
	s := shell.EscapeControl(cellText(v))
	_, num := v.(item.N)
	return cell{text: s, width: textWidth(s), right: num}
}

// headerCell is a column name as a cell.
func headerCell(name string) cell {
	s := shell.EscapeControl(name)
	return cell{text: s, width: textWidth(s)}
}

// textWidth is lipgloss.Width for text without newlines, with a shortcut
// for printable ASCII (most cells), where every byte is one cell.
func textWidth(s string) int {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7F {
			return lipgloss.Width(s)
		}
	}
	return len(s)
}

// cellText is the text of a value in a table cell (before escaping).
func cellText(v item.Value) string {
	switch v := v.(type) {
	case item.S:
		return string(v)
	case item.N:
		return v.String()
	case item.BOOL:
		if v {
			return "true"
		}
		return "false"
	case item.NULL:
		return "null"
	case item.B:
		return base64.StdEncoding.EncodeToString(v)
	}
	return string(item.AppendJSON(nil, v))
}

// expandTabs replaces tabs with spaces up to the next multiple of eight
// cells, so that a report's columns line up as they would on a terminal.
func expandTabs(s string) string {
	if !strings.Contains(s, "\t") {
		return s
	}
	var b strings.Builder
	col := 0
	for _, seg := range strings.SplitAfter(s, "\t") {
		text, tab := strings.CutSuffix(seg, "\t")
		b.WriteString(text)
		col += lipgloss.Width(text)
		if tab {
			n := 8 - col%8
			b.WriteString(strings.Repeat(" ", n))
			col += n
		}
	}
	return b.String()
}

// fit returns c's text padded or cut to exactly w cells: numbers aligned
// right, text that does not fit cut with an ellipsis.
func fit(b *strings.Builder, c cell, w int) {
	if w <= 0 {
		return
	}
	text, tw := c.text, c.width
	if tw > w {
		text = ansi.Truncate(text, w, "…")
		tw = textWidth(text)
	}
	pad := w - tw
	if c.right {
		spaces(b, pad)
		b.WriteString(text)
		return
	}
	b.WriteString(text)
	spaces(b, pad)
}

const blanks = "                                                                " // 64

func spaces(b *strings.Builder, n int) {
	for n > 0 {
		k := min(n, len(blanks))
		b.WriteString(blanks[:k])
		n -= k
	}
}

// padTo pads s (of width sw) with spaces to w cells.
func padTo(s string, sw, w int) string {
	if sw >= w {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + w - sw)
	b.WriteString(s)
	spaces(&b, w-sw)
	return b.String()
}

// clip returns the cells [x, x+w) of a line that may hold ANSI styling,
// padded with spaces to exactly w cells.
func clip(line string, x, w int) string {
	s := line
	if x > 0 {
		s = ansi.TruncateLeft(s, x, "")
	}
	sw := lipgloss.Width(s)
	if sw > w {
		// (ansi.Cut can return a cell too many when it cuts through a
		// wide character.)
		s = ansi.Truncate(s, w, "")
		sw = lipgloss.Width(s)
	}
	return padTo(s, sw, w)
}

// clipPlain is clip for text without styling, of width sw.
func clipPlain(s string, sw, x, w int) string {
	switch {
	case x == 0 && sw <= w:
		return padTo(s, sw, w)
	case sw == len(s): // ASCII: one byte, one cell
		s = s[min(x, len(s)):]
		s = s[:min(w, len(s))]
		return padTo(s, len(s), w)
	}
	return clip(s, x, w)
}
