package memtable

import (
	"bytes"
	"sort"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
)

// Iter walks every version in internal order, including tombstones and
// versions newer than any snapshot: the engine's merging iterator resolves
// versions and visibility. An Iter sees the entries added before it was
// created, not those added later.
type Iter struct {
	m   *Memtable
	v   *sortedView
	i   int
	cur []byte // the current entry's bytes; nil when not positioned
}

// NewIter returns an unpositioned iterator.
func (m *Memtable) NewIter() *Iter { return &Iter{m: m, v: m.view(), i: -1} }

func (it *Iter) set(i int) bool {
	if i < 0 || i >= len(it.v.refs) {
		it.i, it.cur = -1, nil
		return false
	}
	it.i, it.cur = i, it.m.a.entry(it.v.refs[i])
	return true
}

// First positions at the first entry.
func (it *Iter) First() bool { return it.set(0) }

// Last positions at the last entry.
func (it *Iter) Last() bool { return it.set(len(it.v.refs) - 1) }

// seek returns the index of the first entry whose user key is >= key.
func (it *Iter) seek(key []byte) int {
	return sort.Search(len(it.v.refs), func(i int) bool {
		return bytes.Compare(entryKey(it.m.a.entry(it.v.refs[i])), key) >= 0
	})
}

// SeekGE positions at the newest version of the first user key >= key.
func (it *Iter) SeekGE(key []byte) bool { return it.set(it.seek(key)) }

// SeekLT positions at the last entry whose user key is < key.
func (it *Iter) SeekLT(key []byte) bool { return it.set(it.seek(key) - 1) }

// Next moves to the following entry.
func (it *Iter) Next() bool {
	if it.cur == nil {
		return false
	}
	return it.set(it.i + 1)
}

// Prev moves to the preceding entry.
func (it *Iter) Prev() bool {
	if it.cur == nil {
		return false
	}
	return it.set(it.i - 1)
}

// Valid reports whether the iterator is positioned.
func (it *Iter) Valid() bool { return it.cur != nil }

// Key returns the current user key; it stays valid for the memtable's life.
func (it *Iter) Key() []byte { return entryKey(it.cur) }

// Trailer returns the current entry's sequence number and kind.
func (it *Iter) Trailer() base.Trailer { return base.Trailer(entryTrailer(it.cur)) }

// Value returns the current value; it stays valid for the memtable's life.
func (it *Iter) Value() []byte { return entryValue(it.cur) }
