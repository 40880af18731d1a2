package wal

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
	"github.com/keystonedb/kstone-shell/engine/internal/vfs"
)

// Option defaults.
const (
	DefaultPreallocateChunk = 1 << 20
	DefaultBufferSize       = 256 << 10
)

// WriterOptions configure a Writer.
type WriterOptions struct {
	// Stripe is written in the segment header.
	Stripe base.StripeID
	// Num is the segment number, unique database-wide and never reused. It
	// is written in the header and in every record.
	Num base.FileNum
	// PreallocateChunk: when a write would pass the allocated end of the
	// file, this many more bytes are allocated ahead of it with
	// File.Preallocate, so that most Datasyncs write into allocated blocks
	// and need not update the file size. Default: 1 MiB.
	PreallocateChunk int64
	// BufferSize: records are buffered in memory; the buffer is written to
	// the file (without a sync) when it exceeds this. Buffers start small
	// and grow as needed. Default: 256 KiB.
	BufferSize int
	// DeferHeaderSync leaves the header unsynced: the first Sync makes it
	// durable together with the first records. For relaxed durability,
	// where no write waits for a sync. It relies on the 32-byte header
	// write being atomic (it sits in one disk sector): a crash then leaves
	// either the old bytes or the new header, never a mix.
	DeferHeaderSync bool
	// Relaxed marks the segment as written with relaxed durability (a
	// header flag that recovery reads back in SegmentInfo.Relaxed).
	Relaxed bool
	// Buffers, if set, supplies the writer's record buffers and takes them
	// back at Close.
	Buffers *BufferPool
}

// EnsureDefaults replaces zero fields with their defaults.
func (o *WriterOptions) EnsureDefaults() {
	if o.PreallocateChunk == 0 {
		o.PreallocateChunk = DefaultPreallocateChunk
	}
	if o.BufferSize == 0 {
		o.BufferSize = DefaultBufferSize
	}
}

// Validate reports every problem with the options at once.
func (o *WriterOptions) Validate() error {
	var errs []error
	if o.PreallocateChunk < 0 {
		errs = append(errs, fmt.Errorf("PreallocateChunk %d is negative", o.PreallocateChunk))
	}
	if o.BufferSize < 0 {
		errs = append(errs, fmt.Errorf("BufferSize %d is negative", o.BufferSize))
	}
	return errors.Join(errs...)
}

// Writer appends records to one segment. See the package doc for the
// durability contract.
//
// Two locks: writeMu serializes I/O that writes the file (a write-out of
// the buffer, with its preallocation) and is held across WriteAt; mu guards
// the buffer and the counters and is never held across a syscall, so Append
// never waits for a Datasync. Lock order: writeMu before mu. Datasync itself
// runs under neither: only one runs at a time because of the syncing flag.
type Writer struct {
	f       vfs.File
	name    string
	stripe  base.StripeID
	num     base.FileNum
	chunk   int64
	bufSize int
	pool    *BufferPool
	relaxed bool

	// Guarded by writeMu.
	writeMu   sync.Mutex
	spare     []byte // the idle half of the double buffer
	allocated int64  // file bytes known allocated (size at open, then preallocated)

	// Guarded by mu.
	mu             sync.Mutex
	cond           sync.Cond // L = &mu; broadcast when a sync leader finishes
	buf            []byte    // records appended but not yet written
	bufStart       int64     // file offset of buf[0]
	size           int64     // logical end: header plus every record appended
	written        int64     // end of the bytes whose WriteAt has returned
	writebackEnd   int64     // end of the bytes handed to StartWriteback (guarded by writeMu)
	syncedSize     int64     // end of the bytes known durable
	records        int64
	writtenRecords int64
	syncedRecords  int64
	lastLSN        base.SeqNum
	syncing        bool // a leader is writing out and syncing
	waiters        int  // goroutines in Sync waiting for a leader
	err            error
	closing        bool // Close has begun: no more Appends
	sealed         bool // the seal is appended: no more Appends
	closed         bool
	stats          WriterStats // only the fields not derived from the above
}

// NewWriter writes a fresh header at offset 0 of f (a new empty file or a
// recycled segment holding stale records), makes it durable (Datasync) and
// returns a writer appending after it. It never reads the old contents; it
// only asks f's size, to know which blocks are already allocated. On error
// the caller still owns f.
func NewWriter(f vfs.File, name string, opts WriterOptions) (*Writer, error) {
	opts.EnsureDefaults()
	if err := opts.Validate(); err != nil {
		return nil, fmt.Errorf("wal: segment %s: invalid options: %w", name, err)
	}
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("wal: segment %s: stat: %w", name, err)
	}
	w := &Writer{
		f:         f,
		name:      name,
		stripe:    opts.Stripe,
		num:       opts.Num,
		chunk:     opts.PreallocateChunk,
		bufSize:   opts.BufferSize,
		pool:      opts.Buffers,
		buf:       opts.Buffers.get(),
		spare:     opts.Buffers.get(),
		allocated: fi.Size(),
		relaxed:   opts.Relaxed,
	}
	w.cond.L = &w.mu

	var flags byte
	if opts.Relaxed {
		flags |= flagRelaxed
	}
	hdr := encodeHeader(opts.Stripe, opts.Num, flags)
	// The terminator after the header makes a recycled file read as an
	// empty segment until the first records are written.
	data := append(hdr[:], make([]byte, RecordHeaderSize)...)
	w.preallocate(int64(len(data)))
	if n, err := f.WriteAt(data, 0); err != nil || n < len(data) {
		return nil, fmt.Errorf("wal: segment %s: write header: %w", name, shortWrite(err))
	}
	w.stats.Writes = 1
	w.size, w.bufStart, w.written, w.syncedSize = HeaderSize, HeaderSize, HeaderSize, HeaderSize
	if opts.DeferHeaderSync {
		w.syncedSize = 0
		return w, nil
	}
	start := time.Now()
	if err := f.Datasync(); err != nil {
		return nil, fmt.Errorf("wal: segment %s: datasync header: %w", name, err)
	}
	w.stats.recordSync(time.Since(start))
	return w, nil
}

// Append adds one record to the in-memory buffer and returns the logical
// end offset of the record, to pass to Sync. Callers serialize Appends; an
// Append may run concurrently with Sync, Flush and SyncAll. It makes no
// syscall unless the buffer passes BufferSize, in which case it writes the
// buffer out (without a sync). lsn must be greater than the previous
// record's (and so never 0).
func (w *Writer) Append(lsn base.SeqNum, payload []byte) (end int64, err error) {
	if len(payload) > MaxPayloadSize {
		return 0, fmt.Errorf("wal: segment %s: LSN %d: %d bytes: %w", w.name, lsn, len(payload), ErrPayloadTooLarge)
	}
	w.mu.Lock()
	if err := w.usableLocked(); err != nil {
		w.mu.Unlock()
		return 0, err
	}
	if w.closing || w.sealed {
		w.mu.Unlock()
		return 0, w.closedErr()
	}
	if lsn <= w.lastLSN {
		last := w.lastLSN
		w.mu.Unlock()
		return 0, fmt.Errorf("wal: segment %s: LSN %d after %d: %w", w.name, lsn, last, ErrLSNOrder)
	}
	// Encoding in place in the buffer costs no allocation; the buffer
	// cannot be swapped out under us while mu is held.
	w.buf = appendRecord(w.buf, w.num, lsn, payload)
	w.size += RecordHeaderSize + int64(len(payload))
	w.records++
	w.lastLSN = lsn
	end = w.size
	full := len(w.buf) > w.bufSize
	w.mu.Unlock()

	if full {
		if err := w.Flush(); err != nil {
			return 0, err
		}
	}
	return end, nil
}

// Sync returns once every record up to end (a value Append returned) is
// durable. It is safe for concurrent use with Append, Flush and other Syncs.
//
// Group commit: while a sync is in flight, Sync waits for it. If that sync
// did not cover end, one waiter becomes the next leader: it writes out
// everything buffered so far (other goroutines' records included) and calls
// Datasync once for all of them. Appends continue meanwhile into the other
// half of the double buffer.
func (w *Writer) Sync(end int64) error {
	w.mu.Lock()
	w.stats.SyncRequests++
	for {
		if w.err != nil {
			err := w.err
			w.mu.Unlock()
			return err
		}
		if w.syncedSize >= end {
			w.mu.Unlock()
			return nil
		}
		if w.closed {
			w.mu.Unlock()
			return w.closedErr()
		}
		if end > w.size {
			size := w.size
			w.mu.Unlock()
			return fmt.Errorf("wal: segment %s: sync to %d, size %d: %w", w.name, end, size, ErrSyncPastEnd)
		}
		if !w.syncing {
			break
		}
		w.waiters++
		w.cond.Wait()
		w.waiters--
	}
	w.syncing = true
	w.mu.Unlock()
	return w.leadSync()
}

// leadSync writes out the buffer and syncs the file. The caller has set
// w.syncing; leadSync clears it and wakes the waiters.
func (w *Writer) leadSync() error {
	w.writeMu.Lock()
	err := w.writeOutLocked()
	w.writeMu.Unlock()

	var d time.Duration
	var target, recs int64
	if err == nil {
		// Read after the write-out: anything counted in written (ours or a
		// concurrent Flush's) has been handed to the file and so is covered
		// by a Datasync that starts now.
		w.mu.Lock()
		target, recs = w.written, w.writtenRecords
		w.mu.Unlock()
		start := time.Now()
		err = w.f.Datasync()
		d = time.Since(start)
	}

	w.mu.Lock()
	defer w.mu.Unlock()
	w.syncing = false
	w.cond.Broadcast()
	if w.err != nil {
		return w.err
	}
	if err != nil {
		return w.failLocked("datasync", err)
	}
	w.stats.recordSync(d)
	w.syncedSize, w.syncedRecords = target, recs
	return nil
}

// Flush writes the buffered records to the file without syncing them. It is
// safe for concurrent use.
func (w *Writer) Flush() error {
	w.writeMu.Lock()
	defer w.writeMu.Unlock()
	return w.writeOutLocked()
}

// SyncAll makes everything appended so far durable (Flush and Datasync).
func (w *Writer) SyncAll() error {
	w.mu.Lock()
	end := w.size
	w.mu.Unlock()
	return w.Sync(end)
}

// Seal appends the seal (see SealLSN), which the next write-out or sync
// writes; later Appends fail. Sealing twice is harmless.
func (w *Writer) Seal() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.usableLocked(); err != nil {
		return err
	}
	w.sealLocked()
	return nil
}

func (w *Writer) sealLocked() {
	if w.sealed || w.closed {
		return
	}
	w.sealed = true
	w.buf = appendRecord(w.buf, w.num, SealLSN, nil)
	w.size += RecordHeaderSize
}

// Close seals the segment, makes everything appended durable and closes
// the file. The file is
// closed even when the sync fails; the first error is returned.
func (w *Writer) Close() error {
	w.mu.Lock()
	if w.closing {
		w.mu.Unlock()
		return w.closedErr()
	}
	w.closing = true
	if w.err == nil {
		w.sealLocked()
	}
	w.mu.Unlock()

	err := w.SyncAll()
	w.writeMu.Lock() // wait for a concurrent Flush to finish with the file
	w.mu.Lock()
	w.closed = true
	w.cond.Broadcast()
	w.pool.put(w.buf)
	w.pool.put(w.spare)
	w.buf, w.spare = nil, nil
	w.mu.Unlock()
	w.writeMu.Unlock()
	if cerr := w.f.Close(); cerr != nil && err == nil {
		err = fmt.Errorf("wal: segment %s: close: %w", w.name, cerr)
	}
	return err
}

// Size returns the logical bytes appended (header and records), buffered or
// not.
func (w *Writer) Size() int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.size
}

// SyncedSize returns the end of the bytes known durable.
func (w *Writer) SyncedSize() int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.syncedSize
}

// LastLSN returns the LSN of the last record appended, 0 if none.
func (w *Writer) LastLSN() base.SeqNum {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.lastLSN
}

// Relaxed reports whether the segment is flagged as written with relaxed
// durability.
func (w *Writer) Relaxed() bool { return w.relaxed }

// Num returns the segment number.
func (w *Writer) Num() base.FileNum { return w.num }

// Stripe returns the stripe the segment belongs to.
func (w *Writer) Stripe() base.StripeID { return w.stripe }

// Err returns the sticky error, nil while the writer is healthy.
func (w *Writer) Err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// Stats returns a snapshot of the writer's counters.
func (w *Writer) Stats() WriterStats {
	w.mu.Lock()
	defer w.mu.Unlock()
	s := w.stats
	s.Records = w.records
	s.Bytes = w.size
	s.BytesWritten = w.written
	s.SyncedRecords = w.syncedRecords
	s.SyncedBytes = w.syncedSize
	return s
}

// writeOutLocked hands the buffered records to the file. The caller holds
// writeMu, which owns spare: the buffer is swapped under mu, so Appends
// continue into the other buffer while WriteAt runs.
func (w *Writer) writeOutLocked() error {
	w.mu.Lock()
	if err := w.usableLocked(); err != nil {
		w.mu.Unlock()
		return err
	}
	data, start, recs := w.buf, w.bufStart, w.records
	if len(data) == 0 {
		w.mu.Unlock()
		return nil
	}
	w.buf = w.spare[:0]
	w.bufStart = w.size
	w.mu.Unlock()
	w.spare = nil

	end := start + int64(len(data))
	// The zero terminator marks a clean end for the reader, and the next
	// write-out overwrites it.
	data = append(data, make([]byte, RecordHeaderSize)...)
	w.preallocate(end + RecordHeaderSize)
	n, err := w.f.WriteAt(data, start)
	if err == nil && n < len(data) {
		err = io.ErrShortWrite
	}
	// Keep the buffer for the next swap unless one huge record inflated it.
	if cap(data) <= 2*w.bufSize {
		w.spare = data[:0]
	}

	w.mu.Lock()
	if err != nil {
		defer w.mu.Unlock()
		return w.failLocked("write", err)
	}
	w.stats.Writes++
	w.written, w.writtenRecords = end, recs
	synced := w.syncedSize
	w.mu.Unlock()
	w.startWriteback(end, synced) // appends go on meanwhile
	return nil
}

// writebackChunk: relaxed durability starts the device writing each chunk
// of written records at once, so that the sync that ends a bulk load (or
// the periodic one) waits for the last chunk rather than for all of them.
const writebackChunk = 32 << 10

// startWriteback hints the written, unsynced bytes up to written to the
// device in chunks. Caller holds writeMu, which guards writebackEnd.
func (w *Writer) startWriteback(written, synced int64) {
	wb, ok := w.f.(vfs.Writebacker)
	if !ok || !w.relaxed || written-w.writebackEnd < writebackChunk {
		return
	}
	start := max(w.writebackEnd, synced)
	if err := wb.StartWriteback(start, written-start); err == nil {
		w.writebackEnd = written
	}
}

// preallocate makes sure the file is allocated up to need, allocating
// PreallocateChunk bytes beyond it. Caller holds writeMu. Preallocation is
// only an optimization: on failure (no support, or no space) the write that
// follows extends the file itself, and its error, if any, is the one that
// counts. Failures are counted in the stats.
func (w *Writer) preallocate(need int64) {
	if need <= w.allocated {
		return
	}
	off, newEnd := w.allocated, need+w.chunk
	err := w.f.Preallocate(off, newEnd-off)
	w.allocated = newEnd
	w.mu.Lock()
	w.stats.Preallocations++
	if err != nil {
		w.stats.PreallocErrors++
	}
	w.mu.Unlock()
}

// usableLocked returns the sticky error, or ErrClosed after Close.
func (w *Writer) usableLocked() error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return w.closedErr()
	}
	return nil
}

func (w *Writer) closedErr() error {
	return fmt.Errorf("wal: segment %s: %w", w.name, ErrClosed)
}

// failLocked records the first I/O error; every later call returns it.
func (w *Writer) failLocked(op string, err error) error {
	if w.err == nil {
		w.err = fmt.Errorf("wal: segment %s: %s: %w", w.name, op, err)
		w.cond.Broadcast()
	}
	return w.err
}

func shortWrite(err error) error {
	if err == nil {
		return io.ErrShortWrite
	}
	return err
}
