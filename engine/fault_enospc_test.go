package engine

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/keystonedb/kstone-shell/engine/internal/vfs"
	"github.com/keystonedb/kstone-shell/engine/item"
)

// Disk-full behaviour: a write that cannot reach the disk fails cleanly
// with an error wrapping syscall.ENOSPC (and ErrIO), never panics or
// hangs; Health says "Unable to write to disk (space full)"; nothing
// acknowledged is lost; and once space is freed, writes resume.

const faultSpaceFull = "Unable to write to disk (space full)"

// faultBigItem is an item of about 2 KiB in partition "big" (one stripe), so a
// few hundred fill a WAL segment's preallocated space.
func faultBigItem(i int) item.Item {
	return item.Item{
		"pk":   item.S("big"),
		"sk":   item.S(fmt.Sprintf("%05d", i)),
		"data": item.S(fmt.Sprintf("%05d-%s", i, strings.Repeat("z", 2000))),
	}
}

// faultWithin runs fn and reports a hang as an error instead of waiting forever.
func faultWithin(d time.Duration, what string, fn func() error) error {
	done := make(chan error, 1)
	go func() { done <- fn() }()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		return fmt.Errorf("%s did not return within %s (hang)", what, d)
	}
}

func faultIsHang(err error) bool { return err != nil && strings.Contains(err.Error(), "(hang)") }

// faultAcked is a set of acknowledged items, to check reopened databases.
type faultAcked map[string]item.Item

func (a faultAcked) add(it item.Item) {
	a[string(it["pk"].(item.S))+"/"+string(it["sk"].(item.S))] = it
}

func (a faultAcked) check(t *testing.T, db *DB, label string) {
	t.Helper()
	lost := 0
	for k, want := range a {
		pk, sk, _ := strings.Cut(k, "/")
		got, err := db.Get(KS(pk, sk))
		if err != nil || !item.ItemsEqual(got, want) {
			if lost++; lost <= 3 {
				t.Errorf("%s: acknowledged %s: Get = %v, %v", label, k, got != nil, err)
			}
		}
	}
	if lost > 0 {
		t.Errorf("%s: %d of %d acknowledged items lost or wrong", label, lost, len(a))
	}
}

// faultCheckENOSPC asserts that err is a clean disk-full error.
func faultCheckENOSPC(t *testing.T, what string, err error) {
	t.Helper()
	switch {
	case err == nil:
		t.Fatalf("%s on a full disk succeeded", what)
	case faultIsHang(err):
		t.Fatalf("%s: %v", what, err)
	case !errors.Is(err, syscall.ENOSPC):
		t.Errorf("%s on a full disk = %v; want an error wrapping ENOSPC", what, err)
	}
	if !errors.Is(err, ErrIO) {
		t.Errorf("%s on a full disk = %v; want an IO error", what, err)
	}
}

func faultCheckHealthSpaceFull(t *testing.T, db *DB) {
	t.Helper()
	r := db.Health()
	if r.Status != Unhealthy || !slices.Contains(r.Errors, faultSpaceFull) {
		t.Errorf("Health on a full disk = %v, errors %q, warnings %q; want Unhealthy with %q", r.Status, r.Errors, r.Warnings, faultSpaceFull)
	}
}

// faultResumeWrites retries a put (and a Flush, which a recovering engine may
// need) until it succeeds or d passes; it returns the last error.
func faultResumeWrites(db *DB, it item.Item, d time.Duration) error {
	deadline := time.Now().Add(d)
	var err error
	for {
		if err = faultWithin(10*time.Second, "Put", func() error { return db.Put(it) }); err == nil || faultIsHang(err) {
			return err
		}
		if time.Now().After(deadline) {
			return err
		}
		faultWithin(10*time.Second, "Flush", db.Flush)
		time.Sleep(50 * time.Millisecond)
	}
}

// faultFillUntilENOSPC puts bigItems until one fails and returns its error.
func faultFillUntilENOSPC(t *testing.T, db *DB, acked faultAcked, first, limit int) (next int, err error) {
	t.Helper()
	for i := first; i < first+limit; i++ {
		it := faultBigItem(i)
		err := faultWithin(10*time.Second, "Put", func() error { return db.Put(it) })
		if err != nil {
			return i + 1, err
		}
		acked.add(it)
	}
	t.Fatalf("%d puts on a full disk all succeeded", limit)
	return 0, nil
}

// faultReopenAndCheck closes db (which may fail after a disk error) and checks
// every acknowledged item in the file system as left and after power loss.
func faultReopenAndCheck(t *testing.T, db *DB, mem *vfs.MemFS, opts Options, acked faultAcked) {
	t.Helper()
	crash := mem.CrashClone(vfs.CrashOptions{})
	if err := sweepCloseWithin(db, 20*time.Second); faultIsHang(err) {
		t.Fatal(err)
	}
	for _, img := range []sweepImage{{"reopened as left", mem}, {"reopened after power loss", crash}} {
		o := opts
		o.FS = img.fs
		db, err := Open("/db", &o)
		if err != nil {
			t.Errorf("%s: Open: %v", img.name, err)
			continue
		}
		acked.check(t, db, img.name)
		db.Close()
	}
}

// A simulated disk of fixed capacity fills up under a stream of puts.
func TestFaultENOSPCCapacity(t *testing.T) {
	mem := vfs.NewMem()
	opts := Options{WALPreallocate: 64 << 10}
	db := mustCreate(t, mem, opts)
	acked := faultAcked{}
	for i := 0; i < 20; i++ {
		it := faultBigItem(i)
		sweepMust(t, db.Put(it))
		acked.add(it)
	}
	usage, _ := mem.DiskUsage("/db")
	mem.SetCapacity(int64(usage.UsedBytes) + 4096)
	next, err := faultFillUntilENOSPC(t, db, acked, 20, 5000)
	faultCheckENOSPC(t, "Put", err)
	faultCheckHealthSpaceFull(t, db)
	// Still full: another put returns at once, failing cleanly (or
	// succeeding in space preallocated earlier, a spare WAL file).
	it := faultBigItem(next)
	err = faultWithin(10*time.Second, "Put", func() error { return db.Put(it) })
	switch {
	case faultIsHang(err):
		t.Fatal(err)
	case err == nil:
		acked.add(it)
	case !errors.Is(err, syscall.ENOSPC):
		t.Errorf("second put on a full disk = %v; want an error wrapping ENOSPC", err)
	}
	next++

	mem.SetCapacity(0)
	it = faultBigItem(next)
	if err := faultResumeWrites(db, it, 5*time.Second); err != nil {
		t.Errorf("BUG: writes did not resume once space was freed: Put = %v", err)
	} else {
		acked.add(it)
		for i := next + 1; i < next+20; i++ {
			it := faultBigItem(i)
			if err := faultWithin(10*time.Second, "Put", func() error { return db.Put(it) }); err != nil {
				t.Fatalf("put after space was freed: %v", err)
			}
			acked.add(it)
		}
		if r := db.Health(); slices.Contains(r.Errors, faultSpaceFull) {
			t.Errorf("writes resumed, but Health still says %q: %q", faultSpaceFull, r.Errors)
		}
	}
	faultReopenAndCheck(t, db, mem, opts, acked)
}

// faultFullFS makes DiskUsage agree with a Toggle simulating a full disk: no
// space available while it is on.
type faultFullFS struct {
	vfs.FS
	full *vfs.Toggle
}

func (f faultFullFS) DiskUsage(path string) (vfs.DiskUsage, error) {
	u, err := f.FS.DiskUsage(path)
	if err == nil && f.full.Enabled() {
		u.AvailableBytes, u.UsedBytes = 0, u.TotalBytes
	}
	return u, err
}

// A full disk simulated at the file-system layer: every write and
// preallocation fails with ENOSPC while the toggle is on (shrinking a file
// needs no space, so truncation goes through), and statfs shows no space.
func TestFaultENOSPCToggle(t *testing.T) {
	mem := vfs.NewMem()
	full := vfs.NewToggle(syscall.ENOSPC, vfs.KindFilter(vfs.OpWrite, vfs.OpPreallocate))
	opts := Options{}
	db := mustCreate(t, faultFullFS{vfs.WithFaults(mem, full), full}, opts)
	acked := faultAcked{}
	for i := 0; i < 20; i++ {
		it := faultBigItem(i)
		sweepMust(t, db.Put(it))
		acked.add(it)
	}
	full.Enable()
	err := faultWithin(10*time.Second, "Put", func() error { return db.Put(faultBigItem(20)) })
	faultCheckENOSPC(t, "Put", err)
	err = faultWithin(10*time.Second, "Flush", db.Flush)
	faultCheckENOSPC(t, "Flush", err)
	faultCheckHealthSpaceFull(t, db)
	if _, err := db.Get(KS("big", "00007")); err != nil {
		t.Errorf("read on a full disk: %v", err)
	}

	full.Disable()
	it := faultBigItem(21)
	if err := faultResumeWrites(db, it, 5*time.Second); err != nil {
		t.Errorf("BUG: writes did not resume once space was freed: Put = %v", err)
	} else {
		acked.add(it)
		if err := faultWithin(10*time.Second, "Flush", db.Flush); err != nil {
			t.Errorf("Flush after space was freed: %v", err)
		}
	}
	faultReopenAndCheck(t, db, mem, opts, acked)
}

// The disk fills while a flush appends to the manifest. Once space is
// freed, flushes and writes carry on; in particular writers must never wait
// forever for a flush that can no longer succeed.
func TestFaultENOSPCManifest(t *testing.T) {
	mem := vfs.NewMem()
	full := vfs.NewToggle(syscall.ENOSPC, func(op vfs.Op) bool {
		return op.Kind == vfs.OpWrite && strings.Contains(op.Path, "MANIFEST")
	})
	opts := Options{MemtableRecordThreshold: 8, MaxImmutableMemtables: 2}
	db := mustCreate(t, faultFullFS{vfs.WithFaults(mem, full), full}, opts)
	acked := faultAcked{}
	for i := 0; i < 5; i++ {
		it := faultBigItem(i)
		sweepMust(t, db.Put(it))
		acked.add(it)
	}
	full.Enable()
	err := faultWithin(10*time.Second, "Flush", db.Flush)
	faultCheckENOSPC(t, "Flush", err)
	faultCheckHealthSpaceFull(t, db)
	full.Disable()

	// Enough writes to one stripe for several memtables: they need
	// flushes to go on.
	for i := 5; i < 60; i++ {
		it := faultBigItem(i)
		err := faultWithin(5*time.Second, "Put", func() error { return db.Put(it) })
		if err != nil {
			t.Errorf("BUG: put %d after space was freed (the manifest append failed with ENOSPC earlier): %v", i, err)
			break
		}
		acked.add(it)
	}
	if err := faultWithin(10*time.Second, "Flush", db.Flush); err != nil {
		t.Errorf("BUG: Flush after space was freed: %v", err)
	}
	faultReopenAndCheck(t, db, mem, opts, acked)
}

// Writes fail with ENOSPC while statfs still shows free blocks: a full
// inode table, or a quota (EDQUOT, which the engine treats alike). The
// operator must still see why writes fail.
func TestFaultENOSPCHealthWithFreeBlocks(t *testing.T) {
	mem := vfs.NewMem()
	full := vfs.NewToggle(syscall.ENOSPC, vfs.KindFilter(vfs.OpWrite, vfs.OpPreallocate))
	db := mustCreate(t, vfs.WithFaults(mem, full), Options{})
	defer db.Close()
	sweepMust(t, db.Put(faultBigItem(0)))
	full.Enable()
	err := faultWithin(10*time.Second, "Put", func() error { return db.Put(faultBigItem(1)) })
	faultCheckENOSPC(t, "Put", err)
	err = faultWithin(10*time.Second, "Flush", db.Flush)
	faultCheckENOSPC(t, "Flush", err)
	if r := db.Health(); r.Status != Unhealthy || !slices.Contains(r.Errors, faultSpaceFull) {
		t.Errorf("BUG: writes and flushes fail with ENOSPC, but Health = %v, errors %q; want Unhealthy with %q", r.Status, r.Errors, faultSpaceFull)
	}
	full.Disable()
}

// A real (tiny) file system fills up: tmpfs mounted by the test (root
// only).
func TestFaultENOSPCTmpfs(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	mnt := t.TempDir()
	if err := syscall.Mount("tmpfs", mnt, "tmpfs", 0, "size=4m"); err != nil {
		t.Skipf("cannot mount a tmpfs: %v", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(mnt, 0); err != nil {
			t.Errorf("unmount %s: %v", mnt, err)
		}
	})
	dir := filepath.Join(mnt, "db.keystone")
	opts := Options{WALPreallocate: 16 << 10}
	db, err := Create(dir, &opts)
	if err != nil {
		t.Fatal(err)
	}
	acked := faultAcked{}
	for i := 0; i < 20; i++ {
		it := faultBigItem(i)
		sweepMust(t, db.Put(it))
		acked.add(it)
	}
	time.Sleep(100 * time.Millisecond) // let the sparer prepare its spares
	filler := filepath.Join(mnt, "filler")
	f, err := os.Create(filler)
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 64<<10)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("filling the tmpfs: %v", err)
			}
			break
		}
	}
	f.Close()
	next, err := faultFillUntilENOSPC(t, db, acked, 20, 5000)
	faultCheckENOSPC(t, "Put", err)
	faultCheckHealthSpaceFull(t, db)
	if r := db.Health(); !slices.Contains(r.Warnings, "Disk usage above 80%") {
		t.Errorf("Health on a full tmpfs: warnings %q, want disk usage above 80%%", r.Warnings)
	}

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	it := faultBigItem(next)
	if err := faultResumeWrites(db, it, 5*time.Second); err != nil {
		t.Errorf("BUG: writes did not resume once the filler file was removed: Put = %v", err)
	} else {
		acked.add(it)
		if err := faultWithin(10*time.Second, "Flush", db.Flush); err != nil {
			t.Errorf("Flush after space was freed: %v", err)
		}
	}
	if err := sweepCloseWithin(db, 20*time.Second); faultIsHang(err) {
		t.Fatal(err)
	}
	db, err = Open(dir, nil)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	acked.check(t, db, "reopened")
	db.Close()
}

// A flush whose manifest record was written but whose sync failed may
// still find the record on disk at the next Open (the write reached the
// page cache; only fdatasync reported an error). The SST it names must
// still be there: the engine must not delete a file that an edit of
// unknown outcome refers to.
func TestFaultManifestSyncFailureKeepsFlushedSST(t *testing.T) {
	mem := vfs.NewMem()
	bad := vfs.NewToggle(nil, func(op vfs.Op) bool { return op.Kind == vfs.OpSync && strings.Contains(op.Path, "MANIFEST") })
	db := mustCreate(t, vfs.WithFaults(mem, bad), Options{})
	for i := 0; i < 10; i++ {
		sweepMust(t, db.Put(partitionItem(i)))
	}
	bad.Enable()
	if err := db.Flush(); err == nil {
		t.Fatal("Flush with a failing manifest sync succeeded")
	}
	bad.Disable()
	db.Close()
	db, err := Open("/db", &Options{FS: mem})
	if err != nil {
		t.Fatalf("BUG: Open after a failed manifest sync during a flush: %v", err)
	}
	defer db.Close()
	for i := 0; i < 10; i++ {
		checkItem(t, db, "p", nil) // no item without a sort key
		if got, err := db.Get(KS("p", fmt.Sprintf("%03d", i))); err != nil || !item.ItemsEqual(got, partitionItem(i)) {
			t.Fatalf("item %d: %v %v", i, got, err)
		}
	}
}

// The same during a compaction: the edit swaps the inputs for the output,
// so deleting the output loses the stripe's data.
func TestFaultManifestSyncFailureKeepsCompactedSST(t *testing.T) {
	mem := vfs.NewMem()
	bad := vfs.NewToggle(nil, func(op vfs.Op) bool { return op.Kind == vfs.OpSync && strings.Contains(op.Path, "MANIFEST") })
	opts := Options{DisableAutoCompaction: true}
	db := mustCreate(t, vfs.WithFaults(mem, bad), opts)
	fillStripe(t, db, 200, 50, 0)
	bad.Enable()
	if err := db.Compact(stripeOfP()); err == nil {
		t.Fatal("Compact with a failing manifest sync succeeded")
	}
	bad.Disable()
	db.Close()
	o := opts
	o.FS = mem
	db, err := Open("/db", &o)
	if err != nil {
		t.Fatalf("BUG: Open after a failed manifest sync during a compaction: %v", err)
	}
	defer db.Close()
	if n := len(partitionKeys(t, db)); n != 50 {
		t.Fatalf("%d keys after reopening, want 50", n)
	}
}

// Flush promises that every memtable is in an SST when it returns nil. A
// failure to seal a stripe's WAL segment (the rename) leaves that stripe's
// memtable unflushed: Flush must say so.
func TestFaultFlushReportsSealFailure(t *testing.T) {
	mem := vfs.NewMem()
	bad := vfs.NewToggle(nil, func(op vfs.Op) bool {
		return op.Kind == vfs.OpRename && strings.HasPrefix(filepath.Base(op.Path), "wal_")
	})
	db := mustCreate(t, vfs.WithFaults(mem, bad), Options{})
	defer db.Close()
	for i := 0; i < 10; i++ {
		sweepMust(t, db.Put(partitionItem(i)))
	}
	bad.Enable()
	err := db.Flush()
	bad.Disable()
	if st := db.Stats(); err == nil && st.MemtableRecords > 0 {
		t.Fatalf("BUG: Flush returned nil, but %d records are still in memtables (sealing the WAL segment failed)", st.MemtableRecords)
	}
}

const stalledChildEnv = "KSTONE_STALLED_WRITERS_CHILD"

// Writers stalled behind flushes that cannot succeed (SST creation fails,
// slowly) must return when the database is closed: with ErrClosed, without
// a panic, without hanging. The scenario runs in a child process, so that
// a panic in the engine fails this test instead of killing the whole test
// binary.
func TestFaultCloseWithStalledWriters(t *testing.T) {
	if os.Getenv(stalledChildEnv) != "" {
		closeWithStalledWriters(t)
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestFaultCloseWithStalledWriters$", "-test.count=1")
	cmd.Env = append(os.Environ(), stalledChildEnv+"=1")
	out, err := runWithTimeout(cmd, 60*time.Second)
	if err != nil {
		lines := strings.Split(string(out), "\n")
		t.Errorf("BUG: closing a database with writers stalled behind failing flushes: child %v:\n%s", err, strings.Join(lines[:min(len(lines), 40)], "\n"))
	}
}

func runWithTimeout(cmd *exec.Cmd, d time.Duration) ([]byte, error) {
	var buf strings.Builder
	cmd.Stdout, cmd.Stderr = &buf, &buf
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return []byte(buf.String()), err
	case <-time.After(d):
		cmd.Process.Kill()
		<-done
		return []byte(buf.String()), fmt.Errorf("no result within %s (hang)", d)
	}
}

func closeWithStalledWriters(t *testing.T) {
	mem := vfs.NewMem()
	var failing atomic.Bool
	// A struggling disk: creating an SST takes a while, then fails.
	slowNoSST := vfs.InjectorFunc(func(op vfs.Op) error {
		if failing.Load() && op.Kind == vfs.OpCreate && strings.HasSuffix(op.Path, ".sst") {
			time.Sleep(20 * time.Millisecond)
			return vfs.ErrInjected
		}
		return nil
	})
	db := mustCreate(t, vfs.WithFaults(mem, slowNoSST), Options{MemtableRecordThreshold: 4, MaxImmutableMemtables: 1})
	failing.Store(true)
	done := make(chan error, 4)
	for g := 0; g < 4; g++ {
		go func(g int) {
			for i := 0; ; i++ {
				if err := db.Put(partitionItem(1000*g + i)); err != nil {
					done <- err
					return
				}
			}
		}(g)
	}
	deadline := time.Now().Add(5 * time.Second)
	for db.Stats().Stripes[stripeOfP()].ImmutableMemtables < 1 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond) // the writers are stalled now
	if err := sweepCloseWithin(db, 10*time.Second); faultIsHang(err) {
		t.Fatal(err)
	}
	for g := 0; g < 4; g++ {
		select {
		case err := <-done:
			// A stalled writer flushes its stripe itself, so it may fail
			// with that flush's error before Close; otherwise Close ends it.
			if !errors.Is(err, ErrClosed) && !errors.Is(err, vfs.ErrInjected) {
				t.Errorf("stalled writer returned %v, want ErrClosed or the flush's error", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("a stalled writer did not return within 5s after Close (hang)")
		}
	}
}
