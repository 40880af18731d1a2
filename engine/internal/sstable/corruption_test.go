package sstable

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
	"github.com/keystonedb/kstone-shell/engine/internal/cache"
)

// smallTable returns a table with several data blocks, versions and
// tombstones, small enough to damage byte by byte.
func smallTable(t testing.TB) ([]byte, []kv) {
	r := rand.New(rand.NewPCG(42, 42))
	var es []kv
	for i := range 40 {
		k := fmt.Appendf(nil, "key-%03d", i*7)
		for v := range 1 + r.IntN(3) {
			kind := base.KindSet
			if r.IntN(4) == 0 {
				kind = base.KindDelete
			}
			var val []byte
			if kind == base.KindSet {
				val = fmt.Appendf(nil, "v%d-%s", v, bytes.Repeat([]byte("x"), r.IntN(20)))
			}
			es = append(es, kv{key: k, t: base.MakeTrailer(base.SeqNum(100-10*v+i), kind), value: val})
		}
	}
	es = sortEntries(es)
	data, _ := build(t, es, WriterOptions{BlockSize: 200, RestartInterval: 4})
	return data, es
}

type region struct {
	name       string
	start, end uint64 // [start, end)
}

func regions(t testing.TB, data []byte) []region {
	rd := open(t, data, nil)
	rs := []region{{"header", 0, headerLen}}
	for i, e := range rd.index {
		rs = append(rs, region{fmt.Sprintf("data%d", i), e.h.offset, e.h.end()})
	}
	m := rd.meta
	if m.filter.length > 0 {
		rs = append(rs, region{"filter", m.filter.offset, m.filter.end()})
	}
	rs = append(rs, region{"index", m.index.offset, m.index.end()},
		region{"properties", m.props.offset, m.props.end()},
		region{"footer", m.props.end(), uint64(len(data))})
	return rs
}

func regionOf(rs []region, pos int) region {
	for _, r := range rs {
		if uint64(pos) >= r.start && uint64(pos) < r.end {
			return r
		}
	}
	panic("no region")
}

func TestCorruptionEveryByte(t *testing.T) {
	data, es := smallTable(t)
	rs := regions(t, data)
	if len(rs) < 8 {
		t.Fatalf("table too simple: %v", rs)
	}
	for pos := range data {
		for _, mask := range []byte{0x01, 0xff} {
			bad := bytes.Clone(data)
			bad[pos] ^= mask
			checkDamaged(t, bad, es, regionOf(rs, pos), fmt.Sprintf("byte %d ^%#x", pos, mask))
		}
	}
}

// checkDamaged checks that a damaged table yields exact data or corruption
// errors, and that the corruption is found at the latest by Verify.
func checkDamaged(t *testing.T, bad []byte, es []kv, reg region, what string) {
	t.Helper()
	what = fmt.Sprintf("%s (%s)", what, reg.name)
	isData := len(reg.name) > 4 && reg.name[:4] == "data"
	wantDataErr := func(err error, op string) {
		t.Helper()
		var ce *base.CorruptionError
		if !errors.As(err, &ce) || !errors.Is(err, base.ErrCorruption) {
			t.Fatalf("%s: %s: error %v is not a corruption", what, op, err)
		}
		if isData && (ce.Detail != DetailChecksum || ce.Offset != int64(reg.start) || ce.File != "000_0000000007.sst") {
			t.Fatalf("%s: %s: %+v, want checksum mismatch at %d", what, op, ce, reg.start)
		}
	}
	rd, err := NewReader(newMemFile(bad), int64(len(bad)), ReaderOptions{Cache: cache.New(1 << 20), FileNum: 7, Name: "000_0000000007.sst"})
	if err != nil {
		if isData {
			t.Fatalf("%s: NewReader read a data block: %v", what, err)
		}
		if !isCorruption(err) {
			t.Fatalf("%s: NewReader: %v is not a corruption", what, err)
		}
		return
	}
	if !isData {
		t.Fatalf("%s: NewReader accepted damaged metadata", what)
	}
	for _, e := range es {
		for _, snap := range []base.SeqNum{e.t.SeqNum(), base.SeqNumMax} {
			got, err := rd.Get(e.key, snap)
			if err != nil {
				wantDataErr(err, "Get")
				continue
			}
			want, ok := modelGet(es, e.key, snap)
			if got.Found != ok || got.Kind != want.t.Kind() || got.Seq != want.t.SeqNum() || !bytes.Equal(got.Value, want.value) {
				t.Fatalf("%s: Get(%q, %d) returned wrong data %+v", what, e.key, snap, got)
			}
		}
	}
	it := rd.NewIter(nil, nil)
	i := 0
	for ok := it.First(); ok; ok = it.Next() {
		checkEntry(t, what+" forward", it, es[i])
		i++
	}
	wantDataErr(it.Error(), "forward scan")
	if it.Next() || it.First() || it.Valid() {
		t.Fatalf("%s: iterator usable after an error", what)
	}
	it = rd.NewIter(nil, nil)
	i = len(es) - 1
	for ok := it.Last(); ok; ok = it.Prev() {
		checkEntry(t, what+" backward", it, es[i])
		i--
	}
	wantDataErr(it.Error(), "backward scan")
	wantDataErr(rd.Verify(), "Verify")
}

func TestCorruptionDetails(t *testing.T) {
	data, _ := smallTable(t)
	rs := regions(t, data)
	for pos := range 4 {
		bad := bytes.Clone(data)
		bad[pos] ^= 0x20
		_, err := NewReader(newMemFile(bad), int64(len(bad)), ReaderOptions{Name: "x.sst"})
		var ce *base.CorruptionError
		if !errors.As(err, &ce) || ce.Detail != "SST file header invalid" || ce.Offset != 0 || ce.File != "x.sst" {
			t.Fatalf("magic byte %d: %v", pos, err)
		}
	}
	// The error message the engine prints.
	bad := bytes.Clone(data)
	d := rs[1]
	bad[d.start+3] ^= 1
	rd := open(t, bad, nil)
	_, err := rd.Get([]byte("key-000"), base.SeqNumMax)
	if err == nil || err.Error() != fmt.Sprintf("Corruption detected: Checksum mismatch (file 000_0000000007.sst, offset %d)", d.start) {
		t.Fatalf("Get error = %v", err)
	}
	// Each metadata region names itself.
	for _, name := range []string{"filter", "index", "properties", "footer"} {
		for _, r := range rs {
			if r.name != name {
				continue
			}
			bad := bytes.Clone(data)
			bad[r.start+1] ^= 1
			_, err := NewReader(newMemFile(bad), int64(len(bad)), ReaderOptions{})
			var ce *base.CorruptionError
			if !errors.As(err, &ce) || !bytes.Contains([]byte(ce.Detail), []byte(name)) {
				t.Errorf("%s damaged: %v", name, err)
			}
		}
	}
}

func TestTruncatedFiles(t *testing.T) {
	data, _ := smallTable(t)
	for n := range len(data) {
		// A file cut to n bytes, with its size known...
		_, err := NewReader(newMemFile(data[:n]), int64(n), ReaderOptions{})
		if !isCorruption(err) {
			t.Fatalf("truncated to %d: %v", n, err)
		}
		// ... or with a stale size.
		_, err = NewReader(newMemFile(data[:n]), int64(len(data)), ReaderOptions{})
		if !isCorruption(err) {
			t.Fatalf("truncated to %d, stale size: %v", n, err)
		}
	}
	if _, err := NewReader(newMemFile(data), -1, ReaderOptions{}); !isCorruption(err) {
		t.Fatalf("negative size: %v", err)
	}
}

// TestTruncatedAfterOpen cuts the file after NewReader: reads of the lost
// blocks must fail as corruption, not return zeros.
func TestTruncatedAfterOpen(t *testing.T) {
	data, es := smallTable(t)
	f := newMemFile(data)
	rd, err := NewReader(f, int64(len(data)), ReaderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	f.Reset(data[:len(data)/2])
	it := rd.NewIter(nil, nil)
	n := 0
	for ok := it.First(); ok; ok = it.Next() {
		checkEntry(t, "truncated", it, es[n])
		n++
	}
	if !isCorruption(it.Error()) || n == 0 {
		t.Fatalf("after %d entries: %v", n, it.Error())
	}
	if err := rd.Verify(); !isCorruption(err) {
		t.Fatalf("Verify: %v", err)
	}
}

type errFile struct{ err error }

func (f errFile) ReadAt([]byte, int64) (int, error) { return 0, f.err }
func (f errFile) Close() error                      { return nil }

func TestIOErrorIsNotCorruption(t *testing.T) {
	boom := errors.New("boom")
	_, err := NewReader(errFile{boom}, 1000, ReaderOptions{Name: "a.sst"})
	if !errors.Is(err, boom) || errors.Is(err, base.ErrCorruption) {
		t.Fatalf("err = %v", err)
	}
}

// TestUnknownCompressionType: a block whose checksum is right but whose
// compression type is not "none" is rejected as corruption.
func TestUnknownCompressionType(t *testing.T) {
	data, _ := smallTable(t)
	rs := regions(t, data)
	for _, reg := range rs {
		if reg.name != "data1" && reg.name != "index" && reg.name != "filter" {
			continue
		}
		bad := bytes.Clone(data)
		bad[reg.end-blockTrailerLen] = 2
		bad = reseal(bad)
		rd, err := NewReader(newMemFile(bad), int64(len(bad)), ReaderOptions{})
		if reg.name != "data1" {
			var ce *base.CorruptionError
			if !errors.As(err, &ce) || !strings.Contains(ce.Detail, "unsupported compression type 2") {
				t.Fatalf("%s: %v", reg.name, err)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		err = rd.Verify()
		var ce *base.CorruptionError
		if !errors.As(err, &ce) || ce.Offset != int64(reg.start) || !strings.Contains(ce.Detail, "unsupported compression type 2") {
			t.Fatalf("data block: %v", err)
		}
	}
}
