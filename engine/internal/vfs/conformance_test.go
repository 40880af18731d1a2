package vfs

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"runtime"
	"syscall"
	"testing"
)

// The tests in this file run against every FS, so MemFS is checked to
// behave like the operating system.

type fsCase struct {
	name  string
	fs    FS
	root  string
	locks bool
}

func allFS(t *testing.T) []fsCase {
	cases := []fsCase{{name: "mem", fs: NewMem(), root: "/", locks: true}}
	return append(cases, fsCase{name: "os", fs: Default(), root: t.TempDir(), locks: runtime.GOOS == "linux"})
}

func forEachFS(t *testing.T, test func(t *testing.T, c fsCase)) {
	t.Helper()
	for _, c := range allFS(t) {
		t.Run(c.name, func(t *testing.T) { test(t, c) })
	}
}

func (c fsCase) path(elem ...string) string {
	return c.fs.PathJoin(append([]string{c.root}, elem...)...)
}

func must[T any](t *testing.T) func(v T, err error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func noErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func writeFile(t *testing.T, fsys FS, name, data string) {
	t.Helper()
	f := must[File](t)(fsys.Create(name))
	if _, err := f.Write([]byte(data)); err != nil {
		t.Fatal(err)
	}
	noErr(t, f.Close())
}

func readFile(t *testing.T, fsys FS, name string) string {
	t.Helper()
	f := must[File](t)(fsys.Open(name))
	defer f.Close()
	b, err := io.ReadAll(f)
	noErr(t, err)
	return string(b)
}

func TestReadWriteOffsets(t *testing.T) {
	forEachFS(t, func(t *testing.T, c fsCase) {
		name := c.path("f")
		f := must[File](t)(c.fs.Create(name))
		for _, s := range []string{"hello", " world"} {
			if n, err := f.Write([]byte(s)); err != nil || n != len(s) {
				t.Fatalf("Write(%q) = %d, %v", s, n, err)
			}
		}
		if fi := must[os.FileInfo](t)(f.Stat()); fi.Size() != 11 || fi.Name() != "f" || fi.IsDir() {
			t.Fatalf("Stat = %q size %d dir %v", fi.Name(), fi.Size(), fi.IsDir())
		}
		readAts := []struct {
			off  int64
			len  int
			want string
			eof  bool
		}{
			{0, 5, "hello", false},
			{6, 5, "world", false},
			{6, 10, "world", true},
			{11, 1, "", true},
			{20, 4, "", true},
		}
		for _, r := range readAts {
			buf := make([]byte, r.len)
			n, err := f.ReadAt(buf, r.off)
			if string(buf[:n]) != r.want || (err == io.EOF) != r.eof || (err != nil && err != io.EOF) {
				t.Errorf("ReadAt(%d, %d) = %q, %v; want %q, eof %v", r.len, r.off, buf[:n], err, r.want, r.eof)
			}
		}
		// WriteAt past the end leaves a hole of zeros and does not move
		// the offset.
		must[int](t)(f.WriteAt([]byte("!"), 13))
		must[int](t)(f.Write([]byte("?")))
		noErr(t, f.Close())
		if got := readFile(t, c.fs, name); got != "hello world?\x00!" {
			t.Fatalf("content %q", got)
		}

		// Read follows its own offset and ends with io.EOF.
		r := must[File](t)(c.fs.Open(name))
		buf := make([]byte, 4)
		for _, want := range []string{"hell", "o wo", "rld?", "\x00!"} {
			n, err := r.Read(buf)
			if err != nil || string(buf[:n]) != want {
				t.Fatalf("Read = %q, %v; want %q", buf[:n], err, want)
			}
		}
		if n, err := r.Read(buf); n != 0 || err != io.EOF {
			t.Fatalf("Read at end = %d, %v", n, err)
		}
		if _, err := r.Write([]byte("x")); err == nil {
			t.Fatal("Write on a read-only handle succeeded")
		}
		noErr(t, r.Close())
		if err := r.Close(); err == nil {
			t.Fatal("second Close succeeded")
		}

		// OpenReadWrite writes from offset 0 without truncating.
		rw := must[File](t)(c.fs.OpenReadWrite(name))
		must[int](t)(rw.Write([]byte("J")))
		noErr(t, rw.Close())
		if got := readFile(t, c.fs, name); got != "Jello world?\x00!" {
			t.Fatalf("after OpenReadWrite: %q", got)
		}

		// Create truncates.
		noErr(t, must[File](t)(c.fs.Create(name)).Close())
		if fi := must[os.FileInfo](t)(c.fs.Stat(name)); fi.Size() != 0 {
			t.Fatalf("size after Create %d", fi.Size())
		}
	})
}

func TestTruncatePreallocate(t *testing.T) {
	forEachFS(t, func(t *testing.T, c fsCase) {
		name := c.path("f")
		f := must[File](t)(c.fs.Create(name))
		defer f.Close()
		must[int](t)(f.Write([]byte("abcdef")))
		steps := []struct {
			desc string
			do   func() error
			want string
		}{
			{"truncate down", func() error { return f.Truncate(3) }, "abc"},
			{"truncate up", func() error { return f.Truncate(5) }, "abc\x00\x00"},
			{"preallocate inside", func() error { return f.Preallocate(0, 4) }, "abc\x00\x00"},
			{"preallocate zero length", func() error { return f.Preallocate(100, 0) }, "abc\x00\x00"},
			{"preallocate past end", func() error { return f.Preallocate(4, 4) }, "abc\x00\x00\x00\x00\x00"},
			{"write into preallocated", func() error { _, err := f.WriteAt([]byte("XY"), 6); return err }, "abc\x00\x00\x00XY"},
		}
		for _, s := range steps {
			noErr(t, s.do())
			buf := make([]byte, 32)
			n, _ := f.ReadAt(buf, 0)
			if string(buf[:n]) != s.want {
				t.Fatalf("%s: content %q, want %q", s.desc, buf[:n], s.want)
			}
			if fi := must[os.FileInfo](t)(f.Stat()); fi.Size() != int64(len(s.want)) {
				t.Fatalf("%s: size %d", s.desc, fi.Size())
			}
		}
		if err := f.Preallocate(-1, 4); !errors.Is(err, syscall.EINVAL) {
			t.Fatalf("Preallocate(-1, 4) = %v", err)
		}
		noErr(t, f.Sync())
		noErr(t, f.Datasync())
	})
}

func TestNamespaceErrors(t *testing.T) {
	forEachFS(t, func(t *testing.T, c fsCase) {
		noErr(t, c.fs.MkdirAll(c.path("d", "e"), 0o755))
		writeFile(t, c.fs, c.path("d", "file"), "x")
		tests := []struct {
			desc string
			err  error
			want error
		}{
			{"open missing", second(c.fs.Open(c.path("missing"))), fs.ErrNotExist},
			{"open rw missing", second(c.fs.OpenReadWrite(c.path("missing"))), fs.ErrNotExist},
			{"create in missing dir", second(c.fs.Create(c.path("nodir", "f"))), fs.ErrNotExist},
			{"create under a file", second(c.fs.Create(c.path("d", "file", "f"))), syscall.ENOTDIR},
			{"create a dir", second(c.fs.Create(c.path("d"))), syscall.EISDIR},
			{"opendir on a file", second(c.fs.OpenDir(c.path("d", "file"))), syscall.ENOTDIR},
			{"opendir missing", second(c.fs.OpenDir(c.path("missing"))), fs.ErrNotExist},
			{"stat missing", second(c.fs.Stat(c.path("missing"))), fs.ErrNotExist},
			{"list missing", second(c.fs.List(c.path("missing"))), fs.ErrNotExist},
			{"remove missing", c.fs.Remove(c.path("missing")), fs.ErrNotExist},
			{"remove non-empty dir", c.fs.Remove(c.path("d")), syscall.ENOTEMPTY},
			{"mkdirall over a file", c.fs.MkdirAll(c.path("d", "file", "x"), 0o755), syscall.ENOTDIR},
			{"rename missing", c.fs.Rename(c.path("missing"), c.path("x")), fs.ErrNotExist},
			{"rename file over dir", c.fs.Rename(c.path("d", "file"), c.path("d", "e")), syscall.EEXIST},
			{"removeall missing", c.fs.RemoveAll(c.path("missing", "x")), nil},
		}
		for _, tt := range tests {
			if !errors.Is(tt.err, tt.want) || (tt.want == nil) != (tt.err == nil) {
				t.Errorf("%s: err %v, want %v", tt.desc, tt.err, tt.want)
			}
			var pe *os.PathError
			var le *os.LinkError
			if tt.err != nil && !errors.As(tt.err, &pe) && !errors.As(tt.err, &le) {
				t.Errorf("%s: %T is not an *os.PathError or *os.LinkError", tt.desc, tt.err)
			}
		}
		noErr(t, c.fs.RemoveAll(c.path("d")))
		if _, err := c.fs.Stat(c.path("d")); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("after RemoveAll: %v", err)
		}
	})
}

func second[T any](_ T, err error) error { return err }

func TestListAndStat(t *testing.T) {
	forEachFS(t, func(t *testing.T, c fsCase) {
		noErr(t, c.fs.MkdirAll(c.path("d"), 0o755))
		for _, n := range []string{"c", "a", "B", "b"} {
			writeFile(t, c.fs, c.path("d", n), n)
		}
		noErr(t, c.fs.MkdirAll(c.path("d", "sub"), 0o755))
		got := must[[]string](t)(c.fs.List(c.path("d")))
		if want := []string{"B", "a", "b", "c", "sub"}; !equalStrings(got, want) {
			t.Fatalf("List = %q, want %q", got, want)
		}
		if fi := must[os.FileInfo](t)(c.fs.Stat(c.path("d", "sub"))); !fi.IsDir() || fi.Name() != "sub" {
			t.Fatalf("Stat(sub) = %q dir %v", fi.Name(), fi.IsDir())
		}
		if fi := must[os.FileInfo](t)(c.fs.Stat(c.path("d", "a"))); fi.IsDir() || fi.Size() != 1 || fi.Mode().IsDir() {
			t.Fatalf("Stat(a) = dir %v size %d", fi.IsDir(), fi.Size())
		}
		d := must[File](t)(c.fs.OpenDir(c.path("d")))
		noErr(t, d.Sync())
		noErr(t, d.Close())
		if base := c.fs.PathBase(c.path("d", "a")); base != "a" {
			t.Fatalf("PathBase = %q", base)
		}
	})
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestRenameRemoveWithOpenHandles(t *testing.T) {
	forEachFS(t, func(t *testing.T, c fsCase) {
		a, b := c.path("a"), c.path("b")
		writeFile(t, c.fs, a, "new")
		writeFile(t, c.fs, b, "old")
		oldHandle := must[File](t)(c.fs.Open(b))
		h := must[File](t)(c.fs.OpenReadWrite(a))

		noErr(t, c.fs.Rename(a, b)) // replaces b
		if got := readFile(t, c.fs, b); got != "new" {
			t.Fatalf("b = %q after rename", got)
		}
		if _, err := c.fs.Stat(a); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("a still there: %v", err)
		}
		// The replaced file's handle still reads its old content.
		buf := make([]byte, 3)
		if _, err := oldHandle.ReadAt(buf, 0); err != nil || string(buf) != "old" {
			t.Fatalf("replaced handle reads %q, %v", buf, err)
		}
		noErr(t, oldHandle.Close())

		// The renamed file's handle writes into the renamed file.
		must[int](t)(h.WriteAt([]byte("N"), 0))
		if got := readFile(t, c.fs, b); got != "New" {
			t.Fatalf("b = %q after write through old handle", got)
		}

		// After Remove the handle still works, but the name is gone.
		noErr(t, c.fs.Remove(b))
		must[int](t)(h.WriteAt([]byte("!"), 3))
		buf = make([]byte, 4)
		if _, err := h.ReadAt(buf, 0); err != nil || string(buf) != "New!" {
			t.Fatalf("removed handle reads %q, %v", buf, err)
		}
		noErr(t, h.Sync())
		noErr(t, h.Close())
		if names := must[[]string](t)(c.fs.List(c.root)); len(names) != 0 {
			t.Fatalf("List = %q", names)
		}

		// Directories rename too, with their contents.
		noErr(t, c.fs.MkdirAll(c.path("d1", "x"), 0o755))
		writeFile(t, c.fs, c.path("d1", "x", "f"), "f")
		noErr(t, c.fs.Rename(c.path("d1"), c.path("d2")))
		if got := readFile(t, c.fs, c.path("d2", "x", "f")); got != "f" {
			t.Fatalf("d2/x/f = %q", got)
		}
		if err := c.fs.Rename(c.path("d2"), c.path("d2", "x", "y")); err == nil {
			t.Fatal("renamed a directory into itself")
		}
	})
}

func TestLockSameProcess(t *testing.T) {
	forEachFS(t, func(t *testing.T, c fsCase) {
		if !c.locks {
			t.Skip("no locks on " + runtime.GOOS)
		}
		name := c.path("LOCK")
		l := must[io.Closer](t)(c.fs.Lock(name))
		_, err := c.fs.Lock(name)
		var le *LockedError
		if !errors.As(err, &le) || !errors.Is(err, ErrLocked) {
			t.Fatalf("second Lock: %v", err)
		}
		if le.PID != os.Getpid() || le.Path != name {
			t.Fatalf("LockedError = %+v, want PID %d", le, os.Getpid())
		}
		noErr(t, l.Close())
		if err := l.Close(); err == nil {
			t.Fatal("second Close of a lock succeeded")
		}
		l = must[io.Closer](t)(c.fs.Lock(name))
		noErr(t, l.Close())
		if _, err := c.fs.Stat(name); err != nil {
			t.Fatalf("lock file: %v", err)
		}
		if _, err := c.fs.Lock(c.path("nodir", "LOCK")); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("Lock in missing dir: %v", err)
		}
	})
}

func TestDiskUsage(t *testing.T) {
	forEachFS(t, func(t *testing.T, c fsCase) {
		if c.name == "os" && runtime.GOOS != "linux" {
			t.Skip("no DiskUsage on " + runtime.GOOS)
		}
		du := must[DiskUsage](t)(c.fs.DiskUsage(c.root))
		if du.TotalBytes == 0 || du.UsedBytes > du.TotalBytes || du.AvailableBytes > du.TotalBytes {
			t.Fatalf("DiskUsage = %+v", du)
		}
		if f := du.UsedFraction(); f < 0 || f > 1 {
			t.Fatalf("UsedFraction = %v", f)
		}
		if _, err := c.fs.DiskUsage(c.path("missing")); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("DiskUsage(missing) = %v", err)
		}
	})
}

// TestRandomOpsMatchOS runs the same random operations on the OS and on a
// MemFS and compares every result.
func TestRandomOpsMatchOS(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("compares with Linux semantics")
	}
	seeds := uint64(40)
	if testing.Short() {
		seeds = 5
	}
	for seed := range seeds {
		osCase := fsCase{fs: Default(), root: t.TempDir()}
		memCase := fsCase{fs: NewMem(), root: "/"}
		m := memCase.fs.(*MemFS)
		w := newRandomWorkload(seed)
		for step := range 500 {
			op := w.next()
			got, want := op.run(memCase), op.run(osCase)
			if got != want {
				t.Fatalf("seed %d step %d %s: mem %q, os %q", seed, step, op, got, want)
			}
			checkUsage(t, m, w.handles[m][:]...)
		}
		for _, c := range []fsCase{memCase, osCase} {
			for _, h := range w.handles[c.fs] {
				if h != nil {
					h.Close()
				}
			}
		}
		checkUsage(t, m)
		for _, n := range w.names {
			if a, b := describe(memCase, n), describe(osCase, n); a != b {
				t.Fatalf("seed %d: %s: mem %q, os %q", seed, n, a, b)
			}
		}
	}
}

func describe(c fsCase, name string) string {
	f, err := c.fs.Open(c.path(name))
	if err != nil {
		return errClass(err)
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return errClass(err)
	}
	return string(data)
}

// errClass reduces an error to what both FS must agree on.
func errClass(err error) string {
	for _, e := range []error{syscall.ENOENT, syscall.EEXIST, syscall.ENOTDIR, syscall.EISDIR,
		syscall.ENOTEMPTY, syscall.EBADF, syscall.EINVAL, os.ErrClosed, io.EOF} {
		if errors.Is(err, e) {
			return "err:" + e.Error()
		}
	}
	if err != nil {
		return "err:other:" + err.Error()
	}
	return "ok"
}
