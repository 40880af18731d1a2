package results

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/keystonedb/kstone-shell/engine/item"
	"github.com/keystonedb/kstone-shell/shell"
	"github.com/keystonedb/kstone-shell/themes"
)

// Keys as the terminal sends them.
var (
	kUp    = tea.KeyPressMsg{Code: tea.KeyUp}
	kDown  = tea.KeyPressMsg{Code: tea.KeyDown}
	kLeft  = tea.KeyPressMsg{Code: tea.KeyLeft}
	kRight = tea.KeyPressMsg{Code: tea.KeyRight}
	kPgUp  = tea.KeyPressMsg{Code: tea.KeyPgUp}
	kPgDn  = tea.KeyPressMsg{Code: tea.KeyPgDown}
)

func runeKey(r rune) tea.KeyPressMsg { return tea.KeyPressMsg{Code: r, Text: string(r)} }

func dark() themes.Styles    { return themes.NewStyles(themes.Dark, false) }
func noColor() themes.Styles { return themes.NewStyles(themes.Dark, true) }

// users returns n items of a small user table: pk, sk and a few
// attributes, some missing, of several types.
func users(n int) []item.Item {
	names := []string{"Ada Lovelace", "Grace Hopper", "Edsger Dijkstra", "Barbara Liskov", "Ken Thompson", "東京 太郎"}
	items := make([]item.Item, n)
	for i := range n {
		it := item.Item{
			"pk":    item.S(fmt.Sprintf("user#%04d", i)),
			"sk":    item.NFromInt64(int64(i % 7)),
			"name":  item.S(names[i%len(names)]),
			"admin": item.BOOL(i%3 == 0),
		}
		if i%2 == 0 {
			it["tags"] = item.SS{"ops", "dev"}
		}
		if i%4 == 1 {
			it["address"] = item.M{"city": item.S("London"), "zip": item.S("N1 9GU")}
		}
		if i%5 == 2 {
			it["score"] = item.MustN("-12.5")
		}
		items[i] = it
	}
	return items
}

func itemsOut(items []item.Item, more bool) shell.Output {
	return shell.Output{Items: items, HasItems: true, KeyColumns: []string{"pk", "sk"}, More: more, Elapsed: 3200 * time.Microsecond}
}

// newPane returns a focused pane of size w×h showing out.
func newPane(st themes.Styles, w, h int, out shell.Output, err error) Model {
	m := New(st)
	m.SetSize(w, h)
	m.Focus()
	m.SetResult("scan users", out, err)
	return m
}

// press sends keys and returns the model and the last command.
func press(m Model, keys ...tea.Msg) (Model, tea.Cmd) {
	var cmd tea.Cmd
	for _, k := range keys {
		m, cmd = m.Update(k)
	}
	return m, cmd
}

// checkFrame fails unless the view has exactly h lines of at most w cells.
func checkFrame(t testing.TB, view string, w, h int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) != h {
		t.Fatalf("%dx%d: %d lines, want %d:\n%s", w, h, len(lines), h, view)
	}
	for i, l := range lines {
		if lw := frameWidth(l); lw > w {
			t.Fatalf("%dx%d: line %d is %d cells wide:\n%q", w, h, i, lw, l)
		}
	}
}

// narrow are the non-ASCII characters the pane draws with, one cell each
// (as lipgloss.Width counts them).
const narrow = "│─┼▌…"

// frameWidth is lipgloss.Width(l), quicker for lines of ASCII and the
// pane's own drawing characters (the size matrix measures a million
// lines); any other character takes lipgloss.Width. TestFrameWidth checks
// that the two agree.
func frameWidth(l string) int {
	n := 0
	for _, r := range ansi.Strip(l) {
		if (r < 0x20 || r >= 0x7F) && !strings.ContainsRune(narrow, r) {
			return lipgloss.Width(l)
		}
		n++
	}
	return n
}

// selectedLine returns the line drawn with the selection style (NO_COLOR:
// reverse video), or "" and -1.
func selectedLine(view string) (string, int) {
	for i, l := range strings.Split(view, "\n") {
		if strings.Contains(l, "\x1b[7m") {
			return l, i
		}
	}
	return "", -1
}
