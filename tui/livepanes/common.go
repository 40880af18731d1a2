package livepanes

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/keystonedb/kstone-shell/themes"
	"github.com/keystonedb/kstone-shell/tui/metrics"
)

// pane is what every pane shares: its styles, inner size, focus and the
// history it draws sparklines from. Models embed it by value; it stays
// small so the copies value-receiver Update and View make are cheap.
type pane struct {
	*look
	w, h    int
	focused bool
	hist    *metrics.History
	hasData bool
}

// look is a pane's styles and their inks. It is shared by pointer:
// themes.Styles is some 15 KB, and value receivers would copy it on every
// call of every method.
type look struct {
	st  themes.Styles
	pal palette // st's inks, for the hot paths of View
}

func newPane(st themes.Styles) pane { return pane{look: &look{st: st, pal: newPalette(st)}} }

// SetSize sets the inner content size; negative sizes count as zero.
func (p *pane) SetSize(w, h int) { p.w, p.h = max(w, 0), max(h, 0) }

// Size is the inner content size.
func (p pane) Size() (w, h int) { return p.w, p.h }

// Focus gives the pane the keyboard.
func (p *pane) Focus() { p.focused = true }

// Blur takes the keyboard away.
func (p *pane) Blur() { p.focused = false }

// Focused reports whether the pane has the keyboard.
func (p pane) Focused() bool { return p.focused }

// fit makes lines exactly h lines of exactly w cells: longer lines are cut
// with an ellipsis, shorter ones padded, missing ones blank. The root can
// then join panes without measuring them again.
func fit(lines []string, w, h int) string {
	if h <= 0 {
		return ""
	}
	var b strings.Builder
	b.Grow(h * (w + 1))
	for i := range h {
		if i > 0 {
			b.WriteByte('\n')
		}
		l := ""
		if i < len(lines) {
			l = lines[i]
		}
		lw := lipgloss.Width(l)
		if lw > w {
			l = ansi.Truncate(l, w, "…")
			lw = lipgloss.Width(l)
		}
		b.WriteString(l)
		b.WriteString(strings.Repeat(" ", w-lw))
	}
	return b.String()
}

// noData is the frame of a pane that has not had a snapshot yet.
func (p pane) noData() string {
	return fit([]string{p.pal.Muted.Render("waiting for metrics…")}, p.w, p.h)
}

// padRight pads s with spaces to n cells (s may hold escapes).
func padRight(s string, n int) string {
	if w := lipgloss.Width(s); w < n {
		return s + strings.Repeat(" ", n-w)
	}
	return s
}

// padLeft right-aligns s in n cells.
func padLeft(s string, n int) string {
	if w := lipgloss.Width(s); w < n {
		return strings.Repeat(" ", n-w) + s
	}
	return s
}

// labelled is "label value" with the label muted: the panes' figures.
func (p pane) labelled(label, value string) string {
	return p.pal.Muted.Render(label) + " " + value
}

// join joins the non-empty parts with a muted separator.
func (p pane) join(parts ...string) string {
	sep := p.pal.Muted.Render(" · ")
	var b strings.Builder
	for _, s := range parts {
		if s == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(sep)
		}
		b.WriteString(s)
	}
	return b.String()
}

// scrollKeys are the bindings of panes whose content can overflow.
type scrollKeys struct {
	Up, Down key.Binding
}

func newScrollKeys() scrollKeys {
	return scrollKeys{
		Up:   key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "scroll up")),
		Down: key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "scroll down")),
	}
}

// sparkBlock is a labelled sparkline of rows lines across the rest of the
// width, newest value at the right edge; the label sits on the bottom row.
func (p pane) sparkBlock(label string, vals []float64, rows int, style ink) []string {
	lw := lipgloss.Width(label)
	cw := p.w - lw - 1
	if len(vals) == 0 {
		rows = 1 // no data: no tall empty chart
	}
	if cw < 4 || rows < 1 {
		return []string{label}
	}
	chart := sparkChart(vals, cw, rows)
	n := min(len(vals), cw) // cells each chart line holds: no need to measure them
	out := make([]string, len(chart))
	blank := strings.Repeat(" ", lw)
	for i, c := range chart {
		prefix := blank
		if i == len(chart)-1 {
			prefix = label
		}
		out[i] = prefix + " " + strings.Repeat(" ", cw-n) + style.Render(c)
	}
	return out
}
