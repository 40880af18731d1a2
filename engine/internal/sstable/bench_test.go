package sstable

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"testing"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
	"github.com/keystonedb/kstone-shell/engine/internal/cache"
)

const benchKeys = 100_000

// benchEntries returns 100k entries with 16-byte keys and 100-byte values.
func benchEntries() []kv {
	r := rand.New(rand.NewPCG(1, 2))
	es := make([]kv, benchKeys)
	for i := range es {
		k := make([]byte, 16)
		copy(k, "user")
		binary.BigEndian.PutUint64(k[8:], uint64(i)*7919)
		v := make([]byte, 100)
		for j := range v {
			v[j] = byte(r.Uint32())
		}
		es[i] = kv{key: k, t: base.MakeTrailer(base.SeqNum(i+1), base.KindSet), value: v}
	}
	return sortEntries(es)
}

func benchReader(b testing.TB) (*Reader, []kv) {
	es := benchEntries()
	data, _ := build(b, es, WriterOptions{})
	return open(b, data, cache.New(64<<20)), es
}

func BenchmarkGet(b *testing.B) {
	rd, es := benchReader(b)
	r := rand.New(rand.NewPCG(3, 4))
	order := make([][]byte, 1<<16)
	for i := range order {
		order[i] = es[r.IntN(len(es))].key
	}
	for _, k := range order { // warm the cache: this measures cached hits
		rd.Get(k, base.SeqNumMax)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		res, err := rd.Get(order[i&(len(order)-1)], base.SeqNumMax)
		if err != nil || !res.Found {
			b.Fatal("not found", err)
		}
		i++
	}
}

func BenchmarkGetMissing(b *testing.B) {
	rd, _ := benchReader(b)
	keys := make([][]byte, 1<<16)
	for i := range keys {
		k := make([]byte, 16)
		copy(k, "miss")
		binary.BigEndian.PutUint64(k[8:], uint64(i))
		keys[i] = k
	}
	b.ReportAllocs()
	i, neg := 0, 0
	for b.Loop() {
		res, err := rd.Get(keys[i&(len(keys)-1)], base.SeqNumMax)
		if err != nil || res.Found {
			b.Fatal("found", err)
		}
		if res.BloomNegative {
			neg++
		}
		i++
	}
	b.ReportMetric(float64(neg)/float64(i), "bloom-neg-frac")
}

func BenchmarkIterate(b *testing.B) {
	for _, cached := range []bool{false, true} {
		name := "uncached"
		if cached {
			name = "cached"
		}
		b.Run(name, func(b *testing.B) {
			es := benchEntries()
			data, _ := build(b, es, WriterOptions{})
			var c *cache.Cache
			if cached {
				c = cache.New(64 << 20)
			}
			rd := open(b, data, c)
			if cached {
				for i := range rd.index {
					rd.dataBlock(i, true)
				}
			}
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				it := rd.NewIter(nil, nil)
				for ok := it.First(); ok; ok = it.Next() {
					n++
				}
				it.Close()
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "entries/s")
		})
	}
}

func BenchmarkIterateReverse(b *testing.B) {
	rd, _ := benchReader(b)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		it := rd.NewIter(nil, nil)
		for ok := it.Last(); ok; ok = it.Prev() {
			n++
		}
		it.Close()
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "entries/s")
}

func BenchmarkSeekGE(b *testing.B) {
	rd, es := benchReader(b)
	r := rand.New(rand.NewPCG(5, 6))
	it := rd.NewIter(nil, nil)
	b.ReportAllocs()
	for b.Loop() {
		if !it.SeekGE(es[r.IntN(len(es))].key) {
			b.Fatal("seek failed")
		}
	}
}

func BenchmarkWrite(b *testing.B) {
	es := benchEntries()
	var buf bytes.Buffer
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		buf.Reset()
		w := NewWriter(&buf, WriterOptions{})
		for _, e := range es {
			if err := w.Add(e.key, e.t, e.value); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := w.Finish(); err != nil {
			b.Fatal(err)
		}
		n += len(es)
	}
	b.SetBytes(int64(buf.Len()))
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "entries/s")
}

func BenchmarkVerify(b *testing.B) {
	rd, _ := benchReader(b)
	for b.Loop() {
		if err := rd.Verify(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFindBlock measures the index search of a point read alone.
func BenchmarkFindBlock(b *testing.B) {
	rd, es := benchReader(b)
	r := rand.New(rand.NewPCG(3, 4))
	order := make([][]byte, 1<<16)
	for i := range order {
		order[i] = es[r.IntN(len(es))].key
	}
	i, sum := 0, 0
	for b.Loop() {
		sum += rd.findBlock(order[i&(len(order)-1)], maxTrailer)
		i++
	}
}

// BenchmarkGetInBlock measures the search within one (L1-resident) block,
// without the memory misses of a random block.
func BenchmarkGetInBlock(b *testing.B) {
	rd, es := benchReader(b)
	blk, _ := rd.dataBlock(0, true)
	var keys [][]byte
	for _, e := range es[:100] {
		if rd.findBlock(e.key, maxTrailer) == 0 {
			keys = append(keys, e.key)
		}
	}
	tr := base.MakeTrailer(base.SeqNumMax, 0xff)
	i := 0
	for b.Loop() {
		res, _ := rd.getInBlock(blk, 0, keys[i%len(keys)], tr, GetResult{})
		if !res.Found {
			b.Fatal("not found")
		}
		i++
	}
}
