package tui

import (
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/keystonedb/kstone-shell/engine"
	"github.com/keystonedb/kstone-shell/engine/item"
	"github.com/keystonedb/kstone-shell/shell"
	"github.com/keystonedb/kstone-shell/themes"
	"github.com/keystonedb/kstone-shell/tui/metrics"
)

var fixedNow = func() time.Time { return time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC) }

// testModel builds a model on an in-memory database with fake metrics,
// sized w×h, after n refreshes.
func testModel(t testing.TB, sc metrics.Scenario, theme themes.Theme, w, h, n int) (Model, *engine.DB) {
	t.Helper()
	db, err := engine.OpenInMemory(nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	sess := shell.NewSession(db, shell.Options{Format: shell.FormatTable, Interactive: true, Stdout: io.Discard, Stderr: io.Discard})
	m := New(Config{Session: sess, Source: metrics.NewFakeSource(sc), Theme: theme, Label: "test.keystone", Now: fixedNow, NoTick: true})
	m = step(t, m, tea.WindowSizeMsg{Width: w, Height: h})
	for range n {
		m = step(t, m, m.fetch()())
	}
	return m, db
}

// step applies one message and returns the model.
func step(t testing.TB, m Model, msg tea.Msg) Model {
	t.Helper()
	next, _ := m.Update(msg)
	return next.(Model)
}

// run applies a message and then runs the commands that follow from it,
// feeding their messages back until none are left (ticks are dropped): a
// synchronous stand-in for the event loop.
func run(t testing.TB, m Model, msg tea.Msg) Model {
	t.Helper()
	queue := []tea.Msg{msg}
	for n := 0; len(queue) > 0 && n < 100; n++ {
		next, cmd := m.Update(queue[0])
		queue = queue[1:]
		m = next.(Model)
		for _, c := range flatten(cmd) {
			out := c()
			if _, isTick := out.(tickMsg); !isTick && out != nil {
				queue = append(queue, out)
			}
		}
	}
	return m
}

func flatten(cmd tea.Cmd) []tea.Cmd {
	if cmd == nil {
		return nil
	}
	if b, ok := cmd().(tea.BatchMsg); ok {
		var out []tea.Cmd
		for _, c := range b {
			out = append(out, flatten(c)...)
		}
		return out
	}
	return []tea.Cmd{cmd}
}

func press(s string) tea.KeyPressMsg {
	switch s {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "f1":
		return tea.KeyPressMsg{Code: tea.KeyF1}
	case "f2":
		return tea.KeyPressMsg{Code: tea.KeyF2}
	case "f3":
		return tea.KeyPressMsg{Code: tea.KeyF3}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	}
	r := []rune(s)
	return tea.KeyPressMsg{Code: r[0], Text: s}
}

func typeText(t testing.TB, m Model, s string) Model {
	for _, r := range s {
		m = step(t, m, tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	return m
}

func content(m Model) string { return m.View().Content }

// TestGoldenFrames renders whole screens at the three reference sizes,
// dark and light, in three states of the database.
func TestGoldenFrames(t *testing.T) {
	sizes := [][2]int{{80, 24}, {120, 40}, {200, 60}}
	for _, th := range []themes.Theme{themes.Dark, themes.Light} {
		for _, sc := range []metrics.Scenario{metrics.Healthy, metrics.Degraded, metrics.Compacting} {
			for _, sz := range sizes {
				name := fmt.Sprintf("%s/%s/%dx%d", th.Name, sc, sz[0], sz[1])
				t.Run(name, func(t *testing.T) {
					m, _ := testModel(t, sc, th, sz[0], sz[1], 12)
					golden.RequireEqual(t, []byte(content(m)))
				})
			}
		}
	}
}

// TestResizeMatrix: at every size the frame has exactly the terminal's
// height and no line is wider than it.
func TestResizeMatrix(t *testing.T) {
	m, _ := testModel(t, metrics.Compacting, themes.Dark, 80, 24, 3)
	m = run(t, m, press("f1"))
	for w := 20; w <= 240; w += 11 {
		for h := 6; h <= 72; h += 7 {
			m = step(t, m, tea.WindowSizeMsg{Width: w, Height: h})
			lines := strings.Split(content(m), "\n")
			if len(lines) != h {
				t.Fatalf("%dx%d: %d lines", w, h, len(lines))
			}
			for i, l := range lines {
				if lw := ansi.StringWidth(l); lw > w {
					t.Fatalf("%dx%d: line %d is %d cells wide: %q", w, h, i, lw, ansi.Strip(l))
				}
			}
		}
	}
}

func TestStatementsRunAndShowResults(t *testing.T) {
	m, _ := testModel(t, metrics.Healthy, themes.Dark, 120, 40, 1)
	m = typeText(t, m, `put {"pk": "user#1", "name": "Alice", "age": 30}`)
	m = run(t, m, press("enter"))
	m = typeText(t, m, `get user#1`)
	m = run(t, m, press("enter"))
	view := ansi.Strip(content(m))
	if !strings.Contains(view, "Alice") || !strings.Contains(view, "1 item") {
		t.Fatalf("result not shown:\n%s", view)
	}
	// The parse error shows before Enter.
	m = typeText(t, m, "update user#1 SET a = = 1")
	if view := ansi.Strip(content(m)); !strings.Contains(view, "^") || !strings.Contains(view, "Invalid UpdateExpression") {
		t.Fatalf("no live parse error:\n%s", view)
	}
}

func TestBulkDeleteAsksFirst(t *testing.T) {
	m, db := testModel(t, metrics.Healthy, themes.Dark, 120, 40, 1)
	for i := range 5 {
		db.PutItem(engine.PutItemRequest{Item: item.Item{"pk": item.S(fmt.Sprintf("u%d", i))}})
	}
	m = typeText(t, m, `delete where attribute_exists(pk)`)
	m = run(t, m, press("enter"))
	if m.confirm == nil || !strings.Contains(ansi.Strip(content(m)), "delete 5 items in") {
		t.Fatalf("no confirmation:\n%s", ansi.Strip(content(m)))
	}
	m = run(t, m, press("n"))
	if m.confirm != nil {
		t.Fatal("n did not cancel")
	}
	r, _ := db.Scan(engine.ScanRequest{})
	if len(r.Items) != 5 {
		t.Fatalf("cancelled delete removed items: %d left", len(r.Items))
	}
	m = typeText(t, m, `delete where attribute_exists(pk)`)
	m = run(t, m, press("enter"))
	m = run(t, m, press("y"))
	if r, _ := db.Scan(engine.ScanRequest{}); len(r.Items) != 0 {
		t.Fatalf("confirmed delete left %d items", len(r.Items))
	}
}

func TestFocusHelpAndQuit(t *testing.T) {
	m, _ := testModel(t, metrics.Healthy, themes.Dark, 200, 60, 1)
	if m.focus != focusREPL {
		t.Fatal("the input should start focused")
	}
	seen := map[int]bool{}
	for range 8 {
		m = step(t, m, press("f2"))
		seen[m.focus] = true
	}
	if len(seen) != 8 { // input, results and six panes
		t.Fatalf("f2 visited %d components", len(seen))
	}
	m.setFocus(focusResults)
	m = step(t, m, press("?"))
	if !m.full {
		t.Fatal("? did not open the full help")
	}
	m = step(t, m, press("i"))
	if m.focus != focusREPL {
		t.Fatal("i did not return to the input")
	}
	m = typeText(t, m, "get x")
	m = step(t, m, press("ctrl+c"))
	if m.repl.Value() != "" || m.quitting {
		t.Fatal("ctrl+c with text should clear the input, not quit")
	}
	m = step(t, m, press("ctrl+c"))
	if !m.quitting {
		t.Fatal("ctrl+c on an empty input should quit")
	}
}

func TestNarrowLayoutUsesTabs(t *testing.T) {
	m, _ := testModel(t, metrics.Degraded, themes.Dark, 80, 24, 2)
	if m.lay.mode != layoutNarrow || m.lay.results.w == 0 {
		t.Fatal("80x24 should show the results tab")
	}
	m = step(t, m, press("f3"))
	if m.lay.results.w != 0 || m.lay.panes[0].w == 0 {
		t.Fatal("f3 should show the stripes tab")
	}
}

func BenchmarkView200x60(b *testing.B) {
	m, _ := testModel(b, metrics.Compacting, themes.Dark, 200, 60, 20)
	b.ReportAllocs()
	for b.Loop() {
		_ = m.View()
	}
}
