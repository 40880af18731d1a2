package metrics

import "github.com/keystonedb/kstone-shell/engine"

// series is a ring of HistoryLen points; History owns the write position so
// that every series stays aligned with the others.
type series [HistoryLen]float64

// History remembers the last HistoryLen snapshots as derived series, so the
// panes draw sparklines without keeping 120 copies of engine.Stats (each
// holds 256 stripes). It is fed from the root model's Update and read from
// the panes' View, both on Bubble Tea's goroutine: it has no lock.
//
// Every accessor returns a fresh slice, oldest point first; a nil *History
// answers like an empty one, so panes need not check.
type History struct {
	n, next int // points held; where the next one goes

	ops, p50, p99     [engine.NumOpKinds]series // ops/s; latencies in milliseconds
	bloomNeg, bloomFP series                    // rates of the interval, 0..1
	compBytes         series                    // compaction bytes read per second
	flushes           series                    // flushes in the interval
	memBytes, ssts    series                    // gauges
	writeAmp          series                    // since open: the interval's is noise
}

// NewHistory returns an empty history.
func NewHistory() *History { return &History{} }

// Push derives one point of every series from s. Rates come from
// s.Interval; the first snapshot (Interval.Interval == 0) gives zero rates.
func (h *History) Push(s Snapshot) {
	iv := s.Interval
	i := h.next
	for k := range engine.NumOpKinds {
		h.ops[k][i] = iv.OpsPerSecond(k)
		h.p50[k][i] = ms(iv.Ops[k].Latency.P50.Seconds())
		h.p99[k][i] = ms(iv.Ops[k].Latency.P99.Seconds())
	}
	h.bloomNeg[i] = iv.BloomNegativeRate()
	h.bloomFP[i] = iv.BloomFalsePositiveRate()
	h.compBytes[i] = 0
	if sec := iv.Interval.Seconds(); sec > 0 {
		h.compBytes[i] = float64(iv.Compaction.BytesRead) / sec
	}
	h.flushes[i] = float64(iv.Flushes)
	h.memBytes[i] = float64(s.Stats.MemtableBytes)
	h.ssts[i] = float64(s.Stats.SSTCount)
	h.writeAmp[i] = s.Stats.WriteAmp()
	h.next = (h.next + 1) % HistoryLen
	h.n = min(h.n+1, HistoryLen)
}

func ms(sec float64) float64 { return sec * 1000 }

// Len is the number of points held, at most HistoryLen.
func (h *History) Len() int {
	if h == nil {
		return 0
	}
	return h.n
}

func (h *History) get(s *series) []float64 {
	if h == nil || h.n == 0 {
		return nil
	}
	out := make([]float64, h.n)
	start := h.next - h.n + HistoryLen
	for i := range out {
		out[i] = s[(start+i)%HistoryLen]
	}
	return out
}

// OpsPerSec is the rate of operations of kind k.
func (h *History) OpsPerSec(k engine.OpKind) []float64 {
	if h == nil || k < 0 || k >= engine.NumOpKinds {
		return nil
	}
	return h.get(&h.ops[k])
}

// P50 is the interval's median latency of kind k, in milliseconds.
func (h *History) P50(k engine.OpKind) []float64 {
	if h == nil || k < 0 || k >= engine.NumOpKinds {
		return nil
	}
	return h.get(&h.p50[k])
}

// P99 is the interval's 99th percentile latency of kind k, in milliseconds.
func (h *History) P99(k engine.OpKind) []float64 {
	if h == nil || k < 0 || k >= engine.NumOpKinds {
		return nil
	}
	return h.get(&h.p99[k])
}

// BloomNegativeRate is the share of the interval's probes that skipped an SST.
func (h *History) BloomNegativeRate() []float64 {
	return h.series(func(h *History) *series { return &h.bloomNeg })
}

// BloomFalsePositiveRate is the interval's false-positive rate.
func (h *History) BloomFalsePositiveRate() []float64 {
	return h.series(func(h *History) *series { return &h.bloomFP })
}

// CompactionBytesPerSec is compaction input read per second.
func (h *History) CompactionBytesPerSec() []float64 {
	return h.series(func(h *History) *series { return &h.compBytes })
}

// Flushes is the number of memtable flushes per interval.
func (h *History) Flushes() []float64 {
	return h.series(func(h *History) *series { return &h.flushes })
}

// MemtableBytes is the bytes held by memtables.
func (h *History) MemtableBytes() []float64 {
	return h.series(func(h *History) *series { return &h.memBytes })
}

// SSTCount is the number of SSTs.
func (h *History) SSTCount() []float64 { return h.series(func(h *History) *series { return &h.ssts }) }

// WriteAmp is the write amplification since open.
func (h *History) WriteAmp() []float64 {
	return h.series(func(h *History) *series { return &h.writeAmp })
}

// series guards nil before taking a field's address.
func (h *History) series(f func(*History) *series) []float64 {
	if h == nil {
		return nil
	}
	return h.get(f(h))
}
