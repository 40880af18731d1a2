package memtable

import "github.com/keystonedb/kstone-shell/engine/internal/base"

// Iter walks every version in internal order, including tombstones and
// versions newer than any snapshot: the engine's merging iterator resolves
// versions and visibility. An Iter sees entries added after it was created
// if it reaches them.
type Iter struct {
	m *Memtable
	n *node
}

// NewIter returns an unpositioned iterator.
func (m *Memtable) NewIter() *Iter { return &Iter{m: m} }

// First positions at the first entry.
func (it *Iter) First() bool { it.n = it.m.head.tower[0].Load(); return it.n != nil }

// Last positions at the last entry.
func (it *Iter) Last() bool {
	x := &it.m.head
	for lvl := int(it.m.height.Load()) - 1; lvl >= 0; lvl-- {
		for next := x.tower[lvl].Load(); next != nil; next = x.tower[lvl].Load() {
			x = next
		}
	}
	if x == &it.m.head {
		it.n = nil
	} else {
		it.n = x
	}
	return it.n != nil
}

// SeekGE positions at the newest version of the first user key >= key.
func (it *Iter) SeekGE(key []byte) bool {
	it.n = it.m.seekGE(key, base.MakeTrailer(base.SeqNumMax, 0xff))
	return it.n != nil
}

// SeekLT positions at the last entry whose user key is < key.
func (it *Iter) SeekLT(key []byte) bool {
	it.n = it.m.seekLT(key, base.MakeTrailer(base.SeqNumMax, 0xff))
	return it.n != nil
}

// Next moves to the following entry.
func (it *Iter) Next() bool {
	if it.n != nil {
		it.n = it.n.tower[0].Load()
	}
	return it.n != nil
}

// Prev moves to the preceding entry. The list is singly linked, so this is
// a search from the top: O(log n).
func (it *Iter) Prev() bool {
	if it.n != nil {
		it.n = it.m.seekLT(it.n.key, it.n.trailer)
	}
	return it.n != nil
}

// Valid reports whether the iterator is positioned.
func (it *Iter) Valid() bool { return it.n != nil }

// Key returns the current user key; it stays valid for the memtable's life.
func (it *Iter) Key() []byte { return it.n.key }

// Trailer returns the current entry's sequence number and kind.
func (it *Iter) Trailer() base.Trailer { return it.n.trailer }

// Value returns the current value; it stays valid for the memtable's life.
func (it *Iter) Value() []byte { return it.n.value }
