package replinput

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/keystonedb/kstone-shell/themes"
)

// press builds a key press from its bubbletea name: "enter", "ctrl+r",
// "alt+left", "shift+tab", "a".
func press(s string) tea.KeyPressMsg {
	var mod tea.KeyMod
	for {
		switch {
		case strings.HasPrefix(s, "ctrl+"):
			mod |= tea.ModCtrl
			s = s[5:]
			continue
		case strings.HasPrefix(s, "alt+"):
			mod |= tea.ModAlt
			s = s[4:]
			continue
		case strings.HasPrefix(s, "shift+"):
			mod |= tea.ModShift
			s = s[6:]
			continue
		}
		break
	}
	codes := map[string]rune{
		"enter": tea.KeyEnter, "tab": tea.KeyTab, "backspace": tea.KeyBackspace,
		"delete": tea.KeyDelete, "esc": tea.KeyEscape, "space": tea.KeySpace,
		"left": tea.KeyLeft, "right": tea.KeyRight, "up": tea.KeyUp, "down": tea.KeyDown,
		"home": tea.KeyHome, "end": tea.KeyEnd,
	}
	if c, ok := codes[s]; ok {
		k := tea.KeyPressMsg{Code: c, Mod: mod}
		if c == tea.KeySpace && mod == 0 {
			k.Text = " "
		}
		return k
	}
	r := []rune(s)[0]
	k := tea.KeyPressMsg{Code: r, Mod: mod}
	if mod == 0 {
		k.Text = s
	}
	return k
}

// typeText types s one key at a time ("\n" is not allowed: use keys).
func typeText(m Model, s string) Model {
	for _, r := range s {
		k := tea.KeyPressMsg{Code: r, Text: string(r)}
		if r == ' ' {
			k.Code = tea.KeySpace
		}
		m, _ = m.Update(k)
	}
	return m
}

// keys presses the named keys in order and returns the last command.
func keys(m Model, names ...string) (Model, tea.Cmd) {
	var cmd tea.Cmd
	for _, n := range names {
		m, cmd = m.Update(press(n))
	}
	return m, cmd
}

func newTest(t testing.TB, opts Options) Model {
	t.Helper()
	m := New(themes.NewStyles(themes.Dark, true), opts)
	m.SetSize(80, 6)
	return m
}

func plain(m Model) string { return ansi.Strip(m.View()) }
