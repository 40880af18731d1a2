package engine

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/keystonedb/kstone-shell/engine/item"
)

func benchItems(n int) []item.Item {
	its := make([]item.Item, n)
	v := make([]byte, 100)
	for i := range its {
		its[i] = item.Item{"pk": item.S(fmt.Sprintf("key%013d", (i*7919)%n)), "v": item.B(v)}
	}
	return its
}

func BenchmarkPutRelaxed(b *testing.B) {
	db, err := Create(b.TempDir()+"/db", &Options{Durability: DurabilityRelaxed})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	its := benchItems(200000)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if err := db.Put(its[i%len(its)]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGetHit(b *testing.B) {
	db, err := Create(b.TempDir()+"/db", &Options{Durability: DurabilityRelaxed})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	its := benchItems(200000)
	for _, it := range its {
		db.Put(it)
	}
	db.Flush()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := db.Get(K(string(its[(i*31)%len(its)]["pk"].(item.S)))); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPutSync16 runs 16 writers doing synced puts.
func BenchmarkPutSync16(b *testing.B) {
	db, err := Create(b.TempDir()+"/db", nil)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	its := benchItems(1 << 20)
	var next atomic.Int64
	lat := make([]time.Duration, 0, 1<<20)
	var mu sync.Mutex
	b.SetParallelism(8)
	b.RunParallel(func(pb *testing.PB) {
		var my []time.Duration
		for pb.Next() {
			i := next.Add(1)
			start := time.Now()
			if err := db.Put(its[int(i)%len(its)]); err != nil {
				b.Error(err)
				return
			}
			my = append(my, time.Since(start))
		}
		mu.Lock()
		lat = append(lat, my...)
		mu.Unlock()
	})
	slices.Sort(lat)
	if len(lat) > 100 {
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
	}
}
