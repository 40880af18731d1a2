package vfs

import (
	"maps"
	"math/rand/v2"
	"slices"
)

// CrashOptions controls what CrashClone keeps of the unsynced state.
type CrashOptions struct {
	// Rand, when set, makes the crash adversarial: for every file a random
	// prefix of its unsynced operations survives, the last surviving write
	// torn with probability 1/2 to a random shorter prefix of its bytes
	// (possibly none), and for every directory a random prefix of its
	// unsynced entry operations survives. Choices are made in a fixed order
	// (a depth-first walk of the surviving tree in name order), so a seeded
	// Rand reproduces a crash.
	//
	// Default: nil, which drops everything unsynced.
	Rand *rand.Rand
}

// CrashClone returns a new, independent MemFS holding what would survive a
// power loss now: the root directory, and from it the durable directory
// entries, naming inodes with their durable content (plus, with
// opts.Rand, part of what was not synced). In the clone everything is
// durable, no lock is held and the capacity is the same. m is not changed
// and keeps working.
//
// Files named twice in the surviving entries (possible after a rename
// between directories of which only the new one was synced) are one inode
// with two names. A directory reachable twice keeps only its first name in
// walk order.
func (m *MemFS) CrashClone(opts CrashOptions) *MemFS {
	m.mu.RLock()
	defer m.mu.RUnlock()
	c := &crasher{rand: opts.Rand, clones: map[*memNode]*memNode{}}
	out := NewMem()
	out.capacity = m.capacity
	out.root = c.dir(m.root)
	out.usage = c.usage
	return out
}

type crasher struct {
	rand   *rand.Rand
	clones map[*memNode]*memNode // original inode → its clone
	usage  int64
}

// prefix returns how many of n unsynced operations survive.
func (c *crasher) prefix(n int) int {
	if c.rand == nil || n == 0 {
		return 0
	}
	return c.rand.IntN(n + 1)
}

func (c *crasher) dir(n *memNode) *memNode {
	out := newDir()
	c.clones[n] = out
	entries := maps.Clone(n.durableEntries)
	for _, op := range n.dirLog[:c.prefix(len(n.dirLog))] {
		op.apply(entries)
	}
	for _, name := range slices.Sorted(maps.Keys(entries)) {
		child := entries[name]
		if clone, seen := c.clones[child]; seen {
			if clone.dir {
				continue
			}
			out.entries[name] = clone
			clone.nlink++
			continue
		}
		if child.dir {
			out.entries[name] = c.dir(child)
			continue
		}
		clone := c.file(child)
		c.clones[child] = clone
		clone.nlink++
		out.entries[name] = clone
	}
	out.durableEntries = maps.Clone(out.entries)
	return out
}

func (c *crasher) file(n *memNode) *memNode {
	data := slices.Clone(n.durable)
	k := c.prefix(len(n.log))
	for i, op := range n.log[:k] {
		if i == k-1 && op.kind == opWrite && len(op.data) > 0 && c.rand.IntN(2) == 0 {
			op.data = op.data[:c.rand.IntN(len(op.data))] // torn write
		}
		data = op.apply(data)
	}
	c.usage += int64(len(data))
	return &memNode{data: data, durable: slices.Clone(data)}
}
