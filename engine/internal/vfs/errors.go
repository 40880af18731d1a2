package vfs

import (
	"errors"
	"os"
	"strconv"
)

// ErrLocked is wrapped by Lock's error when the lock is held elsewhere.
var ErrLocked = errors.New("lock held by another process")

// ErrInjected is the error an injector returns by default. WithFaults wraps
// it in an *os.PathError (an *os.LinkError for Rename) like a real I/O
// error, so callers see the same shape as from the OS and errors.Is finds it.
var ErrInjected = errors.New("injected error")

// LockedError says who holds a lock, as far as the FS can tell.
type LockedError struct {
	Path string
	PID  int // the holder's process ID as written in the lock file, 0 if unknown
}

func (e *LockedError) Error() string {
	if e.PID > 0 {
		return "database is locked by process " + strconv.Itoa(e.PID) + " (" + e.Path + ")"
	}
	return "database is locked by another process (" + e.Path + ")"
}

// Unwrap makes errors.Is(err, ErrLocked) true.
func (e *LockedError) Unwrap() error { return ErrLocked }

// pathError builds the error an OS call on path would return.
func pathError(op, path string, err error) error {
	return &os.PathError{Op: op, Path: path, Err: err}
}
