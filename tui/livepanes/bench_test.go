package livepanes

import (
	"testing"

	"github.com/keystonedb/kstone-shell/tui/metrics"
)

// benchLayout is the six panes' inner sizes on a 200×60 screen: three
// columns of two rows beside nothing else (borders take two cells each
// way), the most any layout gives them.
var benchLayout = map[string][2]int{
	"stripes": {64, 27}, "ssts": {64, 27}, "compaction": {64, 27},
	"bloom": {64, 27}, "throughput": {64, 27}, "health": {64, 27},
}

// BenchmarkViewAll renders all six panes once per op: a frame's worth of
// pane rendering (budget for the whole frame: 2 ms).
func BenchmarkViewAll(b *testing.B) {
	for _, sc := range []metrics.Scenario{metrics.Healthy, metrics.Degraded} {
		b.Run(sc.String(), func(b *testing.B) {
			s, hist := fixture(sc)
			var views []view
			for _, p := range allPanes() {
				sz := benchLayout[p.name]
				views = append(views, p.make(darkStyles(), sz[0], sz[1], s, hist))
			}
			b.ReportAllocs()
			for b.Loop() {
				for _, v := range views {
					_ = v.View()
				}
			}
		})
	}
}

// BenchmarkView renders each pane alone, to find the expensive one.
func BenchmarkView(b *testing.B) {
	s, hist := fixture(metrics.Degraded)
	for _, p := range allPanes() {
		b.Run(p.name, func(b *testing.B) {
			sz := benchLayout[p.name]
			v := p.make(darkStyles(), sz[0], sz[1], s, hist)
			b.ReportAllocs()
			for b.Loop() {
				_ = v.View()
			}
		})
	}
}

// BenchmarkSetData is the per-refresh cost (once a second, not per frame).
func BenchmarkSetData(b *testing.B) {
	s, hist := fixture(metrics.Degraded)
	m := NewStripes(darkStyles())
	ss := NewSSTs(darkStyles())
	hm := NewHealth(darkStyles())
	b.ReportAllocs()
	for b.Loop() {
		m.SetData(s, hist)
		ss.SetData(s, hist)
		hm.SetData(s, hist)
	}
}
