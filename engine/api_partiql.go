package engine

import (
	"errors"
	"time"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
	"github.com/keystonedb/kstone-shell/engine/item"
	"github.com/keystonedb/kstone-shell/parser"
)

// ErrDuplicateItem: a PartiQL INSERT found the key taken.
var ErrDuplicateItem = errors.New("DuplicateItemException")

func (db *DB) statementTable(name, index string) (*Table, error) {
	if index != "" {
		return nil, validationErr("Secondary indexes are not supported yet: %s.%s", name, index)
	}
	return db.table(name)
}

func (db *DB) execSelect(p *parser.SelectPlan) (ItemsResponse, error) {
	t, err := db.statementTable(p.Table, p.Index)
	if err != nil {
		return ItemsResponse{}, err
	}
	ks := t.parserSchema()
	q := parser.PlanKeyQuery(p.KeyTerms, ks)
	if p.OrderBy != "" && (q == nil || p.OrderBy != t.schema.SortKey) {
		return ItemsResponse{}, validationErr("ORDER BY needs a WHERE clause with an equality on the partition key, and can only order by the sort key %q", t.schema.SortKey)
	}
	var it *ItemIter
	switch {
	case q != nil && q.IsGet(ks):
		k := Key{PK: q.PartitionValue}
		if q.Sort != nil {
			k.SK = q.Sort.Values[0]
		}
		x, err := t.Get(k)
		if IsNotFound(err) {
			return ItemsResponse{}, nil
		}
		if err != nil {
			return ItemsResponse{}, err
		}
		return selectItems(p, []item.Item{x}, 1)
	case q != nil:
		in := QueryInput{PK: q.PartitionValue, Reverse: p.Descending}
		if q.Sort != nil {
			in.SK = &SortCondition{Op: sortOps[q.Sort.Op], Values: q.Sort.Values}
		}
		it, err = t.QueryIter(in)
	default:
		it, err = t.ScanIter(ScanInput{})
	}
	if err != nil {
		return ItemsResponse{}, err
	}
	defer it.Close()
	var items []item.Item
	scanned := 0
	for it.Next() {
		x, err := it.Item()
		if err != nil {
			return ItemsResponse{}, db.noteReadError(err)
		}
		scanned++
		items = append(items, x)
	}
	if err := it.Err(); err != nil {
		return ItemsResponse{}, db.noteReadError(err)
	}
	return selectItems(p, items, scanned)
}

// selectItems applies WHERE, OFFSET, LIMIT and the projection.
func selectItems(p *parser.SelectPlan, items []item.Item, scanned int) (ItemsResponse, error) {
	out := ItemsResponse{ScannedCount: scanned}
	skip := max(p.Offset, 0)
	for _, x := range items {
		if p.Where != nil {
			ok, err := p.Where.Eval(x)
			if err != nil {
				return ItemsResponse{}, exprErr(err)
			}
			if !ok {
				continue
			}
		}
		if skip > 0 {
			skip--
			continue
		}
		if p.Limit >= 0 && len(out.Items) >= p.Limit {
			break
		}
		if p.Projection != nil {
			x = p.Projection.Apply(x)
		}
		out.Items = append(out.Items, x)
	}
	return out, nil
}

func (db *DB) execInsert(p *parser.InsertPlan) error {
	t, err := db.table(p.Table)
	if err != nil {
		return err
	}
	k, err := t.schema.keyOfItem(p.Item)
	if err != nil {
		return err
	}
	if err := p.Item.Validate(); err != nil {
		return &Error{Kind: ErrValidation, Msg: err.Error(), Err: err}
	}
	value := item.AppendItem(nil, p.Item)
	return t.modify(k, func(_ item.Item, found bool) ([]op, error) {
		if found {
			return nil, &Error{Kind: ErrDuplicateItem, Msg: "Duplicate primary key exists in table"}
		}
		return []op{{kind: base.KindSet, value: value}}, nil
	})
}

func (db *DB) wholeKey(t *Table, terms []parser.KeyTerm) (Key, error) {
	k, ok := t.keyTermsToKey(terms)
	if !ok {
		return Key{}, validationErr("Where clause does not contain a mandatory equality on all key attributes")
	}
	return k, nil
}

func (db *DB) execUpdate(p *parser.UpdatePlan) error {
	defer db.timeOp(OpUpdate, time.Now())
	t, err := db.table(p.Table)
	if err != nil {
		return err
	}
	k, err := db.wholeKey(t, p.KeyTerms)
	if err != nil {
		return err
	}
	return t.modify(k, func(cur item.Item, found bool) ([]op, error) {
		if !found {
			return nil, conditionFailed()
		}
		if ok, err := p.Where.Eval(cur); err != nil {
			return nil, exprErr(err)
		} else if !ok {
			return nil, conditionFailed()
		}
		next, _, err := p.Update.Apply(cur, t.keyNames())
		if err != nil {
			return nil, exprErr(err)
		}
		if err := next.Validate(); err != nil {
			return nil, &Error{Kind: ErrValidation, Msg: err.Error(), Err: err}
		}
		return []op{{kind: base.KindSet, value: item.AppendItem(nil, next)}}, nil
	})
}

func (db *DB) execDelete(p *parser.DeletePlan) error {
	defer db.timeOp(OpDelete, time.Now())
	t, err := db.table(p.Table)
	if err != nil {
		return err
	}
	k, err := db.wholeKey(t, p.KeyTerms)
	if err != nil {
		return err
	}
	return t.modify(k, func(cur item.Item, found bool) ([]op, error) {
		if !found {
			return nil, nil
		}
		if ok, err := p.Where.Eval(cur); err != nil {
			return nil, exprErr(err)
		} else if !ok {
			return nil, conditionFailed()
		}
		return []op{{kind: base.KindDelete}}, nil
	})
}
