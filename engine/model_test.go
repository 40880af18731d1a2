package engine

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/keystonedb/kstone-shell/engine/internal/vfs"
	"github.com/keystonedb/kstone-shell/engine/item"
)

// TestModel runs random puts, gets and deletes against a map, across
// configurations that force many flushes, rotations and reopenings.
func TestModel(t *testing.T) {
	configs := []struct {
		name string
		opts Options
	}{
		{"defaults", Options{}},
		{"tiny-memtables", Options{MemtableRecordThreshold: 7, MemtableByteThreshold: 4096}},
		{"tiny-budget", Options{MemoryBudget: 64 << 10, MemtableByteThreshold: 16 << 10}},
		{"no-bloom-tiny-blocks", Options{MemtableRecordThreshold: 13, BloomFalsePositiveRate: -1, BlockSize: 256, BlockCacheSize: -1}},
		{"relaxed", Options{Durability: DurabilityRelaxed, MemtableRecordThreshold: 11}},
	}
	for _, c := range configs {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			runModel(t, c.opts, 3000, 7)
		})
	}
}

func runModel(t *testing.T, opts Options, steps int, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 1))
	fs := vfs.NewMem()
	db := mustCreate(t, fs, opts)
	defer func() { db.Close() }()
	model := map[string]item.Item{}
	key := func() string {
		// A few hot keys in few stripes, many cold ones everywhere.
		if rng.IntN(4) == 0 {
			return fmt.Sprintf("hot%d", rng.IntN(5))
		}
		return fmt.Sprintf("user#%d", rng.IntN(400))
	}
	for i := 0; i < steps; i++ {
		switch r := rng.IntN(100); {
		case r < 50:
			pk := key()
			it := testItem(pk, i)
			if err := db.Put(it); err != nil {
				t.Fatalf("step %d: Put: %v", i, err)
			}
			model[pk] = it
		case r < 65:
			pk := key()
			if err := db.Delete(K(pk)); err != nil {
				t.Fatalf("step %d: Delete: %v", i, err)
			}
			delete(model, pk)
		case r < 95:
			pk := key()
			checkItem(t, db, pk, model[pk])
		case r < 97:
			if err := db.Flush(); err != nil {
				t.Fatalf("step %d: Flush: %v", i, err)
			}
		default:
			if err := db.Close(); err != nil {
				t.Fatalf("step %d: Close: %v", i, err)
			}
			db = mustOpen(t, fs, opts)
		}
	}
	for pk, it := range model {
		checkItem(t, db, pk, it)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = mustOpen(t, fs, opts)
	for pk, it := range model {
		checkItem(t, db, pk, it)
	}
}
