package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/keystonedb/kstone-shell/engine/internal/vfs"
	"github.com/keystonedb/kstone-shell/engine/item"
)

func TestHealthFromConstructedStats(t *testing.T) {
	db, _ := OpenInMemory(nil)
	defer db.Close()
	st := db.Stats()
	st.Stripes[42].SSTCount = 15
	st.Stripes[7].SSTCount = 9
	r := db.healthFrom(st)
	want := []string{"High SST count in stripe 42 (15 files)", "Compaction falling behind in 2 stripes"}
	if r.Status != Degraded || !slices.Equal(r.Warnings, want) || len(r.Errors) != 0 {
		t.Fatalf("health = %v %q %q", r.Status, r.Warnings, r.Errors)
	}
	st.FlushedBytes, st.Compaction.Count, st.Compaction.BytesWritten = 100, 5, 2000
	if r := db.healthFrom(st); !slices.Contains(r.Warnings, "High write amplification detected") {
		t.Fatalf("write amp 21: %q", r.Warnings)
	}
	if r := db.Health(); r.Status != Healthy {
		t.Fatalf("fresh database: %v %q %q", r.Status, r.Warnings, r.Errors)
	}
}

func TestHealthWhenDiskFillsAndIsFreed(t *testing.T) {
	fs := vfs.NewMem()
	db := mustCreate(t, fs, Options{})
	defer db.Close()
	for i := 0; i < 20; i++ {
		if err := db.Put(partitionItem(i)); err != nil {
			t.Fatal(err)
		}
	}
	usage, _ := fs.DiskUsage("/db")
	fs.SetCapacity(int64(usage.UsedBytes) + 100) // no room for an SST
	if err := db.Flush(); err == nil {
		t.Fatal("flush on a full disk succeeded")
	}
	r := db.Health()
	if r.Status != Unhealthy || !slices.Contains(r.Errors, "Unable to write to disk (space full)") {
		t.Fatalf("full disk: %v %q", r.Status, r.Errors)
	}
	if !slices.Contains(r.Warnings, "Disk usage above 80%") {
		t.Fatalf("full disk warnings: %q", r.Warnings)
	}
	fs.SetCapacity(0)
	deadline := time.Now().Add(10 * time.Second)
	for db.Health().Status != Healthy && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if r := db.Health(); r.Status != Healthy {
		t.Fatalf("after freeing space: %v %q %q", r.Status, r.Warnings, r.Errors)
	}
	if got, err := db.Get(KS("p", "007")); err != nil || !item.ItemsEqual(got, partitionItem(7)) {
		t.Fatalf("Get after recovery: %v %v", got, err)
	}
}

// Damage in a WAL segment among records already flushed to SSTs (a segment
// whose release a crash undid) loses nothing: Open works, Health reports it.
func TestHealthReportsWALCorruptionAmongFlushedRecords(t *testing.T) {
	db, dir := createOnDisk(t, Options{})
	putPartition(t, db, 10)
	walPath := filepath.Join(dir, fmt.Sprintf("wal_%03d.log", stripeOfP()))
	seg, err := os.ReadFile(walPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Flush(); err != nil {
		t.Fatal(err)
	}
	putPartition(t, db, 12) // a new segment with records 11 and 12... and rewrites of 1..10
	db.Close()
	// Bring the flushed segment back under a sealed name, damaged.
	i := strings.Index(string(seg), "marker-004")
	seg[i] ^= 0x40
	if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("wal_%03d-0000000001.log", stripeOfP())), seg, 0o644); err != nil {
		t.Fatal(err)
	}
	db, err = Open(dir, nil)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer db.Close()
	r := db.Health()
	if r.Status != Unhealthy || !slices.Contains(r.Errors, "Corruption detected in WAL") {
		t.Fatalf("health = %v %q", r.Status, r.Errors)
	}
	for i := 1; i <= 12; i++ {
		if _, err := db.Get(KS("p", fmt.Sprintf("%03d", i))); err != nil {
			t.Fatalf("key %d: %v", i, err)
		}
	}
}
