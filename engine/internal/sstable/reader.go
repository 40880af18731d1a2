package sstable

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
	"github.com/keystonedb/kstone-shell/engine/internal/bloom"
	"github.com/keystonedb/kstone-shell/engine/internal/cache"
)

// ReadableFile is what a Reader needs of a file; vfs.File satisfies it.
type ReadableFile interface {
	io.ReaderAt
	io.Closer
}

// ReaderOptions configure a Reader.
type ReaderOptions struct {
	// Cache is the block cache shared by all readers; nil disables caching.
	Cache *cache.Cache
	// FileNum identifies the file in the cache; it must be unique among the
	// files sharing Cache.
	FileNum base.FileNum
	// Name is the file's base name, reported in errors.
	Name string
}

// Reader reads an SST. It keeps the decoded index and the filter in memory
// and reads data blocks on demand through the block cache. Get, NewIter,
// Verify and Properties may be called concurrently; each Iter is for one
// goroutine.
type Reader struct {
	f       ReadableFile
	size    int64
	name    string
	cache   *cache.Cache
	fileNum uint64

	index []indexEntry
	// idxCommon is the prefix shared by every separator and idxWords[i]
	// the 8 separator bytes that follow it, big-endian, zero-padded: a
	// dense array that findBlock binary-searches first, so that a point
	// read touches a 8-byte word per probe instead of an entry and a key
	// elsewhere in memory.
	idxCommon []byte
	idxWords  []uint64
	filter    bloom.Filter // nil when the table has none
	props     Properties
	dataEnd   uint64
	meta      footer
}

// indexEntry is a decoded index entry: data block i holds keys in
// (separator i-1, separator i].
type indexEntry struct {
	sepUser    []byte
	sepTrailer base.Trailer
	h          handle
}

// NewReader opens the table in f, whose size is size bytes. It reads and
// checks the header, footer, filter, index and properties blocks; damage is
// reported as a *base.CorruptionError. On error f is not closed.
func NewReader(f ReadableFile, size int64, opts ReaderOptions) (*Reader, error) {
	r := &Reader{f: f, size: size, name: opts.Name, cache: opts.Cache, fileNum: uint64(opts.FileNum)}
	if err := r.readHeader(); err != nil {
		return nil, err
	}
	if err := r.readFooter(); err != nil {
		return nil, err
	}
	if err := r.readMeta(); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *Reader) corrupt(off int64, format string, args ...any) error {
	return corruption(r.name, off, format, args...)
}

// readAt fills p from offset off. A short read means the file is shorter
// than the size the Reader was given: corruption (a truncated file).
func (r *Reader) readAt(p []byte, off uint64) error {
	n, err := r.f.ReadAt(p, int64(off))
	if n == len(p) {
		return nil
	}
	if err == nil || err == io.EOF || err == io.ErrUnexpectedEOF {
		return r.corrupt(int64(off)+int64(n), "short read: file shorter than %d bytes", r.size)
	}
	return fmt.Errorf("sst %s: read %d bytes at %d: %w", r.name, len(p), off, err)
}

func (r *Reader) readHeader() error {
	if r.size < int64(len(magic)) {
		return r.corrupt(0, DetailBadHeader)
	}
	var hdr [headerLen]byte
	n := min(int64(headerLen), r.size)
	if err := r.readAt(hdr[:n], 0); err != nil {
		return err
	}
	if string(hdr[:len(magic)]) != magic {
		return r.corrupt(0, DetailBadHeader)
	}
	if r.size < headerLen+footerLen {
		return r.corrupt(r.size, "SST file truncated: %d bytes", r.size)
	}
	if v := binary.LittleEndian.Uint32(hdr[4:]); v != formatVersion {
		return r.corrupt(4, "unsupported SST format version %d", v)
	}
	return nil
}

func (r *Reader) readFooter() error {
	off := r.size - footerLen
	var b [footerLen]byte
	if err := r.readAt(b[:], uint64(off)); err != nil {
		return err
	}
	if string(b[footerLen-len(magic):]) != magic {
		return r.corrupt(off, "SST footer invalid: bad magic (truncated file?)")
	}
	want := binary.LittleEndian.Uint32(b[footerCRCLen:])
	if got := crc32Checksum(b[:footerCRCLen]); got != want {
		return r.corrupt(off, "SST footer invalid: checksum mismatch")
	}
	if v := binary.LittleEndian.Uint32(b[footerCRCLen-4:]); v != formatVersion {
		return r.corrupt(off, "SST footer invalid: format version %d", v)
	}
	hs := [3]*handle{&r.meta.filter, &r.meta.index, &r.meta.props}
	for i, h := range hs {
		h.offset = binary.LittleEndian.Uint64(b[16*i:])
		h.length = binary.LittleEndian.Uint64(b[16*i+8:])
	}
	// The blocks must tile [dataEnd, size-footerLen) exactly. Bounding
	// every field by the file size first keeps the sums from overflowing.
	size := uint64(r.size)
	for _, h := range hs {
		if h.offset > size || h.length > size {
			return r.corrupt(off, "SST footer invalid: block handle out of range")
		}
	}
	f := r.meta
	r.dataEnd = f.filter.offset
	filterEnd := f.filter.offset
	if f.filter.length > 0 {
		filterEnd = f.filter.end()
	}
	if f.filter.offset < headerLen || filterEnd != f.index.offset ||
		f.index.end() != f.props.offset || f.props.end() != uint64(off) {
		return r.corrupt(off, "SST footer invalid: block handles do not tile the file")
	}
	return nil
}

// readMeta reads the filter, index and properties blocks with one read.
func (r *Reader) readMeta() error {
	start := r.dataEnd
	buf := make([]byte, uint64(r.size-footerLen)-start)
	if err := r.readAt(buf, start); err != nil {
		return err
	}
	block := func(h handle, what string) ([]byte, error) {
		b := buf[h.offset-start : h.end()-start]
		return r.checkTrailer(b, h, what)
	}
	if r.meta.filter.length > 0 {
		fb, err := block(r.meta.filter, "filter")
		if err != nil {
			return err
		}
		// Copied so that the filter, kept for the Reader's life, does not
		// pin the raw index and properties blocks read along with it.
		r.filter = bloom.Filter(bytes.Clone(fb))
		if !r.filter.Valid() {
			return r.corrupt(int64(r.meta.filter.offset), "bloom filter block invalid")
		}
	}
	ib, err := block(r.meta.index, "index")
	if err != nil {
		return err
	}
	if err := r.decodeIndex(ib); err != nil {
		return err
	}
	pb, err := block(r.meta.props, "properties")
	if err != nil {
		return err
	}
	if r.props, err = decodeProperties(pb); err != nil {
		return r.corrupt(int64(r.meta.props.offset), "properties block invalid: %v", err)
	}
	if r.props.DataBlocks != len(r.index) || (r.props.Entries == 0) != (len(r.index) == 0) {
		return r.corrupt(int64(r.meta.props.offset), "properties block invalid: %d data blocks, index has %d",
			r.props.DataBlocks, len(r.index))
	}
	r.props.Size = uint64(r.size)
	return nil
}

// checkTrailer verifies the trailer at the end of b (contents + trailer of
// block h) and returns the contents. A checksum mismatch in a data block has
// the exact detail DetailChecksum; other blocks name themselves.
func (r *Reader) checkTrailer(b []byte, h handle, what string) ([]byte, error) {
	n := len(b) - blockTrailerLen
	contents, typ := b[:n:n], b[n]
	if blockCRC(contents, typ) != binary.LittleEndian.Uint32(b[n+1:]) {
		if what == "data" {
			return nil, r.corrupt(int64(h.offset), DetailChecksum)
		}
		return nil, r.corrupt(int64(h.offset), "%s in %s block", DetailChecksum, what)
	}
	if typ != compressionNone {
		return nil, r.corrupt(int64(h.offset), "unsupported compression type %d in %s block", typ, what)
	}
	return contents, nil
}

func (r *Reader) decodeIndex(b []byte) error {
	off := int64(r.meta.index.offset)
	var it blockIter
	if !it.init(b) || !checkRestarts(b, it.restarts, it.numRestarts) {
		return r.corrupt(off, "index block invalid: malformed restart array")
	}
	type span struct{ start, end int }
	var (
		arena []byte
		spans []span
	)
	next := uint64(headerLen)
	for ok := it.first(); ok; ok = it.next() {
		h, err := decodeHandle(it.val)
		if err != nil {
			return r.corrupt(off, "index block invalid: entry %d: %v", len(r.index), err)
		}
		// Data blocks tile [headerLen, dataEnd) in order, which bounds
		// every length by the file size.
		if h.offset != next || h.length < 4 || r.dataEnd-next < blockTrailerLen || h.length > r.dataEnd-next-blockTrailerLen {
			return r.corrupt(off, "index block invalid: entry %d: block [%d, +%d) does not follow the previous one", len(r.index), h.offset, h.length)
		}
		next = h.end()
		if n := len(r.index); n > 0 {
			prev := &r.index[n-1]
			if compareIK(it.key, prev.sepUser, prev.sepTrailer) <= 0 {
				return r.corrupt(off, "index block invalid: entry %d: keys out of order", n)
			}
		}
		s := span{len(arena), 0}
		arena = append(arena, it.userKey()...)
		s.end = len(arena)
		spans = append(spans, s)
		// sepUser is filled in below, once the arena stops moving; until
		// then it points at the block so that the order check works.
		r.index = append(r.index, indexEntry{sepUser: arena[s.start:s.end], sepTrailer: it.trailer, h: h})
	}
	if it.corrupt != "" {
		return r.corrupt(off, "index block invalid: %s", it.corrupt)
	}
	if next != r.dataEnd {
		return r.corrupt(off, "index block invalid: data blocks end at %d, filter starts at %d", next, r.dataEnd)
	}
	for i, s := range spans {
		r.index[i].sepUser = arena[s.start:s.end:s.end]
	}
	if n := len(r.index); n > 0 {
		first, last := r.index[0].sepUser, r.index[n-1].sepUser
		r.idxCommon = first[:commonPrefix(first, last)]
		r.idxWords = make([]uint64, n)
		for i := range r.index {
			r.idxWords[i] = keyWord(r.index[i].sepUser, len(r.idxCommon))
		}
	}
	return nil
}

// keyWord returns the 8 bytes of k from offset l, big-endian, zero-padded.
// It is monotonic: a < b (bytewise) implies keyWord(a) <= keyWord(b) for
// keys sharing their first l bytes.
func keyWord(k []byte, l int) uint64 {
	if len(k) >= l+8 {
		return binary.BigEndian.Uint64(k[l:])
	}
	var b [8]byte
	if len(k) > l {
		copy(b[:], k[l:])
	}
	return binary.BigEndian.Uint64(b[:])
}

func decodeHandle(b []byte) (handle, error) {
	o, n := binary.Uvarint(b)
	if n <= 0 {
		return handle{}, fmt.Errorf("bad block offset")
	}
	l, m := binary.Uvarint(b[n:])
	if m <= 0 || n+m != len(b) {
		return handle{}, fmt.Errorf("bad block length")
	}
	return handle{o, l}, nil
}

// Properties returns the table's properties.
func (r *Reader) Properties() Properties { return r.props }

// Close closes the file. It does not evict the table's blocks from the
// cache: the engine calls cache.EvictFile when it deletes the file.
func (r *Reader) Close() error { return r.f.Close() }

// findBlock returns the index of the first data block whose separator is
// >= (ukey, t): the only block that can hold the first entry >= the target.
// It returns len(r.index) if every entry is smaller.
func (r *Reader) findBlock(ukey []byte, t base.Trailer) int {
	lo, hi := 0, len(r.index)
	if l := len(r.idxCommon); len(ukey) >= l && bytes.Equal(ukey[:l], r.idxCommon) {
		// Narrow [lo, hi) to the separators whose word equals ukey's:
		// by monotonicity, those with a smaller word are smaller than the
		// target and those with a larger one are larger.
		x := keyWord(ukey, l)
		lo, _ = slices.BinarySearch(r.idxWords, x)
		hi = lo
		if hi < len(r.idxWords) && r.idxWords[hi] == x {
			// Usually a single separator; more when keys agree on 8
			// bytes beyond the prefix shared by the first and last ones.
			if x == math.MaxUint64 {
				hi = len(r.idxWords)
			} else {
				hi, _ = slices.BinarySearch(r.idxWords, x+1)
			}
		}
	}
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		e := &r.index[m]
		c := bytes.Compare(e.sepUser, ukey)
		if c == 0 {
			switch {
			case e.sepTrailer > t:
				c = -1
			case e.sepTrailer < t:
				c = 1
			}
		}
		if c < 0 {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// readDataBlock reads data block i from the file (bypassing the cache) and
// checks it.
func (r *Reader) readDataBlock(i int) ([]byte, error) {
	h := r.index[i].h
	buf := make([]byte, h.length+blockTrailerLen)
	if err := r.readAt(buf, h.offset); err != nil {
		return nil, err
	}
	return r.checkDataBlock(buf, h)
}

// checkDataBlock verifies a data block read from the file (contents and
// trailer) and returns its contents.
func (r *Reader) checkDataBlock(b []byte, h handle) ([]byte, error) {
	contents, err := r.checkTrailer(b, h, "data")
	if err != nil {
		return nil, err
	}
	restarts, n, ok := parseBlock(contents)
	if !ok || n == 0 || !checkRestarts(contents, restarts, n) {
		return nil, r.corrupt(int64(h.offset), "data block invalid: malformed restart array")
	}
	return contents, nil
}

// dataBlock returns data block i, from the cache when it is there;
// otherwise it reads it and, if fill is set, caches it.
func (r *Reader) dataBlock(i int, fill bool) ([]byte, error) {
	if r.cache != nil {
		if b, ok := r.cache.Get(r.fileNum, r.index[i].h.offset); ok {
			return b, nil
		}
	}
	b, err := r.readDataBlock(i)
	if err == nil && fill && r.cache != nil {
		r.cache.Set(r.fileNum, r.index[i].h.offset, b)
	}
	return b, err
}
