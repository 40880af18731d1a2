package metrics

import "github.com/keystonedb/kstone-shell/engine"

// IntervalSource is a Source that computes interval figures itself. Fakes
// need it: engine.LatencySummary keeps its histogram unexported, so
// Stats.Sub of hand-made stats has no latencies.
type IntervalSource interface {
	Interval(cur, prev engine.Stats) engine.Stats
}

// Take fetches the next snapshot from src; prev is the previous one (the
// zero Snapshot at first, which gives an interval of zero rates). It calls
// into the engine: run it in a tea.Cmd, never in View. Detail is left for
// the caller, who knows which stripe is selected.
func Take(src Source, prev Snapshot) Snapshot {
	st := src.Stats()
	s := Snapshot{Time: st.Time, Stats: st, Health: src.Health()}
	switch is, ok := src.(IntervalSource); {
	case prev.Stats.Time.IsZero():
		s.Interval = st.Sub(st) // gauges, and zero counters
	case ok:
		s.Interval = is.Interval(st, prev.Stats)
	default:
		s.Interval = st.Sub(prev.Stats)
	}
	return s
}
