package tui

import (
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// keyMap holds the global bindings; each component has its own.
type keyMap struct {
	Cancel     key.Binding // cancel running work, clear the input, or quit
	Quit       key.Binding
	Help       key.Binding
	NextFocus  key.Binding
	PrevFocus  key.Binding
	ToREPL     key.Binding
	LeaveREPL  key.Binding
	NextTab    key.Binding
	PrevTab    key.Binding
	Faster     key.Binding
	Slower     key.Binding
	Confirm    key.Binding
	Reject     key.Binding
	CycleFocus key.Binding
}

func defaultKeys() keyMap {
	return keyMap{
		Cancel:     key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "cancel/clear/quit")),
		Quit:       key.NewBinding(key.WithKeys("ctrl+d"), key.WithHelp("ctrl+d", "quit")),
		Help:       key.NewBinding(key.WithKeys("f1", "?"), key.WithHelp("?/f1", "all keys")),
		NextFocus:  key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next pane")),
		PrevFocus:  key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous pane")),
		CycleFocus: key.NewBinding(key.WithKeys("f2"), key.WithHelp("f2", "next pane (also from the input)")),
		ToREPL:     key.NewBinding(key.WithKeys("i", ":", "/"), key.WithHelp("i", "type a statement")),
		LeaveREPL:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "leave the input")),
		NextTab:    key.NewBinding(key.WithKeys("]", "f3"), key.WithHelp("]/f3", "next tab")),
		PrevTab:    key.NewBinding(key.WithKeys("["), key.WithHelp("[", "previous tab")),
		Faster:     key.NewBinding(key.WithKeys("+"), key.WithHelp("+/-", "refresh faster/slower")),
		Slower:     key.NewBinding(key.WithKeys("-")),
		Confirm:    key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "go ahead")),
		Reject:     key.NewBinding(key.WithKeys("n", "N", "esc"), key.WithHelp("n/esc", "cancel")),
	}
}

func (k keyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Help, k.CycleFocus, k.NextTab, k.Cancel, k.Quit}
}

func (k keyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Help, k.Cancel, k.Quit},
		{k.CycleFocus, k.NextFocus, k.PrevFocus, k.ToREPL, k.LeaveREPL},
		{k.NextTab, k.PrevTab, k.Faster},
	}
}

// onKey handles the global keys and passes the rest to the focused
// component.
func (m Model) onKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	k := m.keys
	if m.confirm != nil {
		switch {
		case key.Matches(msg, k.Confirm):
			stmt := m.confirm.stmt
			m.confirm = nil
			return m.run(stmt)
		case key.Matches(msg, k.Reject), key.Matches(msg, k.Cancel):
			m.confirm, m.status = nil, "cancelled: nothing was deleted"
		}
		return m, nil
	}
	inREPL := m.focus == focusREPL
	switch {
	case key.Matches(msg, k.Cancel):
		switch {
		case m.running:
			m.cancel()
			m.status = "cancelling…"
		case inREPL && m.repl.Value() != "":
			m.repl.Reset()
		default:
			return m.quit()
		}
		return m, nil
	case key.Matches(msg, k.Quit) && (!inREPL || m.repl.Value() == ""):
		return m.quit()
	case msg.String() == "f1" || (!inREPL && key.Matches(msg, k.Help)):
		m.full = !m.full
		m.relayout()
		return m, nil
	case key.Matches(msg, k.CycleFocus):
		m.cycleFocus(1)
		return m, nil
	case msg.String() == "f3":
		m.switchTab(1)
		return m, nil
	case inREPL && key.Matches(msg, k.LeaveREPL):
		m.setFocus(focusResults)
		return m, nil
	}
	if !inREPL {
		switch {
		case key.Matches(msg, k.NextFocus):
			m.cycleFocus(1)
			return m, nil
		case key.Matches(msg, k.PrevFocus):
			m.cycleFocus(-1)
			return m, nil
		case key.Matches(msg, k.ToREPL):
			m.setFocus(focusREPL)
			return m, nil
		case key.Matches(msg, k.NextTab):
			m.switchTab(1)
			return m, nil
		case key.Matches(msg, k.PrevTab):
			m.switchTab(-1)
			return m, nil
		case key.Matches(msg, k.Faster):
			m.refresh = max(m.refresh/2, 100*time.Millisecond)
			m.status = "refresh every " + m.refresh.String()
			return m, nil
		case key.Matches(msg, k.Slower):
			m.refresh = min(m.refresh*2, 10*time.Second)
			m.status = "refresh every " + m.refresh.String()
			return m, nil
		}
	}
	return m.toFocused(msg)
}

func (m Model) quit() (tea.Model, tea.Cmd) {
	m.quitting = true
	if m.cancel != nil {
		m.cancel()
	}
	return m, tea.Quit
}

// toFocused gives a message to the focused component.
func (m Model) toFocused(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch {
	case m.focus == focusREPL:
		m.repl, cmd = m.repl.Update(msg)
	case m.focus == focusResults:
		m.results, cmd = m.results.Update(msg)
	default:
		cmd = m.panes[m.focus-focusPane].update(msg)
	}
	return m, cmd
}

// visible lists the focusable components on screen, in focus order.
func (m *Model) visible() []int {
	v := []int{focusREPL}
	if m.lay.results.w > 0 {
		v = append(v, focusResults)
	}
	for i, r := range m.lay.panes {
		if r.w > 0 {
			v = append(v, focusPane+i)
		}
	}
	return v
}

func (m *Model) cycleFocus(d int) {
	v := m.visible()
	cur := 0
	for i, f := range v {
		if f == m.focus {
			cur = i
		}
	}
	m.setFocus(v[(cur+d+len(v))%len(v)])
}

func (m *Model) setFocus(f int) {
	m.repl.Blur()
	m.results.Blur()
	for _, p := range m.panes {
		p.focus(false)
	}
	m.focus = f
	switch {
	case f == focusREPL:
		m.repl.Focus()
	case f == focusResults:
		m.results.Focus()
	default:
		m.panes[f-focusPane].focus(true)
	}
}

// switchTab moves the tabbed area to its next or previous tab.
func (m *Model) switchTab(d int) {
	switch m.lay.mode {
	case layoutNarrow:
		n := len(m.panes) + 1
		m.tab = (m.tab + d + n) % n
	case layoutMedium:
		n := len(m.panes)
		m.tab = (m.tab + d + n) % n
	default:
		return
	}
	m.relayout()
	if m.focus != focusREPL {
		m.setFocus(m.visible()[min(1, len(m.visible())-1)])
	}
}

// helpKeys is what the help line shows: the focused component's keys
// and the global ones.
func (m *Model) helpKeys() help.KeyMap {
	var local help.KeyMap
	switch {
	case m.focus == focusREPL:
		local = m.repl.KeyMap
	case m.focus == focusResults:
		local = m.results.KeyMap
	default:
		local = m.panes[m.focus-focusPane].keys()
	}
	return joinedKeys{local, m.keys}
}

type joinedKeys []help.KeyMap

func (j joinedKeys) ShortHelp() []key.Binding {
	var out []key.Binding
	for _, k := range j {
		out = append(out, k.ShortHelp()...)
	}
	return out
}

func (j joinedKeys) FullHelp() [][]key.Binding {
	var out [][]key.Binding
	for _, k := range j {
		out = append(out, k.FullHelp()...)
	}
	return out
}
