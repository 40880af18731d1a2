package engine

import (
	"errors"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
	"github.com/keystonedb/kstone-shell/engine/internal/sstable"
	"github.com/keystonedb/kstone-shell/engine/item"
)

// stripeRange is the part of one stripe an ItemIter still has to read.
type stripeRange struct {
	s            *stripe
	lower, upper []byte
}

// ItemIter walks the items of a Query or Scan in order. It is not safe for
// concurrent use. Close it to release the files it holds.
//
//	it, err := table.QueryIter(q)
//	defer it.Close()
//	for it.Next() {
//		x, err := it.Item()
//		...
//	}
//	err = it.Err()
type ItemIter struct {
	t       *Table
	reverse bool
	limit   int
	needSK  bool // skip items without a sort key (a sort condition was given)
	pending []stripeRange

	v       *version
	m       *mergeIter
	ssts    []*sstable.Iter
	started bool

	count   int
	lastKey []byte // encoded key of the last item returned
	limited bool
	err     error
}

// Next advances to the next item. It returns false at the end, at Limit,
// or on an error (see Err).
func (it *ItemIter) Next() bool {
	if it.err != nil || it.limited {
		return false
	}
	if it.limit > 0 && it.count >= it.limit {
		it.limited = true
		it.closeStripe()
		return false
	}
	for {
		if it.m == nil {
			if len(it.pending) == 0 {
				return false
			}
			it.openStripe(it.pending[0])
			it.pending = it.pending[1:]
		}
		if !it.step() {
			if err := it.closeStripe(); err != nil {
				it.err = ioErr(err)
				return false
			}
			continue
		}
		if it.needSK && !it.hasSortKey(it.m.Key()) {
			continue
		}
		it.lastKey = append(it.lastKey[:0], it.m.Key()...)
		it.count++
		return true
	}
}

func (it *ItemIter) step() bool {
	if !it.started {
		it.started = true
		if it.reverse {
			return it.m.Last()
		}
		return it.m.First()
	}
	if it.reverse {
		return it.m.Prev()
	}
	return it.m.Next()
}

// hasSortKey reports whether an encoded key carries a sort key.
func (it *ItemIter) hasSortKey(enc []byte) bool {
	_, k, err := decodeKey(enc, it.t.schema)
	return err == nil && k.SK != nil
}

func (it *ItemIter) openStripe(r stripeRange) {
	v := r.s.acquire()
	snap := r.s.snapshot()
	srcs := make([]internalIter, 0, 1+len(v.imms)+len(v.ssts))
	srcs = append(srcs, v.mem.NewIter())
	for i := len(v.imms) - 1; i >= 0; i-- {
		srcs = append(srcs, v.imms[i].mem.NewIter())
	}
	it.ssts = it.ssts[:0]
	for i := len(v.ssts) - 1; i >= 0; i-- {
		si := v.ssts[i].r.NewIter(r.lower, r.upper)
		it.ssts = append(it.ssts, si)
		srcs = append(srcs, si)
	}
	it.v = v
	it.m = newMergeIter(srcs, snap, r.lower, r.upper)
	it.started = false
}

func (it *ItemIter) closeStripe() error {
	if it.m == nil {
		return nil
	}
	err := it.m.Error()
	for _, si := range it.ssts {
		if cerr := si.Close(); err == nil {
			err = cerr
		}
	}
	it.ssts = it.ssts[:0]
	it.v.unref()
	it.v, it.m = nil, nil
	return err
}

// Item decodes the current item.
func (it *ItemIter) Item() (item.Item, error) {
	if it.m == nil || !it.m.Valid() {
		return nil, errors.New("engine: ItemIter.Item called without a current item")
	}
	x, err := item.DecodeItem(it.m.Value())
	if err != nil {
		return nil, &base.CorruptionError{Offset: -1, Detail: "undecodable item: " + err.Error()}
	}
	return x, nil
}

// RawValue returns the current item's encoded bytes (item.DecodeItem
// decodes them), valid until Next; for callers that only count or copy.
func (it *ItemIter) RawValue() []byte { return it.m.Value() }

// Key decodes the current item's key.
func (it *ItemIter) Key() (Key, error) {
	_, k, err := decodeKey(it.lastKey, it.t.schema)
	return k, err
}

// Count returns how many items Next has returned.
func (it *ItemIter) Count() int { return it.count }

// LastEvaluatedKey returns the key to continue from when the iterator
// stopped at its Limit, nil otherwise.
func (it *ItemIter) LastEvaluatedKey() *Key {
	if !it.limited || it.lastKey == nil {
		return nil
	}
	_, k, err := decodeKey(it.lastKey, it.t.schema)
	if err != nil {
		return nil
	}
	return &k
}

// Err returns the error that stopped the iterator, if any.
func (it *ItemIter) Err() error { return it.err }

// Close releases the iterator's files.
func (it *ItemIter) Close() error {
	err := it.closeStripe()
	it.pending = nil
	if it.err == nil && err != nil {
		it.err = ioErr(err)
	}
	return it.err
}
