package replinput

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

func TestTypingAndEditing(t *testing.T) {
	m := newTest(t, Options{})
	m = typeText(m, "get user#1")
	if got := m.Value(); got != "get user#1" {
		t.Fatalf("typed %q", got)
	}
	steps := []struct {
		keys []string
		text string // typed after the keys
		want string
	}{
		{[]string{"home"}, "x", "xget user#1"},
		{[]string{"delete"}, "", "xet user#1"},
		{[]string{"backspace"}, "g", "get user#1"},
		{[]string{"end", "backspace"}, "2", "get user#2"},
		{[]string{"ctrl+a", "right", "right", "right", "delete"}, "", "getuser#2"},
		{[]string{}, " ", "get user#2"},
		{[]string{"ctrl+e", "alt+left"}, "X", "get user#X2"},
		{[]string{"alt+b", "alt+b"}, "Y", "get Yuser#X2"},
		{[]string{"alt+f"}, "Z", "get YuserZ#X2"},
		{[]string{"ctrl+e", "ctrl+w"}, "", "get "},
		{[]string{"ctrl+w"}, "", ""},
		{[]string{}, "scan filter a > 1", "scan filter a > 1"},
		{[]string{"alt+backspace"}, "", "scan filter a > "},
		{[]string{"alt+left", "alt+left", "ctrl+k"}, "", "scan "},
		{[]string{"left", "ctrl+u"}, "", " "},
		{[]string{"ctrl+a", "alt+d"}, "", ""},
	}
	for _, s := range steps {
		m, _ = keys(m, s.keys...)
		m = typeText(m, s.text)
		if got := m.Value(); got != s.want {
			t.Fatalf("after %v %q: %q, want %q", s.keys, s.text, got, s.want)
		}
	}
}

func TestMultiLineEditing(t *testing.T) {
	m := newTest(t, Options{})
	m = typeText(m, "put {")
	m, _ = keys(m, "enter") // a brace is open: a new line
	m = typeText(m, `  "pk": "a",`)
	m, _ = keys(m, "ctrl+j")
	m = typeText(m, `  "n": 1}`)
	want := "put {\n  \"pk\": \"a\",\n  \"n\": 1}"
	if m.Value() != want {
		t.Fatalf("value %q", m.Value())
	}
	// Up keeps the column; left at a line start goes to the previous end.
	m, _ = keys(m, "up")
	if m.buf.row != 1 || m.buf.col != 9 {
		t.Fatalf("after up: row %d col %d", m.buf.row, m.buf.col)
	}
	m, _ = keys(m, "home", "left")
	if m.buf.row != 0 || m.buf.col != 5 {
		t.Fatalf("after home left: row %d col %d", m.buf.row, m.buf.col)
	}
	m, _ = keys(m, "right", "backspace") // joins the lines
	if m.Value() != "put {  \"pk\": \"a\",\n  \"n\": 1}" {
		t.Fatalf("after join %q", m.Value())
	}
	m, _ = keys(m, "alt+enter", "ctrl+e", "delete") // ctrl+e then delete joins the next line
	if m.Value() != "put {\n  \"pk\": \"a\",  \"n\": 1}" {
		t.Fatalf("after delete at end %q", m.Value())
	}
	m, _ = keys(m, "ctrl+home")
	m = typeText(m, "-- c")
	m, _ = keys(m, "alt+enter", "ctrl+end")
	if m.buf.row != 2 || m.buf.col != len([]rune(`  "pk": "a",  "n": 1}`)) {
		t.Fatalf("ctrl+end: row %d col %d", m.buf.row, m.buf.col)
	}
	// ctrl+k at the end of a line joins the next.
	m.SetValue("a\nb")
	m, _ = keys(m, "up", "ctrl+k")
	if m.Value() != "ab" {
		t.Fatalf("ctrl+k join %q", m.Value())
	}
}

func TestPaste(t *testing.T) {
	m := newTest(t, Options{})
	m = typeText(m, "get ")
	m, _ = m.Update(tea.PasteMsg{Content: "put {\r\n\t\"pk\": \"a\"\x1b}\rx"})
	if want := "get put {\n\t\"pk\": \"a\"}\nx"; m.Value() != want {
		t.Fatalf("paste gave %q, want %q", m.Value(), want)
	}
	if m.buf.row != 2 || m.buf.col != 1 {
		t.Fatalf("cursor after paste at %d,%d", m.buf.row, m.buf.col)
	}
	// The tab is drawn as a space.
	if !strings.Contains(plain(m), `    ...>  "pk"`[1:]) {
		t.Fatalf("tab not drawn as a space:\n%s", plain(m))
	}
}

func submitted(t *testing.T, cmd tea.Cmd) (SubmitMsg, bool) {
	t.Helper()
	if cmd == nil {
		return SubmitMsg{}, false
	}
	msg, ok := cmd().(SubmitMsg)
	if !ok {
		t.Fatalf("command gave %T", cmd())
	}
	return msg, true
}

func TestEnterSubmitOrContinue(t *testing.T) {
	cases := []struct {
		name, typed string
		submit      bool
	}{
		{"complete", "get user#1", true},
		{"open brace", `put {"pk": "a",`, false},
		{"open paren", "scan filter (a = 1", false},
		{"open bracket", "update a SET l = [1,", false},
		{"open double quote", `put {"pk": "a`, false},
		{"open single quote", "SELECT * FROM t WHERE pk = 'a", false},
		{"semicolon ends it", `put {"pk": "a";`, true},
		{"semicolon inside a quote", `put {"pk": "a;`, false},
		{"dot command", ".param set :v {", true},
		{"comment only", "-- nothing", true},
		{"parse error still submits", "update a SET x = = 1", true},
		{"blank", "   ", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := newTest(t, Options{})
			m = typeText(m, c.typed)
			m, cmd := keys(m, "enter")
			msg, ok := submitted(t, cmd)
			if ok != c.submit {
				t.Fatalf("submitted %v, want %v (value now %q)", ok, c.submit, m.Value())
			}
			switch {
			case ok:
				if msg.Text != strings.TrimSpace(c.typed) || m.Value() != "" {
					t.Fatalf("submitted %q, value left %q", msg.Text, m.Value())
				}
			case strings.TrimSpace(c.typed) == "":
				if m.Value() != c.typed {
					t.Fatalf("blank input changed to %q", m.Value())
				}
			default:
				if m.Value() != c.typed+"\n" {
					t.Fatalf("continuation gave %q", m.Value())
				}
			}
		})
	}
}

func TestMultiLineStatementSubmitsAsOne(t *testing.T) {
	m := newTest(t, Options{})
	m = typeText(m, `put {"pk": "a",`)
	m, _ = keys(m, "enter")
	m = typeText(m, `  "n": 1}`)
	// Enter submits the whole text, wherever the cursor is.
	m, cmd := keys(m, "up", "home", "enter")
	msg, ok := submitted(t, cmd)
	if !ok || msg.Text != "put {\"pk\": \"a\",\n  \"n\": 1}" {
		t.Fatalf("submitted %v %q", ok, msg.Text)
	}
	if h := m.History(); len(h) != 1 || h[0] != msg.Text {
		t.Fatalf("history %q", h)
	}
	// ctrl+j and alt+enter always insert a newline, even when complete.
	m = typeText(m, "get a")
	m, cmd = keys(m, "ctrl+j")
	if cmd != nil || m.Value() != "get a\n" {
		t.Fatalf("ctrl+j: %q", m.Value())
	}
	m, _ = keys(m, "backspace", "alt+enter")
	if m.Value() != "get a\n" {
		t.Fatalf("alt+enter: %q", m.Value())
	}
	// Empty input: Enter does nothing.
	m.Reset()
	m, cmd = keys(m, "enter")
	if cmd != nil || m.Value() != "" {
		t.Fatalf("enter on empty input: %q %v", m.Value(), cmd != nil)
	}
}

func submit(t *testing.T, m Model, text string) Model {
	t.Helper()
	m.SetValue(text)
	m, cmd := keys(m, "enter")
	msg, ok := submitted(t, cmd)
	if !ok || msg.Text != text || msg.HistoryErr != nil {
		t.Fatalf("submit %q: %v %+v", text, ok, msg)
	}
	return m
}

func TestHistoryNavigation(t *testing.T) {
	m := newTest(t, Options{})
	m = submit(t, m, "get a")
	m = submit(t, m, "update a\n  SET x = 1")
	m = submit(t, m, "get b")
	m = submit(t, m, "get b") // a consecutive duplicate is skipped
	if h := m.History(); len(h) != 3 {
		t.Fatalf("history %q", h)
	}
	m = typeText(m, "sc")
	want := []string{"get b", "update a\n  SET x = 1", "get a", "get a"}
	for i, w := range want {
		m, _ = keys(m, "up")
		if m.Value() != w {
			t.Fatalf("up #%d: %q, want %q", i+1, m.Value(), w)
		}
		if m.buf.row != 0 {
			t.Fatalf("up #%d: cursor on row %d", i+1, m.buf.row)
		}
	}
	// Down lands on the last line of a multi-line entry; Up then moves
	// inside it before going back through history.
	m, _ = keys(m, "down")
	if m.Value() != "update a\n  SET x = 1" || m.buf.row != 1 {
		t.Fatalf("down: %q row %d", m.Value(), m.buf.row)
	}
	m, _ = keys(m, "up")
	if m.Value() != "update a\n  SET x = 1" || m.buf.row != 0 {
		t.Fatalf("up within the entry: %q row %d", m.Value(), m.buf.row)
	}
	m, _ = keys(m, "down", "down")
	if m.Value() != "get b" {
		t.Fatalf("down to the newest: %q", m.Value())
	}
	m, _ = keys(m, "down")
	if m.Value() != "sc" {
		t.Fatalf("back to the draft: %q", m.Value())
	}
	m = typeText(m, "an")
	if m.Value() != "scan" {
		t.Fatalf("draft editing: %q", m.Value())
	}
	m, _ = keys(m, "down")
	if m.Value() != "scan" {
		t.Fatalf("down past the newest: %q", m.Value())
	}
}

func TestHistoryPersistence(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "kstone")
	path := filepath.Join(dir, "history.jsonl")
	m := newTest(t, Options{HistoryPath: path})
	if m.HistoryErr() != nil || len(m.History()) != 0 {
		t.Fatalf("new history: %v %q", m.HistoryErr(), m.History())
	}
	multi := "put {\"pk\": \"<a&b>\",\n  \"n\": 1}"
	m = submit(t, m, "get a")
	m = submit(t, m, multi)
	m = submit(t, m, multi)
	m = submit(t, m, "get a")

	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("history file mode %v, want 0600", fi.Mode().Perm())
	}
	di, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if di.Mode().Perm() != 0o700 {
		t.Errorf("history directory mode %v, want 0700", di.Mode().Perm())
	}
	data, _ := os.ReadFile(path)
	wantFile := "\"get a\"\n\"put {\\\"pk\\\": \\\"<a&b>\\\",\\n  \\\"n\\\": 1}\"\n\"get a\"\n"
	if string(data) != wantFile {
		t.Errorf("file:\n%s\nwant:\n%s", data, wantFile)
	}

	m2 := newTest(t, Options{HistoryPath: path})
	if got := m2.History(); strings.Join(got, "|") != strings.Join([]string{"get a", multi, "get a"}, "|") {
		t.Fatalf("reloaded %q", got)
	}
	m2, _ = keys(m2, "up", "up")
	if m2.Value() != multi {
		t.Fatalf("reloaded entry %q", m2.Value())
	}
}

func TestHistoryTrimmedOnLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "h.jsonl")
	var sb strings.Builder
	for i := range MaxHistory + 100 {
		sb.WriteString(`"get k` + itoa(i) + "\"\n")
		if i == 7 {
			sb.WriteString("not json\n") // damaged lines are skipped
		}
	}
	if err := os.WriteFile(path, []byte(sb.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	m := newTest(t, Options{HistoryPath: path})
	h := m.History()
	if m.HistoryErr() != nil || len(h) != MaxHistory || h[0] != "get k100" || h[len(h)-1] != "get k5099" {
		t.Fatalf("loaded %d entries, %v, first %q", len(h), m.HistoryErr(), h[0])
	}
	data, _ := os.ReadFile(path)
	if n := strings.Count(string(data), "\n"); n != MaxHistory {
		t.Fatalf("file rewritten with %d lines", n)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Fatalf("rewritten file mode %v", fi.Mode().Perm())
	}
	m = submit(t, m, "get new")
	if h := m.History(); len(h) != MaxHistory || h[len(h)-1] != "get new" {
		t.Fatalf("after submit: %d entries", len(h))
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

func TestReverseSearch(t *testing.T) {
	m := newTest(t, Options{})
	for _, s := range []string{"get a", "update a SET age = 1", "scan filter age > 2", "get b", "update b SET AGE = 3"} {
		m = submit(t, m, s)
	}
	m = typeText(m, "draft")
	m, _ = keys(m, "ctrl+r")
	if !m.Searching() || !strings.Contains(plain(m), "(reverse-i-search)`': ") {
		t.Fatalf("search line missing:\n%s", plain(m))
	}
	m = typeText(m, "age")
	if m.Value() != "update b SET AGE = 3" { // case-insensitive
		t.Fatalf("first match %q", m.Value())
	}
	if !strings.Contains(plain(m), "(reverse-i-search)`age': update b SET AGE = 3") {
		t.Fatalf("search line:\n%s", plain(m))
	}
	x, y, ok := m.Cursor()
	if !ok || y != 1 || x != len("(reverse-i-search)`age") {
		t.Fatalf("cursor in search at %d,%d %v", x, y, ok)
	}
	m, _ = keys(m, "ctrl+r")
	if m.Value() != "scan filter age > 2" {
		t.Fatalf("older match %q", m.Value())
	}
	m = typeText(m, " =") // refines: "age =" is older
	if m.Value() != "update a SET age = 1" {
		t.Fatalf("refined match %q", m.Value())
	}
	m, _ = keys(m, "ctrl+r")
	if !strings.Contains(plain(m), "(failed reverse-i-search)`age =': update a SET age = 1") {
		t.Fatalf("failed search line:\n%s", plain(m))
	}
	m, _ = keys(m, "backspace", "backspace")
	if m.Value() != "update b SET AGE = 3" {
		t.Fatalf("after backspace %q", m.Value())
	}
	// Esc cancels, bringing back the text being edited.
	m, _ = keys(m, "esc")
	if m.Searching() || m.Value() != "draft" {
		t.Fatalf("cancel: %v %q", m.Searching(), m.Value())
	}
	// ctrl+g cancels too; ctrl+r ctrl+r repeats the last search.
	m, _ = keys(m, "ctrl+r", "ctrl+r")
	if m.Value() != "update b SET AGE = 3" {
		t.Fatalf("repeated search %q", m.Value())
	}
	m, _ = keys(m, "ctrl+g")
	if m.Value() != "draft" {
		t.Fatalf("ctrl+g: %q", m.Value())
	}
	// Enter accepts into the editor without submitting.
	m, _ = keys(m, "ctrl+r")
	m = typeText(m, "get")
	m, cmd := keys(m, "enter")
	if cmd != nil || m.Searching() || m.Value() != "get b" {
		t.Fatalf("accept: %v %v %q", cmd != nil, m.Searching(), m.Value())
	}
	m, cmd = keys(m, "enter")
	if msg, ok := submitted(t, cmd); !ok || msg.Text != "get b" {
		t.Fatalf("then enter submits: %v %q", ok, msg.Text)
	}
	// Another key accepts and acts.
	m, _ = keys(m, "ctrl+r")
	m = typeText(m, "scan")
	m, _ = keys(m, "ctrl+a")
	m = typeText(m, "x")
	if m.Searching() || m.Value() != "xscan filter age > 2" {
		t.Fatalf("accept by key: %q", m.Value())
	}
}

func complete() Completer {
	return Completer{
		Placeholders: func() []string { return []string{":inc", ":int", "#n"} },
		Attributes:   func() []string { return []string{"age", "agent", "Name"} },
		Keys:         func() []string { return []string{"user#1", "user#2", "order#7"} },
	}
}

func TestCompletion(t *testing.T) {
	cases := []struct {
		name, typed string
		tabs        []string
		want        string
		list        string // expected completion line, "" for none
	}{
		{"verb", "upd", []string{"tab"}, "update ", ""},
		{"verb keeps upper case", "UPD", []string{"tab"}, "UPDATE ", ""},
		{"dot command", ".pa", []string{"tab"}, ".param ", ""},
		{"dot argument", ".format js", []string{"tab"}, ".format json", "json  jsonl"},
		{"key", "get or", []string{"tab"}, "get order#7 ", ""},
		{"key common prefix", "get us", []string{"tab"}, "get user#", "user#1  user#2"},
		{"key cycling", "get us", []string{"tab", "tab", "tab"}, "get user#2", "user#1  user#2"},
		{"cycling wraps", "get us", []string{"tab", "tab", "tab", "tab"}, "get user#1", "user#1  user#2"},
		{"cycling backwards", "get us", []string{"tab", "shift+tab"}, "get user#2", "user#1  user#2"},
		{"function", "scan filter attribute_n", []string{"tab"}, "scan filter attribute_not_exists(", ""},
		{"function common prefix", "scan filter attr", []string{"tab"}, "scan filter attribute_", "attribute_exists(  attribute_not_exists(  attribute_type("},
		{"clause keyword", "scan fil", []string{"tab"}, "scan filter ", ""},
		{"dynamo keyword", "update a S", []string{"tab"}, "update a SET ", ""},
		{"dynamo keyword lower", "update a SET x = 1 rem", []string{"tab"}, "update a SET x = 1 remove ", ""},
		{"placeholder", "update a SET x = x + :inc", []string{}, "update a SET x = x + :inc", ""},
		{"placeholders", "update a SET x = x + :i", []string{"tab"}, "update a SET x = x + :in", ":inc  :int"},
		{"name placeholder", "update a SET #", []string{"tab"}, "update a SET #n ", ""},
		{"attribute", "query Na", []string{"tab"}, "query Name ", ""},
		{"attributes and keywords", "query ag", []string{"tab"}, "query age", "age  agent"},
		{"return values", "update a SET x = 1 return all_n", []string{"tab"}, "update a SET x = 1 return all_new ", ""},
		{"second statement", "get a; sc", []string{"tab"}, "get a; scan ", ""},
		{"multi-line statement", "update a\nS", []string{"tab"}, "update a\nSET ", ""},
		{"nothing", "get a; zz", []string{"tab"}, "get a; zz", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := newTest(t, Options{Complete: complete()})
			m.SetValue(c.typed)
			m, _ = keys(m, c.tabs...)
			if m.Value() != c.want {
				t.Fatalf("completed %q, want %q", m.Value(), c.want)
			}
			lines := strings.Split(plain(m), "\n")
			var list string
			for i, l := range lines {
				if l != "" && !strings.HasPrefix(l, "kstone>") && !strings.HasPrefix(l, "   ...>") && !strings.Contains(l, "^") {
					list = strings.TrimRight(lines[i], " ")
				}
			}
			if list != c.list {
				t.Fatalf("list %q, want %q:\n%s", list, c.list, plain(m))
			}
		})
	}
}

func TestCompletionListClosesOnOtherKeys(t *testing.T) {
	m := newTest(t, Options{Complete: complete()})
	m.SetValue("get us")
	m, _ = keys(m, "tab")
	if !m.comp.active {
		t.Fatal("list not shown")
	}
	m = typeText(m, "1")
	if m.comp.active || m.Value() != "get user#1" {
		t.Fatalf("typing after the list: %v %q", m.comp.active, m.Value())
	}
	m.SetValue("get us")
	m, _ = keys(m, "tab", "esc")
	if m.comp.active {
		t.Fatal("esc left the list open")
	}
	// A new Tab after an edit completes afresh instead of cycling.
	m, _ = keys(m, "tab", "backspace", "tab")
	if m.Value() != "get user#" || m.comp.idx != -1 {
		t.Fatalf("fresh completion %q idx %d", m.Value(), m.comp.idx)
	}
}

func TestCompletionListScrollsToSelection(t *testing.T) {
	var attrs []string
	for i := range 30 {
		attrs = append(attrs, "attr"+itoa(i+10))
	}
	m := newTest(t, Options{Complete: Completer{Attributes: func() []string { return attrs }}})
	m.SetSize(40, 4)
	m.SetValue("query att")
	m, _ = keys(m, "tab") // the common prefix
	if m.Value() != "query attr" {
		t.Fatalf("common prefix %q", m.Value())
	}
	for i := range 30 {
		m, _ = keys(m, "tab")
		if !strings.Contains(plain(m), attrs[i]) {
			t.Fatalf("tab %d: %s not visible:\n%s", i+1, attrs[i], plain(m))
		}
	}
}

func TestParseErrorCaretBeforeEnter(t *testing.T) {
	m := newTest(t, Options{})
	m = typeText(m, "update a SET x = = 1")
	msg, pos := m.ParseError()
	if pos != 17 || !strings.Contains(msg, "Invalid UpdateExpression") {
		t.Fatalf("parse error %q at %d", msg, pos)
	}
	lines := strings.Split(plain(m), "\n")
	if lines[0] != "kstone> update a SET x = = 1" {
		t.Fatalf("line 0 %q", lines[0])
	}
	caret := strings.Index(lines[1], "^")
	if caret != len("kstone> ")+17 || !strings.Contains(lines[1], "^ Invalid UpdateExpression: Syntax error") {
		t.Fatalf("caret line %q (caret at %d)", lines[1], caret)
	}
	// Fixing the text removes it.
	m, _ = keys(m, "left", "left", "backspace", "backspace")
	if msg, _ := m.ParseError(); msg != "" || strings.Contains(plain(m), "^") {
		t.Fatalf("error left after the fix: %q\n%s", msg, plain(m))
	}
}

func TestParseErrorOnAnEarlierLine(t *testing.T) {
	m := newTest(t, Options{})
	m.SetValue("update user#1\n  SET age = age + , x = 1\n  REMOVE tmp")
	lines := strings.Split(plain(m), "\n")
	if !strings.HasPrefix(lines[1], "   ...>   SET") || strings.Index(lines[2], "^") != len("   ...>   SET age = age + ") {
		t.Fatalf("caret not under the offending line:\n%s", plain(m))
	}
	if !strings.HasPrefix(lines[3], "   ...>   REMOVE") {
		t.Fatalf("third row not after the caret line:\n%s", plain(m))
	}
	// At the end of an unfinished statement the message is there too.
	m.SetValue("scan filter a >")
	if !strings.Contains(plain(m), "^ Invalid FilterExpression") {
		t.Fatalf("unfinished statement:\n%s", plain(m))
	}
}

func TestBlurIgnoresKeys(t *testing.T) {
	m := newTest(t, Options{})
	m.Blur()
	if m.Focused() {
		t.Fatal("focused after Blur")
	}
	m = typeText(m, "get a")
	m, cmd := keys(m, "enter")
	if m.Value() != "" || cmd != nil {
		t.Fatalf("blurred input took keys: %q", m.Value())
	}
	if _, _, ok := m.Cursor(); ok {
		t.Fatal("cursor shown while blurred")
	}
	m.Focus()
	m = typeText(m, "get a")
	if x, y, ok := m.Cursor(); !ok || x != len("kstone> get a") || y != 0 {
		t.Fatalf("cursor %d,%d %v", x, y, ok)
	}
}

func TestScrolling(t *testing.T) {
	m := newTest(t, Options{})
	m.SetSize(40, 3)
	m.SetValue("scan filter\n  a = 1\n  AND b = 2\n  AND c = 3\n  AND d = 4")
	lines := strings.Split(plain(m), "\n")
	if len(lines) != 3 || lines[2] != "   ...>   AND d = 4" {
		t.Fatalf("bottom not shown:\n%s", plain(m))
	}
	if _, y, _ := m.Cursor(); y != 2 {
		t.Fatalf("cursor line %d", y)
	}
	m, _ = keys(m, "up", "up", "up", "up")
	lines = strings.Split(plain(m), "\n")
	if lines[0] != "kstone> scan filter" {
		t.Fatalf("top not shown:\n%s", plain(m))
	}
	if _, y, _ := m.Cursor(); y != 0 {
		t.Fatalf("cursor line %d", y)
	}
	// A long line wraps; the cursor follows.
	m.SetSize(20, 5)
	m.SetValue("get abcdefghijklmnopqrstuvwxyz")
	if got := plain(m); !strings.HasPrefix(got, "kstone> get abcdefgh\n        ijklmnopqrst\n        uvwxyz") {
		t.Fatalf("wrapping:\n%s", got)
	}
	if x, y, _ := m.Cursor(); x != 14 || y != 2 {
		t.Fatalf("cursor %d,%d", x, y)
	}
}

func TestHighlightClasses(t *testing.T) {
	lx := newLexicon()
	text := []rune(`update user#1 SET #n = :v + 1.5e3, l = list_append(l, ["x", 'it''s']) if size (a) > 2 AND true -- done`)
	cls := lx.classes(text, -1)
	want := map[string]class{
		"update": clsKeyword, "user#1": clsText, "SET": clsKeyword, "#n": clsPlaceholder,
		":v": clsPlaceholder, "1.5e3": clsNumber, "list_append": clsFunction, `"x"`: clsString,
		`'it''s'`: clsString, "size": clsFunction, "2": clsNumber, "AND": clsKeyword,
		"true": clsNumber, "-- done": clsComment, "[": clsPunct, ",": clsPunct, "=": clsText,
	}
	s := string(text)
	for word, c := range want {
		i := len([]rune(s[:strings.Index(s, word)]))
		for j := range len([]rune(word)) {
			if cls[i+j] != c {
				t.Errorf("%q rune %d: class %d, want %d", word, j, cls[i+j], c)
			}
		}
	}
	// JSON: a colon after a key is punctuation, not a placeholder.
	js := []rune(`put {"pk":"a","n":1}`)
	cls = lx.classes(js, -1)
	if cls[9] != clsPunct || cls[18] != clsNumber {
		t.Errorf("JSON classes %v", cls)
	}
	// The dot command's name.
	if cls := lx.classes([]rune(" .param set :v 1"), -1); cls[1] != clsKeyword || cls[12] != clsPlaceholder {
		t.Errorf("dot command classes %v", cls)
	}
	// The error token.
	if cls := lx.classes([]rune("a = = 1"), 4); cls[4] != clsError || cls[2] != clsText {
		t.Errorf("error classes %v", cls)
	}
}

func TestIsComplete(t *testing.T) {
	for text, want := range map[string]bool{
		"get a": true, "put {": false, ".read x {": true, "put {;": true, "put {'a;": false, "": false,
		"update a\n  SET x = 1": true, "put {\n}": true, "get a -- (": true,
	} {
		if got := IsComplete(text); got != want {
			t.Errorf("IsComplete(%q) = %v", text, got)
		}
	}
}

func TestKeyMapHelp(t *testing.T) {
	k := DefaultKeyMap()
	if len(k.ShortHelp()) == 0 || len(k.FullHelp()) == 0 {
		t.Fatal("no help")
	}
	for _, col := range k.FullHelp() {
		for _, b := range col {
			if b.Help().Key == "" || len(b.Keys()) == 0 {
				t.Errorf("binding without help or keys: %+v", b.Help())
			}
		}
	}
}

func TestLongStatementCheckedAfterAPause(t *testing.T) {
	m := newTest(t, Options{})
	long := "update a SET " + strings.Repeat("x = x + 1, ", 60) + "y = = 2"
	m, cmd := m.Update(tea.PasteMsg{Content: long})
	if cmd == nil {
		t.Fatal("no delayed check for a long statement")
	}
	if msg, _ := m.ParseError(); msg != "" {
		t.Fatalf("checked at once: %q", msg)
	}
	if _, c := m.Update(checkTickMsg{m.hist, m.buf.rev - 1}); c != nil {
		t.Fatal("a stale tick ran a check")
	}
	m, cmd = m.Update(checkTickMsg{m.hist, m.buf.rev})
	if cmd == nil {
		t.Fatal("the tick ran no check")
	}
	res := cmd()
	// A result for text edited since is dropped.
	edited, _ := m.Update(press("space"))
	edited, _ = edited.Update(res)
	if msg, _ := edited.ParseError(); msg != "" {
		t.Fatalf("stale result applied: %q", msg)
	}
	m.Blur() // results apply to a blurred pane too
	m, _ = m.Update(res)
	msg, pos := m.ParseError()
	if want := strings.Index(long, "= = 2") + 2; pos != want || !strings.Contains(msg, "UpdateExpression") {
		t.Fatalf("error %q at %d, want %d", msg, pos, want)
	}
	if !strings.Contains(plain(m), "^ Invalid UpdateExpression") {
		t.Fatalf("no caret:\n%s", plain(m))
	}
	// SetValue checks at once, however long.
	m.SetValue(long)
	if _, pos := m.ParseError(); pos < 0 {
		t.Fatal("SetValue did not check")
	}
}
