package metrics

import (
	"fmt"
	"sync/atomic"
	"time"

	"github.com/keystonedb/kstone-shell/engine"
)

// FakeDetail is stripe's drill-down in scenario at t: its SSTs (oldest
// first, sizes adding up to the stripe's SSTBytes) and WAL segments.
func FakeDetail(scenario Scenario, stripe int, t time.Time) engine.StripeDetail {
	st, _ := fakeStats(scenario, t, time.Second)
	d := engine.StripeDetail{StripeStats: st.Stripes[stripe&0xff]}
	s := d.ID
	n := d.SSTCount
	for i := range n {
		h := mix(uint64(s*1009 + i))
		size := fakeSSTSize(s, i)
		entries := size / 170
		lo := h % 40000
		probes := 2000 + h%9000
		d.SSTs = append(d.SSTs, engine.SSTInfo{
			File: fmt.Sprintf("%03d_%010d.sst", s, 1000+s*64+i*3), Size: size,
			Entries: entries, Deletions: entries / 25,
			Smallest: fmt.Sprintf("orders: c#%04d / o#%03d", lo%9000, h%1000),
			Largest:  fmt.Sprintf("users: user#%05d", lo+5000+h%50000),
			MinSeq:   uint64(100000 + i*5000), MaxSeq: uint64(104999 + i*5000),
			Created:        t.Add(-time.Duration(n-i)*7*time.Minute - time.Duration(h%60)*time.Second),
			BloomProbes:    probes,
			BloomNegatives: probes * 9 / 10, BloomFalsePositives: probes / 110,
		})
	}
	if d.ImmutableMemtables > 0 {
		d.WAL = append(d.WAL, engine.WALSegmentInfo{File: fmt.Sprintf("wal_%03d-%010d.log", s, 2000+s), Bytes: 1000 * fakeRecordBytes})
	}
	d.WAL = append(d.WAL, engine.WALSegmentInfo{File: fmt.Sprintf("wal_%03d.log", s), Bytes: d.WALBytes, Active: true})
	return d
}

// FakeSource is a Source of fake metrics for the root model's tests. It
// also implements IntervalSource: the engine's latency histograms are
// unexported, so Stats.Sub of fake stats would lose every latency.
type FakeSource struct {
	Scenario Scenario
	// Now is the clock. Nil means FakeClock(0) for the first Stats call and
	// one second more for each later call: tests step deterministically.
	Now func() time.Time
	// DetailErr, when set, is what StripeDetail returns.
	DetailErr error

	calls atomic.Int64 // Stats calls so far; safe from tea.Cmd goroutines
}

// NewFakeSource returns a FakeSource of scenario on the stepping clock.
func NewFakeSource(scenario Scenario) *FakeSource { return &FakeSource{Scenario: scenario} }

var (
	_ Source         = (*FakeSource)(nil)
	_ IntervalSource = (*FakeSource)(nil)
)

func (f *FakeSource) now(step bool) time.Time {
	if f.Now != nil {
		return f.Now()
	}
	n := f.calls.Load()
	if step {
		n = f.calls.Add(1)
	}
	return FakeClock(int(max(n, 1) - 1))
}

// Stats returns the cumulative stats at the next instant of the clock.
func (f *FakeSource) Stats() engine.Stats {
	st, _ := fakeStats(f.Scenario, f.now(true), time.Second)
	return st
}

// Health reports the scenario's findings at the last Stats call's instant.
func (f *FakeSource) Health() engine.HealthReport { return fakeHealth(f.Scenario, f.now(false)) }

// StripeDetail describes stripe i, or fails as the engine does.
func (f *FakeSource) StripeDetail(i int) (engine.StripeDetail, error) {
	if f.DetailErr != nil {
		return engine.StripeDetail{}, f.DetailErr
	}
	if i < 0 || i > 255 {
		return engine.StripeDetail{}, fmt.Errorf("invalid argument: stripe must be 0..255, got %d", i)
	}
	return FakeDetail(f.Scenario, i, f.now(false)), nil
}

// Interval returns the fake figures of the interval from prev to cur.
func (f *FakeSource) Interval(cur, prev engine.Stats) engine.Stats {
	_, iv := fakeStats(f.Scenario, cur.Time, cur.Time.Sub(prev.Time))
	return iv
}
