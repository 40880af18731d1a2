package vfs

import (
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// Default returns the operating system's file system. Names are OS paths;
// errors are the os package's (*os.PathError, *os.LinkError), so
// errors.Is(err, fs.ErrNotExist) and errors.Is(err, syscall.ENOSPC) work.
// The value is stateless; every call returns an equivalent FS.
func Default() FS { return osFS{} }

type osFS struct{}

// osFile is an *os.File with the two calls the os package lacks.
type osFile struct{ *os.File }

func wrapOS(f *os.File, err error) (File, error) {
	if err != nil {
		return nil, err
	}
	return osFile{f}, nil
}

func (osFS) Create(name string) (File, error) {
	return wrapOS(os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644))
}

func (osFS) Open(name string) (File, error) { return wrapOS(os.Open(name)) }

func (osFS) OpenReadWrite(name string) (File, error) {
	return wrapOS(os.OpenFile(name, os.O_RDWR, 0))
}

func (osFS) OpenDir(name string) (File, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err == nil && !fi.IsDir() {
		err = pathError("open", name, syscall.ENOTDIR)
	}
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	return osFile{f}, nil
}

func (osFS) Remove(name string) error             { return os.Remove(name) }
func (osFS) RemoveAll(name string) error          { return os.RemoveAll(name) }
func (osFS) Rename(oldname, newname string) error { return os.Rename(oldname, newname) }

func (osFS) MkdirAll(dir string, perm os.FileMode) error { return os.MkdirAll(dir, perm) }

func (osFS) List(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name()
	}
	slices.Sort(names)
	return names, nil
}

func (osFS) Stat(name string) (os.FileInfo, error) { return os.Stat(name) }

func (osFS) PathJoin(elem ...string) string { return filepath.Join(elem...) }
func (osFS) PathBase(path string) string    { return filepath.Base(path) }

// checkPreallocate validates Preallocate's arguments; ok is false when there
// is nothing to do.
func checkPreallocate(name string, off, length int64) (ok bool, err error) {
	if off < 0 || length < 0 {
		return false, pathError("fallocate", name, syscall.EINVAL)
	}
	return length > 0, nil
}

// checkPreallocate is the package function plus a check that the file is
// open, which a zero length would otherwise skip.
func (f osFile) checkPreallocate(off, length int64) (ok bool, err error) {
	ok, err = checkPreallocate(f.Name(), off, length)
	if !ok && err == nil {
		_, err = f.Stat()
	}
	return ok, err
}

// preallocateByWriting extends f to off+length with zeros, for file systems
// without fallocate. Bytes below the current size are left alone.
func preallocateByWriting(f *os.File, off, length int64) error {
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	start, end := max(off, fi.Size()), off+length
	if start >= end {
		return nil
	}
	zeros := make([]byte, min(end-start, 64<<10))
	for start < end {
		n := min(int64(len(zeros)), end-start)
		if _, err := f.WriteAt(zeros[:n], start); err != nil {
			return err
		}
		start += n
	}
	return nil
}

// lockPID writes this process's ID into a freshly locked file and syncs it.
func lockPID(f *os.File) error {
	if err := f.Truncate(0); err != nil {
		return err
	}
	if _, err := f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0); err != nil {
		return err
	}
	return f.Sync()
}

// readPID reads the holder's process ID from a lock file, 0 if unknown.
func readPID(f *os.File) int {
	buf := make([]byte, 32)
	n, err := f.ReadAt(buf, 0)
	if err != nil && err != io.EOF {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(buf[:n])))
	if err != nil || pid <= 0 {
		return 0
	}
	return pid
}

// osLock is a held OS lock; Close releases it once.
type osLock struct {
	mu     sync.Mutex
	f      *os.File
	unlock func(*os.File) error
}

func (l *osLock) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return os.ErrClosed
	}
	f := l.f
	l.f = nil
	err := l.unlock(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
