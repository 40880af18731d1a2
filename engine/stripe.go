package engine

import (
	"errors"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
	"github.com/keystonedb/kstone-shell/engine/internal/memtable"
	"github.com/keystonedb/kstone-shell/engine/internal/wal"
)

// stripe is one of the 256 independent LSM trees.
//
// Lock order: mu, then vmu. mu serialises writers (sequence numbers, WAL
// appends, memtable inserts, rotation); vmu guards the current version,
// which readers take without ever touching mu.
type stripe struct {
	db *DB
	id base.StripeID

	mu       sync.Mutex
	stalled  *sync.Cond // writers waiting for a flush; on mu
	lastSeq  base.SeqNum
	wal      *wal.Writer // active segment; nil until the next write needs one
	sealed   []sealedSeg // older segments whose records are not all flushed
	mem      *memtable.Memtable
	writeErr error // sticky: a failed WAL write leaves the stripe read-only
	// walGap is the last write whose WAL record a full disk dropped while
	// the memtable kept it (0: none). Until a flush covers it, only an SST
	// can make such writes durable.
	walGap  base.SeqNum
	scratch []byte

	walBytes atomic.Int64 // bytes of records in the stripe's live segments

	// visible is the largest sequence number readers may see: every write at
	// or below it is durable (or, with relaxed durability, acknowledged).
	visible atomic.Uint64

	vmu sync.RWMutex
	ver *version

	flushMu      sync.Mutex // one flush at a time keeps SSTs in sequence order
	tablesClosed bool       // on flushMu: Close dropped the version
	flushQueued  atomic.Bool

	compactMu     sync.Mutex // one compaction at a time per stripe
	compactQueued atomic.Bool
	compaction    compactionState

	counters stripeCounters
}

// sealedSeg is a WAL segment that no longer takes writes.
type sealedSeg struct {
	num    base.FileNum
	name   string
	maxSeq base.SeqNum // largest LSN in the segment
	w      *wal.Writer // nil for segments found at recovery
	bytes  int64       // logical size, for Stats
}

// stripeCounters are cumulative; Stats reads them.
type stripeCounters struct {
	puts, deletes, gets   atomic.Uint64
	queries, scans        atomic.Uint64
	bloomProbes           atomic.Uint64
	bloomNegatives        atomic.Uint64
	bloomFalsePositives   atomic.Uint64
	flushes, flushedBytes atomic.Uint64
	compactions           atomic.Uint64
	stalls                atomic.Uint64
}

func newStripe(db *DB, id base.StripeID) *stripe {
	s := &stripe{db: db, id: id, mem: memtable.New(db.opts.MemtableRecordThreshold)}
	s.stalled = sync.NewCond(&s.mu)
	s.ver = newVersion(s.mem, nil, nil)
	return s
}

// acquire returns the current version with a reference the caller releases
// with unref. Take the version before the snapshot sequence number: a
// version always holds every write at or below a snapshot taken after it.
func (s *stripe) acquire() *version {
	s.vmu.RLock()
	v := s.ver
	v.ref()
	s.vmu.RUnlock()
	return v
}

// installVersion replaces the current version. Callers hold vmu.
func (s *stripe) setVersionLocked(v *version) {
	old := s.ver
	s.ver = v
	old.unref()
}

func (s *stripe) snapshot() base.SeqNum { return base.SeqNum(s.visible.Load()) }

// publish makes writes up to seq visible. Syncs cover prefixes of the log,
// so once any write at seq is durable, all below it are too.
func (s *stripe) publish(seq base.SeqNum) {
	for {
		cur := s.visible.Load()
		if uint64(seq) <= cur || s.visible.CompareAndSwap(cur, uint64(seq)) {
			return
		}
	}
}

// write applies ops atomically: one WAL record, consecutive sequence
// numbers. It returns once the record is durable (DurabilitySync) or in
// memory (DurabilityRelaxed).
func (s *stripe) write(ops []op) error {
	return s.update(nil, func([]byte, bool) ([]op, error) { return ops, nil })
}

// update is an atomic read-modify-write of one key: with the stripe's
// write lock held it reads the newest version of key (acknowledged or not:
// writes are serialised here), asks decide for the writes to make, and
// applies them as one WAL record. decide may return no ops (nothing to
// write) or an error (nothing written). A nil key skips the read.
func (s *stripe) update(key []byte, decide func(old []byte, found bool) ([]op, error)) error {
	db := s.db
	s.mu.Lock()
	if err := s.waitWritableLocked(); err != nil {
		s.mu.Unlock()
		return err
	}
	var old []byte
	var found bool
	if key != nil {
		v := s.acquire()
		var err error
		old, found, err = s.getAt(v, key, s.lastSeq)
		if err != nil {
			v.unref()
			s.mu.Unlock()
			return db.noteReadError(err)
		}
		// The version (and so old's memory) stays referenced until
		// decide is done with it.
		defer v.unref()
	}
	ops, err := decide(old, found)
	if err != nil || len(ops) == 0 {
		s.mu.Unlock()
		return err
	}
	relaxed := db.relaxed()
	w, end, last, full, err := s.appendLocked(ops, relaxed)
	s.mu.Unlock()
	if err != nil {
		return err
	}
	if !relaxed {
		if err := w.Sync(end); err != nil {
			s.fail(w, err)
			return ioErr(err)
		}
		db.noteWriteOK()
		s.publish(last)
	}
	if full {
		s.rotate(false)
	}
	db.checkMemoryBudget()
	return nil
}

// waitWritableLocked waits out a write stall and reports why the stripe
// cannot take writes, if it cannot.
func (s *stripe) waitWritableLocked() error {
	db := s.db
	// closed comes first: Close drops s.ver (under s.mu) only after
	// setting it.
	stalled := func() bool {
		return !db.closed.Load() && s.writeErr == nil && len(s.ver.imms) >= db.opts.MaxImmutableMemtables
	}
	if stalled() {
		s.counters.stalls.Add(1)
		info := WriteStallInfo{Stripe: int(s.id), Reason: "too many memtables waiting to be flushed"}
		db.emit(func(e *EventListener) { call(e.WriteStallBegin, info) })
		defer db.emit(func(e *EventListener) { call(e.WriteStallEnd, info) })
		for stalled() {
			// Flush this stripe now instead of waiting for its turn in
			// the workers' queue behind every other stripe: the stall then
			// lasts one flush. (flushMu keeps flushes of a stripe in order.)
			// If the flush fails (a full disk), so does the write: waiting
			// for space could take forever.
			s.mu.Unlock()
			err := s.flushImmutables()
			s.mu.Lock()
			if err != nil {
				return err
			}
		}
	}
	if err := db.checkOpen(); err != nil {
		return err
	}
	return s.writeErr
}

// appendLocked writes ops to the WAL buffer and the memtable as one record
// with consecutive sequence numbers. The caller syncs w up to end (sync
// durability) and rotates when full.
func (s *stripe) appendLocked(ops []op, relaxed bool) (w *wal.Writer, end int64, last base.SeqNum, full bool, err error) {
	db := s.db
	if s.wal == nil {
		if err := s.newSegmentLocked(); err != nil {
			return nil, 0, 0, false, err
		}
	}
	first := s.lastSeq + 1
	s.scratch = appendBatch(s.scratch[:0], ops)
	end, err = s.wal.Append(first, s.scratch)
	if err != nil {
		s.failLocked(s.wal, err)
		return nil, 0, 0, false, ioErr(err)
	}
	s.walBytes.Add(int64(len(s.scratch)) + walRecordOverhead)
	before := s.mem.Bytes()
	for i, o := range ops {
		s.mem.Add(o.key, base.MakeTrailer(first+base.SeqNum(i), o.kind), o.value)
	}
	last = first + base.SeqNum(len(ops)) - 1
	s.lastSeq = last
	db.memBytes.Add(s.mem.Bytes() - before)
	if relaxed {
		s.publish(last)
	}
	return s.wal, end, last, s.memFull(), nil
}

// memFull reports whether the active memtable reached a flush threshold.
func (s *stripe) memFull() bool {
	o := s.db.opts
	return s.mem.Len() >= o.MemtableRecordThreshold || s.mem.Bytes() >= o.MemtableByteThreshold || s.mem.Full()
}

// fail handles a failed write or sync of WAL writer w. A full disk is
// survivable: the segment is cut back to what is durable and sealed, and
// the next write starts a new one (in a preallocated spare, or once space
// is freed). Any other failure leaves the log's state on disk unknown, so
// the stripe refuses writes until the database is reopened.
func (s *stripe) fail(w *wal.Writer, err error) {
	s.mu.Lock()
	s.failLocked(w, err)
	s.mu.Unlock()
}

func (s *stripe) failLocked(w *wal.Writer, err error) {
	if isNoSpace(err) && w != nil {
		aerr := s.abandonLocked(w)
		if aerr == nil {
			s.db.setBackgroundError(ioErr(err))
			s.db.log.Warn("WAL write failed: disk full; segment sealed, writes go on in a new one", "stripe", int(s.id), "error", err)
			return
		}
		err = aerr
	}
	if s.writeErr == nil {
		s.writeErr = ioErr(err)
		s.db.walFailed.Store(true)
		s.db.setBackgroundError(s.writeErr)
		s.db.log.Error("WAL write failed; stripe is read-only until reopened", "stripe", int(s.id), "error", err)
		s.stalled.Broadcast()
	}
}

func isNoSpace(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}

// abandonLocked cuts a failed segment back to its durable records and
// seals it. Writers that shared the failed sync got the error: nothing
// they wrote was acknowledged. (Their entries stay in the memtable, so
// such a write may still show up: an error means "maybe", as in DynamoDB.)
func (s *stripe) abandonLocked(w *wal.Writer) error {
	if w == s.wal {
		lost := w.Size() - w.SyncedSize()
		if err := w.Abandon(); err != nil {
			return err
		}
		name := sealedWALName(s.id, w.Num())
		if err := s.db.fs.Rename(s.db.path(walName(s.id)), s.db.path(name)); err != nil {
			return err
		}
		s.sealed = append(s.sealed, sealedSeg{num: w.Num(), name: name, maxSeq: s.lastSeq, bytes: w.SyncedSize()})
		s.walBytes.Add(-lost)
		s.wal = nil
		if lost > 0 {
			s.walGap = s.lastSeq
		}
		return nil
	}
	for i := range s.sealed {
		if s.sealed[i].w == w {
			s.sealed[i].w = nil
			if w.Size() > w.SyncedSize() {
				s.walGap = max(s.walGap, s.sealed[i].maxSeq)
			}
			return w.Abandon()
		}
	}
	return nil // abandoned already, by a writer that shared the sync
}

// closeGap makes the writes a full disk dropped from the WAL durable by
// flushing the memtables that hold them: a later Sync or Close must not
// report success while an acknowledged write lives only in memory.
func (s *stripe) closeGap() error {
	s.mu.Lock()
	gap := s.walGap
	var err error
	if gap > 0 {
		err = s.rotateLocked(true)
	}
	s.mu.Unlock()
	if gap == 0 || err != nil {
		return err
	}
	if err := s.flushImmutables(); err != nil {
		return err
	}
	s.mu.Lock()
	if s.walGap == gap {
		s.walGap = 0
	}
	s.mu.Unlock()
	return nil
}

func (s *stripe) wakeStalled() {
	s.mu.Lock()
	s.stalled.Broadcast()
	s.mu.Unlock()
}

// rotate makes the active memtable immutable, seals its WAL segment and
// queues a flush. Unless force is set it only acts on a full memtable
// (another writer may have rotated already).
func (s *stripe) rotate(force bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rotateLocked(force)
}

// rotateLocked makes the memtable immutable and queues its flush; it fails
// when the memtable's segment cannot be sealed (or already failed), and
// the memtable then stays where it is.
func (s *stripe) rotateLocked(force bool) error {
	db := s.db
	if s.mem.Empty() {
		return nil
	}
	if s.writeErr != nil {
		return s.writeErr
	}
	if !force && !s.memFull() {
		return nil
	}
	if s.wal != nil {
		if err := s.sealActiveLocked(); err != nil {
			s.failLocked(s.wal, err)
			return ioErr(err)
		}
	}
	// Everything in the memtable is durable now (sealing synced it), so it
	// may be published before the flush drops versions that readers with
	// older snapshots would otherwise need.
	s.publish(s.lastSeq)
	imm := &immMem{mem: s.mem, maxSeq: s.lastSeq}
	s.mem = memtable.New(db.opts.MemtableRecordThreshold)
	s.vmu.Lock()
	imms := append(append([]*immMem(nil), s.ver.imms...), imm)
	s.setVersionLocked(newVersion(s.mem, imms, s.ver.ssts))
	s.vmu.Unlock()
	db.scheduleFlush(s)
	return nil
}

// close syncs and closes the WAL writers at Close.
func (s *stripe) close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	if s.wal != nil {
		errs = append(errs, s.wal.Close())
		s.wal = nil
	}
	for i := range s.sealed {
		if w := s.sealed[i].w; w != nil {
			errs = append(errs, w.Close())
			s.sealed[i].w = nil
		}
	}
	return errors.Join(errs...)
}

// closeTables drops the stripe's reference to its version at Close.
func (s *stripe) closeTables() error {
	// A writer may be flushing (see waitWritableLocked): wait for it, and
	// keep later ones from touching the dropped version.
	s.flushMu.Lock()
	defer s.flushMu.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.vmu.Lock()
	defer s.vmu.Unlock()
	s.tablesClosed = true
	if s.ver != nil {
		s.ver.unref()
		s.ver = nil
	}
	return nil
}
