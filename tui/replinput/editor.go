package replinput

import (
	"slices"
	"strings"
	"unicode"

	"charm.land/lipgloss/v2"
)

// buffer is the text being edited: one []rune per line and a cursor. Its
// methods never share row storage with earlier copies of the buffer, so a
// Model keeps value semantics: a copy taken before an edit is unchanged.
type buffer struct {
	rows     [][]rune
	row, col int // the cursor: a row and a rune index in it (0..len)
	rev      int // bumped by every change of the text
}

func newBuffer() buffer { return buffer{rows: [][]rune{{}}} }

// String returns the text, rows joined by "\n".
func (b *buffer) String() string {
	var sb strings.Builder
	for i, r := range b.rows {
		if i > 0 {
			sb.WriteByte('\n')
		}
		sb.WriteString(string(r))
	}
	return sb.String()
}

func (b *buffer) empty() bool { return len(b.rows) == 1 && len(b.rows[0]) == 0 }

func (b *buffer) lastRow() int { return len(b.rows) - 1 }

// set replaces the text and puts the cursor at its end.
func (b *buffer) set(s string) {
	b.rows = splitRows(sanitize(s))
	b.row = b.lastRow()
	b.col = len(b.rows[b.row])
	b.rev++
}

// splitRows cuts runes at '\n'; there is always at least one row.
func splitRows(rs []rune) [][]rune {
	rows := [][]rune{{}}
	for _, r := range rs {
		if r == '\n' {
			rows = append(rows, []rune{})
			continue
		}
		rows[len(rows)-1] = append(rows[len(rows)-1], r)
	}
	return rows
}

// sanitize turns input (typed or pasted) into runes the editor can show:
// CR LF and lone CR become LF, tabs stay (drawn as one space) and other
// control characters are dropped.
func sanitize(s string) []rune {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	out := make([]rune, 0, len(s))
	for _, r := range s {
		switch {
		case r == '\r':
			out = append(out, '\n')
		case r == '\n' || r == '\t':
			out = append(out, r)
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
		default:
			out = append(out, r)
		}
	}
	return out
}

// setRow replaces row i with a fresh slice; the rows slice is copied first.
func (b *buffer) setRow(i int, r []rune) {
	b.rows = slices.Clone(b.rows)
	b.rows[i] = r
	b.rev++
}

func concat(parts ...[]rune) []rune {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	out := make([]rune, 0, n)
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// insert puts runes (which may hold '\n') at the cursor and moves the
// cursor after them.
func (b *buffer) insert(rs []rune) {
	if len(rs) == 0 {
		return
	}
	cur := b.rows[b.row]
	before, after := cur[:b.col], cur[b.col:]
	parts := splitRows(rs)
	newRows := make([][]rune, len(parts))
	for i, p := range parts {
		newRows[i] = p
	}
	newRows[0] = concat(before, newRows[0])
	last := len(newRows) - 1
	col := len(newRows[last])
	newRows[last] = concat(newRows[last], after)
	rows := make([][]rune, 0, len(b.rows)+last)
	rows = append(rows, b.rows[:b.row]...)
	rows = append(rows, newRows...)
	rows = append(rows, b.rows[b.row+1:]...)
	b.rows = rows
	b.row += last
	b.col = col
	b.rev++
}

// deleteRange removes the text from (r1, c1) to (r2, c2), which must be in
// order, and puts the cursor at (r1, c1).
func (b *buffer) deleteRange(r1, c1, r2, c2 int) {
	if r1 == r2 && c1 == c2 {
		return
	}
	joined := concat(b.rows[r1][:c1], b.rows[r2][c2:])
	rows := make([][]rune, 0, len(b.rows)-(r2-r1))
	rows = append(rows, b.rows[:r1]...)
	rows = append(rows, joined)
	rows = append(rows, b.rows[r2+1:]...)
	b.rows = rows
	b.row, b.col = r1, c1
	b.rev++
}

// replaceBefore replaces the runes of the cursor row from col start to the
// cursor with s.
func (b *buffer) replaceBefore(start int, s string) {
	cur := b.rows[b.row]
	ins := sanitize(s)
	b.setRow(b.row, concat(cur[:start], ins, cur[b.col:]))
	b.col = start + len(ins)
}

func (b *buffer) backspace() {
	switch {
	case b.col > 0:
		b.deleteRange(b.row, b.col-1, b.row, b.col)
	case b.row > 0:
		b.deleteRange(b.row-1, len(b.rows[b.row-1]), b.row, 0)
	}
}

func (b *buffer) deleteForward() {
	switch {
	case b.col < len(b.rows[b.row]):
		b.deleteRange(b.row, b.col, b.row, b.col+1)
	case b.row < b.lastRow():
		b.deleteRange(b.row, b.col, b.row+1, 0)
	}
}

func (b *buffer) left() {
	switch {
	case b.col > 0:
		b.col--
	case b.row > 0:
		b.row--
		b.col = len(b.rows[b.row])
	}
}

func (b *buffer) right() {
	switch {
	case b.col < len(b.rows[b.row]):
		b.col++
	case b.row < b.lastRow():
		b.row++
		b.col = 0
	}
}

func (b *buffer) home() { b.col = 0 }
func (b *buffer) end()  { b.col = len(b.rows[b.row]) }

func (b *buffer) start() { b.row, b.col = 0, 0 }
func (b *buffer) finish() {
	b.row = b.lastRow()
	b.col = len(b.rows[b.row])
}

// up moves to the previous row, keeping the display column; false when
// the cursor is on the first row.
func (b *buffer) up() bool {
	if b.row == 0 {
		return false
	}
	x := cells(b.rows[b.row][:b.col])
	b.row--
	b.col = colAt(b.rows[b.row], x)
	return true
}

// down moves to the next row; false when the cursor is on the last row.
func (b *buffer) down() bool {
	if b.row == b.lastRow() {
		return false
	}
	x := cells(b.rows[b.row][:b.col])
	b.row++
	b.col = colAt(b.rows[b.row], x)
	return true
}

// isWordRune tells the runes that make up a word for word motion.
func isWordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// wordLeft moves to the start of the word before the cursor, across rows.
func (b *buffer) wordLeft() {
	b.row, b.col = b.prevBoundary(isWordRune)
}

// wordRight moves to the end of the word after the cursor, across rows.
func (b *buffer) wordRight() {
	r, c := b.row, b.col
	for {
		row := b.rows[r]
		for c < len(row) && !isWordRune(row[c]) {
			c++
		}
		if c < len(row) || r == b.lastRow() {
			break
		}
		r, c = r+1, 0
	}
	row := b.rows[r]
	for c < len(row) && isWordRune(row[c]) {
		c++
	}
	b.row, b.col = r, c
}

// prevBoundary finds the start of the word (runes for which in is true)
// before the cursor, skipping the other runes before it; at the start of a
// row it goes to the end of the previous one.
func (b *buffer) prevBoundary(in func(rune) bool) (int, int) {
	r, c := b.row, b.col
	for {
		row := b.rows[r]
		for c > 0 && !in(row[c-1]) {
			c--
		}
		if c > 0 || r == 0 {
			break
		}
		if r == b.row && b.col > 0 {
			// Only separators before the cursor on its row: stop at
			// the row start, like a shell.
			return r, 0
		}
		r--
		c = len(b.rows[r])
	}
	row := b.rows[r]
	for c > 0 && in(row[c-1]) {
		c--
	}
	return r, c
}

// deleteWordBackward deletes from the start of the word before the cursor
// to the cursor. With blanks set, a word is anything between blanks
// (ctrl+w); otherwise it is made of word runes (alt+backspace).
func (b *buffer) deleteWordBackward(blanks bool) {
	in := isWordRune
	if blanks {
		in = func(r rune) bool { return !unicode.IsSpace(r) }
	}
	if b.col == 0 {
		b.backspace()
		return
	}
	r, c := b.prevBoundary(in)
	b.deleteRange(r, c, b.row, b.col)
}

// deleteWordForward deletes to the end of the next word.
func (b *buffer) deleteWordForward() {
	r0, c0 := b.row, b.col
	b.wordRight()
	r1, c1 := b.row, b.col
	b.row, b.col = r0, c0
	b.deleteRange(r0, c0, r1, c1)
}

// killToStart deletes from the row start to the cursor.
func (b *buffer) killToStart() { b.deleteRange(b.row, 0, b.row, b.col) }

// killToEnd deletes from the cursor to the row end; at the row end it
// joins the next row.
func (b *buffer) killToEnd() {
	if b.col == len(b.rows[b.row]) {
		b.deleteForward()
		return
	}
	b.deleteRange(b.row, b.col, b.row, len(b.rows[b.row]))
}

// offset returns the index of the cursor in the text's runes ('\n'
// counted).
func (b *buffer) offset() int {
	n := 0
	for i := 0; i < b.row; i++ {
		n += len(b.rows[i]) + 1
	}
	return n + b.col
}

// position maps a rune index of the text to a row and column.
func (b *buffer) position(idx int) (int, int) {
	for i, r := range b.rows {
		if idx <= len(r) {
			return i, max(idx, 0)
		}
		idx -= len(r) + 1
	}
	last := b.lastRow()
	return last, len(b.rows[last])
}

// runeCells is the display width of a rune as the editor draws it: a tab
// is drawn as one space, other control characters take no cell.
func runeCells(r rune) int {
	switch {
	case r == '\t':
		return 1
	case r < 0x20 || r == 0x7f:
		return 0
	case r < 0x7f:
		return 1
	}
	return lipgloss.Width(string(r))
}

func cells(rs []rune) int {
	n := 0
	for _, r := range rs {
		n += runeCells(r)
	}
	return n
}

// colAt returns the rune index in row whose display column is the last
// one not after x.
func colAt(row []rune, x int) int {
	w := 0
	for i, r := range row {
		cw := runeCells(r)
		if w+cw > x {
			return i
		}
		w += cw
	}
	return len(row)
}
