package engine

import (
	"time"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
	"github.com/keystonedb/kstone-shell/engine/internal/vfs"
	"github.com/keystonedb/kstone-shell/engine/internal/wal"
)

// WAL files and their life cycle:
//
//	recycle-<n>.log   --zero, sync, rename-->  spare-<n>.log    (sparer, in the background)
//	spare-<n>.log     --header, rename------>  wal_NNN.log      active segment of stripe NNN
//	wal_NNN.log       --sync, rename-------->  wal_NNN-<n>.log  sealed: waits for its flush
//	wal_NNN-<n>.log   --rename-------------->  recycle-<n>.log  released after the flush
//
// A spare is all zeros and its directory entry is durable, so starting a
// segment costs a writer no sync at all: the header goes out with the
// first records (one fdatasync), and the rename to wal_NNN.log need not be
// durable, because recovery identifies segments by their header (stripe,
// number), never by name. The names are for people.
//
// Because a spare is all zeros, a header torn by a crash is always alone:
// there is no intact record after it. Recovery tells that apart from a
// damaged header of a segment in use, which has records after it.
//
// A segment is released only after the manifest durably records an SST
// holding all of its records. A recycle-* file never holds a record anyone
// needs; recovery removes it.

func walName(s base.StripeID) string { return base.MakeFilename(base.FileKindWAL, s, 0) }

func sealedWALName(s base.StripeID, n base.FileNum) string {
	return base.MakeFilename(base.FileKindSealedWAL, s, n)
}

// spareTarget is how many spares the sparer keeps ready: enough for every
// stripe of a fresh database to start writing without creating a file (an
// inode allocation and a directory sync, slow on ext4) on a writer's path.
const spareTarget = 64

// maxRecycled caps the released segments kept for reuse.
const maxRecycled = 32

// walRecordOverhead is a record's framing (wal.RecordHeaderSize), counted in
// the WAL bytes Stats reports.
const walRecordOverhead = wal.RecordHeaderSize

// walBufferSize bounds the records a stripe buffers before handing them to
// the OS; with 256 stripes a larger buffer costs real memory.
const walBufferSize = 32 << 10

func (db *DB) walOptions(s base.StripeID, num base.FileNum) wal.WriterOptions {
	return wal.WriterOptions{
		Stripe: s, Num: num, PreallocateChunk: db.opts.WALPreallocate, BufferSize: walBufferSize,
		DeferHeaderSync: true,
		Relaxed:         db.relaxed(),
		Buffers:         &db.walBuffers,
	}
}

// newSegmentLocked starts a new active segment in a spare, or in a new file
// when none is ready (then its directory entry must be made durable before
// a record in it is acknowledged).
func (s *stripe) newSegmentLocked() error {
	db := s.db
	num := db.man.AllocFileNum()
	name := walName(s.id)
	f, err := db.takeSpare(name)
	if err == nil && f == nil && !db.relaxed() {
		// Cold start: many stripes want a segment at once and the sparer
		// has not caught up. Make a batch here, so that one directory sync
		// serves the next stripes too instead of each paying its own.
		if db.makeSparesNow() {
			f, err = db.takeSpare(name)
		}
	}
	if err != nil {
		return ioErr(err)
	}
	fresh := f == nil
	if fresh {
		if f, err = db.fs.Create(db.path(name)); err != nil {
			return ioErr(err)
		}
	}
	w, err := wal.NewWriter(f, name, db.walOptions(s.id, num))
	if err != nil {
		f.Close()
		if isNoSpace(err) {
			db.setBackgroundError(ioErr(err))
		}
		return ioErr(err)
	}
	if fresh {
		if db.relaxed() {
			db.dirDirty.Store(true) // the periodic sync does it
		} else if err := db.syncDir(); err != nil {
			w.Close()
			return ioErr(err)
		}
	}
	s.wal = w
	s.walBytes.Add(wal.HeaderSize)
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
	if err := w.Seal(); err != nil {
		return err
	}
	sync := w.SyncAll
	if w.Relaxed() {
		sync = w.Flush
	}
	if err := sync(); err != nil {
		return err
	}
	name := sealedWALName(s.id, w.Num())
	if err := db.fs.Rename(db.path(walName(s.id)), db.path(name)); err != nil {
		return err
	}
	s.sealed = append(s.sealed, sealedSeg{num: w.Num(), name: name, maxSeq: s.lastSeq, w: w, bytes: w.Size()})
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
		s.walBytes.Add(-seg.bytes)
		s.db.recycle(seg.name, seg.num)
	}
	for i := len(keep); i < len(s.sealed); i++ {
		s.sealed[i] = sealedSeg{}
	}
	s.sealed = keep
}

// recycle queues a released segment for the sparer to zero and reuse, or
// removes it when enough are queued already.
func (db *DB) recycle(name string, num base.FileNum) {
	db.recycleMu.Lock()
	defer db.recycleMu.Unlock()
	if len(db.recycled)+len(db.spares) < maxRecycled && !db.closed.Load() {
		rname := base.MakeFilename(base.FileKindRecycle, 0, num)
		if err := db.fs.Rename(db.path(name), db.path(rname)); err == nil {
			db.recycled = append(db.recycled, rname)
			db.wakeSparer()
			return
		}
	}
	if err := db.fs.Remove(db.path(name)); err != nil {
		db.log.Warn("Removing a released WAL segment failed", "file", name, "error", err)
	}
}

// takeSpare renames a spare to name and opens it, or returns nil when none
// is ready. The first call sets the sparer to work: a database that is only
// read never gets spares.
func (db *DB) takeSpare(name string) (vfs.File, error) {
	db.recycleMu.Lock()
	defer db.recycleMu.Unlock()
	if !db.sparesWanted {
		db.sparesWanted = true
		db.wakeSparer()
	}
	for len(db.spares) > 0 {
		sname := db.spares[0]
		db.spares = db.spares[1:]
		db.wakeSparer()
		if err := db.fs.Rename(db.path(sname), db.path(name)); err != nil {
			db.log.Warn("Using a spare WAL file failed", "file", sname, "error", err)
			continue
		}
		return db.fs.OpenReadWrite(db.path(name))
	}
	return nil, nil
}

func (db *DB) wakeSparer() {
	select {
	case db.spareQ <- struct{}{}:
	default:
	}
}

// sparer turns recycled segments into spares and creates new spares while
// fewer than spareTarget are ready. It works in batches that share one
// directory sync.
func (db *DB) sparer() {
	defer db.bg.Done()
	for {
		batch := db.nextSpareBatch()
		if len(batch) == 0 {
			select {
			case <-db.closing:
				return
			case <-db.spareQ:
				continue
			}
		}
		if db.closed.Load() {
			return
		}
		ready := db.prepareSpares(batch)
		if ready < len(batch) {
			select {
			case <-db.closing:
				return
			case <-time.After(time.Second):
			}
		}
	}
}

// spareBatchNow is how many spares a writer that found none makes at once.
const spareBatchNow = 32

// makeSparesNow prepares new spares on the caller's goroutine and reports
// whether any became ready.
func (db *DB) makeSparesNow() bool {
	jobs := make([]spareJob, spareBatchNow)
	for i := range jobs {
		jobs[i].name = base.MakeFilename(base.FileKindRecycle, 0, db.man.AllocFileNum())
	}
	return db.prepareSpares(jobs) > 0
}

// prepareSpares turns jobs into spares under one directory sync (a spare's
// directory entry must be durable before a segment in it acknowledges a
// write), makes them available and returns how many it made.
func (db *DB) prepareSpares(jobs []spareJob) int {
	var ready []string
	for _, job := range jobs {
		spare, err := db.makeSpare(job.name, job.reuse)
		if err != nil {
			db.log.Warn("Preparing a spare WAL file failed", "file", job.name, "error", err)
			db.fs.Remove(db.path(job.name))
			if !job.reuse {
				break // new files come last; the next would fail the same way (a full disk)
			}
			continue
		}
		ready = append(ready, spare)
	}
	if len(ready) == 0 {
		return 0
	}
	if err := db.syncDir(); err != nil {
		db.log.Warn("Syncing the directory for spare WAL files failed", "error", err)
		for _, name := range ready {
			db.fs.Remove(db.path(name))
		}
		return 0
	}
	db.recycleMu.Lock()
	db.spares = append(db.spares, ready...)
	db.recycleMu.Unlock()
	return len(ready)
}

type spareJob struct {
	name  string
	reuse bool // a released segment to zero, rather than a new file
}

// spareBatchSize bounds the spares prepared under one directory sync.
const spareBatchSize = 32

// spareLowWater: the sparer starts new files only when fewer spares than
// this are ready, and then makes a whole batch, so that each directory sync
// (a journal commit on ext4, which competes with the writers' fdatasyncs)
// covers many files rather than the one a writer just took.
const spareLowWater = spareTarget / 2

func (db *DB) nextSpareBatch() []spareJob {
	db.recycleMu.Lock()
	defer db.recycleMu.Unlock()
	low := db.sparesWanted && len(db.spares) < spareLowWater
	if !low && len(db.recycled) < spareBatchSize/4 {
		return nil
	}
	var batch []spareJob
	for len(batch) < spareBatchSize && len(db.recycled) > 0 {
		batch = append(batch, spareJob{name: db.recycled[0], reuse: true})
		db.recycled = db.recycled[1:]
	}
	for low && len(batch) < spareBatchSize && len(db.spares)+len(batch) < spareTarget {
		batch = append(batch, spareJob{name: base.MakeFilename(base.FileKindRecycle, 0, db.man.AllocFileNum())})
	}
	return batch
}

// makeSpare zeroes a released segment (durably: its old records must never
// come back) or allocates a new file (already all zeros), and renames it
// to a spare. The caller syncs the directory.
func (db *DB) makeSpare(name string, reuse bool) (string, error) {
	var f vfs.File
	var err error
	if reuse {
		f, err = db.fs.OpenReadWrite(db.path(name))
	} else {
		f, err = db.fs.Create(db.path(name))
	}
	if err != nil {
		return "", err
	}
	err = zeroFile(f, db.opts.WALPreallocate)
	if err == nil && reuse {
		err = f.Datasync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", err
	}
	_, _, num, _ := base.ParseFilename(name)
	spare := base.MakeFilename(base.FileKindSpare, 0, num)
	if err := db.fs.Rename(db.path(name), db.path(spare)); err != nil {
		return "", err
	}
	return spare, nil
}

// zeroFile makes every byte of f zero and f at least size bytes long.
func zeroFile(f vfs.File, size int64) error {
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	zeros := make([]byte, 64<<10)
	for off := int64(0); off < fi.Size(); off += int64(len(zeros)) {
		n := min(int64(len(zeros)), fi.Size()-off)
		if _, err := f.WriteAt(zeros[:n], off); err != nil {
			return err
		}
	}
	if fi.Size() < size {
		return f.Preallocate(fi.Size(), size-fi.Size())
	}
	return nil
}
