package engine

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/keystonedb/kstone-shell/engine/internal/manifest"
	"github.com/keystonedb/kstone-shell/engine/internal/vfs"
	"github.com/keystonedb/kstone-shell/engine/item"
)

func mustRepair(t *testing.T, dir string, r RepairOptions) RepairPlan {
	t.Helper()
	p, err := Repair(dir, nil, r)
	if err != nil {
		t.Fatalf("Repair(%s, %+v): %v\n%s", dir, r, err, p)
	}
	return p
}

func onlyAction(t *testing.T, p RepairPlan, kind string) RepairAction {
	t.Helper()
	if len(p.Actions) != 1 || p.Actions[0].Kind != kind {
		t.Fatalf("want one %s action, got:\n%s", kind, p)
	}
	return p.Actions[0]
}

func checkPartition(t *testing.T, db *DB, present, absent []int) {
	t.Helper()
	for _, i := range present {
		k := KS("p", fmt.Sprintf("%03d", i))
		if got, err := db.Get(k); err != nil || !item.ItemsEqual(got, partitionItem(i)) {
			t.Errorf("Get(%v) = %v, %v; want the item", k, got, err)
		}
	}
	for _, i := range absent {
		k := KS("p", fmt.Sprintf("%03d", i))
		if _, err := db.Get(k); !errors.Is(err, ErrKeyNotFound) {
			t.Errorf("Get(%v) = %v; want not found", k, err)
		}
	}
}

func seq(from, to int) []int {
	var out []int
	for i := from; i <= to; i++ {
		out = append(out, i)
	}
	return out
}

func TestRepairDamagedWAL(t *testing.T) {
	db, dir := createOnDisk(t, Options{})
	putPartition(t, db, 10)
	db.Close()
	wal := fmt.Sprintf("wal_%03d.log", stripeOfP())
	flipAt(t, filepath.Join(dir, wal), "marker-003")

	before := dirDigest(t, dir)
	p := mustRepair(t, dir, RepairOptions{Stripe: -1})
	a := onlyAction(t, p, RepairTruncateWAL)
	if p.Applied || a.File != wal || !strings.Contains(a.Detail, "last good record LSN 2") || !strings.Contains(p.String(), "--yes") {
		t.Errorf("plan:\n%s", p)
	}
	if dirDigest(t, dir) != before {
		t.Fatal("planning changed files")
	}
	// Another stripe's repair leaves this one alone.
	if p := mustRepair(t, dir, RepairOptions{Stripe: (stripeOfP() + 1) % 256}); len(p.Actions) != 0 {
		t.Errorf("repair of another stripe plans:\n%s", p)
	}

	p = mustRepair(t, dir, RepairOptions{Stripe: stripeOfP(), Apply: true})
	if !p.Applied || len(p.Actions) != 1 {
		t.Fatalf("apply:\n%s", p)
	}
	backups, _ := filepath.Glob(filepath.Join(dir, RepairBackupDir, wal+".*"))
	if len(backups) != 1 {
		t.Fatalf("no copy of %s in backup/: %v", wal, sortedNames(t, dir))
	}
	if b, _ := os.ReadFile(backups[0]); !strings.Contains(string(b), "marker-010") {
		t.Error("the backup copy is not the original")
	}
	requireClean(t, mustVerify(t, dir, nil))
	db, err := Open(dir, nil)
	if err != nil {
		t.Fatalf("Open after repair: %v", err)
	}
	checkPartition(t, db, seq(1, 2), seq(3, 10))
	if err := db.Put(partitionItem(11)); err != nil {
		t.Fatal(err)
	}
	db.Close()
	requireClean(t, mustVerify(t, dir, nil))
	db, err = Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	checkPartition(t, db, []int{1, 2, 11}, seq(3, 10))
}

// TestRepairDamagedOlderSegment damages a sealed segment that is not the
// stripe's newest (flushes fail, so segments pile up): the segment is cut,
// the records in later segments stay, and the gap is only a warning.
func TestRepairDamagedOlderSegment(t *testing.T) {
	var failSST atomic.Bool
	failSST.Store(true)
	fsys := vfs.WithFaults(vfs.Default(), vfs.InjectorFunc(func(op vfs.Op) error {
		if op.Kind == vfs.OpCreate && strings.HasSuffix(op.Path, ".sst") && failSST.Load() {
			return vfs.ErrInjected
		}
		return nil
	}))
	db, dir := createOnDisk(t, Options{FS: fsys, MemtableRecordThreshold: 5})
	putPartition(t, db, 12)
	db.Close()
	sealed, _ := filepath.Glob(filepath.Join(dir, fmt.Sprintf("wal_%03d-*.log", stripeOfP())))
	if len(sealed) != 2 {
		t.Fatalf("want 2 sealed segments, got %v", sortedNames(t, dir))
	}
	flipAt(t, sealed[0], "marker-003")
	if _, err := Open(dir, nil); !errors.Is(err, ErrCorruption) {
		t.Fatalf("Open = %v, want corruption", err)
	}
	r := mustVerify(t, dir, nil)
	if f, ok := firstFinding(r, SeverityError, "LSN 3"); !ok || f.File != filepath.Base(sealed[0]) {
		t.Fatalf("no error for the sealed segment:\n%s", r)
	}
	p := mustRepair(t, dir, RepairOptions{Stripe: -1, Apply: true})
	onlyAction(t, p, RepairTruncateWAL)
	r = mustVerify(t, dir, nil)
	requireClean(t, r)
	if _, ok := firstFinding(r, SeverityWarning, "WAL gap: records with LSN 3..5 are missing"); !ok {
		t.Errorf("no gap warning:\n%s", r)
	}
	db, err := Open(dir, nil)
	if err != nil {
		t.Fatalf("Open after repair: %v", err)
	}
	defer db.Close()
	checkPartition(t, db, append(seq(1, 2), seq(6, 12)...), seq(3, 5))
}

func TestRepairDamagedSST(t *testing.T) {
	db, dir := createOnDisk(t, Options{DisableAutoCompaction: true})
	putPartition(t, db, 10)
	if err := db.Flush(); err != nil {
		t.Fatal(err)
	}
	for i := 11; i <= 20; i++ {
		if err := db.Put(partitionItem(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Flush(); err != nil {
		t.Fatal(err)
	}
	db.Close()
	var damaged string
	ssts, _ := filepath.Glob(filepath.Join(dir, "*.sst"))
	for _, s := range ssts {
		if b, _ := os.ReadFile(s); strings.Contains(string(b), "marker-013") {
			damaged = s
		}
	}
	flipAt(t, damaged, "marker-013")
	name := filepath.Base(damaged)

	p := mustRepair(t, dir, RepairOptions{Stripe: -1})
	a := onlyAction(t, p, RepairQuarantineSST)
	if a.File != name || a.KeyRange != "[items: p / 011 .. items: p / 020]" || !strings.Contains(a.Detail, "Checksum mismatch") {
		t.Errorf("action: %+v", a)
	}
	mustRepair(t, dir, RepairOptions{Stripe: -1, Apply: true})
	if _, err := os.Stat(filepath.Join(dir, RepairQuarantineDir, name)); err != nil {
		t.Errorf("not in quarantine/: %v", err)
	}
	if _, err := os.Stat(damaged); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("still in the database: %v", err)
	}
	requireClean(t, mustVerify(t, dir, nil))
	db, err := Open(dir, nil)
	if err != nil {
		t.Fatalf("Open after repair: %v", err)
	}
	checkPartition(t, db, seq(1, 10), seq(11, 20))
	db.Close()
	requireClean(t, mustVerify(t, dir, nil))
}

func TestRepairMissingSSTAndBadMagic(t *testing.T) {
	dir, sst := closedWithSST(t, 10)
	b, _ := os.ReadFile(sst)
	b[0] = 'X'
	os.WriteFile(sst, b, 0o644)
	p := mustRepair(t, dir, RepairOptions{Stripe: -1, Apply: true})
	a := onlyAction(t, p, RepairQuarantineSST)
	if a.KeyRange != "[items: p / 001 .. items: p / 010]" {
		t.Errorf("key range %q", a.KeyRange)
	}
	requireClean(t, mustVerify(t, dir, nil))

	dir, sst = closedWithSST(t, 10)
	os.Remove(sst)
	p = mustRepair(t, dir, RepairOptions{Stripe: -1, Apply: true})
	onlyAction(t, p, RepairDropMissingSST)
	requireClean(t, mustVerify(t, dir, nil))
	db, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	checkPartition(t, db, nil, seq(1, 10))
}

func TestRepairRefusesWhileLocked(t *testing.T) {
	db, dir := createOnDisk(t, Options{})
	putPartition(t, db, 3)
	defer db.Close()
	for _, apply := range []bool{false, true} {
		_, err := Repair(dir, nil, RepairOptions{Stripe: -1, Apply: apply})
		if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "process "+strconv.Itoa(os.Getpid())) {
			t.Errorf("Repair(apply=%v) on an open database = %v, want locked by %d", apply, err, os.Getpid())
		}
	}
	if _, err := Repair(dir, nil, RepairOptions{Stripe: 256}); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("stripe 256: %v", err)
	}
}

// TestRepairRebuildManifest damages the manifest: Repair rebuilds it from
// the SSTs, leaves out a stale copy of an SST, infers a second table's key
// schema, and keeps what only the WAL holds.
func TestRepairRebuildManifest(t *testing.T) {
	db, dir := createOnDisk(t, Options{DisableAutoCompaction: true})
	orders, err := db.CreateTable("orders", KeySchema{PartitionKey: "customer", PartitionType: item.TypeS, SortKey: "id", SortType: item.TypeN})
	if err != nil {
		t.Fatal(err)
	}
	order := func(i int) item.Item {
		return item.Item{"customer": item.S("c1"), "id": item.NFromInt64(int64(i)), "qty": item.NFromInt64(int64(10 * i))}
	}
	for i := 1; i <= 5; i++ {
		if err := orders.Put(order(i)); err != nil {
			t.Fatal(err)
		}
	}
	putPartition(t, db, 10)
	if err := db.Flush(); err != nil {
		t.Fatal(err)
	}
	for i := 11; i <= 15; i++ { // only in the WAL
		if err := db.Put(partitionItem(i)); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	// A stale copy of an SST, as an unfinished compaction leaves its inputs.
	ssts, _ := filepath.Glob(filepath.Join(dir, fmt.Sprintf("%03d_*.sst", stripeOfP())))
	stale := filepath.Join(dir, fmt.Sprintf("%03d_%010d.sst", stripeOfP(), 900000))
	b, _ := os.ReadFile(ssts[0])
	os.WriteFile(stale, b, 0o644)
	mans, _ := filepath.Glob(filepath.Join(dir, "MANIFEST-*"))
	mb, _ := os.ReadFile(mans[0])
	mb[12] ^= 0xff
	os.WriteFile(mans[0], mb, 0o644)

	if _, err := Open(dir, nil); !errors.Is(err, ErrCorruption) {
		t.Fatalf("Open with a damaged manifest = %v", err)
	}
	r := mustVerify(t, dir, nil)
	if _, ok := firstFinding(r, SeverityError, "manifest"); !ok {
		t.Fatalf("no manifest error:\n%s", r)
	}
	p := mustRepair(t, dir, RepairOptions{Stripe: -1, Apply: true})
	kinds := map[string]int{}
	for _, a := range p.Actions {
		kinds[a.Kind]++
	}
	if kinds[RepairRebuildManifest] != 1 || kinds[RepairSetAsideSST] != 1 || len(p.Actions) != 2 {
		t.Fatalf("plan:\n%s", p)
	}
	if !strings.Contains(p.String(), "recovered_2 (partition key customer (S), sort key id (N))") {
		t.Errorf("table not inferred:\n%s", p)
	}
	if _, err := os.Stat(filepath.Join(dir, RepairBackupDir, filepath.Base(stale))); err != nil {
		t.Errorf("stale SST not set aside: %v", err)
	}
	if got, _ := filepath.Glob(filepath.Join(dir, RepairBackupDir, "MANIFEST-*")); len(got) != 1 {
		t.Errorf("damaged manifest not kept in backup/: %v", got)
	}
	requireClean(t, mustVerify(t, dir, nil))
	db, err = Open(dir, nil)
	if err != nil {
		t.Fatalf("Open after rebuild: %v", err)
	}
	defer db.Close()
	checkPartition(t, db, seq(1, 15), nil)
	tb, err := db.Table("recovered_2")
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 5; i++ {
		got, err := tb.Get(Key{PK: item.S("c1"), SK: item.NFromInt64(int64(i))})
		if err != nil || !item.ItemsEqual(got, order(i)) {
			t.Errorf("order %d: %v, %v", i, got, err)
		}
	}
}

func TestRepairFixesManifestEntry(t *testing.T) {
	dir, _ := closedWithSST(t, 10)
	st, _, err := manifest.ReadState(vfs.Default(), dir)
	if err != nil {
		t.Fatal(err)
	}
	st.Stripes[stripeOfP()].Files[0].Entries = 99
	v := newVerifier(vfs.Default(), dir)
	if err := v.run(false); err != nil {
		t.Fatal(err)
	}
	if err := v.replaceManifest(st, "test"); err != nil {
		t.Fatal(err)
	}
	r := mustVerify(t, dir, nil)
	if _, ok := firstFinding(r, SeverityError, "entries 99/0 deletions, file has 10/0"); !ok {
		t.Fatalf("no manifest-entry error:\n%s", r)
	}
	p := mustRepair(t, dir, RepairOptions{Stripe: stripeOfP(), Apply: true})
	onlyAction(t, p, RepairFixManifestEntry)
	requireClean(t, mustVerify(t, dir, nil))
	db, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	checkPartition(t, db, seq(1, 10), nil)
}

func TestRepairMissingCurrent(t *testing.T) {
	db, dir := createOnDisk(t, Options{})
	putPartition(t, db, 10)
	if err := db.Flush(); err != nil {
		t.Fatal(err)
	}
	for i := 11; i <= 12; i++ {
		if err := db.Put(partitionItem(i)); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	os.Remove(filepath.Join(dir, "CURRENT"))
	r := mustVerify(t, dir, nil)
	if _, ok := firstFinding(r, SeverityError, "CURRENT is missing"); !ok {
		t.Fatalf("no CURRENT error:\n%s", r)
	}
	p := mustRepair(t, dir, RepairOptions{Stripe: -1, Apply: true})
	onlyAction(t, p, RepairRebuildManifest)
	requireClean(t, mustVerify(t, dir, nil))
	db, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	checkPartition(t, db, seq(1, 12), nil)
}
