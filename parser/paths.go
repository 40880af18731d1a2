package parser

import (
	"strconv"
	"strings"

	"github.com/keystonedb/kstone-shell/engine/item"
)

// Path is a resolved document path: #names replaced by the names they
// stand for, indexes as numbers. The first element is always a name (a
// top-level attribute).
type Path []PathElem

// PathElem is one element of a Path: a map key or attribute name, or (when
// IsIndex) a list index.
type PathElem struct {
	Name    string
	Index   int
	IsIndex bool
}

// String prints the path in expression syntax: a.b[2].c.
func (p Path) String() string {
	var b strings.Builder
	for i, e := range p {
		switch {
		case e.IsIndex:
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(e.Index))
			b.WriteByte(']')
		case i > 0:
			b.WriteByte('.')
			b.WriteString(e.Name)
		default:
			b.WriteString(e.Name)
		}
	}
	return b.String()
}

// listString prints the path the way DynamoDB's messages do: [a, b, [2]].
func (p Path) listString() string {
	var b strings.Builder
	b.WriteByte('[')
	for i, e := range p {
		if i > 0 {
			b.WriteString(", ")
		}
		if e.IsIndex {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(e.Index))
			b.WriteByte(']')
		} else {
			b.WriteString(e.Name)
		}
	}
	b.WriteByte(']')
	return b.String()
}

// Equal reports whether two paths are the same.
func (p Path) Equal(q Path) bool {
	if len(p) != len(q) {
		return false
	}
	for i := range p {
		if p[i] != q[i] {
			return false
		}
	}
	return true
}

// Get returns the value at the path, and false when the item has none: an
// attribute or key is missing, an index is past the end, or a step goes
// through a value that is not a map (for a name) or a list (for an index).
func (p Path) Get(it item.Item) (item.Value, bool) {
	if len(p) == 0 {
		return nil, false
	}
	v, ok := it[p[0].Name]
	if !ok {
		return nil, false
	}
	for _, e := range p[1:] {
		if v, ok = step(v, e); !ok {
			return nil, false
		}
	}
	return v, true
}

func step(v item.Value, e PathElem) (item.Value, bool) {
	if e.IsIndex {
		l, ok := v.(item.L)
		if !ok || e.Index >= len(l) {
			return nil, false
		}
		return l[e.Index], true
	}
	m, ok := v.(item.M)
	if !ok {
		return nil, false
	}
	v, ok = m[e.Name]
	return v, ok
}

// comparePaths orders paths element by element (names by bytes, indexes
// numerically, a name before an index, a prefix first).
func comparePaths(a, b Path) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		x, y := a[i], b[i]
		switch {
		case x.IsIndex != y.IsIndex:
			if x.IsIndex {
				return 1
			}
			return -1
		case x.IsIndex && x.Index != y.Index:
			if x.Index < y.Index {
				return -1
			}
			return 1
		case !x.IsIndex && x.Name != y.Name:
			return strings.Compare(x.Name, y.Name)
		}
	}
	return len(a) - len(b)
}

// pathClash says how two paths of one update or projection interfere:
// 0 not at all, clashOverlap when one is a prefix of the other, clashConflict
// when at some depth one uses a name and the other an index.
func pathClash(a, b Path) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i].IsIndex != b[i].IsIndex {
			return clashConflict
		}
		if a[i] != b[i] {
			return 0
		}
	}
	return clashOverlap
}

const (
	clashOverlap = 1 + iota
	clashConflict
)

// checkClashes reports, as DynamoDB does, the first pair of overlapping
// paths, or else the first pair of conflicting ones; each path is compared
// with those before it.
func checkClashes(paths []Path) (cat category, body string, at int) {
	conflict := ""
	conflictAt := -1
	for i, p := range paths {
		for _, q := range paths[:i] {
			switch pathClash(q, p) {
			case clashOverlap:
				return catOverlap, msgOverlap(q, p), i
			case clashConflict:
				if conflict == "" {
					conflict, conflictAt = msgConflict(q, p), i
				}
			}
		}
	}
	if conflict != "" {
		return catConflict, conflict, conflictAt
	}
	return 0, "", -1
}

// projNode is a tree of projected paths.
type projNode struct {
	leaf   bool
	names  map[string]*projNode
	idx    map[int]*projNode
	maxIdx int
}

func buildProjTree(paths []Path) *projNode {
	root := &projNode{}
	for _, p := range paths {
		n := root
		for _, e := range p {
			if n.leaf {
				break
			}
			n = n.child(e)
		}
		n.leaf, n.names, n.idx = true, nil, nil
	}
	return root
}

func (n *projNode) child(e PathElem) *projNode {
	if e.IsIndex {
		if n.idx == nil {
			n.idx = make(map[int]*projNode)
		}
		c := n.idx[e.Index]
		if c == nil {
			c = &projNode{}
			n.idx[e.Index] = c
			n.maxIdx = max(n.maxIdx, e.Index)
		}
		return c
	}
	if n.names == nil {
		n.names = make(map[string]*projNode)
	}
	c := n.names[e.Name]
	if c == nil {
		c = &projNode{}
		n.names[e.Name] = c
	}
	return c
}

// project returns the parts of v the node selects (deep copies), and false
// when it selects nothing. Selected list elements keep their order and
// close up: projecting l[1], l[3] of [a, b, c, d] gives [b, d].
func (n *projNode) project(v item.Value) (item.Value, bool) {
	if n.leaf {
		return item.Clone(v), true
	}
	switch v := v.(type) {
	case item.M:
		if n.names == nil {
			return nil, false
		}
		out := item.M{}
		for k, c := range n.names {
			if cv, ok := v[k]; ok {
				if pv, ok := c.project(cv); ok {
					out[k] = pv
				}
			}
		}
		return out, len(out) > 0
	case item.L:
		if n.idx == nil {
			return nil, false
		}
		var out item.L
		for i, e := range v {
			if i > n.maxIdx {
				break
			}
			if c := n.idx[i]; c != nil {
				if pv, ok := c.project(e); ok {
					out = append(out, pv)
				}
			}
		}
		return out, len(out) > 0
	}
	return nil, false
}

// Project returns a new item holding only the given paths of it (deep
// copies), as a ProjectionExpression or DynamoDB's UPDATED_OLD and
// UPDATED_NEW return values select them. Missing paths are left out.
func Project(it item.Item, paths []Path) item.Item {
	tree := buildProjTree(paths)
	out := item.Item{}
	for k, c := range tree.names {
		if v, ok := it[k]; ok {
			if pv, ok := c.project(v); ok {
				out[k] = pv
			}
		}
	}
	return out
}
