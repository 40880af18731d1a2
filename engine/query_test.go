package engine

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"

	"github.com/keystonedb/kstone-shell/engine/internal/vfs"
	"github.com/keystonedb/kstone-shell/engine/item"
)

// queryModel mirrors a table with partition key "p" (S) and sort key "n" (N).
type queryModel map[string]map[int64]item.Item

func (m queryModel) put(p string, n int64, it item.Item) {
	if m[p] == nil {
		m[p] = map[int64]item.Item{}
	}
	m[p][n] = it
}

// query returns the model's answer, in order.
func (m queryModel) query(p string, c *SortCondition, reverse bool) []item.Item {
	var ns []int64
	for n := range m[p] {
		if matchSort(n, c) {
			ns = append(ns, n)
		}
	}
	slices.Sort(ns)
	if reverse {
		slices.Reverse(ns)
	}
	out := make([]item.Item, len(ns))
	for i, n := range ns {
		out[i] = m[p][n]
	}
	return out
}

func num(v item.Value) int64 { n, _ := v.(item.N).Int64(); return n }

func matchSort(n int64, c *SortCondition) bool {
	if c == nil {
		return true
	}
	a := num(c.Values[0])
	switch c.Op {
	case SortEQ:
		return n == a
	case SortLT:
		return n < a
	case SortLE:
		return n <= a
	case SortGT:
		return n > a
	case SortGE:
		return n >= a
	case SortBetween:
		return n >= a && n <= num(c.Values[1])
	}
	panic("op")
}

func randomSortCondition(rng *rand.Rand) *SortCondition {
	v := func() item.Value { return item.NFromInt64(int64(rng.IntN(120)) - 10) }
	switch rng.IntN(7) {
	case 0:
		return nil
	case 1:
		return &SortCondition{Op: SortBetween, Values: []item.Value{item.NFromInt64(int64(rng.IntN(50))), item.NFromInt64(int64(50 + rng.IntN(60)))}}
	default:
		return &SortCondition{Op: SortOp(1 + rng.IntN(5)), Values: []item.Value{v()}}
	}
}

func checkItems(t *testing.T, what string, got, want []item.Item) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %d items, want %d", what, len(got), len(want))
	}
	for i := range got {
		if !item.ItemsEqual(got[i], want[i]) {
			t.Fatalf("%s: item %d = %s, want %s", what, i, item.ItemToJSON(got[i]), item.ItemToJSON(want[i]))
		}
	}
}

// queryAll follows LastEvaluatedKey pages of the given size to the end.
func queryAll(t *testing.T, tb *Table, q QueryInput, pageSize int) []item.Item {
	t.Helper()
	var all []item.Item
	q.Limit = pageSize
	for pages := 0; ; pages++ {
		p, err := tb.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, p.Items...)
		if p.LastEvaluatedKey == nil {
			return all
		}
		if pages > 10000 {
			t.Fatal("pagination does not end")
		}
		q.ExclusiveStartKey = p.LastEvaluatedKey
	}
}

func TestQueryAndScanAgainstModel(t *testing.T) {
	for _, opts := range []Options{{}, {MemtableRecordThreshold: 9, CompactionThreshold: 3}} {
		t.Run(fmt.Sprintf("memtable=%d", opts.MemtableRecordThreshold), func(t *testing.T) {
			runQueryModel(t, opts)
		})
	}
}

func runQueryModel(t *testing.T, opts Options) {
	rng := rand.New(rand.NewPCG(5, 6))
	fs := vfs.NewMem()
	db := mustCreate(t, fs, opts)
	defer func() { db.Close() }()
	schema := KeySchema{PartitionKey: "p", PartitionType: item.TypeS, SortKey: "n", SortType: item.TypeN}
	tb, err := db.CreateTable("t", schema)
	if err != nil {
		t.Fatal(err)
	}
	model := queryModel{}
	parts := []string{"a", "b", "c", "d"}
	for step := 0; step < 1500; step++ {
		p := parts[rng.IntN(len(parts))]
		n := int64(rng.IntN(100))
		switch r := rng.IntN(100); {
		case r < 60:
			it := item.Item{"p": item.S(p), "n": item.NFromInt64(n), "v": item.NFromInt64(int64(step))}
			if err := tb.Put(it); err != nil {
				t.Fatal(err)
			}
			model.put(p, n, it)
		case r < 75:
			if err := tb.Delete(Key{PK: item.S(p), SK: item.NFromInt64(n)}); err != nil {
				t.Fatal(err)
			}
			delete(model[p], n)
		case r < 97:
			c := randomSortCondition(rng)
			rev := rng.IntN(2) == 0
			page, err := tb.Query(QueryInput{PK: item.S(p), SK: c, Reverse: rev})
			if err != nil {
				t.Fatal(err)
			}
			checkItems(t, fmt.Sprintf("step %d: query %s %v rev=%v", step, p, c, rev), page.Items, model.query(p, c, rev))
		case r < 98:
			if err := db.Flush(); err != nil {
				t.Fatal(err)
			}
		default:
			db.Close()
			db = mustOpen(t, fs, opts)
			if tb, err = db.Table("t"); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Every page size gives the same items.
	for _, p := range parts {
		for _, rev := range []bool{false, true} {
			want := model.query(p, nil, rev)
			for size := 1; size <= len(want)+1; size++ {
				got := queryAll(t, tb, QueryInput{PK: item.S(p), Reverse: rev}, size)
				checkItems(t, fmt.Sprintf("partition %s rev=%v page size %d", p, rev, size), got, want)
			}
		}
	}
	checkScan(t, tb, model)
}

// checkScan compares full scans, segmented scans and paged scans with the
// model (order across partitions is the engine's, so compare as sets).
func checkScan(t *testing.T, tb *Table, model queryModel) {
	var want []string
	for p, ns := range model {
		for n := range ns {
			want = append(want, fmt.Sprintf("%s/%d", p, n))
		}
	}
	sort.Strings(want)
	keys := func(its []item.Item) []string {
		var ks []string
		for _, it := range its {
			ks = append(ks, fmt.Sprintf("%s/%d", it["p"].(item.S), num(it["n"])))
		}
		sort.Strings(ks)
		return ks
	}
	page, err := tb.Scan(ScanInput{})
	if err != nil {
		t.Fatal(err)
	}
	if got := keys(page.Items); !slices.Equal(got, want) {
		t.Fatalf("scan: got %v, want %v", got, want)
	}
	var segs []item.Item
	for i := 0; i < 4; i++ {
		p, err := tb.Scan(ScanInput{Segment: i, TotalSegments: 4})
		if err != nil {
			t.Fatal(err)
		}
		segs = append(segs, p.Items...)
	}
	if got := keys(segs); !slices.Equal(got, want) {
		t.Fatalf("segmented scan: got %v, want %v", got, want)
	}
	for _, size := range []int{1, 2, 7} {
		var all []item.Item
		in := ScanInput{Limit: size}
		for {
			p, err := tb.Scan(in)
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, p.Items...)
			if p.LastEvaluatedKey == nil {
				break
			}
			in.ExclusiveStartKey = p.LastEvaluatedKey
		}
		if got := keys(all); !slices.Equal(got, want) {
			t.Fatalf("paged scan size %d: got %d keys, want %d", size, len(got), len(want))
		}
	}
}

func TestQueryLimitCountsEvaluatedItems(t *testing.T) {
	db, _ := OpenInMemory(nil)
	defer db.Close()
	for i := 0; i < 10; i++ {
		db.Put(item.Item{"pk": item.S("p"), "sk": item.S(fmt.Sprintf("%02d", i)), "even": item.BOOL(i%2 == 0)})
	}
	tb, _ := db.Table(DefaultTable)
	page, err := tb.Query(QueryInput{PK: item.S("p"), Limit: 3, Filter: func(x item.Item) (bool, error) {
		return bool(x["even"].(item.BOOL)), nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	// Items 00, 01, 02 are evaluated; 00 and 02 pass the filter.
	if len(page.Items) != 2 || page.ScannedCount != 3 || page.LastEvaluatedKey == nil || page.LastEvaluatedKey.SK.(item.S) != "02" {
		t.Fatalf("page = %d items, scanned %d, LEK %v", len(page.Items), page.ScannedCount, page.LastEvaluatedKey)
	}
}

func TestQueryBeginsWithAndItemsWithoutSortKey(t *testing.T) {
	db, _ := OpenInMemory(nil)
	defer db.Close()
	for _, sk := range []string{"order#1", "order#2", "orders", "ord", "zzz", "order\x00x"} {
		db.Put(item.Item{"pk": item.S("u"), "sk": item.S(sk)})
	}
	db.Put(item.Item{"pk": item.S("u")}) // no sort key
	tb, _ := db.Table(DefaultTable)
	page, err := tb.Query(QueryInput{PK: item.S("u"), SK: &SortCondition{Op: SortBeginsWith, Values: []item.Value{item.S("order")}}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range page.Items {
		got = append(got, string(it["sk"].(item.S)))
	}
	want := []string{"order\x00x", "order#1", "order#2", "orders"}
	if !slices.Equal(got, want) {
		t.Fatalf("begins_with(order) = %q, want %q", got, want)
	}
	all, _ := tb.Query(QueryInput{PK: item.S("u")})
	if len(all.Items) != 7 || all.Items[0]["sk"] != nil {
		t.Fatalf("whole partition = %d items, first %v", len(all.Items), all.Items[0])
	}
}
