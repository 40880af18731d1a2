package replinput

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/keystonedb/kstone-shell/themes"
)

// The pane, top to bottom:
//
//	kstone> update user#1                      ← buffer rows, long ones
//	   ...>   SET age = age + , tags = 1          soft-wrapped
//	                          ^ Invalid Upd…   ← caret line under the
//	   ...>   REMOVE tmp                          row of the parse error
//	(reverse-i-search)`age': update …          ← info line: the search,
//	                                              or the completion list
//	                                           ← blank to the height
//
// The display lines scroll vertically to keep the cursor (and the caret
// line under it) in view.

// dline is one display line: a segment of a buffer row, or the caret line.
type dline struct {
	caret      bool
	row        int
	start, end int // rune range of the row (text lines)
}

// info line kinds.
const (
	infoNone = iota
	infoSearch
	infoComplete
)

type layout struct {
	promptW, avail int // prompt column width, cells left for text
	lines          []dline
	editorH        int // lines available to the editor
	info           int
	top            int // first display line shown
	curLine, curX  int // the cursor's display line and cell
}

// minText is the narrowest text column worth keeping the prompt for.
const minText = 4

func (m *Model) layout() layout {
	var l layout
	w, h := m.width, m.height
	l.promptW = max(lipgloss.Width(m.prompt), lipgloss.Width(m.contPrompt))
	if w-l.promptW < minText {
		l.promptW = 0
	}
	l.avail = max(w-l.promptW, 1)

	switch {
	case m.search.active && m.focused:
		l.info = infoSearch
	case m.comp.active && m.focused && h >= 2:
		l.info = infoComplete
	}
	l.editorH = h
	if l.info != infoNone {
		l.editorH--
	}

	b := &m.buf
	for r, row := range b.rows {
		first := len(l.lines)
		start, x := 0, 0
		for i, ru := range row {
			cw := runeCells(ru)
			if x+cw > l.avail && i > start {
				l.lines = append(l.lines, dline{row: r, start: start, end: i})
				start, x = i, 0
			}
			x += cw
		}
		l.lines = append(l.lines, dline{row: r, start: start, end: len(row)})
		if r == b.row && b.col == len(row) && x >= l.avail && len(row) > 0 {
			// The cursor after a full line needs a cell of its own.
			l.lines = append(l.lines, dline{row: r, start: len(row), end: len(row)})
		}
		last := len(l.lines) - 1
		for i := first; i <= last; i++ {
			d := l.lines[i]
			if r == b.row && (b.col >= d.start && b.col < d.end || b.col == d.end && i == last) {
				l.curLine = i
				l.curX = l.promptW + cells(row[d.start:b.col])
			}
		}
		if p := m.perr; p != nil && p.hasPos && p.row == r {
			at := last
			for i := first; i < last; i++ {
				if p.col >= l.lines[i].start && p.col < l.lines[i].end {
					at = i
					break
				}
			}
			l.lines = append(l.lines[:at+1], append([]dline{{caret: true, row: r, start: l.lines[at].start}}, l.lines[at+1:]...)...)
			if l.curLine > at {
				l.curLine++
			}
		}
	}
	if p := m.perr; p != nil && !p.hasPos {
		l.lines = append(l.lines, dline{caret: true, row: -1})
	}

	// Scroll: keep the cursor line in view, and the caret line under it
	// when there is room.
	top := m.top
	if l.editorH > 0 {
		cur := l.curLine
		if cur < top {
			top = cur
		}
		if cur >= top+l.editorH {
			top = cur - l.editorH + 1
		}
		if next := cur + 1; next < len(l.lines) && l.lines[next].caret && next == top+l.editorH && top < cur {
			top++
		}
		top = min(top, max(len(l.lines)-l.editorH, 0))
	}
	l.top = max(top, 0)
	return l
}

// syncScroll keeps the scroll position that View will use.
func (m *Model) syncScroll() {
	m.top = m.layout().top
}

// ContentHeight returns how many lines the pane would use at its width
// with no height limit: the statement's display lines plus an info line.
func (m Model) ContentHeight() int {
	l := m.layout()
	n := len(l.lines)
	if m.focused && (m.search.active || m.comp.active) {
		n++
	}
	return n
}

// Cursor returns where the terminal cursor belongs in the pane's View:
// in the text being edited, or in the search query while searching. ok is
// false when the pane is blurred or has no room.
func (m Model) Cursor() (x, y int, ok bool) {
	if !m.focused || m.width <= 0 || m.height <= 0 {
		return 0, 0, false
	}
	l := m.layout()
	if l.info == infoSearch {
		shown := min(max(len(l.lines)-l.top, 0), l.editorH)
		x = lipgloss.Width(m.searchPrefix()) + cells(m.search.query)
		return min(x, m.width-1), shown, true
	}
	if l.editorH <= 0 {
		return 0, 0, false
	}
	return min(l.curX, m.width-1), l.curLine - l.top, true
}

func (m Model) searchPrefix() string {
	if m.search.failed {
		return "(failed reverse-i-search)`"
	}
	return "(reverse-i-search)`"
}

// View draws the pane: exactly its height in lines, none wider than its
// width.
func (m Model) View() string {
	w, h := m.width, m.height
	if h <= 0 {
		return ""
	}
	if w <= 0 {
		return strings.Repeat("\n", h-1)
	}
	l := m.layout()
	out := make([]string, 0, h)
	for i := l.top; i < len(l.lines) && len(out) < l.editorH; i++ {
		out = append(out, m.renderLine(l, l.lines[i]))
	}
	switch l.info {
	case infoSearch:
		out = append(out, m.searchLine())
	case infoComplete:
		out = append(out, m.completionLine())
	}
	for len(out) < h {
		out = append(out, "")
	}
	for i, s := range out {
		if lipgloss.Width(s) > w {
			// Grapheme clusters can be wider than their runes say.
			out[i] = ansi.Truncate(s, w, "")
		}
	}
	return strings.Join(out, "\n")
}

func classStyle(st *themes.Styles, c class) lipgloss.Style {
	switch c {
	case clsKeyword:
		return st.Keyword
	case clsFunction:
		return st.Function
	case clsString:
		return st.String
	case clsNumber:
		return st.Number
	case clsPlaceholder:
		return st.Placeholder
	case clsComment:
		return st.Comment
	case clsPunct:
		return st.Muted
	case clsError:
		return st.ErrorToken
	}
	return st.Text
}

// paint is a style reduced to the escape sequences around its text, so
// that drawing a token is a concatenation: Style.Render is too slow to
// call for every token of every line of every frame.
type paint struct {
	pre, suf string
	st       lipgloss.Style
	ok       bool
}

// sentinel is a private-use character that styles leave alone.
const sentinel = ""

func newPaint(st lipgloss.Style) paint {
	r := st.Render(sentinel)
	i := strings.Index(r, sentinel)
	if i < 0 || strings.Count(r, sentinel) != 1 {
		return paint{st: st}
	}
	return paint{pre: r[:i], suf: r[i+len(sentinel):], st: st, ok: true}
}

func (p paint) render(s string) string {
	if !p.ok {
		return p.st.Render(s)
	}
	return p.pre + s + p.suf
}

// paints are the paints of the highlighting classes and the prompts,
// built with the styles.
type paints struct {
	class         [clsError + 1]paint
	prompt, muted paint
}

func newPaints(st themes.Styles) paints {
	var p paints
	for c := range p.class {
		p.class[c] = newPaint(classStyle(&st, class(c)))
	}
	p.prompt = newPaint(st.Accent)
	p.muted = newPaint(st.Muted)
	return p
}

func (m Model) renderLine(l layout, d dline) string {
	if d.caret {
		return m.caretLine(l, d)
	}
	var sb strings.Builder
	if l.promptW > 0 {
		var p string
		switch {
		case d.start > 0:
			p = strings.Repeat(" ", l.promptW)
		case d.row == 0:
			p = padLeft(m.prompt, l.promptW)
		default:
			p = padLeft(m.contPrompt, l.promptW)
		}
		ps := m.paint.muted
		if d.row == 0 && d.start == 0 && m.focused {
			ps = m.paint.prompt
		}
		sb.WriteString(ps.render(p))
	}
	row := m.buf.rows[d.row]
	var cls []class
	if d.row < len(m.cls) && len(m.cls[d.row]) == len(row) {
		cls = m.cls[d.row]
	} else {
		cls = make([]class, len(row)) // not analysed (cannot happen through the API)
	}
	for i := d.start; i < d.end; {
		j := i + 1
		for j < d.end && cls[j] == cls[i] {
			j++
		}
		text := strings.ReplaceAll(string(row[i:j]), "\t", " ")
		sb.WriteString(m.paint.class[cls[i]].render(text))
		i = j
	}
	return sb.String()
}

func padLeft(s string, w int) string {
	if n := lipgloss.Width(s); n < w {
		return strings.Repeat(" ", w-n) + s
	}
	return s
}

// caretLine draws "^ message" under the parse error, the message after
// the caret when it fits there, else before it; an error without a
// position is drawn as the message alone. An error at the end of the text
// (the statement is not finished yet) is drawn muted.
func (m Model) caretLine(l layout, d dline) string {
	p := m.perr
	w := m.width
	st := m.st.Err
	if p.atEnd {
		st = m.st.Muted
	}
	if d.row < 0 {
		return strings.Repeat(" ", l.promptW) + st.Render(ansi.Truncate(p.msg, max(w-l.promptW, 0), "…"))
	}
	row := m.buf.rows[d.row]
	x := min(l.promptW+cells(row[d.start:min(p.col, len(row))]), w-1)
	after := w - x - 2 // cells after "^ "
	msgW := lipgloss.Width(p.msg)
	if after >= msgW || after >= x-1 {
		line := strings.Repeat(" ", x) + st.Render("^")
		if after > 0 {
			line += " " + st.Render(ansi.Truncate(p.msg, after, "…"))
		}
		return line
	}
	msg := ansi.Truncate(p.msg, x-1, "…")
	pad := x - 1 - lipgloss.Width(msg)
	return strings.Repeat(" ", pad) + st.Render(msg) + " " + st.Render("^")
}

// searchLine draws "(reverse-i-search)`query': match".
func (m Model) searchLine() string {
	w := m.width
	s := m.search
	match := ""
	if s.idx < len(m.hist.entries) {
		match = strings.Join(strings.Fields(m.hist.entries[s.idx]), " ")
	}
	var sb strings.Builder
	left := w
	put := func(text string, st lipgloss.Style) {
		if left <= 0 {
			return
		}
		t := ansi.Truncate(text, left, "…")
		left -= lipgloss.Width(t)
		sb.WriteString(st.Render(t))
	}
	put(m.searchPrefix(), m.st.Muted)
	put(string(s.query), m.st.Accent)
	put("': ", m.st.Muted)
	put(match, m.st.Text)
	return sb.String()
}

// completionLine lists the candidates on one line, the current one
// selected, scrolled so that it is visible.
func (m Model) completionLine() string {
	for first := 0; ; first++ {
		line, last := m.completionFrom(first)
		if m.comp.idx <= last || first >= m.comp.idx {
			return line
		}
	}
}

// completionFrom draws the candidates from index first on, with "…" for
// the ones left out, and returns the index of the last one drawn.
func (m Model) completionFrom(first int) (string, int) {
	c := m.comp
	const sep, more = "  ", " …"
	var sb strings.Builder
	left := m.width
	if first > 0 {
		sb.WriteString(m.st.Muted.Render("…"))
		left--
	}
	last := first - 1
	for i := first; i < len(c.cands); i++ {
		item := c.cands[i]
		need := lipgloss.Width(item)
		if i > first || first > 0 {
			need += len(sep)
		}
		reserve := 0
		if i < len(c.cands)-1 {
			reserve = len(more)
		}
		if need+reserve > left && !(i == len(c.cands)-1 && need <= left) {
			sb.WriteString(m.st.Muted.Render(ansi.Truncate(more, max(left, 0), "")))
			break
		}
		if i > first || first > 0 {
			sb.WriteString(sep)
		}
		st := m.st.Muted
		if i == c.idx {
			st = m.st.Selected
		}
		sb.WriteString(st.Render(item))
		left -= need
		last = i
	}
	return sb.String(), last
}
