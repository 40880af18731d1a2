package engine

import (
	"bytes"
	"fmt"
	"time"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
	"github.com/keystonedb/kstone-shell/engine/item"
)

// SortOp is a sort-key condition of a Query.
type SortOp int

const (
	SortEQ SortOp = iota + 1
	SortLT
	SortLE
	SortGT
	SortGE
	SortBetween
	SortBeginsWith
)

var sortOpNames = map[SortOp]string{SortEQ: "=", SortLT: "<", SortLE: "<=", SortGT: ">", SortGE: ">=", SortBetween: "BETWEEN", SortBeginsWith: "begins_with"}

func (o SortOp) String() string {
	if s, ok := sortOpNames[o]; ok {
		return s
	}
	return fmt.Sprintf("SortOp(%d)", int(o))
}

// SortCondition restricts a Query to some sort keys. Values holds one
// operand, two for SortBetween.
type SortCondition struct {
	Op     SortOp
	Values []item.Value
}

// QueryInput selects items of one partition.
type QueryInput struct {
	PK item.Value
	SK *SortCondition // nil: the whole partition
	// Reverse returns items in descending sort-key order
	// (ScanIndexForward=false).
	Reverse bool
	// Limit caps the items evaluated (read), before Filter, as DynamoDB's
	// Limit does; 0 means no limit.
	Limit int
	// ExclusiveStartKey continues after a page's LastEvaluatedKey.
	ExclusiveStartKey *Key
	// Filter, if set, drops items after they are read (they still count
	// against Limit).
	Filter func(item.Item) (bool, error)
}

// ScanInput reads every item of a table, stripe by stripe.
type ScanInput struct {
	Limit             int
	ExclusiveStartKey *Key
	Filter            func(item.Item) (bool, error)
	// Segment and TotalSegments split a scan for parallel workers: segment
	// i of n reads the stripes with stripe % n == i. TotalSegments 0 or 1
	// reads everything.
	Segment, TotalSegments int
}

// Page is one page of results.
type Page struct {
	Items []item.Item
	// ScannedCount counts the items read, before the filter.
	ScannedCount int
	// LastEvaluatedKey is set when the page stopped at Limit: pass it as
	// ExclusiveStartKey to get the next page.
	LastEvaluatedKey *Key
}

// Query returns a page of items of one partition in sort-key order.
func (t *Table) Query(q QueryInput) (Page, error) {
	defer t.db.timeOp(OpQuery, time.Now())
	it, err := t.QueryIter(q)
	if err != nil {
		return Page{}, err
	}
	return collect(it, q.Filter)
}

// Scan returns a page of the table's items.
func (t *Table) Scan(s ScanInput) (Page, error) {
	defer t.db.timeOp(OpScan, time.Now())
	it, err := t.ScanIter(s)
	if err != nil {
		return Page{}, err
	}
	return collect(it, s.Filter)
}

func collect(it *ItemIter, filter func(item.Item) (bool, error)) (Page, error) {
	defer it.Close()
	var p Page
	for it.Next() {
		x, err := it.Item()
		if err != nil {
			return Page{}, err
		}
		p.ScannedCount++
		if filter != nil {
			keep, err := filter(x)
			if err != nil {
				return Page{}, err
			}
			if !keep {
				continue
			}
		}
		p.Items = append(p.Items, x)
	}
	if err := it.Err(); err != nil {
		return Page{}, it.t.db.noteReadError(err)
	}
	p.LastEvaluatedKey = it.LastEvaluatedKey()
	return p, nil
}

// QueryIter returns an iterator over a partition's items; Query is built on
// it. It reads at a snapshot taken now, and keeps the files it needs alive
// until Close.
func (t *Table) QueryIter(q QueryInput) (*ItemIter, error) {
	db := t.db
	if err := db.checkOpen(); err != nil {
		return nil, err
	}
	if err := t.schema.checkKey(Key{PK: q.PK}); err != nil && !isMissingSortKey(err) {
		return nil, err
	}
	prefix, err := partitionPrefix(nil, t.id, q.PK)
	if err != nil {
		return nil, err
	}
	lower, upper, err := t.sortBounds(prefix, q.SK)
	if err != nil {
		return nil, err
	}
	if q.ExclusiveStartKey != nil {
		if lower, upper, err = t.afterKey(*q.ExclusiveStartKey, q.Reverse, lower, upper); err != nil {
			return nil, err
		}
	}
	s := db.stripes[StripeOf(q.PK)]
	s.counters.queries.Add(1)
	it := &ItemIter{t: t, reverse: q.Reverse, limit: q.Limit, needSK: q.SK != nil}
	it.pending = []stripeRange{{s: s, lower: lower, upper: upper}}
	return it, nil
}

// ScanIter returns an iterator over the table's items; Scan is built on it.
// Each stripe is read at a snapshot taken when the iterator reaches it.
func (t *Table) ScanIter(in ScanInput) (*ItemIter, error) {
	db := t.db
	if err := db.checkOpen(); err != nil {
		return nil, err
	}
	n, seg := in.TotalSegments, in.Segment
	if n <= 0 {
		n, seg = 1, 0
	}
	if seg < 0 || seg >= n || n > base.NumStripes {
		return nil, validationErr("The Segment parameter is invalid: segment %d of %d (TotalSegments must be 1..%d)", seg, n, base.NumStripes)
	}
	prefix := tablePrefix(t.id)
	upper := prefixSuccessor(prefix)
	it := &ItemIter{t: t, limit: in.Limit}
	first := 0
	var startLower []byte
	if in.ExclusiveStartKey != nil {
		k := *in.ExclusiveStartKey
		if err := t.schema.checkKey(k); err != nil {
			return nil, err
		}
		first = StripeOf(k.PK)
		if first%n != seg {
			return nil, validationErr("The provided starting key is invalid: it is not in segment %d of %d", seg, n)
		}
		enc, err := encodeKey(nil, t.id, k)
		if err != nil {
			return nil, err
		}
		startLower = append(enc, 0)
	}
	for i := first; i < base.NumStripes; i++ {
		if i%n != seg {
			continue
		}
		lower := prefix
		if i == first && startLower != nil {
			lower = startLower
		}
		it.pending = append(it.pending, stripeRange{s: db.stripes[i], lower: lower, upper: upper})
		db.stripes[i].counters.scans.Add(1)
	}
	return it, nil
}

func isMissingSortKey(err error) bool {
	e, ok := err.(*Error)
	return ok && e.Kind == ErrValidation && bytes.Contains([]byte(e.Msg), []byte("Missing the key"))
}

func tablePrefix(id uint32) []byte {
	return []byte{byte(id >> 24), byte(id >> 16), byte(id >> 8), byte(id)}
}

// prefixSuccessor returns the smallest key greater than every key that
// starts with p, or nil (unbounded) if there is none.
func prefixSuccessor(p []byte) []byte {
	s := bytes.Clone(p)
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] != 0xff {
			s[i]++
			return s[:i+1]
		}
	}
	return nil
}

// exactSuccessor returns the smallest key greater than k.
func exactSuccessor(k []byte) []byte { return append(bytes.Clone(k), 0) }

// sortBounds turns a sort-key condition into user-key bounds within the
// partition whose keys start with prefix.
func (t *Table) sortBounds(prefix []byte, c *SortCondition) (lower, upper []byte, err error) {
	lower, upper = prefix, prefixSuccessor(prefix)
	if c == nil {
		return lower, upper, nil
	}
	if t.schema.SortKey == "" {
		return nil, nil, validationErr("Query key condition not supported: the table has no sort key")
	}
	want := 1
	if c.Op == SortBetween {
		want = 2
	}
	if len(c.Values) != want {
		return nil, nil, invalidArg("sort condition %v takes %d value(s), got %d", c.Op, want, len(c.Values))
	}
	enc := make([][]byte, len(c.Values))
	for i, v := range c.Values {
		if v == nil || v.Type() != t.schema.SortType {
			return nil, nil, validationErr("One or more parameter values were invalid: Condition parameter type does not match schema type")
		}
		if enc[i], err = item.AppendKey(bytes.Clone(prefix), v); err != nil {
			return nil, nil, invalidArg("sort key: %v", err)
		}
	}
	switch c.Op {
	case SortEQ:
		return enc[0], exactSuccessor(enc[0]), nil
	case SortLT:
		return lower, enc[0], nil
	case SortLE:
		return lower, exactSuccessor(enc[0]), nil
	case SortGT:
		return exactSuccessor(enc[0]), upper, nil
	case SortGE:
		return enc[0], upper, nil
	case SortBetween:
		if cmp, _ := item.Compare(c.Values[0], c.Values[1]); cmp > 0 {
			return nil, nil, validationErr("Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound")
		}
		return enc[0], exactSuccessor(enc[1]), nil
	case SortBeginsWith:
		if t.schema.SortType == item.TypeN {
			return nil, nil, validationErr("Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N")
		}
		// S and B keys escape bytewise and end in a two-byte terminator:
		// without it, the encoding is a prefix of every longer key's.
		p := enc[0][:len(enc[0])-2]
		return p, prefixSuccessor(p), nil
	}
	return nil, nil, invalidArg("unknown sort condition %v", c.Op)
}

// afterKey narrows bounds to continue after an exclusive start key.
func (t *Table) afterKey(k Key, reverse bool, lower, upper []byte) ([]byte, []byte, error) {
	if err := t.schema.checkKey(k); err != nil {
		return nil, nil, err
	}
	enc, err := encodeKey(nil, t.id, k)
	if err != nil {
		return nil, nil, err
	}
	if reverse {
		if upper == nil || bytes.Compare(enc, upper) < 0 {
			upper = enc
		}
		return lower, upper, nil
	}
	if next := exactSuccessor(enc); bytes.Compare(next, lower) > 0 {
		lower = next
	}
	return lower, upper, nil
}
