package vfs

import (
	"fmt"
	"io"
	"maps"
	"os"
	"path"
	"slices"
	"strings"
	"sync"
	"syscall"
)

// unlimitedCapacity is the TotalBytes DiskUsage reports for a MemFS without
// a capacity.
const unlimitedCapacity = 1 << 40

// MemFS is an in-memory FS that models what survives a power loss; see the
// package documentation for the model. It is safe for concurrent use.
//
// Names are slash-separated and cleaned with path.Clean; relative and
// absolute names are the same ("a/b" is "/a/b"), and "", "." and "/" are the
// root directory, which always exists. Errors are *os.PathError (or
// *os.LinkError for Rename) wrapping the errno a Linux file system would
// return, so errors.Is(err, fs.ErrNotExist) and syscall.ENOSPC checks work.
// Permissions are not modelled (MkdirAll's perm is ignored) and ModTime is
// always the zero time.
type MemFS struct {
	mu       sync.RWMutex
	root     *memNode
	capacity int64           // 0 means unlimited
	usage    int64           // sum of current sizes of live file inodes
	locks    map[string]bool // cleaned paths held by Lock
}

// NewMem returns an empty in-memory file system with unlimited capacity.
func NewMem() *MemFS {
	return &MemFS{root: newDir(), locks: map[string]bool{}}
}

// clean maps a name to its absolute cleaned form.
func clean(name string) string { return path.Clean("/" + name) }

// split splits a cleaned path other than "/" into its directory and base.
func split(p string) (dir, base string) {
	i := strings.LastIndexByte(p, '/')
	if i == 0 {
		return "/", p[1:]
	}
	return p[:i], p[i+1:]
}

// lookup resolves a cleaned path. m.mu must be held.
func (m *MemFS) lookup(p string) (*memNode, error) {
	n := m.root
	if p == "/" {
		return n, nil
	}
	for _, part := range strings.Split(p[1:], "/") {
		if !n.dir {
			return nil, syscall.ENOTDIR
		}
		child, ok := n.entries[part]
		if !ok {
			return nil, syscall.ENOENT
		}
		n = child
	}
	return n, nil
}

// lookupParent resolves the directory holding a cleaned path other than
// "/". m.mu must be held.
func (m *MemFS) lookupParent(p string) (dir *memNode, base string, err error) {
	d, base := split(p)
	dir, err = m.lookup(d)
	if err != nil {
		return nil, "", err
	}
	if !dir.dir {
		return nil, "", syscall.ENOTDIR
	}
	return dir, base, nil
}

// SetCapacity sets the size of the simulated disk in bytes; 0 means
// unlimited. Usage is the sum of the current sizes of the files that still
// have a name or an open handle. A Write, WriteAt, Preallocate or Truncate
// that would take usage past the capacity fails with an *os.PathError
// wrapping syscall.ENOSPC and changes nothing. Lowering the capacity below
// the usage only makes later growth fail.
func (m *MemFS) SetCapacity(bytes int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.capacity = max(bytes, 0)
}

// SyncAll makes everything reachable by name durable, as if every file and
// directory had been synced. It is meant for test setup.
func (m *MemFS) SyncAll() {
	m.mu.Lock()
	defer m.mu.Unlock()
	var walk func(n *memNode)
	walk = func(n *memNode) {
		if !n.dir {
			syncFile(n)
			return
		}
		syncDir(n)
		for _, child := range n.entries {
			walk(child)
		}
	}
	walk(m.root)
}

func (m *MemFS) open(op, name string, create, truncate, write bool) (File, error) {
	p := clean(name)
	m.mu.Lock()
	defer m.mu.Unlock()
	var n *memNode
	if p == "/" {
		n = m.root
	} else {
		dir, base, err := m.lookupParent(p)
		if err != nil {
			return nil, pathError(op, name, err)
		}
		n = dir.entries[base]
		if n == nil {
			if !create {
				return nil, pathError(op, name, syscall.ENOENT)
			}
			n = &memNode{}
			m.link(dir, base, n)
		}
	}
	if n.dir && (write || create) {
		return nil, pathError(op, name, syscall.EISDIR)
	}
	if truncate && len(n.data) > 0 {
		if err := m.change(n, fileOp{kind: opTruncate}); err != nil {
			return nil, pathError(op, name, err)
		}
	}
	if !n.dir {
		n.opens++
	}
	return &memFile{fs: m, node: n, name: name, write: write}, nil
}

// Create creates or truncates a file; its parent directory must exist.
// Truncating an existing file keeps its inode.
func (m *MemFS) Create(name string) (File, error) {
	return m.open("open", name, true, true, true)
}

// Open opens an existing file (or directory) read-only.
func (m *MemFS) Open(name string) (File, error) {
	return m.open("open", name, false, false, false)
}

// OpenReadWrite opens an existing file for reading and writing.
func (m *MemFS) OpenReadWrite(name string) (File, error) {
	return m.open("open", name, false, false, true)
}

// OpenDir opens a directory; Sync on the handle makes its entries durable.
func (m *MemFS) OpenDir(name string) (File, error) {
	p := clean(name)
	m.mu.Lock()
	defer m.mu.Unlock()
	n, err := m.lookup(p)
	if err == nil && !n.dir {
		err = syscall.ENOTDIR
	}
	if err != nil {
		return nil, pathError("open", name, err)
	}
	return &memFile{fs: m, node: n, name: name}, nil
}

// Remove removes a file or an empty directory.
func (m *MemFS) Remove(name string) error {
	p := clean(name)
	if p == "/" {
		return pathError("remove", name, syscall.EBUSY)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	dir, base, err := m.lookupParent(p)
	if err != nil {
		return pathError("remove", name, err)
	}
	n := dir.entries[base]
	switch {
	case n == nil:
		return pathError("remove", name, syscall.ENOENT)
	case n.dir && len(n.entries) > 0:
		return pathError("remove", name, syscall.ENOTEMPTY)
	}
	m.unlink(dir, base)
	return nil
}

// RemoveAll removes a path and everything under it, one entry at a time as
// a real file system would, so every directory involved logs its removals.
// A path that does not exist is not an error.
func (m *MemFS) RemoveAll(name string) error {
	p := clean(name)
	if p == "/" {
		return pathError("unlinkat", name, syscall.EINVAL)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	dir, base, err := m.lookupParent(p)
	if err == syscall.ENOENT {
		return nil
	}
	if err != nil {
		return pathError("unlinkat", name, err)
	}
	n := dir.entries[base]
	if n == nil {
		return nil
	}
	var empty func(d *memNode)
	empty = func(d *memNode) {
		for _, child := range slices.Sorted(maps.Keys(d.entries)) {
			if c := d.entries[child]; c.dir {
				empty(c)
			}
			m.unlink(d, child)
		}
	}
	if n.dir {
		empty(n)
	}
	m.unlink(dir, base)
	return nil
}

// Rename moves oldname to newname, replacing a file there. Like os.Rename
// it refuses to replace a directory (EEXIST). Within one directory it is one entry
// operation; between two directories it is an unlink in the old one and a
// link in the new one, each durable when its own directory is synced.
func (m *MemFS) Rename(oldname, newname string) error {
	linkErr := func(err error) error {
		return &os.LinkError{Op: "rename", Old: oldname, New: newname, Err: err}
	}
	po, pn := clean(oldname), clean(newname)
	if po == "/" || pn == "/" {
		return linkErr(syscall.EBUSY)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	od, ob, err := m.lookupParent(po)
	if err != nil {
		return linkErr(err)
	}
	nd, nb, err := m.lookupParent(pn)
	if err != nil {
		return linkErr(err)
	}
	src := od.entries[ob]
	if src == nil {
		return linkErr(syscall.ENOENT)
	}
	dst := nd.entries[nb]
	switch {
	case dst != nil && dst.dir:
		return linkErr(syscall.EEXIST) // as os.Rename, even onto itself
	case dst == src:
		return nil // the same name, or two names of one inode: POSIX does nothing
	case src.dir && strings.HasPrefix(pn, po+"/"):
		return linkErr(syscall.EINVAL)
	case dst != nil && src.dir:
		return linkErr(syscall.ENOTDIR)
	}
	if od == nd {
		delete(od.entries, ob)
		od.entries[nb] = src
		od.dirLog = append(od.dirLog, dirOp{del: ob, set: nb, node: src})
	} else {
		delete(od.entries, ob)
		od.dirLog = append(od.dirLog, dirOp{del: ob})
		nd.entries[nb] = src
		nd.dirLog = append(nd.dirLog, dirOp{set: nb, node: src})
	}
	if dst != nil {
		m.dropLink(dst)
	}
	return nil
}

// MkdirAll creates a directory and its missing parents. Each new directory
// is an entry operation in its parent, durable when the parent is synced.
func (m *MemFS) MkdirAll(dir string, perm os.FileMode) error {
	p := clean(dir)
	m.mu.Lock()
	defer m.mu.Unlock()
	n := m.root
	if p == "/" {
		return nil
	}
	for _, part := range strings.Split(p[1:], "/") {
		child, ok := n.entries[part]
		if !ok {
			child = newDir()
			m.link(n, part, child)
		} else if !child.dir {
			return pathError("mkdir", dir, syscall.ENOTDIR)
		}
		n = child
	}
	return nil
}

// List returns the names in a directory, sorted.
func (m *MemFS) List(dir string) ([]string, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	n, err := m.lookup(clean(dir))
	if err == nil && !n.dir {
		err = syscall.ENOTDIR
	}
	if err != nil {
		return nil, pathError("open", dir, err)
	}
	return slices.Sorted(maps.Keys(n.entries)), nil
}

// Stat describes a path.
func (m *MemFS) Stat(name string) (os.FileInfo, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	n, err := m.lookup(clean(name))
	if err != nil {
		return nil, pathError("stat", name, err)
	}
	return memFileInfo{name: path.Base(clean(name)), size: int64(len(n.data)), dir: n.dir}, nil
}

// Lock takes an exclusive lock on name in this MemFS's lock table, creating
// the file if needed (its parent must exist). While it is held, another
// Lock of the same path fails with &LockedError{Path: name, PID:
// os.Getpid()}. A crash clone starts with no locks held.
func (m *MemFS) Lock(name string) (io.Closer, error) {
	p := clean(name)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.locks[p] {
		return nil, &LockedError{Path: name, PID: os.Getpid()}
	}
	if p == "/" {
		return nil, pathError("open", name, syscall.EISDIR)
	}
	dir, base, err := m.lookupParent(p)
	if err != nil {
		return nil, pathError("open", name, err)
	}
	switch n := dir.entries[base]; {
	case n == nil:
		m.link(dir, base, &memNode{})
	case n.dir:
		return nil, pathError("open", name, syscall.EISDIR)
	}
	m.locks[p] = true
	return &memLock{fs: m, path: p}, nil
}

type memLock struct {
	fs   *MemFS
	path string
	done bool // guarded by fs.mu
}

func (l *memLock) Close() error {
	l.fs.mu.Lock()
	defer l.fs.mu.Unlock()
	if l.done {
		return os.ErrClosed
	}
	l.done = true
	delete(l.fs.locks, l.path)
	return nil
}

// DiskUsage reports the capacity (1 TiB when unlimited) and the usage; path
// must exist.
func (m *MemFS) DiskUsage(p string) (DiskUsage, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if _, err := m.lookup(clean(p)); err != nil {
		return DiskUsage{}, pathError("statfs", p, err)
	}
	total := int64(unlimitedCapacity)
	if m.capacity > 0 {
		total = m.capacity
	}
	return DiskUsage{
		TotalBytes:     uint64(total),
		UsedBytes:      uint64(m.usage),
		AvailableBytes: uint64(max(total-m.usage, 0)),
	}, nil
}

// PathJoin joins slash-separated path elements.
func (m *MemFS) PathJoin(elem ...string) string { return path.Join(elem...) }

// PathBase returns the last element of a slash-separated path.
func (m *MemFS) PathBase(p string) string { return path.Base(p) }

// WriteFile creates name with data. It syncs neither the file nor its
// directory.
func (m *MemFS) WriteFile(name string, data []byte) error {
	f, err := m.Create(name)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// ReadFile returns the current content of name.
func (m *MemFS) ReadFile(name string) ([]byte, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	n, err := m.lookup(clean(name))
	if err == nil && n.dir {
		err = syscall.EISDIR
	}
	if err != nil {
		return nil, pathError("open", name, err)
	}
	return slices.Clone(n.data), nil
}

// String lists the tree, one entry per line, indented by depth: directories
// end in "/", files show their size. Unsynced state is marked: a file with
// unsynced changes shows "unsynced=N" (N logged operations), a directory
// with unsynced entry operations shows "unsynced=N".
func (m *MemFS) String() string {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var b strings.Builder
	var walk func(n *memNode, name string, depth int)
	walk = func(n *memNode, name string, depth int) {
		b.WriteString(strings.Repeat("  ", depth))
		if n.dir {
			b.WriteString(name + "/")
			if len(n.dirLog) > 0 {
				fmt.Fprintf(&b, " unsynced=%d", len(n.dirLog))
			}
			b.WriteByte('\n')
			for _, child := range slices.Sorted(maps.Keys(n.entries)) {
				walk(n.entries[child], child, depth+1)
			}
			return
		}
		fmt.Fprintf(&b, "%s %d", name, len(n.data))
		if len(n.log) > 0 {
			fmt.Fprintf(&b, " unsynced=%d", len(n.log))
		}
		b.WriteByte('\n')
	}
	walk(m.root, "", 0)
	return b.String()
}
