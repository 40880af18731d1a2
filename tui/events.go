package tui

import (
	"fmt"
	"sync/atomic"

	tea "charm.land/bubbletea/v2"

	"github.com/keystonedb/kstone-shell/engine"
)

// EventBridge forwards the engine's events to a running program. The
// engine is opened before the program exists, so the bridge is created
// first (its Listener goes into engine.Options.Events) and attached later.
type EventBridge struct {
	p atomic.Pointer[tea.Program]
}

// engineEventMsg is an engine event, told as one line for the status bar.
type engineEventMsg struct{ text string }

// Attach starts forwarding to p.
func (b *EventBridge) Attach(p *tea.Program) { b.p.Store(p) }

func (b *EventBridge) send(format string, args ...any) {
	if p := b.p.Load(); p != nil {
		p.Send(engineEventMsg{text: fmt.Sprintf(format, args...)})
	}
}

// Listener returns the engine event hooks. They run on the engine's event
// dispatcher goroutine, never on the engine's own paths.
func (b *EventBridge) Listener() *engine.EventListener {
	return &engine.EventListener{
		FlushEnd: func(i engine.FlushInfo) {
			b.send("flushed stripe %d: %d records → %s", i.Stripe, i.Records, i.File)
		},
		CompactionEnd: func(i engine.CompactionInfo) {
			if i.Err != nil {
				b.send("compaction of stripe %d failed: %v", i.Stripe, i.Err)
				return
			}
			b.send("compacted stripe %d: %d SSTs merged in %s", i.Stripe, i.Inputs, i.Duration.Round(1e6))
		},
		BackgroundError: func(err error) { b.send("background error: %v", err) },
		WriteStallBegin: func(i engine.WriteStallInfo) { b.send("write stall: %s", i.Reason) },
		HealthChange:    func(r engine.HealthReport) { b.send("health is now %s", r.Status) },
	}
}
