package engine

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/keystonedb/kstone-shell/engine/internal/vfs"
)

// dirDigest hashes every file under dir (names, sizes, contents), to show
// that a read-only tool changed nothing.
func dirDigest(t *testing.T, dir string) string {
	t.Helper()
	h := sha256.New()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		fi, _ := d.Info()
		fmt.Fprintf(h, "%s %d %d\n", p, len(b), fi.ModTime().UnixNano())
		h.Write(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

// findings returns the report's findings of severity s, printed.
func findings(r VerifyReport, s Severity) []string {
	var out []string
	for _, f := range r.Findings {
		if f.Severity == s {
			out = append(out, f.String())
		}
	}
	return out
}

func mustVerify(t *testing.T, path string, opts *Options) VerifyReport {
	t.Helper()
	r, err := Verify(path, opts)
	if err != nil {
		t.Fatalf("Verify(%s): %v", path, err)
	}
	return r
}

func requireClean(t *testing.T, r VerifyReport) {
	t.Helper()
	if !r.Clean() {
		t.Fatalf("Verify not clean:\n%s", r)
	}
}

// firstFinding returns the first finding of severity s whose message
// contains substr.
func firstFinding(r VerifyReport, s Severity, substr string) (Finding, bool) {
	for _, f := range r.Findings {
		if f.Severity == s && strings.Contains(f.Message, substr) {
			return f, true
		}
	}
	return Finding{}, false
}

// busyDatabase writes items over many partitions with small memtables, so
// that there are flushes, compactions, deletes and unflushed WAL records.
func busyDatabase(t *testing.T) (*DB, string) {
	t.Helper()
	db, dir := createOnDisk(t, Options{MemtableRecordThreshold: 40, CompactionThreshold: 2})
	for i := range 600 {
		if err := db.Put(testItem(fmt.Sprintf("user#%d", i%150), i)); err != nil {
			t.Fatal(err)
		}
		if i%7 == 0 {
			if err := db.Delete(K(fmt.Sprintf("user#%d", (i+3)%150))); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := db.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := db.CompactAll(); err != nil {
		t.Fatal(err)
	}
	putPartition(t, db, 30) // unflushed: only in the WAL
	return db, dir
}

func TestVerifyCleanAndReadOnly(t *testing.T) {
	db, dir := busyDatabase(t)
	// While open (by this very process): held, still checked, clean.
	r, err := db.Verify()
	if err != nil {
		t.Fatal(err)
	}
	requireClean(t, r)
	if r.HeldByPID != os.Getpid() || !strings.Contains(r.String(), fmt.Sprintf("database is open in process %d: checked read-only", os.Getpid())) {
		t.Errorf("held by %d, want %d:\n%s", r.HeldByPID, os.Getpid(), r)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	before := dirDigest(t, dir)
	r = mustVerify(t, dir, nil)
	requireClean(t, r)
	if w := findings(r, SeverityWarning); len(w) > 0 {
		t.Errorf("warnings on a healthy database: %v", w)
	}
	if r.HeldByPID != 0 || r.SSTs == 0 || r.WALSegments == 0 || r.Bytes == 0 {
		t.Errorf("report: %+v", r)
	}
	if !strings.Contains(r.String(), "OK: no errors") {
		t.Errorf("report does not say OK:\n%s", r)
	}
	if after := dirDigest(t, dir); after != before {
		t.Error("Verify changed the database's files")
	}
	// It opens as before.
	db, err = Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	checkItem(t, db, "user#1", testItem("user#1", 451))
}

func TestVerifyNotADatabase(t *testing.T) {
	if _, err := Verify(filepath.Join(t.TempDir(), "nope"), nil); err == nil {
		t.Error("Verify of a missing directory succeeded")
	}
	if _, err := Verify(t.TempDir(), nil); err == nil || !strings.Contains(err.Error(), "not a KeystoneDB database") {
		t.Errorf("Verify of an empty directory = %v", err)
	}
}

func closedWithSST(t *testing.T, n int) (string, string) {
	t.Helper()
	db, dir := createOnDisk(t, Options{})
	putPartition(t, db, n)
	if err := db.Flush(); err != nil {
		t.Fatal(err)
	}
	db.Close()
	ssts, _ := filepath.Glob(filepath.Join(dir, "*.sst"))
	if len(ssts) != 1 {
		t.Fatalf("want one SST, got %v", ssts)
	}
	return dir, ssts[0]
}

func TestVerifyFlippedSSTBlock(t *testing.T) {
	dir, sst := closedWithSST(t, 10)
	flipAt(t, sst, "marker-003")
	r := mustVerify(t, dir, nil)
	f, ok := firstFinding(r, SeverityError, "Checksum mismatch")
	if !ok || f.File != filepath.Base(sst) || f.Offset < 8 || f.Stripe != stripeOfP() {
		t.Fatalf("no checksum error with file and offset:\n%s", r)
	}
}

func TestVerifyBadSSTMagic(t *testing.T) {
	dir, sst := closedWithSST(t, 10)
	b, _ := os.ReadFile(sst)
	b[0] = 'X'
	os.WriteFile(sst, b, 0o644)
	r := mustVerify(t, dir, nil)
	f, ok := firstFinding(r, SeverityError, "SST file header invalid")
	if !ok || f.File != filepath.Base(sst) || f.Offset != 0 || !strings.Contains(f.Message, "Open fails") {
		t.Fatalf("no header error:\n%s", r)
	}
}

func TestVerifyFlippedWALRecord(t *testing.T) {
	db, dir := createOnDisk(t, Options{})
	putPartition(t, db, 10)
	db.Close()
	wal := fmt.Sprintf("wal_%03d.log", stripeOfP())
	flipAt(t, filepath.Join(dir, wal), "marker-003")
	r := mustVerify(t, dir, nil)
	f, ok := firstFinding(r, SeverityError, "WAL checksum mismatch at LSN 3")
	if !ok || f.File != wal || f.LSN != 3 || f.Offset <= 32 || f.Stripe != stripeOfP() {
		t.Fatalf("no WAL error with LSN, file and offset:\n%s", r)
	}
	if r.Clean() {
		t.Error("report is clean")
	}
}

func TestVerifyTornWALTailIsANote(t *testing.T) {
	db, dir := createOnDisk(t, Options{})
	putPartition(t, db, 10)
	db.Close()
	path := filepath.Join(dir, fmt.Sprintf("wal_%03d.log", stripeOfP()))
	flipAt(t, path, "marker-010")
	unseal(t, path) // as a crash leaves it: no seal after the last record
	r := mustVerify(t, dir, nil)
	requireClean(t, r)
	if f, ok := firstFinding(r, SeverityNote, "torn tail at LSN 10"); !ok || f.LSN != 10 {
		t.Fatalf("no torn-tail note:\n%s", r)
	}
}

func TestVerifyOrphanAndMissingSST(t *testing.T) {
	dir, sst := closedWithSST(t, 10)
	orphan := filepath.Join(dir, fmt.Sprintf("%03d_%010d.sst", stripeOfP(), 999999))
	b, _ := os.ReadFile(sst)
	os.WriteFile(orphan, b, 0o644)
	r := mustVerify(t, dir, nil)
	requireClean(t, r)
	if f, ok := firstFinding(r, SeverityNote, "orphan SST"); !ok || f.File != filepath.Base(orphan) {
		t.Fatalf("no orphan note:\n%s", r)
	}
	os.Remove(sst)
	r = mustVerify(t, dir, nil)
	if f, ok := firstFinding(r, SeverityError, "missing"); !ok || f.File != filepath.Base(sst) || !strings.Contains(f.Message, "items: p / 001 .. items: p / 010") {
		t.Fatalf("no missing-SST error naming the keys:\n%s", r)
	}
}

// TestVerifyWhileInUse verifies over and over while writers, flushes and
// compactions change the files: never an error, always "held".
func TestVerifyWhileInUse(t *testing.T) {
	db, dir := createOnDisk(t, Options{MemtableRecordThreshold: 20, CompactionThreshold: 2})
	defer db.Close()
	var stop atomic.Bool
	var wg sync.WaitGroup
	for g := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; !stop.Load(); i++ {
				if err := db.Put(testItem(fmt.Sprintf("g%d-%d", g, i%200), i)); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	deadline := time.Now().Add(700 * time.Millisecond)
	runs := 0
	for time.Now().Before(deadline) || runs < 3 {
		r := mustVerify(t, dir, nil)
		runs++
		if !r.Clean() || r.HeldByPID != os.Getpid() {
			stop.Store(true)
			wg.Wait()
			t.Fatalf("run %d:\n%s", runs, r)
		}
	}
	stop.Store(true)
	wg.Wait()
}

// TestVerifyInMemory runs Verify on a database in a MemFS through the DB.
func TestVerifyInMemory(t *testing.T) {
	mem := vfs.NewMem()
	db := mustCreate(t, mem, Options{MemtableRecordThreshold: 10})
	for i := range 50 {
		if err := db.Put(testItem(strconv.Itoa(i), i)); err != nil {
			t.Fatal(err)
		}
	}
	r, err := db.Verify()
	if err != nil {
		t.Fatal(err)
	}
	requireClean(t, r)
	if r.HeldByPID != os.Getpid() {
		t.Errorf("HeldByPID = %d", r.HeldByPID)
	}
	db.Close()
	r = mustVerify(t, "/db", &Options{FS: mem})
	requireClean(t, r)
	if r.HeldByPID != 0 {
		t.Errorf("closed, HeldByPID = %d", r.HeldByPID)
	}
}

func TestReportFormatting(t *testing.T) {
	r := VerifyReport{Path: "/x", SSTs: 1, WALSegments: 2, Bytes: 3, HeldByPID: 42, Findings: []Finding{
		{Severity: SeverityError, File: "wal_001.log", Offset: 56, LSN: 3, Stripe: 1, Message: "WAL checksum mismatch at LSN 3"},
		{Severity: SeverityNote, File: "007_0000000009.sst", Offset: -1, Stripe: 7, Message: "orphan"},
	}}
	want := `Verified /x: 1 SSTs, 2 WAL segments, 3 bytes
database is open in process 42: checked read-only; files may change while being read
error:  wal_001.log (stripe 1, offset 56, LSN 3): WAL checksum mismatch at LSN 3
note:   007_0000000009.sst (stripe 7): orphan
FAILED: 1 error, 0 warnings, 1 note (kstone-shell repair PATH shows what can be done)
`
	if got := r.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	if r.Clean() {
		t.Error("Clean with an error")
	}
}

// sortedNames lists a directory.
func sortedNames(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	sort.Strings(out)
	return out
}

func TestVerifyDuplicateNumberAndMisnamedSST(t *testing.T) {
	dir, sst := closedWithSST(t, 10)
	base := filepath.Base(sst)
	other := fmt.Sprintf("%03d%s", (stripeOfP()+1)%256, base[3:])
	b, _ := os.ReadFile(sst)
	os.WriteFile(filepath.Join(dir, other), b, 0o644)
	r := mustVerify(t, dir, nil)
	if f, ok := firstFinding(r, SeverityError, "is used 2 times"); !ok || !strings.Contains(f.Message, base) || !strings.Contains(f.Message, other) {
		t.Fatalf("no duplicate-number error:\n%s", r)
	}
	// Only the misnamed copy left: a live file under another stripe's name.
	os.Remove(sst)
	r = mustVerify(t, dir, nil)
	if f, ok := firstFinding(r, SeverityError, "under another stripe's name"); !ok || f.File != other {
		t.Fatalf("no misnamed error:\n%s", r)
	}
	p := mustRepair(t, dir, RepairOptions{Stripe: -1, Apply: true})
	onlyAction(t, p, RepairRenameSST)
	requireClean(t, mustVerify(t, dir, nil))
	db, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	checkPartition(t, db, seq(1, 10), nil)
}

// TestVerifyAgreesWithOpenAfterCrash takes crash images of a busy database
// (random parts of unsynced writes surviving, writes torn) and checks that
// Verify, run first, predicts Open: clean when Open succeeds, errors when it
// fails. Then a verify of the reopened and closed image is clean too.
func TestVerifyAgreesWithOpenAfterCrash(t *testing.T) {
	for seed := uint64(0); seed < 8; seed++ {
		mem := vfs.NewMem()
		opts := Options{MemtableRecordThreshold: 24, WALPreallocate: 4096, CompactionThreshold: 2, Durability: Durability(seed % 2)}
		db := mustCreate(t, mem, opts)
		var stop atomic.Bool
		var wg sync.WaitGroup
		for g := range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; !stop.Load(); i++ {
					if err := db.Put(testItem(fmt.Sprintf("g%d-%d", g, i%150), i)); err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
		var images []*vfs.MemFS
		for i := range 4 {
			time.Sleep(time.Duration(5+3*i) * time.Millisecond)
			images = append(images, mem.CrashClone(vfs.CrashOptions{Rand: rand.New(rand.NewPCG(seed, uint64(i)))}))
		}
		stop.Store(true)
		wg.Wait()
		db.Close()
		for i, img := range images {
			o := opts
			o.FS = img
			r, verr := Verify("/db", &o)
			db, oerr := Open("/db", &o)
			switch {
			case oerr == nil && (verr != nil || !r.Clean()):
				t.Fatalf("seed %d image %d: Open works but Verify says %v:\n%s", seed, i, verr, r)
			case oerr != nil && verr == nil && r.Clean():
				t.Fatalf("seed %d image %d: Open fails (%v) but Verify is clean:\n%s", seed, i, oerr, r)
			}
			if oerr != nil {
				continue
			}
			db.Close()
			if r := mustVerify(t, "/db", &o); !r.Clean() {
				t.Fatalf("seed %d image %d: after reopening:\n%s", seed, i, r)
			}
		}
	}
}

// TestVerifyCatchesBitFlips flips bits all over an SST and a WAL segment:
// whenever Open fails or a read reports corruption, Verify (run first)
// reports an error; whenever Verify reports one, Open or a read fails.
func TestVerifyCatchesBitFlips(t *testing.T) {
	mem := vfs.NewMem()
	opts := Options{BlockSize: 256, WALPreallocate: 4096, DisableAutoCompaction: true}
	db := mustCreate(t, mem, opts)
	for i := range 40 {
		if err := db.Put(partitionItem(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Flush(); err != nil {
		t.Fatal(err)
	}
	for i := 40; i < 70; i++ {
		if err := db.Put(partitionItem(i)); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	mem.SyncAll()
	names, _ := mem.List("/db")
	flips, detected := 0, 0
	for _, n := range names {
		if !strings.HasSuffix(n, ".sst") && !strings.HasPrefix(n, "wal_") {
			continue
		}
		orig, err := mem.ReadFile("/db/" + n)
		if err != nil {
			t.Fatal(err)
		}
		for off := 0; off < len(orig); off += 17 {
			img := mem.CrashClone(vfs.CrashOptions{})
			b := append([]byte(nil), orig...)
			b[off] ^= 0x04
			img.WriteFile("/db/"+n, b)
			o := opts
			o.FS = img
			r, err := Verify("/db", &o)
			if err != nil {
				t.Fatalf("%s offset %d: Verify: %v", n, off, err)
			}
			flips++
			failed := ""
			db, err := Open("/db", &o)
			if err != nil {
				failed = "Open: " + err.Error()
			} else {
				for i := range 70 {
					if _, err := db.Get(KS("p", fmt.Sprintf("%03d", i))); err != nil && !errors.Is(err, ErrKeyNotFound) {
						failed = "Get: " + err.Error()
						break
					}
				}
				db.Close()
			}
			if failed != "" {
				detected++
			}
			if (failed != "") == r.Clean() {
				t.Fatalf("%s offset %d: Verify clean=%v but %q:\n%s", n, off, r.Clean(), failed, r)
			}
		}
	}
	t.Logf("%d bit flips, %d detected by Open or reads, all by Verify", flips, detected)
}

// unseal removes the seal a clean Close appends to a WAL segment, which
// makes the segment look as a crash leaves it.
func unseal(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.LastIndex(b, bytes.Repeat([]byte{0xff}, 8))
	if i < 16 {
		t.Fatalf("%s has no seal", path)
	}
	clear(b[i-16 : i+8])
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
