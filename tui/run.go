package tui

import (
	"context"

	tea "charm.land/bubbletea/v2"
)

// Run runs the TUI until the user quits or ctx ends. bridge, if not nil,
// starts forwarding the engine's events to it.
func Run(ctx context.Context, cfg Config, bridge *EventBridge) error {
	p := tea.NewProgram(New(cfg), tea.WithContext(ctx))
	if bridge != nil {
		bridge.Attach(p)
	}
	_, err := p.Run()
	return err
}
