package vfs

import (
	"io"
	"os"
)

// File is an open file. Reads and writes at explicit offsets may be used
// concurrently; Write appends at the file's current offset and must not race
// with another Write.
type File interface {
	io.Reader
	io.ReaderAt
	io.Writer
	io.WriterAt
	io.Closer
	// Sync makes the file's data and metadata durable (fsync).
	Sync() error
	// Datasync makes the file's data durable (fdatasync); the size is
	// included when it changed.
	Datasync() error
	// Preallocate allocates [off, off+length) on disk (fallocate mode 0),
	// extending the size when off+length is past the end; new bytes read
	// as zeros. Writes into preallocated space need no block allocation,
	// which makes a later Datasync cheaper. A length of 0 does nothing;
	// a negative offset or length fails with EINVAL.
	Preallocate(off, length int64) error
	// Truncate changes the file's size.
	Truncate(size int64) error
	// Stat describes the file; Size() is the current size.
	Stat() (os.FileInfo, error)
}

// FS is a file system. Names are paths in the FS's own namespace; the OS
// implementation takes ordinary OS paths.
type FS interface {
	// Create creates or truncates a file for reading and writing.
	Create(name string) (File, error)
	// Open opens an existing file read-only.
	Open(name string) (File, error)
	// OpenReadWrite opens an existing file for reading and writing without
	// truncating it; the offset for Write starts at 0.
	OpenReadWrite(name string) (File, error)
	// OpenDir opens a directory so that Sync makes its entries (creates,
	// renames, removes) durable.
	OpenDir(name string) (File, error)
	// Remove removes a file or an empty directory.
	Remove(name string) error
	// RemoveAll removes a path and everything under it.
	RemoveAll(name string) error
	// Rename atomically replaces newname with oldname.
	Rename(oldname, newname string) error
	// MkdirAll creates a directory and its parents.
	MkdirAll(dir string, perm os.FileMode) error
	// List returns the base names in a directory, sorted.
	List(dir string) ([]string, error)
	// Stat describes a path.
	Stat(name string) (os.FileInfo, error)
	// Lock takes an exclusive lock on the named file, creating it if needed.
	// It fails at once with an error wrapping ErrLocked when another holder
	// (another process, or another Lock in this process) has it. The lock is
	// released by Close or by the holder's death.
	Lock(name string) (io.Closer, error)
	// DiskUsage reports the space of the file system holding path.
	DiskUsage(path string) (DiskUsage, error)
	// PathJoin joins path elements.
	PathJoin(elem ...string) string
	// PathBase returns the last element of a path.
	PathBase(path string) string
}

// DiskUsage is the space of a file system, in bytes.
type DiskUsage struct {
	TotalBytes     uint64
	AvailableBytes uint64 // usable by an unprivileged writer
	UsedBytes      uint64
}

// UsedFraction returns UsedBytes / TotalBytes, 0 for an empty file system.
func (d DiskUsage) UsedFraction() float64 {
	if d.TotalBytes == 0 {
		return 0
	}
	return float64(d.UsedBytes) / float64(d.TotalBytes)
}

// Writebacker is implemented by files that can start writing dirty pages
// to the device early (see osFile.StartWriteback on Linux). It is only a
// hint: callers still Datasync for durability.
type Writebacker interface {
	StartWriteback(off, length int64) error
}
