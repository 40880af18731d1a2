package item

import (
	"bytes"
	"strings"
)

// Equal reports deep equality as DynamoDB sees it: numbers by value, lists in
// order, maps by key, and sets as sets (member order is ignored). Values of
// different types are never equal; two nil Values are.
func Equal(a, b Value) bool {
	switch a := a.(type) {
	case nil:
		return b == nil
	case S:
		b, ok := b.(S)
		return ok && a == b
	case N:
		b, ok := b.(N)
		return ok && a == b // canonical form: == is numeric equality
	case B:
		b, ok := b.(B)
		return ok && bytes.Equal(a, b)
	case BOOL:
		b, ok := b.(BOOL)
		return ok && a == b
	case NULL:
		_, ok := b.(NULL)
		return ok
	case L:
		b, ok := b.(L)
		if !ok || len(a) != len(b) {
			return false
		}
		for i := range a {
			if !Equal(a[i], b[i]) {
				return false
			}
		}
		return true
	case M:
		b, ok := b.(M)
		return ok && mapsEqual(a, b)
	case SS:
		b, ok := b.(SS)
		return ok && setEqual(a, b)
	case NS:
		b, ok := b.(NS)
		return ok && setEqual(a, b)
	case BS:
		b, ok := b.(BS)
		return ok && bsEqual(a, b)
	}
	return false
}

// ItemsEqual reports whether two items have the same attributes with Equal
// values.
func ItemsEqual(a, b Item) bool { return mapsEqual(a, b) }

func mapsEqual[Map ~map[string]Value](a, b Map) bool {
	if len(a) != len(b) {
		return false
	}
	for k, va := range a {
		vb, ok := b[k]
		if !ok || !Equal(va, vb) {
			return false
		}
	}
	return true
}

// smallSet is the size up to which set comparison scans instead of hashing:
// sets are usually small, and a scan allocates nothing.
const smallSet = 16

// setEqual compares as sets: same length (valid sets have no duplicates) and
// every member of each side present in the other.
func setEqual[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	if len(a) <= smallSet {
		return containsAll(a, b) && containsAll(b, a)
	}
	ma := make(map[T]struct{}, len(a))
	for _, x := range a {
		ma[x] = struct{}{}
	}
	mb := make(map[T]struct{}, len(b))
	for _, x := range b {
		if _, ok := ma[x]; !ok {
			return false
		}
		mb[x] = struct{}{}
	}
	return len(ma) == len(mb)
}

func containsAll[T comparable](sub, set []T) bool {
outer:
	for _, x := range sub {
		for _, y := range set {
			if x == y {
				continue outer
			}
		}
		return false
	}
	return true
}

func bsEqual(a, b BS) bool {
	if len(a) != len(b) {
		return false
	}
	sa := make([]string, len(a))
	sb := make([]string, len(b))
	for i := range a {
		sa[i], sb[i] = string(a[i]), string(b[i])
	}
	return setEqual(sa, sb)
}

// Compare orders two values of the same ordered type: S bytewise on UTF-8
// (Go string order), N numerically, B bytewise. ok is false for any other
// pair, including values of different types; DynamoDB treats such
// comparisons as false, not as errors.
func Compare(a, b Value) (c int, ok bool) {
	switch a := a.(type) {
	case S:
		if b, ok := b.(S); ok {
			return strings.Compare(string(a), string(b)), true
		}
	case N:
		if b, ok := b.(N); ok {
			return a.Cmp(b), true
		}
	case B:
		if b, ok := b.(B); ok {
			return bytes.Compare(a, b), true
		}
	}
	return 0, false
}
