package engine

import (
	"fmt"
	"time"

	"github.com/keystonedb/kstone-shell/engine/internal/vfs"
)

// HealthStatus grades the database, as the operators' guide does.
type HealthStatus int

const (
	Healthy HealthStatus = iota
	Degraded
	Unhealthy
)

func (h HealthStatus) String() string {
	switch h {
	case Healthy:
		return "Healthy"
	case Degraded:
		return "Degraded"
	case Unhealthy:
		return "Unhealthy"
	}
	return fmt.Sprintf("HealthStatus(%d)", int(h))
}

// HealthReport lists every finding, in the guide's words. Warnings make
// the database Degraded, errors Unhealthy.
type HealthReport struct {
	Status   HealthStatus
	Warnings []string
	Errors   []string
	Time     time.Time
}

// Health inspects the database and reports every finding, not the first.
func (db *DB) Health() HealthReport {
	return db.healthFrom(db.Stats())
}

func (db *DB) healthFrom(st Stats) HealthReport {
	o := db.opts
	r := HealthReport{Time: st.Time}
	warn := func(format string, args ...any) { r.Warnings = append(r.Warnings, fmt.Sprintf(format, args...)) }
	fail := func(msg string) { r.Errors = append(r.Errors, msg) }

	behind := 0
	for _, s := range st.Stripes {
		if s.SSTCount >= o.HighSSTCount {
			warn("High SST count in stripe %d (%d files)", s.ID, s.SSTCount)
		}
		if db.fallingBehind(s.SSTCount) {
			behind++
		}
	}
	if behind > 0 {
		warn("Compaction falling behind in %d stripes", behind)
	}
	usage, derr := db.fs.DiskUsage(db.dir)
	if derr == nil && usage.UsedFraction() > o.DiskUsageWarn {
		warn("Disk usage above %.0f%%", 100*o.DiskUsageWarn)
	}
	if st.Compaction.Count > 0 && st.WriteAmp() > o.HighWriteAmp {
		warn("High write amplification detected")
	}
	if p99 := st.Ops[OpPut].Latency.P99; st.Ops[OpPut].Count >= 100 && p99 > o.SlowWriteP99 {
		warn("High write latency detected, p99=%s", durStr(p99))
	}
	if _, err := db.fs.Stat(db.dir); err != nil {
		fail("Database directory not accessible")
	}
	if db.walCorrupt.Load() {
		fail("Corruption detected in WAL")
	}
	if db.sstCorrupt.Load() {
		fail("Corruption detected in SST")
	}
	if db.walFailed.Load() {
		fail("Critical I/O error")
	}
	if db.spaceFull(usage, derr) {
		fail("Unable to write to disk (space full)")
	}
	if err := db.backgroundError(); err != nil && !isNoSpace(err) && !db.walFailed.Load() {
		fail("Critical I/O error")
	}
	switch {
	case len(r.Errors) > 0:
		r.Status = Unhealthy
	case len(r.Warnings) > 0:
		r.Status = Degraded
	}
	return r
}

// fallingBehind: a stripe holding twice the SSTs that trigger compaction is
// not being compacted fast enough.
func (db *DB) fallingBehind(ssts int) bool {
	return !db.opts.DisableAutoCompaction && ssts >= 2*db.opts.CompactionThreshold
}

// spaceFull: a write failed for lack of space lately, and either nothing
// has been written since (a full inode table or a quota leaves statfs
// showing free blocks) or there is still little free. Once space is freed
// the finding goes away by itself.
func (db *DB) spaceFull(u vfs.DiskUsage, uerr error) bool {
	at := db.noSpaceAt.Load()
	if at == 0 || time.Since(time.Unix(0, at)) > noSpaceMemory {
		return false
	}
	return db.noSpaceOpen.Load() || uerr != nil || u.AvailableBytes < max(lowSpace, u.TotalBytes/100)
}

// noSpaceMemory is how long a full-disk error counts; lowSpace is what
// free space still counts as full.
const (
	noSpaceMemory = time.Minute
	lowSpace      = 16 << 20
)

func (db *DB) backgroundError() error {
	if p := db.bgErr.Load(); p != nil {
		return *p
	}
	return nil
}

// healthMonitor checks health every HealthCheckInterval: it logs the
// guide's warnings (rate-limited) and reports status changes.
func (db *DB) healthMonitor() {
	defer db.bg.Done()
	t := time.NewTicker(db.opts.HealthCheckInterval)
	defer t.Stop()
	last := Healthy
	var lastBehindLog, lastSlowLog time.Time
	prev := db.Stats()
	for {
		select {
		case <-db.closing:
			return
		case <-t.C:
		}
		st := db.Stats()
		if time.Since(lastBehindLog) >= 30*time.Second {
			for _, s := range st.Stripes {
				if db.fallingBehind(s.SSTCount) {
					db.log.Warn("Compaction falling behind", "stripe", s.ID, "sst_count", s.SSTCount)
					lastBehindLog = time.Now()
				}
			}
		}
		interval := st.Sub(prev)
		prev = st
		if l := interval.Ops[OpPut].Latency; l.Count >= 100 && l.P99 > db.opts.SlowWriteP99 && time.Since(lastSlowLog) >= 10*time.Second {
			db.log.Warn("High write latency detected", "p99", durStr(l.P99))
			lastSlowLog = time.Now()
		}
		r := db.healthFrom(st)
		if r.Status != last {
			last = r.Status
			db.log.Info("Health changed", "status", r.Status.String(), "warnings", len(r.Warnings), "errors", len(r.Errors))
			db.emit(func(e *EventListener) { call(e.HealthChange, r) })
		}
	}
}
