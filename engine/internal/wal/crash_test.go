package wal

import (
	"math/rand/v2"
	"testing"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
	"github.com/keystonedb/kstone-shell/engine/internal/vfs"
)

// TestCrashRecovery writes a segment (fresh, then a recycled one over the
// same file) with random Syncs and Flushes, simulates a power loss with the
// in-memory file system, and reads what survived: never an error, the
// records a prefix of those written, every acknowledged one among them.
func TestCrashRecovery(t *testing.T) {
	for seed := range uint64(300) {
		rng := rand.New(rand.NewPCG(seed, 99))
		fs := vfs.NewMem()
		const name = "wal_007.log"
		for seg := base.FileNum(1); seg <= 2; seg++ {
			var f vfs.File
			var err error
			if seg == 1 {
				f, err = fs.Create(name)
			} else {
				f, err = fs.OpenReadWrite(name) // recycle segment 1's file
			}
			if err != nil {
				t.Fatal(err)
			}
			dir, err := fs.OpenDir("/")
			if err != nil {
				t.Fatal(err)
			}
			if err := dir.Sync(); err != nil {
				t.Fatal(err)
			}
			_ = dir.Close()
			w, err := NewWriter(f, name, WriterOptions{Stripe: 7, Num: seg, BufferSize: 256, PreallocateChunk: 1024})
			if err != nil {
				t.Fatal(err)
			}
			var written []record
			acked := 0
			n := 10 + rng.IntN(60)
			if seg == 1 {
				n += 50 // leave stale records past segment 2's
			}
			for i := range n {
				r := record{base.SeqNum(i + 1), randPayload(rng, rng.IntN(150))}
				end, err := w.Append(r.lsn, r.payload)
				if err != nil {
					t.Fatal(err)
				}
				written = append(written, r)
				switch rng.IntN(8) {
				case 0:
					if err := w.Sync(end); err != nil {
						t.Fatal(err)
					}
					acked = i + 1
				case 1:
					if err := w.Flush(); err != nil {
						t.Fatal(err)
					}
				}
			}
			if seg == 1 {
				if err := w.Close(); err != nil {
					t.Fatal(err)
				}
				continue
			}
			for _, opts := range []vfs.CrashOptions{{}, {Rand: rand.New(rand.NewPCG(seed, 1))}} {
				crashed := fs.CrashClone(opts)
				data, err := crashed.ReadFile(name)
				if err != nil {
					t.Fatal(err)
				}
				got, info, err := readRecords(data, name)
				if err != nil {
					t.Fatalf("seed %d, random %v: %v", seed, opts.Rand != nil, err)
				}
				if len(got) < acked || len(got) > len(written) {
					t.Fatalf("seed %d: %d records survived, %d acknowledged, %d written", seed, len(got), acked, len(written))
				}
				checkRecords(t, got, written[:len(got)])
				if opts.Rand == nil && (int64(len(got)) != w.Stats().SyncedRecords || info.Torn) {
					t.Fatalf("seed %d: clean crash kept %d records (torn %v), %d synced",
						seed, len(got), info.Torn, w.Stats().SyncedRecords)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
		}
	}
}
