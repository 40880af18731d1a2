package engine

import (
	"errors"
	"time"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
	"github.com/keystonedb/kstone-shell/engine/item"
	"github.com/keystonedb/kstone-shell/parser"
)

// PutItem stores an item, if its condition holds.
func (db *DB) PutItem(r PutItemRequest) (ItemResponse, error) {
	defer db.timeOp(OpPut, time.Now())
	t, err := db.table(r.Table)
	if err != nil {
		return ItemResponse{}, err
	}
	if err := checkReturn(r.ReturnValues, ReturnNone, ReturnAllOld); err != nil {
		return ItemResponse{}, err
	}
	k, err := t.schema.keyOfItem(r.Item)
	if err != nil {
		return ItemResponse{}, err
	}
	if err := r.Item.Validate(); err != nil {
		return ItemResponse{}, &Error{Kind: ErrValidation, Msg: err.Error(), Err: err}
	}
	c, err := db.compile(r.Bindings, "", r.ConditionExpression, "", "", "")
	if err != nil {
		return ItemResponse{}, err
	}
	value := item.AppendItem(nil, r.Item)
	if c.Condition == nil && r.ReturnValues != ReturnAllOld {
		// Nothing to read first: a plain write.
		key, err := encodeKey(nil, t.id, k)
		if err != nil {
			return ItemResponse{}, err
		}
		s := db.stripes[StripeOf(k.PK)]
		if err := s.write([]op{{kind: base.KindSet, key: key, value: value}}); err != nil {
			return ItemResponse{}, err
		}
		s.counters.puts.Add(1)
		return ItemResponse{}, nil
	}
	var old item.Item
	err = t.modify(k, func(cur item.Item, found bool) ([]op, error) {
		if c.Condition != nil {
			if ok, err := c.Condition.Eval(cur); err != nil {
				return nil, exprErr(err)
			} else if !ok {
				return nil, conditionFailed()
			}
		}
		old = cur
		return []op{{kind: base.KindSet, value: value}}, nil
	})
	if err != nil {
		return ItemResponse{}, err
	}
	db.stripes[StripeOf(k.PK)].counters.puts.Add(1)
	if r.ReturnValues == ReturnAllOld {
		return ItemResponse{Item: old}, nil
	}
	return ItemResponse{}, nil
}

// GetItem returns an item (nil when there is none, as DynamoDB does).
func (db *DB) GetItem(r GetItemRequest) (ItemResponse, error) {
	t, err := db.table(r.Table)
	if err != nil {
		return ItemResponse{}, err
	}
	k, err := t.keyFromAttrs(r.Key)
	if err != nil {
		return ItemResponse{}, err
	}
	c, err := db.compile(r.Bindings, "", "", "", "", r.ProjectionExpression)
	if err != nil {
		return ItemResponse{}, err
	}
	it, err := t.Get(k)
	if IsNotFound(err) {
		return ItemResponse{}, nil
	}
	if err != nil {
		return ItemResponse{}, err
	}
	if c.Projection != nil {
		it = c.Projection.Apply(it)
	}
	return ItemResponse{Item: it}, nil
}

// DeleteItem removes an item, if its condition holds. Deleting a missing
// item is not an error.
func (db *DB) DeleteItem(r DeleteItemRequest) (ItemResponse, error) {
	defer db.timeOp(OpDelete, time.Now())
	t, err := db.table(r.Table)
	if err != nil {
		return ItemResponse{}, err
	}
	if err := checkReturn(r.ReturnValues, ReturnNone, ReturnAllOld); err != nil {
		return ItemResponse{}, err
	}
	k, err := t.keyFromAttrs(r.Key)
	if err != nil {
		return ItemResponse{}, err
	}
	c, err := db.compile(r.Bindings, "", r.ConditionExpression, "", "", "")
	if err != nil {
		return ItemResponse{}, err
	}
	var old item.Item
	err = t.modify(k, func(cur item.Item, found bool) ([]op, error) {
		if c.Condition != nil {
			if ok, err := c.Condition.Eval(cur); err != nil {
				return nil, exprErr(err)
			} else if !ok {
				return nil, conditionFailed()
			}
		}
		old = cur
		if !found {
			return nil, nil
		}
		return []op{{kind: base.KindDelete}}, nil
	})
	if err != nil {
		return ItemResponse{}, err
	}
	db.stripes[StripeOf(k.PK)].counters.deletes.Add(1)
	if r.ReturnValues == ReturnAllOld {
		return ItemResponse{Item: old}, nil
	}
	return ItemResponse{}, nil
}

// UpdateItem applies an update expression to an item (creating it when
// missing), if the condition holds, atomically: concurrent updates of one
// item never lose each other's changes.
func (db *DB) UpdateItem(r UpdateItemRequest) (ItemResponse, error) {
	defer db.timeOp(OpUpdate, time.Now())
	t, err := db.table(r.Table)
	if err != nil {
		return ItemResponse{}, err
	}
	if err := checkReturn(r.ReturnValues, ReturnNone, ReturnAllOld, ReturnUpdatedOld, ReturnAllNew, ReturnUpdatedNew); err != nil {
		return ItemResponse{}, err
	}
	k, err := t.keyFromAttrs(r.Key)
	if err != nil {
		return ItemResponse{}, err
	}
	if r.UpdateExpression == "" {
		return ItemResponse{}, validationErr("Invalid UpdateExpression: The expression can not be empty;")
	}
	c, err := db.compile(r.Bindings, r.UpdateExpression, r.ConditionExpression, "", "", "")
	if err != nil {
		return ItemResponse{}, err
	}
	var out item.Item
	buf := db.getEncBuf() // the memtable and the WAL copy the new value
	// Without return values nothing outlives the update: the decoded item
	// (edited in place) goes back to a pool.
	var scratch item.Item
	if r.ReturnValues == ReturnNone || r.ReturnValues == "" {
		scratch = db.getItemMap()
		defer db.putItemMap(scratch)
	}
	err = t.modifyInto(k, scratch, func(cur item.Item, found bool) ([]op, error) {
		if c.Condition != nil {
			if ok, err := c.Condition.Eval(cur); err != nil {
				return nil, exprErr(err)
			} else if !ok {
				return nil, conditionFailed()
			}
		}
		start := cur
		if !found {
			start = t.keyAttrs(k)
		}
		// cur was decoded for this update alone: edit it in place unless
		// the old item is to be returned.
		apply := c.Update.ApplyInPlace
		if r.ReturnValues == ReturnAllOld || r.ReturnValues == ReturnUpdatedOld {
			apply = c.Update.Apply
		}
		next, changed, err := apply(start, t.keyNames())
		if err != nil {
			return nil, exprErr(err)
		}
		if err := next.Validate(); err != nil {
			if next.Size() > item.MaxItemSize {
				return nil, validationErr("Item size to update has exceeded the maximum allowed size")
			}
			return nil, &Error{Kind: ErrValidation, Msg: err.Error(), Err: err}
		}
		out = returnValues(r.ReturnValues, cur, next, changed)
		*buf = item.AppendItem((*buf)[:0], next)
		return []op{{kind: base.KindSet, value: *buf}}, nil
	})
	db.putEncBuf(buf)
	if err != nil {
		return ItemResponse{}, err
	}
	return ItemResponse{Item: out}, nil
}

func returnValues(rv ReturnValue, old, next item.Item, changed []parser.Path) item.Item {
	switch rv {
	case ReturnAllOld:
		return old
	case ReturnAllNew:
		return next
	case ReturnUpdatedOld:
		if old == nil {
			return nil
		}
		return emptyToNil(parser.Project(old, changed))
	case ReturnUpdatedNew:
		return emptyToNil(parser.Project(next, changed))
	}
	return nil
}

func emptyToNil(it item.Item) item.Item {
	if len(it) == 0 {
		return nil
	}
	return it
}

// modify runs an atomic read-modify-write of one item: decide sees the
// current item (nil, false when missing) and returns the writes, whose
// keys it leaves empty (they are filled in).
func (t *Table) modify(k Key, decide func(cur item.Item, found bool) ([]op, error)) error {
	return t.modifyInto(k, nil, decide)
}

// modifyInto is modify decoding the current item into into (see
// item.DecodeItemInto), for callers that recycle the map.
func (t *Table) modifyInto(k Key, into item.Item, decide func(cur item.Item, found bool) ([]op, error)) error {
	db := t.db
	key, err := encodeKey(nil, t.id, k)
	if err != nil {
		return err
	}
	s := db.stripes[StripeOf(k.PK)]
	return s.update(key, func(old []byte, found bool) ([]op, error) {
		var cur item.Item
		if found {
			if cur, err = item.DecodeItemInto(old, into); err != nil {
				return nil, &base.CorruptionError{Offset: -1, Detail: "undecodable item for key " + k.String() + ": " + err.Error()}
			}
		}
		ops, err := decide(cur, found)
		for i := range ops {
			ops[i].key = key
		}
		return ops, err
	})
}

// IsNotFound reports whether err says a key or item was not found.
func IsNotFound(err error) bool { return err != nil && errors.Is(err, ErrKeyNotFound) }
