package engine

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
	"github.com/keystonedb/kstone-shell/engine/internal/manifest"
	"github.com/keystonedb/kstone-shell/engine/internal/vfs"
	"github.com/keystonedb/kstone-shell/engine/internal/wal"
)

// BackupInfo describes a finished backup.
type BackupInfo struct {
	Files    int   // files in the backup (SSTs, WAL segments, manifest, CURRENT)
	Bytes    int64 // their total size
	Duration time.Duration
}

// Backup writes a consistent copy of the open database to dest, a
// directory that must not exist yet or be empty, while the database goes
// on taking writes. The copy opens with Open and holds every write
// acknowledged before Backup was called.
//
// How it stays consistent without pausing writes or flushing: stripes are
// independent (each has its own sequence numbers, WAL and SSTs), so a
// backup is a cut of each stripe, taken stripe by stripe, each one exactly
// what a crash at that moment would have left of the stripe. For a stripe
// Backup holds its flush lock, which keeps the stripe's flushed LSN, its
// SST list as the manifest records it and its WAL segments from changing
// (segments are released, renamed and zeroed only by a flush), and, for an
// instant, its write lock, under which it takes a reference to the current
// version (the version's SSTs cannot be deleted until it lets go: pinned)
// and opens the stripe's segments, noting how many bytes of each hold
// complete records written to the file. It copies those prefixes, lets the
// flush lock go, and moves on; the pinned SSTs are hard-linked (or copied
// on another file system, or another FS than the OS's) at the end. The
// version's SSTs hold every write up to the flushed LSN, the segments every
// write after it up to the cut, so together they hold every write made
// before the cut, in order, as a replay at Open expects. With relaxed
// durability Backup first hands every acknowledged write to the files
// (Sync). A fresh manifest with the copied SSTs, the flushed LSNs and the
// tables, and a CURRENT naming it, complete the copy.
//
// Writers wait only for the instants Backup holds a stripe's write lock; a
// stripe's flushes wait while its WAL is copied.
//
// Hard-linked SSTs share their disk blocks with the database's: such a
// backup survives the loss or damage of the database's files by software
// (a deletion, a repair, a bad write elsewhere), not of the disk. Back up
// to another file system for that (files are copied then).
func (db *DB) Backup(dest string) (BackupInfo, error) {
	start := time.Now()
	if err := db.checkOpen(); err != nil {
		return BackupInfo{}, err
	}
	fsys := db.fs
	a, b := filepath.Clean(dest), filepath.Clean(db.dir)
	if isOSFS(fsys) {
		if x, err := filepath.Abs(a); err == nil {
			a = x
		}
		if x, err := filepath.Abs(b); err == nil {
			b = x
		}
	}
	if a == b || isWithin(a, b) {
		return BackupInfo{}, invalidArg("backup destination %s is inside the database directory", dest)
	}
	names, err := fsys.List(dest)
	switch {
	case err == nil && len(names) > 0:
		return BackupInfo{}, invalidArg("backup destination %s is not empty", dest)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return BackupInfo{}, ioErr(err)
	}
	if err := fsys.MkdirAll(dest, 0o755); err != nil {
		return BackupInfo{}, ioErr(err)
	}
	if err := db.syncAllWALs(); err != nil {
		return BackupInfo{}, err
	}
	bk := &backupCopier{db: db, dest: dest, link: isOSFS(fsys)}
	cuts := make([]stripeCut, base.NumStripes)
	defer func() {
		for _, c := range cuts {
			if c.v != nil {
				c.v.unref()
			}
		}
	}()
	for i, s := range db.stripes {
		if cuts[i], err = s.backupCut(bk); err != nil {
			return BackupInfo{}, err
		}
	}
	ms := db.man.State()
	st := &manifest.State{Tables: ms.Tables}
	for i, c := range cuts {
		st.Stripes[i].FlushedSeq = c.flushed
		for _, t := range c.v.ssts {
			if err := bk.copySST(sstName(t.meta.Stripe, t.meta.Num), int64(t.meta.Size)); err != nil {
				return BackupInfo{}, err
			}
			st.Stripes[i].Files = append(st.Stripes[i].Files, t.meta)
			bk.maxNum = max(bk.maxNum, t.meta.Num)
		}
	}
	st.NextFileNum = max(ms.NextFileNum, bk.maxNum+1)
	m, err := manifest.Create(fsys, dest, st, manifest.Options{})
	if err != nil {
		return BackupInfo{}, ioErr(err)
	}
	mname := base.MakeFilename(base.FileKindManifest, 0, m.FileNum())
	if err := m.Close(); err != nil {
		return BackupInfo{}, ioErr(err)
	}
	for _, name := range []string{mname, base.CurrentFilename} {
		if fi, err := fsys.Stat(fsys.PathJoin(dest, name)); err == nil {
			bk.files++
			bk.bytes += fi.Size()
		}
	}
	if err := syncDir(fsys, dest); err != nil {
		return BackupInfo{}, ioErr(err)
	}
	if err := syncDir(fsys, filepath.Dir(dest)); err != nil {
		return BackupInfo{}, ioErr(err)
	}
	info := BackupInfo{Files: bk.files, Bytes: bk.bytes, Duration: time.Since(start)}
	db.log.Info("Backup completed", "dest", dest, "files", info.Files, "bytes", info.Bytes, "duration", info.Duration)
	return info, nil
}

func isWithin(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// stripeCut is what a backup keeps of a stripe: a pinned version, whose
// SSTs hold every write up to flushed.
type stripeCut struct {
	v       *version
	flushed base.SeqNum
}

// backupSeg is a WAL segment to copy: an open file and how many of its
// bytes hold complete records.
type backupSeg struct {
	f     vfs.File
	name  string
	limit int64
}

// backupCut takes the stripe's cut and copies its WAL segments' prefixes
// (see Backup).
func (s *stripe) backupCut(bk *backupCopier) (stripeCut, error) {
	db := s.db
	s.flushMu.Lock()
	var segs []backupSeg
	var outs []vfs.File // copies, synced once flushMu is released
	closeAll := func() {
		for _, sg := range segs {
			sg.f.Close()
		}
	}
	s.mu.Lock()
	v := s.acquire()
	open := func(name string, num base.FileNum, limit int64) error {
		bk.maxNum = max(bk.maxNum, num)
		if limit <= wal.HeaderSize {
			return nil // no records
		}
		f, err := db.fs.Open(db.path(name))
		if err != nil {
			return err
		}
		segs = append(segs, backupSeg{f: f, name: name, limit: limit})
		return nil
	}
	var err error
	for _, seg := range s.sealed {
		limit := seg.bytes
		if seg.w != nil {
			limit = seg.w.Stats().BytesWritten
		}
		if err = open(seg.name, seg.num, limit); err != nil {
			break
		}
	}
	if err == nil && s.wal != nil {
		err = open(walName(s.id), s.wal.Num(), s.wal.Stats().BytesWritten)
	}
	s.mu.Unlock()
	var flushed base.SeqNum
	if err == nil {
		// Changed only by this stripe's flushes, which wait for flushMu.
		flushed = db.man.State().Stripes[s.id].FlushedSeq
		for _, sg := range segs {
			var out vfs.File
			if out, err = bk.copyPrefix(sg.f, sg.name, sg.limit); err != nil {
				break
			}
			outs = append(outs, out)
		}
	}
	closeAll()
	s.flushMu.Unlock()
	for _, out := range outs {
		serr := out.Sync()
		if cerr := out.Close(); serr == nil {
			serr = cerr
		}
		if err == nil && serr != nil {
			err = ioErr(serr)
		}
	}
	if err != nil {
		v.unref()
		return stripeCut{}, ioErr(err)
	}
	return stripeCut{v: v, flushed: flushed}, nil
}

// backupCopier writes the backup's files.
type backupCopier struct {
	db     *DB
	dest   string
	link   bool // try hard links (OS file system)
	files  int
	bytes  int64
	maxNum base.FileNum
}

// copyPrefix copies the first n bytes of src to dest/name and returns the
// copy, open and not yet synced.
func (bk *backupCopier) copyPrefix(src vfs.File, name string, n int64) (vfs.File, error) {
	fsys := bk.db.fs
	dst, err := fsys.Create(fsys.PathJoin(bk.dest, name))
	if err != nil {
		return nil, ioErr(err)
	}
	w, err := io.Copy(dst, io.NewSectionReader(src, 0, n))
	if err == nil && w != n {
		err = fmt.Errorf("%s: copied %d of %d bytes", name, w, n)
	}
	if err != nil {
		dst.Close()
		return nil, ioErr(err)
	}
	bk.files++
	bk.bytes += n
	return dst, nil
}

// copySST hard-links an SST into the backup when the OS allows (SSTs are
// never modified), else copies it.
func (bk *backupCopier) copySST(name string, size int64) error {
	db := bk.db
	src, dst := db.path(name), db.fs.PathJoin(bk.dest, name)
	if bk.link {
		if err := os.Link(src, dst); err == nil {
			bk.files++
			bk.bytes += size
			return nil
		}
		bk.link = false // another file system, or no links: copy from now on
	}
	f, err := db.fs.Open(src)
	if err != nil {
		return ioErr(err)
	}
	defer f.Close()
	out, err := bk.copyPrefix(f, name, size)
	if err != nil {
		return err
	}
	err = out.Sync()
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return ioErr(err)
}
