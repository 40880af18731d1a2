package wal

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
)

// buildSegment encodes a segment by hand (no terminator): header then the
// records, with LSNs as given.
func buildSegment(num base.FileNum, recs []record) []byte {
	h := encodeHeader(1, num, 0)
	b := h[:]
	for _, r := range recs {
		b = appendRecord(b, num, r.lsn, r.payload)
	}
	return b
}

// recordOffsets returns the start offset of every record of a segment
// written with these payloads, and the end of the last.
func recordOffsets(recs []record) (starts []int64, end int64) {
	end = HeaderSize
	for _, r := range recs {
		starts = append(starts, end)
		end += RecordHeaderSize + int64(len(r.payload))
	}
	return starts, end
}

func TestRecycledFile(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	f := newMemFile(nil)
	var sizesA []int
	for range 400 {
		sizesA = append(sizesA, rng.IntN(200))
	}
	writeSegment(t, f, 10, sizesA, rng)
	sizeA := len(f.bytes())

	for _, nB := range []int{0, 1, 17} {
		var sizesB []int
		for range nB {
			sizesB = append(sizesB, 1+rng.IntN(300))
		}
		f.closed = false // reopen
		recsB, wB := writeSegment(t, f, 11+base.FileNum(nB), sizesB, rng)
		data := f.bytes()
		if len(data) < sizeA {
			t.Fatalf("recycled file shrank")
		}
		got, info, err := readRecords(data, "recycled")
		if err != nil {
			t.Fatalf("B with %d records: %v", nB, err)
		}
		checkRecords(t, got, recsB)
		if info.Torn || !info.Sealed || info.Records != nB || info.ValidEnd != wB.Size()-RecordHeaderSize || info.Num != wB.Num() {
			t.Fatalf("B with %d records: info %+v, size %d", nB, info, wB.Size())
		}
	}
}

// TestStaleRecordIsCleanEnd covers a recycled file whose stale records line
// up with the new ones (no terminator between): a good CRC with another
// segment number is a clean end.
func TestStaleRecordIsCleanEnd(t *testing.T) {
	recs := []record{{1, []byte("one")}, {2, []byte("two")}}
	data := buildSegment(8, recs)
	data = appendRecord(data, 7, 3, []byte("stale"))
	data = appendRecord(data, 8, 4, []byte("stale but same number?"))
	got, info, err := readRecords(data, "s")
	if err != nil || info.Torn || info.Records != 2 {
		t.Fatalf("info %+v, err %v", info, err)
	}
	checkRecords(t, got, recs)
}

// tailFills returns, for a cut inside the last record, the tails that a crash
// can leave after it: nothing, zeros (preallocated space) or stale bytes
// (a recycled file).
func tailFills(rng *rand.Rand) map[string]func(n int) []byte {
	return map[string]func(n int) []byte{
		"truncated": func(int) []byte { return nil },
		"zeros":     func(n int) []byte { return make([]byte, n) },
		"stale":     func(n int) []byte { return randPayload(rng, n) },
	}
}

func TestTornTail(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	f := newMemFile(nil)
	recs, w := writeSegment(t, f, 20, []int{10, 0, 300, 50, 70}, rng)
	img := f.bytes()[:w.Size()]
	starts, end := recordOffsets(recs)
	last := starts[len(starts)-1]
	lastLSN := recs[len(recs)-1].lsn
	for name, fill := range tailFills(rng) {
		for cut := last; cut <= end; cut++ {
			data := append(bytes.Clone(img[:cut]), fill(int(end-cut)+64)...)
			got, info, err := readRecords(data, "torn")
			if err != nil {
				t.Fatalf("%s cut %d: %v", name, cut, err)
			}
			want := recs
			if cut < end {
				want = recs[:len(recs)-1]
			}
			checkRecords(t, got, want)
			// A cut leaving only zero bytes of the record is
			// indistinguishable from preallocated space: a clean end.
			wantTorn := cut < end && !allZero(img[last:cut])
			if name == "stale" {
				// Random bytes (even after a complete segment) are damage
				// with nothing valid after it: torn, never an error.
				wantTorn = true
			}
			if info.Torn != wantTorn {
				t.Fatalf("%s cut %d: Torn %v, want %v", name, cut, info.Torn, wantTorn)
			}
			// Stale bytes in the LSN field make any claim possible.
			lsnKnown := name != "stale" || cut >= last+RecordHeaderSize
			if info.Torn && cut < end && lsnKnown && info.TornLSN != lastLSN {
				t.Fatalf("%s cut %d: TornLSN %d, want %d", name, cut, info.TornLSN, lastLSN)
			}
			if wantEnd := last; cut == end && info.ValidEnd != end || cut < end && info.ValidEnd != wantEnd {
				t.Fatalf("%s cut %d: ValidEnd %d", name, cut, info.ValidEnd)
			}
		}
	}
}

// TestCorruption flips every byte of every record in turn. In a sealed
// segment that is corruption at that record's LSN, wherever the record is;
// in a segment a crash left unsealed, damage to the last record is a torn
// tail. The records returned before are always exactly the ones written.
func TestCorruption(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	f := newMemFile(nil)
	recs, w := writeSegment(t, f, 30, []int{5, 40, 0, 33, 64, 9}, rng)
	starts, end := recordOffsets(recs)
	if end != w.Size()-RecordHeaderSize {
		t.Fatalf("end %d, size %d (with the seal)", end, w.Size())
	}
	sealed := f.bytes() // with seal, terminator and preallocated zeros
	unsealed := bytes.Clone(sealed)
	clear(unsealed[end : end+RecordHeaderSize])
	t.Run("sealed", func(t *testing.T) { checkFlips(t, sealed, recs, starts, end, false) })
	t.Run("unsealed", func(t *testing.T) { checkFlips(t, unsealed, recs, starts, end, true) })
}

func checkFlips(t *testing.T, full []byte, recs []record, starts []int64, end int64, lastIsTorn bool) {
	for i, start := range starts {
		recEnd := end
		if i+1 < len(starts) {
			recEnd = starts[i+1]
		}
		for off := start; off < recEnd; off++ {
			for _, mask := range []byte{0x01, 0x80, 0xff} {
				data := bytes.Clone(full)
				data[off] ^= mask
				got, info, err := readRecords(data, "wal_001.log")
				checkRecords(t, got, recs[:i])
				if i == len(recs)-1 && lastIsTorn {
					if err != nil || !info.Torn || info.TornLSN == 0 {
						t.Fatalf("last record, flip at %d: info %+v err %v", off, info, err)
					}
					continue
				}
				var ce *base.CorruptionError
				if !errors.Is(err, base.ErrCorruption) || !errors.As(err, &ce) {
					t.Fatalf("record %d, flip %#x at %d: err %v", i, mask, off, err)
				}
				want := base.CorruptionError{File: "wal_001.log", Offset: start, LSN: recs[i].lsn,
					Detail: fmt.Sprintf("WAL checksum mismatch at LSN %d", recs[i].lsn)}
				if *ce != want {
					t.Fatalf("record %d, flip %#x at %d: %+v, want %+v", i, mask, off, *ce, want)
				}
				if info.Records != i || info.Torn {
					t.Fatalf("record %d: info %+v", i, info)
				}
			}
		}
	}
}

func TestCorruptionFirstRecordWithoutLSNHint(t *testing.T) {
	// The damaged record's own LSN is unusable (its segment number is hit),
	// and nothing precedes it: LastLSN+1.
	recs := []record{{1, []byte("a")}, {2, []byte("b")}}
	data := buildSegment(4, recs)
	data[HeaderSize+recNumOff] ^= 1
	_, _, err := readRecords(data, "x")
	var ce *base.CorruptionError
	if !errors.As(err, &ce) || ce.LSN != 1 || ce.Offset != HeaderSize {
		t.Fatalf("err %v", err)
	}
}

func TestOutOfOrderLSN(t *testing.T) {
	// An intact record whose LSN does not increase: torn at the tail,
	// corruption when a valid record follows.
	data := buildSegment(4, []record{{1, []byte("a")}, {2, []byte("b")}, {2, []byte("dup")}})
	got, info, err := readRecords(data, "x")
	if err != nil || !info.Torn || len(got) != 2 || info.TornLSN != 3 {
		t.Fatalf("tail: info %+v err %v", info, err)
	}
	data = appendRecord(data, 4, 3, []byte("c"))
	_, info, err = readRecords(data, "x")
	var ce *base.CorruptionError
	if !errors.As(err, &ce) || ce.LSN != 3 || info.Records != 2 {
		t.Fatalf("middle: info %+v err %v", info, err)
	}
}

func TestBadHeader(t *testing.T) {
	good := buildSegment(4, []record{{1, []byte("a")}})
	for off := range HeaderSize {
		data := bytes.Clone(good)
		data[off] ^= 0x10
		_, info, err := readRecords(data, "h")
		var ce *base.CorruptionError
		if !errors.As(err, &ce) || ce.Detail != "WAL header invalid" || ce.File != "h" || info.Records != 0 {
			t.Fatalf("flip at %d: %v", off, err)
		}
		if _, _, err := ReadHeader(bytes.NewReader(data), "h"); !errors.Is(err, base.ErrCorruption) {
			t.Fatalf("ReadHeader, flip at %d: %v", off, err)
		}
	}
	// A valid CRC over an unknown version is still invalid.
	h := encodeHeader(1, 4, 0)
	h[hdrVersionOff] = 2
	h = fixHeaderCRC(h)
	if _, _, err := ReadHeader(bytes.NewReader(h[:]), "h"); !errors.Is(err, base.ErrCorruption) {
		t.Fatalf("version 2: %v", err)
	}
	// A short, non-zero header.
	if _, _, err := readRecords(good[:10], "h"); !errors.Is(err, base.ErrCorruption) {
		t.Fatalf("short header: %v", err)
	}
}

func fixHeaderCRC(h [HeaderSize]byte) [HeaderSize]byte {
	binary.LittleEndian.PutUint32(h[hdrCRCOff:], crc32.Checksum(h[:hdrCRCOff], crcTable))
	return h
}

func TestEmptySegment(t *testing.T) {
	for _, size := range []int{0, 5, HeaderSize, 4096} {
		data := make([]byte, size)
		got, info, err := readRecords(data, "e")
		if !errors.Is(err, ErrEmptySegment) || errors.Is(err, base.ErrCorruption) || len(got) != 0 || info.Records != 0 {
			t.Fatalf("size %d: info %+v err %v", size, info, err)
		}
		if _, _, err := ReadHeader(bytes.NewReader(data), "e"); !errors.Is(err, ErrEmptySegment) {
			t.Fatalf("ReadHeader size %d: %v", size, err)
		}
	}
}

func TestNoRecords(t *testing.T) {
	data := buildSegment(4, nil)
	for _, tail := range [][]byte{nil, make([]byte, 3), make([]byte, 1000)} {
		_, info, err := readRecords(append(bytes.Clone(data), tail...), "n")
		want := SegmentInfo{Stripe: 1, Num: 4, ValidEnd: HeaderSize}
		if err != nil || !reflect.DeepEqual(info, want) {
			t.Fatalf("tail %d: info %+v err %v", len(tail), info, err)
		}
	}
}

func TestReadSegmentFnError(t *testing.T) {
	data := buildSegment(4, []record{{1, []byte("a")}, {2, []byte("b")}})
	stop := errors.New("stop")
	calls := 0
	_, err := ReadSegment(bytes.NewReader(data), int64(len(data)), "x", func(base.SeqNum, []byte) error {
		calls++
		return stop
	})
	if !errors.Is(err, stop) || calls != 1 {
		t.Fatalf("err %v after %d calls", err, calls)
	}
	// fn may be nil.
	info, err := ReadSegment(bytes.NewReader(data), int64(len(data)), "x", nil)
	if err != nil || info.Records != 2 {
		t.Fatalf("nil fn: %+v %v", info, err)
	}
}

func TestReadSegmentSizeMismatch(t *testing.T) {
	data := buildSegment(4, []record{{1, []byte("a")}})
	if _, err := ReadSegment(bytes.NewReader(data), int64(len(data))+1<<40, "x", nil); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("size past EOF: %v", err)
	}
	if _, err := ReadSegment(bytes.NewReader(data), -1, "x", nil); err == nil {
		t.Fatal("negative size accepted")
	}
	// A size shorter than the file reads as a truncated file.
	info, err := ReadSegment(bytes.NewReader(data), int64(len(data))-1, "x", nil)
	if err != nil || !info.Torn {
		t.Fatalf("short size: %+v %v", info, err)
	}
}

// TestLengthBoundedByFile: a record claiming a huge payload in a small file
// is damage, not an allocation.
func TestLengthBoundedByFile(t *testing.T) {
	data := buildSegment(4, []record{{1, []byte("a")}})
	data = appendRecord(data, 4, 2, []byte("b"))
	data[HeaderSize+RecordHeaderSize+1+recLenOff+3] = 0x7f // length ~2 GiB
	got, info, err := readRecords(data, "x")
	if err != nil || !info.Torn || len(got) != 1 {
		t.Fatalf("info %+v err %v", info, err)
	}
}

// FuzzReadSegment checks that arbitrary input never panics and that every
// record returned is one a writer could have produced, in LSN order, at the
// offsets the info accounts for.
func FuzzReadSegment(f *testing.F) {
	f.Add(buildSegment(4, []record{{1, []byte("a")}, {2, nil}, {5, []byte("payload")}}))
	f.Add(append(buildSegment(4, []record{{1, []byte("a")}}), make([]byte, 40)...))
	f.Add(make([]byte, HeaderSize))
	f.Add([]byte("KWAL"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var num base.FileNum
		off := int64(HeaderSize)
		var last base.SeqNum
		n := 0
		info, err := ReadSegment(bytes.NewReader(data), int64(len(data)), "fuzz", func(lsn base.SeqNum, p []byte) error {
			if n == 0 {
				_, num, _ = ReadHeader(bytes.NewReader(data), "fuzz")
			}
			want := appendRecord(nil, num, lsn, p)
			if off+int64(len(want)) > int64(len(data)) || !bytes.Equal(data[off:off+int64(len(want))], want) {
				t.Fatalf("record %d (LSN %d) not the bytes at %d", n, lsn, off)
			}
			if lsn <= last {
				t.Fatalf("LSN %d after %d", lsn, last)
			}
			last = lsn
			off += int64(len(want))
			n++
			return nil
		})
		if info.Records != n || info.LastLSN != last {
			t.Fatalf("info %+v after %d records, last LSN %d", info, n, last)
		}
		if err == nil && info.ValidEnd != off {
			t.Fatalf("ValidEnd %d, records end at %d", info.ValidEnd, off)
		}
		if info.ValidEnd > int64(len(data)) {
			t.Fatalf("ValidEnd %d past %d", info.ValidEnd, len(data))
		}
		if err != nil && !errors.Is(err, base.ErrCorruption) && !errors.Is(err, ErrEmptySegment) {
			t.Fatalf("unexpected error kind: %v", err)
		}
		if info.Torn && (err != nil || info.TornLSN <= info.LastLSN) {
			t.Fatalf("torn info %+v err %v", info, err)
		}
	})
}
