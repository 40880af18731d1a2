package engine

import (
	"fmt"
	"testing"

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
