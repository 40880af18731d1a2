package sstable

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
)

// TestFindBlock compares the word-accelerated index search with a plain
// scan, on keys with long shared prefixes, runs of separators with equal
// words, keys shorter than the shared prefix plus a word, and 0xff bytes.
func TestFindBlock(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	gens := map[string]func() []byte{
		"prefix": func() []byte {
			return fmt.Appendf(nil, "tenant/%03d/%s", r.IntN(50), bytes.Repeat([]byte{'x'}, r.IntN(12)))
		},
		"short": func() []byte { return []byte{'p', byte(r.IntN(3)), byte(r.IntN(256))}[:1+r.IntN(3)] },
		"ff":    func() []byte { return append(bytes.Repeat([]byte{0xff}, 8+r.IntN(3)), byte(r.IntN(4))) },
	}
	for name, gen := range gens {
		t.Run(name, func(t *testing.T) {
			var es []kv
			for i := range 2000 {
				es = append(es, kv{key: gen(), t: base.MakeTrailer(base.SeqNum(i+1), base.KindSet), value: []byte("v")})
			}
			es = sortEntries(es)
			data, _ := build(t, es, WriterOptions{BlockSize: 32, RestartInterval: 2})
			rd := open(t, data, nil)
			queries := [][]byte{nil, {}, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, []byte("tenant/"), []byte("p")}
			for range 1000 {
				q := gen()
				if r.IntN(3) == 0 {
					q = q[:r.IntN(len(q)+1)]
				}
				queries = append(queries, q)
			}
			for _, q := range queries {
				for _, tr := range []base.Trailer{maxTrailer, base.MakeTrailer(1000, base.KindSet), 0} {
					want := len(rd.index)
					for i, e := range rd.index {
						if base.CompareInternal(e.sepUser, e.sepTrailer, q, tr) >= 0 {
							want = i
							break
						}
					}
					if got := rd.findBlock(q, tr); got != want {
						t.Fatalf("findBlock(%q, %x) = %d, want %d (common %q)", q, uint64(tr), got, want, rd.idxCommon)
					}
				}
			}
			checkGets(t, r, rd, es, true)
		})
	}
}
