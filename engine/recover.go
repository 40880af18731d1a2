package engine

import (
	"errors"
	"fmt"
	"sort"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
	"github.com/keystonedb/kstone-shell/engine/internal/manifest"
	"github.com/keystonedb/kstone-shell/engine/internal/sstable"
	"github.com/keystonedb/kstone-shell/engine/internal/wal"
)

// segFile is a WAL segment found on disk at Open.
type segFile struct {
	name   string
	stripe base.StripeID
	num    base.FileNum
	size   int64
}

// recover rebuilds the in-memory state at Open: it opens the live SSTs,
// removes files no manifest entry or WAL replay needs, and replays every
// stripe's WAL records newer than its flushed sequence number.
func (db *DB) recover(state *manifest.State) error {
	names, err := db.fs.List(db.dir)
	if err != nil {
		return ioErr(err)
	}
	live := state.LiveFiles()
	segs := make([][]segFile, base.NumStripes)
	maxNum := state.NextFileNum
	for _, name := range names {
		kind, _, num, ok := base.ParseFilename(name)
		if !ok {
			continue
		}
		maxNum = max(maxNum, num)
		switch kind {
		case base.FileKindSST:
			if _, ok := live[num]; !ok {
				db.removeOrphan(name)
			}
		case base.FileKindTemp:
			db.removeOrphan(name)
		case base.FileKindManifest:
			if num != db.man.FileNum() {
				db.removeOrphan(name)
			}
		case base.FileKindRecycle:
			// Released segments hold nothing anyone needs.
			db.adoptRecycled(name)
		case base.FileKindWAL, base.FileKindSealedWAL, base.FileKindSpare:
			sf, err := db.readSegHeader(name)
			if err != nil {
				return err
			}
			if sf == nil {
				continue
			}
			maxNum = max(maxNum, sf.num)
			segs[sf.stripe] = append(segs[sf.stripe], *sf)
		}
	}
	// The active segments' numbers are only in their headers, and may be
	// above anything the manifest recorded: never hand them out again.
	if maxNum >= state.NextFileNum {
		if err := db.applyEdit(manifest.Edit{NextFileNum: maxNum + 1}); err != nil {
			return ioErr(err)
		}
	}
	for i, s := range db.stripes {
		if err := s.openTables(state.Stripes[i].Files); err != nil {
			return err
		}
		if err := s.replay(segs[i], state.Stripes[i].FlushedSeq); err != nil {
			return err
		}
	}
	if db.dirDirty.Swap(false) {
		return ioErr(db.syncDir())
	}
	return nil
}

// readSegHeader identifies a WAL file by its header (nil, nil for a file
// that holds no segment; it goes back to the sparer). A segment's header
// reaches the disk with its first records, and a spare is all zeros before,
// so a header torn by a crash is alone in its file; a damaged header with
// intact records after it is corruption.
func (db *DB) readSegHeader(name string) (*segFile, error) {
	f, err := db.fs.Open(db.path(name))
	if err != nil {
		return nil, ioErr(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, ioErr(err)
	}
	stripe, num, err := wal.ReadHeader(f, name)
	if errors.Is(err, wal.ErrEmptySegment) || errors.Is(err, base.ErrCorruption) {
		used, serr := wal.ContainsRecord(f, fi.Size(), name)
		if serr != nil {
			return nil, ioErr(serr)
		}
		if !used {
			if kind, _, _, _ := base.ParseFilename(name); kind == base.FileKindSpare {
				db.spares = append(db.spares, name) // still all zeros
			} else {
				db.adoptRecycled(db.renameToRecycle(name))
			}
			return nil, nil
		}
		if errors.Is(err, wal.ErrEmptySegment) {
			db.adoptRecycled(db.renameToRecycle(name))
			return nil, nil
		}
	}
	if err != nil {
		return nil, ioErr(err)
	}
	return &segFile{name: name, stripe: stripe, num: num, size: fi.Size()}, nil
}

// renameToRecycle gives a WAL file that holds no needed record a
// recycle-* name, so that nothing mistakes it for a segment later.
func (db *DB) renameToRecycle(name string) string {
	rname := base.MakeFilename(base.FileKindRecycle, 0, db.man.AllocFileNum())
	if err := db.fs.Rename(db.path(name), db.path(rname)); err != nil {
		db.log.Warn("Renaming an unused WAL file failed", "file", name, "error", err)
		return name
	}
	return rname
}

func (db *DB) removeOrphan(name string) {
	if err := db.fs.Remove(db.path(name)); err != nil {
		db.log.Warn("Removing an obsolete file failed", "file", name, "error", err)
		return
	}
	db.log.Debug("Removed obsolete file", "file", name)
}

// adoptRecycled queues a file found at Open for the sparer to zero.
func (db *DB) adoptRecycled(name string) {
	db.recycleMu.Lock()
	defer db.recycleMu.Unlock()
	if len(db.recycled) < maxRecycled {
		db.recycled = append(db.recycled, name)
		return
	}
	db.removeOrphan(name)
}

// openTables opens the stripe's live SSTs in manifest order.
func (s *stripe) openTables(files []manifest.FileMeta) error {
	ssts := make([]*sstHandle, 0, len(files))
	for _, fm := range files {
		t, err := s.db.openSST(fm)
		if err != nil {
			for _, t := range ssts {
				t.r.Close()
			}
			return err
		}
		ssts = append(ssts, t)
	}
	s.vmu.Lock()
	s.setVersionLocked(newVersion(s.mem, nil, ssts))
	s.vmu.Unlock()
	return nil
}

func (db *DB) openSST(fm manifest.FileMeta) (*sstHandle, error) {
	name := sstName(fm.Stripe, fm.Num)
	f, err := db.fs.Open(db.path(name))
	if err != nil {
		return nil, ioErr(err)
	}
	r, err := sstable.NewReader(f, int64(fm.Size), sstable.ReaderOptions{Cache: db.cache, FileNum: fm.Num, Name: name})
	if err != nil {
		f.Close()
		return nil, ioErr(err)
	}
	return &sstHandle{meta: fm, r: r, db: db}, nil
}

// replay applies the records of the stripe's segments newer than flushed to
// the memtable. A torn record at the tail of the newest segment (a write
// that was never acknowledged) is cut off with a warning; damage anywhere
// else fails Open.
func (s *stripe) replay(segs []segFile, flushed base.SeqNum) error {
	db := s.db
	sort.Slice(segs, func(i, j int) bool { return segs[i].num < segs[j].num })
	s.lastSeq = flushed
	for i, sf := range segs {
		newest := i == len(segs)-1
		info, maxSeq, err := s.replaySegment(sf, flushed)
		if err != nil {
			var ce *base.CorruptionError
			if errors.As(err, &ce) && ce.LSN != 0 {
				ce.Detail = fmt.Sprintf("WAL checksum mismatch at LSN %d in stripe %d", ce.LSN, s.id)
				db.log.Error("Corruption detected: WAL checksum mismatch", "stripe", int(s.id), "file", sf.name, "lsn", int64(ce.LSN))
			}
			return err
		}
		if info.Torn {
			// Only the newest segment can be torn by a crash: older ones
			// were synced when sealed, unless relaxed durability wrote them.
			if !newest && !info.Relaxed {
				return &base.CorruptionError{File: sf.name, Offset: info.ValidEnd, LSN: info.TornLSN,
					Detail: fmt.Sprintf("WAL checksum mismatch at LSN %d in stripe %d", info.TornLSN, s.id)}
			}
			db.log.Warn("WAL torn tail cut off", "stripe", int(s.id), "file", sf.name, "lsn", int64(info.TornLSN), "offset", info.ValidEnd)
		}
		relaxedNow := db.relaxed()
		if newest && info.Relaxed == relaxedNow {
			if err := s.resumeSegment(sf, info); err != nil {
				return err
			}
			continue
		}
		if maxSeq <= flushed {
			db.recycle(sf.name, sf.num)
			continue
		}
		name, err := s.ensureName(sf.name, sealedWALName(s.id, sf.num))
		if err != nil {
			return err
		}
		s.sealed = append(s.sealed, sealedSeg{num: sf.num, name: name, maxSeq: maxSeq, bytes: info.ValidEnd})
		s.walBytes.Add(info.ValidEnd)
	}
	s.visible.Store(uint64(s.lastSeq))
	db.memBytes.Add(s.mem.Bytes())
	return nil
}

// replaySegment reads one segment into the memtable and returns the
// largest LSN it holds.
func (s *stripe) replaySegment(sf segFile, flushed base.SeqNum) (wal.SegmentInfo, base.SeqNum, error) {
	f, err := s.db.fs.Open(s.db.path(sf.name))
	if err != nil {
		return wal.SegmentInfo{}, 0, ioErr(err)
	}
	defer f.Close()
	var maxSeq base.SeqNum
	// Damage among records already flushed to SSTs loses nothing: step
	// over it, and report it through Health.
	opts := wal.ReadOptions{SkipDamageUpTo: flushed}
	info, err := wal.ReadSegmentWith(f, sf.size, sf.name, opts, func(lsn base.SeqNum, payload []byte) error {
		ops, err := decodeBatch(payload)
		if err != nil {
			return &base.CorruptionError{File: sf.name, Offset: -1, LSN: lsn, Detail: fmt.Sprintf("malformed WAL record at LSN %d", lsn)}
		}
		last := lsn + base.SeqNum(len(ops)) - 1
		maxSeq = max(maxSeq, last)
		if last <= flushed {
			return nil
		}
		if lsn <= s.lastSeq {
			s.db.log.Warn("WAL record repeats sequence numbers; skipped", "stripe", int(s.id), "file", sf.name, "lsn", int64(lsn))
			return nil
		}
		if lsn != s.lastSeq+1 {
			s.db.log.Warn("WAL gap: records are missing", "stripe", int(s.id), "file", sf.name, "from", int64(s.lastSeq+1), "to", int64(lsn-1))
		}
		for i, o := range ops {
			s.mem.Add(o.key, base.MakeTrailer(lsn+base.SeqNum(i), o.kind), o.value)
		}
		s.lastSeq = last
		return nil
	})
	for _, sk := range info.Skipped {
		s.db.walCorrupt.Store(true)
		s.db.log.Error("Corruption detected: WAL checksum mismatch among flushed records; skipped",
			"stripe", int(s.id), "file", sf.name, "offset", sk.Offset, "lsn_from", int64(sk.FromLSN), "lsn_to", int64(sk.ToLSN))
	}
	return info, maxSeq, err
}

// ensureName gives a segment found at recovery the name its role calls
// for: a crash may have kept an older name (renames are not synced).
func (s *stripe) ensureName(name, want string) (string, error) {
	if name == want {
		return name, nil
	}
	if err := s.db.fs.Rename(s.db.path(name), s.db.path(want)); err != nil {
		return "", ioErr(err)
	}
	s.db.dirDirty.Store(true)
	return want, nil
}

// resumeSegment continues writing the newest segment where its records end.
// Older segments were renamed to their sealed names first, so wal_NNN.log
// is free.
func (s *stripe) resumeSegment(sf segFile, info wal.SegmentInfo) error {
	db := s.db
	name, err := s.ensureName(sf.name, walName(s.id))
	if err != nil {
		return err
	}
	sf.name = name
	f, err := db.fs.OpenReadWrite(db.path(sf.name))
	if err != nil {
		return ioErr(err)
	}
	w, err := wal.OpenForAppend(f, sf.name, info, db.walOptions(s.id, sf.num))
	if err != nil {
		f.Close()
		return ioErr(err)
	}
	s.wal = w
	s.walBytes.Add(info.ValidEnd)
	return nil
}
