package engine

import (
	"bufio"
	"errors"
	"sync"
	"time"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
	"github.com/keystonedb/kstone-shell/engine/internal/manifest"
	"github.com/keystonedb/kstone-shell/engine/internal/memtable"
	"github.com/keystonedb/kstone-shell/engine/internal/sstable"
	"github.com/keystonedb/kstone-shell/engine/internal/wal"
)

// scheduleFlush queues the stripe for a background flush (once).
func (db *DB) scheduleFlush(s *stripe) {
	if s.flushQueued.CompareAndSwap(false, true) {
		select {
		case db.flushQ <- s:
		case <-db.closing:
		}
	}
}

func (db *DB) startBackground() {
	for i := 0; i < db.opts.FlushWorkers; i++ {
		db.bg.Add(1)
		go db.flushWorker()
	}
	db.bg.Add(1)
	go db.budgetWorker()
	db.bg.Add(1)
	go db.sparer()
	db.bg.Add(1)
	go db.dispatchEvents()
	db.startCompactions()
	db.bg.Add(1)
	go db.healthMonitor()
	db.bg.Add(1)
	go db.relaxedSyncer()
	// Memtables replayed at Open may already be over their thresholds.
	for _, s := range db.stripes {
		s.rotate(false)
	}
}

func (db *DB) flushWorker() {
	defer db.bg.Done()
	for {
		select {
		case <-db.closing:
			return
		case s := <-db.flushQ:
			s.flushQueued.Store(false)
			db.flushWithRetry(s)
		}
	}
}

// flushWithRetry flushes until the stripe has no immutable memtable,
// retrying with backoff after errors (a full disk may be freed).
func (db *DB) flushWithRetry(s *stripe) {
	backoff := 50 * time.Millisecond
	for {
		err := s.flushImmutables()
		if err == nil {
			return
		}
		db.log.Error("Memtable flush failed", "stripe", int(s.id), "error", err, "retry_in", backoff)
		select {
		case <-db.closing:
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}

// flushImmutables writes the stripe's immutable memtables to SSTs, oldest
// first, each made durable and recorded in the manifest before its WAL
// segments are released.
func (s *stripe) flushImmutables() error {
	s.flushMu.Lock()
	defer s.flushMu.Unlock()
	if s.tablesClosed {
		return ErrClosed
	}
	for {
		v := s.acquire()
		var imm *immMem
		if len(v.imms) > 0 {
			imm = v.imms[0]
		}
		v.unref()
		if imm == nil {
			return nil
		}
		if err := s.flushOne(imm); err != nil {
			s.db.setBackgroundError(err)
			return err
		}
		s.db.clearBackgroundError()
	}
}

func (s *stripe) flushOne(imm *immMem) error {
	db := s.db
	start := time.Now()
	db.emit(func(e *EventListener) { call(e.FlushBegin, FlushInfo{Stripe: int(s.id), Records: imm.mem.Len()}) })
	num := db.man.AllocFileNum()
	fm, t, err := db.writeSST(s.id, num, imm.mem)
	if err != nil {
		return err
	}
	edit := manifest.Edit{Stripes: []manifest.StripeEdit{{Stripe: s.id, FlushedSeq: imm.maxSeq}}}
	if t != nil {
		edit.Stripes[0].Added = []manifest.FileMeta{fm}
	}
	if err := db.applyEdit(edit); err != nil {
		db.parkSST(t)
		return ioErr(err)
	}
	s.mu.Lock()
	s.vmu.Lock()
	ssts := s.ver.ssts
	if t != nil {
		ssts = append(append([]*sstHandle(nil), ssts...), t)
	}
	// A fresh slice: keeping the old array would keep the flushed
	// memtable reachable.
	imms := append([]*immMem(nil), s.ver.imms[1:]...)
	s.setVersionLocked(newVersion(s.ver.mem, imms, ssts))
	s.vmu.Unlock()
	s.releaseSegmentsLocked(imm.maxSeq)
	s.stalled.Broadcast()
	s.mu.Unlock()
	db.memBytes.Add(-imm.mem.Bytes())
	db.wakeGlobalStall()
	s.counters.flushes.Add(1)
	s.counters.flushedBytes.Add(fm.Size)
	info := FlushInfo{Stripe: int(s.id), Records: imm.mem.Len(), Bytes: fm.Size, File: sstName(s.id, num), Duration: time.Since(start)}
	db.log.Info("Memtable flush completed", "stripe", int(s.id), "records", info.Records,
		"bytes", info.Bytes, "file", info.File, "duration", info.Duration)
	db.emit(func(e *EventListener) { call(e.FlushEnd, info) })
	db.scheduleCompaction(s)
	return nil
}

// writeSST writes a memtable's newest version of each key to a new SST and
// makes the file and its directory entry durable. A memtable holding only
// versions of nothing (impossible today) yields no table.
func (db *DB) writeSST(stripe base.StripeID, num base.FileNum, mem *memtable.Memtable) (manifest.FileMeta, *sstHandle, error) {
	name := sstName(stripe, num)
	f, err := db.fs.Create(db.path(name))
	if err != nil {
		return manifest.FileMeta{}, nil, ioErr(err)
	}
	fail := func(err error) (manifest.FileMeta, *sstHandle, error) {
		f.Close()
		db.fs.Remove(db.path(name))
		return manifest.FileMeta{}, nil, ioErr(err)
	}
	bw, _ := db.sstBufs.Get().(*bufio.Writer)
	if bw == nil {
		bw = bufio.NewWriterSize(f, 256<<10)
	}
	bw.Reset(f)
	defer db.sstBufs.Put(bw)
	w := sstable.NewWriter(bw, sstable.WriterOptions{BlockSize: db.opts.BlockSize, BloomFPR: db.opts.BloomFalsePositiveRate})
	it := mem.NewIter()
	var prev []byte
	for ok := it.First(); ok; ok = it.Next() {
		// Versions of a key come newest first; older ones are shadowed.
		if prev != nil && string(prev) == string(it.Key()) {
			continue
		}
		prev = it.Key()
		if err := w.Add(it.Key(), it.Trailer(), it.Value()); err != nil {
			return fail(err)
		}
	}
	props, err := w.Finish()
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		db.fs.Remove(db.path(name))
		return manifest.FileMeta{}, nil, ioErr(err)
	}
	if err := db.syncDir(); err != nil {
		db.fs.Remove(db.path(name))
		return manifest.FileMeta{}, nil, ioErr(err)
	}
	fm := manifest.FileMeta{
		Num: num, Stripe: stripe, Size: props.Size, Entries: props.Entries, Deletions: props.Deletions,
		Smallest: props.Smallest, Largest: props.Largest, MinSeq: props.MinSeq, MaxSeq: props.MaxSeq,
		CreatedUnixNano: time.Now().UnixNano(),
	}
	t, err := db.openSST(fm)
	if err != nil {
		return manifest.FileMeta{}, nil, err
	}
	return fm, t, nil
}

// budgetWorker keeps the memtables within Options.MemoryBudget by rotating
// the largest active memtables first.
func (db *DB) budgetWorker() {
	defer db.bg.Done()
	for {
		select {
		case <-db.closing:
			return
		case <-db.budgetQ:
		}
		for db.memBytes.Load() > db.opts.MemoryBudget && !db.closed.Load() {
			s := db.largestActive()
			if s == nil {
				break
			}
			s.rotate(true)
		}
	}
}

// largestActive returns the stripe whose active memtable holds the most
// bytes, nil when all are empty.
func (db *DB) largestActive() *stripe {
	var best *stripe
	var bestBytes int64
	for _, s := range db.stripes {
		if b := s.activeBytes(); b > bestBytes {
			best, bestBytes = s, b
		}
	}
	return best
}

func (s *stripe) activeBytes() int64 {
	s.vmu.RLock()
	defer s.vmu.RUnlock()
	if s.ver == nil {
		return 0
	}
	return s.ver.mem.Bytes()
}

// checkMemoryBudget wakes the budget worker when memtables hold more than
// the budget, and makes the writer wait while they hold twice as much
// (flushes are not keeping up).
func (db *DB) checkMemoryBudget() {
	used := db.memBytes.Load()
	if used <= db.opts.MemoryBudget {
		return
	}
	select {
	case db.budgetQ <- struct{}{}:
	default:
	}
	if used <= 2*db.opts.MemoryBudget {
		return
	}
	db.memoryStalls.Add(1)
	info := WriteStallInfo{Stripe: -1, Reason: "memory budget exceeded"}
	db.emit(func(e *EventListener) { call(e.WriteStallBegin, info) })
	db.stallMu.Lock()
	for db.memBytes.Load() > 2*db.opts.MemoryBudget && !db.closed.Load() {
		db.stallCond.Wait()
	}
	db.stallMu.Unlock()
	db.emit(func(e *EventListener) { call(e.WriteStallEnd, info) })
}

func (db *DB) wakeGlobalStall() {
	db.stallMu.Lock()
	db.stallCond.Broadcast()
	db.stallMu.Unlock()
}

// relaxedSyncer bounds what relaxed durability can lose: it syncs every
// stripe's WAL each RelaxedSyncInterval.
func (db *DB) relaxedSyncer() {
	defer db.bg.Done()
	t := time.NewTicker(db.opts.RelaxedSyncInterval)
	defer t.Stop()
	for {
		select {
		case <-db.closing:
			return
		case <-t.C:
			if db.relaxed() {
				db.syncAllWALs()
			}
		}
	}
}

// syncAllWALs makes every stripe's WAL durable, and first the directory
// entries of segments created without a sync.
func (db *DB) syncAllWALs() error {
	var errs []error
	if db.dirDirty.Swap(false) {
		if err := db.syncDir(); err != nil {
			db.dirDirty.Store(true)
			errs = append(errs, ioErr(err))
		}
	}
	// Syncs of different files overlap in the device's queue: one after
	// another, 256 stripes would take 256 round trips.
	errs = append(errs, db.eachStripe(func(s *stripe) error {
		if !s.walDirty() {
			return nil
		}
		return s.syncWAL()
	}))
	return errors.Join(errs...)
}

// eachStripe calls fn for every stripe (of those opened so far), syncParallelism at a time, and
// joins the errors.
func (db *DB) eachStripe(fn func(*stripe) error) error {
	errs := make([]error, len(db.stripes))
	next := make(chan int)
	var wg sync.WaitGroup
	for range syncParallelism {
		wg.Go(func() {
			for i := range next {
				if s := db.stripes[i]; s != nil {
					errs[i] = fn(s)
				}
			}
		})
	}
	for i := range db.stripes {
		next <- i
	}
	close(next)
	wg.Wait()
	return errors.Join(errs...)
}

// syncParallelism bounds the WAL syncs in flight at once.
const syncParallelism = 32

// walDirty reports whether the stripe has WAL data not yet durable.
func (s *stripe) walDirty() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.wal != nil && s.wal.SyncedSize() != s.wal.Size() {
		return true
	}
	for _, seg := range s.sealed {
		if seg.w != nil && seg.w.SyncedSize() != seg.w.Size() {
			return true
		}
	}
	return false
}

// syncWAL makes everything the stripe's segments hold durable, oldest
// first.
func (s *stripe) syncWAL() error {
	s.mu.Lock()
	ws := make([]*wal.Writer, 0, len(s.sealed)+1)
	for _, seg := range s.sealed {
		if seg.w != nil {
			ws = append(ws, seg.w)
		}
	}
	if s.wal != nil {
		ws = append(ws, s.wal)
	}
	s.mu.Unlock()
	for _, w := range ws {
		if w.SyncedSize() == w.Size() {
			continue
		}
		if err := w.SyncAll(); err != nil && !errors.Is(err, wal.ErrClosed) {
			s.fail(w, err)
			return ioErr(err)
		}
		s.db.noteWriteOK()
	}
	return s.closeGap()
}
