package manifest

import (
	"errors"
	"os"
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
	"github.com/keystonedb/kstone-shell/engine/internal/vfs"
)

func TestCreateOpen(t *testing.T) {
	fs, dir := newMemDir(t)
	if _, _, _, err := Open(fs, dir, Options{}); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Open of an empty dir = %v, want ErrNotExist", err)
	}
	m, err := Create(fs, dir, initialState(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if m.FileNum() != 1 {
		t.Errorf("FileNum = %d, want 1 (from initial.NextFileNum)", m.FileNum())
	}
	s := m.State()
	if s.NextFileNum != 2 || !sameState(s, initialState()) {
		t.Errorf("state after Create: %+v", s)
	}
	if n := m.AllocFileNum(); n != 2 {
		t.Errorf("AllocFileNum = %d, want 2", n)
	}
	if _, err := Create(fs, dir, initialState(), Options{}); !errors.Is(err, ErrExists) {
		t.Errorf("second Create = %v, want ErrExists", err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if err := m.Apply(Edit{}); !errors.Is(err, ErrClosed) {
		t.Errorf("Apply after Close = %v, want ErrClosed", err)
	}

	m, got, info, err := Open(fs, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if !sameState(got, initialState()) || info.TornTail || info.Edits != 0 || len(info.ObsoleteManifests) != 0 {
		t.Errorf("Open: state %+v info %+v", got, info)
	}
	// The allocation of 2 was never recorded; Open still stays clear of
	// the old manifest's number and rolls over to a new one.
	if m.FileNum() <= 1 || got.NextFileNum <= m.FileNum() {
		t.Errorf("FileNum %d NextFileNum %d", m.FileNum(), got.NextFileNum)
	}
	if ms := listManifests(t, fs, dir); !reflect.DeepEqual(ms, []base.FileNum{m.FileNum()}) {
		t.Errorf("manifests on disk %v, want only %d", ms, m.FileNum())
	}
}

func TestCreateRejectsInvalidInitialState(t *testing.T) {
	fs, dir := newMemDir(t)
	bad := initialState()
	bad.Tables = append(bad.Tables, bad.Tables[0])
	if _, err := Create(fs, dir, bad, Options{}); !errors.Is(err, ErrInvalidEdit) {
		t.Errorf("Create = %v, want ErrInvalidEdit", err)
	}
	if _, err := Create(fs, dir, initialState(), Options{MaxFileSize: -1}); !errors.Is(err, ErrInvalidOptions) {
		t.Errorf("Create = %v, want ErrInvalidOptions", err)
	}
}

// TestReopenAfterManyEdits runs on the OS file system and on MemFS: many
// edits with a small roll-over threshold, reopening now and then.
func TestReopenAfterManyEdits(t *testing.T) {
	osDir := t.TempDir()
	memFS, memDir := newMemDir(t)
	for _, c := range []struct {
		name string
		fs   vfs.FS
		dir  string
	}{{"os", vfs.Default(), osDir}, {"mem", memFS, memDir}} {
		t.Run(c.name, func(t *testing.T) {
			opts := Options{MaxFileSize: 2048}
			m, err := Create(c.fs, c.dir, initialState(), opts)
			if err != nil {
				t.Fatal(err)
			}
			w := newWorkload(1)
			rollOvers := 0
			for i := range 400 {
				before := m.FileNum()
				e := w.next(m.State(), m.AllocFileNum)
				if err := m.Apply(e); err != nil {
					t.Fatalf("edit %d: %v", i, err)
				}
				if m.FileNum() != before {
					rollOvers++
				}
				checkCurrent(t, c.fs, c.dir)
				if ms := listManifests(t, c.fs, c.dir); !reflect.DeepEqual(ms, []base.FileNum{m.FileNum()}) {
					t.Fatalf("edit %d: manifests on disk %v, want only %d", i, ms, m.FileNum())
				}
				if i%97 == 96 {
					want := m.State()
					if err := m.Close(); err != nil {
						t.Fatal(err)
					}
					var got *State
					var info OpenInfo
					m, got, info, err = Open(c.fs, c.dir, opts)
					if err != nil {
						t.Fatal(err)
					}
					if !sameState(got, want) || got.NextFileNum <= want.NextFileNum {
						t.Fatalf("reopen after %d edits:\n got %s\nwant %s", i+1, describe(got), describe(want))
					}
					if info.TornTail || len(info.ObsoleteManifests) != 0 {
						t.Errorf("reopen info %+v", info)
					}
				}
			}
			if rollOvers < 3 {
				t.Errorf("only %d roll-overs", rollOvers)
			}
			want := m.State()
			if err := m.Close(); err != nil {
				t.Fatal(err)
			}
			m, got, _, err := Open(c.fs, c.dir, opts)
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			if !sameState(got, want) {
				t.Fatalf("final reopen:\n got %s\nwant %s", describe(got), describe(want))
			}
		})
	}
}

// TestRollOverThresholdScalesWithSnapshot: a snapshot larger than
// MaxFileSize must not make every Apply roll over.
func TestRollOverThresholdScalesWithSnapshot(t *testing.T) {
	fs, dir := newMemDir(t)
	m, err := Create(fs, dir, initialState(), Options{MaxFileSize: 64})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	w := newWorkload(2)
	for range 200 {
		if err := m.Apply(Edit{Stripes: []StripeEdit{w.flush(m.State(), 7, m.AllocFileNum)}}); err != nil {
			t.Fatal(err)
		}
	}
	first := m.FileNum()
	for range 5 {
		if err := m.Apply(Edit{Stripes: []StripeEdit{{Stripe: 7, FlushedSeq: m.State().Stripes[7].FlushedSeq + 1}}}); err != nil {
			t.Fatal(err)
		}
	}
	if m.FileNum() != first {
		// At most one roll-over may happen here, but then the file must
		// stay until it doubled.
		second := m.FileNum()
		for range 5 {
			if err := m.Apply(Edit{Stripes: []StripeEdit{{Stripe: 7, FlushedSeq: m.State().Stripes[7].FlushedSeq + 1}}}); err != nil {
				t.Fatal(err)
			}
		}
		if m.FileNum() != second {
			t.Errorf("rolled over on every small edit")
		}
	}
}

// TestAllocFileNumIsRecorded: numbers handed out before an Apply are below
// the NextFileNum that Apply records, so they survive a crash.
func TestAllocFileNumIsRecorded(t *testing.T) {
	fs, dir := newMemDir(t)
	m, err := Create(fs, dir, initialState(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[base.FileNum]bool{m.FileNum(): true}
	var last base.FileNum
	for range 10 {
		n := m.AllocFileNum()
		if seen[n] || n <= last {
			t.Fatalf("AllocFileNum = %d after %d", n, last)
		}
		seen[n], last = true, n
	}
	if err := m.Apply(Edit{}); err != nil {
		t.Fatal(err)
	}
	if got := m.State().NextFileNum; got <= last {
		t.Errorf("NextFileNum %d after allocating %d", got, last)
	}
	crashed := fs.CrashClone(vfs.CrashOptions{})
	m2, s, _, err := Open(crashed, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer m2.Close()
	if s.NextFileNum <= last {
		t.Errorf("NextFileNum %d after crash, allocated %d", s.NextFileNum, last)
	}
	if n := m2.AllocFileNum(); n <= last || n < s.NextFileNum {
		t.Errorf("AllocFileNum after reopen = %d", n)
	}

	// An explicit NextFileNum (the engine bumping past files it found)
	// raises the allocator.
	if err := m2.Apply(Edit{NextFileNum: 1000}); err != nil {
		t.Fatal(err)
	}
	if n := m2.AllocFileNum(); n < 1000 {
		t.Errorf("AllocFileNum after bump = %d", n)
	}
}

// TestOpenSkipsNumbersOnDisk: Open's NextFileNum is above orphan files,
// whose numbers were allocated but never recorded.
func TestOpenSkipsNumbersOnDisk(t *testing.T) {
	fs, dir := newMemDir(t)
	m, err := Create(fs, dir, initialState(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	m.Close()
	for _, name := range []string{"003_0000000500.sst", "wal_002-0000000600.log", "notes.txt"} {
		if err := fs.WriteFile(fs.PathJoin(dir, name), []byte("x")); err != nil {
			t.Fatal(err)
		}
	}
	m, s, _, err := Open(fs, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if s.NextFileNum <= 600 || m.FileNum() <= 600 {
		t.Errorf("NextFileNum %d FileNum %d, want above 600", s.NextFileNum, m.FileNum())
	}
}

func TestInvalidEditIsNotSticky(t *testing.T) {
	fs, dir := newMemDir(t)
	m, err := Create(fs, dir, initialState(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if err := m.Apply(Edit{DropTables: []uint32{99}}); !errors.Is(err, ErrInvalidEdit) {
		t.Fatalf("Apply = %v, want ErrInvalidEdit", err)
	}
	if err := m.Apply(Edit{Stripes: []StripeEdit{{Stripe: 1, FlushedSeq: 5}}}); err != nil {
		t.Fatalf("Apply after a rejected edit: %v", err)
	}
	if m.State().Stripes[1].FlushedSeq != 5 {
		t.Error("edit not applied")
	}
}

// An I/O error fails the Apply but not the manifest: the next Apply rolls
// over to a new file without the failed edit, which the old file may hold.
func TestIOErrorRollsOver(t *testing.T) {
	mem, dir := newMemDir(t)
	toggle := vfs.NewToggle(nil, vfs.KindFilter(vfs.OpSync))
	fs := vfs.WithFaults(mem, toggle)
	m, err := Create(fs, dir, initialState(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	toggle.Enable()
	failedIn := m.LiveFileNum()
	if err := m.Apply(Edit{Stripes: []StripeEdit{{Stripe: 1, FlushedSeq: 5}}}); !errors.Is(err, vfs.ErrInjected) {
		t.Fatalf("Apply = %v, want the injected error", err)
	}
	if m.State().Stripes[1].FlushedSeq != 0 {
		t.Error("failed edit applied in memory")
	}
	if err := m.Apply(Edit{Stripes: []StripeEdit{{Stripe: 2, FlushedSeq: 5}}}); !errors.Is(err, vfs.ErrInjected) {
		t.Fatalf("Apply while syncs fail = %v, want the injected error", err)
	}
	toggle.Disable()
	if err := m.Apply(Edit{Stripes: []StripeEdit{{Stripe: 3, FlushedSeq: 7}}}); err != nil {
		t.Fatalf("Apply once syncs work again: %v", err)
	}
	if m.LiveFileNum() == failedIn {
		t.Error("no roll-over after the failure")
	}
	m.Close()
	_, st, _, err := Open(mem, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := []base.SeqNum{st.Stripes[1].FlushedSeq, st.Stripes[2].FlushedSeq, st.Stripes[3].FlushedSeq}; got[0] != 0 || got[1] != 0 || got[2] != 7 {
		t.Errorf("reopened flushed seqs of stripes 1-3 = %v, want [0 0 7]", got)
	}
}

// TestConcurrentApply: flushes of different stripes finishing at the same
// time, with allocations racing them; every edit lands, in per-stripe
// order, and a reopen agrees.
func TestConcurrentApply(t *testing.T) {
	mem, dir := newMemDir(t)
	var syncs, edits int64
	var mu sync.Mutex
	fs := vfs.WithFaults(mem, vfs.InjectorFunc(func(op vfs.Op) error {
		if op.Kind == vfs.OpSync {
			mu.Lock()
			syncs++
			mu.Unlock()
		}
		return nil
	}))
	m, err := Create(fs, dir, initialState(), Options{MaxFileSize: 4096})
	if err != nil {
		t.Fatal(err)
	}
	const writers, perWriter = 16, 40
	var wg sync.WaitGroup
	added := make([][]base.FileNum, writers)
	for g := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stripe := base.StripeID(g * 16)
			for i := range perWriter {
				n := m.AllocFileNum()
				f := fm(stripe, n)
				err := m.Apply(Edit{Stripes: []StripeEdit{{Stripe: stripe, FlushedSeq: base.SeqNum(i + 1), Added: []FileMeta{f}}}})
				if err != nil {
					t.Error(err)
					return
				}
				added[g] = append(added[g], n)
				mu.Lock()
				edits++
				mu.Unlock()
				_ = m.State()
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	want := m.State()
	for g := range writers {
		st := want.Stripes[g*16]
		if !reflect.DeepEqual(nums(st.Files), added[g]) || st.FlushedSeq != perWriter {
			t.Errorf("stripe %d: files %v seq %d, want %v", g*16, nums(st.Files), st.FlushedSeq, added[g])
		}
		for _, n := range added[g] {
			if n >= want.NextFileNum {
				t.Errorf("file %d not below NextFileNum %d", n, want.NextFileNum)
			}
		}
	}
	t.Logf("%d edits, %d syncs", edits, syncs)
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	m, got, _, err := Open(mem.CrashClone(vfs.CrashOptions{}), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if !sameState(got, want) {
		t.Errorf("reopen:\n got %s\nwant %s", describe(got), describe(want))
	}
}

func TestOpenCorruption(t *testing.T) {
	setup := func(t *testing.T) (*vfs.MemFS, string, string, []*State) {
		fs, dir := newMemDir(t)
		m, err := Create(fs, dir, initialState(), Options{})
		if err != nil {
			t.Fatal(err)
		}
		states := []*State{m.State()}
		w := newWorkload(3)
		for range 10 {
			if err := m.Apply(w.next(m.State(), m.AllocFileNum)); err != nil {
				t.Fatal(err)
			}
			states = append(states, m.State())
		}
		name := base.MakeFilename(base.FileKindManifest, 0, m.FileNum())
		m.Close()
		return fs, dir, name, states
	}
	recordOffsets := func(t *testing.T, data []byte) []int {
		var offs []int
		for off := 0; off < len(data); {
			_, next, ok := parseRecord(data, off)
			if !ok {
				t.Fatalf("bad record at %d", off)
			}
			offs = append(offs, off)
			off = next
		}
		return offs
	}
	wantCorruption := func(t *testing.T, err error, file string, offset int64) {
		t.Helper()
		var ce *base.CorruptionError
		if !errors.As(err, &ce) || !errors.Is(err, base.ErrCorruption) {
			t.Fatalf("Open = %v, want a CorruptionError", err)
		}
		if ce.File != file || ce.Offset != offset {
			t.Errorf("error names %q offset %d, want %q offset %d", ce.File, ce.Offset, file, offset)
		}
	}

	t.Run("flipped byte in early record", func(t *testing.T) {
		fs, dir, name, _ := setup(t)
		path := fs.PathJoin(dir, name)
		data, _ := fs.ReadFile(path)
		offs := recordOffsets(t, data)
		data[offs[2]+recordHeaderLen+1] ^= 1
		if err := fs.WriteFile(path, data); err != nil {
			t.Fatal(err)
		}
		_, _, _, err := Open(fs, dir, Options{})
		wantCorruption(t, err, name, int64(offs[2]))
	})
	t.Run("flipped byte in snapshot", func(t *testing.T) {
		fs, dir, name, _ := setup(t)
		path := fs.PathJoin(dir, name)
		data, _ := fs.ReadFile(path)
		data[recordHeaderLen+3] ^= 0x80
		if err := fs.WriteFile(path, data); err != nil {
			t.Fatal(err)
		}
		_, _, _, err := Open(fs, dir, Options{})
		wantCorruption(t, err, name, 0)
	})
	t.Run("truncated last record", func(t *testing.T) {
		fs, dir, name, states := setup(t)
		path := fs.PathJoin(dir, name)
		data, _ := fs.ReadFile(path)
		offs := recordOffsets(t, data)
		last := offs[len(offs)-1]
		for _, cut := range []int{last + 1, last + recordHeaderLen, len(data) - 1} {
			fs2 := fs.CrashClone(vfs.CrashOptions{})
			if err := fs2.WriteFile(path, data[:cut]); err != nil {
				t.Fatal(err)
			}
			m, got, info, err := Open(fs2, dir, Options{})
			if err != nil {
				t.Fatalf("cut at %d: %v", cut, err)
			}
			if !info.TornTail || info.TornFile != name || info.TornOffset != int64(last) || info.TornBytes != int64(cut-last) {
				t.Errorf("cut at %d: info %+v", cut, info)
			}
			if !sameState(got, states[len(states)-2]) {
				t.Errorf("cut at %d: state %s, want %s", cut, describe(got), describe(states[len(states)-2]))
			}
			// The torn bytes are gone: new edits survive another reopen.
			if err := m.Apply(Edit{Stripes: []StripeEdit{{Stripe: 9, FlushedSeq: 1}}}); err != nil {
				t.Fatal(err)
			}
			m.Close()
			_, got, info, err = Open(fs2, dir, Options{})
			if err != nil || info.TornTail || got.Stripes[9].FlushedSeq != 1 {
				t.Errorf("second reopen: %v %+v", err, info)
			}
		}
	})
	t.Run("missing manifest", func(t *testing.T) {
		fs, dir, name, _ := setup(t)
		if err := fs.Remove(fs.PathJoin(dir, name)); err != nil {
			t.Fatal(err)
		}
		_, _, _, err := Open(fs, dir, Options{})
		wantCorruption(t, err, name, -1)
	})
	t.Run("bad CURRENT", func(t *testing.T) {
		for _, content := range []string{"", "MANIFEST-0000000001", "MANIFEST-1\n", "000_0000000001.sst\n", "garbage\n"} {
			fs, dir, _, _ := setup(t)
			if err := fs.WriteFile(fs.PathJoin(dir, base.CurrentFilename), []byte(content)); err != nil {
				t.Fatal(err)
			}
			_, _, _, err := Open(fs, dir, Options{})
			wantCorruption(t, err, base.CurrentFilename, 0)
		}
	})
}

// TestObsoleteManifestsReported: leftovers of an interrupted roll-over are
// listed by Open and not confused with the live manifest.
func TestObsoleteManifestsReported(t *testing.T) {
	fs, dir := newMemDir(t)
	m, err := Create(fs, dir, initialState(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	m.Close()
	for _, name := range []string{"MANIFEST-0000000077", "CURRENT.0000000077.tmp"} {
		if err := fs.WriteFile(fs.PathJoin(dir, name), []byte("partial")); err != nil {
			t.Fatal(err)
		}
	}
	m, _, info, err := Open(fs, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if !slices.Equal(info.ObsoleteManifests, []base.FileNum{77}) || m.FileNum() <= 77 {
		t.Errorf("ObsoleteManifests %v, FileNum %d", info.ObsoleteManifests, m.FileNum())
	}
}

func TestOptions(t *testing.T) {
	var o Options
	o.EnsureDefaults()
	if o.MaxFileSize != DefaultMaxFileSize || o.Validate() != nil {
		t.Errorf("defaults %+v, %v", o, o.Validate())
	}
	o.MaxFileSize = -5
	if err := o.Validate(); !errors.Is(err, ErrInvalidOptions) {
		t.Errorf("Validate = %v", err)
	}
}
