package metrics

import (
	"fmt"
	"time"

	"github.com/keystonedb/kstone-shell/engine"
)

// Scenario picks the fake data: a state of the database as the operators'
// guide describes it.
type Scenario int

const (
	// Healthy: steady traffic, a few SSTs per stripe, nothing to report.
	Healthy Scenario = iota
	// Degraded: stripe 42 holds 15 SSTs, compaction falls behind in 3
	// stripes, writes are slow.
	Degraded
	// Compacting: two compactions run (35% and 80%), three are queued.
	Compacting
	// Unhealthy: the disk is full and writes fail.
	Unhealthy
)

// Scenarios lists every scenario, for tests that sweep them.
func Scenarios() []Scenario { return []Scenario{Healthy, Degraded, Compacting, Unhealthy} }

func (s Scenario) String() string {
	switch s {
	case Healthy:
		return "healthy"
	case Degraded:
		return "degraded"
	case Compacting:
		return "compacting"
	case Unhealthy:
		return "unhealthy"
	}
	return fmt.Sprintf("Scenario(%d)", int(s))
}

// FakeClock is the fakes' time line: point i is i seconds after a fixed
// instant, so golden frames never depend on the wall clock.
func FakeClock(i int) time.Time {
	return time.Date(2025, 3, 14, 9, 26, 0, 0, time.UTC).Add(time.Duration(i) * time.Second)
}

// FakeSnapshot is the snapshot of scenario at t (use FakeClock), with the
// figures of the one second before t as its interval. It is deterministic
// and made of integer arithmetic only, so golden files are portable.
func FakeSnapshot(scenario Scenario, t time.Time) Snapshot {
	st, iv := fakeStats(scenario, t, time.Second)
	return Snapshot{Time: t, Stats: st, Interval: iv, Health: fakeHealth(scenario, t)}
}

// FakeHistory is a history of n snapshots of scenario, at FakeClock(0) to
// FakeClock(n-1): pair it with FakeSnapshot(scenario, FakeClock(n-1)).
func FakeHistory(scenario Scenario, n int) *History {
	h := NewHistory()
	for i := max(0, n-HistoryLen); i < n; i++ {
		h.Push(FakeSnapshot(scenario, FakeClock(i)))
	}
	return h
}

// fakeHealth reports the scenario's findings in the guide's words, as
// engine.Health words them.
func fakeHealth(sc Scenario, t time.Time) engine.HealthReport {
	r := engine.HealthReport{Time: t}
	switch sc {
	case Degraded:
		r.Status = engine.Degraded
		r.Warnings = []string{
			"High SST count in stripe 42 (15 files)",
			"Compaction falling behind in 3 stripes",
			"High write latency detected, p99=23.50ms",
		}
	case Unhealthy:
		r.Status = engine.Unhealthy
		r.Warnings = []string{"Disk usage above 80%"}
		r.Errors = []string{"Unable to write to disk (space full)"}
	}
	return r
}

// fakeOp is an operation kind's base rate (per second) and latencies.
type fakeOp struct {
	rate     int
	p50, p99 time.Duration
}

func fakeOps(sc Scenario) [engine.NumOpKinds]fakeOp {
	us := time.Microsecond
	ops := [engine.NumOpKinds]fakeOp{
		engine.OpPut:    {1200, 38 * us, 850 * us},
		engine.OpGet:    {3400, 12 * us, 240 * us},
		engine.OpDelete: {60, 35 * us, 700 * us},
		engine.OpUpdate: {150, 55 * us, 1200 * us},
		engine.OpQuery:  {45, 140 * us, 3100 * us},
	}
	switch sc {
	case Degraded:
		ops[engine.OpPut] = fakeOp{900, 1800 * us, 23500 * us}
		ops[engine.OpUpdate] = fakeOp{120, 2100 * us, 27000 * us}
		ops[engine.OpGet].p99 = 1900 * us
		ops[engine.OpScan] = fakeOp{2, 4 * time.Millisecond, 18 * time.Millisecond}
	case Compacting:
		ops[engine.OpPut] = fakeOp{1500, 45 * us, 2400 * us}
	case Unhealthy: // writes fail: only reads go through
		ops[engine.OpPut], ops[engine.OpDelete], ops[engine.OpUpdate] = fakeOp{}, fakeOp{}, fakeOp{}
	}
	return ops
}

// Fake record size, and the share of compaction reads per flushed byte
// (write amplification is 1 + 0.82 × this).
const (
	fakeRecordBytes = 190
	fakeBudget      = 64 << 20
)

func fakeCompactionFactor(sc Scenario) int { // in per mille
	switch sc {
	case Degraded:
		return 4200
	case Compacting:
		return 2900
	case Unhealthy:
		return 1200
	}
	return 1700
}

// fakeStats builds the cumulative stats at t and the interval of length d
// before it. Cumulative counters run at the healthy rates for an hour before
// FakeClock(0): the trouble is recent.
func fakeStats(sc Scenario, t time.Time, d time.Duration) (st, iv engine.Stats) {
	x := int(t.Sub(FakeClock(0)) / time.Second)
	elapsed := uint64(3600 + max(x, 0))
	dsec := max(int(d/time.Second), 1)
	st = engine.Stats{Time: t, MemoryBudget: fakeBudget}
	iv = engine.Stats{Time: t, Interval: d, MemoryBudget: fakeBudget}

	ops, healthy := fakeOps(sc), fakeOps(Healthy)
	for k := range engine.NumOpKinds {
		o := ops[k]
		st.Ops[k] = engine.OpStats{Count: uint64(healthy[k].rate) * elapsed}
		st.Ops[k].Latency = engine.LatencySummary{Count: st.Ops[k].Count, P50: o.p50, P99: o.p99, Max: 5 * o.p99}
		n := uint64(o.rate * wavy(x, int(k), 250) / 1000 * dsec)
		iv.Ops[k] = engine.OpStats{Count: n}
		lat := wavy(2*x, 3*int(k), 200)
		iv.Ops[k].Latency = engine.LatencySummary{Count: n, Max: 5 * o.p99,
			P50: o.p50 * time.Duration(lat) / 1000, P99: o.p99 * time.Duration(lat) / 1000}
		if n == 0 {
			iv.Ops[k].Latency.P50, iv.Ops[k].Latency.P99 = 0, 0
		}
	}

	for s := range st.Stripes {
		st.Stripes[s], iv.Stripes[s] = fakeStripe(sc, s, x, elapsed, uint64(dsec))
	}
	for _, c := range []*engine.Stats{&st, &iv} {
		for _, ss := range c.Stripes {
			c.MemtableRecords += int64(ss.MemtableRecords)
			c.MemtableBytes += ss.MemtableBytes
			c.ImmutableMemtables += ss.ImmutableMemtables
			c.SSTCount += ss.SSTCount
			c.SSTBytes += ss.SSTBytes
			c.WALBytes += ss.WALBytes
			c.BloomProbes += ss.BloomProbes
			c.BloomNegatives += ss.BloomNegatives
			c.BloomFalsePositives += ss.BloomFalsePositives
			c.Flushes += ss.Flushes
			c.WriteStalls += ss.Stalls
		}
	}

	// Flushed bytes follow the puts; compaction reads follow the flushes.
	factor := uint64(fakeCompactionFactor(sc))
	st.FlushedBytes = uint64(healthy[engine.OpPut].rate) * fakeRecordBytes * elapsed
	iv.FlushedBytes = iv.Flushes * 1000 * fakeRecordBytes
	st.Compaction = fakeCompactionTotals(st.FlushedBytes*factor/1000, elapsed/3)
	read := uint64(ops[engine.OpPut].rate) * fakeRecordBytes * factor / 1000 * uint64(wavy(x, 11, 400)) / 1000 * uint64(dsec)
	iv.Compaction = fakeCompactionTotals(read, uint64(pmod(x, 3)/2)) // one every third second
	st.Compaction.Running, st.Compaction.Queued = fakeRunning(sc)
	iv.Compaction.Running, iv.Compaction.Queued = st.Compaction.Running, st.Compaction.Queued

	st.BlockCache = engine.CacheStats{Hits: 91 * elapsed * 40, Misses: 9 * elapsed * 40, Bytes: 48 << 20, Capacity: 64 << 20}
	iv.BlockCache = engine.CacheStats{Hits: 91 * 40 * uint64(dsec), Misses: 9 * 40 * uint64(dsec), Bytes: 48 << 20, Capacity: 64 << 20}
	return st, iv
}

func fakeCompactionTotals(read, count uint64) engine.CompactionStats {
	return engine.CompactionStats{Count: count, BytesRead: read, BytesWritten: read * 82 / 100, BytesReclaimed: read * 18 / 100}
}

// fakeRunning: the compactions in progress, at fixed progress so frames
// show the figures the scenario promises.
func fakeRunning(sc Scenario) ([]engine.RunningCompaction, int) {
	run := func(stripe, inputs int, total uint64, pct uint64, secs int) engine.RunningCompaction {
		return engine.RunningCompaction{Stripe: stripe, Inputs: inputs, BytesTotal: total,
			BytesRead: total * pct / 100, Elapsed: time.Duration(secs) * time.Second}
	}
	switch sc {
	case Compacting:
		return []engine.RunningCompaction{run(17, 5, 18<<20+400<<10, 35, 12), run(130, 4, 24<<20, 80, 31)}, 3
	case Degraded:
		return []engine.RunningCompaction{run(42, 15, 62<<20, 12, 48)}, 2
	}
	return nil, 0
}

// fakeSSTCount gives the scenario's shape: a few SSTs everywhere, hot
// stripes where the scenario needs them.
func fakeSSTCount(sc Scenario, s int) int {
	n := int(mix(uint64(s)) >> 20 % 4)
	switch sc {
	case Degraded:
		switch {
		case s == 42:
			return 15
		case s == 7:
			return 9
		case s == 200:
			return 8
		case s%11 == 0:
			return 5 + s%2
		}
	case Compacting:
		switch s {
		case 17:
			return 5
		case 130, 61, 99, 222:
			return 4
		}
	case Unhealthy:
		return n + 1
	}
	return n
}

// fakeSSTSize is the size of stripe s's i-th SST, shared by the stripe's
// totals and its detail so that both agree.
func fakeSSTSize(s, i int) uint64 {
	return 3<<19 + mix(uint64(s*131+i))%(5<<19)
}

// fakeStripe returns stripe s's cumulative figures and those of an interval
// of dsec seconds.
func fakeStripe(sc Scenario, s, x int, elapsed, dsec uint64) (st, iv engine.StripeStats) {
	h := mix(uint64(s))
	rec := int(h%700) + 150 + wave(x+s)*120/1000
	imm := 0
	switch {
	case sc == Degraded && s%37 == 5:
		rec, imm = 1000+int(h%400), 1
	case sc == Unhealthy:
		rec += 300
	}
	st = engine.StripeStats{ID: s, MemtableRecords: rec, MemtableBytes: int64(rec) * fakeRecordBytes,
		ImmutableMemtables: imm, SSTCount: fakeSSTCount(sc, s), WALBytes: int64(rec)*210 + 4096}
	for i := range st.SSTCount {
		st.SSTBytes += fakeSSTSize(s, i)
	}
	for _, r := range func() []engine.RunningCompaction { r, _ := fakeRunning(sc); return r }() {
		if r.Stripe == s {
			st.Compacting, st.CompactionRead, st.CompactionTotal = true, r.BytesRead, r.BytesTotal
		}
	}
	iv = st

	// Counters: per-second rates for this stripe, scaled by time.
	probes := 18 + h%24 // about 8k probes/s over 256 stripes
	neg := uint64(fakeNegativePerMille(sc) + wave(2*x+s%5)/40)
	counters := func(ss *engine.StripeStats, secs uint64) {
		ss.BloomProbes = probes * secs
		ss.BloomNegatives = ss.BloomProbes * neg / 1000
		ss.BloomFalsePositives = (ss.BloomNegatives + h%100) / 100 // about 1%, even over one second
		ss.Puts, ss.Gets, ss.Deletes = 5*secs, 13*secs, secs/4
	}
	counters(&st, elapsed)
	st.Flushes, st.Compactions = elapsed/600+h%7, elapsed/1800+h%3
	counters(&iv, dsec)
	iv.Flushes = 0
	if sc != Unhealthy && (s+x)%211 == 0 {
		iv.Flushes = 1
	}
	if sc == Degraded && s%37 == 5 {
		st.Stalls, iv.Stalls = 3, uint64(x%2)
	}
	return st, iv
}

func fakeNegativePerMille(sc Scenario) int {
	if sc == Degraded {
		return 780
	}
	return 905
}

// wavy is 1000 ± amp per mille, a smooth wave with a faster ripple: the
// shape of real traffic without randomness.
func wavy(x, phase, amp int) int {
	return 1000 + (wave(x+7*phase)*amp+wave(3*x+5*phase)*amp/3)/1000
}

// wave is 1000·sin(2πp/32) from a table: integers keep fakes identical on
// every platform (no fused multiply-add differences).
func wave(p int) int {
	t := [32]int{0, 195, 383, 556, 707, 831, 924, 981, 1000, 981, 924, 831, 707, 556, 383, 195,
		0, -195, -383, -556, -707, -831, -924, -981, -1000, -981, -924, -831, -707, -556, -383, -195}
	return t[pmod(p, 32)]
}

func pmod(a, n int) int { return (a%n + n) % n }

// mix is splitmix64's finaliser: a fixed hash spreading stripe numbers.
func mix(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}
