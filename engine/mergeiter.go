package engine

import (
	"bytes"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
)

// internalIter walks the versions of one source (a memtable or an SST) in
// internal order: user key ascending, newest version first.
type internalIter interface {
	First() bool
	Last() bool
	SeekGE(key []byte) bool
	SeekLT(key []byte) bool
	Next() bool
	Prev() bool
	Valid() bool
	Key() []byte
	Trailer() base.Trailer
	Value() []byte
}

// errorer is implemented by sources that can fail (SSTs).
type errorer interface{ Error() error }

// mergeIter merges a stripe's sources into its visible items at a snapshot:
// for each user key the newest version with seq <= snapshot, tombstones
// hiding the key. It moves in one direction, chosen by its first
// positioning call (First/SeekGE forward, Last/SeekLT backward). Bounds are
// user keys: [lower, upper).
type mergeIter struct {
	srcs         []internalIter
	snap         base.SeqNum
	lower, upper []byte
	reverse      bool
	heap         []int // indexes into srcs of valid sources
	key          []byte
	value        []byte
	valid        bool
	err          error
}

func newMergeIter(srcs []internalIter, snap base.SeqNum, lower, upper []byte) *mergeIter {
	return &mergeIter{srcs: srcs, snap: snap, lower: lower, upper: upper, heap: make([]int, 0, len(srcs))}
}

// First positions at the first visible item at or after lower.
func (m *mergeIter) First() bool {
	if m.lower != nil {
		return m.SeekGE(m.lower)
	}
	m.reverse = false
	m.heap = m.heap[:0]
	for i, s := range m.srcs {
		if s.First() {
			m.heap = append(m.heap, i)
		}
	}
	return m.startForward()
}

// SeekGE positions at the first visible item with key >= key.
func (m *mergeIter) SeekGE(key []byte) bool {
	if m.lower != nil && bytes.Compare(key, m.lower) < 0 {
		key = m.lower
	}
	m.reverse = false
	m.heap = m.heap[:0]
	for i, s := range m.srcs {
		if s.SeekGE(key) {
			m.heap = append(m.heap, i)
		}
	}
	return m.startForward()
}

// Last positions at the last visible item before upper.
func (m *mergeIter) Last() bool {
	if m.upper != nil {
		return m.SeekLT(m.upper)
	}
	m.reverse = true
	m.heap = m.heap[:0]
	for i, s := range m.srcs {
		if s.Last() {
			m.heap = append(m.heap, i)
		}
	}
	return m.startReverse()
}

// SeekLT positions at the last visible item with key < key.
func (m *mergeIter) SeekLT(key []byte) bool {
	if m.upper != nil && bytes.Compare(key, m.upper) > 0 {
		key = m.upper
	}
	m.reverse = true
	m.heap = m.heap[:0]
	for i, s := range m.srcs {
		if s.SeekLT(key) {
			m.heap = append(m.heap, i)
		}
	}
	return m.startReverse()
}

func (m *mergeIter) startForward() bool {
	if m.checkErr() {
		return false
	}
	m.initHeap()
	return m.findForward()
}

func (m *mergeIter) startReverse() bool {
	if m.checkErr() {
		return false
	}
	m.initHeap()
	return m.findReverse()
}

// Next moves to the next visible item (forward iterators only).
func (m *mergeIter) Next() bool {
	if !m.valid || m.reverse {
		return false
	}
	return m.findForward()
}

// Prev moves to the previous visible item (backward iterators only).
func (m *mergeIter) Prev() bool {
	if !m.valid || !m.reverse {
		return false
	}
	return m.findReverse()
}

// findForward leaves the iterator on the next visible item. The heap top
// is the smallest user key and, for equal keys, the newest version; every
// version of the key the top belonged to before the call was consumed.
func (m *mergeIter) findForward() bool {
	m.valid = false
	for len(m.heap) > 0 {
		top := m.srcs[m.heap[0]]
		k := top.Key()
		if m.upper != nil && bytes.Compare(k, m.upper) >= 0 {
			return false
		}
		t := top.Trailer()
		if t.SeqNum() > m.snap {
			m.advance(0)
			continue
		}
		m.key = append(m.key[:0], k...)
		m.value = top.Value()
		kind := t.Kind()
		// Skip the older versions of this key in every source.
		for len(m.heap) > 0 && bytes.Equal(m.srcs[m.heap[0]].Key(), m.key) {
			m.advance(0)
		}
		if m.checkErr() {
			return false
		}
		if kind == base.KindSet {
			m.valid = true
			return true
		}
	}
	m.checkErr()
	return false
}

// findReverse leaves the iterator on the previous visible item. Backward,
// a key's versions come oldest first, so all of them are read before the
// newest visible one is known.
func (m *mergeIter) findReverse() bool {
	m.valid = false
	for len(m.heap) > 0 {
		k := m.srcs[m.heap[0]].Key()
		if m.lower != nil && bytes.Compare(k, m.lower) < 0 {
			return false
		}
		m.key = append(m.key[:0], k...)
		var best base.Trailer
		found := false
		for len(m.heap) > 0 && bytes.Equal(m.srcs[m.heap[0]].Key(), m.key) {
			s := m.srcs[m.heap[0]]
			if t := s.Trailer(); t.SeqNum() <= m.snap && (!found || t > best) {
				best, found = t, true
				m.value = s.Value()
			}
			m.advance(0)
		}
		if m.checkErr() {
			return false
		}
		if found && best.Kind() == base.KindSet {
			m.valid = true
			return true
		}
	}
	m.checkErr()
	return false
}

// Valid reports whether the iterator is on an item.
func (m *mergeIter) Valid() bool { return m.valid }

// Key returns the current item's user key, valid until the next move.
func (m *mergeIter) Key() []byte { return m.key }

// Value returns the current item's encoded value; it stays valid while
// the sources' memtables and SSTs are referenced.
func (m *mergeIter) Value() []byte { return m.value }

// Error returns the first error a source reported.
func (m *mergeIter) Error() error { return m.err }

func (m *mergeIter) checkErr() bool {
	if m.err != nil {
		return true
	}
	for _, s := range m.srcs {
		if e, ok := s.(errorer); ok && e.Error() != nil {
			m.err = e.Error()
			m.valid = false
			return true
		}
	}
	return false
}

// advance moves heap entry i's source one step and restores the heap.
func (m *mergeIter) advance(i int) {
	s := m.srcs[m.heap[i]]
	var ok bool
	if m.reverse {
		ok = s.Prev()
	} else {
		ok = s.Next()
	}
	if ok {
		m.down(i)
		return
	}
	last := len(m.heap) - 1
	m.heap[i] = m.heap[last]
	m.heap = m.heap[:last]
	if i < len(m.heap) {
		m.down(i)
	}
}

// less orders heap entries: forward, smaller key then newer version first;
// backward, larger key first.
func (m *mergeIter) less(a, b int) bool {
	sa, sb := m.srcs[m.heap[a]], m.srcs[m.heap[b]]
	c := bytes.Compare(sa.Key(), sb.Key())
	if m.reverse {
		return c > 0
	}
	if c != 0 {
		return c < 0
	}
	return sa.Trailer() > sb.Trailer()
}

func (m *mergeIter) initHeap() {
	for i := len(m.heap)/2 - 1; i >= 0; i-- {
		m.down(i)
	}
}

func (m *mergeIter) down(i int) {
	n := len(m.heap)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		j := l
		if r := l + 1; r < n && m.less(r, l) {
			j = r
		}
		if !m.less(j, i) {
			return
		}
		m.heap[i], m.heap[j] = m.heap[j], m.heap[i]
		i = j
	}
}
