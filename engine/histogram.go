package engine

import (
	"math/bits"
	"sync/atomic"
	"time"
)

// latencyHist is a lock-free log-linear histogram of durations: each power
// of two of nanoseconds is split into 4 buckets, so a percentile is known
// within 25%. Recording is one atomic add.
type latencyHist struct {
	buckets [histBuckets]atomic.Uint64
	max     atomic.Int64
}

const (
	histSub     = 4
	histBuckets = 64 * histSub
)

func histBucket(ns int64) int {
	if ns < histSub {
		return int(max(ns, 0))
	}
	exp := bits.Len64(uint64(ns)) - 1 // 2^exp <= ns
	sub := int(ns>>(exp-2)) & (histSub - 1)
	return min(exp*histSub+sub, histBuckets-1)
}

// histUpper is the largest duration that falls in bucket b.
func histUpper(b int) time.Duration {
	if b < histSub {
		return time.Duration(b)
	}
	exp, sub := b/histSub, b%histSub
	return time.Duration(int64(1)<<exp + int64(sub+1)<<(exp-2) - 1)
}

func (h *latencyHist) record(d time.Duration) {
	h.buckets[histBucket(int64(d))].Add(1)
	for {
		cur := h.max.Load()
		if int64(d) <= cur || h.max.CompareAndSwap(cur, int64(d)) {
			return
		}
	}
}

// LatencySummary is a snapshot of an operation's latencies.
type LatencySummary struct {
	Count    uint64
	P50, P99 time.Duration
	Max      time.Duration // since Open (not per interval)
	counts   [histBuckets]uint64
}

func (h *latencyHist) snapshot() LatencySummary {
	var s LatencySummary
	for i := range h.buckets {
		s.counts[i] = h.buckets[i].Load()
		s.Count += s.counts[i]
	}
	s.Max = time.Duration(h.max.Load())
	s.fill()
	return s
}

func (s *LatencySummary) fill() {
	// A bucket's upper bound can pass the largest value seen.
	s.P50, s.P99 = min(s.quantile(0.50), s.Max), min(s.quantile(0.99), s.Max)
}

func (s *LatencySummary) quantile(q float64) time.Duration {
	if s.Count == 0 {
		return 0
	}
	rank := uint64(q*float64(s.Count-1)) + 1
	var seen uint64
	for i, c := range s.counts {
		seen += c
		if seen >= rank {
			return histUpper(i)
		}
	}
	return histUpper(histBuckets - 1)
}

// sub returns the latencies recorded between prev and s.
func (s LatencySummary) sub(prev LatencySummary) LatencySummary {
	out := LatencySummary{Max: s.Max}
	for i := range s.counts {
		out.counts[i] = s.counts[i] - prev.counts[i]
		out.Count += out.counts[i]
	}
	out.fill()
	return out
}
