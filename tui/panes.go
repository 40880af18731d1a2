package tui

import (
	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"github.com/keystonedb/kstone-shell/themes"
	"github.com/keystonedb/kstone-shell/tui/livepanes"
	"github.com/keystonedb/kstone-shell/tui/metrics"
)

// livePane adapts one of the live panes (each its own model type) to what
// the root needs, so the root handles all six alike.
type livePane struct {
	name    string
	view    func() string
	title   func() string
	setSize func(w, h int)
	setData func(metrics.Snapshot, *metrics.History)
	update  func(tea.Msg) tea.Cmd
	focus   func(bool)
	keys    func() help.KeyMap
	click   func(x, y int) bool // nil when the pane takes no clicks
}

// paneModel is the shape every live pane has.
type paneModel[M any] interface {
	*M
	View() string
	Title() string
	SetSize(w, h int)
	SetData(metrics.Snapshot, *metrics.History)
	Focus()
	Blur()
	KeyMap() help.KeyMap
}

// adapt wraps a pane model; the closures share the one copy of m.
func adapt[M any, P paneModel[M]](name string, m M, update func(M, tea.Msg) (M, tea.Cmd)) *livePane {
	p := P(&m)
	lp := &livePane{
		name: name, view: p.View, title: p.Title, setSize: p.SetSize, setData: p.SetData, keys: p.KeyMap,
		update: func(msg tea.Msg) tea.Cmd {
			var c tea.Cmd
			m, c = update(m, msg)
			return c
		},
		focus: func(on bool) {
			if on {
				p.Focus()
			} else {
				p.Blur()
			}
		},
	}
	if c, ok := any(p).(interface{ ClickAt(x, y int) bool }); ok {
		lp.click = c.ClickAt
	}
	return lp
}

// newLivePanes builds the six panes in their display order; the first is
// the stripes map, which takes clicks.
func newLivePanes(st themes.Styles) []*livePane {
	return []*livePane{
		adapt[livepanes.StripesModel]("Stripes", livepanes.NewStripes(st), livepanes.StripesModel.Update),
		adapt[livepanes.HealthModel]("Health", livepanes.NewHealth(st), livepanes.HealthModel.Update),
		adapt[livepanes.ThroughputModel]("Throughput", livepanes.NewThroughput(st), livepanes.ThroughputModel.Update),
		adapt[livepanes.CompactionModel]("Compaction", livepanes.NewCompaction(st), livepanes.CompactionModel.Update),
		adapt[livepanes.SSTsModel]("SSTs", livepanes.NewSSTs(st), livepanes.SSTsModel.Update),
		adapt[livepanes.BloomModel]("Bloom", livepanes.NewBloom(st), livepanes.BloomModel.Update),
	}
}
