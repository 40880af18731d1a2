// Package memtable is a stripe's in-memory sorted write buffer: a skiplist of
// internal keys (user key ascending, newest version first).
//
// One goroutine at a time may Add (the engine holds the stripe's write lock);
// any number of goroutines may read and iterate concurrently with it,
// without locks. Nodes are only ever inserted, never removed or changed, and
// a node is linked bottom level first with atomic stores, so a reader either
// sees a node fully built or not at all.
//
// Entries are visible to readers by sequence number: Get and iterators take a
// snapshot and skip versions newer than it, which is how the engine hides
// writes whose WAL record is not yet durable.
package memtable

import (
	"bytes"
	"math/rand/v2"
	"sync/atomic"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
)

const maxHeight = 16

// nodeOverhead approximates the bytes a node costs beyond its key and value,
// so the engine's memory budget reflects real memory use.
const nodeOverhead = 64

type node struct {
	key     []byte
	value   []byte
	trailer base.Trailer
	tower   []atomic.Pointer[node]
}

// Memtable is a skiplist of versions. The zero value is not usable; call New.
type Memtable struct {
	head   node
	height atomic.Int32
	count  atomic.Int64
	bytes  atomic.Int64
	minSeq base.SeqNum // first Add; written only by the writer
	maxSeq atomic.Uint64
	slab   []byte // key/value storage, carved in chunks to save allocations
	rng    *rand.PCG
	prev   [maxHeight]*node // scratch for Add; writer only
}

const slabChunk = 64 << 10

// New returns an empty memtable.
func New() *Memtable {
	m := &Memtable{rng: rand.NewPCG(0x6b73746f6e65, 0x6d656d)}
	m.head.tower = make([]atomic.Pointer[node], maxHeight)
	m.height.Store(1)
	return m
}

// Len returns the number of entries (versions, tombstones included).
func (m *Memtable) Len() int { return int(m.count.Load()) }

// Bytes returns the approximate memory used by the entries.
func (m *Memtable) Bytes() int64 { return m.bytes.Load() }

// Empty reports whether nothing was added.
func (m *Memtable) Empty() bool { return m.count.Load() == 0 }

// MaxSeq returns the largest sequence number added, 0 when empty.
func (m *Memtable) MaxSeq() base.SeqNum { return base.SeqNum(m.maxSeq.Load()) }

// MinSeq returns the smallest sequence number added, 0 when empty. Only the
// writer or a reader of a memtable no longer written to may call it.
func (m *Memtable) MinSeq() base.SeqNum { return m.minSeq }

func (m *Memtable) randomHeight() int {
	h := 1
	for h < maxHeight && m.rng.Uint64()&3 == 0 {
		h++
	}
	return h
}

func (m *Memtable) copyBytes(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	if len(b) > slabChunk/4 {
		return append([]byte(nil), b...)
	}
	if len(m.slab)+len(b) > cap(m.slab) {
		m.slab = make([]byte, 0, slabChunk)
	}
	n := len(m.slab)
	m.slab = append(m.slab, b...)
	return m.slab[n : n+len(b) : n+len(b)]
}

// Add inserts a version. The caller must not call Add concurrently and must
// not add the same (key, trailer) twice. key and value are copied.
func (m *Memtable) Add(key []byte, t base.Trailer, value []byte) {
	// Find the predecessors at every level.
	h := int(m.height.Load())
	x := &m.head
	for lvl := maxHeight - 1; lvl >= 0; lvl-- {
		if lvl >= h {
			m.prev[lvl] = &m.head
			continue
		}
		for {
			next := x.tower[lvl].Load()
			if next == nil || base.CompareInternal(next.key, next.trailer, key, t) >= 0 {
				break
			}
			x = next
		}
		m.prev[lvl] = x
	}
	height := m.randomHeight()
	n := &node{
		key:     m.copyBytes(key),
		value:   m.copyBytes(value),
		trailer: t,
		tower:   make([]atomic.Pointer[node], height),
	}
	if height > h {
		m.height.Store(int32(height))
	}
	// Link bottom-up: once level 0 links the node, readers can find it, and
	// its own tower pointers are already set.
	for lvl := 0; lvl < height; lvl++ {
		n.tower[lvl].Store(m.prev[lvl].tower[lvl].Load())
		m.prev[lvl].tower[lvl].Store(n)
	}
	seq := t.SeqNum()
	if m.count.Load() == 0 || seq < m.minSeq {
		m.minSeq = seq
	}
	if uint64(seq) > m.maxSeq.Load() {
		m.maxSeq.Store(uint64(seq))
	}
	m.bytes.Add(int64(len(key) + len(value) + nodeOverhead + 8*height))
	m.count.Add(1)
}

// seekGE returns the first node at or after (key, t) in internal order.
func (m *Memtable) seekGE(key []byte, t base.Trailer) *node {
	x := &m.head
	for lvl := int(m.height.Load()) - 1; lvl >= 0; lvl-- {
		for {
			next := x.tower[lvl].Load()
			if next == nil || base.CompareInternal(next.key, next.trailer, key, t) >= 0 {
				break
			}
			x = next
		}
	}
	return x.tower[0].Load()
}

// seekLT returns the last node strictly before (key, t), or nil.
func (m *Memtable) seekLT(key []byte, t base.Trailer) *node {
	x := &m.head
	for lvl := int(m.height.Load()) - 1; lvl >= 0; lvl-- {
		for {
			next := x.tower[lvl].Load()
			if next == nil || base.CompareInternal(next.key, next.trailer, key, t) >= 0 {
				break
			}
			x = next
		}
	}
	if x == &m.head {
		return nil
	}
	return x
}

// Get returns the newest version of key with a sequence number <= snapshot.
// A tombstone is found with kind KindDelete. value must not be modified.
func (m *Memtable) Get(key []byte, snapshot base.SeqNum) (value []byte, kind base.Kind, seq base.SeqNum, found bool) {
	n := m.seekGE(key, base.MakeTrailer(snapshot, 0xff))
	if n == nil || !bytes.Equal(n.key, key) {
		return nil, 0, 0, false
	}
	return n.value, n.trailer.Kind(), n.trailer.SeqNum(), true
}
