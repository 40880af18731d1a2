package engine

import (
	"github.com/keystonedb/kstone-shell/engine/internal/base"
	"github.com/keystonedb/kstone-shell/engine/internal/vfs"
	"github.com/keystonedb/kstone-shell/engine/internal/wal"
)

// WAL segment life cycle of a stripe:
//
//	(recycle-<n>.log or new) --newSegment--> wal_NNN.log            active
//	wal_NNN.log              --seal-------->  wal_NNN-<num>.log      sealed
//	wal_NNN-<num>.log        --release----->  recycle-<num>.log      (or removed)
//
// A segment is released only after the manifest durably records an SST
// holding all of its records. Recovery identifies segments by their header
// (stripe, number), not their name, so a crash between a rename and the
// directory sync that makes it durable is harmless.

func walName(s base.StripeID) string { return base.MakeFilename(base.FileKindWAL, s, 0) }

func sealedWALName(s base.StripeID, n base.FileNum) string {
	return base.MakeFilename(base.FileKindSealedWAL, s, n)
}

// newSegmentLocked starts a new active segment, reusing a released file
// when one is available (syncs over already-allocated blocks are cheaper).
//
// The header is written under a temporary name and made durable before the
// file is renamed to wal_NNN.log, and the directory is synced before any
// record is acknowledged in it. (Relaxed durability defers both syncs to
// the next periodic sync; see wal.WriterOptions.DeferHeaderSync.) So a file named wal_NNN.log (or, later,
// wal_NNN-<num>.log) always has a durable header, and a header torn by a
// crash can only be found in a temporary or recycled file, which never
// holds a record anyone needs.
func (s *stripe) newSegmentLocked() error {
	db := s.db
	num := db.man.AllocFileNum()
	name := walName(s.id)
	tmp := name + ".tmp"
	f, err := db.takeRecycled(tmp)
	if err != nil {
		return ioErr(err)
	}
	if f == nil {
		if f, err = db.fs.Create(db.path(tmp)); err != nil {
			return ioErr(err)
		}
	}
	w, err := wal.NewWriter(f, name, db.walOptions(s.id, num))
	if err != nil {
		f.Close()
		db.fs.Remove(db.path(tmp))
		return ioErr(err)
	}
	if err := db.fs.Rename(db.path(tmp), db.path(name)); err != nil {
		w.Close()
		db.fs.Remove(db.path(tmp))
		return ioErr(err)
	}
	if db.opts.Durability == DurabilityRelaxed {
		// Nothing waits for this segment to be durable; the periodic sync
		// makes its directory entry durable before its records.
		db.dirDirty.Store(true)
	} else if err := db.syncDir(); err != nil {
		w.Close()
		return ioErr(err)
	}
	s.wal = w
	return nil
}

// sealActiveLocked makes the active segment durable and renames it so the
// next write starts a new wal_NNN.log. Syncing first guarantees that a
// sealed segment is never torn, so only the newest one can be. Relaxed
// durability only hands the records to the OS (nothing waits for them) and
// marks its segments so that recovery accepts a torn older one.
func (s *stripe) sealActiveLocked() error {
	db := s.db
	w := s.wal
	sync := w.SyncAll
	if db.opts.Durability == DurabilityRelaxed {
		sync = w.Flush
	}
	if err := sync(); err != nil {
		return err
	}
	name := sealedWALName(s.id, w.Num())
	if err := db.fs.Rename(db.path(walName(s.id)), db.path(name)); err != nil {
		return err
	}
	s.sealed = append(s.sealed, sealedSeg{num: w.Num(), name: name, maxSeq: s.lastSeq, w: w})
	s.wal = nil
	return nil
}

// releaseSegmentsLocked recycles sealed segments fully covered by flushed
// SSTs (all records <= flushed).
func (s *stripe) releaseSegmentsLocked(flushed base.SeqNum) {
	keep := s.sealed[:0]
	for _, seg := range s.sealed {
		if seg.maxSeq > flushed {
			keep = append(keep, seg)
			continue
		}
		if seg.w != nil {
			if err := seg.w.Close(); err != nil {
				s.db.log.Warn("Closing a released WAL segment failed", "file", seg.name, "error", err)
			}
		}
		s.db.recycle(seg.name, seg.num)
	}
	for i := len(keep); i < len(s.sealed); i++ {
		s.sealed[i] = sealedSeg{}
	}
	s.sealed = keep
}

// recycle keeps a released segment for reuse, or removes it when enough
// are kept already.
func (db *DB) recycle(name string, num base.FileNum) {
	db.recycleMu.Lock()
	defer db.recycleMu.Unlock()
	if len(db.recycled) < maxRecycled {
		rname := base.MakeFilename(base.FileKindRecycle, 0, num)
		if err := db.fs.Rename(db.path(name), db.path(rname)); err == nil {
			db.recycled = append(db.recycled, rname)
			return
		}
	}
	if err := db.fs.Remove(db.path(name)); err != nil {
		db.log.Warn("Removing a released WAL segment failed", "file", name, "error", err)
	}
}

// takeRecycled renames a recycled segment to name and opens it, or returns
// nil when none is available.
func (db *DB) takeRecycled(name string) (vfs.File, error) {
	db.recycleMu.Lock()
	defer db.recycleMu.Unlock()
	for len(db.recycled) > 0 {
		rname := db.recycled[len(db.recycled)-1]
		db.recycled = db.recycled[:len(db.recycled)-1]
		if err := db.fs.Rename(db.path(rname), db.path(name)); err != nil {
			db.log.Warn("Reusing a recycled WAL segment failed", "file", rname, "error", err)
			continue
		}
		return db.fs.OpenReadWrite(db.path(name))
	}
	return nil, nil
}

// walBufferSize bounds the records a stripe buffers before handing them to
// the OS; with 256 stripes a larger buffer costs real memory.
const walBufferSize = 64 << 10

func (db *DB) walOptions(s base.StripeID, num base.FileNum) wal.WriterOptions {
	return wal.WriterOptions{
		Stripe: s, Num: num, PreallocateChunk: db.opts.WALPreallocate, BufferSize: walBufferSize,
		DeferHeaderSync: db.opts.Durability == DurabilityRelaxed,
		Relaxed:         db.opts.Durability == DurabilityRelaxed,
	}
}
