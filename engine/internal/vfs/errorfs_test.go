package vfs

import (
	"errors"
	"os"
	"slices"
	"sync"
	"syscall"
	"testing"
)

// workload is a small engine-like sequence: write a temp file, sync it,
// rename it into place, sync the directory.
func workload(fsys FS) error {
	f, err := fsys.Create("db/tmp")
	if err != nil {
		return err
	}
	if _, err := f.Write([]byte("manifest")); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := fsys.Rename("db/tmp", "db/MANIFEST"); err != nil {
		return err
	}
	d, err := fsys.OpenDir("db")
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

func TestOnIndexSweep(t *testing.T) {
	// Mutations in workload: create, write, sync, rename, sync (dir).
	wantKinds := []OpKind{OpCreate, OpWrite, OpSync, OpRename, OpSync}
	var failed []OpKind
	n := int64(1)
	for ; ; n++ {
		m := newDurableMem(t)
		var last Op
		inj := NewOnIndex(n, nil)
		recorder := InjectorFunc(func(op Op) error {
			err := inj.MaybeError(op)
			if err != nil {
				last = op
			}
			return err
		})
		err := workload(WithFaults(m, recorder))
		if !inj.Fired() {
			if err != nil {
				t.Fatalf("n=%d: workload failed without an injected fault: %v", n, err)
			}
			if inj.Count() != n-1 {
				t.Fatalf("n=%d: Count() = %d", n, inj.Count())
			}
			break
		}
		if !errors.Is(err, ErrInjected) {
			t.Fatalf("n=%d: err %v, want ErrInjected", n, err)
		}
		var pe *os.PathError
		var le *os.LinkError
		if !errors.As(err, &pe) && !errors.As(err, &le) {
			t.Fatalf("n=%d: %T does not look like an I/O error", n, err)
		}
		failed = append(failed, last.Kind)
		// The workload stops at the failure, so the count is exactly n.
		if inj.Count() != n {
			t.Fatalf("n=%d: Count() = %d after firing", n, inj.Count())
		}
		// What the failed op would have done did not happen.
		switch last.Kind {
		case OpCreate:
			if content(t, m, "db/tmp") != "<absent>" {
				t.Fatalf("failed Create created the file")
			}
		case OpWrite:
			if got := content(t, m, "db/tmp"); got != "" {
				t.Fatalf("failed Write wrote %q", got)
			}
		case OpRename:
			if content(t, m, "db/MANIFEST") != "<absent>" {
				t.Fatalf("failed Rename renamed")
			}
		}
	}
	if !slices.Equal(failed, wantKinds) {
		t.Fatalf("failed ops %v, want %v", failed, wantKinds)
	}
	if n != int64(len(wantKinds))+1 {
		t.Fatalf("sweep ended at n=%d", n)
	}
}

func TestOnIndexFilterAndConcurrency(t *testing.T) {
	inj := NewOnIndex(50, KindFilter(OpRead))
	var wg sync.WaitGroup
	var mu sync.Mutex
	fired := 0
	for range 10 {
		wg.Go(func() {
			for range 10 {
				if inj.MaybeError(Op{Kind: OpWrite}) != nil {
					t.Error("a filtered-out op failed")
				}
				if inj.MaybeError(Op{Kind: OpRead}) != nil {
					mu.Lock()
					fired++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	if fired != 1 || !inj.Fired() || inj.Count() != 100 {
		t.Fatalf("fired %d times, Fired %v, Count %d", fired, inj.Fired(), inj.Count())
	}
}

func TestToggleDiskFull(t *testing.T) {
	m := NewMem()
	tog := NewToggle(syscall.ENOSPC, KindFilter(OpWrite, OpPreallocate))
	fsys := WithFaults(m, tog)
	f := must[File](t)(fsys.Create("f"))
	defer f.Close()
	must[int](t)(f.Write([]byte("ok")))

	tog.Enable()
	if !tog.Enabled() {
		t.Fatal("not enabled")
	}
	for i := range 3 {
		if _, err := f.Write([]byte("lost")); !errors.Is(err, syscall.ENOSPC) {
			t.Fatalf("write %d while full: %v", i, err)
		}
	}
	if err := f.Preallocate(0, 100); !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("preallocate while full: %v", err)
	}
	noErr(t, f.Sync()) // not in the filter
	if got := content(t, m, "f"); got != "ok" {
		t.Fatalf("content %q: a failed write wrote", got)
	}

	tog.Disable()
	must[int](t)(f.Write([]byte("!")))
	if got := content(t, m, "f"); got != "ok!" {
		t.Fatalf("content %q after recovery", got)
	}

	// Defaults: ErrInjected on every mutation.
	def := NewToggle(nil, nil)
	def.Enable()
	if err := def.MaybeError(Op{Kind: OpRename}); !errors.Is(err, ErrInjected) {
		t.Fatalf("default toggle on rename: %v", err)
	}
	if err := def.MaybeError(Op{Kind: OpRead}); err != nil {
		t.Fatalf("default toggle on read: %v", err)
	}
}

// TestErrorFSReportsEveryOp calls every method once and checks the kind and
// path each reports.
func TestErrorFSReportsEveryOp(t *testing.T) {
	m := newDurableMem(t)
	var ops []Op
	var mu sync.Mutex
	fsys := WithFaults(m, InjectorFunc(func(op Op) error {
		mu.Lock()
		defer mu.Unlock()
		ops = append(ops, op)
		return nil
	}))
	f := must[File](t)(fsys.Create("db/f"))
	must[int](t)(f.Write([]byte("x")))
	must[int](t)(f.WriteAt([]byte("y"), 1))
	must[int](t)(f.Read(make([]byte, 1)))
	must[int](t)(f.ReadAt(make([]byte, 1), 0))
	noErr(t, f.Sync())
	noErr(t, f.Datasync())
	noErr(t, f.Preallocate(0, 4))
	noErr(t, f.Truncate(2))
	must[os.FileInfo](t)(f.Stat())
	noErr(t, f.Close())
	noErr(t, must[File](t)(fsys.Open("db/f")).Close())
	noErr(t, must[File](t)(fsys.OpenReadWrite("db/f")).Close())
	noErr(t, must[File](t)(fsys.OpenDir("db")).Close())
	noErr(t, fsys.Rename("db/f", "db/g"))
	noErr(t, fsys.MkdirAll("db/d", 0o755))
	must[[]string](t)(fsys.List("db"))
	must[os.FileInfo](t)(fsys.Stat("db/g"))
	_ = must[DiskUsage](t)(fsys.DiskUsage("db"))
	l, err := fsys.Lock("db/LOCK")
	noErr(t, err)
	noErr(t, l.Close())
	noErr(t, fsys.Remove("db/g"))
	noErr(t, fsys.RemoveAll("db/d"))
	if fsys.PathJoin("a", "b") != "a/b" || fsys.PathBase("a/b") != "b" {
		t.Fatal("PathJoin/PathBase not passed through")
	}

	want := []Op{
		{Kind: OpCreate, Path: "db/f"},
		{Kind: OpWrite, Path: "db/f"},
		{Kind: OpWrite, Path: "db/f"},
		{Kind: OpRead, Path: "db/f"},
		{Kind: OpRead, Path: "db/f"},
		{Kind: OpSync, Path: "db/f"},
		{Kind: OpSync, Path: "db/f"},
		{Kind: OpPreallocate, Path: "db/f"},
		{Kind: OpTruncate, Path: "db/f"},
		{Kind: OpStat, Path: "db/f"},
		{Kind: OpClose, Path: "db/f"},
		{Kind: OpOpen, Path: "db/f"},
		{Kind: OpClose, Path: "db/f"},
		{Kind: OpOpen, Path: "db/f"},
		{Kind: OpClose, Path: "db/f"},
		{Kind: OpOpenDir, Path: "db"},
		{Kind: OpClose, Path: "db"},
		{Kind: OpRename, Path: "db/f", NewPath: "db/g"},
		{Kind: OpMkdirAll, Path: "db/d"},
		{Kind: OpList, Path: "db"},
		{Kind: OpStat, Path: "db/g"},
		{Kind: OpDiskUsage, Path: "db"},
		{Kind: OpLock, Path: "db/LOCK"},
		{Kind: OpRemove, Path: "db/g"},
		{Kind: OpRemoveAll, Path: "db/d"},
	}
	if !slices.Equal(ops, want) {
		t.Fatalf("ops:\n%v\nwant\n%v", ops, want)
	}
}

func TestErrorFSInjectedErrorShapes(t *testing.T) {
	m := newDurableMem(t)
	writeFile(t, m, "db/f", "x")
	always := InjectorFunc(func(op Op) error {
		if op.Kind == OpClose {
			return &os.PathError{Op: "custom", Path: op.Path, Err: ErrInjected}
		}
		return ErrInjected
	})
	inner := must[File](t)(m.Open("db/f"))
	ef := &errorFile{inner: inner, name: "db/f", inj: always}

	// Close fails, but the inner file is closed anyway.
	err := ef.Close()
	var pe *os.PathError
	if !errors.As(err, &pe) || pe.Op != "custom" {
		t.Fatalf("Close: %v, want the injector's own *os.PathError", err)
	}
	if err := inner.Close(); !errors.Is(err, os.ErrClosed) {
		t.Fatalf("inner file still open after an injected Close failure: %v", err)
	}

	fsys := WithFaults(m, always)
	err = fsys.Rename("db/f", "db/g")
	var le *os.LinkError
	if !errors.As(err, &le) || le.Old != "db/f" || le.New != "db/g" || !errors.Is(err, ErrInjected) {
		t.Fatalf("Rename: %#v", err)
	}
	if _, err := fsys.Open("db/f"); !errors.As(err, &pe) || pe.Path != "db/f" || pe.Op != "open" {
		t.Fatalf("Open: %#v", err)
	}
}

func TestOpKind(t *testing.T) {
	tests := []struct {
		kind     OpKind
		name     string
		mutation bool
	}{
		{OpCreate, "create", true},
		{OpOpen, "open", false},
		{OpOpenDir, "opendir", false},
		{OpRemove, "remove", true},
		{OpRemoveAll, "removeall", true},
		{OpRename, "rename", true},
		{OpMkdirAll, "mkdirall", true},
		{OpList, "list", false},
		{OpStat, "stat", false},
		{OpLock, "lock", true},
		{OpRead, "read", false},
		{OpWrite, "write", true},
		{OpSync, "sync", true},
		{OpPreallocate, "preallocate", true},
		{OpTruncate, "truncate", true},
		{OpClose, "close", false},
		{OpDiskUsage, "diskusage", false},
		{OpKind(0), "OpKind(0)", false},
		{OpKind(99), "OpKind(99)", false},
	}
	for _, tt := range tests {
		if tt.kind.String() != tt.name || tt.kind.IsMutation() != tt.mutation {
			t.Errorf("%d: %q mutation %v, want %q %v", tt.kind, tt.kind, tt.kind.IsMutation(), tt.name, tt.mutation)
		}
	}
	if got := (Op{Kind: OpRename, Path: "a", NewPath: "b"}).String(); got != "rename a -> b" {
		t.Errorf("Op.String() = %q", got)
	}
}
