package results

import (
	"maps"
	"slices"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/keystonedb/kstone-shell/engine/item"
)

// Table layout. A row is a one-cell margin, then the columns separated by
// " │ ", padded to the pane's width:
//
//	 pk     │ sk │ name      │ size
//	────────┼────┼───────────┼──────
//	 user#1 │  1 │ Ada       │   12
//
// Columns are as wide as their widest cell seen (the header, the first
// sampleRows items, and every row that has been on screen), fitted to the
// pane like the shell's table: when they do not all fit, the widest are
// shrunk first, but not below min(natural, 12 cells); past that the
// table scrolls sideways by whole columns. The leading key columns stay
// put while the others scroll, when they take at most half the pane.

const (
	// maxCellBytes caps how much of a value a cell formats and measures:
	// a cell never shows more than a pane's width.
	maxCellBytes = 1024
	// maxCached is how many rows (and cell rows, and JSON items) the
	// caches hold before they are emptied.
	maxCached = 2048
)

// colFloor is the narrowest a column is shrunk to when the table does not
// fit: 12 cells (or its natural width, if less); columns stay readable and
// the table scrolls sideways instead.
func colFloor(w int) int {
	return min(12, max(1, w-2))
}

// addColumns adds the attribute names of items to the columns; it reports
// whether the columns changed. Key columns come first (those some item
// has, in order), then the others sorted by name.
func (m *Model) addColumns(items []item.Item) bool {
	added := false
	for _, it := range items {
		for name := range it {
			if _, ok := m.present[name]; !ok {
				m.present[name] = struct{}{}
				added = true
			}
		}
	}
	if !added && m.cols != nil {
		return false
	}
	old := make(map[string]int, len(m.cols))
	for j, c := range m.cols {
		old[c] = m.natural[j]
	}
	cols := make([]string, 0, len(m.present))
	seen := make(map[string]struct{}, len(m.present))
	for _, k := range m.keyCols {
		if _, ok := m.present[k]; ok {
			if _, dup := seen[k]; !dup {
				seen[k] = struct{}{}
				cols = append(cols, k)
			}
		}
	}
	nkeys := len(cols)
	for _, name := range slices.Sorted(maps.Keys(m.present)) {
		if _, ok := seen[name]; !ok {
			cols = append(cols, name)
		}
	}
	natural := make([]int, len(cols))
	for j, c := range cols {
		if w, ok := old[c]; ok {
			natural[j] = w
		} else {
			natural[j] = headerCell(c).width
		}
	}
	m.cols, m.nkeys, m.natural = cols, nkeys, natural
	clear(m.c.cells) // indexed by column
	m.c.reset()
	return true
}

// measure widens the columns to fit rows [from, to); it reports whether
// any column got wider.
func (m *Model) measure(from, to int) bool {
	grew := false
	for r := from; r < to; r++ {
		for j, c := range m.rowCells(r) {
			if c.width > m.natural[j] {
				m.natural[j] = c.width
				grew = true
			}
		}
	}
	return grew
}

// rowCells returns the cells of row r, formatting them on first use.
func (m *Model) rowCells(r int) []cell {
	if cs, ok := m.c.cells[r]; ok {
		return cs
	}
	it := m.items[r]
	cs := make([]cell, len(m.cols))
	for j, name := range m.cols {
		if v, ok := it[name]; ok {
			cs[j] = newCell(v)
			if len(cs[j].text) > maxCellBytes {
				cs[j] = capCell(cs[j])
			}
		}
	}
	if len(m.c.cells) >= maxCached {
		clear(m.c.cells)
	}
	m.c.cells[r] = cs
	return cs
}

// capCell cuts a huge cell to maxCellBytes (on a character boundary).
func capCell(c cell) cell {
	t := ansi.Truncate(c.text, maxCellBytes, "…")
	return cell{text: t, width: lipgloss.Width(t), right: c.right}
}

// fitWidths fits the natural column widths to the pane.
func (m *Model) fitWidths() {
	n := len(m.natural)
	if n == 0 {
		m.widths = nil
		return
	}
	budget := m.w - tableFrame(n)
	total := 0
	for _, w := range m.natural {
		total += w
	}
	widths := make([]int, n)
	if total <= budget {
		copy(widths, m.natural)
	} else {
		f := colFloor(m.w)
		floors := make([]int, n)
		ft := 0
		for j, w := range m.natural {
			floors[j] = min(w, f)
			ft += floors[j]
		}
		if ft <= budget {
			widths = shrinkColumns(m.natural, floors, budget)
		} else {
			copy(widths, floors)
		}
	}
	if !slices.Equal(widths, m.widths) {
		m.widths = widths
		m.c.reset()
	}
}

// tableFrame is the width the margin and separators of k columns take.
func tableFrame(k int) int { return 1 + 3*max(k-1, 0) }

// shrinkColumns returns widths no wider than natural, no narrower than
// floors, summing to at most budget, taking cells from the widest columns
// first (as the shell's table does). It assumes sum(floors) <= budget.
func shrinkColumns(natural, floors []int, budget int) []int {
	total := func(level int) int {
		t := 0
		for j, w := range natural {
			t += min(w, max(level, floors[j]))
		}
		return t
	}
	lo, hi := 0, slices.Max(natural)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if total(mid) <= budget {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	widths := make([]int, len(natural))
	spare := budget - total(lo)
	for j, w := range natural {
		widths[j] = min(w, max(lo, floors[j]))
		if spare > 0 && widths[j] < w {
			widths[j]++
			spare--
		}
	}
	return widths
}

// pinned is how many leading key columns stay put while the others
// scroll: all of them when they take at most half the pane, else none.
func (m *Model) pinned() int {
	used := 1
	for j := range m.nkeys {
		used += m.widths[j] + 3
	}
	if m.nkeys > 0 && used <= m.w/2 {
		return m.nkeys
	}
	return 0
}

// span is a column as drawn: its index and the cells it gets.
type span struct{ col, width int }

// visibleCols lays out the columns shown at horizontal offset xoff: the
// pinned ones, then the scrollable ones from xoff on while they fit; the
// last may be cut (it then ends with an ellipsis).
func (m *Model) visibleCols(xoff int) []span {
	var vis []span
	used := 1
	add := func(j int) bool {
		sep := 0
		if len(vis) > 0 {
			sep = 3
		}
		if used+sep+m.widths[j] <= m.w {
			vis = append(vis, span{j, m.widths[j]})
			used += sep + m.widths[j]
			return true
		}
		if rest := m.w - used - sep; rest >= 1 {
			vis = append(vis, span{j, rest})
			used = m.w
		}
		return false
	}
	p := m.pinned()
	for j := range p {
		if !add(j) {
			return vis
		}
	}
	for j := p + xoff; j < len(m.widths); j++ {
		if !add(j) {
			break
		}
	}
	return vis
}

// maxXOff is the smallest offset that shows the last column whole.
func (m *Model) maxXOff() int {
	p := m.pinned()
	n := len(m.widths)
	for x := 0; p+x < n; x++ {
		vis := m.visibleCols(x)
		if len(vis) > 0 {
			last := vis[len(vis)-1]
			if last.col == n-1 && last.width == m.widths[n-1] {
				return x
			}
		}
	}
	return max(0, n-p-1)
}

// shownCols returns the 1-based range of columns shown, when not all are.
func (m *Model) shownCols() (first, last int, ok bool) {
	vis := m.visibleCols(m.xoff)
	if len(vis) == 0 {
		return 0, 0, false
	}
	end := vis[len(vis)-1]
	all := m.xoff == 0 && end.col == len(m.cols)-1 && end.width == m.widths[end.col]
	if all {
		return 0, 0, false
	}
	first = 1
	if m.xoff > 0 {
		// The first scrolled column (the pinned key columns, if any,
		// are shown too).
		first = m.pinned() + m.xoff + 1
	}
	return first, end.col + 1, true
}

// tableHead returns how many header and rule lines the table has above
// its rows, and how many rows fit.
func (m *Model) tableHead() (header, rule, rows int) {
	avail := m.h - m.footerLines()
	if avail >= 2 {
		header = 1
	}
	if avail >= 4 {
		rule = 1
	}
	return header, rule, max(avail-header-rule, 1)
}

func (m *Model) tableRows() int {
	_, _, rows := m.tableHead()
	return rows
}

// tableView appends the table's lines: header, rule, the visible rows.
func (m *Model) tableView(lines []string) []string {
	header, rule, rows := m.tableHead()
	vis, ok := m.c.layout[m.xoff]
	if !ok {
		vis = m.visibleCols(m.xoff)
		m.c.layout[m.xoff] = vis
	}
	if header == 1 {
		lines = append(lines, m.headerLine(vis))
	}
	if rule == 1 {
		lines = append(lines, m.ruleLine(vis))
	}
	end := min(len(m.items), m.top+rows)
	for r := m.top; r < end; r++ {
		if r == m.sel {
			lines = append(lines, m.selectedRow(r, vis))
		} else {
			lines = append(lines, m.row(r, vis).styled)
		}
	}
	return lines
}

// rowText is a drawn row: with styled separators, and plain (for the
// selection's highlight).
type rowText struct{ styled, plain string }

type rowKey struct{ row, xoff int }

// row returns row r drawn at the current offset, from the cache when it
// can.
func (m *Model) row(r int, vis []span) rowText {
	k := rowKey{r, m.xoff}
	if t, ok := m.c.rows[k]; ok {
		return t
	}
	cells := m.rowCells(r)
	var plain, styled strings.Builder
	plain.Grow(m.w + 16)
	styled.Grow(m.w + 64)
	plain.WriteByte(' ')
	styled.WriteByte(' ')
	used := 1
	var cb strings.Builder
	for i, s := range vis {
		if i > 0 {
			plain.WriteString(" │ ")
			styled.WriteString(m.sepStyled)
			used += 3
		}
		cb.Reset()
		fit(&cb, cells[s.col], s.width)
		plain.WriteString(cb.String())
		styled.WriteString(cb.String())
		used += s.width
	}
	spaces(&plain, m.w-used)
	spaces(&styled, m.w-used)
	t := rowText{styled: styled.String(), plain: plain.String()}
	if len(m.c.rows) >= maxCached {
		clear(m.c.rows)
	}
	m.c.rows[k] = t
	return t
}

// selectedRow returns row r highlighted.
func (m *Model) selectedRow(r int, vis []span) string {
	k := rowKey{r, m.xoff}
	if m.c.selOK && m.c.selKey == k {
		return m.c.selText
	}
	s := m.st.Selected.Render(m.row(r, vis).plain)
	m.c.selKey, m.c.selText, m.c.selOK = k, s, true
	return s
}

// headerLine draws the column names.
func (m *Model) headerLine(vis []span) string {
	if s, ok := m.c.header[m.xoff]; ok {
		return s
	}
	var b, cb strings.Builder
	b.WriteByte(' ')
	used := 1
	for i, s := range vis {
		if i > 0 {
			b.WriteString(m.sepStyled)
			used += 3
		}
		cb.Reset()
		fit(&cb, headerCell(m.cols[s.col]), s.width)
		b.WriteString(m.st.Bold.Render(cb.String()))
		used += s.width
	}
	spaces(&b, m.w-used)
	s := b.String()
	m.c.header[m.xoff] = s
	return s
}

// ruleLine draws the line under the header.
func (m *Model) ruleLine(vis []span) string {
	if s, ok := m.c.rule[m.xoff]; ok {
		return s
	}
	var b strings.Builder
	b.WriteString("─")
	used := 1
	for i, s := range vis {
		if i > 0 {
			b.WriteString("─┼─")
			used += 3
		}
		b.WriteString(strings.Repeat("─", s.width))
		used += s.width
	}
	if used < m.w {
		b.WriteString("─")
		used++
	}
	s := m.st.Muted.Render(b.String()) + strings.Repeat(" ", m.w-used)
	m.c.rule[m.xoff] = s
	return s
}

// cache holds what View formatted, for the next frames. It is shared by
// the copies of a Model (Bubble Tea passes models by value) and emptied
// whenever what it holds would change: new result, new size, new widths,
// new styles, another view.
type cache struct {
	cells  map[int][]cell
	rows   map[rowKey]rowText
	layout map[int][]span
	header map[int]string
	rule   map[int]string
	json   map[int]*jsonItem

	selKey  rowKey
	selText string
	selOK   bool

	blank  string
	blankW int
	clips  map[string]string // fixed lines (the footer) clipped to the width
}

func newCache() *cache {
	return &cache{
		cells:  make(map[int][]cell),
		rows:   make(map[rowKey]rowText),
		layout: make(map[int][]span),
		header: make(map[int]string),
		rule:   make(map[int]string),
		json:   make(map[int]*jsonItem),
		clips:  make(map[string]string),
	}
}

// clipped returns clip(s, 0, w), from the cache.
func (c *cache) clipped(s string, w int) string {
	if t, ok := c.clips[s]; ok {
		return t
	}
	t := clip(s, 0, w)
	c.clips[s] = t
	return t
}

// reset empties what depends on the layout (size, widths, styles). Cells
// and JSON lines depend only on the items and columns, and stay.
func (c *cache) reset() {
	clear(c.rows)
	clear(c.layout)
	clear(c.header)
	clear(c.rule)
	clear(c.clips)
	c.selOK = false
}

func (c *cache) blankLine(w int) string {
	if c.blankW != w || len(c.blank) != w {
		c.blank, c.blankW = strings.Repeat(" ", w), w
	}
	return c.blank
}
