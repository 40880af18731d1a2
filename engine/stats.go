package engine

import (
	"fmt"
	"strings"
	"time"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
)

// OpKind is a kind of operation whose count and latency Stats tracks.
type OpKind int

const (
	OpPut OpKind = iota
	OpGet
	OpDelete
	OpUpdate
	OpQuery
	OpScan
	NumOpKinds
)

var opKindNames = [NumOpKinds]string{"put", "get", "delete", "update", "query", "scan"}

func (k OpKind) String() string {
	if k >= 0 && k < NumOpKinds {
		return opKindNames[k]
	}
	return fmt.Sprintf("OpKind(%d)", int(k))
}

// Stats is a snapshot of the database's state and counters. Counters are
// cumulative since Open; Sub turns two snapshots into per-interval figures.
type Stats struct {
	Time     time.Time
	Interval time.Duration // set by Sub: the time between the snapshots
	Stripes  [base.NumStripes]StripeStats

	// Totals over the stripes.
	MemtableRecords    int64
	MemtableBytes      int64 // active and immutable memtables
	MemoryBudget       int64
	ImmutableMemtables int
	SSTCount           int
	SSTBytes           uint64
	WALBytes           int64

	BloomProbes         uint64
	BloomNegatives      uint64 // probes the filter answered "absent"
	BloomFalsePositives uint64 // probes the filter passed for an absent key

	Flushes      uint64
	FlushedBytes uint64 // bytes of SSTs written by flushes: what the application wrote
	WriteStalls  uint64
	Compaction   CompactionStats
	Ops          [NumOpKinds]OpStats
	BlockCache   CacheStats

	EventsDropped uint64
}

// StripeStats is one stripe's part of Stats.
type StripeStats struct {
	ID                  int
	MemtableRecords     int
	MemtableBytes       int64
	ImmutableMemtables  int
	SSTCount            int
	SSTBytes            uint64
	WALBytes            int64
	BloomProbes         uint64
	BloomNegatives      uint64
	BloomFalsePositives uint64
	Flushes             uint64
	Compactions         uint64
	Stalls              uint64
	Puts, Gets, Deletes uint64
	Compacting          bool
	CompactionRead      uint64 // progress of the running compaction
	CompactionTotal     uint64
}

// CompactionStats are the compaction totals and what runs now.
type CompactionStats struct {
	Count          uint64
	BytesRead      uint64
	BytesWritten   uint64
	BytesReclaimed uint64
	Running        []RunningCompaction
	Queued         int
}

// RunningCompaction is a compaction in progress.
type RunningCompaction struct {
	Stripe     int
	Inputs     int
	BytesRead  uint64
	BytesTotal uint64
	Elapsed    time.Duration
}

// Progress returns the fraction of the input read, 0..1.
func (r RunningCompaction) Progress() float64 {
	if r.BytesTotal == 0 {
		return 0
	}
	return float64(r.BytesRead) / float64(r.BytesTotal)
}

// OpStats counts one kind of operation and summarises its latency.
type OpStats struct {
	Count   uint64
	Latency LatencySummary
}

// CacheStats describes the block cache.
type CacheStats struct {
	Hits, Misses    uint64
	Bytes, Capacity int64
}

// Stats returns a snapshot. It takes no lock that writers wait on.
func (db *DB) Stats() Stats {
	st := Stats{Time: time.Now(), MemoryBudget: db.opts.MemoryBudget, EventsDropped: db.eventsDropped.Load()}
	for i, s := range db.stripes {
		ss := s.stats()
		st.Stripes[i] = ss
		st.MemtableRecords += int64(ss.MemtableRecords)
		st.MemtableBytes += ss.MemtableBytes
		st.ImmutableMemtables += ss.ImmutableMemtables
		st.SSTCount += ss.SSTCount
		st.SSTBytes += ss.SSTBytes
		st.WALBytes += ss.WALBytes
		st.BloomProbes += ss.BloomProbes
		st.BloomNegatives += ss.BloomNegatives
		st.BloomFalsePositives += ss.BloomFalsePositives
		st.Flushes += ss.Flushes
		st.FlushedBytes += s.counters.flushedBytes.Load()
		st.WriteStalls += ss.Stalls
		if ss.Compacting {
			st.Compaction.Running = append(st.Compaction.Running, RunningCompaction{
				Stripe: i, Inputs: int(s.compaction.inputs.Load()), BytesRead: ss.CompactionRead, BytesTotal: ss.CompactionTotal,
				Elapsed: time.Since(time.Unix(0, s.compaction.startNanos.Load())),
			})
		}
		if s.compactQueued.Load() {
			st.Compaction.Queued++
		}
	}
	st.WriteStalls += db.memoryStalls.Load()
	c := &db.compactionTotals
	st.Compaction.Count = c.count.Load()
	st.Compaction.BytesRead = c.bytesRead.Load()
	st.Compaction.BytesWritten = c.bytesWritten.Load()
	st.Compaction.BytesReclaimed = c.bytesReclaimed.Load()
	for k := range st.Ops {
		l := db.latency[k].snapshot()
		st.Ops[k] = OpStats{Count: l.Count, Latency: l}
	}
	cs := db.cache.Stats()
	st.BlockCache = CacheStats{Hits: cs.Hits, Misses: cs.Misses, Bytes: cs.Bytes, Capacity: cs.Capacity}
	return st
}

func (s *stripe) stats() StripeStats {
	v := s.acquire()
	defer v.unref()
	c := &s.counters
	ss := StripeStats{
		ID: int(s.id), MemtableRecords: v.mem.Len(), MemtableBytes: v.mem.Bytes(),
		ImmutableMemtables: len(v.imms), SSTCount: len(v.ssts),
		BloomProbes: c.bloomProbes.Load(), BloomNegatives: c.bloomNegatives.Load(), BloomFalsePositives: c.bloomFalsePositives.Load(),
		Flushes: c.flushes.Load(), Compactions: c.compactions.Load(), Stalls: c.stalls.Load(),
		Puts: c.puts.Load(), Gets: c.gets.Load(), Deletes: c.deletes.Load(),
		Compacting: s.compaction.running.Load(), CompactionRead: s.compaction.bytesRead.Load(), CompactionTotal: s.compaction.bytesTotal.Load(),
	}
	for _, imm := range v.imms {
		ss.MemtableRecords += imm.mem.Len()
		ss.MemtableBytes += imm.mem.Bytes()
	}
	for _, t := range v.ssts {
		ss.SSTBytes += t.meta.Size
	}
	ss.WALBytes = s.walBytes.Load()
	return ss
}

// WriteAmp is the bytes written to SSTs (flushes and compactions) per byte
// flushed: 1 means every byte was written once.
func (s Stats) WriteAmp() float64 {
	if s.FlushedBytes == 0 {
		return 0
	}
	return float64(s.FlushedBytes+s.Compaction.BytesWritten) / float64(s.FlushedBytes)
}

// BloomNegativeRate is the share of bloom probes that skipped an SST.
func (s Stats) BloomNegativeRate() float64 { return ratio(s.BloomNegatives, s.BloomProbes) }

// BloomFalsePositiveRate is the share of probes for absent keys that the
// filter let through.
func (s Stats) BloomFalsePositiveRate() float64 {
	return ratio(s.BloomFalsePositives, s.BloomFalsePositives+s.BloomNegatives)
}

func ratio(a, b uint64) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// OpsPerSecond is the rate of an operation over Interval (after Sub).
func (s Stats) OpsPerSecond(k OpKind) float64 {
	if s.Interval <= 0 {
		return 0
	}
	return float64(s.Ops[k].Count) / s.Interval.Seconds()
}

// Sub returns the figures of the interval from prev to s: counters become
// differences and latencies cover only the interval; gauges (memtables,
// SSTs, WAL, running compactions) are s's.
func (s Stats) Sub(prev Stats) Stats {
	d := s
	d.Interval = s.Time.Sub(prev.Time)
	for i := range d.Stripes {
		a, b := &d.Stripes[i], prev.Stripes[i]
		a.BloomProbes -= b.BloomProbes
		a.BloomNegatives -= b.BloomNegatives
		a.BloomFalsePositives -= b.BloomFalsePositives
		a.Flushes -= b.Flushes
		a.Compactions -= b.Compactions
		a.Stalls -= b.Stalls
		a.Puts -= b.Puts
		a.Gets -= b.Gets
		a.Deletes -= b.Deletes
	}
	d.BloomProbes -= prev.BloomProbes
	d.BloomNegatives -= prev.BloomNegatives
	d.BloomFalsePositives -= prev.BloomFalsePositives
	d.Flushes -= prev.Flushes
	d.FlushedBytes -= prev.FlushedBytes
	d.WriteStalls -= prev.WriteStalls
	d.Compaction.Count -= prev.Compaction.Count
	d.Compaction.BytesRead -= prev.Compaction.BytesRead
	d.Compaction.BytesWritten -= prev.Compaction.BytesWritten
	d.Compaction.BytesReclaimed -= prev.Compaction.BytesReclaimed
	for k := range d.Ops {
		d.Ops[k].Latency = s.Ops[k].Latency.sub(prev.Ops[k].Latency)
		d.Ops[k].Count = d.Ops[k].Latency.Count
	}
	d.BlockCache.Hits -= prev.BlockCache.Hits
	d.BlockCache.Misses -= prev.BlockCache.Misses
	d.EventsDropped -= prev.EventsDropped
	return d
}

// String renders the snapshot as plain text, the form .stats prints.
func (s Stats) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "memtables     %d records, %s of %s budget (%d waiting to flush)\n",
		s.MemtableRecords, bytesStr(uint64(s.MemtableBytes)), bytesStr(uint64(s.MemoryBudget)), s.ImmutableMemtables)
	maxSST, maxStripe := 0, 0
	for _, st := range s.Stripes {
		if st.SSTCount > maxSST {
			maxSST, maxStripe = st.SSTCount, st.ID
		}
	}
	if maxSST > 0 {
		fmt.Fprintf(&b, "ssts          %d files, %s (most: stripe %d with %d)\n", s.SSTCount, bytesStr(s.SSTBytes), maxStripe, maxSST)
	} else {
		fmt.Fprintf(&b, "ssts          none\n")
	}
	fmt.Fprintf(&b, "wal           %s\n", bytesStr(uint64(s.WALBytes)))
	fmt.Fprintf(&b, "flushes       %d (%s)\n", s.Flushes, bytesStr(s.FlushedBytes))
	fmt.Fprintf(&b, "compactions   %d done, %d running, %d queued; read %s, wrote %s, reclaimed %s; write amplification %.2f\n",
		s.Compaction.Count, len(s.Compaction.Running), s.Compaction.Queued, bytesStr(s.Compaction.BytesRead),
		bytesStr(s.Compaction.BytesWritten), bytesStr(s.Compaction.BytesReclaimed), s.WriteAmp())
	for _, r := range s.Compaction.Running {
		fmt.Fprintf(&b, "  stripe %d: %d SSTs, %.0f%% of %s\n", r.Stripe, r.Inputs, 100*r.Progress(), bytesStr(r.BytesTotal))
	}
	fmt.Fprintf(&b, "bloom         %d probes, %.1f%% negative, %.2f%% false positive\n",
		s.BloomProbes, 100*s.BloomNegativeRate(), 100*s.BloomFalsePositiveRate())
	fmt.Fprintf(&b, "block cache   %s of %s, %.1f%% hits\n", bytesStr(uint64(s.BlockCache.Bytes)), bytesStr(uint64(s.BlockCache.Capacity)),
		100*ratio(s.BlockCache.Hits, s.BlockCache.Hits+s.BlockCache.Misses))
	fmt.Fprintf(&b, "write stalls  %d\n", s.WriteStalls)
	for k, o := range s.Ops {
		if o.Count == 0 {
			continue
		}
		rate := ""
		if s.Interval > 0 {
			rate = fmt.Sprintf(" (%.0f/s)", s.OpsPerSecond(OpKind(k)))
		}
		fmt.Fprintf(&b, "%-13s %d%s, p50 %s, p99 %s, max %s\n", OpKind(k), o.Count, rate,
			durStr(o.Latency.P50), durStr(o.Latency.P99), durStr(o.Latency.Max))
	}
	return b.String()
}

func bytesStr(n uint64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func durStr(d time.Duration) string {
	switch {
	case d >= time.Second:
		return fmt.Sprintf("%.2fs", d.Seconds())
	case d >= time.Millisecond:
		return fmt.Sprintf("%.2fms", float64(d)/1e6)
	}
	return fmt.Sprintf("%.1fµs", float64(d)/1e3)
}
