package engine

import (
	"bufio"
	"bytes"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
	"github.com/keystonedb/kstone-shell/engine/internal/manifest"
	"github.com/keystonedb/kstone-shell/engine/internal/sstable"
)

// Compaction merges a contiguous run of a stripe's SSTs into one, keeping
// each key's newest version and dropping versions it shadows. When the run
// reaches the stripe's oldest SST nothing lies below it, so tombstones are
// dropped too. Readers holding the old version keep its files until they
// are done; the manifest swaps inputs for the output atomically.

// compactionState is a stripe's running compaction, read by Stats.
type compactionState struct {
	running    atomic.Bool
	inputs     atomic.Int32
	bytesTotal atomic.Uint64
	bytesRead  atomic.Uint64
	startNanos atomic.Int64
}

// compactionCheckInterval is how often the manager looks for stripes over
// the threshold besides the checks after each flush.
const compactionCheckInterval = time.Second

func (db *DB) scheduleCompaction(s *stripe) {
	if db.opts.DisableAutoCompaction || s.compactQueued.Load() {
		return
	}
	if len(s.currentSSTs()) < db.opts.CompactionThreshold {
		return
	}
	if s.compactQueued.CompareAndSwap(false, true) {
		select {
		case db.compactQ <- s:
		case <-db.closing:
		}
	}
}

func (s *stripe) currentSSTs() []*sstHandle {
	s.vmu.RLock()
	defer s.vmu.RUnlock()
	if s.ver == nil {
		return nil
	}
	return s.ver.ssts
}

// compactionManager starts the background compaction workers (see
// Options.MaxConcurrentCompactions) and checks all stripes on a timer.
func (db *DB) startCompactions() {
	for range db.opts.backgroundCompactions {
		db.bg.Add(1)
		go db.compactionWorker()
	}
	db.bg.Add(1)
	go func() {
		defer db.bg.Done()
		t := time.NewTicker(compactionCheckInterval)
		defer t.Stop()
		for {
			select {
			case <-db.closing:
				return
			case <-t.C:
				for _, s := range db.stripes {
					db.scheduleCompaction(s)
				}
			}
		}
	}()
}

func (db *DB) compactionWorker() {
	defer db.bg.Done()
	for {
		select {
		case <-db.closing:
			return
		case s := <-db.compactQ:
			s.compactQueued.Store(false)
			if err := s.compact(false); err != nil && !errors.Is(err, ErrClosed) {
				db.setBackgroundError(err)
				db.log.Error("Compaction failed", "stripe", int(s.id), "error", err)
			}
		}
	}
}

// Compact compacts one stripe by hand, whatever its SST count, and waits
// for it. It works with automatic compaction disabled.
func (db *DB) Compact(stripe int) error {
	if err := db.checkOpen(); err != nil {
		return err
	}
	if stripe < 0 || stripe >= base.NumStripes {
		return invalidArg("stripe must be 0..%d, got %d", base.NumStripes-1, stripe)
	}
	return db.stripes[stripe].compact(true)
}

// CompactAll compacts every stripe holding more than one SST (or any
// tombstone) and waits.
func (db *DB) CompactAll() error {
	if err := db.checkOpen(); err != nil {
		return err
	}
	// Stripes compact independently: keep MaxConcurrentCompactions busy
	// (most of a small compaction is waiting for its fsyncs).
	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	next := make(chan *stripe)
	for range db.opts.MaxConcurrentCompactions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for s := range next {
				if err := s.compact(true); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		}()
	}
	for _, s := range db.stripes {
		next <- s
	}
	close(next)
	wg.Wait()
	return errors.Join(errs...)
}

// pickInputs chooses the run to merge: the newest SSTs, leaving out old
// ones much larger than everything newer (merging them again would rewrite
// a lot for little gain). A manual compaction takes everything.
func pickInputs(ssts []*sstHandle, threshold int, manual bool) []*sstHandle {
	if manual {
		if len(ssts) > 1 || (len(ssts) == 1 && ssts[0].meta.Deletions > 0) {
			return ssts
		}
		return nil
	}
	if len(ssts) < threshold {
		return nil
	}
	var newer uint64
	for _, t := range ssts {
		newer += t.meta.Size
	}
	start := 0
	for start < len(ssts)-2 {
		newer -= ssts[start].meta.Size
		if ssts[start].meta.Size <= 2*newer {
			break
		}
		start++
	}
	return ssts[start:]
}

func (s *stripe) compact(manual bool) error {
	db := s.db
	s.compactMu.Lock()
	defer s.compactMu.Unlock()
	if db.closed.Load() {
		return ErrClosed
	}
	v := s.acquire()
	defer v.unref()
	inputs := pickInputs(v.ssts, db.opts.CompactionThreshold, manual)
	if len(inputs) == 0 {
		return nil
	}
	bottom := inputs[0] == v.ssts[0]
	st := &s.compaction
	var total uint64
	for _, t := range inputs {
		total += t.meta.Size
	}
	st.inputs.Store(int32(len(inputs)))
	st.bytesTotal.Store(total)
	st.bytesRead.Store(0)
	st.startNanos.Store(time.Now().UnixNano())
	st.running.Store(true)
	defer st.running.Store(false)
	begin := CompactionInfo{Stripe: int(s.id), Inputs: len(inputs), BytesTotal: total}
	db.emit(func(e *EventListener) { call(e.CompactionBegin, begin) })

	start := time.Now()
	out, err := db.mergeSSTs(s, inputs, bottom)
	if err != nil {
		db.emit(func(e *EventListener) { call(e.CompactionEnd, CompactionInfo{Stripe: int(s.id), Err: err}) })
		return newErrWrap(ErrCompaction, "Failed to merge SST files", err)
	}
	if err := s.installCompaction(inputs, out); err != nil {
		db.parkSST(out)
		return newErrWrap(ErrCompaction, "Failed to install compacted SST", err)
	}
	var written uint64
	if out != nil {
		written = out.meta.Size
	}
	db.compactionTotals.add(total, written)
	s.counters.compactions.Add(1)
	info := CompactionInfo{Stripe: int(s.id), Inputs: len(inputs), BytesTotal: total, BytesRead: total, BytesWritten: written, Duration: time.Since(start)}
	db.log.Info("Compaction completed", "stripe", int(s.id), "ssts_merged", len(inputs),
		"bytes_read", total, "bytes_written", written, "duration", info.Duration)
	db.emit(func(e *EventListener) { call(e.CompactionEnd, info) })
	return nil
}

// mergeSSTs writes the merge of inputs to a new SST; nil when nothing
// survives (all tombstones at the bottom).
func (db *DB) mergeSSTs(s *stripe, inputs []*sstHandle, bottom bool) (*sstHandle, error) {
	iters := make([]*sstable.Iter, len(inputs))
	srcs := make([]internalIter, len(inputs))
	for i, t := range inputs {
		iters[i] = t.r.NewIter(nil, nil)
		srcs[i] = iters[i]
	}
	defer func() {
		for _, it := range iters {
			it.Close()
		}
	}()
	num := db.man.AllocFileNum()
	name := sstName(s.id, num)
	f, err := db.fs.Create(db.path(name))
	if err != nil {
		return nil, err
	}
	bw := bufio.NewWriterSize(f, 256<<10)
	w := sstable.NewWriter(bw, sstable.WriterOptions{BlockSize: db.opts.BlockSize, BloomFPR: db.opts.BloomFalsePositiveRate})
	m := newVersionsIter(srcs)
	n := 0
	for ok := m.first(); ok; ok = m.next() {
		if bottom && m.trailer.Kind() == base.KindDelete {
			continue
		}
		if err := w.Add(m.key, m.trailer, m.value); err != nil {
			f.Close()
			db.fs.Remove(db.path(name))
			return nil, err
		}
		if n++; n%1024 == 0 {
			db.reportProgress(s, iters)
		}
	}
	if err := m.err(); err != nil {
		f.Close()
		db.fs.Remove(db.path(name))
		return nil, err
	}
	db.reportProgress(s, iters)
	props, err := w.Finish()
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && props.Entries == 0 {
		db.fs.Remove(db.path(name))
		return nil, nil
	}
	if err == nil {
		err = db.syncDir()
	}
	if err != nil {
		db.fs.Remove(db.path(name))
		return nil, err
	}
	return db.openSST(manifest.FileMeta{
		Num: num, Stripe: s.id, Size: props.Size, Entries: props.Entries, Deletions: props.Deletions,
		Smallest: props.Smallest, Largest: props.Largest, MinSeq: props.MinSeq, MaxSeq: props.MaxSeq,
		CreatedUnixNano: time.Now().UnixNano(),
	})
}

func (db *DB) reportProgress(s *stripe, iters []*sstable.Iter) {
	var read uint64
	for _, it := range iters {
		read += it.BytesRead()
	}
	st := &s.compaction
	read = min(read, st.bytesTotal.Load())
	st.bytesRead.Store(read)
	info := CompactionInfo{Stripe: int(s.id), Inputs: int(st.inputs.Load()), BytesTotal: st.bytesTotal.Load(), BytesRead: read}
	db.emit(func(e *EventListener) { call(e.CompactionProgress, info) })
}

// installCompaction records the swap in the manifest and installs a
// version with the output in the inputs' place.
func (s *stripe) installCompaction(inputs []*sstHandle, out *sstHandle) error {
	db := s.db
	edit := manifest.StripeEdit{Stripe: s.id}
	for _, t := range inputs {
		edit.Deleted = append(edit.Deleted, t.meta.Num)
	}
	if out != nil {
		edit.Added = []manifest.FileMeta{out.meta}
	}
	if err := db.applyEdit(manifest.Edit{Stripes: []manifest.StripeEdit{edit}}); err != nil {
		return err
	}
	s.mu.Lock()
	s.vmu.Lock()
	cur := s.ver.ssts
	next := make([]*sstHandle, 0, len(cur))
	for _, t := range cur {
		switch {
		case t == inputs[0] && out != nil:
			next = append(next, out)
		case containsSST(inputs, t):
		default:
			next = append(next, t)
		}
	}
	s.setVersionLocked(newVersion(s.ver.mem, s.ver.imms, next))
	s.vmu.Unlock()
	s.mu.Unlock()
	for _, t := range inputs {
		t.obsolete.Store(true)
	}
	return nil
}

func containsSST(ts []*sstHandle, t *sstHandle) bool {
	for _, x := range ts {
		if x == t {
			return true
		}
	}
	return false
}

// versionsIter merges SSTs into each key's newest version, tombstones
// included (compaction decides what to keep).
type versionsIter struct {
	m       *mergeIter
	key     []byte
	trailer base.Trailer
	value   []byte
}

func newVersionsIter(srcs []internalIter) *versionsIter {
	return &versionsIter{m: newMergeIter(srcs, base.SeqNumMax, nil, nil)}
}

func (v *versionsIter) first() bool {
	m := v.m
	m.heap = m.heap[:0]
	for i, s := range m.srcs {
		if s.First() {
			m.heap = append(m.heap, i)
		}
	}
	if m.checkErr() {
		return false
	}
	m.initHeap()
	return v.next()
}

// next emits the newest version of the smallest remaining key and skips
// the older ones.
func (v *versionsIter) next() bool {
	m := v.m
	if len(m.heap) == 0 || m.checkErr() {
		return false
	}
	top := m.srcs[m.heap[0]]
	v.key = append(v.key[:0], top.Key()...)
	v.trailer = top.Trailer()
	v.value = top.Value()
	for len(m.heap) > 0 && bytes.Equal(m.srcs[m.heap[0]].Key(), v.key) {
		m.advance(0)
	}
	return !m.checkErr()
}

func (v *versionsIter) err() error { return v.m.Error() }

// compactionTotals are the database's cumulative compaction counters.
type compactionTotals struct {
	count, bytesRead, bytesWritten, bytesReclaimed atomic.Uint64
}

func (c *compactionTotals) add(read, written uint64) {
	c.count.Add(1)
	c.bytesRead.Add(read)
	c.bytesWritten.Add(written)
	if read > written {
		c.bytesReclaimed.Add(read - written)
	}
}
