package livepanes

import (
	"fmt"
	"slices"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/keystonedb/kstone-shell/engine"
	"github.com/keystonedb/kstone-shell/themes"
	"github.com/keystonedb/kstone-shell/tui/metrics"
)

// CompactionKeyMap is empty: the pane only shows figures. It exists so the
// root treats every pane alike.
type CompactionKeyMap struct{}

// ShortHelp implements help.KeyMap.
func (CompactionKeyMap) ShortHelp() []key.Binding { return nil }

// FullHelp implements help.KeyMap.
func (CompactionKeyMap) FullHelp() [][]key.Binding { return nil }

// CompactionModel shows running compactions with progress bars, the queue,
// the rate with its sparkline, write amplification and the totals.
type CompactionModel struct {
	pane
	Keys CompactionKeyMap

	running  []engine.RunningCompaction
	queued   int
	totals   engine.CompactionStats // cumulative; Running unused
	writeAmp float64
	rate     float64 // input bytes per second over the last interval
}

// NewCompaction returns the pane.
func NewCompaction(st themes.Styles) CompactionModel {
	return CompactionModel{pane: newPane(st)}
}

// SetData takes a refresh.
func (m *CompactionModel) SetData(s metrics.Snapshot, h *metrics.History) {
	m.hasData, m.hist = true, h
	m.running = slices.Clone(s.Stats.Compaction.Running)
	m.queued = s.Stats.Compaction.Queued
	m.totals = s.Stats.Compaction
	m.totals.Running = nil
	m.writeAmp = s.Stats.WriteAmp()
	m.rate = 0
	if sec := s.Interval.Interval.Seconds(); sec > 0 {
		m.rate = float64(s.Interval.Compaction.BytesRead) / sec
	}
}

// Title names the pane with what runs.
func (m CompactionModel) Title() string {
	if n := len(m.running); n > 0 {
		return fmt.Sprintf("compaction · %d running", n)
	}
	return "compaction"
}

// KeyMap is the pane's (empty) bindings.
func (m CompactionModel) KeyMap() help.KeyMap { return m.Keys }

// Update does nothing: there is nothing to select.
func (m CompactionModel) Update(tea.Msg) (CompactionModel, tea.Cmd) { return m, nil }

// View: a summary line, a bar per running compaction, the rate sparkline
// (taller when there is room) and the totals. Lines are in order of
// importance, so a short pane loses the totals first.
func (m CompactionModel) View() string {
	if !m.hasData {
		return m.noData()
	}
	wa := fmt.Sprintf("WA %.2f×", m.writeAmp)
	if m.writeAmp > engine.DefaultHighWriteAmp {
		wa = m.pal.Warn.Render(wa)
	}
	queued := fmt.Sprintf("%d queued", m.queued)
	if m.queued > 0 {
		queued = m.pal.Warn.Render(queued)
	}
	lines := []string{m.join(m.pal.Bold.Render(fmt.Sprintf("%d running", len(m.running))), queued, wa)}

	const below = 3 // rate and two lines of totals
	runRows := min(len(m.running), max(1, m.h-1-below))
	if len(m.running) == 0 {
		lines = append(lines, m.pal.Muted.Render("idle: no compaction running"))
	}
	for i, r := range m.running[:runRows] {
		if i == runRows-1 && runRows < len(m.running) {
			lines = append(lines, m.pal.Muted.Render(fmt.Sprintf("+%d more running", len(m.running)-i)))
			break
		}
		lines = append(lines, m.runningLine(r))
	}

	chartRows := 1 + min(maxChartRows-1, max(0, m.h-len(lines)-below))
	lines = append(lines, m.sparkBlock(m.labelled("rate", bytesShort(uint64(m.rate))+"/s"),
		m.hist.CompactionBytesPerSec(), chartRows, m.pal.Accent)...)
	t := m.totals
	lines = append(lines,
		m.join(m.labelled("done", count(float64(t.Count))), m.labelled("read", bytesStr(t.BytesRead))),
		m.join(m.labelled("wrote", bytesStr(t.BytesWritten)), m.labelled("reclaimed", bytesStr(t.BytesReclaimed))))
	return fit(lines, m.w, m.h)
}

// runningLine is "#17  ████▊░░░░  35% 5 SSTs 18.4M 12s": the inputs, size
// and elapsed time go first when the pane is narrow, the bar keeps at
// least six cells.
func (m CompactionModel) runningLine(r engine.RunningCompaction) string {
	label := fmt.Sprintf("#%-3d ", r.Stripe)
	pctStr := fmt.Sprintf(" %3.0f%%", 100*r.Progress())
	extra := fmt.Sprintf(" %d SSTs %s %s", r.Inputs, bytesShort(r.BytesTotal), age(r.Elapsed))
	fixed := lipgloss.Width(label) + lipgloss.Width(pctStr)
	bw := m.w - fixed - lipgloss.Width(extra)
	if bw < 6 {
		extra = ""
		bw = m.w - fixed
	}
	return m.pal.Accent.Render(label) + bar(r.Progress(), max(bw, 1), m.pal.ProgressFull, m.pal.ProgressEmpty) + pctStr + m.pal.Muted.Render(extra)
}
