package sstable

import (
	"bytes"
	"encoding/binary"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
	"github.com/keystonedb/kstone-shell/engine/internal/cache"
)

var updateCorpus = flag.Bool("update-corpus", false, "rewrite testdata/fuzz/FuzzReader seeds")

// seedTables returns a few valid tiny tables and damaged variants.
func seedTables(t testing.TB) map[string][]byte {
	tr := func(seq base.SeqNum, k base.Kind) base.Trailer { return base.MakeTrailer(seq, k) }
	one, _ := build(t, []kv{{key: []byte("k"), t: tr(1, base.KindSet), value: []byte("v")}}, WriterOptions{})
	empty, _ := build(t, nil, WriterOptions{})
	versions, _ := build(t, []kv{
		{key: []byte("a"), t: tr(9, base.KindSet), value: []byte("new")},
		{key: []byte("a"), t: tr(3, base.KindDelete)},
		{key: []byte("a"), t: tr(1, base.KindSet), value: []byte("old")},
		{key: []byte("b"), t: tr(2, base.KindSet)},
		{key: []byte("bcd"), t: tr(5, base.KindSet), value: []byte("xyz")},
	}, WriterOptions{BlockSize: 16, RestartInterval: 2})
	nofilter, _ := build(t, []kv{
		{key: []byte("x"), t: tr(1, base.KindSet), value: []byte("1")},
		{key: []byte("y"), t: tr(2, base.KindDelete)},
	}, WriterOptions{BloomFPR: -1})
	small, _ := smallTable(t)
	flipped := bytes.Clone(versions)
	flipped[headerLen+2] ^= 1
	badMagic := bytes.Clone(one)
	badMagic[0] = 'X'
	return map[string][]byte{
		"one": one, "empty": empty, "versions": versions, "nofilter": nofilter,
		"small": small, "flipped": flipped, "badmagic": badMagic,
		"truncated": versions[:len(versions)-7],
	}
}

// TestGenerateFuzzCorpus writes the committed seed corpus when run with
// -update-corpus (go test -run GenerateFuzzCorpus -update-corpus).
func TestGenerateFuzzCorpus(t *testing.T) {
	if !*updateCorpus {
		t.Skip("run with -update-corpus to rewrite the seed corpus")
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzReader")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, b := range seedTables(t) {
		content := "go test fuzz v1\n[]byte(" + strconv.Quote(string(b)) + ")\n"
		if err := os.WriteFile(filepath.Join(dir, "seed-"+name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// FuzzReader opens arbitrary bytes as a table and exercises every read
// path: nothing may panic and every error must be a corruption. Each input
// is tried as is and "resealed" (checksums recomputed), so that mutations
// get past the checksums and reach the decoders; a table that verifies must
// also read back consistently.
func FuzzReader(f *testing.F) {
	for _, b := range seedTables(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		exercise(t, data)
		if r := reseal(data); r != nil {
			exercise(t, r)
		}
	})
}

func exercise(t *testing.T, data []byte) {
	rd, err := NewReader(newMemFile(data), int64(len(data)), ReaderOptions{Cache: cache.New(1 << 20), Name: "fuzz.sst"})
	if err != nil {
		if !isCorruption(err) {
			t.Fatalf("NewReader: non-corruption error %v", err)
		}
		return
	}
	check := func(op string, err error) {
		t.Helper()
		if err != nil && !isCorruption(err) {
			t.Fatalf("%s: non-corruption error %v", op, err)
		}
	}
	verifyErr := rd.Verify()
	check("Verify", verifyErr)
	var es []kv
	it := rd.NewIter(nil, nil)
	for ok := it.First(); ok && len(es) < 10000; ok = it.Next() {
		es = append(es, kv{key: bytes.Clone(it.Key()), t: it.Trailer(), value: it.Value()})
	}
	fwdErr := it.Error()
	check("forward", fwdErr)
	it = rd.NewIter(nil, nil)
	var back []kv
	for ok := it.Last(); ok && len(back) < 10000; ok = it.Prev() {
		back = append(back, kv{key: bytes.Clone(it.Key()), t: it.Trailer(), value: it.Value()})
	}
	check("backward", it.Error())
	keys := [][]byte{[]byte("k"), []byte("a"), nil}
	for _, e := range es {
		keys = append(keys, e.key)
	}
	for _, k := range keys[:min(len(keys), 50)] {
		for _, snap := range []base.SeqNum{base.SeqNumMax, 1} {
			got, err := rd.Get(k, snap)
			check("Get", err)
			if verifyErr == nil && len(es) < 10000 {
				want, ok := modelGet(es, k, snap)
				if err != nil || got.Found != ok || ok && (got.Seq != want.t.SeqNum() || got.Kind != want.t.Kind() || !bytes.Equal(got.Value, want.value)) {
					t.Fatalf("verified table: Get(%q, %d) = %+v, %v; iteration says %v %v", k, snap, got, err, want, ok)
				}
			}
		}
		it := rd.NewIter(k, append(bytes.Clone(k), 0xff))
		it.SeekGE(k)
		it.Prev()
		it.SeekLT(append(bytes.Clone(k), 0))
		it.Next()
		check(fmt.Sprintf("seek %q", k), it.Close())
	}
	if verifyErr == nil && len(es) < 10000 {
		if fwdErr != nil || len(back) != len(es) {
			t.Fatalf("verified table: forward %d entries (err %v), backward %d", len(es), fwdErr, len(back))
		}
		for i := range es {
			if e, b := es[i], back[len(back)-1-i]; !bytes.Equal(e.key, b.key) || e.t != b.t || !bytes.Equal(e.value, b.value) {
				t.Fatalf("verified table: entry %d forward %v, backward %v", i, e, b)
			}
		}
	}
}

// reseal recomputes the checksums of every block and of the footer that it
// can locate, or returns nil if the footer cannot be located.
func reseal(data []byte) []byte {
	if len(data) < headerLen+footerLen {
		return nil
	}
	b := bytes.Clone(data)
	size := uint64(len(b))
	ft := b[len(b)-footerLen:]
	fix := func(h handle) []byte {
		if h.offset > size || h.length > size || h.end() > size {
			return nil
		}
		contents := b[h.offset : h.offset+h.length]
		binary.LittleEndian.PutUint32(b[h.offset+h.length+1:], blockCRC(contents, b[h.offset+h.length]))
		return contents
	}
	var hs [3]handle
	for i := range hs {
		hs[i] = handle{binary.LittleEndian.Uint64(ft[16*i:]), binary.LittleEndian.Uint64(ft[16*i+8:])}
		if i > 0 || hs[i].length > 0 {
			fix(hs[i])
		}
	}
	if idx := fix(hs[1]); idx != nil {
		var it blockIter
		if it.init(idx) {
			for ok := it.first(); ok; ok = it.next() {
				if h, err := decodeHandle(it.val); err == nil {
					fix(h)
				}
			}
		}
	}
	binary.LittleEndian.PutUint32(ft[footerCRCLen:], crc32Checksum(ft[:footerCRCLen]))
	return b
}

// FuzzBlock runs the block decoders on arbitrary block contents, which
// FuzzReader can only reach through a checksum. On well-formed blocks the
// specialised point lookup must agree with the block iterator.
func FuzzBlock(f *testing.F) {
	for _, ri := range []int{1, 2, 16} {
		bw := blockWriter{restartInterval: ri}
		for i := range 40 {
			k := fmt.Appendf(nil, "key%02d", i/2)
			if i%7 == 0 {
				k = append(k, bytes.Repeat([]byte("long"), 40)...)
			}
			bw.add(base.AppendInternalKey(nil, k, base.MakeTrailer(base.SeqNum(100-i), base.Kind(i%2))), bytes.Repeat([]byte("v"), i*5))
		}
		f.Add(bytes.Clone(bw.finish()), []byte("key07"), uint64(60))
		f.Add(bytes.Clone(bw.finish()), []byte("key0"), uint64(1000))
	}
	f.Add([]byte{0, 0, 0, 0}, []byte(""), uint64(0))
	f.Fuzz(func(t *testing.T, data, key []byte, snap uint64) {
		tr := base.MakeTrailer(min(base.SeqNum(snap), base.SeqNumMax), 0xff)
		r := &Reader{name: "fuzz"}
		res, err := r.getInBlock(data, 0, key, tr, GetResult{})
		if err != nil && !isCorruption(err) {
			t.Fatal(err)
		}
		var it blockIter
		if !it.init(data) {
			return
		}
		if wellFormed(data) {
			var want GetResult
			if it.seekGE(key, tr) && bytes.Equal(it.userKey(), key) {
				want = GetResult{Found: true, Kind: it.trailer.Kind(), Seq: it.trailer.SeqNum(), Value: it.val}
			}
			if err != nil || res.Found != want.Found || res.Kind != want.Kind || res.Seq != want.Seq || !bytes.Equal(res.Value, want.Value) {
				t.Fatalf("getInBlock(%q, %d) = %+v, %v; seekGE says %+v", key, snap, res, err, want)
			}
		}
		n := 0
		for ok := it.first(); ok && n < 1000; ok = it.next() {
			n++
		}
		for ok := it.last(); ok && n < 2000; ok = it.prev() {
			n++
		}
		it.seekGE(key, maxTrailer)
		it.prev()
		it.next()
		it.seekLT(key, 0)
		it.next()
		it.prev()
	})
}

// wellFormed reports whether a block is one a Writer could have produced
// (what Verify checks of a block): valid restarts on entry boundaries,
// kinds set or delete, keys strictly increasing.
func wellFormed(data []byte) bool {
	var it blockIter
	if !it.init(data) || it.numRestarts == 0 || !checkRestarts(data, it.restarts, it.numRestarts) {
		return false
	}
	var prev []byte
	j := 0
	for ok := it.first(); ok; ok = it.next() {
		if j < it.numRestarts && restartOffset(data, it.restarts, j) == it.offset {
			j++
		}
		if k := it.trailer.Kind(); k > base.KindSet {
			return false
		}
		if prev != nil {
			pu, pt, _ := base.SplitInternalKey(prev)
			if base.CompareInternal(pu, pt, it.userKey(), it.trailer) >= 0 {
				return false
			}
		}
		prev = append(prev[:0], it.key...)
	}
	return it.corrupt == "" && j == it.numRestarts
}
