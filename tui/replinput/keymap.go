package replinput

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
)

// KeyMap is the input's key bindings. It implements help.KeyMap.
type KeyMap struct {
	// Submit runs a complete statement; with a bracket, brace or quote
	// still open it starts a continuation line instead.
	Submit key.Binding
	// Newline always inserts a line break.
	Newline key.Binding

	Left, Right         key.Binding
	Up, Down            key.Binding // move between lines; past the first/last line, through history
	WordLeft, WordRight key.Binding
	LineStart, LineEnd  key.Binding
	InputStart          key.Binding
	InputEnd            key.Binding

	DeleteBackward, DeleteForward         key.Binding
	DeleteWordBackward, DeleteWordForward key.Binding
	DeleteBlankWord                       key.Binding // the blank-separated word before the cursor
	DeleteToLineStart, DeleteToLineEnd    key.Binding

	Complete, CompletePrev key.Binding
	Search                 key.Binding // reverse incremental search; again for an older match
	Cancel                 key.Binding // leave the search or close the completion list
}

// DefaultKeyMap returns the readline-like default bindings.
func DefaultKeyMap() KeyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return KeyMap{
		Submit:             b("enter", "run", "enter"),
		Newline:            b("alt+enter", "new line", "alt+enter", "ctrl+j", "shift+enter"),
		Left:               b("←", "left", "left", "ctrl+b"),
		Right:              b("→", "right", "right", "ctrl+f"),
		Up:                 b("↑", "line up / older", "up", "ctrl+p"),
		Down:               b("↓", "line down / newer", "down", "ctrl+n"),
		WordLeft:           b("alt+←", "word left", "alt+left", "ctrl+left", "alt+b"),
		WordRight:          b("alt+→", "word right", "alt+right", "ctrl+right", "alt+f"),
		LineStart:          b("home", "line start", "home", "ctrl+a"),
		LineEnd:            b("end", "line end", "end", "ctrl+e"),
		InputStart:         b("ctrl+home", "input start", "ctrl+home", "alt+<"),
		InputEnd:           b("ctrl+end", "input end", "ctrl+end", "alt+>"),
		DeleteBackward:     b("backspace", "delete left", "backspace", "ctrl+h"),
		DeleteForward:      b("del", "delete right", "delete", "ctrl+d"),
		DeleteWordBackward: b("alt+backspace", "delete word left", "alt+backspace", "ctrl+backspace"),
		DeleteWordForward:  b("alt+d", "delete word right", "alt+d", "alt+delete"),
		DeleteBlankWord:    b("ctrl+w", "delete word", "ctrl+w"),
		DeleteToLineStart:  b("ctrl+u", "delete to line start", "ctrl+u"),
		DeleteToLineEnd:    b("ctrl+k", "delete to line end", "ctrl+k"),
		Complete:           b("tab", "complete", "tab"),
		CompletePrev:       b("shift+tab", "previous completion", "shift+tab"),
		Search:             b("ctrl+r", "search history", "ctrl+r"),
		Cancel:             b("esc", "cancel", "esc", "ctrl+g"),
	}
}

var _ help.KeyMap = KeyMap{}

// ShortHelp returns the bindings for the short help bar.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Submit, k.Newline, k.Complete, k.Search, k.Up}
}

// FullHelp returns all bindings, in columns.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Submit, k.Newline, k.Complete, k.CompletePrev, k.Search, k.Cancel},
		{k.Left, k.Right, k.Up, k.Down, k.WordLeft, k.WordRight},
		{k.LineStart, k.LineEnd, k.InputStart, k.InputEnd},
		{k.DeleteBackward, k.DeleteForward, k.DeleteWordBackward, k.DeleteWordForward, k.DeleteBlankWord, k.DeleteToLineStart, k.DeleteToLineEnd},
	}
}
