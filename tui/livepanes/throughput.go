package livepanes

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/keystonedb/kstone-shell/engine"
	"github.com/keystonedb/kstone-shell/themes"
	"github.com/keystonedb/kstone-shell/tui/metrics"
)

// ThroughputKeyMap is the throughput pane's bindings; help.KeyMap.
type ThroughputKeyMap struct {
	All key.Binding // also show the kinds without traffic
}

// DefaultThroughputKeyMap returns the default bindings.
func DefaultThroughputKeyMap() ThroughputKeyMap {
	return ThroughputKeyMap{All: key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "show idle kinds"))}
}

// ShortHelp implements help.KeyMap.
func (k ThroughputKeyMap) ShortHelp() []key.Binding { return []key.Binding{k.All} }

// FullHelp implements help.KeyMap.
func (k ThroughputKeyMap) FullHelp() [][]key.Binding { return [][]key.Binding{{k.All}} }

// opFigures is one kind's current figures.
type opFigures struct {
	kind     engine.OpKind
	rate     float64
	p50, p99 time.Duration
	active   bool // traffic now or within the history
}

// ThroughputModel shows operations per second per kind with sparklines,
// the interval's p50/p99 latencies, a total, and the write p99 over time.
type ThroughputModel struct {
	pane
	Keys ThroughputKeyMap

	showAll bool
	ops     [engine.NumOpKinds]opFigures
	total   float64
	stalls  uint64
	slow    time.Duration // write p99 drawn as a warning (SlowWriteP99)
}

// NewThroughput returns the pane with the engine's default SlowWriteP99.
func NewThroughput(st themes.Styles) ThroughputModel {
	return ThroughputModel{pane: newPane(st), Keys: DefaultThroughputKeyMap(), slow: engine.DefaultSlowWriteP99}
}

// SetSlowWriteP99 sets the write latency drawn as a warning (the
// database's SlowWriteP99); d <= 0 keeps the current one.
func (m *ThroughputModel) SetSlowWriteP99(d time.Duration) {
	if d > 0 {
		m.slow = d
	}
}

// SetData takes a refresh. A kind is active if it had traffic in the
// interval or anywhere in the history, so a pause does not make rows jump.
func (m *ThroughputModel) SetData(s metrics.Snapshot, h *metrics.History) {
	m.hasData, m.hist = true, h
	m.total = 0
	for k := range engine.NumOpKinds {
		o := s.Interval.Ops[k]
		f := opFigures{kind: k, rate: s.Interval.OpsPerSecond(k), p50: o.Latency.P50, p99: o.Latency.P99, active: o.Count > 0}
		for _, v := range h.OpsPerSec(k) {
			f.active = f.active || v > 0
		}
		m.ops[k] = f
		m.total += f.rate
	}
	m.stalls = s.Interval.WriteStalls
}

// Title names the pane with the total rate.
func (m ThroughputModel) Title() string {
	if !m.hasData {
		return "throughput"
	}
	return "throughput · " + count(m.total) + " ops/s"
}

// KeyMap is the pane's bindings.
func (m ThroughputModel) KeyMap() help.KeyMap { return m.Keys }

// Update toggles the idle kinds.
func (m ThroughputModel) Update(msg tea.Msg) (ThroughputModel, tea.Cmd) {
	if msg, ok := msg.(tea.KeyPressMsg); ok && m.focused && key.Matches(msg, m.Keys.All) {
		m.showAll = !m.showAll
	}
	return m, nil
}

// sparkCell is a kind's sparkline right-aligned in w cells; it counts
// the cells it draws rather than measuring the string (a frame measures
// enough already).
func (m ThroughputModel) sparkCell(vals []float64, w int) string {
	return strings.Repeat(" ", w-min(len(vals), w)) + m.pal.Accent.Render(Sparkline(vals, w))
}

func isWrite(k engine.OpKind) bool {
	return k == engine.OpPut || k == engine.OpDelete || k == engine.OpUpdate
}

// View: a row per kind ("put  1.2k ▃▄▅▆ 38µs 850µs"), the total, and the
// put p99 sparkline (the latency Health watches), taller when there is
// room. Narrow panes drop the row sparklines, then p50.
func (m ThroughputModel) View() string {
	if !m.hasData {
		return m.noData()
	}
	const kindW, rateW, latW = 6, 6, 7
	showP50 := m.w >= kindW+rateW+2*latW+2
	sparkW := m.w - kindW - rateW - latW - 3
	if showP50 {
		sparkW -= latW + 1
	}
	if sparkW < 6 {
		sparkW = 0
	}
	row := func(kind, rate, spark, p50, p99 string) string {
		var b strings.Builder
		b.WriteString(padRight(kind, kindW))
		b.WriteString(padLeft(rate, rateW))
		if sparkW > 0 {
			b.WriteString(" " + spark) // already sparkW cells: see sparkCell
		}
		if showP50 {
			b.WriteString(" " + padLeft(p50, latW))
		}
		b.WriteString(" " + padLeft(p99, latW))
		return b.String()
	}
	lines := []string{m.pal.Muted.Render(row("op", "ops/s", strings.Repeat(" ", sparkW), "p50", "p99"))}
	for _, o := range m.ops {
		if !o.active && !m.showAll {
			continue
		}
		p99 := m.pal.Text
		if isWrite(o.kind) && o.p99 > m.slow {
			p99 = m.pal.Warn
		}
		lines = append(lines, row(m.pal.Accent.Render(o.kind.String()), count(o.rate),
			m.sparkCell(m.hist.OpsPerSec(o.kind), sparkW), dur(o.p50), p99.Render(dur(o.p99))))
	}
	if len(lines) == 1 {
		lines = append(lines, m.pal.Muted.Render("no traffic"))
	}
	total := m.pal.Bold.Render("total") + " " + count(m.total) + " ops/s"
	if m.stalls > 0 {
		total = m.join(total, m.pal.Warn.Render(fmt.Sprintf("%d write stalls", m.stalls)))
	}
	lines = append(lines, total)

	put := m.ops[engine.OpPut]
	if !put.active && !m.showAll {
		return fit(lines, m.w, m.h)
	}
	style := m.pal.Accent
	if put.p99 > m.slow {
		style = m.pal.Warn
	}
	rows := 1 + min(maxChartRows-1, max(0, m.h-len(lines)-1))
	lines = append(lines, m.sparkBlock(m.labelled("put p99", style.Render(dur(put.p99))), m.hist.P99(engine.OpPut), rows, style)...)
	return fit(lines, m.w, m.h)
}
