package tui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/keystonedb/kstone-shell/engine"
)

// relayout recomputes the layout and gives every component its size.
func (m *Model) relayout() {
	m.lay = computeLayout(m.w, m.h-m.extraHelpLines(), len(m.panes), m.tab)
	inner := func(r rect) (int, int) { return max(r.w-2, 0), max(r.h-2, 0) }
	m.repl.SetSize(inner(m.lay.repl))
	m.results.SetSize(inner(m.lay.results))
	for i, p := range m.panes {
		p.setSize(inner(m.lay.panes[i]))
	}
	// Focus must stay on something visible.
	for _, f := range m.visible() {
		if f == m.focus {
			return
		}
	}
	m.setFocus(focusREPL)
}

// extraHelpLines is how many more lines the full help takes than the
// one-line help.
func (m *Model) extraHelpLines() int {
	if !m.full {
		return 0
	}
	return min(6, max(m.h-24, 3))
}

// View draws the screen: status line, boxes, help.
func (m Model) View() tea.View {
	var v tea.View
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "kstone-shell"
	if m.w <= 0 || m.h <= 0 {
		return v
	}
	lines := make([]string, 0, m.h)
	lines = append(lines, m.statusLine())
	lines = append(lines, m.body()...)
	lines = append(lines, m.helpLines()...)
	v.SetContent(strings.Join(padLines(lines, m.w, m.h), "\n"))
	if m.focus == focusREPL && m.confirm == nil {
		if x, y, ok := m.repl.Cursor(); ok {
			v.Cursor = tea.NewCursor(m.lay.repl.x+1+x, m.lay.repl.y+1+y)
		}
	}
	return v
}

// box is a component placed on screen.
type box struct {
	r     rect
	lines []string
}

// body tiles the boxes into the lines between the status and help lines.
func (m *Model) body() []string {
	var boxes []box
	add := func(r rect, title, content string, focused bool) {
		if r.w > 0 && r.h > 0 {
			boxes = append(boxes, box{r, m.frame(r, title, content, focused)})
		}
	}
	add(m.lay.results, m.results.Title(), m.results.View(), m.focus == focusResults)
	add(m.lay.repl, m.replTitle(), m.repl.View(), m.focus == focusREPL)
	for i, p := range m.panes {
		if r := m.lay.panes[i]; r.w > 0 {
			add(r, p.title(), p.view(), m.focus == focusPane+i)
		}
	}
	top := 1
	n := max(m.lay.h-2, 0)
	out := make([]string, n)
	var b strings.Builder
	for y := range n {
		b.Reset()
		x := 0
		if t := m.lay.tabs; t.w > 0 && t.y == top+y {
			if t.x > 0 {
				b.WriteString(boxLineAt(boxes, top+y, 0, t.x))
			}
			b.WriteString(m.tabLine(t.w))
			out[y] = b.String()
			continue
		}
		b.WriteString(boxLineAt(boxes, top+y, x, m.w))
		out[y] = b.String()
	}
	return out
}

// boxLineAt joins, left to right, the lines of the boxes that cover screen
// row y between columns from and to.
func boxLineAt(boxes []box, y, from, to int) string {
	var b strings.Builder
	x := from
	for x < to {
		found := false
		for _, bx := range boxes {
			if bx.r.x == x && y >= bx.r.y && y < bx.r.y+bx.r.h && bx.r.x+bx.r.w <= to {
				b.WriteString(bx.lines[y-bx.r.y])
				x += bx.r.w
				found = true
				break
			}
		}
		if !found {
			b.WriteString(strings.Repeat(" ", to-x))
			break
		}
	}
	return b.String()
}

func (m *Model) replTitle() string {
	switch {
	case m.confirm != nil:
		return "confirm"
	case m.running:
		return "running… (ctrl+c cancels)"
	}
	return "statement"
}

// tabLine names the tabbed area's tabs, the active one marked.
func (m *Model) tabLine(w int) string {
	var names []string
	active := m.tab
	if m.lay.mode == layoutNarrow {
		names = append(names, "Results")
	}
	for _, p := range m.panes {
		names = append(names, p.name)
	}
	var b strings.Builder
	for i, n := range names {
		st := m.st.TabInactive
		if i == active {
			st = m.st.TabActive
		}
		b.WriteString(" " + st.Render(n))
	}
	b.WriteString(m.st.Muted.Render("  ]/f3"))
	return fitCells(b.String(), w)
}

// statusLine: what is open, its health, what just happened.
func (m *Model) statusLine() string {
	badge := m.st.BadgeHealthy
	status := m.snap.Health.Status
	switch status {
	case engine.Degraded:
		badge = m.st.BadgeDegraded
	case engine.Unhealthy:
		badge = m.st.BadgeUnhealthy
	}
	left := m.st.Bold.Render("kstone-shell") + m.st.Muted.Render(" · "+m.cfg.Label+" ") + badge.Render(status.String())
	if n := len(m.snap.Health.Warnings) + len(m.snap.Health.Errors); n > 0 {
		left += m.st.Muted.Render(fmt.Sprintf(" %d findings", n))
	}
	right := m.st.Muted.Render(m.cfg.Now().Format("15:04:05"))
	note := m.status
	if m.confirm != nil {
		note = fmt.Sprintf("%s? %s — press y to go ahead, n to cancel", m.confirm.radius, firstLine(m.confirm.stmt))
		note = m.st.Warn.Render(note)
	} else if note != "" {
		note = m.st.Text.Render(note)
	}
	gap := m.w - lipgloss.Width(left) - lipgloss.Width(right) - 2
	mid := ""
	if gap > 0 {
		mid = fitCells("  "+note, gap)
	}
	return fitCells(left+mid+" "+right, m.w)
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " …"
	}
	return s
}

// helpLines is the help bar: one line, or the full help.
func (m *Model) helpLines() []string {
	m.help.SetWidth(m.w)
	var s string
	if m.full {
		s = m.help.FullHelpView(m.helpKeys().FullHelp())
	} else {
		s = m.help.ShortHelpView(m.helpKeys().ShortHelp())
	}
	lines := strings.Split(s, "\n")
	want := 1 + m.extraHelpLines()
	for i := range lines {
		lines[i] = fitCells(lines[i], m.w)
	}
	return padLines(lines, m.w, want)
}
