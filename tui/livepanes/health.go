package livepanes

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/keystonedb/kstone-shell/engine"
	"github.com/keystonedb/kstone-shell/themes"
	"github.com/keystonedb/kstone-shell/tui/metrics"
)

// HealthKeyMap is the health pane's bindings; help.KeyMap.
type HealthKeyMap struct {
	Up, Down key.Binding
}

// DefaultHealthKeyMap returns the default bindings.
func DefaultHealthKeyMap() HealthKeyMap {
	sk := newScrollKeys()
	return HealthKeyMap{Up: sk.Up, Down: sk.Down}
}

// ShortHelp implements help.KeyMap.
func (k HealthKeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Up, k.Down} }

// FullHelp implements help.KeyMap.
func (k HealthKeyMap) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// finding is a warning or error with the guide's hint ("" when none).
type finding struct {
	text, hint string
	err        bool
}

// HealthModel shows the status badge and every warning and error, each
// followed by a one-line hint from the operators' guide.
type HealthModel struct {
	pane
	Keys HealthKeyMap

	hints    map[string]string // hintTable, built once
	status   engine.HealthStatus
	checked  time.Time
	findings []finding // errors first: they are the urgent ones
	scroll   int
	summary  string // totals for a healthy database, so the pane says something
}

// NewHealth returns the pane.
func NewHealth(st themes.Styles) HealthModel {
	return HealthModel{pane: newPane(st), Keys: DefaultHealthKeyMap(), hints: hintTable()}
}

// SetData takes a refresh and looks up the hints once.
func (m *HealthModel) SetData(s metrics.Snapshot, h *metrics.History) {
	m.hasData, m.hist = true, h
	r := s.Health
	m.status, m.checked = r.Status, r.Time
	m.findings = m.findings[:0:0]
	for _, e := range r.Errors {
		m.findings = append(m.findings, finding{text: e, hint: hintFor(m.hints, e), err: true})
	}
	for _, w := range r.Warnings {
		m.findings = append(m.findings, finding{text: w, hint: hintFor(m.hints, w)})
	}
	st := s.Stats
	m.summary = fmt.Sprintf("%d SSTs · memtables %s of %s · wal %s", st.SSTCount,
		bytesShort(uint64(max(st.MemtableBytes, 0))), bytesShort(uint64(max(st.MemoryBudget, 0))), bytesShort(uint64(max(st.WALBytes, 0))))
}

// Status is the last reported status.
func (m HealthModel) Status() engine.HealthStatus { return m.status }

// Title names the pane with the status.
func (m HealthModel) Title() string {
	if !m.hasData {
		return "health"
	}
	return "health · " + strings.ToLower(m.status.String())
}

// KeyMap is the pane's bindings.
func (m HealthModel) KeyMap() help.KeyMap { return m.Keys }

// Update scrolls the findings.
func (m HealthModel) Update(msg tea.Msg) (HealthModel, tea.Cmd) {
	if !m.focused {
		return m, nil
	}
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, m.Keys.Up):
			m.scroll = max(0, m.scroll-1)
		case key.Matches(msg, m.Keys.Down):
			m.scroll = min(m.scroll+1, m.maxScroll())
		}
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			m.scroll = max(0, m.scroll-1)
		case tea.MouseWheelDown:
			m.scroll = min(m.scroll+1, m.maxScroll())
		}
	}
	return m, nil
}

func (m HealthModel) badge() string {
	style, text := m.st.BadgeHealthy, "HEALTHY"
	switch m.status {
	case engine.Degraded:
		style, text = m.st.BadgeDegraded, "DEGRADED"
	case engine.Unhealthy:
		style, text = m.st.BadgeUnhealthy, "UNHEALTHY"
	}
	if m.st.NoColor { // brackets carry the badge where reverse video is lost
		text = "[" + text + "]"
	}
	return style.Render(text)
}

func plural(n int, one string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %ss", n, one)
}

// body is every line under the badge: each finding and its hint. Long
// findings and hints wrap (indented) when asked, or are cut by fit.
func (m HealthModel) body(wrapFindings, wrapHints bool) []string {
	var out []string
	add := func(style ink, first, rest, text string, wrap bool) {
		indent := lipgloss.Width(rest)
		if !wrap || m.w <= indent+8 {
			out = append(out, style.Render(first+text))
			return
		}
		for i, l := range strings.Split(ansi.Wrap(text, m.w-indent, ""), "\n") {
			prefix := rest
			if i == 0 {
				prefix = first
			}
			out = append(out, style.Render(prefix+l))
		}
	}
	if len(m.findings) == 0 {
		add(m.pal.OK, "", "", "no warnings or errors", wrapFindings)
		add(m.pal.Muted, "", "", m.summary, wrapFindings)
	}
	for _, f := range m.findings {
		mark, style := "! ", m.pal.Warn
		if f.err {
			mark, style = "✗ ", m.pal.Err
		}
		add(style, mark, "  ", f.text, wrapFindings)
		if f.hint != "" {
			add(m.pal.Muted, "  ↳ ", "    ", f.hint, wrapHints)
		}
	}
	return out
}

// lines wraps what fits the pane: everything, else the findings only,
// else nothing (the findings matter more than the whole of their hints).
func (m HealthModel) lines() []string {
	if b := m.body(true, true); len(b) <= m.h-1 {
		return b
	}
	if b := m.body(true, false); len(b) <= m.h-1 {
		return b
	}
	return m.body(false, false)
}

func (m HealthModel) maxScroll() int { return max(0, len(m.lines())-(m.h-1)) }

// View: the badge with the counts (and the check time when it fits), then
// the findings; when they overflow, the last line says how many more
// there are.
func (m HealthModel) View() string {
	if !m.hasData {
		return m.noData()
	}
	errs, warns := 0, 0
	for _, f := range m.findings {
		if f.err {
			errs++
		} else {
			warns++
		}
	}
	// The badge, then the counts that are not zero, then the time of the
	// check, as many as fit.
	var parts []string
	if errs > 0 {
		parts = append(parts, m.pal.Err.Render(plural(errs, "error")))
	}
	if warns > 0 {
		parts = append(parts, m.pal.Warn.Render(plural(warns, "warning")))
	}
	parts = append(parts, m.pal.Muted.Render("checked "+m.checked.Format("15:04:05")))
	head := m.badge()
	for i, part := range parts {
		sep := " "
		if i > 0 {
			sep = m.pal.Muted.Render(" · ")
		}
		if lipgloss.Width(head)+lipgloss.Width(sep+part) > m.w {
			break
		}
		head += sep + part
	}
	body := m.lines()
	avail := max(0, m.h-1)
	scroll := min(m.scroll, max(0, len(body)-avail))
	body = body[scroll:]
	if len(body) > avail && avail > 0 {
		more := len(body) - avail + 1
		body = append(body[:avail-1:avail-1], m.pal.Muted.Render(fmt.Sprintf("↓ %d more lines", more)))
	}
	return fit(append([]string{head}, body...), m.w, m.h)
}
