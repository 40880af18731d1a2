package vfs

import (
	"io"
	"os"
	"slices"
	"strconv"
	"sync/atomic"
)

// OpKind names a kind of file-system operation, for fault injection.
type OpKind uint8

// The operations ErrorFS reports to its Injector.
const (
	OpCreate      OpKind = iota + 1 // FS.Create
	OpOpen                          // FS.Open, FS.OpenReadWrite
	OpOpenDir                       // FS.OpenDir
	OpRemove                        // FS.Remove
	OpRemoveAll                     // FS.RemoveAll
	OpRename                        // FS.Rename
	OpMkdirAll                      // FS.MkdirAll
	OpList                          // FS.List
	OpStat                          // FS.Stat, File.Stat
	OpLock                          // FS.Lock
	OpRead                          // File.Read, File.ReadAt
	OpWrite                         // File.Write, File.WriteAt
	OpSync                          // File.Sync, File.Datasync
	OpPreallocate                   // File.Preallocate
	OpTruncate                      // File.Truncate
	OpClose                         // File.Close
	OpDiskUsage                     // FS.DiskUsage
)

func (k OpKind) String() string {
	switch k {
	case OpCreate:
		return "create"
	case OpOpen:
		return "open"
	case OpOpenDir:
		return "opendir"
	case OpRemove:
		return "remove"
	case OpRemoveAll:
		return "removeall"
	case OpRename:
		return "rename"
	case OpMkdirAll:
		return "mkdirall"
	case OpList:
		return "list"
	case OpStat:
		return "stat"
	case OpLock:
		return "lock"
	case OpRead:
		return "read"
	case OpWrite:
		return "write"
	case OpSync:
		return "sync"
	case OpPreallocate:
		return "preallocate"
	case OpTruncate:
		return "truncate"
	case OpClose:
		return "close"
	case OpDiskUsage:
		return "diskusage"
	}
	return "OpKind(" + strconv.Itoa(int(k)) + ")"
}

// IsMutation reports whether the operation can change the file system:
// create, remove, removeall, rename, mkdirall, write, sync, preallocate,
// truncate and lock.
func (k OpKind) IsMutation() bool {
	switch k {
	case OpCreate, OpRemove, OpRemoveAll, OpRename, OpMkdirAll, OpWrite,
		OpSync, OpPreallocate, OpTruncate, OpLock:
		return true
	}
	return false
}

// Op is one file-system operation as an Injector sees it.
type Op struct {
	Kind OpKind
	// Path is the name the operation was called with; for a File method,
	// the name the file was opened with; for Rename, the old name.
	Path string
	// NewPath is Rename's new name, empty for other operations.
	NewPath string
}

func (op Op) String() string {
	if op.NewPath != "" {
		return op.Kind.String() + " " + op.Path + " -> " + op.NewPath
	}
	return op.Kind.String() + " " + op.Path
}

// An Injector decides whether an operation fails. MaybeError is called
// before the operation reaches the inner FS, possibly from several
// goroutines at once; a non-nil result fails the operation with that error.
type Injector interface {
	MaybeError(op Op) error
}

// InjectorFunc adapts a function to an Injector.
type InjectorFunc func(op Op) error

// MaybeError calls f(op).
func (f InjectorFunc) MaybeError(op Op) error { return f(op) }

// KindFilter returns a filter for NewOnIndex and NewToggle matching the
// given kinds.
func KindFilter(kinds ...OpKind) func(Op) bool {
	kinds = slices.Clone(kinds)
	return func(op Op) bool { return slices.Contains(kinds, op.Kind) }
}

func mutations(op Op) bool { return op.Kind.IsMutation() }

// OnIndex fails exactly the n-th matching operation (counting from 1) with
// ErrInjected. A fault sweep runs a workload with n = 1, 2, … and stops when
// Fired reports false: n then lies past the workload's last matching
// operation (Count tells how many there were).
type OnIndex struct {
	n      int64
	filter func(Op) bool
	count  atomic.Int64
	fired  atomic.Bool
}

// NewOnIndex returns an injector failing the n-th operation passing filter.
// Default filter (nil): mutations (OpKind.IsMutation).
func NewOnIndex(n int64, filter func(Op) bool) *OnIndex {
	if filter == nil {
		filter = mutations
	}
	return &OnIndex{n: n, filter: filter}
}

// MaybeError counts matching operations and fails the n-th.
func (o *OnIndex) MaybeError(op Op) error {
	if !o.filter(op) {
		return nil
	}
	if o.count.Add(1) == o.n {
		o.fired.Store(true)
		return ErrInjected
	}
	return nil
}

// Count returns how many matching operations were seen, the failed one
// included.
func (o *OnIndex) Count() int64 { return o.count.Load() }

// Fired reports whether the n-th operation was reached and failed.
func (o *OnIndex) Fired() bool { return o.fired.Load() }

// Toggle fails every matching operation while enabled; it starts disabled.
// With syscall.ENOSPC and a filter for writes it simulates a full disk.
type Toggle struct {
	err     error
	filter  func(Op) bool
	enabled atomic.Bool
}

// NewToggle returns a disabled Toggle failing operations passing filter
// with err. Default err (nil): ErrInjected. Default filter (nil):
// mutations (OpKind.IsMutation).
func NewToggle(err error, filter func(Op) bool) *Toggle {
	if err == nil {
		err = ErrInjected
	}
	if filter == nil {
		filter = mutations
	}
	return &Toggle{err: err, filter: filter}
}

// Enable makes matching operations fail.
func (t *Toggle) Enable() { t.enabled.Store(true) }

// Disable lets operations through again.
func (t *Toggle) Disable() { t.enabled.Store(false) }

// Enabled reports whether the Toggle is failing operations.
func (t *Toggle) Enabled() bool { return t.enabled.Load() }

// MaybeError fails op while enabled if it matches.
func (t *Toggle) MaybeError(op Op) error {
	if t.enabled.Load() && t.filter(op) {
		return t.err
	}
	return nil
}

// WithFaults wraps inner so that every FS and File operation first asks inj.
// An injected error is returned as an *os.PathError (an *os.LinkError for
// Rename) wrapping the injector's error, unless the injector already
// returned one of those, and the operation is not performed: a failed
// Write writes nothing. The exception is Close, which closes the inner file
// anyway (as close(2) releases the descriptor even when it fails) and then
// returns the injected error. The io.Closer returned by Lock is not wrapped.
func WithFaults(inner FS, inj Injector) FS {
	return &errorFS{inner: inner, inj: inj}
}

type errorFS struct {
	inner FS
	inj   Injector
}

// fault asks the injector about an operation and shapes its error.
func fault(inj Injector, kind OpKind, osOp, name string) error {
	err := inj.MaybeError(Op{Kind: kind, Path: name})
	if err == nil {
		return nil
	}
	switch err.(type) {
	case *os.PathError, *os.LinkError:
		return err
	}
	return pathError(osOp, name, err)
}

func (e *errorFS) wrap(f File, name string, err error) (File, error) {
	if err != nil {
		return nil, err
	}
	return &errorFile{inner: f, name: name, inj: e.inj}, nil
}

func (e *errorFS) Create(name string) (File, error) {
	if err := fault(e.inj, OpCreate, "open", name); err != nil {
		return nil, err
	}
	f, err := e.inner.Create(name)
	return e.wrap(f, name, err)
}

func (e *errorFS) Open(name string) (File, error) {
	if err := fault(e.inj, OpOpen, "open", name); err != nil {
		return nil, err
	}
	f, err := e.inner.Open(name)
	return e.wrap(f, name, err)
}

func (e *errorFS) OpenReadWrite(name string) (File, error) {
	if err := fault(e.inj, OpOpen, "open", name); err != nil {
		return nil, err
	}
	f, err := e.inner.OpenReadWrite(name)
	return e.wrap(f, name, err)
}

func (e *errorFS) OpenDir(name string) (File, error) {
	if err := fault(e.inj, OpOpenDir, "open", name); err != nil {
		return nil, err
	}
	f, err := e.inner.OpenDir(name)
	return e.wrap(f, name, err)
}

func (e *errorFS) Remove(name string) error {
	if err := fault(e.inj, OpRemove, "remove", name); err != nil {
		return err
	}
	return e.inner.Remove(name)
}

func (e *errorFS) RemoveAll(name string) error {
	if err := fault(e.inj, OpRemoveAll, "unlinkat", name); err != nil {
		return err
	}
	return e.inner.RemoveAll(name)
}

func (e *errorFS) Rename(oldname, newname string) error {
	if err := e.inj.MaybeError(Op{Kind: OpRename, Path: oldname, NewPath: newname}); err != nil {
		switch err.(type) {
		case *os.PathError, *os.LinkError:
			return err
		}
		return &os.LinkError{Op: "rename", Old: oldname, New: newname, Err: err}
	}
	return e.inner.Rename(oldname, newname)
}

func (e *errorFS) MkdirAll(dir string, perm os.FileMode) error {
	if err := fault(e.inj, OpMkdirAll, "mkdir", dir); err != nil {
		return err
	}
	return e.inner.MkdirAll(dir, perm)
}

func (e *errorFS) List(dir string) ([]string, error) {
	if err := fault(e.inj, OpList, "open", dir); err != nil {
		return nil, err
	}
	return e.inner.List(dir)
}

func (e *errorFS) Stat(name string) (os.FileInfo, error) {
	if err := fault(e.inj, OpStat, "stat", name); err != nil {
		return nil, err
	}
	return e.inner.Stat(name)
}

func (e *errorFS) Lock(name string) (io.Closer, error) {
	if err := fault(e.inj, OpLock, "open", name); err != nil {
		return nil, err
	}
	return e.inner.Lock(name)
}

func (e *errorFS) DiskUsage(path string) (DiskUsage, error) {
	if err := fault(e.inj, OpDiskUsage, "statfs", path); err != nil {
		return DiskUsage{}, err
	}
	return e.inner.DiskUsage(path)
}

func (e *errorFS) PathJoin(elem ...string) string { return e.inner.PathJoin(elem...) }
func (e *errorFS) PathBase(path string) string    { return e.inner.PathBase(path) }

type errorFile struct {
	inner File
	name  string
	inj   Injector
}

func (f *errorFile) Read(p []byte) (int, error) {
	if err := fault(f.inj, OpRead, "read", f.name); err != nil {
		return 0, err
	}
	return f.inner.Read(p)
}

func (f *errorFile) ReadAt(p []byte, off int64) (int, error) {
	if err := fault(f.inj, OpRead, "read", f.name); err != nil {
		return 0, err
	}
	return f.inner.ReadAt(p, off)
}

func (f *errorFile) Write(p []byte) (int, error) {
	if err := fault(f.inj, OpWrite, "write", f.name); err != nil {
		return 0, err
	}
	return f.inner.Write(p)
}

func (f *errorFile) WriteAt(p []byte, off int64) (int, error) {
	if err := fault(f.inj, OpWrite, "write", f.name); err != nil {
		return 0, err
	}
	return f.inner.WriteAt(p, off)
}

func (f *errorFile) Close() error {
	injected := fault(f.inj, OpClose, "close", f.name)
	err := f.inner.Close()
	if injected != nil {
		return injected
	}
	return err
}

func (f *errorFile) Sync() error {
	if err := fault(f.inj, OpSync, "sync", f.name); err != nil {
		return err
	}
	return f.inner.Sync()
}

func (f *errorFile) Datasync() error {
	if err := fault(f.inj, OpSync, "fdatasync", f.name); err != nil {
		return err
	}
	return f.inner.Datasync()
}

func (f *errorFile) Preallocate(off, length int64) error {
	if err := fault(f.inj, OpPreallocate, "fallocate", f.name); err != nil {
		return err
	}
	return f.inner.Preallocate(off, length)
}

func (f *errorFile) Truncate(size int64) error {
	if err := fault(f.inj, OpTruncate, "truncate", f.name); err != nil {
		return err
	}
	return f.inner.Truncate(size)
}

func (f *errorFile) Stat() (os.FileInfo, error) {
	if err := fault(f.inj, OpStat, "stat", f.name); err != nil {
		return nil, err
	}
	return f.inner.Stat()
}
