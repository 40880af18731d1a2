package tui

import (
	"context"
	"sort"
	"strings"
	"sync"

	tea "charm.land/bubbletea/v2"

	"github.com/keystonedb/kstone-shell/engine"
	"github.com/keystonedb/kstone-shell/engine/item"
	"github.com/keystonedb/kstone-shell/shell"
)

// resultMsg carries a statement's outcome back to the event loop.
type resultMsg struct {
	stmt string
	out  shell.Output
	err  error
}

// previewMsg carries a destructive statement's blast radius.
type previewMsg struct {
	stmt   string
	radius *shell.BlastRadius
	err    error
}

// submit runs a statement from the input, or first asks when it would
// delete in bulk.
func (m Model) submit(text string) (tea.Model, tea.Cmd) {
	if m.running {
		m.status = "busy: the previous statement is still running (ctrl+c cancels it)"
		return m, nil
	}
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(text)), "delete where") {
		sess := m.cfg.Session
		m.running = true
		m.status = "counting what this would delete…"
		ctx, cancel := context.WithCancel(context.Background())
		m.cancel = cancel
		return m, func() tea.Msg {
			r, err := sess.Preview(ctx, text)
			return previewMsg{stmt: text, radius: r, err: err}
		}
	}
	return m.run(text)
}

func (m Model) onPreview(msg previewMsg) (tea.Model, tea.Cmd) {
	m.running = false
	if msg.err != nil || msg.radius == nil {
		m.results.SetResult(msg.stmt, shell.Output{}, msg.err)
		m.status = ""
		return m, nil
	}
	if msg.radius.Items == 0 {
		m.status = "nothing matches: nothing to delete"
		return m, nil
	}
	m.confirm = &pending{stmt: msg.stmt, radius: *msg.radius}
	m.status = ""
	return m, nil
}

// run executes a statement in a tea.Cmd: the engine never runs on the UI
// loop, so typing stays responsive during long work, which ctrl+c
// cancels.
func (m Model) run(text string) (tea.Model, tea.Cmd) {
	ctx, cancel := context.WithCancel(context.Background())
	m.running, m.cancel, m.lastStmt = true, cancel, text
	m.status = "running…"
	sess := m.cfg.Session
	return m, func() tea.Msg {
		out, err := sess.Run(ctx, text)
		if err == nil && ctx.Err() != nil {
			err = ctx.Err()
		}
		return resultMsg{stmt: text, out: out, err: err}
	}
}

func (m Model) onResult(msg resultMsg) (tea.Model, tea.Cmd) {
	m.running = false
	m.cancel = nil
	m.status = ""
	if msg.out.Quit {
		return m.quit()
	}
	if strings.EqualFold(strings.TrimSpace(msg.stmt), "next") && msg.err == nil {
		m.results.AppendPage(msg.out)
	} else {
		m.results.SetResult(msg.stmt, msg.out, msg.err)
	}
	m.seen.note(msg.out.Items, msg.out.KeyColumns)
	// A write or a flush changes what the panes show: refresh now.
	return m, m.fetch()
}

// seenNames remembers attribute names and partition keys from results,
// for completion. Completion reads it from Update; results are noted from
// Update too, but the lock keeps it safe if that ever changes.
type seenNames struct {
	mu    *sync.Mutex
	attrs map[string]bool
	pks   map[string]bool
}

const maxSeen = 2000

func newSeenNames() seenNames {
	return seenNames{mu: &sync.Mutex{}, attrs: map[string]bool{}, pks: map[string]bool{}}
}

func (s seenNames) note(items []item.Item, keyCols []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, it := range items {
		for name := range it {
			if len(s.attrs) < maxSeen {
				s.attrs[name] = true
			}
		}
		if len(keyCols) > 0 && len(s.pks) < maxSeen {
			if v, ok := it[keyCols[0]]; ok {
				s.pks[engine.KeyValueString(v)] = true
			}
		}
	}
}

func (s seenNames) list(m map[string]bool) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (s seenNames) attributes() []string { return s.list(s.attrs) }
func (s seenNames) keys() []string       { return s.list(s.pks) }
