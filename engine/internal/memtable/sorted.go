package memtable

import (
	"bytes"
	"slices"
)

// sortedView is the memtable's first n entries in internal order (user key
// ascending, newest version first). Views are immutable once published.
type sortedView struct {
	n    int
	refs []ref
}

// view returns a sorted view covering at least every entry added before
// the call.
func (m *Memtable) view() *sortedView {
	n := int(m.count.Load())
	if v := m.sorted.Load(); v.n >= n {
		return v
	}
	m.sortMu.Lock()
	defer m.sortMu.Unlock()
	old := m.sorted.Load()
	n = int(m.count.Load())
	if old.n >= n {
		return old
	}
	fresh := slices.Clone((*m.refs.Load())[old.n:n])
	slices.SortFunc(fresh, m.compareRefs)
	v := &sortedView{n: n, refs: m.merge(old.refs, fresh)}
	m.sorted.Store(v)
	return v
}

func (m *Memtable) compareRefs(x, y ref) int {
	a, b := m.a.entry(x), m.a.entry(y)
	if c := bytes.Compare(entryKey(a), entryKey(b)); c != 0 {
		return c
	}
	ta, tb := entryTrailer(a), entryTrailer(b)
	switch {
	case ta > tb:
		return -1
	case ta < tb:
		return 1
	}
	return 0
}

func (m *Memtable) merge(a, b []ref) []ref {
	if len(a) == 0 {
		return b
	}
	out := make([]ref, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if m.compareRefs(a[i], b[j]) <= 0 {
			out = append(out, a[i])
			i++
		} else {
			out = append(out, b[j])
			j++
		}
	}
	out = append(out, a[i:]...)
	return append(out, b[j:]...)
}
