package cache

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
)

func block(n int, fill byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = fill
	}
	return b
}

func TestGetSet(t *testing.T) {
	c := New(1 << 20)
	if _, ok := c.Get(1, 0); ok {
		t.Fatal("hit on empty cache")
	}
	c.Set(1, 0, block(10, 'a'))
	c.Set(1, 10, block(20, 'b'))
	c.Set(2, 0, block(30, 'c'))
	for _, tc := range []struct {
		file, off uint64
		n         int
		fill      byte
	}{{1, 0, 10, 'a'}, {1, 10, 20, 'b'}, {2, 0, 30, 'c'}} {
		b, ok := c.Get(tc.file, tc.off)
		if !ok || len(b) != tc.n || b[0] != tc.fill {
			t.Fatalf("Get(%d,%d) = %q %v", tc.file, tc.off, b, ok)
		}
	}
	// Replacing adjusts the byte count.
	c.Set(1, 0, block(5, 'z'))
	if b, _ := c.Get(1, 0); string(b) != "zzzzz" {
		t.Fatalf("replaced block = %q", b)
	}
	st := c.Stats()
	if st.Bytes != 55 || st.Blocks != 3 || st.Hits != 4 || st.Misses != 1 || st.Capacity != 1<<20 {
		t.Fatalf("stats = %+v", st)
	}
}

// TestLRUEvictionByBytes uses a capacity small enough for a single shard,
// which makes the cache an exact LRU.
func TestLRUEvictionByBytes(t *testing.T) {
	c := New(100)
	if len(c.shards) != 1 {
		t.Fatalf("%d shards for a tiny cache", len(c.shards))
	}
	c.Set(1, 0, block(40, 'a'))
	c.Set(1, 1, block(40, 'b'))
	c.Get(1, 0) // a is now more recent than b
	c.Set(1, 2, block(40, 'c'))
	if _, ok := c.Get(1, 1); ok {
		t.Fatal("b should have been evicted (least recently used)")
	}
	if _, ok := c.Get(1, 0); !ok {
		t.Fatal("a evicted")
	}
	if _, ok := c.Get(1, 2); !ok {
		t.Fatal("c evicted")
	}
	// One big block pushes out everything else.
	c.Set(2, 0, block(100, 'd'))
	st := c.Stats()
	if st.Bytes != 100 || st.Blocks != 1 || st.Evictions != 3 {
		t.Fatalf("stats = %+v", st)
	}
	// A block larger than the capacity is not cached, and replacing a
	// cached block by one too large drops it.
	c.Set(3, 0, block(101, 'e'))
	if _, ok := c.Get(3, 0); ok {
		t.Fatal("oversized block cached")
	}
	c.Set(2, 0, block(101, 'e'))
	if st := c.Stats(); st.Bytes != 0 || st.Blocks != 0 {
		t.Fatalf("stats after oversize replace = %+v", st)
	}
}

func TestEvictFile(t *testing.T) {
	c := New(64 << 20)
	for f := uint64(1); f <= 3; f++ {
		for off := uint64(0); off < 1000; off++ {
			c.Set(f, off*4096, block(16, byte(f)))
		}
	}
	c.EvictFile(2)
	c.EvictFile(99) // unknown file: no-op
	for f := uint64(1); f <= 3; f++ {
		for off := uint64(0); off < 1000; off++ {
			_, ok := c.Get(f, off*4096)
			if ok != (f != 2) {
				t.Fatalf("file %d offset %d: hit=%v", f, off, ok)
			}
		}
	}
	if st := c.Stats(); st.Bytes != 2*1000*16 || st.Blocks != 2000 {
		t.Fatalf("stats = %+v", st)
	}
	// Evict in a different order than insertion, including middle entries.
	c.EvictFile(3)
	c.EvictFile(1)
	if st := c.Stats(); st.Bytes != 0 || st.Blocks != 0 {
		t.Fatalf("stats = %+v", st)
	}
	for i := range c.shards {
		if n := len(c.shards[i].files); n != 0 {
			t.Fatalf("shard %d still lists %d files", i, n)
		}
	}
}

func TestDisabled(t *testing.T) {
	for _, c := range []*Cache{New(0), New(-5), nil, {}} {
		c.Set(1, 0, block(1, 'a'))
		if _, ok := c.Get(1, 0); ok {
			t.Fatal("disabled cache hit")
		}
		c.EvictFile(1)
		st := c.Stats()
		if st.Bytes != 0 || st.Hits != 0 {
			t.Fatalf("stats = %+v", st)
		}
	}
	c := New(0)
	c.Get(1, 2)
	if st := c.Stats(); st.Misses != 1 {
		t.Fatalf("disabled cache misses = %d", st.Misses)
	}
}

// TestModel compares a single-shard cache against a straightforward LRU
// model under random operations.
func TestModel(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	const capBytes = 1000
	c := New(capBytes)
	type mk struct{ f, o uint64 }
	var order []mk // most recent last
	sizes := map[mk]int{}
	touch := func(k mk) {
		for i, o := range order {
			if o == k {
				order = append(order[:i], order[i+1:]...)
				break
			}
		}
		order = append(order, k)
	}
	drop := func(k mk) {
		for i, o := range order {
			if o == k {
				order = append(order[:i], order[i+1:]...)
				break
			}
		}
		delete(sizes, k)
	}
	used := func() int {
		n := 0
		for _, s := range sizes {
			n += s
		}
		return n
	}
	for step := range 20000 {
		k := mk{uint64(r.IntN(4)), uint64(r.IntN(20))}
		switch op := r.IntN(10); {
		case op < 5:
			_, ok := c.Get(k.f, k.o)
			_, want := sizes[k]
			if ok != want {
				t.Fatalf("step %d: Get(%v) = %v, want %v", step, k, ok, want)
			}
			if ok {
				touch(k)
			}
		case op < 9:
			n := r.IntN(300)
			c.Set(k.f, k.o, block(n, 'x'))
			if n > capBytes {
				drop(k)
				continue
			}
			sizes[k] = n
			touch(k)
			for used() > capBytes {
				drop(order[0])
			}
		default:
			c.EvictFile(k.f)
			for kk := range sizes {
				if kk.f == k.f {
					drop(kk)
				}
			}
		}
		if st := c.Stats(); st.Bytes != int64(used()) || st.Blocks != int64(len(sizes)) {
			t.Fatalf("step %d: stats %+v, model %d bytes %d blocks", step, st, used(), len(sizes))
		}
	}
}

func TestConcurrent(t *testing.T) {
	c := New(4 << 20)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(g), 1))
			for range 20000 {
				f, off := uint64(r.IntN(8)), uint64(r.IntN(2000))*4096
				switch r.IntN(20) {
				case 0:
					c.EvictFile(f)
				case 1, 2, 3, 4, 5:
					c.Set(f, off, block(4096, byte(f)))
				default:
					if b, ok := c.Get(f, off); ok && (len(b) != 4096 || b[0] != byte(f)) {
						panic(fmt.Sprintf("wrong block for file %d", f))
					}
				}
			}
		}()
	}
	wg.Wait()
	st := c.Stats()
	if st.Bytes > st.Capacity {
		t.Fatalf("over capacity: %+v", st)
	}
}

func TestGetDoesNotAllocate(t *testing.T) {
	c := New(1 << 20)
	c.Set(1, 2, block(100, 'a'))
	if n := testing.AllocsPerRun(1000, func() { c.Get(1, 2); c.Get(1, 3) }); n != 0 {
		t.Fatalf("Get allocates %v times", n)
	}
}

func TestStatsSub(t *testing.T) {
	a := CacheStats{Hits: 10, Misses: 5, Evictions: 2, Bytes: 100}
	b := CacheStats{Hits: 15, Misses: 9, Evictions: 2, Bytes: 50}
	d := b.Sub(a)
	if d.Hits != 5 || d.Misses != 4 || d.Evictions != 0 || d.Bytes != 50 {
		t.Fatalf("Sub = %+v", d)
	}
	if r := d.HitRate(); r < 0.55 || r > 0.56 {
		t.Fatalf("HitRate = %v", r)
	}
}

func BenchmarkGetParallel(b *testing.B) {
	c := New(256 << 20)
	blk := block(4096, 'a')
	for i := range uint64(10000) {
		c.Set(i%16, i*4096, blk)
	}
	b.RunParallel(func(pb *testing.PB) {
		i := uint64(0)
		for pb.Next() {
			c.Get(i%16, (i%10000)*4096)
			i++
		}
	})
}

func BenchmarkGet(b *testing.B) {
	c := New(256 << 20)
	blk := block(4096, 'a')
	for i := range uint64(10000) {
		c.Set(i%16, i*4096, blk)
	}
	i := uint64(0)
	for b.Loop() {
		c.Get(i%16, (i%10000)*4096)
		i++
	}
}
