package results

import "charm.land/bubbles/v2/key"

// KeyMap is the results pane's key bindings. It implements help.KeyMap;
// bindings that do nothing for the current result are disabled, so the
// help bar lists only what works.
type KeyMap struct {
	Up, Down            key.Binding // the selected row, or the JSON cursor line
	PageUp, PageDown    key.Binding
	Top, Bottom         key.Binding
	Left, Right         key.Binding // whole columns in the table, cells elsewhere
	Toggle              key.Binding // table ⇄ JSON
	TableView, JSONView key.Binding
	NextPage            key.Binding // fetch the next page (emits NextPageMsg)
	Copy                key.Binding // the selected item as JSON, via OSC 52
}

// DefaultKeyMap returns the default bindings. j/k move (as in the other
// panes), so the JSON view is picked with J rather than j.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:        key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:      key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:    key.NewBinding(key.WithKeys("pgup", "ctrl+b"), key.WithHelp("pgup", "page up")),
		PageDown:  key.NewBinding(key.WithKeys("pgdown", "ctrl+f"), key.WithHelp("pgdn", "page down")),
		Top:       key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g", "top")),
		Bottom:    key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", "bottom")),
		Left:      key.NewBinding(key.WithKeys("left", "h"), key.WithHelp("←/h", "scroll left")),
		Right:     key.NewBinding(key.WithKeys("right", "l"), key.WithHelp("→/l", "scroll right")),
		Toggle:    key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "table/json")),
		TableView: key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "table")),
		JSONView:  key.NewBinding(key.WithKeys("J"), key.WithHelp("J", "json")),
		NextPage:  key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "next page")),
		Copy:      key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy item")),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.Left, k.Right, k.Toggle, k.NextPage, k.Copy}
}

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.Left, k.Right, k.Toggle, k.TableView, k.JSONView},
		{k.NextPage, k.Copy},
	}
}
