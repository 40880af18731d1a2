package memtable

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"sort"
	"sync"
	"testing"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
)

type entry struct {
	key   string
	t     base.Trailer
	value string
}

func sortEntries(es []entry) {
	sort.Slice(es, func(i, j int) bool {
		return base.CompareInternal([]byte(es[i].key), es[i].t, []byte(es[j].key), es[j].t) < 0
	})
}

func TestGetSeesNewestVisibleVersion(t *testing.T) {
	m := New(1000)
	m.Add([]byte("a"), base.MakeTrailer(1, base.KindSet), []byte("a1"))
	m.Add([]byte("a"), base.MakeTrailer(3, base.KindSet), []byte("a3"))
	m.Add([]byte("a"), base.MakeTrailer(5, base.KindDelete), nil)
	m.Add([]byte("b"), base.MakeTrailer(2, base.KindSet), []byte("b2"))
	cases := []struct {
		key   string
		snap  base.SeqNum
		found bool
		kind  base.Kind
		value string
	}{
		{"a", 0, false, 0, ""},
		{"a", 1, true, base.KindSet, "a1"},
		{"a", 2, true, base.KindSet, "a1"},
		{"a", 4, true, base.KindSet, "a3"},
		{"a", 5, true, base.KindDelete, ""},
		{"a", base.SeqNumMax, true, base.KindDelete, ""},
		{"b", 1, false, 0, ""},
		{"b", 2, true, base.KindSet, "b2"},
		{"c", 9, false, 0, ""},
		{"", 9, false, 0, ""},
	}
	for _, c := range cases {
		v, k, _, found := m.Get([]byte(c.key), c.snap)
		if found != c.found || (found && (k != c.kind || string(v) != c.value)) {
			t.Errorf("Get(%q, %d) = %q %v %v, want %q %v %v", c.key, c.snap, v, k, found, c.value, c.kind, c.found)
		}
	}
	if m.Len() != 4 || m.MinSeq() != 1 || m.MaxSeq() != 5 {
		t.Errorf("Len=%d MinSeq=%d MaxSeq=%d", m.Len(), m.MinSeq(), m.MaxSeq())
	}
}

func TestIteratorMatchesSortedModel(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	m := New(1000)
	var model []entry
	for i := 0; i < 3000; i++ {
		k := fmt.Sprintf("k%03d", r.IntN(500))
		e := entry{k, base.MakeTrailer(base.SeqNum(i+1), base.Kind(r.IntN(2))), fmt.Sprint(i)}
		m.Add([]byte(e.key), e.t, []byte(e.value))
		model = append(model, e)
	}
	sortEntries(model)
	it := m.NewIter()
	i := 0
	for ok := it.First(); ok; ok = it.Next() {
		if string(it.Key()) != model[i].key || it.Trailer() != model[i].t || string(it.Value()) != model[i].value {
			t.Fatalf("forward %d: got %s/%d, want %s/%d", i, it.Key(), it.Trailer(), model[i].key, model[i].t)
		}
		i++
	}
	if i != len(model) {
		t.Fatalf("forward saw %d entries, want %d", i, len(model))
	}
	i = len(model) - 1
	for ok := it.Last(); ok; ok = it.Prev() {
		if string(it.Key()) != model[i].key || it.Trailer() != model[i].t {
			t.Fatalf("backward %d: got %s/%d, want %s/%d", i, it.Key(), it.Trailer(), model[i].key, model[i].t)
		}
		i--
	}
	if i != -1 {
		t.Fatalf("backward stopped at %d", i)
	}
	for _, probe := range []string{"", "k000", "k250", "k2505", "k499", "k5", "z"} {
		want := sort.Search(len(model), func(j int) bool { return model[j].key >= probe })
		if ok := it.SeekGE([]byte(probe)); ok != (want < len(model)) || (ok && (string(it.Key()) != model[want].key || it.Trailer() != model[want].t)) {
			t.Errorf("SeekGE(%q) wrong", probe)
		}
		wantLT := want - 1
		if ok := it.SeekLT([]byte(probe)); ok != (wantLT >= 0) || (ok && (string(it.Key()) != model[wantLT].key || it.Trailer() != model[wantLT].t)) {
			t.Errorf("SeekLT(%q) wrong", probe)
		}
	}
}

// Readers run while the single writer adds: every key a reader finds must
// carry the value written with it, and a completed Add is visible.
func TestConcurrentReadersDuringWrites(t *testing.T) {
	m := New(1000)
	const n = 5000
	done := make(chan struct{})
	var wg sync.WaitGroup
	for r := 0; r < 4; r++ {
		wg.Add(1)
		go func(seed uint64) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, 9))
			for {
				select {
				case <-done:
					return
				default:
				}
				k := fmt.Sprintf("key%06d", rng.IntN(n))
				if v, _, _, ok := m.Get([]byte(k), base.SeqNumMax); ok && !bytes.Equal(v, []byte("v"+k)) {
					t.Errorf("Get(%s) = %s", k, v)
					return
				}
				it := m.NewIter()
				var prev []byte
				steps := 0
				for ok := it.SeekGE([]byte(k)); ok && steps < 50; ok = it.Next() {
					if prev != nil && bytes.Compare(prev, it.Key()) >= 0 {
						t.Errorf("iterator out of order: %s then %s", prev, it.Key())
						return
					}
					prev = it.Key()
					steps++
				}
			}
		}(uint64(r))
	}
	for i := 0; i < n; i++ {
		k := fmt.Sprintf("key%06d", (i*7919)%n)
		m.Add([]byte(k), base.MakeTrailer(base.SeqNum(i+1), base.KindSet), []byte("v"+k))
		if _, _, _, ok := m.Get([]byte(k), base.SeqNumMax); !ok {
			t.Fatalf("key %s not visible after Add", k)
		}
	}
	close(done)
	wg.Wait()
}

func BenchmarkAdd(b *testing.B) {
	m := New(1000)
	key := make([]byte, 16)
	val := make([]byte, 100)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		copy(key, fmt.Appendf(key[:0], "%016d", (i*2654435761)%(1<<30)))
		m.Add(key, base.MakeTrailer(base.SeqNum(i+1), base.KindSet), val)
		if m.Len() >= 100000 {
			m = New(1000)
		}
	}
}

func BenchmarkGet(b *testing.B) {
	m := New(1000)
	keys := make([][]byte, 1000)
	for i := range keys {
		keys[i] = fmt.Appendf(nil, "%016d", i*7)
		m.Add(keys[i], base.MakeTrailer(base.SeqNum(i+1), base.KindSet), make([]byte, 100))
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		m.Get(keys[i%len(keys)], base.SeqNumMax)
	}
}
