package engine

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/keystonedb/kstone-shell/engine/internal/vfs"
	"github.com/keystonedb/kstone-shell/engine/item"
)

// TestBackupWhileWriting backs up a database that 4 goroutines keep
// writing to (flushes and compactions running too): the backup verifies
// clean, opens, and holds every write acknowledged before Backup started.
func TestBackupWhileWriting(t *testing.T) {
	for _, tc := range []struct {
		name string
		mem  bool
		dur  Durability
	}{
		{"os-sync", false, DurabilitySync},
		{"os-relaxed", false, DurabilityRelaxed},
		{"mem-sync", true, DurabilitySync},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var fsys vfs.FS = vfs.Default()
			root := t.TempDir()
			if tc.mem {
				mem := vfs.NewMem()
				mem.MkdirAll("/root", 0o755)
				fsys, root = mem, "/root"
			}
			dir, dest := fsys.PathJoin(root, "db"), fsys.PathJoin(root, "backup")
			opts := Options{FS: fsys, MemtableRecordThreshold: 8, CompactionThreshold: 2, Durability: tc.dur}
			db, err := Create(dir, &opts)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()

			const writers = 4
			var mu sync.Mutex
			acked := map[string]int{} // key -> version acknowledged last
			var stop atomic.Bool
			var wg sync.WaitGroup
			var total atomic.Int64
			for g := range writers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; !stop.Load(); i++ {
						pk := fmt.Sprintf("w%d-%d", g, i%300) // keys are overwritten: versions matter
						if err := db.Put(testItem(pk, i)); err != nil {
							t.Error(err)
							return
						}
						mu.Lock()
						acked[pk] = i
						mu.Unlock()
						total.Add(1)
					}
				}()
			}
			for total.Load() < 3000 {
				time.Sleep(5 * time.Millisecond)
			}
			mu.Lock()
			before := make(map[string]int, len(acked))
			for k, v := range acked {
				before[k] = v
			}
			mu.Unlock()
			info, err := db.Backup(dest)
			if err != nil {
				t.Fatal(err)
			}
			// Writers go on a little: none of it may break the backup.
			time.Sleep(20 * time.Millisecond)
			stop.Store(true)
			wg.Wait()
			if info.Files < 3 || info.Bytes == 0 {
				t.Errorf("info %+v", info)
			}

			st := db.Stats()
			r := mustVerify(t, dest, &Options{FS: fsys})
			t.Logf("backup %+v of %d acknowledged writes: %d SSTs, %d WAL segments; %d compactions so far", info, len(before), r.SSTs, r.WALSegments, st.Compaction.Count)
			requireClean(t, r)
			if w := findings(r, SeverityWarning); len(w) > 0 {
				t.Errorf("warnings in the backup: %v", w)
			}
			bk, err := Open(dest, &Options{FS: fsys})
			if err != nil {
				t.Fatalf("Open(backup): %v", err)
			}
			defer bk.Close()
			for pk, v := range before {
				got, err := bk.Get(K(pk))
				if err != nil {
					t.Fatalf("backup lacks %s (version %d acknowledged before Backup): %v", pk, v, err)
				}
				// A later version may be in the backup too, never an older one.
				if bkVersion(t, got) < v {
					t.Fatalf("backup has %s version %d, want >= %d", pk, bkVersion(t, got), v)
				}
				if want := testItem(pk, bkVersion(t, got)); !item.ItemsEqual(got, want) {
					t.Fatalf("backup's %s is %s", pk, item.ItemToJSON(got))
				}
			}
		})
	}
}

func bkVersion(t *testing.T, it item.Item) int {
	t.Helper()
	n, ok := it["version"].(item.N)
	if !ok {
		t.Fatalf("no version in %s", item.ItemToJSON(it))
	}
	var v int
	if _, err := fmt.Sscan(n.String(), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestBackupDestination(t *testing.T) {
	db, dir := createOnDisk(t, Options{})
	defer db.Close()
	putPartition(t, db, 5)
	full := t.TempDir()
	os.WriteFile(filepath.Join(full, "x"), []byte("x"), 0o644)
	if _, err := db.Backup(full); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("Backup into a non-empty directory = %v", err)
	}
	if _, err := db.Backup(filepath.Join(dir, "bk")); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("Backup into the database = %v", err)
	}
	dest := filepath.Join(t.TempDir(), "a", "b")
	info, err := db.Backup(dest)
	if err != nil {
		t.Fatal(err)
	}
	// A WAL segment, the manifest and CURRENT.
	if info.Files != 3 {
		t.Errorf("info %+v; files %v", info, sortedNames(t, dest))
	}
	requireClean(t, mustVerify(t, dest, nil))
	bk, err := Open(dest, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer bk.Close()
	checkPartition(t, bk, seq(1, 5), nil)
}
