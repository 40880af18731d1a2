package tui

import (
	tea "charm.land/bubbletea/v2"
)

// onMouse focuses what was clicked (and lets the stripes map select the
// clicked stripe); the wheel scrolls what is under the pointer.
func (m Model) onMouse(msg tea.MouseMsg) (tea.Model, tea.Cmd) {
	mouse := msg.Mouse()
	target, inner := m.hit(mouse.X, mouse.Y)
	if target < 0 {
		return m, nil
	}
	switch msg.(type) {
	case tea.MouseClickMsg:
		m.setFocus(target)
		if target >= focusPane {
			if p := m.panes[target-focusPane]; p.click != nil {
				p.click(inner.x, inner.y) // moves the stripes cursor; Enter drills in
			}
		}
		return m, nil
	case tea.MouseWheelMsg:
		var cmd tea.Cmd
		switch {
		case target == focusResults:
			m.results, cmd = m.results.Update(msg)
		case target >= focusPane:
			cmd = m.panes[target-focusPane].update(msg)
		}
		return m, cmd
	}
	return m, nil
}

// hit finds the component at screen position (x, y) and the position
// inside its content.
func (m *Model) hit(x, y int) (int, rect) {
	inner := func(r rect) rect { return rect{x: x - r.x - 1, y: y - r.y - 1} }
	if m.lay.repl.contains(x, y) {
		return focusREPL, inner(m.lay.repl)
	}
	if m.lay.results.contains(x, y) {
		return focusResults, inner(m.lay.results)
	}
	for i, r := range m.lay.panes {
		if r.contains(x, y) {
			return focusPane + i, inner(r)
		}
	}
	return -1, rect{}
}
