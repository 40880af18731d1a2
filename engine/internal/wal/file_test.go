package wal

import (
	"errors"
	"io"
	"os"
	"sync"
	"time"
)

// memFile is an in-test vfs.File over a byte slice. It remembers what the
// last Datasync made durable and lets tests hook Datasync and WriteAt.
type memFile struct {
	mu        sync.Mutex
	data      []byte
	hi        int64  // end of the highest byte written (not preallocated)
	durable   []byte // data[:hi] as of the end of the last Datasync
	pos       int64
	datasyncs int
	preallocs int
	closed    bool

	// beforeSync, when set, runs at the start of Datasync without mu held;
	// a non-nil error fails the Datasync.
	beforeSync func() error
	// writeErr, when set, may fail a WriteAt before it changes anything.
	writeErr func(off int64, n int) error
}

var errFakeClosed = errors.New("memFile closed")

func newMemFile(contents []byte) *memFile {
	return &memFile{data: append([]byte(nil), contents...), hi: int64(len(contents))}
}

func (f *memFile) ReadAt(p []byte, off int64) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if off >= int64(len(f.data)) {
		return 0, io.EOF
	}
	n := copy(p, f.data[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (f *memFile) Read(p []byte) (int, error) {
	n, err := f.ReadAt(p, f.pos)
	f.pos += int64(n)
	return n, err
}

func (f *memFile) WriteAt(p []byte, off int64) (int, error) {
	if f.writeErr != nil {
		if err := f.writeErr(off, len(p)); err != nil {
			return 0, err
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return 0, errFakeClosed
	}
	end := off + int64(len(p))
	if end > int64(len(f.data)) {
		f.data = append(f.data, make([]byte, end-int64(len(f.data)))...)
	}
	copy(f.data[off:], p)
	f.hi = max(f.hi, end)
	return len(p), nil
}

func (f *memFile) Write(p []byte) (int, error) {
	n, err := f.WriteAt(p, f.pos)
	f.pos += int64(n)
	return n, err
}

func (f *memFile) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return errFakeClosed
	}
	f.closed = true
	return nil
}

func (f *memFile) Sync() error { return f.Datasync() }

func (f *memFile) Datasync() error {
	if f.beforeSync != nil {
		if err := f.beforeSync(); err != nil {
			return err
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return errFakeClosed
	}
	f.datasyncs++
	f.durable = append(f.durable[:0], f.data[:f.hi]...)
	return nil
}

func (f *memFile) Preallocate(off, length int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.preallocs++
	if end := off + length; end > int64(len(f.data)) {
		f.data = append(f.data, make([]byte, end-int64(len(f.data)))...)
	}
	return nil
}

func (f *memFile) Truncate(size int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if size < int64(len(f.data)) {
		f.data = f.data[:size]
	} else {
		f.data = append(f.data, make([]byte, size-int64(len(f.data)))...)
	}
	f.hi = min(f.hi, size)
	return nil
}

func (f *memFile) Stat() (os.FileInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return memFileInfo{size: int64(len(f.data))}, nil
}

// bytes returns a copy of the whole file.
func (f *memFile) bytes() []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]byte(nil), f.data...)
}

// durableRange returns a copy of the durable bytes [start, end), ok false
// when they are not all durable.
func (f *memFile) durableRange(start, end int64) ([]byte, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if end > int64(len(f.durable)) {
		return nil, false
	}
	return append([]byte(nil), f.durable[start:end]...), true
}

func (f *memFile) syncCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.datasyncs
}

type memFileInfo struct{ size int64 }

func (i memFileInfo) Name() string       { return "mem" }
func (i memFileInfo) Size() int64        { return i.size }
func (i memFileInfo) Mode() os.FileMode  { return 0o644 }
func (i memFileInfo) ModTime() time.Time { return time.Time{} }
func (i memFileInfo) IsDir() bool        { return false }
func (i memFileInfo) Sys() any           { return nil }
