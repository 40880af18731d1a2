package vfs

import (
	"errors"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// control runs fn on the file's descriptor, retrying on EINTR, and wraps
// its error like the os package would.
func (f osFile) control(op string, fn func(fd int) error) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return pathError(op, f.Name(), err)
	}
	var opErr error
	if err := rc.Control(func(fd uintptr) { opErr = retryEINTR(func() error { return fn(int(fd)) }) }); err != nil {
		// Control fails only when the file is closed (or closing).
		return pathError(op, f.Name(), os.ErrClosed)
	}
	if opErr != nil {
		return pathError(op, f.Name(), opErr)
	}
	return nil
}

func retryEINTR(fn func() error) error {
	for {
		if err := fn(); err != unix.EINTR {
			return err
		}
	}
}

func (f osFile) Datasync() error { return f.control("fdatasync", unix.Fdatasync) }

func (f osFile) Preallocate(off, length int64) error {
	if ok, err := f.checkPreallocate(off, length); !ok {
		return err
	}
	err := f.control("fallocate", func(fd int) error { return unix.Fallocate(fd, 0, off, length) })
	if errors.Is(err, unix.EOPNOTSUPP) || errors.Is(err, unix.ENOSYS) {
		return preallocateByWriting(f.File, off, length)
	}
	return err
}

// Lock takes an flock(2) lock. flock locks belong to the open file
// description, so a second Lock of the same path in this process fails too,
// and the kernel drops the lock when the holder dies.
func (osFS) Lock(name string) (io.Closer, error) {
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	flock := func(f *os.File, how int) error {
		return osFile{f}.control("flock", func(fd int) error { return unix.Flock(fd, how) })
	}
	if err := flock(f, unix.LOCK_EX|unix.LOCK_NB); err != nil {
		if errors.Is(err, unix.EWOULDBLOCK) {
			pid := readPID(f)
			_ = f.Close()
			return nil, &LockedError{Path: name, PID: pid}
		}
		_ = f.Close()
		return nil, err
	}
	if err := lockPID(f); err != nil {
		_ = flock(f, unix.LOCK_UN)
		_ = f.Close()
		return nil, err
	}
	return &osLock{f: f, unlock: func(f *os.File) error { return flock(f, unix.LOCK_UN) }}, nil
}

// DiskUsage uses statfs(2). Block counts are in fragment-size units
// (f_frsize, equal to f_bsize on common Linux file systems).
func (osFS) DiskUsage(path string) (DiskUsage, error) {
	var st unix.Statfs_t
	if err := retryEINTR(func() error { return unix.Statfs(path, &st) }); err != nil {
		return DiskUsage{}, pathError("statfs", path, err)
	}
	bs := uint64(st.Frsize)
	if bs == 0 {
		bs = uint64(st.Bsize)
	}
	return DiskUsage{
		TotalBytes:     uint64(st.Blocks) * bs,
		AvailableBytes: uint64(st.Bavail) * bs,
		UsedBytes:      (uint64(st.Blocks) - uint64(st.Bfree)) * bs,
	}, nil
}

// StartWriteback asks the kernel to begin writing [off, off+length) to the
// device without waiting for it (sync_file_range SYNC_FILE_RANGE_WRITE), so
// that a later Datasync finds less to do. It makes nothing durable.
func (f osFile) StartWriteback(off, length int64) error {
	return f.control("sync_file_range", func(fd int) error {
		return unix.SyncFileRange(fd, off, length, unix.SYNC_FILE_RANGE_WRITE)
	})
}
