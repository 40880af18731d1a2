// Package livepanes holds the TUI's live panes on the engine: stripes (a
// 16×16 heat map with a drill-down), SSTs, compaction, bloom filters,
// throughput and latency, and health.
//
// Every pane has the same shape: NewX(styles), SetSize with the INNER size
// (the root draws the border and puts Title() in it), SetData with each
// refresh's metrics.Snapshot and the shared *metrics.History, Update for
// keys and mouse when focused, View returning exactly the size it was
// given, and a KeyMap for the help bar.
//
// SetData does the sorting and counting once per refresh; View only lays
// out what SetData prepared, because View runs on every frame and the
// whole frame has a budget of about 2 ms.
package livepanes
