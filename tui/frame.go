package tui

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// frameStyles are the root's own inks, built once.
type frameStyles struct {
	border, borderFocus lipgloss.Style
	title, titleFocus   lipgloss.Style
}

// frame draws a box of r's size around content (inner lines), with the
// title set into the top border. It returns exactly r.h lines of exactly
// r.w cells.
func (m *Model) frame(r rect, title, content string, focused bool) []string {
	if r.w <= 0 || r.h <= 0 {
		return nil
	}
	b, t := m.fs.border, m.fs.title
	if focused {
		b, t = m.fs.borderFocus, m.fs.titleFocus
	}
	iw := max(r.w-2, 0)
	out := make([]string, 0, r.h)
	// Top border with the title: ╭─ title ───╮
	title = ansi.Truncate(title, max(iw-3, 0), "…")
	fill := iw - 1 - lipgloss.Width(title) - 2
	if r.w < 2 {
		return padLines(nil, r.w, r.h)
	}
	if title == "" || fill < 0 {
		out = append(out, b.Render("╭"+strings.Repeat("─", iw)+"╮"))
	} else {
		out = append(out, b.Render("╭─ ")+t.Render(title)+b.Render(" "+strings.Repeat("─", fill)+"╮"))
	}
	lines := strings.Split(content, "\n")
	side := b.Render("│")
	for i := 0; i < r.h-2; i++ {
		var l string
		if i < len(lines) {
			l = lines[i]
		}
		out = append(out, side+fitCells(l, iw)+side)
	}
	if r.h >= 2 {
		out = append(out, b.Render("╰"+strings.Repeat("─", iw)+"╯"))
	}
	return out
}

// fitCells cuts or pads a styled line to exactly w cells.
func fitCells(l string, w int) string {
	n := lipgloss.Width(l)
	switch {
	case n > w:
		return ansi.Truncate(l, w, "")
	case n < w:
		return l + strings.Repeat(" ", w-n)
	}
	return l
}

func padLines(lines []string, w, h int) []string {
	for len(lines) < h {
		lines = append(lines, strings.Repeat(" ", max(w, 0)))
	}
	return lines[:h]
}
