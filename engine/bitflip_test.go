package engine

import (
	"encoding/binary"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/keystonedb/kstone-shell/engine/internal/vfs"
)

// Bit-flip sweep: one bit of one byte of a WAL segment or an SST is
// flipped, and the database is reopened. Either Open fails with an error
// wrapping ErrCorruption, or every read (a Get of every written key, a full
// Scan) returns exactly the written data or an error wrapping
// ErrCorruption: never wrong or stale data, never a silently lost
// acknowledged write, never a panic. A flip in bytes that hold nothing
// (the zero terminator after the last record, preallocated space) may
// change nothing at all.

var bitflipFiles = regexp.MustCompile(`^(\d{3}_\d+\.sst|wal_\d{3}(-\d+)?\.log)$`)

func bitflipOptions() Options {
	return Options{
		BlockSize:             256, // an SST of several data blocks
		WALPreallocate:        4096,
		DisableAutoCompaction: true,
		HealthCheckInterval:   time.Hour,
	}
}

// buildBitflipBase writes partition "p": 40 items flushed to an SST, then
// 60 records left in the WAL (30 overwrites of flushed items, 30 new
// items).
func buildBitflipBase(t *testing.T) (*vfs.MemFS, *sweepLedger) {
	mem := vfs.NewMem()
	db := mustCreate(t, mem, bitflipOptions())
	l := newSweepLedger()
	for i := 0; i < 40; i++ {
		sweepMust(t, l.put(db, "p", fmt.Sprintf("%03d", i), 1))
	}
	sweepMust(t, db.Flush())
	for i := 0; i < 30; i++ {
		sweepMust(t, l.put(db, "p", fmt.Sprintf("%03d", i), 2))
		sweepMust(t, l.put(db, "p", fmt.Sprintf("%03d", 40+i), 1))
	}
	sweepMust(t, db.Close())
	mem.SyncAll()
	return mem, l
}

// flipRegion names the part of a file a byte belongs to, for the report.
func flipRegion(name string, data []byte, off int) string {
	if strings.HasSuffix(name, ".sst") {
		switch {
		case off < 8:
			return "sst header"
		case off >= len(data)-60:
			return "sst footer"
		}
		return "sst blocks"
	}
	if off < 32 {
		return "wal header"
	}
	// Walk the records: header (24 bytes, length at +4) then payload.
	pos, last := 32, -1
	for pos+24 <= len(data) {
		h := data[pos : pos+24]
		if flipAllZero(h) {
			break
		}
		end := pos + 24 + int(binary.LittleEndian.Uint32(h[4:]))
		if end > len(data) {
			break
		}
		last = pos
		if off < end {
			if next := end; next+24 <= len(data) && flipAllZero(data[next:next+24]) {
				return "wal last record"
			}
			return "wal record"
		}
		pos = end
	}
	_ = last
	if off < pos+24 {
		return "wal terminator"
	}
	return "wal tail (zeros)"
}

func flipAllZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

type flipOutcome int

const (
	flipDetectedAtOpen flipOutcome = iota // Open failed with ErrCorruption
	flipDetectedOnRead                    // a read failed with ErrCorruption
	flipHarmless                          // everything read back exactly
	flipBad                               // wrong data, a lost write, another error, a panic
)

func TestBitFlipSweep(t *testing.T) {
	base, l := buildBitflipBase(t)
	names, err := base.List("/db")
	if err != nil {
		t.Fatal(err)
	}
	type target struct {
		name string
		data []byte
	}
	var targets []target
	total := 0
	for _, n := range names {
		if !bitflipFiles.MatchString(n) {
			continue
		}
		b, err := base.ReadFile("/db/" + n)
		if err != nil {
			t.Fatal(err)
		}
		targets = append(targets, target{n, b})
		total += len(b)
	}
	var kinds []string
	for _, tg := range targets {
		kinds = append(kinds, fmt.Sprintf("%s (%d bytes)", tg.name, len(tg.data)))
	}
	if len(targets) < 2 || !strings.Contains(strings.Join(kinds, " "), ".sst") || !strings.Contains(strings.Join(kinds, " "), "wal_") {
		t.Fatalf("want an SST and a WAL segment to flip bits in, have %v", names)
	}
	// Every byte when soaking; else about 450 bytes (900 flips).
	step := 1
	if !soak() {
		step = max(1, total/450)
	}
	t.Logf("bit-flip sweep over %s, every %d. byte, 2 bits each", strings.Join(kinds, ", "), step)

	counts := map[flipOutcome]int{}
	byRegion := map[string]map[flipOutcome]int{}
	bad := map[string][]string{} // failing flips by region and problem
	opts := bitflipOptions()
	for _, tg := range targets {
		for off := step / 2; off < len(tg.data); off += step {
			region := flipRegion(tg.name, tg.data, off)
			for _, bit := range []int{off % 8, (off*5 + 3) % 8} {
				out, prob := flipOne(base, opts, l, tg.name, tg.data, off, bit)
				counts[out]++
				if byRegion[region] == nil {
					byRegion[region] = map[flipOutcome]int{}
				}
				byRegion[region][out]++
				if out == flipBad {
					key := region + ": " + sweepOpNumbers.ReplaceAllString(prob, "N")
					bad[key] = append(bad[key], fmt.Sprintf("%s offset %d bit %d: %s", tg.name, off, bit, prob))
				}
			}
		}
	}
	tried := counts[flipDetectedAtOpen] + counts[flipDetectedOnRead] + counts[flipHarmless] + counts[flipBad]
	t.Logf("bit flips: %d tried, %d detected (%d at Open, %d on read), %d harmless, %d bad",
		tried, counts[flipDetectedAtOpen]+counts[flipDetectedOnRead], counts[flipDetectedAtOpen], counts[flipDetectedOnRead],
		counts[flipHarmless], counts[flipBad])
	var regions []string
	for r := range byRegion {
		regions = append(regions, r)
	}
	sort.Strings(regions)
	for _, r := range regions {
		c := byRegion[r]
		t.Logf("  %-18s detected at Open %4d, on read %4d, harmless %4d, bad %4d", r, c[flipDetectedAtOpen], c[flipDetectedOnRead], c[flipHarmless], c[flipBad])
	}
	var keys []string
	for k := range bad {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		ex := bad[k]
		t.Errorf("%d bit flips gave wrong data or lost writes without an error [%s]; e.g.\n  %s", len(ex), k, strings.Join(ex[:min(3, len(ex))], "\n  "))
	}
}

// flipOne flips one bit in a copy of base, reopens it and reads
// everything back.
func flipOne(base *vfs.MemFS, opts Options, l *sweepLedger, name string, data []byte, off, bit int) (out flipOutcome, prob string) {
	defer func() {
		if p := recover(); p != nil {
			out, prob = flipBad, fmt.Sprintf("panic: %v", p)
		}
	}()
	img := base.CrashClone(vfs.CrashOptions{})
	b := append([]byte(nil), data...)
	b[off] ^= 1 << bit
	if err := img.WriteFile("/db/"+name, b); err != nil {
		return flipBad, err.Error()
	}
	o := opts
	o.FS = img
	db, err := Open("/db", &o)
	if err != nil {
		if errors.Is(err, ErrCorruption) {
			return flipDetectedAtOpen, ""
		}
		return flipBad, "Open failed without a corruption error: " + err.Error()
	}
	defer db.Close()
	probs, corrupt := l.checkCounting(db, true)
	if len(probs) > 0 {
		return flipBad, probs[0]
	}
	if corrupt > 0 {
		return flipDetectedOnRead, ""
	}
	return flipHarmless, ""
}
