// Package metrics is what the TUI's live panes draw: a snapshot of the
// engine's statistics and health, the figures of the last interval, and a
// bounded history of derived series for sparklines. Snapshots come from a
// Source, which tests replace with fake metrics.
package metrics

import (
	"time"

	"github.com/keystonedb/kstone-shell/engine"
)

// Source is where metrics come from: the embedded engine, or a fake.
type Source interface {
	Stats() engine.Stats
	Health() engine.HealthReport
	StripeDetail(stripe int) (engine.StripeDetail, error)
}

// Snapshot is one refresh of the live panes.
type Snapshot struct {
	Time     time.Time
	Stats    engine.Stats // cumulative, as Stats() returned it
	Interval engine.Stats // Stats.Sub(previous): rates and latencies of the last interval
	Health   engine.HealthReport
	// Detail describes the stripe selected in the stripes pane, if any.
	Detail *engine.StripeDetail
}

// HistoryLen is how many refreshes the sparklines remember.
const HistoryLen = 120
