package vfs

import (
	"io"
	"os"
	"path"
	"syscall"
	"time"
)

// memFile is an open handle on a MemFS inode. It keeps the inode, not the
// name: it stays valid after the name is renamed or removed.
type memFile struct {
	fs    *MemFS
	node  *memNode
	name  string // as given to the open call
	write bool

	// Guarded by fs.mu.
	offset int64
	closed bool
}

// check returns the error for an operation on a closed handle, on a
// directory (except when dirOK), or a write on a read-only handle.
func (f *memFile) check(op string, write, dirOK bool) error {
	switch {
	case f.closed:
		return pathError(op, f.name, os.ErrClosed)
	case f.node.dir && !dirOK:
		if write {
			return pathError(op, f.name, syscall.EBADF)
		}
		return pathError(op, f.name, syscall.EISDIR)
	case write && !f.write:
		return pathError(op, f.name, syscall.EBADF)
	}
	return nil
}

// Read reads from the handle's offset; at the end it returns 0, io.EOF.
func (f *memFile) Read(p []byte) (int, error) {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if err := f.check("read", false, false); err != nil {
		return 0, err
	}
	if len(p) == 0 {
		return 0, nil
	}
	if f.offset >= int64(len(f.node.data)) {
		return 0, io.EOF
	}
	n := copy(p, f.node.data[f.offset:])
	f.offset += int64(n)
	return n, nil
}

// ReadAt reads at off; a short read returns io.EOF, as *os.File does.
func (f *memFile) ReadAt(p []byte, off int64) (int, error) {
	f.fs.mu.RLock()
	defer f.fs.mu.RUnlock()
	if err := f.check("read", false, false); err != nil {
		return 0, err
	}
	if off < 0 {
		return 0, pathError("readat", f.name, syscall.EINVAL)
	}
	var n int
	if off < int64(len(f.node.data)) {
		n = copy(p, f.node.data[off:])
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// Write writes at the handle's offset and advances it. On ENOSPC nothing is
// written.
func (f *memFile) Write(p []byte) (int, error) {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if err := f.check("write", true, false); err != nil {
		return 0, err
	}
	if err := f.fs.change(f.node, fileOp{kind: opWrite, off: f.offset, data: p}); err != nil {
		return 0, pathError("write", f.name, err)
	}
	f.offset += int64(len(p))
	return len(p), nil
}

// WriteAt writes at off without moving the handle's offset. On ENOSPC
// nothing is written.
func (f *memFile) WriteAt(p []byte, off int64) (int, error) {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if err := f.check("write", true, false); err != nil {
		return 0, err
	}
	if off < 0 {
		return 0, pathError("writeat", f.name, syscall.EINVAL)
	}
	if err := f.fs.change(f.node, fileOp{kind: opWrite, off: off, data: p}); err != nil {
		return 0, pathError("write", f.name, err)
	}
	return len(p), nil
}

// Close releases the handle; the inode's content is freed when it has no
// name and no other handle.
func (f *memFile) Close() error {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if f.closed {
		return pathError("close", f.name, os.ErrClosed)
	}
	f.closed = true
	if !f.node.dir {
		f.node.opens--
		f.fs.release(f.node)
	}
	return nil
}

// Sync makes the file's current content and size durable; on a directory
// handle it makes the directory's current entries durable.
func (f *memFile) Sync() error {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if err := f.check("sync", false, true); err != nil {
		return err
	}
	if f.node.dir {
		syncDir(f.node)
	} else {
		syncFile(f.node)
	}
	return nil
}

// Datasync is Sync: the model has no metadata other than the size.
func (f *memFile) Datasync() error { return f.Sync() }

// Preallocate extends the size to off+length with zeros if it is smaller
// (fallocate mode 0); the new bytes count against the capacity. A length of
// 0 does nothing.
func (f *memFile) Preallocate(off, length int64) error {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if f.closed {
		return pathError("fallocate", f.name, os.ErrClosed)
	}
	if ok, err := checkPreallocate(f.name, off, length); !ok {
		return err
	}
	if err := f.check("fallocate", true, false); err != nil {
		return err
	}
	if off+length <= int64(len(f.node.data)) {
		return nil
	}
	if err := f.fs.change(f.node, fileOp{kind: opPreallocate, size: off + length}); err != nil {
		return pathError("fallocate", f.name, err)
	}
	return nil
}

// Truncate sets the size; growth reads as zeros and counts against the
// capacity.
func (f *memFile) Truncate(size int64) error {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if f.closed {
		return pathError("truncate", f.name, os.ErrClosed)
	}
	if f.node.dir || !f.write || size < 0 {
		return pathError("truncate", f.name, syscall.EINVAL)
	}
	if err := f.fs.change(f.node, fileOp{kind: opTruncate, size: size}); err != nil {
		return pathError("truncate", f.name, err)
	}
	return nil
}

// Stat describes the inode under the name it was opened with.
func (f *memFile) Stat() (os.FileInfo, error) {
	f.fs.mu.RLock()
	defer f.fs.mu.RUnlock()
	if err := f.check("stat", false, true); err != nil {
		return nil, err
	}
	return memFileInfo{name: path.Base(clean(f.name)), size: int64(len(f.node.data)), dir: f.node.dir}, nil
}

// memFileInfo is a MemFS os.FileInfo. ModTime is always the zero time, to
// keep tests deterministic.
type memFileInfo struct {
	name string
	size int64
	dir  bool
}

func (i memFileInfo) Name() string { return i.name }
func (i memFileInfo) Size() int64  { return i.size }
func (i memFileInfo) Mode() os.FileMode {
	if i.dir {
		return os.ModeDir | 0o755
	}
	return 0o644
}
func (i memFileInfo) ModTime() time.Time { return time.Time{} }
func (i memFileInfo) IsDir() bool        { return i.dir }
func (i memFileInfo) Sys() any           { return nil }
