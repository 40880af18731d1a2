package engine

import (
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/keystonedb/kstone-shell/engine/internal/vfs"
	"github.com/keystonedb/kstone-shell/engine/item"
)

// Fault sweep: every workload runs once per mutation of the file system it
// performs, with exactly that mutation failing (vfs.NewOnIndex(n, nil)),
// until a run completes without reaching n. After each run:
//
//   - if the operation returned success, the live database must read back
//     every acknowledged write and keep the operation's promise;
//   - the file system reopens, as it was left (after Close) and as power
//     loss would leave it at the moment the operation returned (CrashClone
//     with a nil Rand and with seeded Rands that keep and tear some unsynced
//     writes), and every image holds every acknowledged write and nothing
//     that was never written.

// sweepItem is an item whose content follows from its key and a version,
// so a reader can tell a right value from a wrong or a stale one.
func sweepItem(pk, sk string, v int) item.Item {
	it := item.Item{
		"pk":   item.S(pk),
		"v":    item.NFromInt64(int64(v)),
		"data": item.S(fmt.Sprintf("%s|%s|%d|%s", pk, sk, v, strings.Repeat("x", 24))),
	}
	if sk != "" {
		it["sk"] = item.S(sk)
	}
	return it
}

func sweepKey(pk, sk string) Key {
	if sk == "" {
		return K(pk)
	}
	return KS(pk, sk)
}

// sweepLedgerKey identifies an item of the default table.
type sweepLedgerKey struct{ pk, sk string }

func (k sweepLedgerKey) String() string {
	if k.sk == "" {
		return k.pk
	}
	return k.pk + "/" + k.sk
}

// sweepKeyState is what a key may hold: its acknowledged version (0: absent,
// never written or deleted) and the versions written after it whose
// outcome is unknown (a failed or not yet durable write may or may not
// have reached the disk).
type sweepKeyState struct {
	acked   int
	pending []int
}

func (s *sweepKeyState) allowed(v int) bool { return v == s.acked || slices.Contains(s.pending, v) }

// sweepLedger records what was acknowledged, to check a database against.
// Version 0 stands for "no item" (a delete).
type sweepLedger struct {
	mu   sync.Mutex
	keys map[sweepLedgerKey]*sweepKeyState
	// prefixes lists groups of keys (each written once) whose writes must
	// survive as a prefix of the group's order: relaxed writes to one
	// stripe.
	prefixes [][]sweepLedgerKey
}

func newSweepLedger() *sweepLedger { return &sweepLedger{keys: map[sweepLedgerKey]*sweepKeyState{}} }

func (l *sweepLedger) clone() *sweepLedger {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := newSweepLedger()
	for k, s := range l.keys {
		c.keys[k] = &sweepKeyState{acked: s.acked, pending: slices.Clone(s.pending)}
	}
	for _, g := range l.prefixes {
		c.prefixes = append(c.prefixes, slices.Clone(g))
	}
	return c
}

func (l *sweepLedger) state(k sweepLedgerKey) *sweepKeyState {
	s := l.keys[k]
	if s == nil {
		s = &sweepKeyState{}
		l.keys[k] = s
	}
	return s
}

// attempt notes a write about to be made; ack or fail follows.
func (l *sweepLedger) attempt(k sweepLedgerKey, v int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.state(k)
	s.pending = append(s.pending, v)
}

func (l *sweepLedger) ack(k sweepLedgerKey, v int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.state(k)
	s.acked, s.pending = v, nil
}

// ackPending acknowledges the newest pending version of every key (after
// a successful Sync or Close made relaxed writes durable).
func (l *sweepLedger) ackPending() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, s := range l.keys {
		if n := len(s.pending); n > 0 {
			s.acked, s.pending = s.pending[n-1], nil
		}
	}
}

// put writes sweepItem(pk, sk, v) and records the outcome.
func (l *sweepLedger) put(db *DB, pk, sk string, v int) error {
	k := sweepLedgerKey{pk, sk}
	l.attempt(k, v)
	err := db.Put(sweepItem(pk, sk, v))
	if err == nil {
		l.ack(k, v)
	}
	return err
}

// del deletes a key and records the outcome.
func (l *sweepLedger) del(db *DB, pk, sk string) error {
	k := sweepLedgerKey{pk, sk}
	l.attempt(k, 0)
	err := db.Delete(sweepKey(pk, sk))
	if err == nil {
		l.ack(k, 0)
	}
	return err
}

// putRelaxed writes with relaxed durability: the write stays pending
// until a Sync or Close succeeds.
func (l *sweepLedger) putRelaxed(db *DB, pk, sk string, v int) error {
	k := sweepLedgerKey{pk, sk}
	l.attempt(k, v)
	return db.Put(sweepItem(pk, sk, v))
}

// sweepVersionOf returns the version an item read back claims and whether it is
// exactly the item of that version.
func sweepVersionOf(k sweepLedgerKey, got item.Item) (int, bool) {
	n, ok := got["v"].(item.N)
	if !ok {
		return -1, false
	}
	v, ok := n.Int64()
	if !ok {
		return -1, false
	}
	return int(v), item.ItemsEqual(got, sweepItem(k.pk, k.sk, int(v)))
}

// check reads every key of the ledger and scans the table; it returns
// every problem found (nil when the database matches the ledger).
// corruptionOK accepts reads failing with ErrCorruption.
func (l *sweepLedger) check(db *DB, corruptionOK bool) []string {
	probs, _ := l.checkCounting(db, corruptionOK)
	return probs
}

// checkCounting is check, also counting reads that failed with
// ErrCorruption.
func (l *sweepLedger) checkCounting(db *DB, corruptionOK bool) (probs []string, corrupt int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	bad := func(format string, args ...any) {
		if len(probs) < 8 {
			probs = append(probs, fmt.Sprintf(format, args...))
		}
	}
	present := map[sweepLedgerKey]bool{}
	keys := slices.SortedFunc(maps.Keys(l.keys), func(a, b sweepLedgerKey) int { return strings.Compare(a.String(), b.String()) })
	for _, k := range keys {
		s := l.keys[k]
		got, err := db.Get(sweepKey(k.pk, k.sk))
		switch {
		case IsNotFound(err):
			if !s.allowed(0) {
				bad("%s: acknowledged version %d lost (Get: not found)", k, s.acked)
			}
		case err != nil:
			if errors.Is(err, ErrCorruption) {
				corrupt++
			}
			if !(corruptionOK && errors.Is(err, ErrCorruption)) {
				bad("%s: Get: %v", k, err)
			}
		default:
			v, exact := sweepVersionOf(k, got)
			if !exact || v == 0 || !s.allowed(v) {
				bad("%s: reads back %s; acknowledged version %d, pending %v", k, item.ItemToJSON(got), s.acked, s.pending)
			}
			present[k] = true
		}
	}
	tb, err := db.Table(DefaultTable)
	if err != nil {
		return append(probs, err.Error()), corrupt
	}
	it, err := tb.ScanIter(ScanInput{})
	if err != nil {
		return append(probs, "Scan: "+err.Error()), corrupt
	}
	seen := map[sweepLedgerKey]bool{}
	for it.Next() {
		got, err := it.Item()
		if err != nil {
			if errors.Is(err, ErrCorruption) {
				corrupt++
			}
			if !(corruptionOK && errors.Is(err, ErrCorruption)) {
				bad("Scan item: %v", err)
			}
			continue
		}
		pk, _ := got["pk"].(item.S)
		sk, _ := got["sk"].(item.S)
		k := sweepLedgerKey{string(pk), string(sk)}
		if seen[k] {
			bad("Scan: %s appears twice", k)
		}
		seen[k] = true
		s := l.keys[k]
		if s == nil {
			bad("Scan: unknown item %s", item.ItemToJSON(got))
			continue
		}
		if v, exact := sweepVersionOf(k, got); !exact || v == 0 || !s.allowed(v) {
			bad("Scan: %s reads back %s; acknowledged version %d, pending %v", k, item.ItemToJSON(got), s.acked, s.pending)
		}
	}
	if err := it.Close(); err != nil {
		if errors.Is(err, ErrCorruption) {
			corrupt++
		}
		if !(corruptionOK && errors.Is(err, ErrCorruption)) {
			bad("Scan: %v", err)
		}
	} else {
		for _, k := range keys {
			if s := l.keys[k]; !s.allowed(0) && !seen[k] {
				bad("Scan: acknowledged %s (version %d) missing", k, s.acked)
			}
		}
	}
	for _, g := range l.prefixes {
		gap := -1
		for i, k := range g {
			if !present[k] {
				if gap < 0 {
					gap = i
				}
			} else if gap >= 0 {
				bad("writes to one stripe survive out of order: %s lost, later %s kept", g[gap], k)
				break
			}
		}
	}
	return probs, corrupt
}

// sweepInjector fails the n-th mutation made while armed, and counts every
// mutation (armed or not) so a caller can wait for background work to
// settle.
type sweepInjector struct {
	on    *vfs.OnIndex
	armed atomic.Bool
	total atomic.Int64
	mu    sync.Mutex
	hit   vfs.Op
}

func (s *sweepInjector) MaybeError(op vfs.Op) error {
	if op.Kind.IsMutation() {
		s.total.Add(1)
	}
	if !s.armed.Load() {
		return nil
	}
	err := s.on.MaybeError(op)
	if err != nil {
		s.mu.Lock()
		s.hit = op
		s.mu.Unlock()
	}
	return err
}

// waitQuiet waits until no mutation happened for a few milliseconds
// (background work started by the last operation is done), at most 2s.
func (s *sweepInjector) waitQuiet() {
	deadline := time.Now().Add(2 * time.Second)
	last, still := s.total.Load(), 0
	for still < 4 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
		if n := s.total.Load(); n != last {
			last, still = n, 0
		} else {
			still++
		}
	}
}

// sweepRun is one run of a workload with one fault.
type sweepRun struct {
	fs   vfs.FS // the MemFS under test, with the injector
	inj  *sweepInjector
	opts Options
	l    *sweepLedger
	db   *DB // the database the workload leaves open, if any
	// broken lists promises the operation broke while returning success.
	broken []string
}

func (r *sweepRun) open() error {
	o := r.opts
	o.FS = r.fs
	db, err := Open("/db", &o)
	if err != nil {
		return err
	}
	r.db = db
	return nil
}

func (r *sweepRun) arm() { r.inj.waitQuiet(); r.inj.armed.Store(true) }

// disarm ends the operation's window, after the background work it
// started has settled.
func (r *sweepRun) disarm() { r.inj.waitQuiet(); r.inj.armed.Store(false) }

type sweepWorkload struct {
	name string
	opts Options
	// setup builds the database the operation starts from; noSST, when
	// enabled, makes SST creation fail (flushes then retry in vain).
	setup func(t *testing.T, db *DB, l *sweepLedger, noSST *vfs.Toggle)
	// run performs the operation under test and returns its error.
	run func(r *sweepRun) error
}

func sweepOptions() Options {
	return Options{
		MemtableRecordThreshold: 8,
		WALPreallocate:          4096,
		BlockSize:               256,
		DisableAutoCompaction:   true,
		HealthCheckInterval:     time.Hour,
		RelaxedSyncInterval:     time.Hour,
	}
}

func sweepWorkloads() []sweepWorkload {
	return []sweepWorkload{
		{
			// Open replays active and sealed WAL segments over SSTs, and
			// flushes what it replayed in the background. The setup leaves
			// two sealed segments unflushed: SST creation fails while it
			// writes a partition past two memtable rotations.
			name: "open",
			setup: func(t *testing.T, db *DB, l *sweepLedger, noSST *vfs.Toggle) {
				for i := 0; i < 12; i++ {
					sweepMust(t, l.put(db, fmt.Sprintf("a%02d", i), "", 1))
				}
				sweepMust(t, db.Flush())
				for i := 0; i < 6; i++ {
					sweepMust(t, l.put(db, fmt.Sprintf("a%02d", i), "", 2))
				}
				noSST.Enable()
				for i := 0; i < 20; i++ {
					sweepMust(t, l.put(db, "p", fmt.Sprintf("%03d", i), 1))
				}
				for i := 0; i < 4; i++ {
					sweepMust(t, l.put(db, fmt.Sprintf("b%02d", i), "", 1))
				}
			},
			run: func(r *sweepRun) error {
				r.arm()
				err := r.open()
				r.disarm()
				return err
			},
		},
		{
			// Synced puts: new segments (from spares), rotations sealing
			// segments, and the flushes they start in the background.
			name: "put",
			setup: func(t *testing.T, db *DB, l *sweepLedger, _ *vfs.Toggle) {
				for i := 0; i < 10; i++ {
					sweepMust(t, l.put(db, fmt.Sprintf("a%02d", i), "", 1))
				}
				sweepMust(t, db.Flush())
				for i := 0; i < 4; i++ {
					sweepMust(t, l.put(db, fmt.Sprintf("a%02d", i), "", 2))
				}
			},
			run: func(r *sweepRun) error {
				if err := r.open(); err != nil {
					return fmt.Errorf("open before the workload: %w", err)
				}
				r.arm()
				var first error
				note := func(err error) {
					if first == nil && err != nil {
						first = err
					}
				}
				for i := 0; i < 20; i++ {
					note(r.l.put(r.db, "p", fmt.Sprintf("%03d", i), 1))
					if i%2 == 0 {
						note(r.l.put(r.db, fmt.Sprintf("a%02d", i/2), "", 3))
					}
					if i%4 == 0 {
						note(r.l.put(r.db, fmt.Sprintf("n%02d", i/4), "", 1))
					}
				}
				r.disarm()
				return first
			},
		},
		{
			// Flush of memtables replayed into several stripes.
			name: "flush",
			setup: func(t *testing.T, db *DB, l *sweepLedger, _ *vfs.Toggle) {
				for i := 0; i < 20; i++ {
					sweepMust(t, l.put(db, fmt.Sprintf("a%02d", i), "", 1))
				}
				for i := 0; i < 6; i++ {
					sweepMust(t, l.put(db, "p", fmt.Sprintf("%03d", i), 1))
				}
			},
			run: func(r *sweepRun) error {
				if err := r.open(); err != nil {
					return fmt.Errorf("open before the workload: %w", err)
				}
				r.arm()
				err := r.db.Flush()
				r.disarm()
				if err == nil {
					if st := r.db.Stats(); st.MemtableRecords != 0 || st.ImmutableMemtables != 0 {
						r.broken = append(r.broken, fmt.Sprintf("Flush returned nil, but %d records in %d immutable memtables (and active ones) are not flushed",
							st.MemtableRecords, st.ImmutableMemtables))
					}
				}
				return err
			},
		},
		{
			// Manual compaction of a stripe holding five SSTs with
			// overwrites and tombstones.
			name: "compact",
			setup: func(t *testing.T, db *DB, l *sweepLedger, _ *vfs.Toggle) {
				for i := 0; i < 200; i++ {
					sweepMust(t, l.put(db, "p", fmt.Sprintf("%03d", i%40), i+1))
					if i%9 == 0 {
						sweepMust(t, l.del(db, "p", fmt.Sprintf("%03d", (i/9*7)%40)))
					}
					if (i+1)%40 == 0 {
						sweepMust(t, db.Flush())
					}
				}
				if n := db.Stats().Stripes[stripeOfP()].SSTCount; n < 4 {
					t.Fatalf("compact setup: %d SSTs", n)
				}
			},
			run: func(r *sweepRun) error {
				if err := r.open(); err != nil {
					return fmt.Errorf("open before the workload: %w", err)
				}
				r.arm()
				err := r.db.Compact(stripeOfP())
				r.disarm()
				if err == nil {
					if n := r.db.Stats().Stripes[stripeOfP()].SSTCount; n > 1 {
						r.broken = append(r.broken, fmt.Sprintf("Compact returned nil, but the stripe still has %d SSTs", n))
					}
				}
				return err
			},
		},
		{
			// Close after synced and relaxed writes: Close must make the
			// relaxed ones durable, or say it failed.
			name: "close",
			setup: func(t *testing.T, db *DB, l *sweepLedger, _ *vfs.Toggle) {
				for i := 0; i < 10; i++ {
					sweepMust(t, l.put(db, fmt.Sprintf("a%02d", i), "", 1))
				}
				sweepMust(t, db.Flush())
			},
			run: func(r *sweepRun) error {
				if err := r.open(); err != nil {
					return fmt.Errorf("open before the workload: %w", err)
				}
				for i := 0; i < 5; i++ {
					if err := r.l.put(r.db, fmt.Sprintf("s%02d", i), "", 1); err != nil {
						return fmt.Errorf("synced put before Close: %w", err)
					}
				}
				if err := r.db.SetDurability(DurabilityRelaxed); err != nil {
					return fmt.Errorf("SetDurability: %w", err)
				}
				groups := map[int][]sweepLedgerKey{}
				put := func(pk, sk string) error {
					k := sweepLedgerKey{pk, sk}
					groups[StripeOf(item.S(pk))] = append(groups[StripeOf(item.S(pk))], k)
					return r.l.putRelaxed(r.db, pk, sk, 1)
				}
				for i := 0; i < 12; i++ {
					if err := put("p", fmt.Sprintf("%03d", i)); err != nil {
						return fmt.Errorf("relaxed put before Close: %w", err)
					}
					if i%2 == 0 {
						if err := put(fmt.Sprintf("r%02d", i/2), ""); err != nil {
							return fmt.Errorf("relaxed put before Close: %w", err)
						}
					}
				}
				for _, g := range groups {
					r.l.prefixes = append(r.l.prefixes, g)
				}
				r.arm()
				err := sweepCloseWithin(r.db, 20*time.Second)
				r.disarm()
				r.db = nil
				if err == nil {
					r.l.ackPending()
				}
				return err
			},
		},
	}
}

func sweepMust(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// sweepCloseWithin closes db, failing instead of hanging.
func sweepCloseWithin(db *DB, d time.Duration) error {
	done := make(chan error, 1)
	go func() { done <- db.Close() }()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		return fmt.Errorf("Close did not return within %s (hang)", d)
	}
}

// buildSweepBase runs a workload's setup on a fresh MemFS and returns the
// durable image and the ledger of what it holds.
func buildSweepBase(t *testing.T, w sweepWorkload) (*vfs.MemFS, *sweepLedger) {
	mem := vfs.NewMem()
	noSST := vfs.NewToggle(errors.New("setup: no SSTs now"), func(op vfs.Op) bool {
		return op.Kind == vfs.OpCreate && strings.HasSuffix(op.Path, ".sst")
	})
	settle := &sweepInjector{on: vfs.NewOnIndex(0, nil)} // counts only
	inj := vfs.InjectorFunc(func(op vfs.Op) error {
		settle.MaybeError(op)
		return noSST.MaybeError(op)
	})
	opts := w.opts
	db := mustCreate(t, vfs.WithFaults(mem, inj), opts)
	l := newSweepLedger()
	w.setup(t, db, l, noSST)
	settle.waitQuiet() // background flushes and spares done: a stable image
	sweepMust(t, db.Close())
	mem.SyncAll()
	if w.name == "open" {
		names, _ := mem.List("/db")
		sealed := 0
		for _, n := range names {
			if regexp.MustCompile(`^wal_\d{3}-\d+\.log$`).MatchString(n) {
				sealed++
			}
		}
		if sealed < 2 {
			t.Fatalf("open setup: want 2 sealed segments, have %v", names)
		}
	}
	return mem, l
}

// sweepImage is a file system to reopen after a fault.
type sweepImage struct {
	name string
	fs   *vfs.MemFS
}

var sweepOpNumbers = regexp.MustCompile(`\d+`)

// sweepOpClass names a faulted operation without its file numbers.
func sweepOpClass(op vfs.Op) string {
	s := op.Kind.String() + " " + sweepOpNumbers.ReplaceAllString(op.Path[strings.LastIndex(op.Path, "/")+1:], "N")
	if op.NewPath != "" {
		s += " -> " + sweepOpNumbers.ReplaceAllString(op.NewPath[strings.LastIndex(op.NewPath, "/")+1:], "N")
	}
	return s
}

func TestFaultSweep(t *testing.T) {
	seeds := 3
	if soak() {
		seeds = 20
	}
	for _, w := range sweepWorkloads() {
		t.Run(w.name, func(t *testing.T) {
			w.opts = sweepOptions()
			faultSweep(t, w, seeds)
		})
	}
}

func faultSweep(t *testing.T, w sweepWorkload, seeds int) {
	base, baseLedger := buildSweepBase(t, w)
	points, failedOps, images := 0, 0, 0
	absorbed := map[string]int{} // faults the operation reported success through
	failures := 0
	classes := map[string]int{} // failing points by signature
	for n := int64(1); ; n++ {
		if n > 5000 {
			t.Fatalf("fault sweep %s: no end after %d points", w.name, n)
		}
		mem := base.CrashClone(vfs.CrashOptions{})
		inj := &sweepInjector{on: vfs.NewOnIndex(n, nil)}
		r := &sweepRun{fs: vfs.WithFaults(mem, inj), inj: inj, opts: w.opts, l: baseLedger.clone()}
		opErr := w.run(r)
		fired := inj.on.Fired()
		inj.mu.Lock()
		hit := inj.hit
		inj.mu.Unlock()
		where := fmt.Sprintf("fault sweep %s, point %d (%v)", w.name, n, hit)
		if !fired {
			where = fmt.Sprintf("fault sweep %s, control run without a fault", w.name)
			if opErr != nil {
				t.Fatalf("%s: operation failed: %v", where, opErr)
			}
		} else {
			points++
			if opErr != nil {
				failedOps++
			} else {
				absorbed[sweepOpClass(hit)]++
			}
		}
		var probs []string
		if opErr == nil {
			probs = append(probs, r.broken...)
			if r.db != nil {
				for _, p := range r.l.check(r.db, false) {
					probs = append(probs, "live database after success: "+p)
				}
			}
		}
		// Power loss the moment the operation returned.
		imgs := []sweepImage{{"crash image (nothing unsynced)", mem.CrashClone(vfs.CrashOptions{})}}
		for s := 0; s < seeds; s++ {
			rng := rand.New(rand.NewPCG(uint64(n), uint64(s)))
			imgs = append(imgs, sweepImage{fmt.Sprintf("crash image (seed %d)", s), mem.CrashClone(vfs.CrashOptions{Rand: rng})})
		}
		if r.db != nil {
			if err := sweepCloseWithin(r.db, 20*time.Second); err != nil && strings.Contains(err.Error(), "hang") {
				t.Fatalf("%s: %v", where, err)
			}
		}
		imgs = append(imgs, sweepImage{"file system as left after Close", mem})
		for _, img := range imgs {
			images++
			o := w.opts
			o.FS = img.fs
			db, err := Open("/db", &o)
			if err != nil {
				probs = append(probs, fmt.Sprintf("%s: reopen failed: %v", img.name, err))
				continue
			}
			for _, p := range r.l.check(db, false) {
				probs = append(probs, img.name+": "+p)
			}
			if err := db.Close(); err != nil {
				probs = append(probs, fmt.Sprintf("%s: Close after reopen: %v", img.name, err))
			}
		}
		if len(probs) > 0 {
			failures++
			sig := sweepSignature(hit, opErr, probs)
			if classes[sig]++; classes[sig] <= 2 {
				t.Errorf("%s: operation returned %v:\n  %s", where, opErr, strings.Join(probs, "\n  "))
			}
			if failures >= 200 {
				t.Fatalf("fault sweep %s: stopping after %d failing points", w.name, failures)
			}
		}
		if !fired {
			break
		}
	}
	var abs []string
	for k, v := range absorbed {
		abs = append(abs, fmt.Sprintf("%s ×%d", k, v))
	}
	sort.Strings(abs)
	t.Logf("fault sweep %s: %d points (%d failed the operation, %d absorbed by it), %d reopened images", w.name, points, failedOps, points-failedOps, images)
	if failures > 0 {
		var cs []string
		for k, v := range classes {
			cs = append(cs, fmt.Sprintf("%d× %s", v, k))
		}
		sort.Strings(cs)
		t.Errorf("fault sweep %s: %d of %d points failed; by kind:\n  %s", w.name, failures, points, strings.Join(cs, "\n  "))
	}
	if len(abs) > 0 {
		t.Logf("fault sweep %s: faults the operation succeeded through (data verified): %s", w.name, strings.Join(abs, ", "))
	}
}

// sweepSignature groups failing points: the faulted operation's class,
// whether the operation reported the fault, and the first problem, without
// numbers.
func sweepSignature(hit vfs.Op, opErr error, probs []string) string {
	outcome := "op failed"
	if opErr == nil {
		outcome = "op succeeded"
	}
	p := probs[0]
	if i := strings.Index(p, ": "); i > 0 && strings.HasPrefix(p, "crash image") || strings.HasPrefix(p, "file system as left") {
		p = p[i+2:]
	}
	return fmt.Sprintf("[%s, %s] %s", sweepOpClass(hit), outcome, sweepOpNumbers.ReplaceAllString(p, "N"))
}
