package bloom

import (
	"encoding/binary"
	"encoding/hex"
	"math/rand/v2"
	"testing"
)

func key(prefix byte, i uint64) []byte {
	var b [9]byte
	b[0] = prefix
	binary.BigEndian.PutUint64(b[1:], i)
	return b[:]
}

func TestNoFalseNegatives(t *testing.T) {
	for _, n := range []int{0, 1, 2, 7, 100, 10000} {
		b := NewBuilder(0.01)
		for i := range n {
			b.Add(key('k', uint64(i)))
		}
		f := Filter(b.Build())
		if !f.Valid() {
			t.Fatalf("n=%d: built filter is not valid", n)
		}
		for i := range n {
			if !f.MayContain(key('k', uint64(i))) {
				t.Fatalf("n=%d: false negative for key %d", n, i)
			}
		}
	}
}

func TestEmptyFilterContainsNothing(t *testing.T) {
	f := Filter(NewBuilder(0.01).Build())
	for i := range 1000 {
		if f.MayContain(key('x', uint64(i))) {
			t.Fatalf("empty filter claims key %d", i)
		}
	}
}

// TestFalsePositiveRate measures the rate for 1% on 100k keys. Keys and hash
// are deterministic, so the result is too; the bound is loose (1.5%) so that
// a legitimate change of sizing policy does not need to retune it.
func TestFalsePositiveRate(t *testing.T) {
	for _, c := range []struct {
		fpr, limit float64
	}{{0.01, 0.015}, {0.001, 0.0015}, {0.1, 0.12}} {
		const n = 100_000
		b := NewBuilder(c.fpr)
		for i := range n {
			b.Add(key('k', uint64(i)))
		}
		f := Filter(b.Build())
		fp := 0
		const probes = 200_000
		for i := range probes {
			if f.MayContain(key('m', uint64(i))) {
				fp++
			}
		}
		rate := float64(fp) / probes
		t.Logf("fpr %.3f: measured %.4f, %.2f bits/key", c.fpr, rate, float64(len(f)*8)/n)
		if rate > c.limit {
			t.Errorf("fpr %.3f: measured false-positive rate %.4f > %.4f", c.fpr, rate, c.limit)
		}
	}
}

func TestBuilderParameters(t *testing.T) {
	for _, c := range []struct {
		fpr    float64
		probes int
	}{{0.01, 7}, {0.1, 3}, {0.001, 10}, {0, 7}, {-1, 7}, {1, 7}, {1e-300, MaxProbes}} {
		b := NewBuilder(c.fpr)
		if b.probes != c.probes {
			t.Errorf("NewBuilder(%g): %d probes, want %d", c.fpr, b.probes, c.probes)
		}
	}
}

func TestDuplicatesAllowed(t *testing.T) {
	b := NewBuilder(0.01)
	for range 3 {
		b.Add([]byte("a"))
	}
	b.Add([]byte("b"))
	b.Add([]byte("a"))
	if b.Len() != 3 {
		t.Fatalf("Len = %d, want 3 (consecutive duplicates collapsed)", b.Len())
	}
	f := Filter(b.Build())
	if !f.MayContain([]byte("a")) || !f.MayContain([]byte("b")) {
		t.Fatal("false negative")
	}
	if got, want := len(f), b.EstimatedSize(); got != want {
		t.Fatalf("len = %d, EstimatedSize = %d", got, want)
	}
}

// TestEncodingStable pins the encoding of a small filter: the format is
// persisted, so an accidental change must fail loudly.
func TestEncodingStable(t *testing.T) {
	b := NewBuilder(0.01)
	for _, k := range []string{"alpha", "beta", "gamma"} {
		b.Add([]byte(k))
	}
	enc := b.Build()
	// Decode: round trip through Filter, and check the self-description.
	f := Filter(enc)
	if !f.Valid() || enc[len(enc)-2] != 7 || enc[len(enc)-1] != FormatVersion {
		t.Fatalf("bad trailer % x", enc[len(enc)-2:])
	}
	for _, k := range []string{"alpha", "beta", "gamma"} {
		if !f.MayContain([]byte(k)) {
			t.Fatalf("false negative %q", k)
		}
	}
	if got, want := hex.EncodeToString(enc), "21898864100982630701"; got != want {
		t.Fatalf("encoding changed: got %s, want %s", got, want)
	}
}

func TestInvalidFiltersAnswerTrue(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	cases := []Filter{nil, {}, {1}, {0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, {0, 0, 0, 0, 0, 0, 0, 0, 7, 2}, {0, 0, 0, 0, 0, 0, 0, 0, 31, 1}}
	for _, f := range cases {
		if f.Valid() {
			t.Errorf("%x: Valid", []byte(f))
		}
		if !f.MayContain([]byte("k")) {
			t.Errorf("%x: invalid filter said absent", []byte(f))
		}
	}
	// Arbitrary bytes never panic.
	for range 1000 {
		f := make(Filter, r.IntN(40))
		for i := range f {
			f[i] = byte(r.Uint32())
		}
		f.MayContain([]byte("key"))
	}
}

func BenchmarkMayContain(b *testing.B) {
	bl := NewBuilder(0.01)
	for i := range 100_000 {
		bl.Add(key('k', uint64(i)))
	}
	f := Filter(bl.Build())
	k := []byte("0123456789abcdef")
	for b.Loop() {
		f.MayContain(k)
	}
}

func BenchmarkBuild(b *testing.B) {
	keys := make([][]byte, 100_000)
	for i := range keys {
		keys[i] = key('k', uint64(i))
	}
	for b.Loop() {
		bl := NewBuilder(0.01)
		for _, k := range keys {
			bl.Add(k)
		}
		bl.Build()
	}
}
