package livepanes

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/keystonedb/kstone-shell/tui/metrics"
)

func plain(s string) string { return ansi.Strip(s) }

func TestSSTsSortAndScroll(t *testing.T) {
	s, hist := fixture(metrics.Degraded)
	m := NewSSTs(darkStyles())
	m.SetSize(38, 10)
	m.SetData(s, hist)
	if !strings.Contains(plain(m.View()), "#42   15") {
		t.Fatalf("the worst stripe is not first:\n%s", plain(m.View()))
	}
	// Blurred: keys do nothing.
	if m2, _ := m.Update(press("s")); m2.View() != m.View() {
		t.Error("blurred pane sorted")
	}
	m.Focus()
	m, _ = m.Update(press("s"))
	if v := plain(m.View()); !strings.Contains(v, "by size") || !strings.Contains(v, "#42") {
		t.Errorf("sorted by size:\n%s", v)
	}
	m, _ = m.Update(press("s"))
	m, _ = m.Update(press("j"))
	if v := plain(m.View()); strings.Contains(v, "#42 ") || !strings.Contains(v, "#7 ") {
		t.Errorf("scrolled one down: #42 should be gone, #7 first:\n%s", v)
	}
	if m.Title() != "ssts · 503 files" {
		t.Errorf("title %q", m.Title())
	}
}

func TestThroughputHidesIdleKinds(t *testing.T) {
	s, _ := fixture(metrics.Unhealthy) // writes fail: no put, delete, update
	m := NewThroughput(darkStyles())
	m.SetSize(60, 18)
	m.SetData(s, metrics.NewHistory()) // no history: only the interval counts
	v := plain(m.View())
	for _, k := range []string{"put ", "delete", "update", "scan"} {
		if strings.Contains(v, "\n"+k) {
			t.Errorf("idle kind %q shown:\n%s", k, v)
		}
	}
	if !strings.Contains(v, "get ") || !strings.Contains(v, "query") {
		t.Errorf("busy kinds missing:\n%s", v)
	}
	m.Focus()
	m, _ = m.Update(press("a"))
	if v := plain(m.View()); !strings.Contains(v, "delete") || !strings.Contains(v, "scan") {
		t.Errorf("a did not show the idle kinds:\n%s", v)
	}
	// With history, a kind idle now but busy before stays (rows don't jump).
	m.SetData(s, metrics.FakeHistory(metrics.Healthy, histLen)) // puts before the disk filled
	m, _ = m.Update(press("a"))                                 // idle kinds hidden again
	if v := plain(m.View()); !strings.Contains(v, "\nput") || strings.Contains(v, "\nscan") {
		t.Errorf("with history:\n%s", v)
	}
}

func TestThroughputWarnsSlowWrites(t *testing.T) {
	s, hist := fixture(metrics.Degraded)
	m := NewThroughput(darkStyles())
	m.SetSize(60, 18)
	m.SetData(s, hist)
	warn := m.pal.Warn.Render(dur(s.Interval.Ops[0].Latency.P99))
	if !strings.Contains(m.View(), warn) {
		t.Errorf("put p99 %v not drawn as a warning", s.Interval.Ops[0].Latency.P99)
	}
}

func TestHealthShowsEveryFindingWithHint(t *testing.T) {
	for _, sc := range metrics.Scenarios() {
		s, hist := fixture(sc)
		m := NewHealth(darkStyles())
		m.SetSize(120, 20)
		m.SetData(s, hist)
		v := plain(m.View())
		for _, f := range append(s.Health.Errors, s.Health.Warnings...) {
			if !strings.Contains(v, f) {
				t.Errorf("%v: finding %q missing:\n%s", sc, f, v)
			}
			if h := hintFor(hintTable(), f); !strings.Contains(v, "↳ "+h) {
				t.Errorf("%v: hint %q missing:\n%s", sc, h, v)
			}
		}
		badge := map[metrics.Scenario]string{metrics.Healthy: "HEALTHY", metrics.Degraded: "DEGRADED",
			metrics.Compacting: "HEALTHY", metrics.Unhealthy: "UNHEALTHY"}[sc]
		if !strings.HasPrefix(strings.TrimSpace(v), badge) {
			t.Errorf("%v: badge is not %s:\n%s", sc, badge, v)
		}
	}
}

func TestHealthScroll(t *testing.T) {
	s, hist := fixture(metrics.Degraded)
	m := NewHealth(darkStyles())
	m.SetSize(30, 4) // 3 findings and 3 hints in 3 lines
	m.SetData(s, hist)
	m.Focus()
	v := plain(m.View())
	if !strings.Contains(v, "more lines") {
		t.Fatalf("no overflow marker:\n%s", v)
	}
	for range 10 {
		m, _ = m.Update(press("j"))
	}
	if v := plain(m.View()); !strings.Contains(v, "↳ check disk") {
		t.Errorf("scrolled to the end, the last hint is not shown:\n%s", v)
	}
	m, _ = m.Update(tea.MouseWheelMsg{Button: tea.MouseWheelUp})
	for range 10 {
		m, _ = m.Update(press("k"))
	}
	if plain(m.View()) != v0(t, s, hist) {
		t.Error("scrolling back up did not return to the top")
	}
}

func v0(t *testing.T, s metrics.Snapshot, hist *metrics.History) string {
	t.Helper()
	m := NewHealth(darkStyles())
	m.SetSize(30, 4)
	m.SetData(s, hist)
	return plain(m.View())
}

func TestCompactionShowsRunning(t *testing.T) {
	s, hist := fixture(metrics.Compacting)
	m := NewCompaction(darkStyles())
	m.SetSize(60, 18)
	m.SetData(s, hist)
	v := plain(m.View())
	for _, want := range []string{"2 running", "3 queued", "#17", " 35%", "#130", " 80%", "reclaimed"} {
		if !strings.Contains(v, want) {
			t.Errorf("missing %q:\n%s", want, v)
		}
	}
	// Too short for both: the second becomes "+1 more running".
	m.SetSize(60, 5)
	if v := plain(m.View()); !strings.Contains(v, "+2 more") && !strings.Contains(v, "+1 more") {
		t.Errorf("5 lines:\n%s", v)
	}
}

// Titles fit a frame's top border and say what the pane shows.
func TestTitles(t *testing.T) {
	s, hist := fixture(metrics.Degraded)
	for _, p := range allPanes() {
		title := p.make(darkStyles(), 60, 18, s, hist).Title()
		if !strings.HasPrefix(title, p.name) && !strings.HasPrefix(title, strings.TrimSuffix(p.name, "s")) &&
			!strings.HasPrefix(title, "bloom") {
			t.Errorf("%s: title %q", p.name, title)
		}
		if len([]rune(title)) > 40 {
			t.Errorf("%s: title %q is long", p.name, title)
		}
	}
}
