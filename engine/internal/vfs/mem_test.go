package vfs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sync"
	"syscall"
	"testing"
)

func TestMemPaths(t *testing.T) {
	m := NewMem()
	noErr(t, m.MkdirAll("db/wal", 0o755))
	writeFile(t, m, "/db/wal/1.log", "x")
	for _, name := range []string{"db/wal/1.log", "/db/wal/1.log", "db//wal/./1.log", "/x/../db/wal/1.log"} {
		if got := readFile(t, m, name); got != "x" {
			t.Errorf("%q: %q", name, got)
		}
	}
	for _, root := range []string{"", ".", "/"} {
		if names := must[[]string](t)(m.List(root)); !equalStrings(names, []string{"db"}) {
			t.Errorf("List(%q) = %q", root, names)
		}
	}
	if _, err := m.Create("nodir/f"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Create without its directory: %v", err)
	}
	if got := m.PathJoin("db", "wal", "1.log"); got != "db/wal/1.log" {
		t.Fatalf("PathJoin = %q", got)
	}
	for _, name := range []string{"", "/"} {
		if err := m.Remove(name); err == nil {
			t.Errorf("Remove(%q) succeeded", name)
		}
		if err := m.RemoveAll(name); err == nil {
			t.Errorf("RemoveAll(%q) succeeded", name)
		}
	}
}

func TestMemRemovedFileDataGoesWithLastHandle(t *testing.T) {
	m := NewMem()
	f := must[File](t)(m.Create("f"))
	must[int](t)(f.Write(make([]byte, 100)))
	noErr(t, m.Remove("f"))
	if du := must[DiskUsage](t)(m.DiskUsage("")); du.UsedBytes != 100 {
		t.Fatalf("used %d while a handle is open, want 100", du.UsedBytes)
	}
	noErr(t, f.Close())
	if du := must[DiskUsage](t)(m.DiskUsage("")); du.UsedBytes != 0 {
		t.Fatalf("used %d after the last close, want 0", du.UsedBytes)
	}
	if _, err := f.Write([]byte("x")); !errors.Is(err, os.ErrClosed) {
		t.Fatalf("Write after Close: %v", err)
	}
}

func TestMemLockTable(t *testing.T) {
	m := NewMem()
	l := must[io.Closer](t)(m.Lock("LOCK"))
	// The lock is per path, not per inode or handle.
	if _, err := m.Lock("/LOCK"); !errors.Is(err, ErrLocked) {
		t.Fatalf("second Lock: %v", err)
	}
	other := must[io.Closer](t)(m.Lock("OTHER"))
	noErr(t, other.Close())
	noErr(t, l.Close())
	noErr(t, must[io.Closer](t)(m.Lock("LOCK")).Close())
	// A crash clone starts unlocked even if the original holds a lock.
	l = must[io.Closer](t)(m.Lock("LOCK"))
	defer l.Close()
	noErr(t, must[io.Closer](t)(m.CrashClone(CrashOptions{}).Lock("LOCK")).Close())
}

func TestMemCapacity(t *testing.T) {
	m := NewMem()
	m.SetCapacity(100)
	a := must[File](t)(m.Create("a"))
	must[int](t)(a.Write(make([]byte, 60)))
	b := must[File](t)(m.Create("b"))
	must[int](t)(b.Write(make([]byte, 30)))

	isENOSPC := func(desc string, err error) {
		t.Helper()
		var pe *os.PathError
		if !errors.Is(err, syscall.ENOSPC) || !errors.As(err, &pe) {
			t.Fatalf("%s: %v, want a *os.PathError wrapping ENOSPC", desc, err)
		}
	}
	sizes := func(want ...int64) {
		t.Helper()
		for i, f := range []File{a, b} {
			if got := must[os.FileInfo](t)(f.Stat()).Size(); got != want[i] {
				t.Fatalf("file %d size %d, want %d", i, got, want[i])
			}
		}
	}
	_, err := b.Write(make([]byte, 11))
	isENOSPC("Write", err)
	_, err = b.WriteAt([]byte("x"), 40)
	isENOSPC("WriteAt", err)
	isENOSPC("Preallocate", b.Preallocate(0, 41))
	isENOSPC("Truncate", b.Truncate(41))
	sizes(60, 30)
	if du := must[DiskUsage](t)(m.DiskUsage("/")); du != (DiskUsage{TotalBytes: 100, UsedBytes: 90, AvailableBytes: 10}) {
		t.Fatalf("DiskUsage = %+v", du)
	}

	// Overwriting needs no space; filling up exactly works.
	must[int](t)(a.WriteAt(make([]byte, 60), 0))
	must[int](t)(b.Write(make([]byte, 10)))
	sizes(60, 40)
	_, err = b.Write([]byte("x"))
	isENOSPC("Write when full", err)

	// Freeing space: a removed file counts until its last handle closes.
	noErr(t, m.Remove("a"))
	_, err = b.Write([]byte("x"))
	isENOSPC("Write with the removed file still open", err)
	noErr(t, a.Close())
	must[int](t)(b.Write(make([]byte, 50)))
	noErr(t, b.Truncate(10))
	if du := must[DiskUsage](t)(m.DiskUsage("/")); du.UsedBytes != 10 {
		t.Fatalf("used %d after truncate", du.UsedBytes)
	}
	// Create over an existing file frees its content.
	noErr(t, b.Close())
	noErr(t, must[File](t)(m.Create("b")).Close())
	if du := must[DiskUsage](t)(m.DiskUsage("/")); du.UsedBytes != 0 {
		t.Fatalf("used %d after Create truncated", du.UsedBytes)
	}

	m.SetCapacity(0)
	if du := must[DiskUsage](t)(m.DiskUsage("/")); du.TotalBytes != unlimitedCapacity {
		t.Fatalf("unlimited DiskUsage = %+v", du)
	}
	checkUsage(t, m)
}

func TestMemString(t *testing.T) {
	m := NewMem()
	noErr(t, m.MkdirAll("db/sub", 0o755))
	writeFile(t, m, "db/b", "12345")
	writeFile(t, m, "db/a", "")
	m.SyncAll()
	writeFile(t, m, "db/a", "xy")
	want := "/\n" +
		"  db/\n" +
		"    a 2 unsynced=1\n" +
		"    b 5\n" +
		"    sub/\n"
	if got := m.String(); got != want {
		t.Fatalf("String() =\n%s\nwant\n%s", got, want)
	}
}

func TestMemReadWriteFileHelpers(t *testing.T) {
	m := NewMem()
	noErr(t, m.WriteFile("f", []byte("data")))
	if got := must[[]byte](t)(m.ReadFile("f")); string(got) != "data" {
		t.Fatalf("ReadFile = %q", got)
	}
	if _, err := m.ReadFile("missing"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("ReadFile(missing) = %v", err)
	}
}

func TestMemConcurrent(t *testing.T) {
	m := NewMem()
	noErr(t, m.MkdirAll("d", 0o755))
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			name := fmt.Sprintf("d/%d", g)
			f, err := m.Create(name)
			if err != nil {
				t.Error(err)
				return
			}
			for i := range 100 {
				if _, err := f.WriteAt([]byte{byte(i)}, int64(i)); err != nil {
					t.Error(err)
				}
				buf := make([]byte, 1)
				if _, err := f.ReadAt(buf, int64(i)); err != nil || buf[0] != byte(i) {
					t.Errorf("ReadAt = %v, %v", buf, err)
				}
				if i%10 == 0 {
					_ = f.Sync()
					_ = m.CrashClone(CrashOptions{})
					_, _ = m.List("d")
				}
			}
			if err := f.Close(); err != nil {
				t.Error(err)
			}
			if err := m.Rename(name, name+".done"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if names := must[[]string](t)(m.List("d")); len(names) != 8 {
		t.Fatalf("List = %q", names)
	}
	checkUsage(t, m)
}
