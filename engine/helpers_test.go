package engine

import (
	"errors"
	"fmt"
	"testing"

	"github.com/keystonedb/kstone-shell/engine/internal/vfs"
	"github.com/keystonedb/kstone-shell/engine/item"
)

// testItem is an item whose content is derived from its key and a version,
// so a reader can tell a right value from a wrong one.
func testItem(pk string, version int) item.Item {
	return item.Item{
		"pk":      item.S(pk),
		"name":    item.S(fmt.Sprintf("name-%s-%d", pk, version)),
		"version": item.NFromInt64(int64(version)),
		"tags":    item.SS{"a", fmt.Sprint(version)},
	}
}

func mustCreate(t testing.TB, fs vfs.FS, opts Options) *DB {
	t.Helper()
	opts.FS = fs
	db, err := Create("/db", &opts)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	return db
}

func mustOpen(t testing.TB, fs vfs.FS, opts Options) *DB {
	t.Helper()
	opts.FS = fs
	db, err := Open("/db", &opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return db
}

// checkItem asserts that db holds exactly want for pk (nil: no item).
func checkItem(t testing.TB, db *DB, pk string, want item.Item) {
	t.Helper()
	got, err := db.Get(K(pk))
	if want == nil {
		if !errors.Is(err, ErrKeyNotFound) {
			t.Fatalf("Get(%s) = %v, %v; want not found", pk, got, err)
		}
		return
	}
	if err != nil {
		t.Fatalf("Get(%s): %v", pk, err)
	}
	if !item.ItemsEqual(got, want) {
		t.Fatalf("Get(%s) = %s, want %s", pk, item.ItemToJSON(got), item.ItemToJSON(want))
	}
}
