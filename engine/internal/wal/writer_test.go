package wal

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
	"github.com/keystonedb/kstone-shell/engine/internal/vfs"
)

type record struct {
	lsn     base.SeqNum
	payload []byte
}

// readRecords reads a segment image and collects copies of its records.
func readRecords(data []byte, name string) ([]record, SegmentInfo, error) {
	var got []record
	info, err := ReadSegment(bytes.NewReader(data), int64(len(data)), name, func(lsn base.SeqNum, p []byte) error {
		got = append(got, record{lsn, bytes.Clone(p)})
		return nil
	})
	return got, info, err
}

func checkRecords(t *testing.T, got, want []record) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d records, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i].lsn != want[i].lsn || !bytes.Equal(got[i].payload, want[i].payload) {
			t.Fatalf("record %d: got LSN %d (%d bytes), want LSN %d (%d bytes)",
				i, got[i].lsn, len(got[i].payload), want[i].lsn, len(want[i].payload))
		}
	}
}

func randPayload(rng *rand.Rand, n int) []byte {
	p := make([]byte, n)
	for i := range p {
		p[i] = byte(rng.Uint32())
	}
	return p
}

// writeSegment writes records with the given payload sizes (LSNs 1..n) and
// closes the writer.
func writeSegment(t *testing.T, f vfs.File, num base.FileNum, sizes []int, rng *rand.Rand) ([]record, *Writer) {
	t.Helper()
	w, err := NewWriter(f, "seg", WriterOptions{Stripe: 3, Num: num, BufferSize: 512, PreallocateChunk: 2048})
	if err != nil {
		t.Fatal(err)
	}
	var recs []record
	for i, n := range sizes {
		r := record{base.SeqNum(i + 1), randPayload(rng, n)}
		if _, err := w.Append(r.lsn, r.payload); err != nil {
			t.Fatal(err)
		}
		recs = append(recs, r)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return recs, w
}

func TestRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	sizes := []int{0, 1, 100, 0, 1023, 1024, 1025, 5000, 20000, 0, 7}
	for range 300 {
		sizes = append(sizes, rng.IntN(600))
	}
	const bufSize, chunk = 1024, 4096
	f := newMemFile(nil)
	w, err := NewWriter(f, "wal_003.log", WriterOptions{Stripe: 3, Num: 42, BufferSize: bufSize, PreallocateChunk: chunk})
	if err != nil {
		t.Fatal(err)
	}
	var want []record
	lsn := base.SeqNum(100)
	var lastEnd int64 = HeaderSize
	for i, n := range sizes {
		lsn += base.SeqNum(1 + rng.IntN(3)) // LSNs need not be dense
		r := record{lsn, randPayload(rng, n)}
		end, err := w.Append(r.lsn, r.payload)
		if err != nil {
			t.Fatal(err)
		}
		if wantEnd := lastEnd + RecordHeaderSize + int64(n); end != wantEnd {
			t.Fatalf("record %d: end %d, want %d", i, end, wantEnd)
		}
		lastEnd = end
		want = append(want, r)
		switch i % 7 {
		case 3:
			if err := w.Sync(end); err != nil {
				t.Fatal(err)
			}
			if w.SyncedSize() < end {
				t.Fatalf("SyncedSize %d < %d after Sync", w.SyncedSize(), end)
			}
		case 5:
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
		}
	}
	if w.Size() != lastEnd || w.LastLSN() != lsn || w.Num() != 42 || w.Stripe() != 3 {
		t.Fatalf("Size %d LastLSN %d Num %d Stripe %d", w.Size(), w.LastLSN(), w.Num(), w.Stripe())
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	lastEnd += RecordHeaderSize // Close sealed the segment
	if err := w.Close(); !errors.Is(err, ErrClosed) {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := w.Append(lsn+1, nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("Append after Close: %v", err)
	}
	st := w.Stats()
	if st.Records != int64(len(sizes)) || st.SyncedRecords != st.Records || st.SyncedBytes != lastEnd || st.Bytes != lastEnd {
		t.Fatalf("stats %+v", st)
	}
	if f.preallocs == 0 || st.Preallocations != int64(f.preallocs) {
		t.Fatalf("preallocations: file saw %d, stats %d", f.preallocs, st.Preallocations)
	}

	data := f.bytes()
	if int64(len(data)) < lastEnd+RecordHeaderSize {
		t.Fatalf("file %d bytes, logical size %d", len(data), lastEnd)
	}
	got, info, err := readRecords(data, "wal_003.log")
	if err != nil {
		t.Fatal(err)
	}
	checkRecords(t, got, want)
	wantInfo := SegmentInfo{Stripe: 3, Num: 42, Records: len(want), FirstLSN: want[0].lsn, LastLSN: lsn, ValidEnd: lastEnd - RecordHeaderSize, Sealed: true}
	if !reflect.DeepEqual(info, wantInfo) {
		t.Fatalf("info %+v, want %+v", info, wantInfo)
	}
	if s, n, err := ReadHeader(bytes.NewReader(data), "x"); err != nil || s != 3 || n != 42 {
		t.Fatalf("ReadHeader = %d %d %v", s, n, err)
	}
}

// TestRoundTripOSFile runs a writer over a real file with default options.
func TestRoundTripOSFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wal_000.log")
	f, err := vfs.Default().Create(path)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	w, err := NewWriter(f, "wal_000.log", WriterOptions{Num: 9})
	if err != nil {
		t.Fatal(err)
	}
	var want []record
	for i := range 2000 {
		r := record{base.SeqNum(i + 1), randPayload(rng, rng.IntN(2000))}
		end, err := w.Append(r.lsn, r.payload)
		if err != nil {
			t.Fatal(err)
		}
		if i%50 == 0 {
			if err := w.Sync(end); err != nil {
				t.Fatal(err)
			}
		}
		want = append(want, r)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got, info, err := readRecords(data, "wal_000.log")
	if err != nil || info.Torn || !info.Sealed || info.ValidEnd != w.Size()-RecordHeaderSize {
		t.Fatalf("info %+v err %v", info, err)
	}
	checkRecords(t, got, want)
}

func TestAppendRejects(t *testing.T) {
	w, err := NewWriter(newMemFile(nil), "seg", WriterOptions{Num: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Append(0, nil); !errors.Is(err, ErrLSNOrder) {
		t.Fatalf("LSN 0: %v", err)
	}
	if _, err := w.Append(5, []byte("a")); err != nil {
		t.Fatal(err)
	}
	for _, lsn := range []base.SeqNum{5, 4} {
		if _, err := w.Append(lsn, []byte("b")); !errors.Is(err, ErrLSNOrder) {
			t.Fatalf("LSN %d after 5: %v", lsn, err)
		}
	}
	if _, err := w.Append(6, make([]byte, MaxPayloadSize+1)); !errors.Is(err, ErrPayloadTooLarge) {
		t.Fatalf("huge payload: %v", err)
	}
	if err := w.Sync(w.Size() + 1); !errors.Is(err, ErrSyncPastEnd) {
		t.Fatalf("Sync past end: %v", err)
	}
	// None of these errors is sticky.
	end, err := w.Append(6, []byte("c"))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Sync(end); err != nil {
		t.Fatal(err)
	}
	if w.LastLSN() != 6 || w.Stats().Records != 2 {
		t.Fatalf("LastLSN %d, stats %+v", w.LastLSN(), w.Stats())
	}
}

func TestOptionsValidate(t *testing.T) {
	o := WriterOptions{PreallocateChunk: -1, BufferSize: -2}
	err := o.Validate()
	if err == nil || !strings.Contains(err.Error(), "PreallocateChunk -1") || !strings.Contains(err.Error(), "BufferSize -2") {
		t.Fatalf("Validate = %v, want both problems", err)
	}
	if _, err := NewWriter(newMemFile(nil), "seg", o); err == nil {
		t.Fatal("NewWriter accepted invalid options")
	}
	o = WriterOptions{}
	o.EnsureDefaults()
	if o.PreallocateChunk != DefaultPreallocateChunk || o.BufferSize != DefaultBufferSize || o.Validate() != nil {
		t.Fatalf("defaults %+v", o)
	}
}

// waiterCount is how many goroutines wait in Sync for a leader.
func (w *Writer) waiterCount() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.waiters
}

// concurrentWriters runs n goroutines that each append (serialized by a
// mutex, as the engine's stripe lock does) and sync perRound records, and
// checks that every acknowledged record is durable, byte for byte, when its
// Sync returns.
func concurrentWriters(t *testing.T, w *Writer, f *memFile, n, perG int) {
	t.Helper()
	var appendMu sync.Mutex
	var wg sync.WaitGroup
	errc := make(chan error, n)
	for g := range n {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(g), 7))
			for range perG {
				payload := randPayload(rng, rng.IntN(300))
				appendMu.Lock()
				l := w.LastLSN() + 1
				end, err := w.Append(l, payload)
				appendMu.Unlock()
				if err != nil {
					errc <- err
					return
				}
				if err := w.Sync(end); err != nil {
					errc <- err
					return
				}
				start := end - RecordHeaderSize - int64(len(payload))
				got, ok := f.durableRange(start, end)
				if !ok {
					errc <- fmt.Errorf("LSN %d acknowledged but [%d, %d) not durable", l, start, end)
					return
				}
				if want := appendRecord(nil, w.Num(), l, payload); !bytes.Equal(got, want) {
					errc <- fmt.Errorf("LSN %d acknowledged but durable bytes differ", l)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
}

func TestGroupCommitDurability(t *testing.T) {
	f := newMemFile(nil)
	// Yield inside Datasync so that Appends and other Syncs interleave
	// with it.
	f.beforeSync = func() error {
		for range 3 {
			runtime.Gosched()
		}
		return nil
	}
	w, err := NewWriter(f, "seg", WriterOptions{Num: 5, BufferSize: 2048, PreallocateChunk: 8192})
	if err != nil {
		t.Fatal(err)
	}
	const goroutines, perG = 16, 150
	concurrentWriters(t, w, f, goroutines, perG)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got, info, err := readRecords(f.bytes(), "seg")
	if err != nil || info.Torn || len(got) != goroutines*perG {
		t.Fatalf("read back %d records, info %+v, err %v", len(got), info, err)
	}
	st := w.Stats()
	if st.Syncs != int64(f.syncCount()) {
		t.Fatalf("stats count %d syncs, file saw %d", st.Syncs, f.syncCount())
	}
}

// TestGroupCommitSharesSyncs makes the first Datasync of each round block
// until the other 15 goroutines wait behind it, so the round must finish
// with at most two Datasyncs for 16 Syncs: no timing involved.
func TestGroupCommitSharesSyncs(t *testing.T) {
	const goroutines, rounds = 16, 20
	f := newMemFile(nil)
	var w *Writer
	var gate sync.Mutex
	armed := false
	f.beforeSync = func() error {
		gate.Lock()
		wait := armed
		armed = false
		gate.Unlock()
		for wait && w.waiterCount() < goroutines-1 {
			runtime.Gosched()
			time.Sleep(10 * time.Microsecond)
		}
		return nil
	}
	var err error
	w, err = NewWriter(f, "seg", WriterOptions{Num: 5, PreallocateChunk: 1 << 16})
	if err != nil {
		t.Fatal(err)
	}
	startSyncs := w.Stats()
	for range rounds {
		gate.Lock()
		armed = true
		gate.Unlock()
		concurrentWriters(t, w, f, goroutines, 1)
	}
	st := w.Stats().Sub(startSyncs)
	if st.SyncRequests != goroutines*rounds {
		t.Fatalf("%d Sync calls, want %d", st.SyncRequests, goroutines*rounds)
	}
	if st.Syncs > 2*rounds || st.Syncs >= st.SyncRequests {
		t.Fatalf("%d Datasyncs for %d Syncs in %d rounds: syncs not shared", st.Syncs, st.SyncRequests, rounds)
	}
	if st.SyncedRecords != goroutines*rounds {
		t.Fatalf("synced records %d", st.SyncedRecords)
	}
	t.Logf("%d Datasyncs for %d Syncs", st.Syncs, st.SyncRequests)
}

func TestStickyDatasyncError(t *testing.T) {
	errDisk := errors.New("EIO")
	f := newMemFile(nil)
	w, err := NewWriter(f, "wal_001.log", WriterOptions{Num: 2})
	if err != nil {
		t.Fatal(err)
	}
	end, err := w.Append(1, []byte("ok"))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Sync(end); err != nil {
		t.Fatal(err)
	}
	f.beforeSync = func() error { return errDisk }
	end2, err := w.Append(2, []byte("lost"))
	if err != nil {
		t.Fatal(err)
	}
	err = w.Sync(end2)
	if !errors.Is(err, errDisk) || !strings.Contains(err.Error(), "wal: segment wal_001.log") {
		t.Fatalf("Sync = %v", err)
	}
	syncs := f.syncCount()
	// The failure is sticky and nothing is retried, not even a sync of data
	// that was durable before.
	f.beforeSync = nil
	checks := map[string]error{
		"Sync(old)": w.Sync(end),
		"Sync":      w.Sync(end2),
		"SyncAll":   w.SyncAll(),
		"Flush":     w.Flush(),
	}
	_, checks["Append"] = w.Append(3, []byte("x"))
	checks["Close"] = w.Close()
	for what, err := range checks {
		if !errors.Is(err, errDisk) {
			t.Errorf("%s after failed datasync = %v", what, err)
		}
	}
	if f.syncCount() != syncs {
		t.Errorf("Datasync retried after failure")
	}
	if !f.closed {
		t.Error("Close did not close the file")
	}
	if w.SyncedSize() != end {
		t.Errorf("SyncedSize %d, want %d", w.SyncedSize(), end)
	}
}

func TestStickyWriteError(t *testing.T) {
	errDisk := errors.New("ENOSPC")
	f := newMemFile(nil)
	w, err := NewWriter(f, "seg", WriterOptions{Num: 2, BufferSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	f.writeErr = func(int64, int) error { return errDisk }
	// The buffer passes BufferSize: Append writes it out and fails.
	if _, err := w.Append(1, make([]byte, 200)); !errors.Is(err, errDisk) {
		t.Fatalf("Append = %v", err)
	}
	if _, err := w.Append(2, nil); !errors.Is(err, errDisk) {
		t.Fatalf("second Append = %v", err)
	}
	if err := w.Sync(HeaderSize); !errors.Is(err, errDisk) {
		t.Fatalf("Sync = %v", err)
	}
	if err := w.Err(); !errors.Is(err, errDisk) {
		t.Fatalf("Err = %v", err)
	}
}

// TestStickyErrorWakesWaiters fails the Datasync that 15 other Syncs wait
// behind: they all get the error.
func TestStickyErrorWakesWaiters(t *testing.T) {
	const goroutines = 16
	errDisk := errors.New("EIO")
	f := newMemFile(nil)
	var w *Writer
	f.beforeSync = func() error {
		for w.waiterCount() < goroutines-1 {
			runtime.Gosched()
			time.Sleep(10 * time.Microsecond)
		}
		return errDisk
	}
	// The header's Datasync must succeed: install the hook after it.
	hook := f.beforeSync
	f.beforeSync = nil
	var err error
	w, err = NewWriter(f, "seg", WriterOptions{Num: 1})
	if err != nil {
		t.Fatal(err)
	}
	f.beforeSync = hook
	var appendMu sync.Mutex
	var lsn base.SeqNum
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for range goroutines {
		wg.Go(func() {
			appendMu.Lock()
			lsn++
			end, err := w.Append(lsn, []byte("payload"))
			appendMu.Unlock()
			if err == nil {
				err = w.Sync(end)
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if !errors.Is(err, errDisk) {
			t.Fatalf("Sync = %v, want the datasync error", err)
		}
	}
	if n := f.syncCount(); n != 1 {
		t.Fatalf("%d successful Datasyncs, want 1 (the header's)", n)
	}
}

func TestNewWriterErrors(t *testing.T) {
	errDisk := errors.New("EIO")
	f := newMemFile(nil)
	f.writeErr = func(int64, int) error { return errDisk }
	if _, err := NewWriter(f, "seg", WriterOptions{Num: 1}); !errors.Is(err, errDisk) {
		t.Fatalf("NewWriter with failing write = %v", err)
	}
	f = newMemFile(nil)
	f.beforeSync = func() error { return errDisk }
	if _, err := NewWriter(f, "seg", WriterOptions{Num: 1}); !errors.Is(err, errDisk) {
		t.Fatalf("NewWriter with failing datasync = %v", err)
	}
}

// TestConcurrentFlushAndSync runs a periodic flusher (the relaxed
// durability mode's) next to synced writers.
func TestConcurrentFlushAndSync(t *testing.T) {
	f := newMemFile(nil)
	w, err := NewWriter(f, "seg", WriterOptions{Num: 1, BufferSize: 256, PreallocateChunk: 1024})
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var flusher sync.WaitGroup
	flusher.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			if err := w.Flush(); err != nil {
				t.Error(err)
				return
			}
			runtime.Gosched()
		}
	})
	concurrentWriters(t, w, f, 8, 100)
	close(stop)
	flusher.Wait()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got, info, err := readRecords(f.bytes(), "seg")
	if err != nil || info.Torn || len(got) != 800 {
		t.Fatalf("%d records, %+v, %v", len(got), info, err)
	}
}

func TestStatsString(t *testing.T) {
	var s WriterStats
	s.Records, s.SyncedRecords, s.Bytes, s.Writes, s.SyncRequests = 120, 100, 4096, 3, 16
	for _, d := range []time.Duration{100 * time.Microsecond, 130 * time.Microsecond, 150 * time.Microsecond, 900 * time.Microsecond} {
		s.recordSync(d)
	}
	const want = "records 120 (100 synced), bytes 4096, writes 3, syncs 4 for 16 requests (25.0 records/sync), " +
		"sync mean 320µs p99 1.024ms max 900µs"
	if got := s.String(); got != want {
		t.Fatalf("String()\n got %s\nwant %s", got, want)
	}
	if q := s.SyncLatency.Quantile(0.5); q != 256*time.Microsecond {
		t.Fatalf("p50 = %v", q)
	}
	prev := s
	s.recordSync(time.Millisecond)
	s.Records += 10
	d := s.Sub(prev)
	if d.Syncs != 1 || d.Records != 10 || d.SyncTime != time.Millisecond || d.SyncLatency.Count() != 1 ||
		d.MaxSyncTime != time.Millisecond {
		t.Fatalf("Sub = %+v", d)
	}
	var h LatencyHistogram
	h.add(0)
	h.add(10 * time.Second)
	if h[0] != 1 || h[LatencyBuckets-1] != 1 || h.Quantile(1) != BucketUpperBound(LatencyBuckets-1) {
		t.Fatalf("histogram %v", h)
	}
}
