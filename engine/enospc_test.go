package engine

import (
	"errors"
	"fmt"
	"slices"
	"syscall"
	"testing"

	"github.com/keystonedb/kstone-shell/engine/internal/vfs"
)

// A full disk makes writes fail cleanly; once space is freed they resume,
// without a reopen, and nothing acknowledged is lost.
func TestWritesResumeAfterDiskFull(t *testing.T) {
	for _, relaxed := range []bool{false, true} {
		t.Run(fmt.Sprint("relaxed=", relaxed), func(t *testing.T) {
			fs := vfs.NewMem()
			opts := Options{}
			if relaxed {
				opts.Durability = DurabilityRelaxed
			}
			db := mustCreate(t, fs, opts)
			defer db.Close()
			acked := map[string]int{}
			put := func(i int) error {
				pk := fmt.Sprintf("k%d", i)
				err := db.Put(testItem(pk, i))
				if err == nil {
					acked[pk] = i
				}
				return err
			}
			for i := range 50 {
				if err := put(i); err != nil {
					t.Fatal(err)
				}
			}
			usage, _ := fs.DiskUsage("/db")
			fs.SetCapacity(int64(usage.UsedBytes) + 2000)
			var failed error
			for i := 50; i < 5000 && failed == nil; i++ {
				failed = put(i)
				if relaxed && failed == nil && i%100 == 0 {
					failed = db.Sync()
				}
			}
			if failed == nil || !errors.Is(failed, syscall.ENOSPC) {
				t.Fatalf("writes on a full disk: %v, want ENOSPC", failed)
			}
			t.Logf("failed with %v", failed)
			if r := db.Health(); !slices.Contains(r.Errors, "Unable to write to disk (space full)") {
				t.Fatalf("health on a full disk: %v %q", r.Status, r.Errors)
			}
			fs.SetCapacity(0)
			for i := 10000; i < 10100; i++ {
				if err := put(i); err != nil {
					t.Fatalf("write after freeing space: %v", err)
				}
			}
			if err := db.Sync(); err != nil {
				t.Fatal(err)
			}
			for pk, v := range acked {
				checkItem(t, db, pk, testItem(pk, v))
			}
			db.Close()
			db = mustOpen(t, fs, opts)
			for pk, v := range acked {
				checkItem(t, db, pk, testItem(pk, v))
			}
		})
	}
}
