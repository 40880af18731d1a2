// Package tui is kstone-shell's terminal app (Bubble Tea v2): a REPL and
// its results beside live panes on the engine — stripes, SSTs, compaction,
// bloom filters, throughput and latency, health — refreshed by one tick
// chain without ever blocking typing.
package tui

import (
	_ "charm.land/bubbles/v2/key"
	_ "charm.land/bubbletea/v2"
)
