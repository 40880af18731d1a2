package replinput

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/exp/golden"
	"pgregory.net/rapid"

	"github.com/keystonedb/kstone-shell/themes"
)

// goldenStatement is a highlighted multi-line statement with a parse error
// on its second line (the "," after "+").
const goldenStatement = "update user#1\n" +
	"  SET age = age + , name = 'Bob', tags = list_append(tags, :t)\n" +
	"  REMOVE tmp if attribute_exists(#n) AND size(tags) > 3 -- note\n" +
	"  return all_new"

func TestGolden(t *testing.T) {
	for _, th := range []struct {
		name    string
		noColor bool
	}{{"dark", false}, {"nocolor", true}} {
		for _, sz := range [][2]int{{80, 6}, {120, 8}} {
			t.Run(fmt.Sprintf("%s_%dx%d", th.name, sz[0], sz[1]), func(t *testing.T) {
				m := New(themes.NewStyles(themes.Dark, th.noColor), Options{})
				m.SetSize(sz[0], sz[1])
				m.SetValue(goldenStatement)
				out := m.View()
				checkFrame(t, out, sz[0], sz[1])
				golden.RequireEqual(t, out)
			})
		}
	}
}

// fataler is what checks need of testing.TB and rapid.T.
type fataler interface {
	Helper()
	Fatalf(format string, args ...any)
}

// checkFrame asserts that a view has exactly h lines, none wider than w.
func checkFrame(t fataler, out string, w, h int) {
	t.Helper()
	lines := strings.Split(out, "\n")
	if h == 0 {
		if out != "" {
			t.Fatalf("%dx%d: view %q", w, h, out)
		}
		return
	}
	if len(lines) != h {
		t.Fatalf("%dx%d: %d lines:\n%s", w, h, len(lines), out)
	}
	for i, l := range lines {
		if lw := lipgloss.Width(l); lw > w {
			t.Fatalf("%dx%d: line %d is %d wide: %q", w, h, i, lw, l)
		}
	}
}

func checkCursor(t fataler, m Model, w, h int) {
	t.Helper()
	x, y, ok := m.Cursor()
	if ok && (x < 0 || x >= w || y < 0 || y >= h) {
		t.Fatalf("%dx%d: cursor at %d,%d", w, h, x, y)
	}
}

func TestSizeMatrix(t *testing.T) {
	st := themes.NewStyles(themes.Dark, false)
	long := strings.Repeat("名前 ", 40)
	states := map[string]func(m Model) Model{
		"empty": func(m Model) Model { return m },
		"statement": func(m Model) Model {
			m.SetValue(goldenStatement)
			return m
		},
		"cursor mid": func(m Model) Model {
			m.SetValue(goldenStatement)
			m, _ = keys(m, "up", "up", "home", "alt+f")
			return m
		},
		"wide runes": func(m Model) Model {
			m.SetValue(`put {"pk": "` + long + `", "n": = }`)
			return m
		},
		"no position error": func(m Model) Model {
			m.SetValue("query pk = :p limit x")
			return m
		},
		"completion": func(m Model) Model {
			m.SetValue("scan filter a")
			m, _ = keys(m, "tab", "tab")
			return m
		},
		"search": func(m Model) Model {
			m = submit(t, m, goldenStatement)
			m, _ = keys(m, "ctrl+r")
			return typeText(m, "tags")
		},
		"failed search": func(m Model) Model {
			m, _ = keys(m, "ctrl+r")
			return typeText(m, "nothing here at all")
		},
	}
	for name, state := range states {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			for w := 10; w <= 200; w++ {
				// Edited at a few heights (the scroll position depends on
				// the size during the edits), then drawn at every height.
				for _, h0 := range []int{1, 3, 20} {
					m := New(st, Options{})
					m.SetSize(w, h0)
					m = state(m)
					for h := 1; h <= 20; h++ {
						m.SetSize(w, h)
						checkFrame(t, m.View(), w, h)
						checkCursor(t, m, w, h)
					}
				}
			}
		})
	}
	// Degenerate sizes.
	for _, sz := range [][2]int{{0, 0}, {0, 3}, {1, 1}, {3, 2}, {5, 0}} {
		m := New(st, Options{})
		m.SetSize(sz[0], sz[1])
		m.SetValue(goldenStatement)
		checkFrame(t, m.View(), sz[0], sz[1])
		checkCursor(t, m, sz[0], sz[1])
	}
}

// The cursor is always in the frame and on the text it belongs to,
// whatever keys are pressed.
func TestRandomKeys(t *testing.T) {
	names := []string{"enter", "alt+enter", "ctrl+j", "tab", "shift+tab", "backspace", "delete",
		"left", "right", "up", "down", "home", "end", "alt+left", "alt+right", "ctrl+w",
		"ctrl+u", "ctrl+k", "alt+backspace", "alt+d", "ctrl+r", "esc", "ctrl+home", "ctrl+end"}
	texts := []string{"get ", "update a SET ", "x = = 1", "{", "}", "'", `"`, "(", ")", ";", ":v", "#n", "名前", "\t", " ", "a"}
	rapid.Check(t, func(rt *rapid.T) {
		w := rapid.IntRange(1, 60).Draw(rt, "w")
		h := rapid.IntRange(1, 8).Draw(rt, "h")
		m := New(themes.NewStyles(themes.Dark, true), Options{Complete: complete()})
		m.SetSize(w, h)
		n := rapid.IntRange(1, 60).Draw(rt, "n")
		for range n {
			if rapid.Bool().Draw(rt, "isKey") {
				m, _ = m.Update(press(rapid.SampledFrom(names).Draw(rt, "key")))
			} else {
				m, _ = m.Update(tea.PasteMsg{Content: rapid.SampledFrom(texts).Draw(rt, "text")})
			}
			b := m.buf
			if b.row < 0 || b.row >= len(b.rows) || b.col < 0 || b.col > len(b.rows[b.row]) {
				rt.Fatalf("cursor %d,%d outside %q", b.row, b.col, m.Value())
			}
			checkFrame(rt, m.View(), w, h)
			checkCursor(rt, m, w, h)
		}
	})
}
