package livepanes

import (
	"fmt"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/keystonedb/kstone-shell/engine"
	"github.com/keystonedb/kstone-shell/themes"
	"github.com/keystonedb/kstone-shell/tui/metrics"
)

// The map is 16×16 stripes: row = stripe / 16, column = stripe % 16.
const (
	numStripes = 256
	mapSide    = 16
)

// StripeMode is what the heat map shows.
type StripeMode int

const (
	// ModeMemtable colours stripes by memtable records against the flush
	// threshold.
	ModeMemtable StripeMode = iota
	// ModeSSTs colours stripes by SST count against the high-SST threshold.
	ModeSSTs
)

func (m StripeMode) String() string {
	if m == ModeSSTs {
		return "SST count"
	}
	return "memtable fill"
}

// SelectStripeMsg asks the root to fetch the stripe's engine.StripeDetail
// into Snapshot.Detail (in a tea.Cmd: it reads the engine).
type SelectStripeMsg struct{ Stripe int }

// StripesKeyMap is the stripes pane's bindings; help.KeyMap.
type StripesKeyMap struct {
	Up, Down, Left, Right key.Binding
	Mode, Select, Back    key.Binding
}

// DefaultStripesKeyMap returns the default bindings.
func DefaultStripesKeyMap() StripesKeyMap {
	return StripesKeyMap{
		Up:     key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:   key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Left:   key.NewBinding(key.WithKeys("left", "h"), key.WithHelp("←/h", "left")),
		Right:  key.NewBinding(key.WithKeys("right", "l"), key.WithHelp("→/l", "right")),
		Mode:   key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "fill/SSTs")),
		Select: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "drill down")),
		Back:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back to map")),
	}
}

// ShortHelp implements help.KeyMap.
func (k StripesKeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.Left, k.Right, k.Mode, k.Select, k.Back}
}

// FullHelp implements help.KeyMap.
func (k StripesKeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.Left, k.Right}, {k.Mode, k.Select, k.Back}}
}

// StripesModel is the heat map of the 256 stripes and the drill-down into
// one of them.
type StripesModel struct {
	pane
	Keys StripesKeyMap

	mode         StripeMode
	cursor       int
	top          int  // first map row shown when the pane is shorter than 16 rows
	drill        bool // Enter pressed: show the selected stripe's detail
	scroll       int  // first body line of the drill-down
	memThreshold int
	sstThreshold int

	stripes []engine.StripeStats // all 256, refreshed in place by SetData
	detail  *engine.StripeDetail
	now     time.Time
}

// NewStripes returns the pane on stripe 0 in memtable mode, with the
// engine's default thresholds.
func NewStripes(st themes.Styles) StripesModel {
	return StripesModel{
		pane: newPane(st), Keys: DefaultStripesKeyMap(),
		memThreshold: engine.DefaultMemtableRecordThreshold,
		sstThreshold: engine.DefaultHighSSTCount,
	}
}

// SetMemtableThreshold sets the records that make a memtable "full" (the
// database's MemtableRecordThreshold); n <= 0 keeps the current one.
func (m *StripesModel) SetMemtableThreshold(n int) {
	if n > 0 {
		m.memThreshold = n
	}
}

// SetSSTThreshold sets the SST count drawn hottest (HighSSTCount).
func (m *StripesModel) SetSSTThreshold(n int) {
	if n > 0 {
		m.sstThreshold = n
	}
}

// SetMode picks what the heat map shows.
func (m *StripesModel) SetMode(mode StripeMode) { m.mode = mode }

// Mode is what the heat map shows.
func (m StripesModel) Mode() StripeMode { return m.mode }

// Selected is the stripe under the cursor.
func (m StripesModel) Selected() int { return m.cursor }

// Drilling reports whether the pane shows (or waits for) the selected
// stripe's detail: the root keeps Snapshot.Detail fresh while it does.
func (m StripesModel) Drilling() bool { return m.drill }

// SetSize sets the inner size and keeps the cursor's row on screen.
func (m *StripesModel) SetSize(w, h int) {
	m.pane.SetSize(w, h)
	m.top = m.layout().top
}

// SetData takes a refresh. The stripes are copied into a buffer the pane
// keeps, so that Update and View copy a slice header, not 256 stripes.
func (m *StripesModel) SetData(s metrics.Snapshot, h *metrics.History) {
	m.hasData, m.hist, m.now = true, h, s.Time
	if len(m.stripes) != numStripes {
		m.stripes = make([]engine.StripeStats, numStripes)
	}
	copy(m.stripes, s.Stats.Stripes[:])
	m.detail = nil
	if s.Detail != nil {
		d := *s.Detail
		m.detail = &d
	}
}

// Title names the pane and what it shows.
func (m StripesModel) Title() string {
	if m.drill {
		return fmt.Sprintf("stripe %d · SSTs and WAL", m.cursor)
	}
	return "stripes · " + m.mode.String()
}

// KeyMap is the pane's bindings with those that do nothing now disabled.
func (m StripesModel) KeyMap() help.KeyMap {
	k := m.Keys
	k.Left.SetEnabled(!m.drill)
	k.Right.SetEnabled(!m.drill)
	k.Mode.SetEnabled(!m.drill)
	k.Select.SetEnabled(!m.drill)
	k.Back.SetEnabled(m.drill)
	return k
}

// Update moves the cursor, switches the mode and drills down. Mouse
// coordinates must be relative to the content (the root subtracts the
// pane's origin and border).
func (m StripesModel) Update(msg tea.Msg) (StripesModel, tea.Cmd) {
	if !m.focused {
		return m, nil
	}
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		if m.drill {
			return m.updateDrill(msg)
		}
		switch {
		case key.Matches(msg, m.Keys.Up):
			m.move(-mapSide)
		case key.Matches(msg, m.Keys.Down):
			m.move(mapSide)
		case key.Matches(msg, m.Keys.Left):
			m.move(-1)
		case key.Matches(msg, m.Keys.Right):
			m.move(1)
		case key.Matches(msg, m.Keys.Mode):
			m.mode = 1 - m.mode
		case key.Matches(msg, m.Keys.Select):
			m.drill, m.scroll = true, 0
			return m, selectStripe(m.cursor)
		}
	case tea.MouseClickMsg:
		if msg.Button == tea.MouseLeft {
			m.ClickAt(msg.X, msg.Y)
		}
	case tea.MouseWheelMsg:
		switch {
		case !m.drill:
		case msg.Button == tea.MouseWheelUp:
			m.scroll = max(0, m.scroll-1)
		case msg.Button == tea.MouseWheelDown:
			m.scroll = min(m.scroll+1, m.maxScroll())
		}
	}
	return m, nil
}

func (m StripesModel) updateDrill(msg tea.KeyPressMsg) (StripesModel, tea.Cmd) {
	switch {
	case key.Matches(msg, m.Keys.Back):
		m.drill = false
	case key.Matches(msg, m.Keys.Up):
		m.scroll = max(0, m.scroll-1)
	case key.Matches(msg, m.Keys.Down):
		m.scroll = min(m.scroll+1, m.maxScroll())
	}
	return m, nil
}

func selectStripe(i int) tea.Cmd {
	return func() tea.Msg { return SelectStripeMsg{Stripe: i} }
}

// move shifts the cursor by d stripes; left and right wrap to the
// neighbouring row, the map's edges stop it.
func (m *StripesModel) move(d int) {
	if n := m.cursor + d; n >= 0 && n < numStripes {
		m.cursor = n
	}
	m.top = m.layout().top
}

// ClickAt selects the stripe drawn at content cell (x, y) and reports
// whether there was one there.
func (m *StripesModel) ClickAt(x, y int) bool {
	if m.drill {
		return false
	}
	l := m.layout()
	x -= l.gutter
	if y < 0 || y >= l.rows || x < 0 || x >= mapSide*l.cw {
		return false
	}
	m.cursor = (l.top+y)*mapSide + x/l.cw
	return true
}
