package sstable

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
	"github.com/keystonedb/kstone-shell/engine/internal/cache"
)

// randomEntries generates n entries with keys drawn from a small alphabet
// (shared prefixes, several versions per key), some keys larger than a
// block, tombstones, and values of varied sizes including empty ones.
func randomEntries(r *rand.Rand, n int) []kv {
	var keys [][]byte
	nkeys := max(1, n/3)
	for range nkeys {
		var k []byte
		switch r.IntN(20) {
		case 0:
			k = bytes.Repeat([]byte{byte('a' + r.IntN(3))}, 5000+r.IntN(3000)) // larger than a block
		case 1:
			k = nil // the empty user key
		default:
			k = make([]byte, 1+r.IntN(24))
			for i := range k {
				k[i] = "abcd\x00\xff"[r.IntN(6)]
			}
		}
		keys = append(keys, k)
	}
	es := make([]kv, 0, n)
	for range n {
		k := keys[r.IntN(len(keys))]
		kind := base.KindSet
		if r.IntN(5) == 0 {
			kind = base.KindDelete
		}
		var v []byte
		if kind == base.KindSet {
			switch r.IntN(10) {
			case 0:
				v = []byte{}
			case 1:
				v = make([]byte, 2000+r.IntN(6000))
			default:
				v = make([]byte, r.IntN(200))
			}
			for i := range v {
				v[i] = byte(r.Uint32())
			}
		}
		seq := base.SeqNum(1 + r.IntN(100000))
		es = append(es, kv{key: k, t: base.MakeTrailer(seq, kind), value: v})
	}
	return sortEntries(es)
}

var configs = []WriterOptions{
	{},
	{BlockSize: 64, RestartInterval: 1},
	{BlockSize: 256, RestartInterval: 2, BloomFPR: -1},
	{BlockSize: 1024, RestartInterval: 3, BloomFPR: 0.1},
	{BlockSize: 32 << 10, RestartInterval: 128},
}

func TestRoundTrip(t *testing.T) {
	for ci, opts := range configs {
		for _, n := range []int{0, 1, 2, 17, 300, 3000} {
			t.Run(fmt.Sprintf("config%d/n%d", ci, n), func(t *testing.T) {
				r := rand.New(rand.NewPCG(uint64(ci), uint64(n)))
				es := randomEntries(r, n)
				if n == 0 {
					es = nil
				}
				data, props := build(t, es, opts)
				var c *cache.Cache
				if ci%2 == 0 {
					c = cache.New(1 << 20)
				}
				rd := open(t, data, c)
				defer rd.Close()
				checkProps(t, es, props, rd.Properties())
				if err := rd.Verify(); err != nil {
					t.Fatalf("Verify: %v", err)
				}
				checkGets(t, r, rd, es, opts.BloomFPR >= 0)
				checkFullScans(t, rd, es)
				for range 50 {
					checkBoundedIter(t, r, rd, es)
				}
			})
		}
	}
}

func checkProps(t *testing.T, es []kv, written, read Properties) {
	t.Helper()
	want := Properties{Entries: uint64(len(es)), Size: written.Size, DataBlocks: written.DataBlocks}
	for i, e := range es {
		if e.t.Kind() == base.KindDelete {
			want.Deletions++
		}
		want.RawKeyBytes += uint64(len(e.key))
		want.RawValueBytes += uint64(len(e.value))
		s := e.t.SeqNum()
		if i == 0 {
			want.MinSeq, want.MaxSeq = s, s
			want.Smallest = e.key
		}
		want.MinSeq, want.MaxSeq = min(want.MinSeq, s), max(want.MaxSeq, s)
		want.Largest = e.key
	}
	for _, p := range []Properties{written, read} {
		if d := p.diff(&want); d != "" || p.Size != want.Size {
			t.Fatalf("properties %+v: %s", p, d)
		}
	}
	if (len(es) == 0) != (written.DataBlocks == 0) {
		t.Fatalf("%d data blocks for %d entries", written.DataBlocks, len(es))
	}
}

func checkGets(t *testing.T, r *rand.Rand, rd *Reader, es []kv, bloom bool) {
	t.Helper()
	var keys [][]byte
	for _, e := range es {
		keys = append(keys, e.key)
	}
	keys = append(keys, []byte("zzz-absent"), []byte("a\x00\x00\x00absent"), []byte{})
	for _, k := range keys {
		for _, snap := range []base.SeqNum{0, 1, base.SeqNum(r.IntN(100001)), 50000, base.SeqNumMax, ^base.SeqNum(0)} {
			got, err := rd.Get(k, snap)
			if err != nil {
				t.Fatalf("Get(%q, %d): %v", trunc(k), snap, err)
			}
			want, ok := modelGet(es, k, snap)
			if got.Found != ok || ok && (got.Kind != want.t.Kind() || got.Seq != want.t.SeqNum() || !bytes.Equal(got.Value, want.value)) {
				t.Fatalf("Get(%q, %d) = %+v, want %v (found %v)", trunc(k), snap, got, want, ok)
			}
			if got.BloomChecked != bloom || got.BloomNegative && got.Found {
				t.Fatalf("Get(%q): bloom flags %+v", trunc(k), got)
			}
		}
	}
}

func checkEntry(t *testing.T, what string, it *Iter, e kv) {
	t.Helper()
	if !it.Valid() || !bytes.Equal(it.Key(), e.key) || it.Trailer() != e.t || !bytes.Equal(it.Value(), e.value) {
		t.Fatalf("%s: at %q#%d (valid %v), want %v (err %v)", what, trunc(it.Key()), it.Trailer().SeqNum(), it.Valid(), e, it.Error())
	}
}

func checkFullScans(t *testing.T, rd *Reader, es []kv) {
	t.Helper()
	it := rd.NewIter(nil, nil)
	i := 0
	for ok := it.First(); ok; ok = it.Next() {
		checkEntry(t, "forward", it, es[i])
		i++
	}
	if i != len(es) || it.Error() != nil {
		t.Fatalf("forward scan: %d of %d entries, err %v", i, len(es), it.Error())
	}
	if want := rd.meta.filter.offset - headerLen; len(es) > 0 && it.BytesRead() != want {
		t.Fatalf("BytesRead = %d, want %d", it.BytesRead(), want)
	}
	i = len(es) - 1
	for ok := it.Last(); ok; ok = it.Prev() {
		checkEntry(t, "backward", it, es[i])
		i--
	}
	if i != -1 || it.Error() != nil {
		t.Fatalf("backward scan stopped at %d, err %v", i, it.Error())
	}
	if err := it.Close(); err != nil {
		t.Fatal(err)
	}
}

// checkBoundedIter positions an iterator with random bounds and walks it
// randomly, comparing with the model after every move.
func checkBoundedIter(t *testing.T, r *rand.Rand, rd *Reader, es []kv) {
	t.Helper()
	randKey := func() []byte {
		if len(es) > 0 && r.IntN(2) == 0 {
			k := es[r.IntN(len(es))].key
			if r.IntN(3) == 0 {
				return append(append([]byte(nil), k...), 0) // just after k
			}
			return k
		}
		k := make([]byte, r.IntN(4))
		for i := range k {
			k[i] = "abcd\x00\xff"[r.IntN(6)]
		}
		return k
	}
	var lower, upper []byte
	if r.IntN(2) == 0 {
		lower = randKey()
	}
	if r.IntN(2) == 0 {
		upper = randKey()
	}
	var in []kv
	for _, e := range es {
		if (lower == nil || bytes.Compare(e.key, lower) >= 0) && (upper == nil || bytes.Compare(e.key, upper) < 0) {
			in = append(in, e)
		}
	}
	it := rd.NewIter(lower, upper)
	defer it.Close()
	pos := -1 // model position; -1 or len(in) = invalid
	desc := fmt.Sprintf("bounds [%q, %q)", trunc(lower), trunc(upper))
	for step := range 40 {
		var ok bool
		var op string
		switch r.IntN(6) {
		case 0:
			op = "First"
			ok, pos = it.First(), 0
		case 1:
			op = "Last"
			ok, pos = it.Last(), len(in)-1
		case 2:
			k := randKey()
			op = fmt.Sprintf("SeekGE(%q)", trunc(k))
			ok = it.SeekGE(k)
			pos = sort.Search(len(in), func(i int) bool { return bytes.Compare(in[i].key, k) >= 0 })
		case 3:
			k := randKey()
			op = fmt.Sprintf("SeekLT(%q)", trunc(k))
			ok = it.SeekLT(k)
			pos = sort.Search(len(in), func(i int) bool { return bytes.Compare(in[i].key, k) >= 0 }) - 1
		case 4:
			op = "Next"
			ok = it.Next()
			if pos >= 0 && pos < len(in) {
				pos++
			}
		case 5:
			op = "Prev"
			ok = it.Prev()
			if pos >= 0 && pos < len(in) {
				pos--
			}
		}
		if pos < 0 || pos >= len(in) {
			pos = -1
		}
		what := fmt.Sprintf("%s step %d %s", desc, step, op)
		if it.Error() != nil {
			t.Fatalf("%s: %v", what, it.Error())
		}
		if ok != (pos >= 0) || ok != it.Valid() {
			t.Fatalf("%s: ok=%v valid=%v, model pos %d of %d", what, ok, it.Valid(), pos, len(in))
		}
		if ok {
			checkEntry(t, what, it, in[pos])
		}
	}
}

func TestWriterRejectsBadInput(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf, WriterOptions{})
	mustAdd := func(k string, seq base.SeqNum, kind base.Kind) error {
		return w.Add([]byte(k), base.MakeTrailer(seq, kind), nil)
	}
	if err := mustAdd("b", 5, base.KindSet); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		k    string
		seq  base.SeqNum
		kind base.Kind
	}{{"a", 9, base.KindSet}, {"b", 5, base.KindSet}, {"b", 6, base.KindSet}} {
		if err := mustAdd(c.k, c.seq, c.kind); !errorsIs(err, ErrKeyOrder) {
			t.Errorf("Add(%q#%d,%v) = %v, want ErrKeyOrder", c.k, c.seq, c.kind, err)
		}
	}
	if err := mustAdd("c", 1, base.Kind(7)); !errorsIs(err, ErrInvalidKind) {
		t.Errorf("bad kind: %v", err)
	}
	// Still usable after rejected entries.
	if err := mustAdd("b", 4, base.KindDelete); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Finish(); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Finish(); !errorsIs(err, ErrFinished) {
		t.Errorf("second Finish: %v", err)
	}
	if err := mustAdd("z", 1, base.KindSet); !errorsIs(err, ErrFinished) {
		t.Errorf("Add after Finish: %v", err)
	}
	rd := open(t, buf.Bytes(), nil)
	if p := rd.Properties(); p.Entries != 2 || p.Deletions != 1 {
		t.Fatalf("props %+v", p)
	}
}

func TestWriterOptionsValidate(t *testing.T) {
	err := WriterOptions{BlockSize: -1, RestartInterval: -2, BloomFPR: 1}.EnsureDefaults().Validate()
	if !errorsIs(err, ErrInvalidOptions) {
		t.Fatalf("Validate = %v", err)
	}
	for _, s := range []string{"BlockSize", "RestartInterval", "BloomFPR"} {
		if !bytes.Contains([]byte(err.Error()), []byte(s)) {
			t.Errorf("error %q does not mention %s", err, s)
		}
	}
	w := NewWriter(&bytes.Buffer{}, WriterOptions{RestartInterval: -1})
	if err := w.Add([]byte("a"), base.MakeTrailer(1, base.KindSet), nil); !errorsIs(err, ErrInvalidOptions) {
		t.Fatalf("Add with bad options: %v", err)
	}
	if d := (WriterOptions{}).EnsureDefaults(); d.BlockSize != 4096 || d.RestartInterval != 16 || d.BloomFPR != 0.01 {
		t.Fatalf("defaults %+v", d)
	}
}

type failWriter struct{ n int }

func (f *failWriter) Write(p []byte) (int, error) {
	if f.n < len(p) {
		n := f.n
		f.n = 0
		return n, fmt.Errorf("disk full")
	}
	f.n -= len(p)
	return len(p), nil
}

func TestWriterWriteErrorIsSticky(t *testing.T) {
	w := NewWriter(&failWriter{n: 100}, WriterOptions{BlockSize: 64})
	var err error
	for i := 0; err == nil && i < 1000; i++ {
		err = w.Add(fmt.Appendf(nil, "key%05d", i), base.MakeTrailer(1, base.KindSet), make([]byte, 10))
	}
	if err == nil {
		t.Fatal("no error")
	}
	if err2 := w.Add([]byte("zzzz"), base.MakeTrailer(1, base.KindSet), nil); err2 == nil {
		t.Fatal("error not sticky")
	}
	if _, err := w.Finish(); err == nil {
		t.Fatal("Finish succeeded after a write error")
	}
}

func TestEstimatedSize(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf, WriterOptions{})
	r := rand.New(rand.NewPCG(1, 1))
	for i := range 5000 {
		v := make([]byte, r.IntN(100))
		if err := w.Add(fmt.Appendf(nil, "key%08d", i), base.MakeTrailer(base.SeqNum(i+1), base.KindSet), v); err != nil {
			t.Fatal(err)
		}
	}
	est := w.EstimatedSize()
	p, err := w.Finish()
	if err != nil {
		t.Fatal(err)
	}
	if ratio := float64(est) / float64(p.Size); ratio < 0.95 || ratio > 1.05 {
		t.Fatalf("estimated %d, actual %d", est, p.Size)
	}
}

func TestSeparator(t *testing.T) {
	tr := base.MakeTrailer(5, base.KindSet)
	for _, c := range []struct {
		last, next string
		wantUser   string
		shortened  bool
	}{
		{"abc", "abz", "abd", true},
		{"abc", "abd", "abc", false},
		{"ab", "abc", "ab", false},
		{"a\xff", "b", "a\xff", false},
		{"apple", "banana", "apple", false},
		{"apple", "carrot", "b", true},
		{"", "b", "", false},
	} {
		sep := appendSeparator(nil, []byte(c.last), tr, []byte(c.next))
		u, st, _ := base.SplitInternalKey(sep)
		if string(u) != c.wantUser || (st == maxTrailer) != c.shortened || (!c.shortened && st != tr) {
			t.Errorf("separator(%q, %q) = %q#%x", c.last, c.next, u, uint64(st))
		}
		if base.CompareInternal([]byte(c.last), tr, u, st) > 0 || base.CompareInternal(u, st, []byte(c.next), maxTrailer) >= 0 {
			t.Errorf("separator(%q, %q) = %q out of range", c.last, c.next, u)
		}
	}
}

func TestMagicAtStart(t *testing.T) {
	data, _ := build(t, []kv{{key: []byte("k"), t: base.MakeTrailer(1, base.KindSet)}}, WriterOptions{})
	if string(data[:4]) != "SSTM" || string(data[len(data)-4:]) != "SSTM" {
		t.Fatalf("file does not start and end with SSTM: % x ... % x", data[:8], data[len(data)-8:])
	}
	empty, _ := build(t, nil, WriterOptions{})
	if string(empty[:4]) != "SSTM" {
		t.Fatal("empty table has no magic")
	}
}

func TestGetDoesNotAllocate(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	es := randomEntries(r, 500)
	data, _ := build(t, es, WriterOptions{})
	rd := open(t, data, cache.New(8<<20))
	k := es[len(es)/2].key
	if len(k) > 100 {
		k = []byte("a")
	}
	rd.Get(k, base.SeqNumMax) // warm the cache
	if n := testing.AllocsPerRun(100, func() { rd.Get(k, base.SeqNumMax) }); n != 0 {
		t.Fatalf("Get allocates %v times", n)
	}
	it := rd.NewIter(nil, nil)
	it.First()
	if n := testing.AllocsPerRun(100, func() {
		if !it.Next() {
			it.First()
		}
	}); n != 0 {
		t.Fatalf("Next allocates %v times", n)
	}
}

func TestValueSurvivesIteration(t *testing.T) {
	var es []kv
	for i := range 3000 {
		es = append(es, kv{key: fmt.Appendf(nil, "k%06d", i), t: base.MakeTrailer(1, base.KindSet), value: fmt.Appendf(nil, "value-%d", i)})
	}
	data, _ := build(t, es, WriterOptions{BlockSize: 512})
	for _, c := range []*cache.Cache{nil, cache.New(1 << 20)} {
		rd := open(t, data, c)
		it := rd.NewIter(nil, nil)
		var vals [][]byte
		for ok := it.First(); ok; ok = it.Next() {
			vals = append(vals, it.Value())
		}
		for i, v := range vals {
			if !bytes.Equal(v, es[i].value) {
				t.Fatalf("retained value %d = %q", i, v)
			}
		}
	}
}
