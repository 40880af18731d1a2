package shell

import (
	"io"
	"strconv"

	"github.com/keystonedb/kstone-shell/engine/item"
)

// minShrink is how many display cells of text a shrunk column keeps before
// its ellipsis: fitting the width never shrinks a column below
// minShrink + the ellipsis (or below its natural width, if less).
const minShrink = 4

// boxChars are the characters a table is drawn with.
type boxChars struct {
	h, v          string // horizontal and vertical lines
	tl, tm, tr    string // top: left corner, tee, right corner
	ml, mm, mr    string // header separator: left, cross, right
	bl, bm, br    string // bottom: left corner, tee, right corner
	ellipsis      string // marks truncated text
	ellipsisWidth int    // its display width
}

var (
	unicodeBox = boxChars{
		h: "─", v: "│",
		tl: "┌", tm: "┬", tr: "┐",
		ml: "├", mm: "┼", mr: "┤",
		bl: "└", bm: "┴", br: "┘",
		ellipsis: "…", ellipsisWidth: 1,
	}
	asciiBox = boxChars{
		h: "-", v: "|",
		tl: "+", tm: "+", tr: "+",
		ml: "+", mm: "+", mr: "+",
		bl: "+", bm: "+", br: "+",
		ellipsis: "...", ellipsisWidth: 3,
	}
)

// tableCell is one cell's text, escaped, with its display width.
type tableCell struct {
	text  string
	width int
	right bool // aligned right (numbers)
}

func newCell(s string, right bool) tableCell {
	s = EscapeControl(s)
	return tableCell{text: s, width: displayWidth(s), right: right}
}

// writeTable writes r as a box-drawn table; see Write.
//
// Fitting opts.Width: the widest columns are shrunk first, evenly, never
// below minShrink cells plus the ellipsis; if the table is still too wide,
// trailing columns are dropped and a last column headed "…+N" says how many
// are hidden. (Below about 16 cells even one column with that note may not
// fit; the first column is then shrunk further, down to one cell.)
func writeTable(w io.Writer, r Result, opts FormatOptions) error {
	if len(r.Items) == 0 {
		_, err := io.WriteString(w, "(0 items)\n")
		return err
	}
	box := &unicodeBox
	if opts.ASCII {
		box = &asciiBox
	}
	cols := resultColumns(r, opts.KeyColumns)
	n := len(cols)
	header := make([]tableCell, n)
	natural := make([]int, n)
	for j, c := range cols {
		header[j] = newCell(c, false)
		natural[j] = header[j].width
	}
	null := newCell(opts.NullText, false)
	cells := make([]tableCell, len(r.Items)*n)
	for i, it := range r.Items {
		row := cells[i*n : (i+1)*n]
		for j, c := range cols {
			v, ok := it[c]
			if !ok {
				row[j] = null
			} else {
				_, num := v.(item.N)
				row[j] = newCell(formatCellText(v), num)
			}
			natural[j] = max(natural[j], row[j].width)
		}
	}

	widths, shown, hidden := fitColumns(natural, opts.Width, box.ellipsisWidth)
	var hiddenCell tableCell
	if hidden > 0 {
		hiddenCell = newCell(box.ellipsis+"+"+strconv.Itoa(hidden), false)
	}

	o := &formatBuf{w: w, b: make([]byte, 0, formatFlushSize+4096)}
	o.b = box.rule(o.b, widths, box.tl, box.tm, box.tr)
	o.b = box.row(o.b, widths, header[:shown], hiddenCell)
	o.b = box.rule(o.b, widths, box.ml, box.mm, box.mr)
	blank := tableCell{}
	for i := range r.Items {
		o.b = box.row(o.b, widths, cells[i*n:i*n+shown], blank)
		if o.maybeFlush(); o.err != nil {
			return o.err
		}
	}
	o.b = box.rule(o.b, widths, box.bl, box.bm, box.br)
	o.b = append(o.b, '(')
	o.b = strconv.AppendInt(o.b, int64(len(r.Items)), 10)
	if len(r.Items) == 1 {
		o.b = append(o.b, " item)\n"...)
	} else {
		o.b = append(o.b, " items)\n"...)
	}
	return o.flush()
}

// rule appends a horizontal line: left, then each column's width plus its
// two padding cells of h joined by mid, then right.
func (b *boxChars) rule(dst []byte, widths []int, left, mid, right string) []byte {
	dst = append(dst, left...)
	for j, w := range widths {
		if j > 0 {
			dst = append(dst, mid...)
		}
		for range w + 2 {
			dst = append(dst, b.h...)
		}
	}
	dst = append(dst, right...)
	return append(dst, '\n')
}

// row appends a row of cells. widths has one more entry than cells when
// columns are hidden; extra fills that last column.
func (b *boxChars) row(dst []byte, widths []int, cells []tableCell, extra tableCell) []byte {
	for j, w := range widths {
		c := extra
		if j < len(cells) {
			c = cells[j]
		}
		dst = append(dst, b.v...)
		dst = append(dst, ' ')
		dst = b.appendCell(dst, c, w)
		dst = append(dst, ' ')
	}
	dst = append(dst, b.v...)
	return append(dst, '\n')
}

// appendCell appends c's text padded or truncated to exactly w cells.
func (b *boxChars) appendCell(dst []byte, c tableCell, w int) []byte {
	text, tw := c.text, c.width
	if tw > w {
		if w > b.ellipsisWidth {
			text, tw = truncateWidth(text, w-b.ellipsisWidth)
			// Strings are immutable, so this concatenation is a fresh
			// string only for truncated cells.
			text, tw = text+b.ellipsis, tw+b.ellipsisWidth
		} else {
			text, tw = truncateWidth(text, w)
		}
	}
	pad := w - tw
	if c.right {
		dst = appendSpaces(dst, pad)
		return append(dst, text...)
	}
	dst = append(dst, text...)
	return appendSpaces(dst, pad)
}

func appendSpaces(dst []byte, n int) []byte {
	for range n {
		dst = append(dst, ' ')
	}
	return dst
}

// tableFrame is the width a table's borders and padding take for k
// columns: "│ " before each column, " " after it, and a final "│".
func tableFrame(k int) int { return 3*k + 1 }

// fitColumns chooses column widths so that the table fits width display
// cells (0: unlimited). It returns the widths of the columns to draw,
// how many of the natural columns are shown (a prefix), and how many are
// hidden; with hidden > 0, widths has one more entry, for the "…+N"
// column.
func fitColumns(natural []int, width, ellipsisWidth int) (widths []int, shown, hidden int) {
	n := len(natural)
	if width <= 0 || sumWidths(natural)+tableFrame(n) <= width {
		return natural, n, 0
	}
	floors := make([]int, n)
	for j, w := range natural {
		floors[j] = min(w, minShrink+ellipsisWidth)
	}
	if sumWidths(floors)+tableFrame(n) <= width {
		return shrinkColumns(natural, floors, width-tableFrame(n)), n, 0
	}
	// Drop trailing columns: keep the most that fit at their floors
	// beside the note column.
	for k := n - 1; k >= 1; k-- {
		noteW := ellipsisWidth + 1 + len(strconv.Itoa(n-k))
		budget := width - tableFrame(k+1) - noteW
		if sumWidths(floors[:k]) <= budget {
			widths = shrinkColumns(natural[:k], floors[:k], budget)
			return append(widths, noteW), k, n - k
		}
	}
	// Not even one column and the note fit: show the first column as
	// narrow as it takes.
	if n == 1 {
		return []int{max(1, width-tableFrame(1))}, 1, 0
	}
	noteW := ellipsisWidth + 1 + len(strconv.Itoa(n-1))
	return []int{max(1, width-tableFrame(2)-noteW), noteW}, 1, n - 1
}

// shrinkColumns returns widths no wider than natural, no narrower than
// floors, summing to at most budget, taking cells from the widest columns
// first: every column wider than some level L is cut to L (or L+1, to use
// the whole budget). It assumes sumWidths(floors) <= budget.
func shrinkColumns(natural, floors []int, budget int) []int {
	total := func(level int) int {
		t := 0
		for j, w := range natural {
			t += min(w, max(level, floors[j]))
		}
		return t
	}
	// The largest level whose total fits: total is non-decreasing.
	lo, hi := 0, 0
	for _, w := range natural {
		hi = max(hi, w)
	}
	for lo < hi {
		m := (lo + hi + 1) / 2
		if total(m) <= budget {
			lo = m
		} else {
			hi = m - 1
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

func sumWidths(s []int) int {
	t := 0
	for _, v := range s {
		t += v
	}
	return t
}
