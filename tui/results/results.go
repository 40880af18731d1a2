// Package results is the TUI's results pane: the items a statement
// returned, as a table or as JSON, its text report (dot commands such as
// .stats), its error with a caret under the place it is about, or "OK" for
// a write without output.
//
// Results can be large (a scan of 100k items), so the pane renders only
// what is visible: column widths come from the header, a bounded sample of
// the first items and the rows that have been on screen; cells and rows are
// formatted when they first become visible and cached by row and
// horizontal offset; JSON is pretty-printed one item at a time, as the
// cursor reaches it.
//
// The root model owns the frame: it calls SetSize with the inner size,
// draws the border and puts Title() in it.
package results

import (
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/keystonedb/kstone-shell/engine/item"
	"github.com/keystonedb/kstone-shell/shell"
	"github.com/keystonedb/kstone-shell/themes"
)

// NextPageMsg asks the root model to run "next" for the current result
// and hand the page to AppendPage. The pane emits it (as a tea.Cmd) when n
// is pressed and the result has more items.
type NextPageMsg struct{}

// ViewMode is how items are shown.
type ViewMode int

// The views of items.
const (
	ViewTable ViewMode = iota // one row per item, one column per attribute
	ViewJSON                  // each item pretty-printed
)

// String returns "table" or "json".
func (v ViewMode) String() string {
	if v == ViewJSON {
		return "json"
	}
	return "table"
}

// kind is what the pane shows.
type kind int

const (
	kindNone  kind = iota // nothing has run yet
	kindItems             // items (maybe none), as a table or JSON
	kindText              // a text report
	kindError             // an error, maybe with a caret
	kindOK                // a write without output
)

const (
	// sampleRows is how many leading items set the column widths before
	// any row is drawn; rows drawn later can only widen a column.
	sampleRows = 500
	// wheelStep is how far one mouse wheel notch moves.
	wheelStep = 3
	// hStep is how many cells ←/→ scroll text and JSON.
	hStep = 8
)

// Model is the results pane. The zero value is not usable; call New.
type Model struct {
	// KeyMap holds the pane's bindings; those that do nothing for the
	// current result are disabled (so help lists what works).
	KeyMap KeyMap

	st      *themes.Styles // a pointer: Bubble Tea copies models often
	w, h    int
	focused bool

	kind    kind
	elapsed time.Duration
	copyAll string // what y copies when there is no item (report, error)
	copied  bool   // y was pressed; cleared by the next key

	// Items.
	items    []item.Item
	ownItems bool // items is our copy (after a page was appended)
	keyCols  []string
	more     bool // the result stopped at its limit; n fetches more
	pending  bool // n was pressed; waiting for AppendPage
	mode     ViewMode

	// Table view.
	present map[string]struct{} // attribute names of all items
	cols    []string            // key columns, then the others sorted
	nkeys   int                 // how many leading cols are key columns
	natural []int               // widest cell seen per column
	widths  []int               // natural fitted to the pane
	sel     int                 // the selected item (both views)
	top     int                 // first row shown
	xoff    int                 // first scrollable column shown

	// JSON view: the cursor line and the first line shown.
	jcur, jtop pos
	jx         int // horizontal offset in cells

	// Text, error and OK.
	raw   []textLine
	lines []string // raw, wrapped and styled for the width
	textW int      // widest line
	ttop  int
	tx    int

	// Pre-rendered pieces, built with the styles (never while drawing).
	sepStyled   string // " │ " in Muted
	gutterSel   string // the JSON view's mark of the selected item
	footMore    string // the footer when there are more items
	footLoading string // the footer while they load

	c *cache
}

// New returns an empty results pane drawn with st.
func New(st themes.Styles) Model {
	m := Model{KeyMap: DefaultKeyMap(), c: newCache()}
	m.SetStyles(st)
	m.updateKeys()
	return m
}

// SetStyles replaces the styles (after a theme or background change).
func (m *Model) SetStyles(st themes.Styles) {
	m.st = &st
	m.sepStyled = st.Muted.Render(" │ ")
	m.gutterSel = st.Accent.Render("▌") + " "
	m.footMore = st.Accent.Render("more items: press n")
	m.footLoading = st.Accent.Render("loading more items…")
	m.c.reset()
	m.layoutText()
}

// SetSize sets the inner size of the pane: View returns exactly h lines
// of at most w cells.
func (m *Model) SetSize(w, h int) {
	w, h = max(w, 0), max(h, 0)
	if w == m.w && h == m.h {
		return
	}
	m.w, m.h = w, h
	m.c.reset()
	m.fitWidths()
	m.layoutText()
	m.fix()
}

// Size returns the size SetSize set.
func (m Model) Size() (w, h int) { return m.w, m.h }

// Focus gives the pane the keyboard.
func (m *Model) Focus() { m.focused = true }

// Blur takes the keyboard away.
func (m *Model) Blur() { m.focused = false }

// Focused reports whether the pane has the keyboard.
func (m Model) Focused() bool { return m.focused }

// Mode returns the view items are shown in.
func (m Model) Mode() ViewMode { return m.mode }

// SetMode picks the view items are shown in (the root may follow the
// session's .format, say).
func (m *Model) SetMode(v ViewMode) {
	if v != ViewTable && v != ViewJSON {
		return
	}
	if v == m.mode {
		return
	}
	m.mode = v
	m.c.reset()
	if m.kind == kindItems && len(m.items) > 0 {
		if v == ViewJSON {
			m.jcur = pos{item: m.sel}
			m.jtop = m.jcur
			m.jx = 0
		} else {
			m.sel = m.jcur.item
		}
	}
	m.fix()
	m.updateKeys()
}

// Selected returns the selected item, if the result has items.
func (m Model) Selected() (item.Item, bool) {
	if m.kind != kindItems || m.sel < 0 || m.sel >= len(m.items) {
		return nil, false
	}
	return m.items[m.sel], true
}

// Len returns how many items the result holds (all pages so far).
func (m Model) Len() int { return len(m.items) }

// More reports whether the result stopped at its limit ("next" continues).
func (m Model) More() bool { return m.kind == kindItems && m.more }

// SetResult shows what statement stmt produced: out's items (when
// out.HasItems), its text, the error err, or "OK (no output)". It resets
// the selection and scrolling, and keeps the view (table or JSON).
func (m *Model) SetResult(stmt string, out shell.Output, err error) {
	mode := m.mode
	*m = Model{
		KeyMap: m.KeyMap, st: m.st, w: m.w, h: m.h, focused: m.focused,
		mode: mode, sepStyled: m.sepStyled, gutterSel: m.gutterSel,
		footMore: m.footMore, footLoading: m.footLoading,
		elapsed: out.Elapsed, c: newCache(),
	}
	switch {
	case err != nil:
		m.kind = kindError
		m.copyAll = err.Error()
		m.raw = errorLines(stmt, err)
	case out.HasItems:
		m.kind = kindItems
		m.items = out.Items
		m.keyCols = out.KeyColumns
		m.more = out.More
		m.present = make(map[string]struct{})
		m.addColumns(out.Items)
		m.measure(0, min(len(m.items), sampleRows))
		m.fitWidths()
		m.copyAll = out.Text
	case out.Text != "":
		m.kind = kindText
		m.copyAll = out.Text
		m.raw = reportLines(out.Text)
	default:
		m.kind = kindOK
		m.raw = []textLine{{text: "OK (no output)", style: styleOK}}
	}
	m.layoutText()
	m.fix()
	m.updateKeys()
}

// AppendPage adds the next page of items (what "next" returned) to the
// current result. The selection and scrolling stay; the footer goes when
// the page is the last. Without a current item result it is SetResult.
func (m *Model) AppendPage(out shell.Output) {
	if m.kind != kindItems {
		m.SetResult("next", out, nil)
		return
	}
	m.pending = false
	m.more = out.More
	m.elapsed += out.Elapsed
	if len(out.Items) > 0 {
		old := len(m.items)
		if !m.ownItems {
			// Copy once, so that appending never writes into the
			// caller's slice; later pages append in place.
			items := make([]item.Item, old, 2*(old+len(out.Items)))
			copy(items, m.items)
			m.items, m.ownItems = items, true
		}
		m.items = append(m.items, out.Items...)
		if m.addColumns(out.Items) {
			m.c.reset()
		}
		if old < sampleRows {
			m.measure(old, min(len(m.items), sampleRows))
		}
		m.fitWidths()
	}
	m.c.reset()
	m.fix()
	m.updateKeys()
}

// Update handles keys (when focused) and the mouse wheel. n emits
// NextPageMsg when the result has more items; y returns a command that
// copies the selected item (compact JSON) to the clipboard with OSC 52.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		if !m.focused {
			return m, nil
		}
		m.copied = false
		cmd := m.key(msg)
		return m, cmd
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			m.move(-wheelStep, false)
		case tea.MouseWheelDown:
			m.move(wheelStep, false)
		case tea.MouseWheelLeft:
			m.hscroll(-1)
		case tea.MouseWheelRight:
			m.hscroll(1)
		}
		m.fix()
	}
	return m, nil
}

func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	k := m.KeyMap
	switch {
	case key.Matches(msg, k.Up):
		m.move(-1, false)
	case key.Matches(msg, k.Down):
		m.move(1, false)
	case key.Matches(msg, k.PageUp):
		m.move(-m.pageRows(), true)
	case key.Matches(msg, k.PageDown):
		m.move(m.pageRows(), true)
	case key.Matches(msg, k.Top):
		m.home()
	case key.Matches(msg, k.Bottom):
		m.end()
	case key.Matches(msg, k.Left):
		m.hscroll(-1)
	case key.Matches(msg, k.Right):
		m.hscroll(1)
	case key.Matches(msg, k.Toggle):
		if m.kind == kindItems {
			m.SetMode(1 - m.mode)
		}
	case key.Matches(msg, k.TableView):
		m.SetMode(ViewTable)
	case key.Matches(msg, k.JSONView):
		m.SetMode(ViewJSON)
	case key.Matches(msg, k.NextPage):
		if m.kind == kindItems && m.more && !m.pending {
			m.pending = true
			m.updateKeys()
			return nextPage
		}
	case key.Matches(msg, k.Copy):
		if s, ok := m.copyText(); ok {
			m.copied = true
			return tea.SetClipboard(s)
		}
	}
	m.fix()
	return nil
}

func nextPage() tea.Msg { return NextPageMsg{} }

// copyText is what y copies: the selected item as compact JSON, or the
// report or error text.
func (m *Model) copyText() (string, bool) {
	if it, ok := m.Selected(); ok {
		return string(item.ItemToJSON(it)), true
	}
	if m.copyAll != "" {
		return m.copyAll, true
	}
	return "", false
}

// move moves the selection (or the JSON cursor, or the text) by n; page
// moves scroll the view by as much.
func (m *Model) move(n int, page bool) {
	switch {
	case m.kind == kindItems && m.mode == ViewTable:
		m.sel = clamp(m.sel+n, 0, len(m.items)-1)
		if page {
			m.top = clamp(m.top+n, 0, max(0, len(m.items)-m.tableRows()))
		}
	case m.kind == kindItems:
		m.jsonMove(n, page)
	default:
		m.ttop += n
	}
}

func (m *Model) home() {
	switch {
	case m.kind == kindItems && m.mode == ViewTable:
		m.sel, m.top = 0, 0
	case m.kind == kindItems:
		m.jcur, m.jtop = pos{}, pos{}
		m.sel = 0
	default:
		m.ttop = 0
	}
}

func (m *Model) end() {
	switch {
	case m.kind == kindItems && m.mode == ViewTable:
		m.sel = len(m.items) - 1
	case m.kind == kindItems && len(m.items) > 0:
		m.jcur = m.jsonEnd()
		m.sel = m.jcur.item
	default:
		m.ttop = len(m.lines)
	}
}

func (m *Model) hscroll(dir int) {
	switch {
	case m.kind == kindItems && m.mode == ViewTable:
		m.xoff += dir
	case m.kind == kindItems:
		m.jx += dir * hStep
	default:
		m.tx += dir * hStep
	}
}

// fix clamps the selection and scrolling after any change, and measures
// the rows that are now visible (which may widen columns).
func (m *Model) fix() {
	switch m.kind {
	case kindItems:
		if len(m.items) == 0 {
			m.sel, m.top, m.xoff = 0, 0, 0
			return
		}
		if m.mode == ViewJSON {
			m.jsonFix()
			return
		}
		rows := m.tableRows()
		m.sel = clamp(m.sel, 0, len(m.items)-1)
		if m.sel < m.top {
			m.top = m.sel
		} else if m.sel >= m.top+rows {
			m.top = m.sel - rows + 1
		}
		m.top = clamp(m.top, 0, max(0, len(m.items)-rows))
		if m.measure(m.top, min(len(m.items), m.top+rows)) {
			m.fitWidths()
		}
		m.xoff = clamp(m.xoff, 0, m.maxXOff())
	default:
		m.ttop = clamp(m.ttop, 0, max(0, len(m.lines)-m.h))
		m.tx = clamp(m.tx, 0, max(0, m.textW-m.w))
	}
}

// pageRows is how far PgUp/PgDn move.
func (m *Model) pageRows() int {
	switch {
	case m.kind == kindItems && m.mode == ViewTable:
		return max(1, m.tableRows())
	case m.kind == kindItems:
		return max(1, m.jsonRows())
	}
	return max(1, m.h)
}

// footerLines is 1 when the last line is the "more items" footer.
func (m *Model) footerLines() int {
	if m.kind == kindItems && m.more && m.h >= 2 {
		return 1
	}
	return 0
}

// updateKeys enables the bindings that do something now.
func (m *Model) updateKeys() {
	items := m.kind == kindItems && len(m.items) > 0
	k := &m.KeyMap
	k.Toggle.SetEnabled(m.kind == kindItems)
	k.TableView.SetEnabled(m.kind == kindItems)
	k.JSONView.SetEnabled(m.kind == kindItems)
	k.NextPage.SetEnabled(m.kind == kindItems && m.more && !m.pending)
	k.Copy.SetEnabled(items || m.copyAll != "")
	if m.kind == kindItems && m.mode == ViewTable {
		k.Left.SetHelp("←/h", "columns")
		k.Right.SetHelp("→/l", "columns")
	} else {
		k.Left.SetHelp("←/h", "scroll left")
		k.Right.SetHelp("→/l", "scroll right")
	}
}

// Title is the frame's title: what the result is, its size, the time the
// statement took, the view, and the columns shown when not all fit.
// E.g. "results · 1,234 items · 3.2 ms · table".
func (m Model) Title() string {
	parts := []string{"results"}
	switch m.kind {
	case kindItems:
		n := formatCount(len(m.items))
		switch {
		case m.more:
			n += "+ items"
		case len(m.items) == 1:
			n += " item"
		default:
			n += " items"
		}
		parts = append(parts, n)
	case kindText:
		parts = append(parts, "report")
	case kindError:
		parts = append(parts, "error")
	case kindOK:
		parts = append(parts, "ok")
	}
	if m.kind != kindNone && m.elapsed > 0 {
		parts = append(parts, formatElapsed(m.elapsed))
	}
	if m.kind == kindItems {
		parts = append(parts, m.mode.String())
		if m.mode == ViewTable && len(m.items) > 0 {
			if first, last, ok := m.shownCols(); ok {
				parts = append(parts, "cols "+strconv.Itoa(first)+"–"+strconv.Itoa(last)+" of "+strconv.Itoa(len(m.cols)))
			}
		}
	}
	if m.copied {
		parts = append(parts, "copied")
	}
	return strings.Join(parts, " · ")
}

// View draws the pane: exactly h lines, none wider than w cells.
func (m Model) View() string {
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	lines := make([]string, 0, m.h)
	switch {
	case m.kind == kindItems && len(m.items) == 0:
		lines = append(lines, clip(m.st.Muted.Render("(0 items)"), 0, m.w))
	case m.kind == kindItems && m.mode == ViewTable:
		lines = m.tableView(lines)
	case m.kind == kindItems:
		lines = m.jsonView(lines)
	case m.kind == kindNone:
		lines = append(lines, clip(m.st.Muted.Render("no results yet"), 0, m.w))
	default:
		lines = m.textView(lines)
	}
	blank := m.c.blankLine(m.w)
	for len(lines) < m.h-m.footerLines() {
		lines = append(lines, blank)
	}
	if m.footerLines() == 1 {
		foot := m.footMore
		if m.pending {
			foot = m.footLoading
		}
		lines = append(lines, m.c.clipped(foot, m.w))
	}
	return strings.Join(lines[:m.h], "\n")
}

// pos is a line of the JSON view: an item and a line of its JSON.
type pos struct{ item, line int }

func clamp(v, lo, hi int) int {
	if v > hi {
		v = hi
	}
	if v < lo {
		v = lo
	}
	return v
}

// formatCount writes n with thousands separators: 1,234.
func formatCount(n int) string {
	s := strconv.Itoa(n)
	if n < 0 || len(s) <= 3 {
		return s
	}
	var b strings.Builder
	lead := len(s) % 3
	if lead > 0 {
		b.WriteString(s[:lead])
	}
	for i := lead; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

// formatElapsed writes a duration for the title: 0.41 ms, 3.2 ms, 1.25 s.
func formatElapsed(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case ms < 1:
		return strconv.FormatFloat(ms, 'f', 2, 64) + " ms"
	case ms < 1000:
		return strconv.FormatFloat(ms, 'f', 1, 64) + " ms"
	}
	return strconv.FormatFloat(ms/1000, 'f', 2, 64) + " s"
}
