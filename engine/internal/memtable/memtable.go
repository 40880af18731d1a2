// Package memtable is a stripe's in-memory write buffer.
//
// Writes are appended to an arena and indexed by a hash table, so an
// insert costs a couple of cache misses whatever the memtable's size, and a
// point lookup about as much. Order is needed only to iterate (queries,
// scans and the flush to an SST): an iterator gets a sorted view, built on
// demand by sorting the entries added since the last view and merging them
// in. A stripe's memtable is small (1000 records by default), and 256 of
// them are live at once, so keeping writes and point reads away from an
// ordered structure's many cache misses pays.
//
// One goroutine at a time may Add (the engine holds the stripe's write
// lock); any number of goroutines may read and iterate concurrently with
// it, without locks. Entries are only ever appended, never changed, and are
// published with atomic stores, so a reader either sees an entry fully
// built or not at all.
//
// Entries are visible to readers by sequence number: Get and iterators take
// a snapshot and skip versions newer than it, which is how the engine hides
// writes whose WAL record is not yet durable.
package memtable

import (
	"bytes"
	"encoding/binary"
	"hash/maphash"
	"math/bits"
	"sync"
	"sync/atomic"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
)

// Memtable holds versions of keys. The zero value is not usable; call New.
type Memtable struct {
	a       arena
	seed    maphash.Seed
	buckets []atomic.Uint32 // head of each hash chain, newest entry first
	mask    uint32
	refs    atomic.Pointer[[]ref] // insertion order, full length; copied on growth
	count   atomic.Int64
	minSeq  base.SeqNum // written only by the writer
	maxSeq  atomic.Uint64

	sortMu sync.Mutex                 // one view build at a time
	sorted atomic.Pointer[sortedView] // the newest sorted view
}

// New returns an empty memtable sized for about expected entries (more fit;
// lookups just get slower).
func New(expected int) *Memtable {
	n := 1 << bits.Len(uint(max(expected, 16)-1))
	m := &Memtable{
		seed:    maphash.MakeSeed(),
		buckets: make([]atomic.Uint32, n),
		mask:    uint32(n - 1),
	}
	refs := make([]ref, n)
	m.refs.Store(&refs)
	m.sorted.Store(&sortedView{})
	return m
}

// Len returns the number of entries (versions, tombstones included).
func (m *Memtable) Len() int { return int(m.count.Load()) }

// Bytes returns the memory used by the entries and their index.
func (m *Memtable) Bytes() int64 { return m.a.used.Load() + 8*m.count.Load() }

// Empty reports whether nothing was added.
func (m *Memtable) Empty() bool { return m.count.Load() == 0 }

// Full reports whether the arena cannot grow further; the engine then
// rotates the memtable whatever its thresholds say.
func (m *Memtable) Full() bool { return m.a.full() }

// MaxSeq returns the largest sequence number added, 0 when empty.
func (m *Memtable) MaxSeq() base.SeqNum { return base.SeqNum(m.maxSeq.Load()) }

// MinSeq returns the smallest sequence number added, 0 when empty. Only the
// writer or a reader of a memtable no longer written to may call it.
func (m *Memtable) MinSeq() base.SeqNum { return m.minSeq }

func (m *Memtable) hash(key []byte) uint32 {
	h := maphash.Bytes(m.seed, key)
	return uint32(h ^ h>>32)
}

// Add inserts a version. The caller must not call Add concurrently, must
// not add the same (key, trailer) twice, and must add the versions of a key
// in increasing sequence order. key and value are copied.
func (m *Memtable) Add(key []byte, t base.Trailer, value []byte) {
	h := m.hash(key)
	r, b := m.a.alloc(entryHeader + len(key) + len(value))
	binary.LittleEndian.PutUint64(b[offTrailer:], uint64(t))
	binary.LittleEndian.PutUint32(b[offKeyLen:], uint32(len(key)))
	binary.LittleEndian.PutUint32(b[offValLen:], uint32(len(value)))
	binary.LittleEndian.PutUint32(b[offHash:], h)
	copy(b[entryHeader:], key)
	copy(b[entryHeader+len(key):], value)

	head := &m.buckets[h&m.mask]
	chainLink(b).Store(head.Load())
	m.appendRef(r)
	head.Store(uint32(r)) // publishes the entry to Get

	seq := t.SeqNum()
	if m.count.Load() == 0 || seq < m.minSeq {
		m.minSeq = seq
	}
	if uint64(seq) > m.maxSeq.Load() {
		m.maxSeq.Store(uint64(seq))
	}
	m.count.Add(1) // publishes the entry to iterators
}

// appendRef records r in insertion order. Readers only look at the first
// count refs, and a grown slice is published before count moves past the
// old one's length.
func (m *Memtable) appendRef(r ref) {
	n := int(m.count.Load())
	refs := *m.refs.Load()
	if n == len(refs) {
		grown := make([]ref, 2*len(refs))
		copy(grown, refs)
		m.refs.Store(&grown)
		refs = grown
	}
	refs[n] = r
}

// Get returns the newest version of key with a sequence number <= snapshot.
// A tombstone is found with kind KindDelete. value must not be modified.
func (m *Memtable) Get(key []byte, snapshot base.SeqNum) (value []byte, kind base.Kind, seq base.SeqNum, found bool) {
	h := m.hash(key)
	for r := ref(m.buckets[h&m.mask].Load()); r != 0; {
		b := m.a.entry(r)
		if entryHash(b) == h && bytes.Equal(entryKey(b), key) {
			t := base.Trailer(entryTrailer(b))
			if t.SeqNum() <= snapshot {
				return entryValue(b), t.Kind(), t.SeqNum(), true
			}
		}
		r = ref(chainLink(b).Load())
	}
	return nil, 0, 0, false
}
