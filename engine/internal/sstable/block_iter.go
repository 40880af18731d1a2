package sstable

import (
	"encoding/binary"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
)

// blockIter iterates over the entries of one block in both directions.
//
// Moving forward decodes the next entry into keyBuf, reusing it, so a step
// does not allocate. Prefix compression makes a block impossible to decode
// backwards, so Prev decodes the whole restart interval before the current
// entry once, records each entry in cache (keys copied into cacheKeys), and
// then steps back through the records: a backward scan costs about twice a
// forward one instead of RestartInterval times.
type blockIter struct {
	data        []byte
	restarts    int // offset of the restart array, which ends the entries
	numRestarts int

	valid      bool
	offset     int // offset of the current entry
	nextOffset int // offset of the entry after it
	key        []byte
	val        []byte
	trailer    base.Trailer
	// corrupt is set, with valid false, when a malformed entry was met.
	corrupt string

	keyBuf []byte

	cache     []cachedEntry
	cacheKeys []byte
	cachePos  int // index of the current entry in cache, -1 if not from cache
}

type cachedEntry struct {
	offset, nextOffset int
	keyStart, keyEnd   int // in cacheKeys
	valStart, valEnd   int // in data
}

// init positions the iterator on data, unpositioned. It returns false (and
// sets corrupt) if the block is malformed.
func (i *blockIter) init(data []byte) bool {
	*i = blockIter{keyBuf: i.keyBuf[:0], cache: i.cache[:0], cacheKeys: i.cacheKeys[:0], cachePos: -1}
	restarts, n, ok := parseBlock(data)
	if !ok {
		i.corrupt = "malformed restart array"
		return false
	}
	i.data, i.restarts, i.numRestarts = data, restarts, n
	return true
}

func (i *blockIter) fail(detail string) bool {
	i.valid = false
	i.corrupt = detail
	return false
}

func (i *blockIter) dropCache() {
	i.cache = i.cache[:0]
	i.cacheKeys = i.cacheKeys[:0]
	i.cachePos = -1
}

// decodeAt decodes the entry at off, whose key shares a prefix with the key
// in keyBuf, and makes it current. At the end of the entries it leaves the
// iterator exhausted.
func (i *blockIter) decodeAt(off int) bool {
	if off >= i.restarts {
		i.valid = false
		i.offset = i.restarts
		return false
	}
	var shared, unshared, vlen, p int
	var ok bool
	// The common case (every length < 128) inline; decodeEntry handles
	// the rest.
	if d := i.data; off+3 <= i.restarts && i.restarts <= len(d) && (d[off]|d[off+1]|d[off+2])&0x80 == 0 {
		shared, unshared, vlen, p = int(d[off]), int(d[off+1]), int(d[off+2]), off+3
		ok = unshared <= i.restarts-p && vlen <= i.restarts-p-unshared
	} else {
		shared, unshared, vlen, p, ok = decodeEntry(i.data, off, i.restarts)
	}
	if !ok || shared > len(i.keyBuf) {
		return i.fail("malformed entry")
	}
	i.keyBuf = append(i.keyBuf[:shared], i.data[p:p+unshared]...)
	if len(i.keyBuf) < base.TrailerLen {
		return i.fail("key shorter than its trailer")
	}
	i.key = i.keyBuf
	i.trailer = base.Trailer(binary.LittleEndian.Uint64(i.keyBuf[len(i.keyBuf)-base.TrailerLen:]))
	p += unshared
	i.val = i.data[p : p+vlen : p+vlen]
	i.offset = off
	i.nextOffset = p + vlen
	i.valid = true
	return true
}

func (i *blockIter) first() bool {
	i.dropCache()
	i.keyBuf = i.keyBuf[:0]
	return i.decodeAt(0)
}

func (i *blockIter) next() bool {
	if !i.valid {
		return false
	}
	if i.cachePos >= 0 {
		if i.cachePos+1 < len(i.cache) {
			i.cachePos++
			i.setFromCache()
			return true
		}
		// Leaving the cached interval: the key to extend is the current
		// one, which lives in cacheKeys.
		i.keyBuf = append(i.keyBuf[:0], i.key...)
		i.dropCache()
	}
	return i.decodeAt(i.nextOffset)
}

// seekGE positions at the first entry >= (ukey, t) in internal order, or
// leaves the iterator exhausted if every entry is smaller.
func (i *blockIter) seekGE(ukey []byte, t base.Trailer) bool {
	i.dropCache()
	if i.numRestarts == 0 {
		i.valid = false
		return false
	}
	j, ok := searchRestarts(i.data, i.restarts, i.numRestarts, ukey, t)
	if !ok {
		return i.fail("malformed restart entry")
	}
	i.keyBuf = i.keyBuf[:0]
	if !i.decodeAt(restartOffset(i.data, i.restarts, j)) {
		return false
	}
	for compareIK(i.key, ukey, t) < 0 {
		if !i.decodeAt(i.nextOffset) {
			return false
		}
	}
	return true
}

// seekLT positions at the last entry < (ukey, t), or leaves the iterator
// invalid (not corrupt) if there is none.
func (i *blockIter) seekLT(ukey []byte, t base.Trailer) bool {
	if i.seekGE(ukey, t) {
		return i.prev()
	}
	if i.corrupt != "" {
		return false
	}
	return i.last()
}

func (i *blockIter) last() bool {
	i.dropCache()
	if i.numRestarts == 0 {
		i.valid = false
		return false
	}
	return i.fillCache(i.numRestarts-1, i.restarts)
}

func (i *blockIter) prev() bool {
	if !i.valid {
		return false
	}
	if i.cachePos > 0 {
		i.cachePos--
		i.setFromCache()
		return true
	}
	end := i.offset
	if end == 0 {
		i.valid = false
		i.offset = -1
		return false
	}
	// The restart interval holding the entry before end: the last restart
	// point before end.
	lo, hi := 0, i.numRestarts
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if restartOffset(i.data, i.restarts, m) < end {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo == 0 {
		return i.fail("restart array does not start at the first entry")
	}
	i.dropCache()
	return i.fillCache(lo-1, end)
}

// fillCache decodes the entries from restart point j up to offset end into
// the cache and positions on the last of them.
func (i *blockIter) fillCache(j, end int) bool {
	i.keyBuf = i.keyBuf[:0]
	off := restartOffset(i.data, i.restarts, j)
	if off >= end {
		return i.fail("restart offsets out of order")
	}
	for off < end {
		if !i.decodeAt(off) {
			if i.corrupt == "" {
				return i.fail("entries overrun the restart array")
			}
			return false
		}
		ks := len(i.cacheKeys)
		i.cacheKeys = append(i.cacheKeys, i.keyBuf...)
		vs := i.nextOffset - len(i.val)
		i.cache = append(i.cache, cachedEntry{
			offset: off, nextOffset: i.nextOffset,
			keyStart: ks, keyEnd: len(i.cacheKeys),
			valStart: vs, valEnd: i.nextOffset,
		})
		off = i.nextOffset
	}
	if off != end {
		return i.fail("entries overlap the next entry")
	}
	i.cachePos = len(i.cache) - 1
	i.setFromCache()
	return true
}

func (i *blockIter) setFromCache() {
	e := &i.cache[i.cachePos]
	i.key = i.cacheKeys[e.keyStart:e.keyEnd:e.keyEnd]
	i.val = i.data[e.valStart:e.valEnd:e.valEnd]
	i.offset, i.nextOffset = e.offset, e.nextOffset
	i.trailer = base.Trailer(binary.LittleEndian.Uint64(i.key[len(i.key)-base.TrailerLen:]))
	i.valid = true
}

// userKey returns the current entry's user key.
func (i *blockIter) userKey() []byte {
	return i.key[: len(i.key)-base.TrailerLen : len(i.key)-base.TrailerLen]
}
