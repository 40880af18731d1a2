package livepanes

import (
	"fmt"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/keystonedb/kstone-shell/themes"
	"github.com/keystonedb/kstone-shell/tui/metrics"
)

// Golden frames: testdata/<test>/<pane>/<scenario>/<w>x<h>.golden, raw
// (escape sequences included). Regenerate with
//
//	go test ./tui/livepanes -run Golden -update
//
// and read the diff before committing it.

var goldenSizes = [][2]int{{38, 10}, {60, 18}}

// goldenScenarios: healthy and degraded for every pane, plus the scenario
// each pane exists for.
func goldenScenarios(pane string) []metrics.Scenario {
	scs := []metrics.Scenario{metrics.Healthy, metrics.Degraded}
	switch pane {
	case "compaction":
		scs = append(scs, metrics.Compacting)
	case "health":
		scs = append(scs, metrics.Unhealthy)
	}
	return scs
}

func TestGolden(t *testing.T) {
	for _, p := range allPanes() {
		t.Run(p.name, func(t *testing.T) {
			for _, sc := range goldenScenarios(p.name) {
				t.Run(sc.String(), func(t *testing.T) {
					s, hist := fixture(sc)
					for _, sz := range goldenSizes {
						t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
							golden.RequireEqual(t, []byte(p.make(darkStyles(), sz[0], sz[1], s, hist).View()))
						})
					}
				})
			}
		})
	}
}

// TestGoldenNoColor: the heat map in glyphs and the bracketed badge.
func TestGoldenNoColor(t *testing.T) {
	for _, p := range allPanes() {
		if p.name != "stripes" && p.name != "health" {
			continue
		}
		t.Run(p.name, func(t *testing.T) {
			for _, sc := range []metrics.Scenario{metrics.Healthy, metrics.Degraded} {
				t.Run(sc.String(), func(t *testing.T) {
					s, hist := fixture(sc)
					for _, sz := range goldenSizes {
						t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
							golden.RequireEqual(t, []byte(p.make(noColorStyles(), sz[0], sz[1], s, hist).View()))
						})
					}
				})
			}
		})
	}
}

// TestGoldenStripes: the other states of the stripes pane, in colour and
// without: SST mode, the drill-down into stripe 42, one cell a stripe.
func TestGoldenStripes(t *testing.T) {
	s, hist := fixture(metrics.Degraded)
	for _, st := range []themes.Styles{darkStyles(), noColorStyles()} {
		name := "dark"
		if st.NoColor {
			name = "nocolor"
		}
		t.Run(name, func(t *testing.T) {
			build := func(w, h int) StripesModel {
				m := NewStripes(st)
				m.SetSize(w, h)
				m.SetData(s, hist)
				m.Focus()
				return m
			}
			t.Run("ssts-60x18", func(t *testing.T) {
				m := build(60, 18)
				m, _ = m.Update(press("m"))
				golden.RequireEqual(t, []byte(m.View()))
			})
			t.Run("narrow-20x18", func(t *testing.T) {
				golden.RequireEqual(t, []byte(build(20, 18).View()))
			})
			t.Run("drill-60x18", func(t *testing.T) {
				m := build(60, 18)
				for range 2 {
					m, _ = m.Update(press("j"))
				}
				for range 10 {
					m, _ = m.Update(press("l"))
				}
				m, _ = m.Update(press("enter"))
				d := metrics.FakeDetail(metrics.Degraded, m.Selected(), s.Time)
				ds := s
				ds.Detail = &d
				m.SetData(ds, hist)
				golden.RequireEqual(t, []byte(m.View()))
			})
		})
	}
}
