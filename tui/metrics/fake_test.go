package metrics

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/keystonedb/kstone-shell/engine"
)

func TestFakeDeterministic(t *testing.T) {
	for _, sc := range Scenarios() {
		a, b := FakeSnapshot(sc, FakeClock(17)), FakeSnapshot(sc, FakeClock(17))
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%v: two snapshots of the same instant differ", sc)
		}
		if h := FakeHistory(sc, 50); h.Len() != 50 || !reflect.DeepEqual(h.OpsPerSec(engine.OpGet), FakeHistory(sc, 50).OpsPerSec(engine.OpGet)) {
			t.Errorf("%v: histories differ or are short", sc)
		}
	}
}

func TestFakeScenarios(t *testing.T) {
	at := FakeClock(89)
	healthy := FakeSnapshot(Healthy, at)
	if healthy.Health.Status != engine.Healthy || len(healthy.Stats.Compaction.Running) != 0 {
		t.Errorf("healthy: %+v", healthy.Health)
	}

	deg := FakeSnapshot(Degraded, at)
	if deg.Health.Status != engine.Degraded || deg.Stats.Stripes[42].SSTCount != 15 {
		t.Errorf("degraded: status %v, stripe 42 has %d SSTs", deg.Health.Status, deg.Stats.Stripes[42].SSTCount)
	}
	behind := 0
	for _, s := range deg.Stats.Stripes {
		if s.SSTCount >= 2*engine.DefaultCompactionThreshold {
			behind++
		}
	}
	if behind != 3 {
		t.Errorf("degraded: %d stripes falling behind, the warning says 3", behind)
	}
	if p99 := deg.Stats.Ops[engine.OpPut].Latency.P99; p99 <= engine.DefaultSlowWriteP99 {
		t.Errorf("degraded: put p99 %v is not slow", p99)
	}

	comp := FakeSnapshot(Compacting, at)
	run := comp.Stats.Compaction.Running
	pct := func(r engine.RunningCompaction) int { return int(100*r.Progress() + 0.5) }
	if len(run) != 2 || comp.Stats.Compaction.Queued != 3 || pct(run[0]) != 35 || pct(run[1]) != 80 {
		t.Errorf("compacting: %+v, queued %d", run, comp.Stats.Compaction.Queued)
	}
	for _, r := range run {
		if s := comp.Stats.Stripes[r.Stripe]; !s.Compacting || s.CompactionTotal != r.BytesTotal {
			t.Errorf("stripe %d does not show its compaction", r.Stripe)
		}
	}

	bad := FakeSnapshot(Unhealthy, at)
	if bad.Health.Status != engine.Unhealthy || len(bad.Health.Errors) == 0 || bad.Interval.Ops[engine.OpPut].Count != 0 {
		t.Errorf("unhealthy: %+v", bad.Health)
	}
}

// The totals are the sums of the stripes, as engine.Stats makes them.
func TestFakeTotals(t *testing.T) {
	for _, sc := range Scenarios() {
		s := FakeSnapshot(sc, FakeClock(3))
		ssts, bytes := 0, uint64(0)
		for _, st := range s.Stats.Stripes {
			ssts += st.SSTCount
			bytes += st.SSTBytes
		}
		if ssts != s.Stats.SSTCount || bytes != s.Stats.SSTBytes {
			t.Errorf("%v: totals %d/%d, stripes sum %d/%d", sc, s.Stats.SSTCount, s.Stats.SSTBytes, ssts, bytes)
		}
		if wa := s.Stats.WriteAmp(); wa < 1 || wa > 10 {
			t.Errorf("%v: write amplification %v", sc, wa)
		}
		if r := s.Interval.BloomFalsePositiveRate(); r <= 0 || r > 0.05 {
			t.Errorf("%v: false-positive rate %v", sc, r)
		}
	}
}

func TestFakeDetail(t *testing.T) {
	at := FakeClock(5)
	d := FakeDetail(Degraded, 42, at)
	s := FakeSnapshot(Degraded, at).Stats.Stripes[42]
	if d.ID != 42 || len(d.SSTs) != s.SSTCount {
		t.Fatalf("detail of 42: id %d, %d SSTs, want %d", d.ID, len(d.SSTs), s.SSTCount)
	}
	var sum uint64
	for i, sst := range d.SSTs {
		sum += sst.Size
		if i > 0 && !sst.Created.After(d.SSTs[i-1].Created) {
			t.Errorf("SSTs not oldest first at %d", i)
		}
	}
	if sum != s.SSTBytes {
		t.Errorf("SST sizes sum to %d, the stripe says %d", sum, s.SSTBytes)
	}
	if n := len(d.WAL); n == 0 || !d.WAL[n-1].Active {
		t.Errorf("WAL: %+v", d.WAL)
	}
}

func TestFakeSourceAndTake(t *testing.T) {
	src := NewFakeSource(Degraded)
	first := Take(src, Snapshot{})
	if !first.Time.Equal(FakeClock(0)) || first.Interval.Interval != 0 || first.Interval.Ops[engine.OpPut].Count != 0 {
		t.Fatalf("first snapshot: time %v, interval %v", first.Time, first.Interval.Interval)
	}
	if first.Interval.SSTCount != first.Stats.SSTCount {
		t.Error("the first interval lost the gauges")
	}
	second := Take(src, first)
	if !second.Time.Equal(FakeClock(1)) || second.Interval.Interval != time.Second {
		t.Fatalf("second snapshot: time %v, interval %v", second.Time, second.Interval.Interval)
	}
	if second.Interval.Ops[engine.OpPut].Latency.P99 == 0 || second.Interval.OpsPerSecond(engine.OpPut) == 0 {
		t.Error("the fake interval has no put latency or rate")
	}
	if second.Health.Status != engine.Degraded {
		t.Errorf("health %v", second.Health.Status)
	}
	h := NewHistory()
	h.Push(first)
	h.Push(second)
	if ops := h.OpsPerSec(engine.OpPut); ops[0] != 0 || ops[1] == 0 {
		t.Errorf("history of Take: %v", ops)
	}

	if d, err := src.StripeDetail(42); err != nil || d.SSTCount != 15 {
		t.Errorf("StripeDetail(42): %d SSTs, %v", d.SSTCount, err)
	}
	if _, err := src.StripeDetail(256); err == nil {
		t.Error("StripeDetail(256) did not fail")
	}
	boom := errors.New("boom")
	src.DetailErr = boom
	if _, err := src.StripeDetail(1); !errors.Is(err, boom) {
		t.Errorf("DetailErr: %v", err)
	}
	fixed := &FakeSource{Scenario: Healthy, Now: func() time.Time { return FakeClock(9) }}
	if fixed.Stats().Time != FakeClock(9) || fixed.Stats().Time != FakeClock(9) {
		t.Error("Now is not used")
	}
}

// Take of a real Sub: a source without Interval gets Stats.Sub.
type plainSource struct{ FakeSource }

func (p *plainSource) Interval() {} // shadows FakeSource.Interval with another signature

func TestTakeSubtracts(t *testing.T) {
	src := &plainSource{FakeSource{Scenario: Healthy}}
	a := Take(src, Snapshot{})
	b := Take(src, a)
	if b.Interval.Interval != time.Second || b.Interval.Flushes != b.Stats.Flushes-a.Stats.Flushes {
		t.Errorf("interval: %v, flushes %d", b.Interval.Interval, b.Interval.Flushes)
	}
}
