package engine

import (
	"errors"
	"fmt"
	"time"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
	"github.com/keystonedb/kstone-shell/engine/item"
)

// Put stores an item in the default table, replacing any item with the
// same key.
func (db *DB) Put(it item.Item) error {
	t, err := db.defaultTable()
	if err != nil {
		return err
	}
	return t.Put(it)
}

// Get returns the item with key k from the default table, or an error
// wrapping ErrKeyNotFound.
func (db *DB) Get(k Key) (item.Item, error) {
	t, err := db.defaultTable()
	if err != nil {
		return nil, err
	}
	return t.Get(k)
}

// Delete removes the item with key k from the default table. Deleting a
// missing item is not an error.
func (db *DB) Delete(k Key) error {
	t, err := db.defaultTable()
	if err != nil {
		return err
	}
	return t.Delete(k)
}

// Put stores an item, replacing any item with the same key.
func (t *Table) Put(it item.Item) error {
	db := t.db
	defer db.timeOp(OpPut, time.Now())
	if err := db.checkOpen(); err != nil {
		return err
	}
	k, err := t.schema.keyOfItem(it)
	if err != nil {
		return err
	}
	if err := it.Validate(); err != nil {
		return &Error{Kind: ErrValidation, Msg: err.Error(), Err: err}
	}
	buf := db.getEncBuf()
	defer db.putEncBuf(buf)
	key, err := encodeKey((*buf)[:0], t.id, k)
	if err != nil {
		return err
	}
	n := len(key)
	*buf = item.AppendItem(key, it)
	key, value := (*buf)[:n:n], (*buf)[n:]
	s := db.stripes[StripeOf(k.PK)]
	ops := [1]op{{kind: base.KindSet, key: key, value: value}}
	if err := s.write(ops[:]); err != nil {
		return err
	}
	s.counters.puts.Add(1)
	return nil
}

// Delete removes the item with key k. Deleting a missing item is not an
// error.
func (t *Table) Delete(k Key) error {
	db := t.db
	defer db.timeOp(OpDelete, time.Now())
	if err := db.checkOpen(); err != nil {
		return err
	}
	if err := t.schema.checkKey(k); err != nil {
		return err
	}
	key, err := encodeKey(nil, t.id, k)
	if err != nil {
		return err
	}
	s := db.stripes[StripeOf(k.PK)]
	if err := s.write([]op{{kind: base.KindDelete, key: key}}); err != nil {
		return err
	}
	s.counters.deletes.Add(1)
	return nil
}

// Get returns the item with key k, or an error wrapping ErrKeyNotFound.
func (t *Table) Get(k Key) (item.Item, error) {
	db := t.db
	defer db.timeOp(OpGet, time.Now())
	if err := db.checkOpen(); err != nil {
		return nil, err
	}
	if err := t.schema.checkKey(k); err != nil {
		return nil, err
	}
	key, err := encodeKey(nil, t.id, k)
	if err != nil {
		return nil, err
	}
	s := db.stripes[StripeOf(k.PK)]
	s.counters.gets.Add(1)
	value, found, err := s.get(key)
	if err != nil {
		return nil, db.noteReadError(err)
	}
	if !found {
		return nil, keyNotFound(k)
	}
	it, err := item.DecodeItem(value)
	if err != nil {
		return nil, &base.CorruptionError{Offset: -1, Detail: "undecodable item for key " + k.String() + ": " + err.Error()}
	}
	return it, nil
}

// get finds the newest visible version of key: the memtables newest first,
// then the SSTs newest first (their sequence ranges do not overlap).
func (s *stripe) get(key []byte) (value []byte, found bool, err error) {
	v := s.acquire()
	defer v.unref()
	return s.getAt(v, key, s.snapshot())
}

// getAt reads key in version v at a snapshot. The value stays valid while
// v is referenced.
func (s *stripe) getAt(v *version, key []byte, snap base.SeqNum) (value []byte, found bool, err error) {
	if val, kind, _, ok := v.mem.Get(key, snap); ok {
		return val, kind == base.KindSet, nil
	}
	for i := len(v.imms) - 1; i >= 0; i-- {
		if val, kind, _, ok := v.imms[i].mem.Get(key, snap); ok {
			return val, kind == base.KindSet, nil
		}
	}
	for i := len(v.ssts) - 1; i >= 0; i-- {
		t := v.ssts[i]
		res, err := t.r.Get(key, snap)
		if err != nil {
			return nil, false, ioErr(err)
		}
		if res.BloomChecked {
			s.counters.bloomProbes.Add(1)
			t.bloomProbes.Add(1)
			if res.BloomNegative {
				s.counters.bloomNegatives.Add(1)
				t.bloomNegatives.Add(1)
				continue
			}
			if !res.Found {
				s.counters.bloomFalsePositives.Add(1)
				t.bloomFalsePositives.Add(1)
			}
		}
		if res.Found {
			return res.Value, res.Kind == base.KindSet, nil
		}
	}
	return nil, false, nil
}

// Flush writes every stripe's memtable to SSTs and waits until they are
// durable and recorded in the manifest.
func (db *DB) Flush() error {
	if err := db.checkOpen(); err != nil {
		return err
	}
	var errs []error
	for _, s := range db.stripes {
		if err := s.rotate(true); err != nil {
			errs = append(errs, fmt.Errorf("stripe %d: %w", s.id, err))
		}
	}
	for _, s := range db.stripes {
		errs = append(errs, s.flushImmutables())
	}
	return errors.Join(errs...)
}

// Sync makes every acknowledged write durable. With DurabilitySync it has
// nothing to do; with DurabilityRelaxed it is the way to end a bulk load.
func (db *DB) Sync() error {
	if err := db.checkOpen(); err != nil {
		return err
	}
	return db.syncAllWALs()
}

// timeOp records an operation's latency; use as defer db.timeOp(k, time.Now()).
func (db *DB) timeOp(k OpKind, start time.Time) { db.latency[k].record(time.Since(start)) }
