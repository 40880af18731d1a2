package sstable

import (
	"bytes"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
)

const (
	// readaheadAfter is the number of consecutive blocks, loaded in file
	// order, after which an iterator treats its work as a sequential scan.
	readaheadAfter = 4
	// readaheadSize is the size of the chunks a sequential scan reads.
	readaheadSize = 256 << 10
)

// Iter iterates over a table's entries in internal order: every version of
// every key, tombstones included, within user-key bounds [lower, upper).
// The engine's merging iterator resolves versions.
//
// Block loading: blocks come from the cache when present. A block missing
// from the cache is read from the file and inserted into the cache, until
// the iterator has loaded readaheadAfter consecutive blocks in one
// direction; from then on it reads readaheadSize chunks (many blocks per
// system call) and does not insert them into the cache, so that a
// compaction or full scan does not evict the blocks point reads rely on.
// Every block read from the file has its checksum verified before use.
//
// An Iter is not safe for concurrent use.
type Iter struct {
	r            *Reader
	lower, upper []byte

	blk      blockIter
	blockIdx int // index of the block loaded in blk, -1 if none
	valid    bool
	err      error
	closed   bool

	bytesRead uint64
	// run counts consecutive blocks loaded in file order (> 0) or in
	// reverse order (< 0).
	run int

	ra    []byte
	raOff uint64
}

// NewIter returns an iterator over the entries with lower <= user key <
// upper; a nil bound is unbounded. The bounds are not copied: the caller
// must not modify them while the iterator is in use.
func (r *Reader) NewIter(lower, upper []byte) *Iter {
	return &Iter{r: r, lower: lower, upper: upper, blockIdx: -1}
}

// Valid reports whether the iterator is positioned on an entry.
func (it *Iter) Valid() bool { return it.valid }

// Key returns the current entry's user key. It is valid until the next
// move.
func (it *Iter) Key() []byte {
	if !it.valid {
		return nil
	}
	return it.blk.userKey()
}

// Trailer returns the current entry's trailer.
func (it *Iter) Trailer() base.Trailer {
	if !it.valid {
		return 0
	}
	return it.blk.trailer
}

// Value returns the current entry's value. It is read-only; it aliases a
// block that is never modified or reused, so it may be retained.
func (it *Iter) Value() []byte {
	if !it.valid {
		return nil
	}
	return it.blk.val
}

// Error returns the first corruption or I/O error met; the iterator is
// invalid from then on and every move returns false.
func (it *Iter) Error() error { return it.err }

// BytesRead returns the bytes of data blocks (with their trailers) loaded
// so far, from the cache or the file: compaction progress against the
// table's data size.
func (it *Iter) BytesRead() uint64 { return it.bytesRead }

// Close releases the iterator and returns its error, if any.
func (it *Iter) Close() error {
	it.closed = true
	it.valid = false
	it.blk = blockIter{}
	it.ra = nil
	return it.err
}

// First positions at the first entry >= lower.
func (it *Iter) First() bool {
	if !it.usable() {
		return false
	}
	if it.lower != nil {
		return it.SeekGE(it.lower)
	}
	return it.firstFrom(0)
}

// Last positions at the last entry < upper.
func (it *Iter) Last() bool {
	if !it.usable() {
		return false
	}
	if it.upper != nil {
		return it.SeekLT(it.upper)
	}
	return it.lastFrom(len(it.r.index) - 1)
}

// SeekGE positions at the first entry whose user key is >= key (its newest
// version), within the bounds.
func (it *Iter) SeekGE(key []byte) bool {
	if !it.usable() {
		return false
	}
	if it.lower != nil && bytes.Compare(key, it.lower) < 0 {
		key = it.lower
	}
	if it.upper != nil && bytes.Compare(key, it.upper) >= 0 {
		return it.invalidate()
	}
	i := it.r.findBlock(key, maxTrailer)
	if i == len(it.r.index) {
		return it.invalidate()
	}
	if !it.loadBlock(i) {
		return false
	}
	if it.blk.seekGE(key, maxTrailer) {
		return it.checkUpper()
	}
	if it.blk.corrupt != "" {
		return it.blockError()
	}
	return it.firstFrom(i + 1)
}

// SeekLT positions at the last entry whose user key is < key (the oldest
// version of the largest such key), within the bounds.
func (it *Iter) SeekLT(key []byte) bool {
	if !it.usable() {
		return false
	}
	if it.upper != nil && bytes.Compare(key, it.upper) > 0 {
		key = it.upper
	}
	if it.lower != nil && bytes.Compare(key, it.lower) <= 0 {
		return it.invalidate()
	}
	i := it.r.findBlock(key, maxTrailer)
	if i == len(it.r.index) {
		return it.lastFrom(i - 1)
	}
	if !it.loadBlock(i) {
		return false
	}
	if it.blk.seekLT(key, maxTrailer) {
		return it.checkLower()
	}
	if it.blk.corrupt != "" {
		return it.blockError()
	}
	return it.lastFrom(i - 1)
}

// Next moves to the next entry. It returns false at the end (or upper
// bound), and on an unpositioned iterator.
func (it *Iter) Next() bool {
	if !it.valid {
		return false
	}
	if it.blk.next() {
		return it.checkUpper()
	}
	if it.blk.corrupt != "" {
		return it.blockError()
	}
	return it.firstFrom(it.blockIdx + 1)
}

// Prev moves to the previous entry. It returns false at the start (or
// lower bound), and on an unpositioned iterator.
func (it *Iter) Prev() bool {
	if !it.valid {
		return false
	}
	if it.blk.prev() {
		return it.checkLower()
	}
	if it.blk.corrupt != "" {
		return it.blockError()
	}
	return it.lastFrom(it.blockIdx - 1)
}

func (it *Iter) usable() bool {
	it.valid = false
	return it.err == nil && !it.closed
}

func (it *Iter) invalidate() bool {
	it.valid = false
	return false
}

// firstFrom positions at the first entry of block i (data blocks are never
// empty), or invalidates the iterator past the last block.
func (it *Iter) firstFrom(i int) bool {
	if i >= len(it.r.index) {
		return it.invalidate()
	}
	if !it.loadBlock(i) {
		return false
	}
	if !it.blk.first() {
		return it.blockError()
	}
	return it.checkUpper()
}

// lastFrom positions at the last entry of block i, or invalidates the
// iterator when i < 0.
func (it *Iter) lastFrom(i int) bool {
	if i < 0 {
		return it.invalidate()
	}
	if !it.loadBlock(i) {
		return false
	}
	if !it.blk.last() {
		return it.blockError()
	}
	return it.checkLower()
}

func (it *Iter) checkKind() bool {
	if k := it.blk.trailer.Kind(); k != base.KindSet && k != base.KindDelete {
		it.blk.corrupt = "invalid entry kind"
		return it.blockError()
	}
	return true
}

func (it *Iter) checkUpper() bool {
	if it.upper != nil && bytes.Compare(it.blk.userKey(), it.upper) >= 0 {
		return it.invalidate()
	}
	it.valid = it.checkKind()
	return it.valid
}

func (it *Iter) checkLower() bool {
	if it.lower != nil && bytes.Compare(it.blk.userKey(), it.lower) < 0 {
		return it.invalidate()
	}
	it.valid = it.checkKind()
	return it.valid
}

// blockError turns a malformed entry of the current block into the
// iterator's error.
func (it *Iter) blockError() bool {
	detail := it.blk.corrupt
	if detail == "" {
		detail = "empty block"
	}
	it.err = it.r.corrupt(int64(it.r.index[it.blockIdx].h.offset), "data block invalid: %s", detail)
	return it.invalidate()
}

func (it *Iter) setErr(err error) bool {
	it.err = err
	return it.invalidate()
}

// loadBlock makes block i current, unpositioned.
func (it *Iter) loadBlock(i int) bool {
	if i == it.blockIdx {
		// Re-seeking within the current block needs no new read.
		it.blk.init(it.blk.data)
		return true
	}
	switch {
	case i == it.blockIdx+1 && it.run >= 0:
		it.run++ // forward scan
	case i == it.blockIdx-1 && it.run <= 0:
		it.run-- // backward scan
	default:
		it.run = 0
	}
	h := it.r.index[i].h
	var data []byte
	var err error
	if c := it.r.cache; c != nil {
		data, _ = c.Get(it.r.fileNum, h.offset)
	}
	if data == nil {
		if it.run < readaheadAfter && it.run > -readaheadAfter {
			data, err = it.r.dataBlock(i, true)
		} else {
			data, err = it.readahead(i, it.run < 0)
		}
		if err != nil {
			it.blockIdx = -1
			return it.setErr(err)
		}
	}
	it.blockIdx = i
	it.bytesRead += h.length + blockTrailerLen
	if !it.blk.init(data) {
		return it.blockError()
	}
	return true
}

// readahead returns data block i from the readahead chunk, reading a new
// chunk when needed: blocks i, i+1, ... (or i, i-1, ... when backward) up
// to readaheadSize bytes, ending at block boundaries. Chunks are never
// reused, so values sliced from them stay valid.
func (it *Iter) readahead(i int, backward bool) ([]byte, error) {
	idx := it.r.index
	h := idx[i].h
	if h.offset < it.raOff || h.end() > it.raOff+uint64(len(it.ra)) {
		start, end := h.offset, h.end()
		if backward {
			for j := i - 1; j >= 0 && end-idx[j].h.offset <= readaheadSize; j-- {
				start = idx[j].h.offset
			}
		} else {
			for j := i + 1; j < len(idx) && idx[j].h.end()-start <= readaheadSize; j++ {
				end = idx[j].h.end()
			}
		}
		buf := make([]byte, end-start)
		if err := it.r.readAt(buf, start); err != nil {
			return nil, err
		}
		it.ra, it.raOff = buf, start
	}
	b := it.ra[h.offset-it.raOff : h.end()-it.raOff]
	return it.r.checkDataBlock(b[:len(b):len(b)], h)
}
