package tui

import (
	"context"
	"time"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/keystonedb/kstone-shell/shell"
	"github.com/keystonedb/kstone-shell/themes"
	"github.com/keystonedb/kstone-shell/tui/livepanes"
	"github.com/keystonedb/kstone-shell/tui/metrics"
	"github.com/keystonedb/kstone-shell/tui/replinput"
	"github.com/keystonedb/kstone-shell/tui/results"
)

// DefaultRefresh is the live panes' refresh interval.
const DefaultRefresh = 500 * time.Millisecond

// Config is what the TUI runs on.
type Config struct {
	Session     *shell.Session
	Source      metrics.Source
	Theme       themes.Theme
	NoColor     bool
	HistoryPath string // "" keeps history in memory only
	Refresh     time.Duration
	Label       string           // what the status line calls the database
	Now         func() time.Time // a fake clock in tests
	// NoTick stops the refresh chain from arming itself (tests drive
	// metrics by hand).
	NoTick bool
}

// Model is the root model. Update only routes; each pane does its own
// work.
type Model struct {
	cfg     Config
	st      themes.Styles
	fs      frameStyles
	keys    keyMap
	help    help.Model
	repl    replinput.Model
	results results.Model
	panes   []*livePane

	w, h   int
	lay    layout
	focus  int // focusREPL, focusResults, or focusPane+i
	tab    int // the tabbed area: see computeLayout
	full   bool
	status string // a one-line notice (an engine event, "cancelled", …)

	gen      int // refresh chain generation: stale ticks are dropped
	refresh  time.Duration
	snap     metrics.Snapshot
	hist     *metrics.History
	stripe   int // the stripe whose detail the stripes pane shows, -1 none
	running  bool
	cancel   context.CancelFunc
	lastStmt string
	confirm  *pending // a destructive statement waiting for y/n
	seen     seenNames
	quitting bool
}

// pending is a statement held for confirmation, with what it would do.
type pending struct {
	stmt   string
	radius shell.BlastRadius
}

const (
	focusREPL = iota
	focusResults
	focusPane // + pane index
)

// New builds the model.
func New(cfg Config) Model {
	if cfg.Refresh <= 0 {
		cfg.Refresh = DefaultRefresh
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	st := themes.NewStyles(cfg.Theme, cfg.NoColor)
	m := Model{cfg: cfg, st: st, keys: defaultKeys(), help: help.New(), refresh: cfg.Refresh,
		hist: metrics.NewHistory(), stripe: -1, seen: newSeenNames()}
	m.fs = newFrameStyles(st)
	m.help.Styles.ShortKey, m.help.Styles.ShortDesc = st.HelpKey, st.HelpDesc
	m.help.Styles.FullKey, m.help.Styles.FullDesc = st.HelpKey, st.HelpDesc
	m.repl = replinput.New(st, replinput.Options{HistoryPath: cfg.HistoryPath, Complete: replinput.Completer{
		Placeholders: cfg.Session.Placeholders, Attributes: m.seen.attributes, Keys: m.seen.keys,
	}})
	m.repl.Focus()
	m.results = results.New(st)
	m.panes = newLivePanes(st)
	return m
}

func newFrameStyles(st themes.Styles) frameStyles {
	fs := frameStyles{border: lipgloss.NewStyle(), borderFocus: lipgloss.NewStyle().Bold(true), title: st.Title, titleFocus: st.TitleFocused}
	if !st.NoColor {
		fs.border = fs.border.Foreground(st.Theme.Border)
		fs.borderFocus = fs.borderFocus.Foreground(st.Theme.BorderFocus)
	}
	return fs
}

// Init starts the refresh chain with an immediate first fetch.
func (m Model) Init() tea.Cmd {
	return m.fetch()
}

// Update routes messages: sizes to the layout, global keys here, other
// keys and mouse events to the focused (or pointed-at) component, results
// and metrics to the components that show them.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
		m.relayout()
		return m, nil
	case tea.KeyPressMsg:
		return m.onKey(msg)
	case tea.MouseMsg:
		return m.onMouse(msg)
	case tea.PasteMsg:
		return m.toFocused(msg)
	case tickMsg:
		if msg.gen != m.gen || m.cfg.NoTick {
			return m, nil
		}
		return m, m.fetch()
	case metricsMsg:
		m.onMetrics(msg)
		if m.cfg.NoTick {
			return m, nil
		}
		return m, m.tick()
	case replinput.SubmitMsg:
		return m.submit(msg.Text)
	case resultMsg:
		return m.onResult(msg)
	case previewMsg:
		return m.onPreview(msg)
	case results.NextPageMsg:
		return m.run("next")
	case livepanes.SelectStripeMsg:
		m.stripe = msg.Stripe
		return m, m.fetch()
	case engineEventMsg:
		m.status = msg.text
		return m, nil
	}
	// Anything else: the input's own timers (its delayed syntax check)
	// must reach it even when it is not focused.
	var cmd, cmd2 tea.Cmd
	m.repl, cmd = m.repl.Update(msg)
	if m.focus != focusREPL {
		var mm tea.Model
		mm, cmd2 = m.toFocused(msg)
		m = mm.(Model)
	}
	return m, tea.Batch(cmd, cmd2)
}
