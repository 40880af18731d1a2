package engine

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
	"github.com/keystonedb/kstone-shell/engine/internal/manifest"
	"github.com/keystonedb/kstone-shell/engine/internal/sstable"
	"github.com/keystonedb/kstone-shell/engine/internal/vfs"
	"github.com/keystonedb/kstone-shell/engine/internal/wal"
	"github.com/keystonedb/kstone-shell/engine/item"
)

// Severity ranks a Finding of Verify.
type Severity int

const (
	// SeverityError: Open fails, or data is lost, unreadable or at risk.
	// kstone-shell repair knows what to do about most of them.
	SeverityError Severity = iota
	// SeverityWarning: something unexpected that Open copes with, or a
	// sign that writes were lost (a gap in a WAL).
	SeverityWarning
	// SeverityNote: expected after a crash or while the database is in
	// use (a torn WAL tail, an orphan file); nothing to do.
	SeverityNote
)

func (s Severity) String() string {
	switch s {
	case SeverityError:
		return "error"
	case SeverityWarning:
		return "warning"
	case SeverityNote:
		return "note"
	}
	return fmt.Sprintf("Severity(%d)", int(s))
}

// Finding is one thing Verify found.
type Finding struct {
	Severity Severity
	File     string // base name of the file concerned, "" if none
	Offset   int64  // byte offset in File, -1 if n/a
	LSN      uint64 // WAL record LSN, 0 if n/a
	Stripe   int    // -1 if n/a
	Message  string
}

func (f Finding) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-8s", f.Severity.String()+":")
	var where []string
	if f.Stripe >= 0 {
		where = append(where, fmt.Sprintf("stripe %d", f.Stripe))
	}
	if f.Offset >= 0 {
		where = append(where, fmt.Sprintf("offset %d", f.Offset))
	}
	if f.LSN != 0 {
		where = append(where, fmt.Sprintf("LSN %d", f.LSN))
	}
	if f.File != "" {
		b.WriteString(f.File)
		if len(where) > 0 {
			b.WriteString(" (" + strings.Join(where, ", ") + ")")
		}
		b.WriteString(": ")
	} else if len(where) > 0 {
		b.WriteString(strings.Join(where, ", ") + ": ")
	}
	b.WriteString(f.Message)
	return b.String()
}

// VerifyReport is the result of Verify.
type VerifyReport struct {
	Path     string
	Findings []Finding // errors first, then warnings, then notes
	// SSTs and WALSegments count the files checked; Bytes their sizes
	// (and the manifest's).
	SSTs, WALSegments int
	Bytes             int64
	// HeldByPID is the process holding the database's LOCK while Verify
	// ran: 0 if none, -1 if held by a process whose ID is unknown.
	HeldByPID int
}

// Clean reports whether Verify found no error (warnings and notes allowed).
func (r VerifyReport) Clean() bool { return r.Count(SeverityError) == 0 }

// Count returns the number of findings of severity s.
func (r VerifyReport) Count(s Severity) int {
	n := 0
	for _, f := range r.Findings {
		if f.Severity == s {
			n++
		}
	}
	return n
}

// HeldMessage is the line the report prints when another process had the
// database open, "" otherwise.
func (r VerifyReport) HeldMessage() string {
	switch {
	case r.HeldByPID > 0:
		return fmt.Sprintf("database is open in process %d: checked read-only; files may change while being read", r.HeldByPID)
	case r.HeldByPID < 0:
		return "database is open in another process: checked read-only; files may change while being read"
	}
	return ""
}

// String prints the report for people: a summary line, the holder of the
// lock if any, every finding, and a verdict.
func (r VerifyReport) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Verified %s: %d SSTs, %d WAL segments, %d bytes\n", r.Path, r.SSTs, r.WALSegments, r.Bytes)
	if m := r.HeldMessage(); m != "" {
		b.WriteString(m + "\n")
	}
	for _, f := range r.Findings {
		b.WriteString(f.String() + "\n")
	}
	errs, warns, notes := r.Count(SeverityError), r.Count(SeverityWarning), r.Count(SeverityNote)
	if errs == 0 {
		fmt.Fprintf(&b, "OK: no errors (%s, %s)\n", plural(warns, "warning"), plural(notes, "note"))
	} else {
		fmt.Fprintf(&b, "FAILED: %s, %s, %s (kstone-shell repair PATH shows what can be done)\n",
			plural(errs, "error"), plural(warns, "warning"), plural(notes, "note"))
	}
	return b.String()
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// Verify checks the database at path without changing anything: it never
// takes the lock and opens every file read-only, so it works on a database
// another process has open (the report says so; a file that disappears
// while being read, compacted away, is a note then).
//
// It checks the manifest (CURRENT, records, a torn tail); every SST the
// manifest lists (present, size, header, footer, index, filter and
// properties blocks, every data block's checksum, key order, that the
// bloom filter holds every key, that properties, key range and sequence
// range agree with the manifest, that the keys belong to the stripe, that
// sequence ranges do not overlap or pass the stripe's flushed LSN); SSTs on
// disk the manifest does not list (orphans: a note, Open deletes them);
// every WAL segment (header, records' checksums, LSN order and continuity,
// well-formed batches), where a torn tail of a stripe's newest segment is a
// note, damage elsewhere an error with the LSN, file and offset, and damage
// among records at or below the stripe's flushed LSN harmless; and that
// file numbers are not used twice.
//
// The error is for a Verify that could not run at all (no such directory,
// not a database); problems of the database are findings in the report.
func Verify(path string, opts *Options) (VerifyReport, error) {
	o, err := prepareOptions(opts)
	if err != nil {
		return VerifyReport{Path: path}, err
	}
	v := newVerifier(o.FS, path)
	err = v.run(true)
	return v.rep, err
}

// Verify checks this database's files like the package function Verify,
// read-only, while it stays open: the report says the database is held by
// this process.
func (db *DB) Verify() (VerifyReport, error) {
	v := newVerifier(db.fs, db.dir)
	err := v.run(true)
	return v.rep, err
}

// verifier does the work of Verify and keeps what Repair plans from.
type verifier struct {
	fs   vfs.FS
	dir  string
	held bool
	rep  VerifyReport

	names   []string
	state   *manifest.State // nil when the manifest is unreadable
	manNum  base.FileNum    // the live manifest's number, 0 if unknown
	manErr  error
	tables  []manifest.TableDesc
	flushed [base.NumStripes]base.SeqNum
	maxNum  base.FileNum // largest file number in a name or a WAL header

	ssts    []*sstCheck
	segs    []*segCheck
	segNums map[string]base.FileNum // WAL file -> segment number read
	// tornHeaders are WAL files with a torn header and no records.
	tornHeaders []string
	samples     map[uint32]tableSample // manifest unreadable: a record per table
}

// sstCheck is what Verify learnt about one SST.
type sstCheck struct {
	name   string // file on disk ("" when missing)
	want   string // the name the manifest implies ("" for an orphan)
	stripe base.StripeID
	num    base.FileNum
	listed bool
	meta   manifest.FileMeta // when listed
	size   int64
	mtime  time.Time
	props  sstable.Properties
	// What is wrong.
	missing      bool // listed, not on disk
	gone         bool // disappeared while being read (database in use)
	misnamed     bool // on disk under another stripe's name
	sizeMismatch bool // size differs from the manifest's
	corrupt      bool // NewReader or Verify failed
	propsDiffer  bool // intact, but the manifest's FileMeta disagrees
	wrongKeys    bool // holds keys of another stripe
	propsOK      bool // props were read
	problem      string
}

// segCheck is what Verify learnt about one WAL segment.
type segCheck struct {
	name      string
	stripe    int // from the header (from the name for a bad header; -1 unknown)
	num       base.FileNum
	size      int64
	badHeader bool // damaged header with records after it
	info      wal.SegmentInfo
	maxSeq    base.SeqNum
	newest    bool
	damaged   bool // Open fails on it: cut the file at truncate
	damageLSN base.SeqNum
	truncate  int64
	problem   string
}

type tableSample struct{ key, value []byte }

func newVerifier(fs vfs.FS, dir string) *verifier {
	return &verifier{fs: fs, dir: dir, rep: VerifyReport{Path: dir}, segNums: map[string]base.FileNum{}}
}

func (v *verifier) path(name string) string { return v.fs.PathJoin(v.dir, name) }

func (v *verifier) add(sev Severity, file string, off int64, lsn base.SeqNum, stripe int, format string, args ...any) {
	v.rep.Findings = append(v.rep.Findings, Finding{Severity: sev, File: file, Offset: off, LSN: uint64(lsn), Stripe: stripe, Message: fmt.Sprintf(format, args...)})
}

// run verifies; probe says whether to look for a lock holder (Repair
// holds the lock itself).
func (v *verifier) run(probe bool) error {
	if _, err := v.fs.Stat(v.dir); err != nil {
		return ioErr(err)
	}
	if probe {
		pid, held := probeLock(v.fs, v.fs.PathJoin(v.dir, base.LockFilename))
		v.held = held
		if held {
			v.rep.HeldByPID = pid
		}
	}
	if err := v.readManifest(); err != nil {
		return err
	}
	for _, n := range v.names {
		if _, _, num, ok := base.ParseFilename(n); ok {
			v.maxNum = max(v.maxNum, num)
		}
	}
	v.checkSSTs()
	v.computeFlushed()
	v.checkWALs()
	v.checkDuplicateNums()
	for _, n := range v.names {
		if kind, _, _, ok := base.ParseFilename(n); ok && kind == base.FileKindTemp {
			v.add(SeverityNote, n, -1, 0, -1, "leftover temporary file of an interrupted write; Open deletes it")
		}
	}
	if v.held {
		v.downgradeChanged()
	}
	sort.SliceStable(v.rep.Findings, func(i, j int) bool { return v.rep.Findings[i].Severity < v.rep.Findings[j].Severity })
	return nil
}

// probeLock reports whether someone holds the database's lock, without
// writing: on the OS file system with flock on a read-only descriptor;
// on another FS by taking the FS's lock and releasing it at once (only when
// the LOCK file exists, so nothing is created).
func probeLock(fsys vfs.FS, lockPath string) (pid int, held bool) {
	if isOSFS(fsys) {
		return probeOSLock(lockPath)
	}
	if _, err := fsys.Stat(lockPath); err != nil {
		return 0, false
	}
	l, err := fsys.Lock(lockPath)
	if err == nil {
		l.Close()
		return 0, false
	}
	var le *vfs.LockedError
	if errors.As(err, &le) {
		if le.PID > 0 {
			return le.PID, true
		}
		return -1, true
	}
	if errors.Is(err, vfs.ErrLocked) {
		return -1, true
	}
	return 0, false
}

// readManifest reads the manifest read-only. While another process has the
// database open the manifest may roll over under us: try again.
func (v *verifier) readManifest() error {
	var err error
	var st *manifest.State
	var info manifest.OpenInfo
	for attempt := 0; ; attempt++ {
		if v.names, err = v.fs.List(v.dir); err != nil {
			return ioErr(err)
		}
		st, info, err = manifest.ReadState(v.fs, v.dir)
		if err == nil || !v.held || attempt == 4 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err == nil {
		v.state = st
		v.tables = st.Tables
		v.manNum, _ = manifest.ReadCurrent(v.fs, v.dir)
		name := base.MakeFilename(base.FileKindManifest, 0, v.manNum)
		if fi, serr := v.fs.Stat(v.path(name)); serr == nil {
			v.rep.Bytes += fi.Size()
		}
		if info.TornTail {
			v.add(SeverityNote, info.TornFile, info.TornOffset, 0, -1,
				"torn last record (%d bytes): an edit that was never acknowledged; Open ignores it", info.TornBytes)
		}
		for _, n := range info.ObsoleteManifests {
			v.add(SeverityNote, base.MakeFilename(base.FileKindManifest, 0, n), -1, 0, -1,
				"obsolete manifest (CURRENT names another); Open deletes it")
		}
		return nil
	}
	v.manErr = err
	v.manNum, _ = manifest.ReadCurrent(v.fs, v.dir)
	v.tables = []manifest.TableDesc{defaultTableDesc()}
	v.samples = map[uint32]tableSample{}
	if errors.Is(err, fs.ErrNotExist) {
		if !v.hasEngineFiles() {
			return newErr(ErrIO, "%s is not a KeystoneDB database (no %s)", v.dir, base.CurrentFilename)
		}
		v.add(SeverityError, base.CurrentFilename, -1, 0, -1,
			"CURRENT is missing but the directory holds database files; Open fails (repair rebuilds the manifest from the SSTs)")
		return nil
	}
	var ce *base.CorruptionError
	if errors.As(err, &ce) {
		v.add(SeverityError, ce.File, ce.Offset, 0, -1, "%s; Open fails (repair rebuilds the manifest from the SSTs)", ce.Detail)
		return nil
	}
	v.add(SeverityError, base.CurrentFilename, -1, 0, -1, "reading the manifest: %v", err)
	return nil
}

func (v *verifier) hasEngineFiles() bool {
	for _, n := range v.names {
		switch kind, _, _, _ := base.ParseFilename(n); kind {
		case base.FileKindSST, base.FileKindManifest, base.FileKindWAL, base.FileKindSealedWAL:
			return true
		}
	}
	return false
}

// checkSSTs checks the SSTs the manifest lists, then those it does not.
func (v *verifier) checkSSTs() {
	onDisk := map[base.FileNum][]string{}
	for _, n := range v.names {
		if kind, _, num, ok := base.ParseFilename(n); ok && kind == base.FileKindSST {
			onDisk[num] = append(onDisk[num], n)
		}
	}
	used := map[string]bool{}
	if v.state != nil {
		for i := range v.state.Stripes {
			for _, fm := range v.state.Stripes[i].Files {
				c := &sstCheck{listed: true, meta: fm, stripe: base.StripeID(i), num: fm.Num, want: sstName(base.StripeID(i), fm.Num)}
				v.ssts = append(v.ssts, c)
				if fm.Stripe != base.StripeID(i) {
					v.add(SeverityError, c.want, -1, 0, i, "the manifest lists the file in stripe %d but its entry says stripe %d", i, int(fm.Stripe))
				}
				c.name = c.want
				if !contains(onDisk[fm.Num], c.want) {
					if others := onDisk[fm.Num]; len(others) > 0 {
						c.name = others[0]
						c.misnamed = true
						v.add(SeverityError, c.name, -1, 0, i,
							"the manifest lists this file as %s in stripe %d: a live file under another stripe's name (Open fails)", c.want, i)
					} else {
						c.name = ""
						c.missing = true
						v.missingSST(c)
						continue
					}
				}
				used[c.name] = true
				v.examineSST(c)
			}
			v.checkStripeSeqs(i)
		}
	}
	for _, n := range v.names {
		kind, stripe, num, ok := base.ParseFilename(n)
		if !ok || kind != base.FileKindSST || used[n] {
			continue
		}
		c := &sstCheck{name: n, stripe: stripe, num: num}
		v.ssts = append(v.ssts, c)
		if v.state != nil {
			v.add(SeverityNote, n, -1, 0, int(stripe),
				"orphan SST: not in the manifest (left by an interrupted flush or compaction); Open deletes it")
			continue
		}
		// Without a manifest the SSTs on disk are the data: check them all.
		v.examineSST(c)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (v *verifier) missingSST(c *sstCheck) {
	kr := describeKeyRange(v.tables, c.meta.Smallest, c.meta.Largest)
	if v.held {
		c.gone = true
		v.add(SeverityNote, c.want, -1, 0, int(c.stripe),
			"listed in the manifest read but gone from disk: compacted away while verifying (the database is in use)")
		return
	}
	v.add(SeverityError, c.want, -1, 0, int(c.stripe),
		"SST listed in the manifest is missing (Open fails); keys %s, seqs %d..%d are lost", kr, c.meta.MinSeq, c.meta.MaxSeq)
}

// examineSST reads and checks one SST completely.
func (v *verifier) examineSST(c *sstCheck) {
	stripe := int(c.stripe)
	f, err := v.fs.Open(v.path(c.name))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) && c.listed && !c.misnamed {
			c.missing = true
			v.missingSST(c)
			return
		}
		if errors.Is(err, fs.ErrNotExist) && v.held {
			c.gone = true
			v.add(SeverityNote, c.name, -1, 0, stripe, "disappeared while being read (the database is in use)")
			return
		}
		c.corrupt = true
		c.problem = err.Error()
		v.add(SeverityError, c.name, -1, 0, stripe, "cannot open: %v", err)
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		c.corrupt = true
		c.problem = err.Error()
		v.add(SeverityError, c.name, -1, 0, stripe, "cannot stat: %v", err)
		return
	}
	c.size, c.mtime = fi.Size(), fi.ModTime()
	v.rep.SSTs++
	v.rep.Bytes += c.size
	if c.listed && uint64(c.size) != c.meta.Size {
		c.sizeMismatch = true
		v.add(SeverityError, c.name, -1, 0, stripe, "size %d bytes, the manifest says %d (truncated or overwritten)", c.size, c.meta.Size)
	}
	r, err := sstable.NewReader(f, c.size, sstable.ReaderOptions{Name: c.name, FileNum: c.num})
	if err == nil {
		err = r.Verify()
	}
	if err != nil {
		c.corrupt = true
		off, msg := int64(-1), err.Error()
		var ce *base.CorruptionError
		if errors.As(err, &ce) {
			off, msg = ce.Offset, ce.Detail
		}
		c.problem = msg
		if r != nil {
			// The blocks NewReader checked are fine: the key range is known.
			c.props, c.propsOK = r.Properties(), true
		}
		what := "its keys cannot be read"
		if c.listed {
			what = "reads of its keys fail"
			if r == nil {
				what = "Open fails"
			}
		}
		v.add(SeverityError, c.name, off, 0, stripe, "%s; %s", msg, what)
		return
	}
	c.props, c.propsOK = r.Properties(), true
	if c.listed {
		if d := metaDiff(c.meta, c.props); d != "" {
			c.propsDiffer = true
			v.add(SeverityError, c.name, -1, 0, stripe, "the manifest's entry disagrees with the file: %s", d)
		}
	}
	for _, k := range [][]byte{c.props.Smallest, c.props.Largest} {
		if ks, ok := keyStripe(v.tables, k); ok && ks != stripe {
			c.wrongKeys = true
			v.add(SeverityError, c.name, -1, 0, stripe, "holds keys of stripe %d (%s): a live file of the wrong stripe, its keys are never found",
				ks, describeKeyWith(v.tables, k))
			break
		}
	}
	if v.samples != nil {
		sampleSST(r, v.samples)
	}
}

// metaDiff describes how a manifest entry differs from the file's
// properties, "" if it does not.
func metaDiff(m manifest.FileMeta, p sstable.Properties) string {
	switch {
	case m.Entries != p.Entries || m.Deletions != p.Deletions:
		return fmt.Sprintf("entries %d/%d deletions, file has %d/%d", m.Entries, m.Deletions, p.Entries, p.Deletions)
	case !bytes.Equal(m.Smallest, p.Smallest) || !bytes.Equal(m.Largest, p.Largest):
		return "smallest/largest keys differ"
	case m.MinSeq != p.MinSeq || m.MaxSeq != p.MaxSeq:
		return fmt.Sprintf("seqs %d..%d, file has %d..%d", m.MinSeq, m.MaxSeq, p.MinSeq, p.MaxSeq)
	}
	return ""
}

// checkStripeSeqs checks a stripe's sequence ranges against each other and
// its flushed LSN.
func (v *verifier) checkStripeSeqs(i int) {
	st := &v.state.Stripes[i]
	files := append([]manifest.FileMeta(nil), st.Files...)
	for _, fm := range files {
		if fm.MaxSeq > st.FlushedSeq {
			v.add(SeverityWarning, sstName(fm.Stripe, fm.Num), -1, 0, i,
				"holds sequence numbers up to %d, above the stripe's flushed LSN %d", fm.MaxSeq, st.FlushedSeq)
		}
	}
	sort.Slice(files, func(a, b int) bool { return files[a].MinSeq < files[b].MinSeq })
	for j := 1; j < len(files); j++ {
		if files[j].MinSeq <= files[j-1].MaxSeq {
			v.add(SeverityWarning, sstName(files[j].Stripe, files[j].Num), -1, 0, i,
				"sequence range %d..%d overlaps %s's %d..%d", files[j].MinSeq, files[j].MaxSeq,
				sstName(files[j-1].Stripe, files[j-1].Num), files[j-1].MinSeq, files[j-1].MaxSeq)
		}
	}
}

// computeFlushed sets each stripe's flushed LSN: the manifest's, or with
// an unreadable manifest the largest sequence number of its intact SSTs
// (what a rebuilt manifest records).
func (v *verifier) computeFlushed() {
	if v.state != nil {
		for i := range v.state.Stripes {
			v.flushed[i] = v.state.Stripes[i].FlushedSeq
		}
		return
	}
	for _, c := range v.ssts {
		if c.propsOK && !c.corrupt && !c.wrongKeys {
			v.flushed[c.stripe] = max(v.flushed[c.stripe], c.props.MaxSeq)
		}
	}
}

// checkWALs reads every WAL segment, stripe by stripe, oldest first, the
// way Open replays them.
func (v *verifier) checkWALs() {
	for _, n := range v.names {
		kind, stripe, num, ok := base.ParseFilename(n)
		if !ok {
			continue
		}
		switch kind {
		case base.FileKindWAL, base.FileKindSealedWAL, base.FileKindSpare:
			nameStripe := -1
			if kind != base.FileKindSpare {
				nameStripe = int(stripe)
			}
			v.examineSegHeader(n, kind, nameStripe, num)
		}
	}
	switch n := len(v.tornHeaders); {
	case n == 1:
		v.add(SeverityNote, v.tornHeaders[0], 0, 0, -1, "WAL header torn by a crash, no records after it; Open recycles the file")
	case n > 1:
		list := v.tornHeaders
		if n > 5 {
			list = append(list[:5:5], "…")
		}
		v.add(SeverityNote, v.tornHeaders[0], -1, 0, -1,
			"%d WAL files have a header torn by a crash and no records after it (%s); Open recycles them", n, strings.Join(list, ", "))
	}
	var stripes [base.NumStripes][]*segCheck
	for _, c := range v.segs {
		if !c.badHeader {
			stripes[c.stripe] = append(stripes[c.stripe], c)
		}
	}
	for i := range stripes {
		segs := stripes[i]
		sort.Slice(segs, func(a, b int) bool { return segs[a].num < segs[b].num })
		v.readStripe(i, segs)
	}
}

// examineSegHeader classifies a WAL file by its header like Open does.
func (v *verifier) examineSegHeader(name string, kind base.FileKind, nameStripe int, nameNum base.FileNum) {
	f, err := v.fs.Open(v.path(name))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) && v.held {
			v.add(SeverityNote, name, -1, 0, nameStripe, "disappeared while being read (the database is in use)")
			return
		}
		v.add(SeverityError, name, -1, 0, nameStripe, "cannot open: %v", err)
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		v.add(SeverityError, name, -1, 0, nameStripe, "cannot stat: %v", err)
		return
	}
	size := fi.Size()
	stripe, num, err := wal.ReadHeader(f, name)
	if errors.Is(err, wal.ErrEmptySegment) || errors.Is(err, base.ErrCorruption) {
		used, serr := wal.ContainsRecord(f, size, name)
		if serr != nil {
			v.add(SeverityError, name, -1, 0, nameStripe, "reading: %v", serr)
			return
		}
		switch {
		case !used && errors.Is(err, base.ErrCorruption):
			v.tornHeaders = append(v.tornHeaders, name)
		case !used:
			// A spare, or a segment whose header has not been written yet.
		case errors.Is(err, wal.ErrEmptySegment):
			v.add(SeverityNote, name, 0, 0, nameStripe, "header never written, stale records of an older segment; Open recycles the file")
		default:
			v.rep.WALSegments++
			v.rep.Bytes += size
			c := &segCheck{name: name, stripe: nameStripe, size: size, badHeader: true, truncate: -1}
			c.problem = "WAL header invalid"
			v.segs = append(v.segs, c)
			v.add(SeverityError, name, 0, 0, nameStripe, "WAL header invalid but records follow it; Open fails")
		}
		return
	}
	if err != nil {
		v.add(SeverityError, name, -1, 0, nameStripe, "reading the header: %v", err)
		return
	}
	v.rep.WALSegments++
	v.rep.Bytes += size
	v.maxNum = max(v.maxNum, num)
	v.segNums[name] = num
	c := &segCheck{name: name, stripe: int(stripe), num: num, size: size, truncate: -1}
	v.segs = append(v.segs, c)
	if nameStripe >= 0 && nameStripe != int(stripe) {
		v.add(SeverityWarning, name, 0, 0, int(stripe), "named for stripe %d, but its header says stripe %d", nameStripe, int(stripe))
	}
	if kind == base.FileKindSealedWAL && nameNum != num {
		v.add(SeverityWarning, name, 0, 0, int(stripe), "named as segment %d, but its header says %d", uint64(nameNum), uint64(num))
	}
}

var errMalformedBatch = errors.New("malformed WAL batch")

// readStripe reads a stripe's segments (sorted by number) like replay.
func (v *verifier) readStripe(stripe int, segs []*segCheck) {
	flushed := v.flushed[stripe]
	lastSeq := flushed
	gapSev := SeverityWarning
	if v.held {
		gapSev = SeverityNote
	}
	for i, c := range segs {
		c.newest = i == len(segs)-1
		f, err := v.fs.Open(v.path(c.name))
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && v.held {
				v.add(SeverityNote, c.name, -1, 0, stripe, "disappeared while being read (the database is in use)")
				continue
			}
			v.add(SeverityError, c.name, -1, 0, stripe, "cannot open: %v", err)
			continue
		}
		var malformed base.SeqNum
		var maxSeq base.SeqNum
		info, err := wal.ReadSegmentWith(f, c.size, c.name, wal.ReadOptions{SkipDamageUpTo: flushed}, func(lsn base.SeqNum, payload []byte) error {
			ops, err := decodeBatch(payload)
			if err != nil {
				malformed = lsn
				return errMalformedBatch
			}
			last := lsn + base.SeqNum(len(ops)) - 1
			maxSeq = max(maxSeq, last)
			if v.samples != nil {
				for _, o := range ops {
					sampleOp(o, v.samples)
				}
			}
			if last <= flushed {
				return nil
			}
			if lsn <= lastSeq {
				v.add(gapSev, c.name, -1, lsn, stripe, "record repeats sequence numbers (LSN %d after %d); Open skips it", lsn, lastSeq)
				return nil
			}
			if lsn != lastSeq+1 {
				v.add(gapSev, c.name, -1, lsn, stripe, "WAL gap: records with LSN %d..%d are missing (writes lost)", lastSeq+1, lsn-1)
			}
			lastSeq = last
			return nil
		})
		f.Close()
		c.info, c.maxSeq = info, maxSeq
		for _, sk := range info.Skipped {
			v.add(SeverityNote, c.name, sk.Offset, sk.FromLSN, stripe,
				"damage among flushed records (LSN %d..%d) stepped over: those writes are safe in SSTs", sk.FromLSN, sk.ToLSN)
		}
		var ce *base.CorruptionError
		switch {
		case malformed != 0:
			c.damaged, c.damageLSN, c.truncate = true, malformed, info.ValidEnd
			c.problem = fmt.Sprintf("malformed WAL record at LSN %d", malformed)
			v.add(SeverityError, c.name, info.ValidEnd, malformed, stripe, "malformed WAL record at LSN %d (checksum fine, contents not); Open fails", malformed)
		case errors.As(err, &ce):
			c.damaged, c.damageLSN, c.truncate = true, ce.LSN, info.ValidEnd
			c.problem = ce.Detail
			v.add(SeverityError, c.name, ce.Offset, ce.LSN, stripe, "%s in stripe %d; Open fails", ce.Detail, stripe)
		case err != nil:
			c.problem = err.Error()
			v.add(SeverityError, c.name, info.ValidEnd, 0, stripe, "reading: %v", err)
		case info.Torn && c.newest:
			v.add(SeverityNote, c.name, info.ValidEnd, info.TornLSN, stripe,
				"torn tail at LSN %d: a write that was never acknowledged; Open cuts it off", info.TornLSN)
		case info.Torn && info.Relaxed:
			v.add(SeverityWarning, c.name, info.ValidEnd, info.TornLSN, stripe,
				"torn record at LSN %d in an older segment written with relaxed durability: the rest of the segment is lost; Open goes on", info.TornLSN)
		case info.Torn:
			c.damaged, c.damageLSN, c.truncate = true, info.TornLSN, info.ValidEnd
			c.problem = fmt.Sprintf("WAL checksum mismatch at LSN %d", info.TornLSN)
			v.add(SeverityError, c.name, info.ValidEnd, info.TornLSN, stripe,
				"WAL checksum mismatch at LSN %d in stripe %d: a damaged record in a segment that is not the stripe's newest; Open fails", info.TornLSN, stripe)
		}
	}
}

// checkDuplicateNums reports file numbers used twice: numbers are never
// reused, by SSTs (in their names), WAL segments (in their headers) and
// manifests alike.
func (v *verifier) checkDuplicateNums() {
	users := map[base.FileNum][]string{}
	var order []base.FileNum
	use := func(num base.FileNum, what string) {
		if len(users[num]) == 0 {
			order = append(order, num)
		}
		users[num] = append(users[num], what)
	}
	if v.manNum != 0 {
		use(v.manNum, base.MakeFilename(base.FileKindManifest, 0, v.manNum))
	}
	for _, n := range v.names {
		if kind, _, num, ok := base.ParseFilename(n); ok && kind == base.FileKindSST {
			use(num, n)
		}
	}
	for _, c := range v.segs {
		if !c.badHeader {
			use(c.num, c.name+" (segment header)")
		}
	}
	sort.Slice(order, func(i, j int) bool { return order[i] < order[j] })
	sev := SeverityError
	if v.held {
		sev = SeverityNote // a segment read before and after a rename
	}
	for _, num := range order {
		us := users[num]
		if len(us) < 2 {
			continue
		}
		file, _, _ := strings.Cut(us[0], " ")
		if len(us) == 2 && num == v.manNum {
			// Open's manifest roll-over takes its number before the
			// active WAL segments' headers (the only record of their
			// numbers) are read: after a crash it can match one. The
			// namespaces do not mix (a segment's number only tells its
			// records from stale ones), so nothing is wrong.
			v.add(SeverityNote, file, -1, 0, -1, "file number %d is used by the manifest and by %s; harmless", uint64(num), us[1])
			continue
		}
		v.add(sev, file, -1, 0, -1, "file number %d is used %d times: %s", uint64(num), len(us), strings.Join(us, ", "))
	}
}

// downgradeChanged turns errors about files that changed while a running
// database used them (removed, renamed, recycled) into notes.
func (v *verifier) downgradeChanged() {
	for i := range v.rep.Findings {
		f := &v.rep.Findings[i]
		if f.Severity != SeverityError || f.File == "" || f.File == base.CurrentFilename {
			continue
		}
		changed := false
		if _, err := v.fs.Stat(v.path(f.File)); errors.Is(err, fs.ErrNotExist) {
			changed = true
		} else if num, ok := v.segNums[f.File]; ok {
			if h, err := v.fs.Open(v.path(f.File)); err == nil {
				_, now, herr := wal.ReadHeader(h, f.File)
				h.Close()
				changed = herr != nil || now != num
			}
		}
		if changed {
			f.Severity = SeverityNote
			f.Message += " (the file changed while being read: the database is in use)"
		}
	}
}

// keyStripe returns the stripe of an encoded user key, when its table is
// known.
func keyStripe(tables []manifest.TableDesc, k []byte) (int, bool) {
	if len(k) < 4 {
		return 0, false
	}
	td, ok := tableByID(tables, binary.BigEndian.Uint32(k))
	if !ok {
		return 0, false
	}
	pk, _, err := item.DecodeKey(k[4:], keyType(td.PartitionType))
	if err != nil {
		return 0, false
	}
	return StripeOf(pk), true
}

func tableByID(tables []manifest.TableDesc, id uint32) (manifest.TableDesc, bool) {
	for _, t := range tables {
		if t.ID == id {
			return t, true
		}
	}
	return manifest.TableDesc{}, false
}

// describeKeyWith prints an encoded user key for people ("items: user#1 /
// o#7"), in hex when its table is unknown or it does not decode.
func describeKeyWith(tables []manifest.TableDesc, enc []byte) string {
	if len(enc) < 4 {
		return fmt.Sprintf("0x%x", enc)
	}
	id := binary.BigEndian.Uint32(enc)
	td, ok := tableByID(tables, id)
	if !ok {
		return fmt.Sprintf("table#%d: 0x%x", id, enc[4:])
	}
	schema := KeySchema{PartitionKey: td.PartitionKey, PartitionType: keyType(td.PartitionType),
		SortKey: td.SortKey, SortType: keyType(td.SortType), SortKeyOptional: td.SortKeyOptional}
	_, k, err := decodeKey(enc, schema)
	if err != nil {
		return fmt.Sprintf("%s: 0x%x", td.Name, enc[4:])
	}
	return td.Name + ": " + k.String()
}

func describeKeyRange(tables []manifest.TableDesc, smallest, largest []byte) string {
	if smallest == nil && largest == nil {
		return "(none)"
	}
	return "[" + describeKeyWith(tables, smallest) + " .. " + describeKeyWith(tables, largest) + "]"
}

// sampleOp keeps the first stored record of each table, from which a
// manifest rebuild infers the table's key schema.
func sampleOp(o op, samples map[uint32]tableSample) {
	if o.kind != base.KindSet || len(o.key) < 4 {
		return
	}
	id := binary.BigEndian.Uint32(o.key)
	if _, ok := samples[id]; !ok {
		samples[id] = tableSample{key: bytes.Clone(o.key), value: bytes.Clone(o.value)}
	}
}

// sampleSST records a stored record of every table in an SST, seeking from
// one table ID to the next.
func sampleSST(r *sstable.Reader, samples map[uint32]tableSample) {
	it := r.NewIter(nil, nil)
	defer it.Close()
	for ok := it.First(); ok; {
		k := it.Key()
		if len(k) < 4 {
			ok = it.Next()
			continue
		}
		id := binary.BigEndian.Uint32(k)
		if _, seen := samples[id]; seen {
			if id == math.MaxUint32 {
				return
			}
			ok = it.SeekGE(binary.BigEndian.AppendUint32(nil, id+1))
			continue
		}
		if it.Trailer().Kind() == base.KindSet {
			samples[id] = tableSample{key: bytes.Clone(k), value: bytes.Clone(it.Value())}
			continue // seek past the table
		}
		ok = it.Next()
	}
}

// isOSFS reports whether fsys is the operating system's file system.
func isOSFS(fsys vfs.FS) bool { return fsys == vfs.Default() }
