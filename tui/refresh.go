package tui

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/keystonedb/kstone-shell/tui/metrics"
)

// The live panes refresh on one tick chain: a tick asks for metrics (in a
// tea.Cmd: the engine is never called from Update or View), and handling
// the metrics arms the next tick. A chain is stamped with a generation;
// ticks of an older chain are dropped, so there is never more than one.

type tickMsg struct{ gen int }

type metricsMsg struct{ snap metrics.Snapshot }

func (m *Model) tick() tea.Cmd {
	gen := m.gen
	return tea.Tick(m.refresh, func(time.Time) tea.Msg { return tickMsg{gen: gen} })
}

// fetch reads the metrics off the UI loop and restarts the chain: the
// tick it arms on arrival replaces any pending one.
func (m *Model) fetch() tea.Cmd {
	m.gen++
	src, stripe, prev := m.cfg.Source, m.stripe, m.snap
	return func() tea.Msg {
		s := metrics.Take(src, prev)
		if stripe >= 0 {
			if d, err := src.StripeDetail(stripe); err == nil {
				s.Detail = &d
			}
		}
		return metricsMsg{snap: s}
	}
}

func (m *Model) onMetrics(msg metricsMsg) {
	m.snap = msg.snap
	m.hist.Push(msg.snap)
	for _, p := range m.panes {
		p.setData(msg.snap, m.hist)
	}
}
