package engine

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/keystonedb/kstone-shell/engine/item"
)

// partitionItem is one of several items of partition "p": all live in one
// stripe, written in order, each with a marker that can be found in files.
func partitionItem(i int) item.Item {
	return item.Item{
		"pk":   item.S("p"),
		"sk":   item.S(fmt.Sprintf("%03d", i)),
		"data": item.S(fmt.Sprintf("marker-%03d-%s", i, strings.Repeat("x", 40))),
	}
}

func createOnDisk(t *testing.T, opts Options) (*DB, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "test.keystone")
	db, err := Create(dir, &opts)
	if err != nil {
		t.Fatal(err)
	}
	return db, dir
}

func putPartition(t *testing.T, db *DB, n int) {
	t.Helper()
	for i := 1; i <= n; i++ {
		if err := db.Put(partitionItem(i)); err != nil {
			t.Fatal(err)
		}
	}
}

// flipAt flips one byte of the file at the first occurrence of marker.
func flipAt(t *testing.T, path, marker string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(b, []byte(marker))
	if i < 0 {
		t.Fatalf("%s not found in %s", marker, path)
	}
	b[i] ^= 0x40
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func stripeOfP() int { return StripeOf(item.S("p")) }

func TestOnDiskNamesAndMagic(t *testing.T) {
	db, dir := createOnDisk(t, Options{})
	putPartition(t, db, 20)
	if err := db.Flush(); err != nil {
		t.Fatal(err)
	}
	putPartition(t, db, 3)
	defer db.Close()
	st := fmt.Sprintf("%03d", stripeOfP())
	for _, name := range []string{"CURRENT", "LOCK", "wal_" + st + ".log"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("expected %s: %v", name, err)
		}
	}
	ssts, _ := filepath.Glob(filepath.Join(dir, st+"_*.sst"))
	if len(ssts) != 1 {
		t.Fatalf("want one SST for stripe %s, got %v", st, ssts)
	}
	if !regexp.MustCompile(`^\d{3}_\d{10}\.sst$`).MatchString(filepath.Base(ssts[0])) {
		t.Errorf("SST name %s does not follow NNN_<id>.sst", filepath.Base(ssts[0]))
	}
	b, _ := os.ReadFile(ssts[0])
	if len(b) < 4 || fmt.Sprintf("%x", b[:4]) != "5353544d" {
		t.Errorf("SST magic = %x, want 5353544d (SSTM)", b[:4])
	}
	manifests, _ := filepath.Glob(filepath.Join(dir, "MANIFEST-*"))
	if len(manifests) != 1 {
		t.Errorf("want one manifest, got %v", manifests)
	}
}

func TestCorruptWALRecordFailsOpen(t *testing.T) {
	db, dir := createOnDisk(t, Options{})
	putPartition(t, db, 10)
	db.Close()
	flipAt(t, filepath.Join(dir, fmt.Sprintf("wal_%03d.log", stripeOfP())), "marker-003")
	_, err := Open(dir, nil)
	if !errors.Is(err, ErrCorruption) {
		t.Fatalf("Open = %v, want corruption", err)
	}
	want := fmt.Sprintf("Corruption detected: WAL checksum mismatch at LSN 3 in stripe %d", stripeOfP())
	if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "wal_") {
		t.Fatalf("Open error %q does not say %q and name the file", err, want)
	}
}

func TestTornWALTailIsCutOff(t *testing.T) {
	db, dir := createOnDisk(t, Options{})
	putPartition(t, db, 10)
	db.Close()
	path := filepath.Join(dir, fmt.Sprintf("wal_%03d.log", stripeOfP()))
	b, _ := os.ReadFile(path)
	cut := bytes.Index(b, []byte("marker-010")) + 3
	if err := os.WriteFile(path, b[:cut], 0o644); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	db, err := Open(dir, &Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatalf("Open after torn tail: %v", err)
	}
	defer db.Close()
	for i := 1; i <= 9; i++ {
		k := KS("p", fmt.Sprintf("%03d", i))
		if got, err := db.Get(k); err != nil || !item.ItemsEqual(got, partitionItem(i)) {
			t.Fatalf("Get(%v) = %v, %v", k, got, err)
		}
	}
	if _, err := db.Get(KS("p", "010")); !errors.Is(err, ErrKeyNotFound) {
		t.Fatalf("torn record 10 should be gone, got %v", err)
	}
	if !strings.Contains(logs.String(), "WAL torn tail cut off") {
		t.Errorf("no warning logged; logs:\n%s", logs.String())
	}
	// Writing after the cut and reopening keeps everything.
	if err := db.Put(partitionItem(11)); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got, err := db.Get(KS("p", "011")); err != nil || !item.ItemsEqual(got, partitionItem(11)) {
		t.Fatalf("after reopen: %v %v", got, err)
	}
}

func TestCorruptSSTBlockIsDetected(t *testing.T) {
	db, dir := createOnDisk(t, Options{})
	putPartition(t, db, 10)
	if err := db.Flush(); err != nil {
		t.Fatal(err)
	}
	db.Close()
	ssts, _ := filepath.Glob(filepath.Join(dir, "*.sst"))
	flipAt(t, ssts[0], "marker-003")
	db, err := Open(dir, nil)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer db.Close()
	_, err = db.Get(KS("p", "003"))
	if !errors.Is(err, ErrCorruption) || !strings.Contains(err.Error(), "Checksum mismatch") {
		t.Fatalf("Get from a damaged block = %v, want a checksum mismatch", err)
	}
}

func TestCorruptSSTMagicFailsOpen(t *testing.T) {
	db, dir := createOnDisk(t, Options{})
	putPartition(t, db, 10)
	if err := db.Flush(); err != nil {
		t.Fatal(err)
	}
	db.Close()
	ssts, _ := filepath.Glob(filepath.Join(dir, "*.sst"))
	b, _ := os.ReadFile(ssts[0])
	b[0] = 'X'
	os.WriteFile(ssts[0], b, 0o644)
	_, err := Open(dir, nil)
	if !errors.Is(err, ErrCorruption) || !strings.Contains(err.Error(), "Corruption detected: SST file header invalid") {
		t.Fatalf("Open = %v, want SST file header invalid", err)
	}
}

func TestSecondOpenIsLocked(t *testing.T) {
	db, dir := createOnDisk(t, Options{})
	defer db.Close()
	_, err := Open(dir, nil)
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), strconv.Itoa(os.Getpid())) {
		t.Fatalf("second Open = %v, want locked by pid %d", err, os.Getpid())
	}
}

func TestCreateAndOpenErrors(t *testing.T) {
	db, dir := createOnDisk(t, Options{})
	db.Close()
	if _, err := Create(dir, nil); !errors.Is(err, ErrDatabaseExists) || err.Error() != "Database already exists: "+dir {
		t.Errorf("Create on existing = %v", err)
	}
	missing := filepath.Join(t.TempDir(), "nope")
	if _, err := Open(missing, nil); !errors.Is(err, ErrIO) || !strings.HasPrefix(err.Error(), "IO error: ") {
		t.Errorf("Open missing = %v", err)
	}
}

func TestKeyValidation(t *testing.T) {
	db, err := OpenInMemory(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cases := []struct {
		it   item.Item
		want string
	}{
		{item.Item{"pk": item.S("")}, "Invalid argument: Empty partition key"},
		{item.Item{"name": item.S("x")}, "One or more parameter values were invalid: Missing the key pk in the item"},
		{item.Item{"pk": item.NFromInt64(1)}, "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N"},
		{item.Item{"pk": item.S("a"), "sk": item.NFromInt64(1)}, "One or more parameter values were invalid: Type mismatch for key sk expected: S actual: N"},
		{item.Item{"pk": item.S("a"), "big": item.S(strings.Repeat("x", 400*1024))}, "Item size has exceeded the maximum allowed size"},
	}
	for _, c := range cases {
		err := db.Put(c.it)
		if err == nil || err.Error() != c.want || !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("Put(%s) = %v, want %q", item.ItemToJSON(c.it), err, c.want)
		}
	}
	if _, err := db.Get(K("missing#1")); err == nil || err.Error() != "Key not found: missing#1" {
		t.Errorf("Get missing = %v", err)
	}
}
