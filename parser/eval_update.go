package parser

import (
	"bytes"
	"slices"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/keystonedb/kstone-shell/engine/item"
)

// Update application follows DynamoDB:
//
//   - every SET value is computed from the item as it was before the
//     update, so SET a = b, b = a swaps;
//   - SET of a list index past the end appends (several such in one
//     expression append in index order);
//   - ADD adds to a number (a missing attribute counts as 0) or unites
//     sets (a missing attribute becomes the set); DELETE takes members out
//     of a set and removes the attribute when it becomes empty;
//   - REMOVE of list elements shifts the rest down, and all the indexes of
//     one expression refer to the list as it was: REMOVE l[0], l[1] removes
//     the first two elements;
//   - a path whose parent does not exist, or is not a map (for a name) or a
//     list (for an index), is "invalid for update".

type actionKind uint8

const (
	actSet actionKind = iota
	actRemove
	actAdd
	actDelete
)

type action struct {
	kind actionKind
	path Path
	val  valExpr // SET value; ADD/DELETE operand
	pos  lexer.Position
}

// CompiledUpdate is an evaluable UpdateExpression.
type CompiledUpdate struct {
	actions []action
	// Worked out once by plan, since they depend on the expression alone:
	paths    []Path // every action's path, in order (the changed paths, unless a SET appends)
	setOrder []int  // the SET actions, by path, so that appends to one list keep index order
	removes  []Path // the REMOVE paths, deepest and highest indexes first
}

// plan fills the fields that depend on the actions alone.
func (u *CompiledUpdate) plan() {
	u.paths = make([]Path, len(u.actions))
	for i, a := range u.actions {
		u.paths[i] = a.path
		switch a.kind {
		case actSet:
			u.setOrder = append(u.setOrder, i)
		case actRemove:
			u.removes = append(u.removes, a.path)
		}
	}
	slices.SortStableFunc(u.setOrder, func(x, y int) int { return comparePaths(u.actions[x].path, u.actions[y].path) })
	slices.SortStableFunc(u.removes, func(x, y Path) int { return comparePaths(y, x) })
}

// Paths returns the paths the update writes, in the order written.
func (u *CompiledUpdate) Paths() []Path { return slices.Clone(u.paths) }

func errMissingAttr() error   { return plainError(UpdateExpression, msgMissingAttr) }
func errInvalidPath() error   { return plainError(UpdateExpression, msgInvalidPath) }
func errIncorrectType() error { return plainError(UpdateExpression, msgIncorrectType) }

// Apply returns the item the update makes of it, and the paths it changed
// (for ReturnValues UPDATED_OLD and UPDATED_NEW: see Project; the slice
// may be shared with u, so read it and never write to it). It never
// modifies it; the result shares nothing with it or with the bindings.
// keyAttrs are the table's key attribute names, which an update may not
// touch. To update an item that does not exist, pass one holding just its
// key.
func (u *CompiledUpdate) Apply(it item.Item, keyAttrs []string) (item.Item, []Path, error) {
	return u.apply(it, keyAttrs, true)
}

// ApplyInPlace is Apply for a caller that owns it and no longer needs it
// as it was: it edits it instead of a copy (an engine that just decoded
// the item saves the copy). On error it may be half edited.
func (u *CompiledUpdate) ApplyInPlace(it item.Item, keyAttrs []string) (item.Item, []Path, error) {
	return u.apply(it, keyAttrs, false)
}

// recordAppend notes that action i appended at index appended: changed
// is copied first while it is still the shared paths.
func recordAppend(changed, paths []Path, i, appended int) []Path {
	if len(changed) > 0 && &changed[0] == &paths[0] {
		changed = slices.Clone(paths)
	}
	changed[i] = withLastIndex(paths[i], appended)
	return changed
}

func (u *CompiledUpdate) apply(it item.Item, keyAttrs []string, copyItem bool) (item.Item, []Path, error) {
	for _, a := range u.actions {
		if slices.Contains(keyAttrs, a.path[0].Name) {
			return nil, nil, plainError(UpdateExpression, msgKeyPartOfKey(a.path[0].Name))
		}
	}
	var valsBuf [8]item.Value // most updates have few actions: no allocation
	vals := valsBuf[:]
	if len(u.actions) > len(vals) {
		vals = make([]item.Value, len(u.actions))
	}
	for i, a := range u.actions {
		if a.kind == actSet {
			v, err := a.val.eval(it)
			if err != nil {
				return nil, nil, err
			}
			vals[i] = v
		}
	}
	out := it
	if copyItem {
		out = it.Clone()
	}
	if out == nil {
		out = item.Item{}
	}
	// changed is u.paths until a SET appends to a list: then it gets a
	// copy that records the index the element went to.
	changed := u.paths
	for _, i := range u.setOrder {
		v := item.Clone(vals[i])
		appended, err := editItem(out, u.actions[i].path, func(item.Value, bool) (item.Value, bool, error) {
			return v, false, nil
		})
		if err != nil {
			return nil, nil, err
		}
		if appended >= 0 {
			changed = recordAppend(changed, u.paths, i, appended)
		}
	}

	// ADD and DELETE; sets DELETE empties are removed with REMOVE below.
	var removals []Path
	for i, a := range u.actions {
		var fn editFn
		switch a.kind {
		case actAdd:
			fn = addFn(a.val.(*valConst).v)
		case actDelete:
			emptied := false
			fn = deleteFn(a.val.(*valConst).v, &emptied)
			if _, err := editItem(out, a.path, fn); err != nil {
				return nil, nil, err
			}
			if emptied {
				removals = append(removals, a.path)
			}
			continue
		default:
			continue
		}
		appended, err := editItem(out, a.path, fn)
		if err != nil {
			return nil, nil, err
		}
		if appended >= 0 {
			changed = recordAppend(changed, u.paths, i, appended)
		}
	}

	// REMOVE, deepest and highest indexes first, so that every index
	// refers to the list as it was.
	if len(removals) == 0 {
		removals = u.removes
	} else {
		removals = append(removals, u.removes...)
		slices.SortStableFunc(removals, func(x, y Path) int { return comparePaths(y, x) })
	}
	for _, p := range removals {
		if _, err := editItem(out, p, removeFn); err != nil {
			return nil, nil, err
		}
	}
	return out, changed, nil
}

func withLastIndex(p Path, i int) Path {
	q := slices.Clone(p)
	q[len(q)-1].Index = i
	return q
}

// editFn maps the value at a path (exists is false when there is none) to
// its new value; remove deletes it; a nil value and false leave it as is.
type editFn func(old item.Value, exists bool) (nv item.Value, remove bool, err error)

func removeFn(item.Value, bool) (item.Value, bool, error) { return nil, true, nil }

func addFn(v item.Value) editFn {
	return func(old item.Value, exists bool) (item.Value, bool, error) {
		if !exists {
			return item.Clone(v), false, nil
		}
		switch v := v.(type) {
		case item.N:
			o, ok := old.(item.N)
			if !ok {
				return nil, false, errIncorrectType()
			}
			sum, err := o.Add(v)
			if err != nil {
				return nil, false, &Error{Kind: UpdateExpression, Msg: err.Error(), Err: err}
			}
			return sum, false, nil
		case item.SS:
			return addMembers(old, v)
		case item.NS:
			return addMembers(old, v)
		case item.BS:
			o, ok := old.(item.BS)
			if !ok {
				return nil, false, errIncorrectType()
			}
			for _, m := range v {
				if !slices.ContainsFunc(o, func(x []byte) bool { return bytes.Equal(x, m) }) {
					o = append(o, bytes.Clone(m))
				}
			}
			return o, false, nil
		}
		return nil, false, errIncorrectType()
	}
}

// addMembers is ADD of the members of v to old, a set of the same type
// (SS or NS; binary sets compare their members with bytes.Equal).
func addMembers[S interface {
	~[]E
	item.Value
}, E comparable](old item.Value, v S) (item.Value, bool, error) {
	o, ok := old.(S)
	if !ok {
		return nil, false, errIncorrectType()
	}
	for _, m := range v {
		if !slices.Contains(o, m) {
			o = append(o, m)
		}
	}
	return o, false, nil
}

// deleteMembers takes v's members out of o and returns what is left and
// how many members that is.
func deleteMembers[S ~[]E, E comparable](o, v S) (S, int) {
	o = slices.DeleteFunc(o, func(m E) bool { return slices.Contains(v, m) })
	return o, len(o)
}

// deleteFn takes v's members out of the set; *emptied reports a set left
// empty, which the caller removes.
func deleteFn(v item.Value, emptied *bool) editFn {
	return func(old item.Value, exists bool) (item.Value, bool, error) {
		if !exists {
			return nil, false, nil
		}
		var n int
		switch v := v.(type) {
		case item.SS:
			o, ok := old.(item.SS)
			if !ok {
				return nil, false, errIncorrectType()
			}
			old, n = deleteMembers(o, v)
		case item.NS:
			o, ok := old.(item.NS)
			if !ok {
				return nil, false, errIncorrectType()
			}
			old, n = deleteMembers(o, v)
		case item.BS:
			o, ok := old.(item.BS)
			if !ok {
				return nil, false, errIncorrectType()
			}
			o = slices.DeleteFunc(o, func(m []byte) bool {
				return slices.ContainsFunc(v, func(x []byte) bool { return bytes.Equal(x, m) })
			})
			old, n = o, len(o)
		default:
			return nil, false, errIncorrectType()
		}
		*emptied = n == 0
		return old, false, nil
	}
}

// editItem applies fn at path p of it, in place (it is Apply's private
// copy). It returns the index a list element was appended at, or -1.
func editItem(it item.Item, p Path, fn editFn) (int, error) {
	appended := -1
	_, err := edit(item.M(it), p, fn, &appended)
	return appended, err
}

// edit applies fn at p inside container c and returns the container, which
// for a list may be a new slice the caller must store.
func edit(c item.Value, p Path, fn editFn, appended *int) (item.Value, error) {
	e := p[0]
	if len(p) > 1 {
		child, ok := step(c, e)
		if !ok {
			return nil, errInvalidPath()
		}
		nc, err := edit(child, p[1:], fn, appended)
		if err != nil {
			return nil, err
		}
		if e.IsIndex {
			c.(item.L)[e.Index] = nc
		} else {
			c.(item.M)[e.Name] = nc
		}
		return c, nil
	}
	if e.IsIndex {
		l, ok := c.(item.L)
		if !ok {
			return nil, errInvalidPath()
		}
		if e.Index < len(l) {
			nv, remove, err := fn(l[e.Index], true)
			switch {
			case err != nil:
				return nil, err
			case remove:
				return slices.Delete(l, e.Index, e.Index+1), nil
			case nv != nil:
				l[e.Index] = nv
			}
			return l, nil
		}
		nv, remove, err := fn(nil, false)
		if err != nil {
			return nil, err
		}
		if nv != nil && !remove {
			*appended = len(l)
			l = append(l, nv)
		}
		return l, nil
	}
	m, ok := c.(item.M)
	if !ok {
		return nil, errInvalidPath()
	}
	old, exists := m[e.Name]
	nv, remove, err := fn(old, exists)
	switch {
	case err != nil:
		return nil, err
	case remove:
		delete(m, e.Name)
	case nv != nil:
		m[e.Name] = nv
	}
	return m, nil
}

// --- SET values -----------------------------------------------------------------

type valExpr interface {
	eval(it item.Item) (item.Value, error)
}

type (
	valConst struct{ v item.Value }
	valPath  struct{ path Path }
	valArith struct {
		op   string
		l, r valExpr
	}
	valIfNotExists struct {
		path Path
		alt  valExpr
	}
	valListAppend struct{ a, b valExpr }
)

func (v *valConst) eval(item.Item) (item.Value, error) { return v.v, nil }

func (v *valPath) eval(it item.Item) (item.Value, error) {
	x, ok := v.path.Get(it)
	if !ok {
		return nil, errMissingAttr()
	}
	return x, nil
}

func (v *valArith) eval(it item.Item) (item.Value, error) {
	l, err := v.l.eval(it)
	if err != nil {
		return nil, err
	}
	ln, ok := l.(item.N)
	if !ok {
		return nil, errIncorrectType()
	}
	r, err := v.r.eval(it)
	if err != nil {
		return nil, err
	}
	rn, ok := r.(item.N)
	if !ok {
		return nil, errIncorrectType()
	}
	var res item.N
	if v.op == "+" {
		res, err = ln.Add(rn)
	} else {
		res, err = ln.Sub(rn)
	}
	if err != nil {
		return nil, &Error{Kind: UpdateExpression, Msg: err.Error(), Err: err}
	}
	return res, nil
}

func (v *valIfNotExists) eval(it item.Item) (item.Value, error) {
	if x, ok := v.path.Get(it); ok {
		return x, nil
	}
	return v.alt.eval(it)
}

func (v *valListAppend) eval(it item.Item) (item.Value, error) {
	a, err := v.a.eval(it)
	if err != nil {
		return nil, err
	}
	la, ok := a.(item.L)
	if !ok {
		return nil, errIncorrectType()
	}
	b, err := v.b.eval(it)
	if err != nil {
		return nil, err
	}
	lb, ok := b.(item.L)
	if !ok {
		return nil, errIncorrectType()
	}
	out := make(item.L, 0, len(la)+len(lb))
	return append(append(out, la...), lb...), nil
}
