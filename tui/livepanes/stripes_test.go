package livepanes

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/keystonedb/kstone-shell/tui/metrics"
)

func press(s string) tea.KeyPressMsg {
	switch s {
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	}
	r := []rune(s)[0]
	return tea.KeyPressMsg{Code: r, Text: s}
}

// newStripesAt is a focused stripes pane of the degraded scenario.
func newStripesAt(w, h int) StripesModel {
	s, hist := fixture(metrics.Degraded)
	m := NewStripes(darkStyles())
	m.SetSize(w, h)
	m.SetData(s, hist)
	m.Focus()
	return m
}

func keys(t *testing.T, m StripesModel, ks ...string) StripesModel {
	t.Helper()
	for _, k := range ks {
		var cmd tea.Cmd
		m, cmd = m.Update(press(k))
		if cmd != nil && k != "enter" {
			t.Fatalf("key %q: unexpected command", k)
		}
	}
	return m
}

func TestStripesCursorKeys(t *testing.T) {
	for _, tc := range []struct {
		keys []string
		want int
	}{
		{nil, 0},
		{[]string{"down"}, 16},
		{[]string{"j", "j", "l"}, 33},
		{[]string{"down", "right", "right", "left"}, 17},
		{[]string{"up", "left", "k", "h"}, 0},                                                          // the edges stop the cursor
		{[]string{"right", "right", "up"}, 2},                                                          // up from the first row stays
		{[]string{"l", "l", "l", "l", "l", "l", "l", "l", "l", "l", "l", "l", "l", "l", "l", "l"}, 16}, // right wraps to the next row
		{append(repeat("j", 20), repeat("l", 20)...), 255},                                             // bottom-right corner
	} {
		m := keys(t, newStripesAt(60, 18), tc.keys...)
		if got := m.Selected(); got != tc.want {
			t.Errorf("keys %v: cursor %d, want %d", tc.keys, got, tc.want)
		}
	}
}

func repeat(k string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = k
	}
	return out
}

func TestStripesIgnoresKeysWhenBlurred(t *testing.T) {
	m := newStripesAt(60, 18)
	m.Blur()
	m, cmd := m.Update(press("down"))
	if m.Selected() != 0 || cmd != nil {
		t.Fatalf("blurred pane moved to %d", m.Selected())
	}
	if m, cmd = m.Update(press("enter")); cmd != nil || m.Drilling() {
		t.Fatal("blurred pane drilled down")
	}
}

func TestStripesModeKey(t *testing.T) {
	m := newStripesAt(60, 18)
	if m.Mode() != ModeMemtable || !strings.Contains(m.Title(), "memtable fill") {
		t.Fatalf("start: mode %v, title %q", m.Mode(), m.Title())
	}
	before := m.View()
	m = keys(t, m, "m")
	if m.Mode() != ModeSSTs || !strings.Contains(m.Title(), "SST count") {
		t.Fatalf("after m: mode %v, title %q", m.Mode(), m.Title())
	}
	if m.View() == before {
		t.Error("the map did not change with the mode")
	}
	if !strings.Contains(ansi.Strip(m.View()), "10+ SSTs") {
		t.Error("the legend does not show the SST scale")
	}
	if m = keys(t, m, "m"); m.Mode() != ModeMemtable {
		t.Errorf("m twice: mode %v", m.Mode())
	}
}

func TestStripesDrillDown(t *testing.T) {
	m := keys(t, newStripesAt(60, 18), "j", "j", "right", "right", "right", "right", "right", "right", "right", "right", "right", "right")
	if m.Selected() != 42 {
		t.Fatalf("cursor %d, want 42", m.Selected())
	}
	m, cmd := m.Update(press("enter"))
	if cmd == nil {
		t.Fatal("enter returned no command")
	}
	if msg, ok := cmd().(SelectStripeMsg); !ok || msg.Stripe != 42 {
		t.Fatalf("enter: %#v, want SelectStripeMsg{42}", cmd())
	}
	if !m.Drilling() || !strings.Contains(ansi.Strip(m.View()), "loading stripe 42") {
		t.Fatalf("waiting for the detail: drilling %v, view\n%s", m.Drilling(), ansi.Strip(m.View()))
	}

	// The root fetches the detail and hands it over with the next snapshot.
	s, hist := fixture(metrics.Degraded)
	d := metrics.FakeDetail(metrics.Degraded, 42, s.Time)
	s.Detail = &d
	m.SetData(s, hist)
	view := ansi.Strip(m.View())
	for _, want := range []string{"stripe 42", "15 SSTs", d.SSTs[0].File[4:], "wal_042"} {
		want = strings.TrimLeft(want, "0")
		if !strings.Contains(view, want) {
			t.Errorf("drill-down lacks %q:\n%s", want, view)
		}
	}
	if !strings.Contains(m.Title(), "stripe 42") {
		t.Errorf("title %q", m.Title())
	}

	// 15 SSTs and 2 WAL segments overflow 16 body lines: down scrolls.
	top := m.View()
	if m = keys(t, m, "down"); m.View() == top {
		t.Error("down did not scroll the drill-down")
	}
	if m = keys(t, m, "up"); m.View() != top {
		t.Error("up did not scroll back")
	}

	if m.ClickAt(10, 3) {
		t.Error("a click in the drill-down selected a stripe")
	}
	m = keys(t, m, "esc")
	if m.Drilling() || !strings.HasPrefix(strings.TrimSpace(ansi.Strip(m.View())), "0") {
		t.Fatalf("esc: drilling %v, view\n%s", m.Drilling(), ansi.Strip(m.View()))
	}
	if m.Selected() != 42 {
		t.Errorf("esc moved the cursor to %d", m.Selected())
	}
}

// A detail for another stripe (a stale fetch) is not shown.
func TestStripesIgnoresStaleDetail(t *testing.T) {
	m := keys(t, newStripesAt(60, 18), "right")
	m, _ = m.Update(press("enter"))
	s, hist := fixture(metrics.Degraded)
	d := metrics.FakeDetail(metrics.Degraded, 7, s.Time)
	s.Detail = &d
	m.SetData(s, hist)
	if !strings.Contains(ansi.Strip(m.View()), "loading stripe 1") {
		t.Errorf("showed stripe 7's detail for stripe 1:\n%s", ansi.Strip(m.View()))
	}
}

func TestStripesClick(t *testing.T) {
	// 60 wide: cells of 3 after a 4-cell gutter; 18 high: all 16 rows.
	m := newStripesAt(60, 18)
	if !m.ClickAt(4+3*5+1, 2) || m.Selected() != 2*16+5 {
		t.Fatalf("click at row 2, column 5: selected %d", m.Selected())
	}
	for _, xy := range [][2]int{{1, 1}, {4 + 48, 1}, {10, 16}, {10, -1}} {
		if m.ClickAt(xy[0], xy[1]) {
			t.Errorf("click at %v hit a stripe", xy)
		}
	}
	if m.Selected() != 37 {
		t.Errorf("misses moved the cursor to %d", m.Selected())
	}
	// Through Update, as the root forwards it (content coordinates).
	m, _ = m.Update(tea.MouseClickMsg{X: 4 + 3*15, Y: 15, Button: tea.MouseLeft})
	if m.Selected() != 255 {
		t.Errorf("mouse click: selected %d, want 255", m.Selected())
	}
	// A right click does nothing.
	m, _ = m.Update(tea.MouseClickMsg{X: 4, Y: 0, Button: tea.MouseRight})
	if m.Selected() != 255 {
		t.Errorf("right click moved the cursor to %d", m.Selected())
	}
}

// In a short pane the map scrolls with the cursor, and clicks land on the
// rows shown.
func TestStripesScrollAndClickSmall(t *testing.T) {
	m := newStripesAt(38, 10) // 8 map rows, cells of 2 after the gutter
	m = keys(t, m, repeat("j", 10)...)
	if m.Selected() != 160 {
		t.Fatalf("cursor %d", m.Selected())
	}
	first := strings.Fields(ansi.Strip(strings.Split(m.View(), "\n")[0]))[0]
	if first != "48" { // rows 3..10 shown
		t.Fatalf("first row label %q, want 48:\n%s", first, ansi.Strip(m.View()))
	}
	if !m.ClickAt(4, 0) || m.Selected() != 48 {
		t.Errorf("click on the first row shown: selected %d, want 48", m.Selected())
	}
	// One cell a stripe, no gutter, at 16 wide.
	m.SetSize(16, 20)
	if !m.ClickAt(15, 15) || m.Selected() != 255 {
		t.Errorf("16 wide: selected %d, want 255", m.Selected())
	}
}

func TestStripesKeyMapFollowsMode(t *testing.T) {
	m := newStripesAt(60, 18)
	enabled := func() (n int) {
		for _, b := range m.KeyMap().ShortHelp() {
			if b.Enabled() {
				n++
			}
		}
		return n
	}
	if got := enabled(); got != 6 { // all but esc
		t.Errorf("map: %d bindings enabled, want 6", got)
	}
	m, _ = m.Update(press("enter"))
	if got := enabled(); got != 3 { // up, down, esc
		t.Errorf("drill-down: %d bindings enabled, want 3", got)
	}
}
