package wal

import (
	"fmt"
	"math"
	"math/bits"
	"time"
)

// WriterStats is a snapshot of a Writer's counters since it was created.
// Take two snapshots and Sub them for per-interval rates.
type WriterStats struct {
	Records        int64 // records appended
	Bytes          int64 // logical bytes appended, header included (Size)
	Writes         int64 // WriteAt calls, the header's included
	BytesWritten   int64 // logical bytes handed to the file
	SyncRequests   int64 // Sync calls, SyncAll's and Close's included
	Syncs          int64 // Datasync calls, the header's included
	SyncedRecords  int64 // records known durable
	SyncedBytes    int64 // logical bytes known durable (SyncedSize)
	Preallocations int64 // Preallocate calls
	PreallocErrors int64 // failed Preallocate calls (the writes went on)
	// SyncTime is the total time spent in Datasync.
	SyncTime time.Duration
	// MaxSyncTime is the longest Datasync since the writer was created;
	// Sub keeps the later value. Use SyncLatency for per-interval tails.
	MaxSyncTime time.Duration
	// SyncLatency is a histogram of Datasync durations.
	SyncLatency LatencyHistogram
}

// MeanSyncTime returns the average Datasync duration, 0 without syncs.
func (s WriterStats) MeanSyncTime() time.Duration {
	if s.Syncs == 0 {
		return 0
	}
	return s.SyncTime / time.Duration(s.Syncs)
}

// RecordsPerSync returns how many records a Datasync made durable on
// average: the group-commit factor. 0 without syncs.
func (s WriterStats) RecordsPerSync() float64 {
	if s.Syncs == 0 {
		return 0
	}
	return float64(s.SyncedRecords) / float64(s.Syncs)
}

// Sub returns the counters accumulated since prev, an earlier snapshot of
// the same writer. MaxSyncTime is s's.
func (s WriterStats) Sub(prev WriterStats) WriterStats {
	d := s
	d.Records -= prev.Records
	d.Bytes -= prev.Bytes
	d.Writes -= prev.Writes
	d.BytesWritten -= prev.BytesWritten
	d.SyncRequests -= prev.SyncRequests
	d.Syncs -= prev.Syncs
	d.SyncedRecords -= prev.SyncedRecords
	d.SyncedBytes -= prev.SyncedBytes
	d.Preallocations -= prev.Preallocations
	d.PreallocErrors -= prev.PreallocErrors
	d.SyncTime -= prev.SyncTime
	for i := range d.SyncLatency {
		d.SyncLatency[i] -= prev.SyncLatency[i]
	}
	return d
}

// String is a one-line summary for logs and debugging panes.
func (s WriterStats) String() string {
	return fmt.Sprintf("records %d (%d synced), bytes %d, writes %d, syncs %d for %d requests (%.1f records/sync), "+
		"sync mean %v p99 %v max %v",
		s.Records, s.SyncedRecords, s.Bytes, s.Writes, s.Syncs, s.SyncRequests, s.RecordsPerSync(),
		s.MeanSyncTime(), s.SyncLatency.Quantile(0.99), s.MaxSyncTime)
}

func (s *WriterStats) recordSync(d time.Duration) {
	s.Syncs++
	s.SyncTime += d
	s.MaxSyncTime = max(s.MaxSyncTime, d)
	s.SyncLatency.add(d)
}

// LatencyBuckets is the number of buckets in a LatencyHistogram.
const LatencyBuckets = 24

// LatencyHistogram counts durations in power-of-two microsecond buckets:
// bucket 0 holds durations under 1µs, bucket i (0 < i < LatencyBuckets-1)
// those in [2^(i-1)µs, 2^i µs), and the last bucket everything longer
// (from about 4.2 s).
type LatencyHistogram [LatencyBuckets]int64

func (h *LatencyHistogram) add(d time.Duration) {
	us := uint64(max(d, 0) / time.Microsecond)
	h[min(bits.Len64(us), LatencyBuckets-1)]++
}

// BucketUpperBound returns the exclusive upper bound of bucket i; the last
// bucket has none and returns its lower bound.
func BucketUpperBound(i int) time.Duration {
	if i >= LatencyBuckets-1 {
		i = LatencyBuckets - 2
	}
	return time.Duration(1<<i) * time.Microsecond
}

// Count returns the number of durations recorded.
func (h *LatencyHistogram) Count() int64 {
	var n int64
	for _, c := range h {
		n += c
	}
	return n
}

// Quantile returns the upper bound of the bucket holding the q-th quantile
// (0 < q <= 1), so it overestimates by at most a factor of two. 0 when
// empty.
func (h *LatencyHistogram) Quantile(q float64) time.Duration {
	n := h.Count()
	if n == 0 {
		return 0
	}
	rank := int64(math.Ceil(q * float64(n)))
	rank = min(max(rank, 1), n)
	var seen int64
	for i, c := range h {
		seen += c
		if seen >= rank {
			return BucketUpperBound(i)
		}
	}
	return BucketUpperBound(LatencyBuckets - 1)
}
