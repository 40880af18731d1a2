package results

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/keystonedb/kstone-shell/engine/item"
	"github.com/keystonedb/kstone-shell/shell"
)

func TestSelectionMovement(t *testing.T) {
	m := newPane(noColor(), 80, 12, itemsOut(users(100), false), nil)
	// 12 lines: header, rule, 10 rows.
	check := func(want int) {
		t.Helper()
		it, ok := m.Selected()
		if !ok || m.sel != want {
			t.Fatalf("selected %d (%v), want %d", m.sel, ok, want)
		}
		line, _ := selectedLine(m.View())
		if !strings.Contains(line, string(it["pk"].(item.S))) {
			t.Fatalf("highlighted line %q does not show item %d", line, want)
		}
	}
	check(0)
	m, _ = press(m, kDown, kDown, runeKey('j'))
	check(3)
	m, _ = press(m, kUp, runeKey('k'))
	check(1)
	m, _ = press(m, kUp, kUp, kUp)
	check(0)
	m, _ = press(m, kPgDn)
	check(10)
	if m.top != 10 {
		t.Fatalf("PgDn: top %d, want 10", m.top)
	}
	m, _ = press(m, kPgDn, kPgUp)
	check(10)
	m, _ = press(m, runeKey('G'))
	check(99)
	if _, i := selectedLine(m.View()); i != 11 {
		t.Fatalf("G: selection on line %d, want the last (11)", i)
	}
	m, _ = press(m, kDown)
	check(99)
	m, _ = press(m, runeKey('g'))
	check(0)
	m, _ = press(m, tea.KeyPressMsg{Code: tea.KeyEnd})
	check(99)
	m, _ = press(m, tea.KeyPressMsg{Code: tea.KeyHome})
	check(0)
	m, _ = press(m, tea.MouseWheelMsg{Button: tea.MouseWheelDown}, tea.MouseWheelMsg{Button: tea.MouseWheelDown})
	check(6)
	m, _ = press(m, tea.MouseWheelMsg{Button: tea.MouseWheelUp})
	check(3)
	// The header stays put while rows scroll.
	m, _ = press(m, runeKey('G'))
	if first := strings.Split(m.View(), "\n")[0]; !strings.Contains(first, "pk") || !strings.Contains(first, "name") {
		t.Fatalf("header line after G: %q", first)
	}
}

func TestKeysNeedFocus(t *testing.T) {
	m := newPane(noColor(), 80, 12, itemsOut(users(10), false), nil)
	m.Blur()
	if m.Focused() {
		t.Fatal("focused after Blur")
	}
	m, _ = press(m, kDown, kDown)
	if m.sel != 0 {
		t.Fatalf("blurred pane moved to %d", m.sel)
	}
	m.Focus()
	m, _ = press(m, kDown)
	if m.sel != 1 {
		t.Fatalf("focused pane at %d, want 1", m.sel)
	}
}

func TestViewToggle(t *testing.T) {
	m := newPane(noColor(), 80, 12, itemsOut(users(20), false), nil)
	m, _ = press(m, kDown, kDown) // item 2
	if m.Mode() != ViewTable || !strings.Contains(m.Title(), "· table") {
		t.Fatalf("starts as %v, title %q", m.Mode(), m.Title())
	}
	m, _ = press(m, runeKey('v'))
	if m.Mode() != ViewJSON || !strings.Contains(m.Title(), "· json") {
		t.Fatalf("v: %v, title %q", m.Mode(), m.Title())
	}
	v := m.View()
	if !strings.Contains(v, `"pk": "user#0002"`) {
		t.Fatalf("JSON view does not start at the selected item:\n%s", v)
	}
	line, i := selectedLine(v)
	if i != 0 || !strings.Contains(line, "{") {
		t.Fatalf("cursor line %d %q, want the first, {", i, line)
	}
	// The selected item's block is marked in the gutter.
	if !strings.HasPrefix(strings.Split(v, "\n")[1], "▌") {
		t.Fatalf("selected item not marked:\n%s", v)
	}
	// Down moves by line; past the item's closing brace to the next item.
	lines := len(m.jsonLines(2))
	for range lines {
		m, _ = press(m, kDown)
	}
	if m.sel != 3 || m.jcur != (pos{3, 0}) {
		t.Fatalf("after %d lines down: sel %d cursor %v", lines, m.sel, m.jcur)
	}
	m, _ = press(m, kUp)
	if m.sel != 2 {
		t.Fatalf("up into the previous item: sel %d", m.sel)
	}
	m, _ = press(m, runeKey('t'))
	if m.Mode() != ViewTable || m.sel != 2 {
		t.Fatalf("t: %v sel %d", m.Mode(), m.sel)
	}
	m, _ = press(m, runeKey('J'))
	if m.Mode() != ViewJSON {
		t.Fatalf("J: %v", m.Mode())
	}
	m, _ = press(m, runeKey('G'))
	if m.sel != 19 || m.jcur != m.jsonEnd() {
		t.Fatalf("G in JSON: sel %d cursor %v", m.sel, m.jcur)
	}
	if l, i := selectedLine(m.View()); i != 11 || !strings.Contains(l, "}") {
		t.Fatalf("G in JSON: cursor line %d %q", i, l)
	}
	m, _ = press(m, runeKey('g'))
	if m.sel != 0 || m.jtop != (pos{}) {
		t.Fatalf("g in JSON: sel %d top %v", m.sel, m.jtop)
	}
	m, _ = press(m, kPgDn)
	if m.jcur != m.jsonAdvance(pos{}, 12) {
		t.Fatalf("PgDn in JSON: cursor %v", m.jcur)
	}
	m, _ = press(m, runeKey('v'))
	if m.Mode() != ViewTable {
		t.Fatalf("v again: %v", m.Mode())
	}
	// The mode survives a new result.
	m.SetMode(ViewJSON)
	m.SetResult("scan", itemsOut(users(3), false), nil)
	if m.Mode() != ViewJSON || m.sel != 0 {
		t.Fatalf("new result: %v sel %d", m.Mode(), m.sel)
	}
}

// wide returns items with many columns.
func wide(n int) []item.Item {
	items := users(n)
	for _, it := range items {
		for _, c := range []string{"c01", "c02", "c03", "c04", "c05", "c06", "c07", "c08", "c09", "c10"} {
			it[c] = item.S(strings.Repeat(c, 4))
		}
	}
	return items
}

func TestHorizontalScroll(t *testing.T) {
	m := newPane(noColor(), 80, 12, itemsOut(wide(20), false), nil)
	header := func() string { return stripANSI(strings.Split(m.View(), "\n")[0]) }
	if !strings.Contains(m.Title(), "cols 1–") {
		t.Fatalf("title %q does not say which columns show", m.Title())
	}
	if strings.Contains(header(), "c10") {
		t.Fatalf("c10 visible before scrolling: %q", header())
	}
	first := m.cols[m.pinned()]
	m, _ = press(m, kRight)
	if m.xoff != 1 {
		t.Fatalf("→: xoff %d", m.xoff)
	}
	h := header()
	if !strings.HasPrefix(strings.TrimSpace(h), "pk") || strings.Contains(h, " "+first+" ") {
		t.Fatalf("→: keys should stay and %q go: %q", first, h)
	}
	for range 50 {
		m, _ = press(m, runeKey('l'))
	}
	if m.xoff != m.maxXOff() || m.xoff == 0 {
		t.Fatalf("xoff %d, max %d", m.xoff, m.maxXOff())
	}
	if !strings.Contains(header(), "tags") { // the last column, whole
		t.Fatalf("last column not shown at the right end: %q", header())
	}
	m, _ = press(m, kLeft, runeKey('h'))
	if m.xoff != m.maxXOff()-2 {
		t.Fatalf("← twice: xoff %d", m.xoff)
	}
	for range 50 {
		m, _ = press(m, kLeft)
	}
	if m.xoff != 0 {
		t.Fatalf("xoff %d after scrolling back", m.xoff)
	}
	// A table that fits does not scroll.
	n := newPane(noColor(), 200, 12, itemsOut(users(5), false), nil)
	n, _ = press(n, kRight)
	if n.xoff != 0 || strings.Contains(n.Title(), "cols") {
		t.Fatalf("fitting table scrolled: xoff %d title %q", n.xoff, n.Title())
	}
}

func TestNextPage(t *testing.T) {
	m := newPane(noColor(), 80, 12, itemsOut(users(30), true), nil)
	lines := strings.Split(m.View(), "\n")
	if last := lines[len(lines)-1]; !strings.Contains(last, "more items: press n") {
		t.Fatalf("last line %q", last)
	}
	if !strings.Contains(m.Title(), "30+ items") {
		t.Fatalf("title %q", m.Title())
	}
	m, _ = press(m, kDown)
	m, cmd := press(m, runeKey('n'))
	if cmd == nil {
		t.Fatal("n with more items: no command")
	}
	if msg := cmd(); msg != (NextPageMsg{}) {
		t.Fatalf("n: %T %v, want NextPageMsg", msg, msg)
	}
	if _, again := press(m, runeKey('n')); again != nil {
		t.Fatal("n while the page loads: another NextPageMsg")
	}
	page := users(45)[30:]
	for _, it := range page {
		it["extra"] = item.S("new column")
	}
	m.AppendPage(shell.Output{Items: page, HasItems: true, Elapsed: time.Millisecond})
	if m.Len() != 45 || m.More() || m.sel != 1 {
		t.Fatalf("after the page: %d items, more %v, sel %d", m.Len(), m.More(), m.sel)
	}
	if !strings.Contains(m.Title(), "45 items · 4.2 ms") {
		t.Fatalf("title %q", m.Title())
	}
	if !reflect.DeepEqual(m.cols[:3], []string{"pk", "sk", "address"}) || !containsStr(m.cols, "extra") {
		t.Fatalf("columns %v", m.cols)
	}
	if strings.Contains(m.View(), "more items") {
		t.Fatal("footer after the last page")
	}
	if _, cmd := press(m, runeKey('n')); cmd != nil {
		t.Fatal("n without more items emitted a command")
	}
	m, _ = press(m, runeKey('G'))
	if it, _ := m.Selected(); it["pk"] != item.S("user#0044") {
		t.Fatalf("G after the page: %v", it["pk"])
	}
}

func containsStr(s []string, x string) bool {
	for _, e := range s {
		if e == x {
			return true
		}
	}
	return false
}

func TestCopy(t *testing.T) {
	m := newPane(noColor(), 80, 12, itemsOut(users(5), false), nil)
	m, _ = press(m, kDown)
	m, cmd := press(m, runeKey('y'))
	if cmd == nil {
		t.Fatal("y: no command")
	}
	// tea.SetClipboard's message is an unexported string type.
	msg := reflect.ValueOf(cmd())
	want := string(item.ItemToJSON(users(5)[1]))
	if msg.Kind() != reflect.String || msg.String() != want {
		t.Fatalf("clipboard %v, want %s", msg, want)
	}
	if !strings.Contains(m.Title(), "copied") {
		t.Fatalf("title %q", m.Title())
	}
	m, _ = press(m, kDown)
	if strings.Contains(m.Title(), "copied") {
		t.Fatalf("copied notice outlived the next key: %q", m.Title())
	}
	// A report copies its text; nothing copies nothing.
	m.SetResult(".stats", shell.Output{Text: "stripes: 256\n"}, nil)
	if _, cmd := press(m, runeKey('y')); cmd == nil {
		t.Fatal("y on a report: no command")
	}
	m.SetResult("put", shell.Output{}, nil)
	if _, cmd := press(m, runeKey('y')); cmd != nil {
		t.Fatal("y on OK: a command")
	}
}

func TestErrorCaret(t *testing.T) {
	stmt := "scan\n  where pk = 'a' andd sk > 1"
	pos := strings.Index(stmt, "andd")
	err := &shell.Error{Msg: `unexpected "andd"`, Pos: pos}
	m := newPane(noColor(), 80, 12, shell.Output{Elapsed: 100 * time.Microsecond}, nil)
	m.SetResult(stmt, shell.Output{Elapsed: 100 * time.Microsecond}, err)
	lines := strings.Split(m.View(), "\n")
	if !strings.Contains(lines[0], `Error: unexpected "andd"`) {
		t.Fatalf("message line %q", lines[0])
	}
	var stmtLine, caretLine int = -1, -1
	for i, l := range lines {
		if strings.Contains(l, "where pk") {
			stmtLine = i
		}
		if strings.Contains(l, "^") {
			caretLine = i
		}
	}
	if stmtLine < 0 || caretLine != stmtLine+1 {
		t.Fatalf("no caret under the statement line:\n%s", strings.Join(lines, "\n"))
	}
	plain := func(s string) string { return strings.TrimRight(stripANSI(s), " ") }
	if got, want := strings.Index(plain(lines[caretLine]), "^"), strings.Index(plain(lines[stmtLine]), "andd"); got != want {
		t.Fatalf("caret at %d, want %d:\n%s\n%s", got, want, lines[stmtLine], lines[caretLine])
	}
	if !strings.Contains(m.Title(), "error · 0.10 ms") {
		t.Fatalf("title %q", m.Title())
	}
	// No place: no caret.
	m.SetResult(stmt, shell.Output{}, &shell.Error{Msg: "table not found", Pos: -1})
	if strings.Contains(m.View(), "^") {
		t.Fatalf("caret without a place:\n%s", m.View())
	}
	// A long message wraps.
	m.SetResult(stmt, shell.Output{}, &shell.Error{Msg: strings.Repeat("very long message ", 10), Pos: -1})
	if !strings.Contains(strings.Split(m.View(), "\n")[1], "long message") {
		t.Fatalf("long message not wrapped:\n%s", m.View())
	}
}

func stripANSI(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b {
			for i < len(s) && s[i] != 'm' {
				i++
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func TestTextAndOK(t *testing.T) {
	var b strings.Builder
	for i := range 40 {
		b.WriteString("line ")
		b.WriteString(strings.Repeat("x", i))
		b.WriteString("\tend\n")
	}
	m := newPane(noColor(), 30, 10, shell.Output{Text: b.String(), Elapsed: 2 * time.Second}, nil)
	if got := m.Title(); got != "results · report · 2.00 s" {
		t.Fatalf("title %q", got)
	}
	if first := strings.Split(m.View(), "\n")[0]; !strings.HasPrefix(first, "line \tend"[:5]) || !strings.Contains(first, "end") {
		t.Fatalf("first line %q", first)
	}
	m, _ = press(m, kDown, kDown)
	if first := strings.Split(m.View(), "\n")[0]; !strings.HasPrefix(first, "line xx ") {
		t.Fatalf("after 2 down: %q", first)
	}
	m, _ = press(m, runeKey('G'))
	if last := strings.Split(m.View(), "\n")[9]; !strings.Contains(last, "xxxxxxxx") {
		t.Fatalf("G: last line %q", last)
	}
	m, _ = press(m, kRight)
	if m.tx != hStep {
		t.Fatalf("→ on text: tx %d", m.tx)
	}
	m.SetResult("put {}", shell.Output{Elapsed: time.Millisecond}, nil)
	if v := m.View(); !strings.Contains(v, "OK (no output)") {
		t.Fatalf("OK view:\n%s", v)
	}
	if m.Title() != "results · ok · 1.0 ms" {
		t.Fatalf("title %q", m.Title())
	}
	m.SetResult("scan", shell.Output{HasItems: true}, nil)
	if v := m.View(); !strings.Contains(v, "(0 items)") || m.Title() != "results · 0 items · table" {
		t.Fatalf("no items: %q\n%s", m.Title(), v)
	}
}

// TestCellTextMatchesShell pins the cells to the shell's table: the same
// value shows the same text.
func TestCellTextMatchesShell(t *testing.T) {
	values := []item.Value{
		item.S("plain"), item.S("tab\there\nnewline"), item.S("esc\x1b[31mred"), item.S("bidi\u202eevil"),
		item.S("東京"), item.S("é"), item.S("bad\xffutf8"), item.S(""),
		item.MustN("12.50"), item.MustN("-1e3"), item.BOOL(true), item.BOOL(false), item.NULL{},
		item.B{0, 1, 2, 255}, item.L{item.S("a"), item.MustN("1")}, item.M{"k": item.S("v")},
		item.SS{"b", "a"}, item.NS{item.MustN("2"), item.MustN("1")}, item.BS{{1}, {0}},
	}
	for _, v := range values {
		var buf bytes.Buffer
		err := shell.Write(&buf, shell.FormatTable, shell.Result{Items: []item.Item{{"a": v}}}, shell.FormatOptions{})
		if err != nil {
			t.Fatal(err)
		}
		row := strings.Split(buf.String(), "\n")[3]
		want := strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(row, "│ "), " │"))
		if got := newCell(v).text; got != want {
			t.Errorf("%#v: cell %q, shell shows %q", v, got, want)
		}
	}
}

// TestColumnsMatchShell: key columns first, then the others sorted, as
// the shell's CSV header has them.
func TestColumnsMatchShell(t *testing.T) {
	items := users(12)
	items[3]["Zeta"] = item.S("z")
	for _, keys := range [][]string{{"pk", "sk"}, {"sk"}, nil, {"missing", "pk"}} {
		var buf bytes.Buffer
		if err := shell.Write(&buf, shell.FormatCSV, shell.Result{Items: items}, shell.FormatOptions{KeyColumns: keys}); err != nil {
			t.Fatal(err)
		}
		want := strings.Split(strings.SplitN(buf.String(), "\n", 2)[0], ",")
		m := New(noColor())
		m.SetSize(80, 10)
		m.SetResult("scan", shell.Output{Items: items, HasItems: true, KeyColumns: keys}, nil)
		if !reflect.DeepEqual(m.cols, want) {
			t.Errorf("keys %v: columns %v, shell %v", keys, m.cols, want)
		}
	}
}

func TestHelpKeys(t *testing.T) {
	m := newPane(noColor(), 80, 12, itemsOut(users(3), false), nil)
	if m.KeyMap.NextPage.Enabled() {
		t.Fatal("n enabled without more items")
	}
	m.SetResult("scan", itemsOut(users(3), true), nil)
	if !m.KeyMap.NextPage.Enabled() || !m.KeyMap.Copy.Enabled() {
		t.Fatal("n or y disabled with more items")
	}
	if len(m.KeyMap.ShortHelp()) == 0 || len(m.KeyMap.FullHelp()) == 0 {
		t.Fatal("empty help")
	}
	m.SetResult("put", shell.Output{}, nil)
	if m.KeyMap.Toggle.Enabled() || m.KeyMap.Copy.Enabled() {
		t.Fatal("v or y enabled on OK")
	}
}

func TestFormatting(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567"} {
		if got := formatCount(n); got != want {
			t.Errorf("formatCount(%d) = %q", n, got)
		}
	}
	for d, want := range map[time.Duration]string{410 * time.Microsecond: "0.41 ms", 3200 * time.Microsecond: "3.2 ms", 1250 * time.Millisecond: "1.25 s"} {
		if got := formatElapsed(d); got != want {
			t.Errorf("formatElapsed(%v) = %q", d, got)
		}
	}
}
