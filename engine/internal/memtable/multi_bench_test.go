package memtable

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
)

// BenchmarkAdd256 inserts random keys into 256 memtables of up to 1000
// entries each, the way the engine's stripes receive random writes: the
// memtables together are larger than the CPU caches.
func BenchmarkAdd256(b *testing.B) {
	const stripes, per = 256, 1000
	keys := make([][]byte, stripes*per)
	for i := range keys {
		keys[i] = fmt.Appendf([]byte{0, 0, 0, 1}, "key%013d\x00\x01", rand.IntN(1<<40))
	}
	val := make([]byte, 110)
	mts := make([]*Memtable, stripes)
	for i := range mts {
		mts[i] = New(1000)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		j := i % len(keys)
		m := mts[j%stripes]
		if m.Len() >= per {
			m = New(1000)
			mts[j%stripes] = m
		}
		m.Add(keys[j], base.MakeTrailer(base.SeqNum(i+1), base.KindSet), val)
	}
}
