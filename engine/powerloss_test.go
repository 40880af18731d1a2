package engine

import (
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/keystonedb/kstone-shell/engine/internal/vfs"
	"github.com/keystonedb/kstone-shell/engine/item"
)

// TestPowerLoss takes crash images of the in-memory file system while four
// writers are busy: unsynced data is dropped or torn at random. Every write
// acknowledged before the image was taken must read back intact from it.
func TestPowerLoss(t *testing.T) {
	seeds := 25
	if soak() {
		seeds = 1000
	}
	for seed := 0; seed < seeds; seed++ {
		powerLossRound(t, uint64(seed))
	}
}

func powerLossRound(t *testing.T, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 11))
	fs := vfs.NewMem()
	opts := Options{MemtableRecordThreshold: 32, WALPreallocate: 4096}
	db := mustCreate(t, fs, opts)
	var mu sync.Mutex
	acked := map[string]int{}
	var stop atomic.Bool
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; !stop.Load(); i++ {
				pk := fmt.Sprintf("g%d-%d", g, i)
				if err := db.Put(testItem(pk, i)); err != nil {
					t.Errorf("Put: %v", err)
					return
				}
				mu.Lock()
				acked[pk] = i
				mu.Unlock()
			}
		}(g)
	}
	var images []*vfs.MemFS
	var ackedAt []map[string]int
	for i := 0; i < 3; i++ {
		want := 50*(i+1) + rng.IntN(200)
		for spin := 0; spin < 20000; spin++ {
			mu.Lock()
			n := len(acked)
			mu.Unlock()
			if n > want {
				break
			}
			time.Sleep(50 * time.Microsecond)
		}
		mu.Lock()
		snap := maps.Clone(acked)
		mu.Unlock()
		images = append(images, fs.CrashClone(vfs.CrashOptions{Rand: rand.New(rand.NewPCG(seed, uint64(i)))}))
		ackedAt = append(ackedAt, snap)
	}
	stop.Store(true)
	wg.Wait()
	db.Close()
	for i, img := range images {
		db := mustOpen(t, img, opts)
		for pk, v := range ackedAt[i] {
			checkItem(t, db, pk, testItem(pk, v))
		}
		// Writes that were not acknowledged may or may not be there, but
		// what is there must be exactly what was written.
		for g := 0; g < 4; g++ {
			for j := 0; j < 2000; j++ {
				pk := fmt.Sprintf("g%d-%d", g, j)
				if _, ok := ackedAt[i][pk]; ok {
					continue
				}
				if got, err := db.Get(K(pk)); err == nil && !item.ItemsEqual(got, testItem(pk, j)) {
					t.Fatalf("seed %d image %d: unacknowledged %s reads back wrong: %s", seed, i, pk, item.ItemToJSON(got))
				} else if err != nil && !errors.Is(err, ErrKeyNotFound) {
					t.Fatalf("seed %d image %d: Get(%s): %v", seed, i, pk, err)
				}
			}
		}
		if err := db.Close(); err != nil {
			t.Fatalf("seed %d image %d: Close: %v", seed, i, err)
		}
	}
}
