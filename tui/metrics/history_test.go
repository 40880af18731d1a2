package metrics

import (
	"testing"
	"time"

	"github.com/keystonedb/kstone-shell/engine"
)

// snap is a snapshot with an interval of one second and n puts in it.
func snap(n uint64) Snapshot {
	var s Snapshot
	s.Interval.Interval = time.Second
	s.Interval.Ops[engine.OpPut].Count = n
	s.Interval.Ops[engine.OpPut].Latency.P99 = time.Duration(n) * time.Millisecond
	s.Interval.Compaction.BytesRead = 2 * n
	s.Interval.BloomProbes, s.Interval.BloomNegatives = 10, n%10
	s.Interval.Flushes = n
	s.Stats.SSTCount = int(n)
	return s
}

func TestHistoryRing(t *testing.T) {
	h := NewHistory()
	if h.Len() != 0 || h.OpsPerSec(engine.OpPut) != nil {
		t.Fatal("a new history is not empty")
	}
	for i := range HistoryLen + 5 {
		h.Push(snap(uint64(i)))
	}
	if h.Len() != HistoryLen {
		t.Fatalf("Len %d, want %d", h.Len(), HistoryLen)
	}
	ops := h.OpsPerSec(engine.OpPut)
	if len(ops) != HistoryLen || ops[0] != 5 || ops[HistoryLen-1] != HistoryLen+4 {
		t.Fatalf("ops: %d points, first %v, last %v", len(ops), ops[0], ops[len(ops)-1])
	}
	for i := 1; i < len(ops); i++ {
		if ops[i] != ops[i-1]+1 {
			t.Fatalf("ops not oldest first at %d: %v", i, ops[i-1:i+1])
		}
	}
	last := func(v []float64) float64 { return v[len(v)-1] }
	n := float64(HistoryLen + 4)
	for name, tc := range map[string]struct{ got, want float64 }{
		"p99 ms":       {last(h.P99(engine.OpPut)), n},
		"compaction/s": {last(h.CompactionBytesPerSec()), 2 * n},
		"flushes":      {last(h.Flushes()), n},
		"ssts":         {last(h.SSTCount()), n},
		"negative":     {last(h.BloomNegativeRate()), float64(int(n)%10) / 10},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: %v, want %v", name, tc.got, tc.want)
		}
	}
	// Accessors return copies.
	ops[0] = -1
	if h.OpsPerSec(engine.OpPut)[0] == -1 {
		t.Error("OpsPerSec shares the ring")
	}
}

func TestHistoryZeroInterval(t *testing.T) {
	h := NewHistory()
	s := snap(100)
	s.Interval.Interval = 0 // the first snapshot
	h.Push(s)
	if h.OpsPerSec(engine.OpPut)[0] != 0 || h.CompactionBytesPerSec()[0] != 0 {
		t.Error("rates of a zero interval are not zero")
	}
}

func TestHistoryNil(t *testing.T) {
	var h *History
	if h.Len() != 0 || h.P50(engine.OpGet) != nil || h.WriteAmp() != nil || h.OpsPerSec(engine.NumOpKinds) != nil {
		t.Error("a nil history is not empty")
	}
}
