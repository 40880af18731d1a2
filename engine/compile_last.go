package engine

import (
	"maps"

	"github.com/keystonedb/kstone-shell/engine/item"
	"github.com/keystonedb/kstone-shell/parser"
)

// lastCompiled is the most recently compiled request. A loop that runs one
// statement with the same bindings again and again (a counter, a batch of
// updates) finds it by comparing, without building the cache key, which
// costs more than the comparison.
type lastCompiled struct {
	exprs [5]string // update, condition, filter, key condition, projection
	b     Bindings  // a deep copy: the caller may change its maps later
	c     *parser.Compiled
}

func newLastCompiled(b Bindings, exprs [5]string, c *parser.Compiled) *lastCompiled {
	l := &lastCompiled{exprs: exprs, c: c, b: Bindings{Dialect: b.Dialect, Names: maps.Clone(b.Names)}}
	if b.Values != nil {
		l.b.Values = make(map[string]item.Value, len(b.Values))
		for k, v := range b.Values {
			l.b.Values[k] = item.Clone(v)
		}
	}
	return l
}

// matches reports whether a request with these expressions and bindings
// compiles to l.c.
func (l *lastCompiled) matches(b Bindings, exprs [5]string) bool {
	if l.exprs != exprs || l.b.Dialect != b.Dialect || len(l.b.Names) != len(b.Names) || len(l.b.Values) != len(b.Values) {
		return false
	}
	for k, v := range b.Names {
		if w, ok := l.b.Names[k]; !ok || w != v {
			return false
		}
	}
	for k, v := range b.Values {
		if w, ok := l.b.Values[k]; !ok || !item.Equal(w, v) {
			return false
		}
	}
	return true
}
