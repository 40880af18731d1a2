// Package replinput is the REPL's input pane: a small multi-line editor
// for kstone-shell statements with syntax highlighting, the parse error
// shown with a caret while typing, persistent history with reverse
// incremental search (ctrl+r) and Tab completion.
//
// Enter submits a complete statement (a SubmitMsg comes back through a
// tea.Cmd); while a bracket, brace or quote is open it starts a
// continuation line instead, as psql does. The pane draws no border and
// no cursor: the root draws the frame and places the terminal cursor
// where Cursor says, offset by where it put the pane:
//
//	v := tea.NewView(frame)
//	if x, y, ok := m.input.Cursor(); ok {
//		v.Cursor = tea.NewCursor(left+x, top+y)
//	}
//
// The parse error comes from shell.CheckSyntax, run in Update after every
// edit of a statement up to 512 bytes, so it is on screen on the frame
// after the key that caused it; longer statements are checked after a
// 50 ms pause in typing, off the UI loop (see syncCheckMax).
package replinput

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/keystonedb/kstone-shell/shell"
	"github.com/keystonedb/kstone-shell/themes"
)

// Default prompts.
const (
	DefaultPrompt     = "kstone> "
	DefaultContPrompt = "   ...> "
)

// Options configure a Model.
type Options struct {
	// HistoryPath is the history file (JSON lines, mode 0600). Default:
	// "", no persistence (history is kept in memory only).
	HistoryPath string
	// Complete supplies the data-dependent completions. Default: none;
	// statement words, keywords and functions are always completed.
	Complete Completer
	// Prompt starts the first line; ContPrompt the following ones.
	// Default: DefaultPrompt and DefaultContPrompt.
	Prompt, ContPrompt string
}

// SubmitMsg is sent (through the tea.Cmd that Update returns) when Enter
// submits a statement. Text is the input with surrounding blanks trimmed;
// a statement spanning lines keeps its newlines.
type SubmitMsg struct {
	Text string
	// HistoryErr is the error appending Text to the history file, if any;
	// the statement is submitted anyway.
	HistoryErr error
}

// parseErr is the parse error of the text being edited.
type parseErr struct {
	msg      string
	hasPos   bool
	row, col int  // where it is, when hasPos
	atEnd    bool // at the end of the text: the statement is unfinished
}

// Model is the REPL input pane. Its zero value is not usable; call New.
type Model struct {
	// KeyMap is the key bindings; change them after New if needed.
	KeyMap KeyMap

	st         themes.Styles
	paint      paints
	prompt     string
	contPrompt string
	complete   Completer
	lex        *lexicon

	width, height int
	focused       bool
	top           int // first display line shown (see layout)

	buf      buffer
	analyzed int // buffer revision the fields below describe
	cls      [][]class
	perr     *parseErr

	hist       *history
	histErr    error
	histIdx    int // entry shown; len(entries) = the text being edited
	draft      buffer
	search     searchState
	lastSearch string
	comp       completion
}

// New returns an input pane drawing with st, its history loaded from
// opts.HistoryPath. It starts focused. A history file that cannot be read
// leaves the history empty; HistoryErr reports why.
func New(st themes.Styles, opts Options) Model {
	h, err := loadHistory(opts.HistoryPath)
	m := Model{
		KeyMap:     DefaultKeyMap(),
		st:         st,
		paint:      newPaints(st),
		prompt:     opts.Prompt,
		contPrompt: opts.ContPrompt,
		complete:   opts.Complete,
		lex:        newLexicon(),
		focused:    true,
		buf:        newBuffer(),
		analyzed:   -1,
		hist:       h,
		histErr:    err,
	}
	if m.prompt == "" {
		m.prompt = DefaultPrompt
	}
	if m.contPrompt == "" {
		m.contPrompt = DefaultContPrompt
	}
	m.histIdx = len(h.entries)
	m.afterEdit(true)
	return m
}

// HistoryErr returns the error met loading the history file, if any.
func (m Model) HistoryErr() error { return m.histErr }

// History returns the history entries, oldest first.
func (m Model) History() []string { return append([]string(nil), m.hist.entries...) }

// SetStyles replaces the styles (after a theme or background change).
func (m *Model) SetStyles(st themes.Styles) {
	m.st = st
	m.paint = newPaints(st)
}

// SetSize sets the inner size of the pane in cells; View draws exactly h
// lines no wider than w.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = max(w, 0), max(h, 0)
	m.syncScroll()
}

// Width and Height return the size set by SetSize.
func (m Model) Width() int  { return m.width }
func (m Model) Height() int { return m.height }

// Focus makes the pane take keys and show its cursor.
func (m *Model) Focus() { m.focused = true }

// Blur makes the pane ignore keys and hide its cursor and completions.
func (m *Model) Blur() {
	m.focused = false
	m.comp = completion{}
	if m.search.active {
		m.acceptSearch()
	}
}

// Focused reports whether the pane has the focus.
func (m Model) Focused() bool { return m.focused }

// Value returns the text being edited, lines joined by "\n".
func (m Model) Value() string { return m.buf.String() }

// SetValue replaces the text and puts the cursor at its end. Carriage
// returns become newlines and other control characters but tab are
// dropped. The text is parse-checked at once, however long.
func (m *Model) SetValue(s string) {
	m.endSearch()
	m.comp = completion{}
	m.buf.set(s)
	m.histIdx = len(m.hist.entries)
	m.afterEdit(true)
}

// Reset empties the input and leaves history browsing, search and
// completion.
func (m *Model) Reset() {
	m.endSearch()
	m.comp = completion{}
	rev := m.buf.rev
	m.buf = newBuffer()
	m.buf.rev = rev + 1
	m.histIdx = len(m.hist.entries)
	m.draft = buffer{}
	m.top = 0
	m.afterEdit(true)
}

// Searching reports whether a reverse history search (ctrl+r) is on.
func (m Model) Searching() bool { return m.search.active }

// ParseError returns the parse error of the text being edited and its
// byte offset in Value() (-1 when it has none); "" when there is none.
func (m Model) ParseError() (string, int) {
	if m.perr == nil {
		return "", -1
	}
	if !m.perr.hasPos {
		return m.perr.msg, -1
	}
	b := m.buf
	off := 0
	for i := 0; i < m.perr.row; i++ {
		off += len(string(b.rows[i])) + 1
	}
	return m.perr.msg, off + len(string(b.rows[m.perr.row][:m.perr.col]))
}

// Update handles key presses and pastes while the pane is focused, and
// its own delayed parse checks (route every message to it). Enter on a
// complete statement returns a tea.Cmd that appends it to the history
// file and yields a SubmitMsg.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case checkTickMsg, checkedMsg:
		return m, m.checkResult(msg)
	case tea.PasteMsg, tea.KeyPressMsg:
		if !m.focused {
			return m, nil
		}
	default:
		return m, nil
	}
	switch msg := msg.(type) {
	case tea.PasteMsg:
		m.comp = completion{}
		if m.search.active {
			m.searchType(strings.ReplaceAll(msg.Content, "\n", " "))
			break
		}
		m.buf.insert(sanitize(msg.Content))
	case tea.KeyPressMsg:
		if m.search.active && m.searchKey(msg) {
			break
		}
		cmd = m.key(msg)
	}
	if check := m.afterEdit(false); check != nil {
		cmd = tea.Batch(cmd, check)
	}
	return m, cmd
}

// key handles a key press in editing mode.
func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	k := &m.KeyMap
	if !key.Matches(msg, k.Complete, k.CompletePrev) {
		m.comp = completion{}
	}
	b := &m.buf
	switch {
	case key.Matches(msg, k.Submit):
		return m.enter()
	case key.Matches(msg, k.Newline):
		b.insert([]rune{'\n'})
	case key.Matches(msg, k.Complete):
		m.tab(1)
	case key.Matches(msg, k.CompletePrev):
		m.tab(-1)
	case key.Matches(msg, k.Search):
		m.startSearch()
	case key.Matches(msg, k.Cancel):
		// Closing the completion list is all there is to cancel.
	case key.Matches(msg, k.Up):
		if !b.up() {
			m.historyPrev()
		}
	case key.Matches(msg, k.Down):
		if !b.down() {
			m.historyNext()
		}
	case key.Matches(msg, k.Left):
		b.left()
	case key.Matches(msg, k.Right):
		b.right()
	case key.Matches(msg, k.WordLeft):
		b.wordLeft()
	case key.Matches(msg, k.WordRight):
		b.wordRight()
	case key.Matches(msg, k.LineStart):
		b.home()
	case key.Matches(msg, k.LineEnd):
		b.end()
	case key.Matches(msg, k.InputStart):
		b.start()
	case key.Matches(msg, k.InputEnd):
		b.finish()
	case key.Matches(msg, k.DeleteBackward):
		b.backspace()
	case key.Matches(msg, k.DeleteForward):
		b.deleteForward()
	case key.Matches(msg, k.DeleteWordBackward):
		b.deleteWordBackward(false)
	case key.Matches(msg, k.DeleteWordForward):
		b.deleteWordForward()
	case key.Matches(msg, k.DeleteBlankWord):
		b.deleteWordBackward(true)
	case key.Matches(msg, k.DeleteToLineStart):
		b.killToStart()
	case key.Matches(msg, k.DeleteToLineEnd):
		b.killToEnd()
	default:
		if text := typedText(msg); text != "" {
			b.insert(sanitize(text))
		}
	}
	return nil
}

// typedText is the text a key press types: none with ctrl or alt held.
func typedText(msg tea.KeyPressMsg) string {
	if msg.Mod.Contains(tea.ModCtrl) || msg.Mod.Contains(tea.ModAlt) || msg.Mod.Contains(tea.ModSuper) {
		return ""
	}
	return msg.Text
}

// enter submits a complete statement or starts a continuation line.
func (m *Model) enter() tea.Cmd {
	text := m.buf.String()
	if strings.TrimSpace(text) == "" {
		return nil
	}
	if !IsComplete(text) {
		m.buf.insert([]rune{'\n'})
		return nil
	}
	text = strings.TrimSpace(text)
	h := m.hist
	persist := h.add(text)
	m.Reset()
	return func() tea.Msg {
		var err error
		if persist {
			err = h.appendFile(text)
		}
		return SubmitMsg{Text: text, HistoryErr: err}
	}
}

// IsComplete reports whether Enter submits text: it is a dot command, or no
// bracket, brace or quote is left open (shell.Splitter), or it ends with
// ';' outside a quote.
func IsComplete(text string) bool {
	t := strings.TrimSpace(text)
	if t == "" {
		return false
	}
	if strings.HasPrefix(t, ".") {
		return true
	}
	sp := shell.NewSplitter()
	sp.Feed(text)
	if !sp.Pending() {
		return true
	}
	if !strings.HasSuffix(t, ";") {
		return false
	}
	st := sp.Flush()
	return len(st) == 0 || (st[0].Unclosed != `"` && st[0].Unclosed != `'`)
}

// historyPrev shows the previous (older) history entry, with the cursor
// on its first line so that Up goes on through history.
func (m *Model) historyPrev() {
	if m.histIdx > len(m.hist.entries) {
		m.histIdx = len(m.hist.entries)
	}
	if m.histIdx == 0 {
		return
	}
	if m.histIdx == len(m.hist.entries) {
		m.draft = m.buf
	}
	m.histIdx--
	m.buf.set(m.hist.entries[m.histIdx])
	m.buf.row = 0
	m.buf.end()
}

// historyNext shows the next (newer) entry, or the text that was being
// edited, with the cursor on its last line.
func (m *Model) historyNext() {
	n := len(m.hist.entries)
	if m.histIdx >= n {
		return
	}
	m.histIdx++
	if m.histIdx == n {
		rev := m.buf.rev
		m.buf = m.draft
		if len(m.buf.rows) == 0 {
			m.buf = newBuffer()
		}
		m.buf.rev = rev + 1
		m.draft = buffer{}
		return
	}
	m.buf.set(m.hist.entries[m.histIdx])
}

// startSearch begins a reverse search, or finds an older match when one is
// on.
func (m *Model) startSearch() {
	m.search = searchState{active: true, idx: len(m.hist.entries), saved: m.buf}
}

// searchKey handles a key during a search; false when the key ended the
// search and must now be handled as an editing key.
func (m *Model) searchKey(msg tea.KeyPressMsg) bool {
	k := &m.KeyMap
	s := &m.search
	switch {
	case key.Matches(msg, k.Search):
		q := string(s.query)
		if q == "" {
			q = m.lastSearch
			s.query = []rune(q)
		}
		if q == "" {
			return true
		}
		cur := ""
		if s.idx < len(m.hist.entries) {
			cur = m.hist.entries[s.idx]
		}
		m.searchFrom(s.idx-1, cur)
	case key.Matches(msg, k.Cancel):
		rev := m.buf.rev
		m.buf = s.saved
		m.buf.rev = rev + 1
		m.endSearch()
	case key.Matches(msg, k.Submit):
		m.acceptSearch()
	case key.Matches(msg, k.DeleteBackward):
		if len(s.query) > 0 {
			s.query = s.query[:len(s.query)-1]
		}
		if len(s.query) == 0 {
			s.idx, s.failed = len(m.hist.entries), false
			rev := m.buf.rev
			m.buf = s.saved
			m.buf.rev = rev + 1
			break
		}
		m.searchFrom(len(m.hist.entries)-1, "")
	default:
		if text := typedText(msg); text != "" {
			m.searchType(text)
			break
		}
		m.acceptSearch()
		return false
	}
	return true
}

// searchType adds text to the search query and refines the match.
func (m *Model) searchType(text string) {
	m.search.query = append(m.search.query, sanitize(text)...)
	m.searchFrom(m.search.idx, "")
}

// searchFrom shows the newest entry at or before index from that matches
// the query and differs from skip.
func (m *Model) searchFrom(from int, skip string) {
	s := &m.search
	q := string(s.query)
	i := m.hist.findOlder(from, q, skip)
	if i < 0 {
		s.failed = true
		return
	}
	s.idx, s.failed = i, false
	m.buf.set(m.hist.entries[i])
}

// acceptSearch ends the search keeping the match in the editor.
func (m *Model) acceptSearch() {
	m.endSearch()
	m.histIdx = len(m.hist.entries)
}

func (m *Model) endSearch() {
	if m.search.active && len(m.search.query) > 0 {
		m.lastSearch = string(m.search.query)
	}
	m.search = searchState{}
}

// Parse checking. shell.CheckSyntax costs about 1 µs per byte of
// expression (0.1 ms for a typical statement, 12 ms for a 5 KB update
// expression), so:
//
//   - text up to syncCheckMax bytes is checked in Update, after every
//     edit: the error is on the very next frame, no timer involved;
//   - longer text is checked after a pause: the edit returns a tea.Tick
//     of checkDelay stamped with the buffer revision; when it fires and
//     the text is unchanged, the check runs in a tea.Cmd (off the UI
//     loop) and its result is applied if the text is still unchanged.
//     Until then no error is shown.
const (
	syncCheckMax = 512
	checkDelay   = 50 * time.Millisecond
)

// checkTickMsg asks for the parse check of revision rev, after the pause.
type checkTickMsg struct {
	owner *history // the Model that asked (its history is its identity)
	rev   int
}

// checkedMsg carries the parse check of revision rev.
type checkedMsg struct {
	owner *history
	rev   int
	err   *shell.Error
}

// afterEdit refreshes the highlighting and the parse error when the text
// changed, and keeps the cursor in view. It returns the tick of a delayed
// check; with sync set a long text is checked at once.
func (m *Model) afterEdit(sync bool) tea.Cmd {
	var cmd tea.Cmd
	if m.buf.rev != m.analyzed {
		m.analyzed = m.buf.rev
		text := m.buf.String()
		if sync || len(text) <= syncCheckMax {
			m.analyze(text, shell.CheckSyntax(text))
		} else {
			m.analyze(text, nil)
			owner, rev := m.hist, m.buf.rev
			cmd = tea.Tick(checkDelay, func(time.Time) tea.Msg { return checkTickMsg{owner, rev} })
		}
	}
	m.syncScroll()
	return cmd
}

// checkResult handles the messages of a delayed check.
func (m *Model) checkResult(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case checkTickMsg:
		if msg.owner != m.hist || msg.rev != m.buf.rev {
			return nil // stale: a newer edit has its own tick
		}
		owner, rev, text := m.hist, m.buf.rev, m.buf.String()
		return func() tea.Msg { return checkedMsg{owner, rev, shell.CheckSyntax(text)} }
	case checkedMsg:
		if msg.owner == m.hist && msg.rev == m.buf.rev {
			m.analyze(m.buf.String(), msg.err)
			m.syncScroll()
		}
	}
	return nil
}

// analyze highlights the text and places its parse error e (nil: none).
func (m *Model) analyze(text string, e *shell.Error) {
	m.perr = nil
	errAt := -1
	if e != nil {
		m.perr = &parseErr{msg: e.Msg}
		if e.Pos >= 0 {
			pos := min(e.Pos, len(text))
			idx := len([]rune(text[:pos]))
			m.perr.hasPos = true
			m.perr.row, m.perr.col = m.buf.position(idx)
			m.perr.atEnd = pos >= len(strings.TrimRight(text, " \t\r\n;"))
			errAt = idx
		}
	}
	all := m.lex.classes([]rune(text), errAt)
	m.cls = make([][]class, len(m.buf.rows))
	off := 0
	for i, r := range m.buf.rows {
		m.cls[i] = all[off : off+len(r)]
		off += len(r) + 1
	}
}
