package livepanes

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/keystonedb/kstone-shell/engine"
	"github.com/keystonedb/kstone-shell/themes"
	"github.com/keystonedb/kstone-shell/tui/metrics"
)

// BloomKeyMap is empty: the pane only shows figures.
type BloomKeyMap struct{}

// ShortHelp implements help.KeyMap.
func (BloomKeyMap) ShortHelp() []key.Binding { return nil }

// FullHelp implements help.KeyMap.
func (BloomKeyMap) FullHelp() [][]key.Binding { return nil }

// BloomModel shows bloom filter probes, the share answered "absent" (the
// reads saved) and the false-positive rate, now and since open, with
// sparklines of both rates.
type BloomModel struct {
	pane
	Keys BloomKeyMap

	probesPerSec    float64
	probes          uint64 // since open
	negNow, negOpen float64
	fpNow, fpOpen   float64
	hasInterval     bool
	fpWarn          float64 // a false-positive rate worth a look
}

// NewBloom returns the pane; false-positive rates above twice the engine's
// default target are drawn as warnings.
func NewBloom(st themes.Styles) BloomModel {
	return BloomModel{pane: newPane(st), fpWarn: 2 * engine.DefaultBloomFalsePositiveRate}
}

// SetData takes a refresh.
func (m *BloomModel) SetData(s metrics.Snapshot, h *metrics.History) {
	m.hasData, m.hist = true, h
	iv := s.Interval
	m.hasInterval = iv.Interval > 0
	m.probesPerSec = 0
	if m.hasInterval {
		m.probesPerSec = float64(iv.BloomProbes) / iv.Interval.Seconds()
	}
	m.probes = s.Stats.BloomProbes
	m.negNow, m.negOpen = iv.BloomNegativeRate(), s.Stats.BloomNegativeRate()
	m.fpNow, m.fpOpen = iv.BloomFalsePositiveRate(), s.Stats.BloomFalsePositiveRate()
}

// Title names the pane with the current negative rate.
func (m BloomModel) Title() string {
	if !m.hasInterval {
		return "bloom filters"
	}
	return "bloom filters · " + pct(m.negNow) + " skipped"
}

// KeyMap is the pane's (empty) bindings.
func (m BloomModel) KeyMap() help.KeyMap { return m.Keys }

// Update does nothing: there is nothing to select.
func (m BloomModel) Update(tea.Msg) (BloomModel, tea.Cmd) { return m, nil }

// View: a small table (now / since open) and a sparkline per rate; spare
// height goes to the sparklines.
func (m BloomModel) View() string {
	if !m.hasData {
		return m.noData()
	}
	const lw, cw = 9, 10
	showOpen := m.w >= lw+2*cw+2 // else only "now": it is what changes
	row := func(label, now, open string) string {
		s := m.pal.Muted.Render(padRight(label, lw)) + padLeft(now, cw)
		if showOpen {
			s += padLeft(open, cw+2)
		}
		return s
	}
	nowOr := func(s string) string {
		if !m.hasInterval {
			return "–"
		}
		return s
	}
	fpStyle := func(f float64) ink {
		if f > m.fpWarn {
			return m.pal.Warn
		}
		return m.pal.Text
	}
	lines := []string{
		m.pal.Muted.Render(row("", "now", "since open")),
		row("probes", nowOr(count(m.probesPerSec)+"/s"), count(float64(m.probes))),
		row("negative", nowOr(pct(m.negNow)), pct(m.negOpen)),
		row("false +", nowOr(fpStyle(m.fpNow).Render(pct(m.fpNow))), fpStyle(m.fpOpen).Render(pct(m.fpOpen))),
	}
	// Rates hover near their maximum, so tall charts of them say little:
	// two rows at most.
	spare := max(0, m.h-len(lines)-2)
	negRows, fpRows := 1+min(1, (spare+1)/2), 1+min(1, spare/2)
	lines = append(lines, m.sparkBlock(m.pal.Muted.Render(padRight("negative", lw-1)), m.hist.BloomNegativeRate(), negRows, m.pal.OK)...)
	lines = append(lines, m.sparkBlock(m.pal.Muted.Render(padRight("false +", lw-1)), m.hist.BloomFalsePositiveRate(), fpRows, m.pal.Accent)...)
	return fit(lines, m.w, m.h)
}
