package item

import "bytes"

// Clone returns a deep copy of v: no byte slice, list, map or set of the
// result is shared with v. S, N, BOOL and NULL are immutable and returned
// as they are.
func Clone(v Value) Value {
	switch v := v.(type) {
	case B:
		return B(bytes.Clone(v))
	case L:
		if v == nil {
			return L(nil)
		}
		out := make(L, len(v))
		for i, e := range v {
			out[i] = Clone(e)
		}
		return out
	case M:
		if v == nil {
			return M(nil)
		}
		out := make(M, len(v))
		for k, e := range v {
			out[k] = Clone(e)
		}
		return out
	case SS:
		if v == nil {
			return SS(nil)
		}
		return append(SS(make([]string, 0, len(v))), v...)
	case NS:
		if v == nil {
			return NS(nil)
		}
		return append(NS(make([]N, 0, len(v))), v...)
	case BS:
		if v == nil {
			return BS(nil)
		}
		out := make(BS, len(v))
		for i, b := range v {
			out[i] = bytes.Clone(b)
		}
		return out
	}
	return v
}

// Clone returns a deep copy of the item.
func (it Item) Clone() Item {
	if it == nil {
		return nil
	}
	out := make(Item, len(it))
	for k, v := range it {
		out[k] = Clone(v)
	}
	return out
}
