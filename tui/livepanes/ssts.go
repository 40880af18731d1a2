package livepanes

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/keystonedb/kstone-shell/engine"
	"github.com/keystonedb/kstone-shell/themes"
	"github.com/keystonedb/kstone-shell/tui/metrics"
)

// distBuckets: stripes with 0, 1, …, 9 SSTs, and 10 or more.
const distBuckets = 11

// worstKept is how many of the worst stripes SetData keeps for scrolling.
const worstKept = 32

// SSTsKeyMap is the SSTs pane's bindings; help.KeyMap.
type SSTsKeyMap struct {
	Sort     key.Binding
	Up, Down key.Binding
}

// DefaultSSTsKeyMap returns the default bindings.
func DefaultSSTsKeyMap() SSTsKeyMap {
	sk := newScrollKeys()
	return SSTsKeyMap{
		Sort: key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sort by count/size")),
		Up:   sk.Up, Down: sk.Down,
	}
}

// ShortHelp implements help.KeyMap.
func (k SSTsKeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Sort, k.Up, k.Down} }

// FullHelp implements help.KeyMap.
func (k SSTsKeyMap) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// stripeSSTs is one stripe's SST figures for the worst list.
type stripeSSTs struct {
	id, n int
	bytes uint64
}

// SSTsModel shows the SST totals, how SSTs spread over the stripes, and the
// stripes holding the most.
type SSTsModel struct {
	pane
	Keys SSTsKeyMap

	byBytes bool
	scroll  int
	high    int // HighSSTCount: drawn as an error

	total   int
	bytes   uint64
	dist    [distBuckets]int
	byCount []stripeSSTs // worst first, worstKept at most
	bySize  []stripeSSTs
}

// NewSSTs returns the pane with the engine's default HighSSTCount.
func NewSSTs(st themes.Styles) SSTsModel {
	return SSTsModel{pane: newPane(st), Keys: DefaultSSTsKeyMap(), high: engine.DefaultHighSSTCount}
}

// SetHighSSTCount sets the count Health warns at (the database's
// HighSSTCount); n <= 0 keeps the current one.
func (m *SSTsModel) SetHighSSTCount(n int) {
	if n > 0 {
		m.high = n
	}
}

// SetData counts and sorts once per refresh.
func (m *SSTsModel) SetData(s metrics.Snapshot, h *metrics.History) {
	m.hasData, m.hist = true, h
	m.total, m.bytes = s.Stats.SSTCount, s.Stats.SSTBytes
	m.dist = [distBuckets]int{}
	all := make([]stripeSSTs, 0, numStripes)
	for _, st := range s.Stats.Stripes {
		m.dist[min(st.SSTCount, distBuckets-1)]++
		if st.SSTCount > 0 {
			all = append(all, stripeSSTs{st.ID, st.SSTCount, st.SSTBytes})
		}
	}
	slices.SortFunc(all, func(a, b stripeSSTs) int {
		return cmp.Or(cmp.Compare(b.n, a.n), cmp.Compare(b.bytes, a.bytes), cmp.Compare(a.id, b.id))
	})
	m.byCount = slices.Clone(all[:min(len(all), worstKept)])
	slices.SortFunc(all, func(a, b stripeSSTs) int {
		return cmp.Or(cmp.Compare(b.bytes, a.bytes), cmp.Compare(b.n, a.n), cmp.Compare(a.id, b.id))
	})
	m.bySize = all[:min(len(all), worstKept)]
}

// Title names the pane with the SST count.
func (m SSTsModel) Title() string {
	if !m.hasData {
		return "ssts"
	}
	return fmt.Sprintf("ssts · %d files", m.total)
}

// KeyMap is the pane's bindings.
func (m SSTsModel) KeyMap() help.KeyMap { return m.Keys }

// Update sorts and scrolls the worst list.
func (m SSTsModel) Update(msg tea.Msg) (SSTsModel, tea.Cmd) {
	if !m.focused {
		return m, nil
	}
	if msg, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(msg, m.Keys.Sort):
			m.byBytes, m.scroll = !m.byBytes, 0
		case key.Matches(msg, m.Keys.Up):
			m.scroll = max(0, m.scroll-1)
		case key.Matches(msg, m.Keys.Down):
			m.scroll = min(m.scroll+1, max(0, len(m.byCount)-1))
		}
	}
	return m, nil
}

// View: totals, the distribution (bars per bucket when tall, a one-line
// column chart otherwise), then as many of the worst stripes as fit.
func (m SSTsModel) View() string {
	if !m.hasData {
		return m.noData()
	}
	lines := make([]string, 0, m.h)
	avg := uint64(0)
	if m.total > 0 {
		avg = m.bytes / uint64(m.total)
	}
	lines = append(lines, m.join(m.pal.Bold.Render(fmt.Sprintf("%d SSTs", m.total)), bytesStr(m.bytes),
		m.labelled("avg", bytesShort(avg)), m.labelled("in", fmt.Sprintf("%d stripes", numStripes-m.dist[0]))))
	if m.h >= 1+distBuckets+3 {
		lines = append(lines, m.distBars()...)
	} else {
		lines = append(lines, m.distColumns()...)
	}
	if rest := m.h - len(lines); rest >= 2 {
		lines = append(lines, m.worst(rest)...)
	}
	return fit(lines, m.w, m.h)
}

func bucketLabel(b int) string {
	if b == distBuckets-1 {
		return fmt.Sprintf("%d+", b)
	}
	return fmt.Sprint(b)
}

// bucketStyle colours buckets of stripes that fall behind or are too many.
func (m SSTsModel) bucketStyle(b int) ink {
	if s := m.sstStyleFor(b, m.high); b >= 2*engine.DefaultCompactionThreshold {
		return s
	}
	return m.pal.Accent
}

func (m SSTsModel) distMax() int {
	top := 1
	for _, n := range m.dist {
		top = max(top, n)
	}
	return top
}

// distBars: one line per bucket, "10+ ███▍ 3".
func (m SSTsModel) distBars() []string {
	out := []string{m.pal.Muted.Render("SSTs  stripes")}
	top := m.distMax()
	bw := max(0, m.w-4-5)
	for b, n := range m.dist {
		bar, cells := hbar(float64(n)/float64(top), bw)
		line := padLeft(bucketLabel(b), 3) + " " + m.bucketStyle(b).Render(bar)
		out = append(out, line+padLeft(fmt.Sprint(n), m.w-4-cells))
	}
	return out
}

// distColumns: a column per bucket over a row of labels, 3, 2 or 1 cells a
// column depending on the width.
func (m SSTsModel) distColumns() []string {
	cw := 3
	switch {
	case m.w < 2*distBuckets:
		cw = 1
	case m.w < 3*distBuckets:
		cw = 2
	}
	runes := []rune(sparkRunes)
	top := m.distMax()
	var bars, labels strings.Builder
	for b, n := range m.dist {
		r := ' '
		if n > 0 {
			r = runes[min(7, n*7/top)]
		}
		bars.WriteString(m.bucketStyle(b).Render(strings.Repeat(string(r), max(1, cw-1))))
		lbl := bucketLabel(b)
		if cw < 3 && b == distBuckets-1 {
			lbl = "+"
		}
		if cw > 1 {
			bars.WriteByte(' ')
			lbl = padRight(lbl, cw)
		}
		labels.WriteString(lbl)
	}
	return []string{bars.String(), m.pal.Muted.Render(labels.String() + " SSTs")}
}

// worst lists the stripes with the most SSTs (or bytes) in n lines.
func (m SSTsModel) worst(n int) []string {
	list, by := m.byCount, "count"
	if m.byBytes {
		list, by = m.bySize, "size"
	}
	out := []string{m.pal.Muted.Render("worst stripes, by " + by)}
	if len(list) == 0 {
		return append(out, m.pal.Muted.Render("none: no SSTs yet"))
	}
	list = list[min(m.scroll, len(list)-1):]
	top := max(m.byCount[0].n, 1) // the same scale while scrolling and sorting
	for _, s := range list[:min(len(list), n-1)] {
		id, n, size := fmt.Sprintf("#%-3d ", s.id), fmt.Sprintf("%3d", s.n), padLeft(bytesShort(s.bytes), 6)
		bw := m.w - lipgloss.Width(id+n+size) - 2
		bar, _ := hbar(float64(s.n)/float64(top), bw)
		style := m.sstStyleFor(s.n, m.high)
		out = append(out, id+style.Render(n)+" "+size+" "+style.Render(bar))
	}
	return out
}

// hbar is a bar of frac × width cells in eighths, without an empty part,
// and the cells it takes.
func hbar(frac float64, width int) (string, int) {
	if width <= 0 || frac <= 0 {
		return "", 0
	}
	eighths := int(min(frac, 1)*float64(width*8) + 0.5)
	s, cells := strings.Repeat("█", eighths/8), eighths/8
	if p := eighths % 8; p > 0 {
		s += string([]rune(barEighths)[p-1])
		cells++
	}
	return s, cells
}
