package vfs

import (
	"maps"
	"slices"
	"syscall"
)

// memNode is an inode: a file or a directory.
type memNode struct {
	dir bool

	// Files.
	data    []byte   // current content
	durable []byte   // content that survives a crash
	log     []fileOp // unsynced operations since the last sync, oldest first
	nlink   int      // current directory entries naming this inode
	opens   int      // open handles

	// Directories.
	entries        map[string]*memNode // current entries
	durableEntries map[string]*memNode // entries that survive a crash
	dirLog         []dirOp             // unsynced entry operations, oldest first
}

// fileOpKind names an unsynced change to a file's content.
type fileOpKind uint8

const (
	opWrite       fileOpKind = iota // write data at off
	opTruncate                      // set the size to size
	opPreallocate                   // extend the size to at least size with zeros
)

// fileOp is one unsynced change to a file's content.
type fileOp struct {
	kind fileOpKind
	off  int64
	data []byte
	size int64
}

// apply returns b with op applied; it may reuse b's storage.
func (op fileOp) apply(b []byte) []byte {
	switch op.kind {
	case opWrite:
		end := op.off + int64(len(op.data))
		if end > int64(len(b)) {
			b = resize(b, end)
		}
		copy(b[op.off:], op.data)
	case opTruncate:
		b = resize(b, op.size)
	case opPreallocate:
		if op.size > int64(len(b)) {
			b = resize(b, op.size)
		}
	}
	return b
}

// resize returns b with the given length; new bytes are zero.
func resize(b []byte, size int64) []byte {
	n := int(size)
	if n <= len(b) {
		return b[:n]
	}
	old := len(b)
	b = slices.Grow(b, n-old)[:n]
	clear(b[old:])
	return b
}

// dirOp is one unsynced change to a directory's entries: remove del (if
// set), then point set at node (if set). A rename within one directory is a
// single op, so it is atomic across a crash.
type dirOp struct {
	del  string
	set  string
	node *memNode
}

func (op dirOp) apply(entries map[string]*memNode) {
	if op.del != "" {
		delete(entries, op.del)
	}
	if op.set != "" {
		entries[op.set] = op.node
	}
}

func newDir() *memNode {
	return &memNode{dir: true, entries: map[string]*memNode{}, durableEntries: map[string]*memNode{}}
}

// link adds an entry to dir, recording it in the directory's log.
func (m *MemFS) link(dir *memNode, base string, n *memNode) {
	dir.entries[base] = n
	dir.dirLog = append(dir.dirLog, dirOp{set: base, node: n})
	if !n.dir {
		n.nlink++
	}
}

// unlink removes an entry from dir, recording it in the directory's log.
func (m *MemFS) unlink(dir *memNode, base string) {
	n := dir.entries[base]
	delete(dir.entries, base)
	dir.dirLog = append(dir.dirLog, dirOp{del: base})
	m.dropLink(n)
}

// dropLink accounts for one fewer name of n.
func (m *MemFS) dropLink(n *memNode) {
	if !n.dir {
		n.nlink--
		m.release(n)
	}
}

// release frees a file inode's current content once nothing refers to it:
// no name and no open handle. Its durable content and log stay, because a
// durable directory entry may still name it.
func (m *MemFS) release(n *memNode) {
	if !n.dir && n.nlink == 0 && n.opens == 0 {
		m.usage -= int64(len(n.data))
		n.data = nil
	}
}

// live reports whether a file inode counts against capacity.
func live(n *memNode) bool { return n.nlink > 0 || n.opens > 0 }

// change applies op to n's current content and logs it, failing with ENOSPC
// (and changing nothing) if the growth would exceed the capacity.
func (m *MemFS) change(n *memNode, op fileOp) error {
	var size int64
	switch op.kind {
	case opWrite:
		size = max(int64(len(n.data)), op.off+int64(len(op.data)))
	case opTruncate:
		size = op.size
	case opPreallocate:
		size = max(int64(len(n.data)), op.size)
	}
	delta := size - int64(len(n.data))
	if live(n) {
		if delta > 0 && m.capacity > 0 && m.usage+delta > m.capacity {
			return syscall.ENOSPC
		}
		m.usage += delta
	}
	if op.kind == opWrite {
		op.data = slices.Clone(op.data)
	}
	n.data = op.apply(n.data)
	n.log = append(n.log, op)
	return nil
}

// syncFile makes a file's current content durable.
func syncFile(n *memNode) {
	for _, op := range n.log {
		n.durable = op.apply(n.durable)
	}
	n.log = nil
}

// syncDir makes a directory's current entries durable.
func syncDir(n *memNode) {
	n.durableEntries = maps.Clone(n.entries)
	n.dirLog = nil
}
