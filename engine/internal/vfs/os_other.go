//go:build !linux

package vfs

import (
	"errors"
	"io"
)

// The engine runs on Linux; elsewhere the OS FS works without the
// Linux-only calls: Datasync is a full Sync, Preallocate writes zeros, and
// Lock and DiskUsage are unsupported.

func (f osFile) Datasync() error { return f.Sync() }

func (f osFile) Preallocate(off, length int64) error {
	if ok, err := f.checkPreallocate(off, length); !ok {
		return err
	}
	return preallocateByWriting(f.File, off, length)
}

func (osFS) Lock(name string) (io.Closer, error) {
	return nil, pathError("lock", name, errors.ErrUnsupported)
}

func (osFS) DiskUsage(path string) (DiskUsage, error) {
	return DiskUsage{}, pathError("statfs", path, errors.ErrUnsupported)
}
