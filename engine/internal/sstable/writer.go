package sstable

import (
	"encoding/binary"
	"fmt"
	"io"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
	"github.com/keystonedb/kstone-shell/engine/internal/bloom"
)

// maxTrailer sorts before every other trailer of the same user key; a
// separator shortened to a new user key carries it so that it is the
// smallest internal key of that user key.
const maxTrailer = base.Trailer(^uint64(0))

// Writer builds an SST. Entries are added in strictly increasing internal
// order; data blocks are written to the underlying writer as soon as they
// fill, so memory holds only the current block, the index and the filter's
// key hashes. A Writer is not safe for concurrent use.
type Writer struct {
	w    io.Writer
	opts WriterOptions
	// err is sticky: after a write error (or invalid options) every call
	// returns it, since the output is no longer a valid prefix of a table.
	err      error
	finished bool
	started  bool // header written
	offset   uint64

	block  blockWriter
	index  blockWriter
	filter *bloom.Builder // nil when disabled

	hasLast  bool
	lastUser []byte
	lastT    base.Trailer
	ikey     []byte // scratch internal key

	// A flushed block's index entry is written when the next key is known,
	// so that its separator can be shortened.
	hasPending    bool
	pendingHandle handle
	pendingUser   []byte
	pendingT      base.Trailer
	sep           []byte
	handleBuf     []byte

	props Properties
}

// NewWriter returns a Writer that writes a table to w with opts (zero
// fields take their defaults). Invalid options are reported by the first
// Add or Finish.
func NewWriter(w io.Writer, opts WriterOptions) *Writer {
	opts = opts.EnsureDefaults()
	wr := &Writer{w: w, opts: opts}
	wr.err = opts.Validate()
	wr.block.restartInterval = opts.RestartInterval
	wr.index.restartInterval = DefaultRestartInterval
	if opts.BloomFPR > 0 {
		wr.filter = bloom.NewBuilder(opts.BloomFPR)
	}
	return wr
}

// Add appends an entry. It must be strictly after the previous entry in
// base.CompareInternal order (ErrKeyOrder otherwise; the entry is then
// not added and the Writer remains usable). The Writer copies what it
// keeps, so the caller may reuse userKey and value.
func (w *Writer) Add(userKey []byte, t base.Trailer, value []byte) error {
	if w.finished {
		return ErrFinished
	}
	if w.err != nil {
		return w.err
	}
	if k := t.Kind(); k != base.KindSet && k != base.KindDelete {
		return fmt.Errorf("%w: %d", ErrInvalidKind, k)
	}
	if len(userKey) > MaxEntrySize || len(value) > MaxEntrySize {
		return fmt.Errorf("%w: key %d bytes, value %d bytes (max %d)", ErrEntryTooLarge, len(userKey), len(value), MaxEntrySize)
	}
	sameUser := false
	if w.hasLast {
		if base.CompareInternal(userKey, t, w.lastUser, w.lastT) <= 0 {
			return fmt.Errorf("%w: %q#%d after %q#%d", ErrKeyOrder,
				truncKey(userKey), t.SeqNum(), truncKey(w.lastUser), w.lastT.SeqNum())
		}
		sameUser = string(userKey) == string(w.lastUser)
	}
	if !w.started && !w.writeHeader() {
		return w.err
	}
	if w.hasPending {
		w.sep = appendSeparator(w.sep[:0], w.pendingUser, w.pendingT, userKey)
		w.addIndexEntry(w.sep, w.pendingHandle)
		w.hasPending = false
	}
	if w.filter != nil && !sameUser {
		w.filter.Add(userKey)
	}
	w.ikey = base.AppendInternalKey(w.ikey[:0], userKey, t)
	w.block.add(w.ikey, value)

	p := &w.props
	seq := t.SeqNum()
	if p.Entries == 0 {
		p.Smallest = append([]byte(nil), userKey...)
		p.MinSeq, p.MaxSeq = seq, seq
	}
	p.MinSeq = min(p.MinSeq, seq)
	p.MaxSeq = max(p.MaxSeq, seq)
	p.Entries++
	if t.Kind() == base.KindDelete {
		p.Deletions++
	}
	p.RawKeyBytes += uint64(len(userKey))
	p.RawValueBytes += uint64(len(value))
	w.hasLast = true
	w.lastUser = append(w.lastUser[:0], userKey...)
	w.lastT = t

	if w.block.estimatedSize() >= w.opts.BlockSize {
		w.flushBlock()
	}
	return w.err
}

func truncKey(k []byte) []byte {
	if len(k) > 64 {
		return k[:64]
	}
	return k
}

// appendSeparator appends an internal key S with (lastUser, lastT) <= S <
// (next, any trailer), as short as cheaply possible: if the user keys
// first differ at a byte that can be incremented and still stay below
// next's, S is lastUser's prefix up to that byte, incremented, with
// maxTrailer; otherwise S is the last key itself.
func appendSeparator(dst, lastUser []byte, lastT base.Trailer, next []byte) []byte {
	n := commonPrefix(lastUser, next)
	if n < len(lastUser) && n < len(next) {
		if c := lastUser[n]; c < 0xff && c+1 < next[n] {
			dst = append(dst, lastUser[:n+1]...)
			dst[len(dst)-1]++
			return base.AppendInternalKey(dst, nil, maxTrailer)
		}
	}
	return base.AppendInternalKey(dst, lastUser, lastT)
}

func (w *Writer) addIndexEntry(key []byte, h handle) {
	w.handleBuf = binary.AppendUvarint(w.handleBuf[:0], h.offset)
	w.handleBuf = binary.AppendUvarint(w.handleBuf, h.length)
	w.index.add(key, w.handleBuf)
}

func (w *Writer) writeHeader() bool {
	var hdr [headerLen]byte
	copy(hdr[:], magic)
	binary.LittleEndian.PutUint32(hdr[4:], formatVersion)
	w.started = true
	w.write(hdr[:])
	return w.err == nil
}

// write writes b and advances the offset, recording the first error.
func (w *Writer) write(b []byte) {
	if w.err != nil {
		return
	}
	n, err := w.w.Write(b)
	w.offset += uint64(n)
	if err == nil && n != len(b) {
		err = io.ErrShortWrite
	}
	if err != nil {
		w.err = fmt.Errorf("sstable: write: %w", err)
	}
}

// writeBlock writes contents (which may be appended to) followed by its
// trailer and returns its handle.
func (w *Writer) writeBlock(contents []byte) handle {
	h := handle{offset: w.offset, length: uint64(len(contents))}
	w.write(appendBlockTrailer(contents, contents))
	return h
}

func (w *Writer) flushBlock() {
	h := w.writeBlock(w.block.finish())
	w.block.reset()
	w.props.DataBlocks++
	w.hasPending = true
	w.pendingHandle = h
	w.pendingUser = append(w.pendingUser[:0], w.lastUser...)
	w.pendingT = w.lastT
}

// EstimatedSize returns the approximate size of the file if it were
// finished now; the engine uses it to cut output tables during compaction.
func (w *Writer) EstimatedSize() uint64 {
	n := w.offset + uint64(w.block.estimatedSize()) + uint64(w.index.estimatedSize()) + footerLen + 64
	if !w.started {
		n += headerLen
	}
	if w.filter != nil {
		n += uint64(w.filter.EstimatedSize())
	}
	return n
}

// Finish writes the last data block, the filter, index and properties
// blocks and the footer, and returns the table's properties. It does not
// sync or close the underlying writer. The Writer cannot be used
// afterwards.
func (w *Writer) Finish() (Properties, error) {
	if w.finished {
		return Properties{}, ErrFinished
	}
	w.finished = true
	if w.err != nil {
		return Properties{}, w.err
	}
	if !w.started && !w.writeHeader() {
		return Properties{}, w.err
	}
	if w.block.entries > 0 {
		w.flushBlock()
	}
	if w.hasPending {
		// The last block's separator is its last key: there is no next key
		// to shorten against.
		w.sep = base.AppendInternalKey(w.sep[:0], w.pendingUser, w.pendingT)
		w.addIndexEntry(w.sep, w.pendingHandle)
		w.hasPending = false
	}
	var f footer
	f.filter = handle{offset: w.offset}
	if w.filter != nil {
		f.filter = w.writeBlock(w.filter.Build())
	}
	f.index = w.writeBlock(w.index.finish())
	if w.hasLast {
		w.props.Largest = append([]byte(nil), w.lastUser...)
	}
	f.props = w.writeBlock(w.props.encode())
	w.write(f.encode())
	if w.err != nil {
		return Properties{}, w.err
	}
	w.props.Size = w.offset
	return w.props, nil
}
