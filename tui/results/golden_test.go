package results

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/keystonedb/kstone-shell/engine/item"
	"github.com/keystonedb/kstone-shell/shell"
	"github.com/keystonedb/kstone-shell/themes"
)

// Golden frames: the title on the first line, then the view. Regenerate
// with: go test ./tui/results/ -run TestGolden -update

// A fixed .stats-like report.
const report = `engine: /var/lib/kstone (256 stripes)
items      1,234,567
memtables  212 MiB	(41% of budget)
ssts       1,024 files, 18.2 GiB
  L0       96
  L1       928
bloom      hits 99.1%, false positives 0.8%
compaction 2 running, 5 queued, 48.1 MiB/s
wal        3 segments, 12.0 MiB
health     ok
`

type frameCase struct {
	name string
	set  func(m *Model)
}

func frameCases() []frameCase {
	stmt := "query users\n  where pk = 'user#1' andd sk > 1\n  limit 10"
	return []frameCase{
		{"table", func(m *Model) {
			m.SetResult("scan users", itemsOut(users(40), true), nil)
			*m, _ = press(*m, kDown, kDown, kDown)
		}},
		{"json", func(m *Model) {
			m.SetResult("scan users", itemsOut(users(40), false), nil)
			*m, _ = press(*m, kDown, runeKey('v'), kDown, kDown)
		}},
		{"error", func(m *Model) {
			m.SetResult(stmt, shell.Output{Elapsed: 150 * time.Microsecond},
				&shell.Error{Msg: `unexpected "andd": expected AND, OR, LIMIT or the end of the statement`, Pos: strings.Index(stmt, "andd")})
		}},
		{"text", func(m *Model) {
			m.SetResult(".stats", shell.Output{Text: report, Elapsed: 800 * time.Microsecond}, nil)
		}},
	}
}

func frame(m Model) string { return m.Title() + "\n" + m.View() }

func TestGolden(t *testing.T) {
	for _, size := range [][2]int{{80, 12}, {120, 20}} {
		for _, c := range frameCases() {
			t.Run(fmt.Sprintf("%s_%dx%d", c.name, size[0], size[1]), func(t *testing.T) {
				m := New(dark())
				m.SetSize(size[0], size[1])
				m.Focus()
				c.set(&m)
				out := m.View()
				checkFrame(t, out, size[0], size[1])
				golden.RequireEqual(t, frame(m))
			})
		}
	}
}

func TestGoldenNoColor(t *testing.T) {
	m := New(themes.NewStyles(themes.Dark, true))
	m.SetSize(80, 12)
	m.Focus()
	m.SetResult("scan users", itemsOut(wide(40), true), nil)
	m, _ = press(m, kDown, kRight, kRight)
	out := m.View()
	checkFrame(t, out, 80, 12)
	if strings.Contains(out, "\x1b[38") || strings.Contains(out, "\x1b[48") {
		t.Fatal("colour in a NO_COLOR frame")
	}
	golden.RequireEqual(t, frame(m))
}

// TestSizeMatrix: at every size from 10×1 to 200×60, every kind of result
// draws exactly h lines of at most w cells, before and after moving.
func TestSizeMatrix(t *testing.T) {
	stmt := "query users\n\twhere pk = '東京' andd sk > 1"
	many := users(120)
	many[7]["note"] = item.S("emoji 👩‍💻 and wide 東京タワー and a very long tail " + strings.Repeat("z", 300))
	many[9]["bin"] = item.B(make([]byte, 90))
	states := []struct {
		name string
		set  func(m *Model)
		keys []rune
	}{
		{"table", func(m *Model) { m.SetResult("scan", itemsOut(many, true), nil) }, nil},
		{"wide", func(m *Model) { m.SetResult("scan", itemsOut(wide(30), false), nil) }, []rune{'G', 'l', 'l', 'l'}},
		{"json", func(m *Model) { m.SetResult("scan", itemsOut(many, true), nil); m.SetMode(ViewJSON) }, []rune{'j', 'j', 'l'}},
		{"jsonEnd", func(m *Model) { m.SetResult("scan", itemsOut(many, false), nil); m.SetMode(ViewJSON) }, []rune{'G'}},
		{"error", func(m *Model) {
			m.SetResult(stmt, shell.Output{}, &shell.Error{Msg: "unexpected andd, a message long enough to wrap on narrow panes", Pos: strings.Index(stmt, "andd")})
		}, nil},
		{"text", func(m *Model) { m.SetResult(".stats", shell.Output{Text: report}, nil) }, []rune{'G', 'l'}},
		{"ok", func(m *Model) { m.SetResult("put", shell.Output{}, nil) }, nil},
		{"empty", func(m *Model) { m.SetResult("scan", shell.Output{HasItems: true}, nil) }, nil},
		{"none", func(m *Model) {}, nil},
	}
	for _, s := range states {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			m := New(dark())
			m.Focus()
			m.SetSize(80, 24)
			s.set(&m)
			for w := 10; w <= 200; w++ {
				for h := 1; h <= 60; h++ {
					if testing.Short() && (w%7 != 0 || h%5 != 0) {
						continue
					}
					m.SetSize(w, h)
					checkFrame(t, m.View(), w, h)
					if (w+h)%9 == 0 {
						for _, k := range s.keys {
							m, _ = m.Update(runeKey(k))
						}
						m, _ = m.Update(kDown)
						checkFrame(t, m.View(), w, h)
					}
				}
			}
		})
	}
}

func TestFrameWidth(t *testing.T) {
	for _, c := range frameCases() {
		for _, w := range []int{10, 33, 80, 200} {
			m := New(dark())
			m.SetSize(w, 20)
			c.set(&m)
			for _, l := range strings.Split(m.View(), "\n") {
				if got, want := frameWidth(l), lipgloss.Width(l); got != want {
					t.Fatalf("%s at %d: frameWidth %d, lipgloss.Width %d: %q", c.name, w, got, want, l)
				}
			}
		}
	}
	for _, r := range narrow {
		if lipgloss.Width(string(r)) != 1 {
			t.Fatalf("%q is not one cell", r)
		}
	}
}
