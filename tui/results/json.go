package results

import (
	"bytes"
	"strings"

	"github.com/keystonedb/kstone-shell/engine/item"
	"github.com/keystonedb/kstone-shell/shell"
)

// The JSON view shows each item pretty-printed (item.ItemToJSONIndent),
// one after another. It scrolls by line: a cursor line moves with ↑/↓, the
// item holding it is the selected one, marked by a bar in the gutter:
//
//	  {
//	    "pk": "a"
//	  }
//	▌ {
//	▌   "pk": "b",        ← the cursor line is highlighted
//	▌ }
//
// Positions are (item, line) pairs, so that moving never needs the line
// count of the whole result: only the items the cursor passes are
// formatted.

// gutterW is the width of the gutter before each JSON line.
const gutterW = 2

// jsonItem is an item's JSON, split into lines, with their widths.
type jsonItem struct {
	lines  []string
	widths []int
	widest int
}

// jsonItem returns item i's JSON, formatting it on first use.
func (m *Model) jsonItem(i int) *jsonItem {
	if j, ok := m.c.json[i]; ok {
		return j
	}
	b := bytes.TrimRight(item.ItemToJSONIndent(m.items[i]), "\n")
	j := &jsonItem{lines: strings.Split(string(b), "\n")}
	j.widths = make([]int, len(j.lines))
	for k, l := range j.lines {
		// JSON escapes control characters but not bidi controls.
		j.lines[k] = shell.EscapeControl(l)
		j.widths[k] = textWidth(j.lines[k])
		j.widest = max(j.widest, j.widths[k])
	}
	if len(m.c.json) >= maxCached {
		clear(m.c.json)
	}
	m.c.json[i] = j
	return j
}

// jsonLines returns the lines of item i's JSON.
func (m *Model) jsonLines(i int) []string { return m.jsonItem(i).lines }

func (m *Model) jsonRows() int { return max(1, m.h-m.footerLines()) }

func before(a, b pos) bool {
	return a.item < b.item || (a.item == b.item && a.line < b.line)
}

// jsonEnd is the last line of the last item.
func (m *Model) jsonEnd() pos {
	last := len(m.items) - 1
	return pos{last, len(m.jsonLines(last)) - 1}
}

// jsonAdvance moves p down n lines, stopping at the last line.
func (m *Model) jsonAdvance(p pos, n int) pos {
	for n > 0 {
		ls := len(m.jsonLines(p.item))
		rest := ls - 1 - p.line
		if n <= rest {
			p.line += n
			return p
		}
		if p.item+1 >= len(m.items) {
			p.line = ls - 1
			return p
		}
		n -= rest + 1
		p = pos{p.item + 1, 0}
	}
	return p
}

// jsonRetreat moves p up n lines, stopping at the first line.
func (m *Model) jsonRetreat(p pos, n int) pos {
	for n > 0 {
		if n <= p.line {
			p.line -= n
			return p
		}
		if p.item == 0 {
			p.line = 0
			return p
		}
		n -= p.line + 1
		p.item--
		p.line = len(m.jsonLines(p.item)) - 1
	}
	return p
}

// jsonDist counts the lines from a down to b (a not after b), up to limit.
func (m *Model) jsonDist(a, b pos, limit int) int {
	d := 0
	for a.item < b.item && d <= limit {
		d += len(m.jsonLines(a.item)) - a.line
		a = pos{a.item + 1, 0}
	}
	return d + b.line - a.line
}

// jsonMove moves the cursor n lines; a page move scrolls the view too.
func (m *Model) jsonMove(n int, page bool) {
	if len(m.items) == 0 {
		return
	}
	if n >= 0 {
		m.jcur = m.jsonAdvance(m.jcur, n)
		if page {
			m.jtop = m.jsonAdvance(m.jtop, n)
		}
	} else {
		m.jcur = m.jsonRetreat(m.jcur, -n)
		if page {
			m.jtop = m.jsonRetreat(m.jtop, -n)
		}
	}
	m.sel = m.jcur.item
}

// jsonFix keeps the positions valid and the cursor on screen, and the
// last page full.
func (m *Model) jsonFix() {
	n := len(m.items)
	m.jcur.item = clamp(m.jcur.item, 0, n-1)
	m.jcur.line = clamp(m.jcur.line, 0, len(m.jsonLines(m.jcur.item))-1)
	m.jtop.item = clamp(m.jtop.item, 0, n-1)
	m.jtop.line = clamp(m.jtop.line, 0, len(m.jsonLines(m.jtop.item))-1)
	rows := m.jsonRows()
	if before(m.jcur, m.jtop) {
		m.jtop = m.jcur
	} else if m.jsonDist(m.jtop, m.jcur, rows) >= rows {
		m.jtop = m.jsonRetreat(m.jcur, rows-1)
	}
	if last := m.jsonRetreat(m.jsonEnd(), rows-1); before(last, m.jtop) {
		m.jtop = last
	}
	m.sel = m.jcur.item
	// Horizontal: no further than the widest visible item needs.
	widest, seen := 0, 0
	for i := m.jtop.item; i < n && seen < rows; i++ {
		j := m.jsonItem(i)
		widest = max(widest, j.widest)
		seen += len(j.lines)
	}
	m.jx = clamp(m.jx, 0, max(0, widest-(m.w-gutterW)))
}

// jsonView appends the visible JSON lines.
func (m *Model) jsonView(lines []string) []string {
	rows := m.jsonRows()
	gutter := gutterW
	if m.w <= gutterW {
		gutter = 0
	}
	tw := m.w - gutter
	p := m.jtop
	for range rows {
		j := m.jsonItem(p.item)
		text := clipPlain(j.lines[p.line], j.widths[p.line], m.jx, tw)
		var line string
		switch {
		case p == m.jcur:
			line = m.st.Selected.Render(text)
		default:
			line = text
		}
		if gutter > 0 {
			if p.item == m.jcur.item {
				line = m.gutterSel + line
			} else {
				line = "  " + line
			}
		}
		lines = append(lines, line)
		next := m.jsonAdvance(p, 1)
		if next == p {
			break
		}
		p = next
	}
	return lines
}
