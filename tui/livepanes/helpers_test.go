package livepanes

import (
	"github.com/keystonedb/kstone-shell/themes"
	"github.com/keystonedb/kstone-shell/tui/metrics"
)

// view is what the tests need of every pane.
type view interface {
	View() string
	Title() string
}

// paneMaker builds one pane at a size, fed with a snapshot and history.
type paneMaker struct {
	name string
	make func(st themes.Styles, w, h int, s metrics.Snapshot, hist *metrics.History) view
}

func allPanes() []paneMaker {
	return []paneMaker{
		{"stripes", func(st themes.Styles, w, h int, s metrics.Snapshot, hist *metrics.History) view {
			m := NewStripes(st)
			m.SetSize(w, h)
			m.SetData(s, hist)
			return m
		}},
		{"ssts", func(st themes.Styles, w, h int, s metrics.Snapshot, hist *metrics.History) view {
			m := NewSSTs(st)
			m.SetSize(w, h)
			m.SetData(s, hist)
			return m
		}},
		{"compaction", func(st themes.Styles, w, h int, s metrics.Snapshot, hist *metrics.History) view {
			m := NewCompaction(st)
			m.SetSize(w, h)
			m.SetData(s, hist)
			return m
		}},
		{"bloom", func(st themes.Styles, w, h int, s metrics.Snapshot, hist *metrics.History) view {
			m := NewBloom(st)
			m.SetSize(w, h)
			m.SetData(s, hist)
			return m
		}},
		{"throughput", func(st themes.Styles, w, h int, s metrics.Snapshot, hist *metrics.History) view {
			m := NewThroughput(st)
			m.SetSize(w, h)
			m.SetData(s, hist)
			return m
		}},
		{"health", func(st themes.Styles, w, h int, s metrics.Snapshot, hist *metrics.History) view {
			m := NewHealth(st)
			m.SetSize(w, h)
			m.SetData(s, hist)
			return m
		}},
	}
}

// histLen is the history the golden frames draw: enough to fill the widest
// sparkline of a 60-cell pane.
const histLen = 90

// fixture is a scenario's last snapshot and its history.
func fixture(sc metrics.Scenario) (metrics.Snapshot, *metrics.History) {
	return metrics.FakeSnapshot(sc, metrics.FakeClock(histLen-1)), metrics.FakeHistory(sc, histLen)
}

func darkStyles() themes.Styles    { return themes.NewStyles(themes.Dark, false) }
func noColorStyles() themes.Styles { return themes.NewStyles(themes.Dark, true) }
