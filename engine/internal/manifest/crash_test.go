package manifest

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
	"github.com/keystonedb/kstone-shell/engine/internal/vfs"
)

// crashOptions returns CrashClone options: nil Rand (everything unsynced
// is lost) and then seeded adversarial crashes.
func crashOptions(seed uint64, rands int) []vfs.CrashOptions {
	opts := []vfs.CrashOptions{{}}
	for i := range rands {
		opts = append(opts, vfs.CrashOptions{Rand: rand.New(rand.NewPCG(seed, uint64(i)))})
	}
	return opts
}

// expectation is what a reopen may find: the state after the acknowledged
// edits, or (when an edit is in flight) the state after it too. Before
// Create returns, no database (ErrNotExist) is fine as well.
type expectation struct {
	states  []*State // acknowledged states; empty before Create returned
	pending *State   // the in-flight edit's result, nil if none
}

// check opens fs and reports a problem if the result is not allowed.
func (x *expectation) check(t *testing.T, fs vfs.FS, dir, where string) (torn bool) {
	t.Helper()
	m, got, info, err := Open(fs, dir, Options{MaxFileSize: 1024})
	if len(x.states) == 0 && errors.Is(err, os.ErrNotExist) {
		return false
	}
	if err != nil {
		t.Fatalf("%s: Open: %v", where, err)
	}
	defer m.Close()
	candidates := x.states
	if x.pending != nil {
		candidates = append(candidates[:len(candidates):len(candidates)], x.pending)
	}
	if len(x.states) > 0 {
		// Acknowledged edits must all be there.
		candidates = candidates[len(x.states)-1:]
	}
	for _, c := range candidates {
		if sameState(got, c) && got.NextFileNum >= c.NextFileNum {
			return info.TornTail
		}
	}
	var want []string
	for _, c := range candidates {
		want = append(want, describe(c))
	}
	t.Fatalf("%s: reopened state\n %s\nis none of\n %s", where, describe(got), strings.Join(want, "\n "))
	return false
}

// TestCrashAtEveryOperation takes power-loss images (CrashClone, with nil
// and with seeded Rands) before every mutating file-system operation of a
// workload of Create, edits with roll-overs and a reopen, and after every
// acknowledged edit; each image must reopen to the acknowledged state or
// to the state after the edit in flight, never to anything in between.
func TestCrashAtEveryOperation(t *testing.T) {
	mem, dir := newMemDir(t)
	x := &expectation{}
	ops, torn := 0, 0
	crashCheck := func(where string, rands int) {
		for _, o := range crashOptions(uint64(ops), rands) {
			if x.check(t, mem.CrashClone(o), dir, where) {
				torn++
			}
		}
	}
	fs := vfs.WithFaults(mem, vfs.InjectorFunc(func(op vfs.Op) error {
		if op.Kind.IsMutation() {
			ops++
			crashCheck("before "+op.String(), 6)
			if len(x.states) > 0 {
				// Without a crash, CURRENT names a complete manifest at
				// every step.
				checkCurrent(t, mem, dir)
			}
		}
		return nil
	}))

	opts := Options{MaxFileSize: 1024}
	x.pending = initialState()
	m, err := Create(fs, dir, initialState(), opts)
	if err != nil {
		t.Fatal(err)
	}
	x.states, x.pending = []*State{m.State()}, nil
	crashCheck("after Create", 10)

	w := newWorkload(4)
	rollOvers := 0
	for i := range 60 {
		e := w.next(m.State(), m.AllocFileNum)
		want := m.State()
		if err := want.Apply(e); err != nil {
			t.Fatalf("workload edit %d does not apply: %v", i, err)
		}
		x.pending = want
		before := m.FileNum()
		if err := m.Apply(e); err != nil {
			t.Fatalf("edit %d: %v", i, err)
		}
		if m.FileNum() != before {
			rollOvers++
		}
		if got := m.State(); !sameState(got, want) {
			t.Fatalf("edit %d: state %s, want %s", i, describe(got), describe(want))
		}
		x.states, x.pending = append(x.states, m.State()), nil
		crashCheck("after edit", 10)
		checkCurrent(t, mem, dir)

		if i == 30 {
			// Crashes during Open's roll-over.
			if err := m.Close(); err != nil {
				t.Fatal(err)
			}
			if m, _, _, err = Open(fs, dir, opts); err != nil {
				t.Fatal(err)
			}
			x.states = append(x.states, m.State())
		}
	}
	m.Close()
	if rollOvers < 3 {
		t.Errorf("only %d roll-overs", rollOvers)
	}
	if torn == 0 {
		t.Errorf("no crash image had a torn tail; the test does not exercise them")
	}
	t.Logf("%d mutating operations, %d roll-overs, %d torn tails ignored", ops, rollOvers, torn)
}

// faultRun is one run of the fault-sweep workload.
type faultRun struct {
	x         expectation
	failedOp  vfs.Op // the operation the injector failed
	failedIn  string // the call in progress when it failed
	callErr   error  // what that call returned
	completed bool   // all edits were acknowledged
}

const sweepEdits = 50

// runWithFault runs Create + sweepEdits edits on WithFaults(mem, OnIndex(n)).
func runWithFault(t *testing.T, mem *vfs.MemFS, dir string, n int64) (*faultRun, *vfs.OnIndex) {
	r := &faultRun{}
	inj := vfs.NewOnIndex(n, nil)
	call := ""
	fs := vfs.WithFaults(mem, vfs.InjectorFunc(func(op vfs.Op) error {
		err := inj.MaybeError(op)
		if err != nil {
			r.failedOp, r.failedIn = op, call
		}
		return err
	}))
	opts := Options{MaxFileSize: 1024}
	call = "Create"
	r.x.pending = initialState()
	m, err := Create(fs, dir, initialState(), opts)
	if err != nil {
		r.callErr = err
		return r, inj
	}
	r.x.states, r.x.pending = []*State{m.State()}, nil
	w := newWorkload(5)
	for i := range sweepEdits {
		e := w.next(m.State(), m.AllocFileNum)
		want := m.State()
		if err := want.Apply(e); err != nil {
			t.Fatalf("workload edit %d does not apply: %v", i, err)
		}
		r.x.pending = want
		call = "Apply"
		if err := m.Apply(e); err != nil {
			r.callErr = err
			// The manifest recovers: the next Apply rolls over without
			// the failed edit (the injector fires once).
			if err2 := m.Apply(Edit{}); err2 != nil {
				t.Errorf("n=%d: Apply after a failed Apply: %v", n, err2)
			} else if got := m.State(); !sameState(got, r.x.states[len(r.x.states)-1]) {
				t.Errorf("n=%d: state after recovering from a failed Apply = %+v, want the last acknowledged one", n, got)
			} else {
				r.x.pending = nil
			}
			m.Close()
			return r, inj
		}
		r.x.states, r.x.pending = append(r.x.states, m.State()), nil
	}
	r.completed = true
	m.Close()
	return r, inj
}

// isManifestRemoval reports whether op removes an old manifest: a failure
// there is not an error (the leftover is harmless and reported by Open).
func isManifestRemoval(op vfs.Op) bool {
	kind, _, _, ok := base.ParseFilename(op.Path[strings.LastIndexByte(op.Path, '/')+1:])
	return op.Kind == vfs.OpRemove && ok && kind == base.FileKindManifest
}

// TestFaultSweep fails the n-th mutating file-system operation for n = 1,
// 2, … until the workload completes without an injection. The failing
// call must report an error, and the file system afterwards (as is, and
// after a power loss) must reopen to a prefix of the edits holding every
// acknowledged one.
func TestFaultSweep(t *testing.T) {
	removals := 0
	var n int64
	for n = 1; ; n++ {
		mem, dir := newMemDir(t)
		r, inj := runWithFault(t, mem, dir, n)
		if !inj.Fired() {
			if !r.completed {
				t.Fatalf("n=%d: no fault injected but the workload failed: %v", n, r.callErr)
			}
			break
		}
		if !errors.Is(r.callErr, vfs.ErrInjected) {
			if r.callErr != nil || !isManifestRemoval(r.failedOp) {
				t.Fatalf("n=%d: %s failed in %s, which returned %v", n, r.failedOp, r.failedIn, r.callErr)
			}
			removals++
		}
		if r.callErr == nil {
			// The leftover is reported by the next Open.
			_, _, num, _ := base.ParseFilename(mem.PathBase(r.failedOp.Path))
			mem.SyncAll()
			m, _, info, err := Open(mem.CrashClone(vfs.CrashOptions{}), dir, Options{})
			if err != nil || !slices.Contains(info.ObsoleteManifests, num) {
				t.Fatalf("n=%d: after a failed removal of %s: Open = %v, obsolete %v", n, r.failedOp.Path, err, info.ObsoleteManifests)
			}
			m.Close()
		}
		where := fmt.Sprintf("n=%d %s in %s", n, r.failedOp, r.failedIn)
		r.x.check(t, mem, dir, where+" (no crash)")
		for _, o := range crashOptions(uint64(n), 4) {
			r.x.check(t, mem.CrashClone(o), dir, where+" (crash)")
		}
	}
	if n < 100 {
		t.Errorf("sweep ended after %d operations; the workload is too small", n)
	}
	t.Logf("swept %d operations (%d harmless manifest-removal failures)", n-1, removals)
}

// TestOpenFaultSweep fails each mutating operation of Open (its
// roll-over): Open must return the error, and the database must still
// open to the same state afterwards.
func TestOpenFaultSweep(t *testing.T) {
	mem, dir := newMemDir(t)
	m, err := Create(mem, dir, initialState(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	w := newWorkload(6)
	for range 20 {
		if err := m.Apply(w.next(m.State(), m.AllocFileNum)); err != nil {
			t.Fatal(err)
		}
	}
	want := m.State()
	m.Close()
	x := expectation{states: []*State{want}}
	for n := int64(1); ; n++ {
		img := mem.CrashClone(vfs.CrashOptions{})
		inj := vfs.NewOnIndex(n, nil)
		var failed vfs.Op
		fs := vfs.WithFaults(img, vfs.InjectorFunc(func(op vfs.Op) error {
			err := inj.MaybeError(op)
			if err != nil {
				failed = op
			}
			return err
		}))
		m, got, _, err := Open(fs, dir, Options{})
		if !inj.Fired() {
			if err != nil {
				t.Fatal(err)
			}
			m.Close()
			if !sameState(got, want) {
				t.Fatalf("state %s, want %s", describe(got), describe(want))
			}
			break
		}
		if err == nil {
			m.Close()
			if !isManifestRemoval(failed) {
				t.Fatalf("n=%d: %s failed but Open succeeded", n, failed)
			}
		} else if !errors.Is(err, vfs.ErrInjected) {
			t.Fatalf("n=%d: Open = %v, want the injected error", n, err)
		}
		x.check(t, img, dir, failed.String()+" (no crash)")
		for _, o := range crashOptions(uint64(n), 4) {
			x.check(t, img.CrashClone(o), dir, failed.String()+" (crash)")
		}
	}
}

// TestCrashDuringGroupCommit: writers on different stripes apply edits
// concurrently (sharing records and fsyncs) while power-loss images are
// taken at random moments. In every image each stripe holds a prefix of
// its writer's files that includes every edit acknowledged before the
// image was taken.
func TestCrashDuringGroupCommit(t *testing.T) {
	mem, dir := newMemDir(t)
	opts := Options{MaxFileSize: 2048}
	m, err := Create(mem, dir, initialState(), opts)
	if err != nil {
		t.Fatal(err)
	}
	const writers, perWriter = 8, 60
	var acked [writers]atomic.Int64
	var added [writers][perWriter]atomic.Uint64
	var wg sync.WaitGroup
	for g := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stripe := base.StripeID(g)
			for i := range perWriter {
				n := m.AllocFileNum()
				added[g][i].Store(uint64(n))
				e := Edit{Stripes: []StripeEdit{{Stripe: stripe, FlushedSeq: base.SeqNum(i + 1), Added: []FileMeta{fm(stripe, n)}}}}
				if err := m.Apply(e); err != nil {
					t.Error(err)
					return
				}
				acked[g].Store(int64(i + 1))
			}
		}()
	}
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	r := rand.New(rand.NewPCG(7, 7))
	images := 0
	for finished := false; !finished; {
		select {
		case <-done:
			finished = true
		default:
		}
		var before [writers]int64
		for g := range before {
			before[g] = acked[g].Load()
		}
		o := vfs.CrashOptions{}
		if images%4 != 0 {
			o.Rand = rand.New(rand.NewPCG(r.Uint64(), 0))
		}
		img := mem.CrashClone(o)
		images++
		m2, got, _, err := Open(img, dir, opts)
		if err != nil {
			t.Fatalf("image %d: %v", images, err)
		}
		m2.Close()
		for g := range writers {
			files := got.Stripes[g].Files
			k := len(files)
			if int64(k) < before[g] || got.Stripes[g].FlushedSeq != base.SeqNum(k) {
				t.Fatalf("image %d stripe %d: %d files, FlushedSeq %d, %d acknowledged", images, g, k, got.Stripes[g].FlushedSeq, before[g])
			}
			for i, f := range files {
				if uint64(f.Num) != added[g][i].Load() {
					t.Fatalf("image %d stripe %d: file %d is %d, want %d", images, g, i, f.Num, added[g][i].Load())
				}
			}
		}
	}
	m.Close()
	t.Logf("%d crash images", images)
}
