package engine

import (
	"bytes"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keystonedb/kstone-shell/engine/internal/vfs"
	"github.com/keystonedb/kstone-shell/engine/item"
)

// fillStripe writes n versions of keys in partition "p" (one stripe),
// flushing every per items, so the stripe gets n/per SSTs.
func fillStripe(t *testing.T, db *DB, n, per int, deleteEvery int) {
	t.Helper()
	for i := 0; i < n; i++ {
		if err := db.Put(partitionItem(i % 50)); err != nil {
			t.Fatal(err)
		}
		if deleteEvery > 0 && i%deleteEvery == 0 {
			if err := db.Delete(KS("p", fmt.Sprintf("%03d", (i/deleteEvery)%50))); err != nil {
				t.Fatal(err)
			}
		}
		if (i+1)%per == 0 {
			if err := db.Flush(); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func partitionKeys(t *testing.T, db *DB) map[string]bool {
	t.Helper()
	tb, _ := db.Table(DefaultTable)
	p, err := tb.Query(QueryInput{PK: item.S("p")})
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	for _, it := range p.Items {
		k := string(it["sk"].(item.S))
		if keys[k] {
			t.Fatalf("duplicate key %s", k)
		}
		keys[k] = true
	}
	return keys
}

func TestManualCompactionMergesAndDropsTombstones(t *testing.T) {
	db, _ := OpenInMemory(&Options{DisableAutoCompaction: true})
	defer db.Close()
	fillStripe(t, db, 300, 50, 7)
	st := db.Stats().Stripes[stripeOfP()]
	if st.SSTCount != 6 {
		t.Fatalf("SSTs before compaction = %d, want 6", st.SSTCount)
	}
	before := partitionKeys(t, db)
	if err := db.Compact(stripeOfP()); err != nil {
		t.Fatal(err)
	}
	after := db.Stats()
	if n := after.Stripes[stripeOfP()].SSTCount; n != 1 {
		t.Fatalf("SSTs after compaction = %d, want 1", n)
	}
	if got := partitionKeys(t, db); len(got) != len(before) {
		t.Fatalf("keys after compaction %d, before %d", len(got), len(before))
	}
	d, _ := db.StripeDetail(stripeOfP())
	if d.SSTs[0].Deletions != 0 || d.SSTs[0].Entries != uint64(len(before)) {
		t.Fatalf("compacted SST holds %d entries, %d tombstones; want %d live keys only", d.SSTs[0].Entries, d.SSTs[0].Deletions, len(before))
	}
	if after.Compaction.Count != 1 || after.Compaction.BytesReclaimed == 0 || after.WriteAmp() <= 1 {
		t.Fatalf("compaction stats %+v, write amp %.2f", after.Compaction, after.WriteAmp())
	}
}

func TestAutomaticCompactionKeepsSSTCountDown(t *testing.T) {
	var logs syncBuffer
	events := &eventLog{}
	db, err := OpenInMemory(&Options{CompactionThreshold: 3, Logger: slog.New(slog.NewTextHandler(&logs, nil)), Events: events.listener()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	fillStripe(t, db, 600, 40, 0)
	deadline := time.Now().Add(10 * time.Second)
	for db.Stats().Stripes[stripeOfP()].SSTCount >= 3 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := db.Stats().Stripes[stripeOfP()].SSTCount; n >= 3 {
		t.Fatalf("stripe still has %d SSTs", n)
	}
	if len(partitionKeys(t, db)) != 50 {
		t.Fatal("keys lost")
	}
	for len(events.get("CompactionEnd")) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.Contains(logs.String(), "Compaction completed") || !strings.Contains(logs.String(), "ssts_merged=") {
		t.Errorf("no compaction log line:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), "Memtable flush completed") || !strings.Contains(logs.String(), "records=") {
		t.Errorf("no flush log line")
	}
	for _, kind := range []string{"FlushBegin", "FlushEnd", "CompactionBegin", "CompactionProgress", "CompactionEnd"} {
		if len(events.get(kind)) == 0 {
			t.Errorf("no %s event", kind)
		}
	}
}

// Readers keep the files of the version they started with: a compaction
// swapping them out underneath changes nothing for them.
func TestIteratorSurvivesCompaction(t *testing.T) {
	db, _ := OpenInMemory(&Options{DisableAutoCompaction: true})
	defer db.Close()
	fillStripe(t, db, 200, 50, 0)
	tb, _ := db.Table(DefaultTable)
	it, err := tb.QueryIter(QueryInput{PK: item.S("p")})
	if err != nil {
		t.Fatal(err)
	}
	it.Next()
	if err := db.Compact(stripeOfP()); err != nil {
		t.Fatal(err)
	}
	n := 1
	for it.Next() {
		if _, err := it.Item(); err != nil {
			t.Fatal(err)
		}
		n++
	}
	if err := it.Close(); err != nil || n != 50 {
		t.Fatalf("iterator across compaction saw %d items, err %v", n, err)
	}
}

func TestStatsAgreeWithFilesAndBloomCounters(t *testing.T) {
	db, dir := createOnDisk(t, Options{DisableAutoCompaction: true})
	defer db.Close()
	fillStripe(t, db, 150, 50, 0)
	st := db.Stats()
	files, _ := filepath.Glob(filepath.Join(dir, "*.sst"))
	if st.SSTCount != len(files) {
		t.Fatalf("Stats says %d SSTs, disk has %d", st.SSTCount, len(files))
	}
	own, _ := filepath.Glob(filepath.Join(dir, fmt.Sprintf("%03d_*.sst", stripeOfP())))
	if st.Stripes[stripeOfP()].SSTCount != len(own) || len(own) != 3 {
		t.Fatalf("stripe %d: Stats %d, disk %d", stripeOfP(), st.Stripes[stripeOfP()].SSTCount, len(own))
	}
	// 3 SSTs, memtable empty: a hit on the newest SST probes 1 filter;
	// a miss probes all 3.
	before := db.Stats().Stripes[stripeOfP()]
	for i := 0; i < 20; i++ {
		db.Get(KS("p", fmt.Sprintf("%03d", i)))
		db.Get(KS("p", fmt.Sprintf("x%03d", i)))
	}
	after := db.Stats().Stripes[stripeOfP()]
	probes := after.BloomProbes - before.BloomProbes
	neg := after.BloomNegatives - before.BloomNegatives
	fp := after.BloomFalsePositives - before.BloomFalsePositives
	if probes != 20*1+20*3 || neg+fp != 20*3 {
		t.Fatalf("bloom: %d probes (want 80), %d negatives + %d false positives (want 60)", probes, neg, fp)
	}
	if db.Stats().Ops[OpGet].Count != 40 {
		t.Fatalf("get count %d", db.Stats().Ops[OpGet].Count)
	}
}

func TestCompactionSurvivesCrashes(t *testing.T) {
	// A compaction interrupted at any file operation: the image of the
	// file system at that moment reopens with every key, no duplicates,
	// and no leftover files once reopened.
	fs := vfs.NewMem()
	opts := Options{DisableAutoCompaction: true, MemtableRecordThreshold: 1000}
	db := mustCreate(t, fs, opts)
	fillStripe(t, db, 300, 50, 11)
	want := partitionKeys(t, db)
	var images []*vfs.MemFS
	var mu sync.Mutex
	inj := vfs.InjectorFunc(func(op vfs.Op) error {
		if op.Kind.IsMutation() {
			mu.Lock()
			images = append(images, fs.CrashClone(vfs.CrashOptions{}))
			mu.Unlock()
		}
		return nil
	})
	db.Close()
	faulty := vfs.WithFaults(fs, inj)
	db = mustOpen(t, faulty, opts)
	if err := db.Compact(stripeOfP()); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if len(images) < 5 {
		t.Fatalf("only %d crash points", len(images))
	}
	for i, img := range images {
		db := mustOpen(t, img, opts)
		if got := partitionKeys(t, db); len(got) != len(want) {
			t.Fatalf("crash point %d: %d keys, want %d", i, len(got), len(want))
		}
		db.Close()
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type eventLog struct {
	mu     sync.Mutex
	events map[string][]any
}

func (e *eventLog) add(kind string, v any) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.events == nil {
		e.events = map[string][]any{}
	}
	e.events[kind] = append(e.events[kind], v)
}

func (e *eventLog) get(kind string) []any {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.events[kind]
}

func (e *eventLog) listener() *EventListener {
	return &EventListener{
		FlushBegin:         func(i FlushInfo) { e.add("FlushBegin", i) },
		FlushEnd:           func(i FlushInfo) { e.add("FlushEnd", i) },
		CompactionBegin:    func(i CompactionInfo) { e.add("CompactionBegin", i) },
		CompactionProgress: func(i CompactionInfo) { e.add("CompactionProgress", i) },
		CompactionEnd:      func(i CompactionInfo) { e.add("CompactionEnd", i) },
		BackgroundError:    func(err error) { e.add("BackgroundError", err) },
		WriteStallBegin:    func(i WriteStallInfo) { e.add("WriteStallBegin", i) },
		HealthChange:       func(r HealthReport) { e.add("HealthChange", r) },
	}
}
