package engine

import (
	"fmt"
	"strings"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
	"github.com/keystonedb/kstone-shell/engine/item"
)

// Explain describes how the engine served a read: the .explain command
// prints it.
type Explain struct {
	Operation        string // "get", "query" or "scan"
	Table            string
	Stripes          []int // the stripes read
	MemtablesChecked int
	MemtableHit      bool // a get found its key (or its tombstone) in a memtable
	SSTs             []SSTProbe
	BloomNegatives   int
	ItemsExamined    int // items read (a query or scan's ScannedCount)
	ItemsReturned    int
	Found            bool
}

// SSTProbe is one SST a get looked at.
type SSTProbe struct {
	File          string
	BloomNegative bool // the filter said "absent": no block was read
	Found         bool // the key (or its tombstone) is in this SST
}

// String renders the explanation for people.
func (e Explain) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s on table %s\n", e.Operation, e.Table)
	if len(e.Stripes) == 1 {
		fmt.Fprintf(&b, "stripe          %d\n", e.Stripes[0])
	} else {
		fmt.Fprintf(&b, "stripes         %d\n", len(e.Stripes))
	}
	if e.Operation == "get" {
		hit := "miss"
		if e.MemtableHit {
			hit = "hit"
		}
		fmt.Fprintf(&b, "memtable        %s (%d checked)\n", hit, e.MemtablesChecked)
		fmt.Fprintf(&b, "ssts probed     %d (%d bloom negatives)\n", len(e.SSTs), e.BloomNegatives)
		for _, p := range e.SSTs {
			what := "bloom: maybe, read: "
			switch {
			case p.BloomNegative:
				what = "bloom: absent, skipped"
			case p.Found:
				what += "found"
			default:
				what += "not there (bloom false positive)"
			}
			fmt.Fprintf(&b, "  %s  %s\n", p.File, what)
		}
		fmt.Fprintf(&b, "found           %v\n", e.Found)
		return b.String()
	}
	fmt.Fprintf(&b, "memtables       %d\n", e.MemtablesChecked)
	fmt.Fprintf(&b, "ssts            %d\n", len(e.SSTs))
	fmt.Fprintf(&b, "items examined  %d\n", e.ItemsExamined)
	fmt.Fprintf(&b, "items returned  %d\n", e.ItemsReturned)
	return b.String()
}

// ExplainGet reads an item the way GetItem does and reports each step.
func (db *DB) ExplainGet(table string, keyAttrs item.Item) (Explain, error) {
	t, err := db.table(table)
	if err != nil {
		return Explain{}, err
	}
	k, err := t.keyFromAttrs(keyAttrs)
	if err != nil {
		return Explain{}, err
	}
	key, err := encodeKey(nil, t.id, k)
	if err != nil {
		return Explain{}, err
	}
	si := StripeOf(k.PK)
	s := db.stripes[si]
	e := Explain{Operation: "get", Table: t.name, Stripes: []int{si}}
	v := s.acquire()
	defer v.unref()
	snap := s.snapshot()
	mems := append([]*immMem{{mem: v.mem}}, reversed(v.imms)...)
	for _, m := range mems {
		e.MemtablesChecked++
		if _, kind, _, ok := m.mem.Get(key, snap); ok {
			e.MemtableHit, e.Found = true, kind == base.KindSet
			return e, nil
		}
	}
	for i := len(v.ssts) - 1; i >= 0; i-- {
		h := v.ssts[i]
		res, err := h.r.Get(key, snap)
		if err != nil {
			return e, db.noteReadError(ioErr(err))
		}
		p := SSTProbe{File: sstName(h.meta.Stripe, h.meta.Num), BloomNegative: res.BloomNegative, Found: res.Found}
		e.SSTs = append(e.SSTs, p)
		if res.BloomNegative {
			e.BloomNegatives++
		}
		if res.Found {
			e.Found = res.Kind == base.KindSet
			return e, nil
		}
	}
	return e, nil
}

func reversed(imms []*immMem) []*immMem {
	out := make([]*immMem, len(imms))
	for i, m := range imms {
		out[len(imms)-1-i] = m
	}
	return out
}

// ExplainQuery runs a query and reports the stripe and sources it read.
func (db *DB) ExplainQuery(r QueryRequest) (Explain, error) {
	out, err := db.Query(r)
	if err != nil {
		return Explain{}, err
	}
	t, _ := db.table(r.Table)
	c, err := db.compile(r.Bindings, "", "", "", r.KeyConditionExpression, "")
	if err != nil {
		return Explain{}, err
	}
	kq, err := c.KeyCondition.Resolve(t.parserSchema())
	if err != nil {
		return Explain{}, exprErr(err)
	}
	si := StripeOf(kq.PartitionValue)
	e := Explain{Operation: "query", Table: t.name, Stripes: []int{si}, ItemsExamined: out.ScannedCount, ItemsReturned: len(out.Items)}
	db.describeSources(&e, si)
	return e, nil
}

// ExplainScan runs a scan and reports what it read.
func (db *DB) ExplainScan(r ScanRequest) (Explain, error) {
	out, err := db.Scan(r)
	if err != nil {
		return Explain{}, err
	}
	t, _ := db.table(r.Table)
	e := Explain{Operation: "scan", Table: t.name, ItemsExamined: out.ScannedCount, ItemsReturned: len(out.Items)}
	n := max(r.TotalSegments, 1)
	for i := 0; i < base.NumStripes; i++ {
		if i%n == r.Segment%n {
			e.Stripes = append(e.Stripes, i)
			db.describeSources(&e, i)
		}
	}
	return e, nil
}

func (db *DB) describeSources(e *Explain, si int) {
	v := db.stripes[si].acquire()
	defer v.unref()
	e.MemtablesChecked += 1 + len(v.imms)
	for _, h := range v.ssts {
		e.SSTs = append(e.SSTs, SSTProbe{File: sstName(h.meta.Stripe, h.meta.Num)})
	}
}

// TableInfo names a table and its key schema.
type TableInfo struct {
	Name   string
	Schema KeySchema
}

// TableInfos lists the tables, sorted by name.
func (db *DB) TableInfos() []TableInfo {
	var out []TableInfo
	for _, t := range db.Tables() {
		out = append(out, TableInfo{Name: t.name, Schema: t.schema})
	}
	return out
}
