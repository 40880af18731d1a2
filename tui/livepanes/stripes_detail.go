package livepanes

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/keystonedb/kstone-shell/engine"
)

// The drill-down: one stripe's SSTs (oldest first, as the engine lists
// them) and WAL segments, under a summary line and a column header that
// stay put while the body scrolls.

// detailReady reports whether the snapshot's detail is the selected
// stripe's: until the root has fetched it, the pane says it is loading.
func (m StripesModel) detailReady() bool { return m.detail != nil && m.detail.ID == m.cursor }

func (m StripesModel) viewDrill() string {
	if !m.detailReady() {
		return fit([]string{
			m.pal.Muted.Render(fmt.Sprintf("loading stripe %d…", m.cursor)),
			m.pal.Muted.Render("esc: back to the map"),
		}, m.w, m.h)
	}
	head, body := m.drillLines()
	scroll := min(m.scroll, max(0, len(body)-(m.h-len(head))))
	return fit(append(head, body[scroll:]...), m.w, m.h)
}

// maxScroll is the last useful scroll position of the drill-down.
func (m StripesModel) maxScroll() int {
	if !m.detailReady() {
		return 0
	}
	head, body := m.drillLines()
	return max(0, len(body)-(m.h-len(head)))
}

// sstColumn is one column of the SST table; columns are offered in order of
// importance and kept while they fit.
type sstColumn struct {
	head  string
	right bool
	order int // position on screen
	cell  func(engine.SSTInfo) string
	cells []string
	width int
}

func (m StripesModel) sstColumns(d *engine.StripeDetail) []*sstColumn {
	prefix := fmt.Sprintf("%03d_", d.ID)
	return []*sstColumn{
		{head: "sst", order: 0, cell: func(t engine.SSTInfo) string { return shortSST(t.File, prefix) }},
		{head: "size", order: 1, right: true, cell: func(t engine.SSTInfo) string { return bytesShort(t.Size) }},
		{head: "entries", order: 2, right: true, cell: func(t engine.SSTInfo) string { return count(float64(t.Entries)) }},
		{head: "age", order: 5, right: true, cell: func(t engine.SSTInfo) string { return age(m.now.Sub(t.Created)) }},
		{head: "neg", order: 4, right: true, cell: func(t engine.SSTInfo) string {
			if t.BloomProbes == 0 {
				return "–"
			}
			return fmt.Sprintf("%.0f%%", 100*float64(t.BloomNegatives)/float64(t.BloomProbes))
		}},
		{head: "probes", order: 3, right: true, cell: func(t engine.SSTInfo) string { return count(float64(t.BloomProbes)) }},
	}
}

// shortSST drops the stripe prefix and the number's leading zeros:
// "042_0000001234.sst" → "1234.sst".
func shortSST(name, prefix string) string {
	s := strings.TrimLeft(strings.TrimPrefix(name, prefix), "0")
	if s == "" || s[0] == '.' {
		s = "0" + s
	}
	return s
}

func (m StripesModel) drillLines() (head, body []string) {
	d := m.detail
	head = append(head, m.join(
		m.pal.Accent.Render(fmt.Sprintf("stripe %d", d.ID)),
		m.sstStyle(d.SSTCount).Render(fmt.Sprintf("%d SSTs", d.SSTCount))+" "+bytesStr(d.SSTBytes),
		m.labelled("mem", fmt.Sprintf("%d rec", d.MemtableRecords)),
		m.labelled("wal", bytesStr(uint64(max(d.WALBytes, 0)))),
	))

	// Measure every offered column, keep those that fit, give the key
	// range what is left.
	cols := m.sstColumns(d)
	used := 0
	var shown []*sstColumn
	for _, c := range cols {
		c.width = lipgloss.Width(c.head)
		for _, t := range d.SSTs {
			s := c.cell(t)
			c.cells = append(c.cells, s)
			c.width = max(c.width, lipgloss.Width(s))
		}
		if used+c.width+b2i(used > 0) <= m.w {
			used += c.width + b2i(used > 0)
			shown = append(shown, c)
		}
	}
	slices.SortFunc(shown, func(a, b *sstColumn) int { return a.order - b.order })
	keysW := m.w - used - 1
	row := func(cell func(c *sstColumn) string, keys string) string {
		var b strings.Builder
		for i, c := range shown {
			if i > 0 {
				b.WriteByte(' ')
			}
			if c.right {
				b.WriteString(padLeft(cell(c), c.width))
			} else {
				b.WriteString(padRight(cell(c), c.width))
			}
		}
		if keysW >= 10 {
			b.WriteString(" " + keys)
		}
		return b.String()
	}
	head = append(head, m.pal.Muted.Render(row(func(c *sstColumn) string { return c.head }, "keys")))
	for i, t := range d.SSTs {
		body = append(body, m.pal.Text.Render(row(func(c *sstColumn) string { return c.cells[i] }, t.Smallest+" … "+t.Largest)))
	}
	if len(d.SSTs) == 0 {
		body = append(body, m.pal.Muted.Render("no SSTs: everything is in the memtable"))
	}
	for _, w := range d.WAL {
		state := "sealed"
		if w.Active {
			state = "active"
		}
		body = append(body, m.join(m.pal.Text.Render(w.File), bytesShort(uint64(max(w.Bytes, 0))), m.pal.Muted.Render(state)))
	}
	return head, body
}
