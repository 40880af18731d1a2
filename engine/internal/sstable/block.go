package sstable

import (
	"bytes"
	"encoding/binary"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
)

// blockWriter builds one data or index block (see the package doc).
type blockWriter struct {
	restartInterval int
	buf             []byte
	restarts        []uint32
	sinceRestart    int
	entries         int
	prevKey         []byte
}

func (b *blockWriter) add(key, value []byte) {
	shared := 0
	if b.entries > 0 && b.sinceRestart < b.restartInterval {
		shared = commonPrefix(b.prevKey, key)
	} else {
		b.restarts = append(b.restarts, uint32(len(b.buf)))
		b.sinceRestart = 0
	}
	b.buf = binary.AppendUvarint(b.buf, uint64(shared))
	b.buf = binary.AppendUvarint(b.buf, uint64(len(key)-shared))
	b.buf = binary.AppendUvarint(b.buf, uint64(len(value)))
	b.buf = append(b.buf, key[shared:]...)
	b.buf = append(b.buf, value...)
	b.prevKey = append(b.prevKey[:0], key...)
	b.sinceRestart++
	b.entries++
}

// estimatedSize is the size finish would return.
func (b *blockWriter) estimatedSize() int {
	return len(b.buf) + 4*len(b.restarts) + 4
}

// finish appends the restart array and returns the block contents, which
// stay valid until the next reset.
func (b *blockWriter) finish() []byte {
	for _, r := range b.restarts {
		b.buf = binary.LittleEndian.AppendUint32(b.buf, r)
	}
	b.buf = binary.LittleEndian.AppendUint32(b.buf, uint32(len(b.restarts)))
	return b.buf
}

func (b *blockWriter) reset() {
	b.buf = b.buf[:0]
	b.restarts = b.restarts[:0]
	b.sinceRestart = 0
	b.entries = 0
	b.prevKey = b.prevKey[:0]
}

func commonPrefix(a, b []byte) int {
	n := min(len(a), len(b))
	i := 0
	for i+8 <= n && binary.LittleEndian.Uint64(a[i:]) == binary.LittleEndian.Uint64(b[i:]) {
		i += 8
	}
	for i < n && a[i] == b[i] {
		i++
	}
	return i
}

// parseBlock returns the offset of the restart array (the end of the
// entries) and the number of restarts, checking only what is O(1): that
// the restart array fits. ok is false for a malformed block. A block with
// no restarts must have no entries.
func parseBlock(data []byte) (restarts, numRestarts int, ok bool) {
	if len(data) < 4 {
		return 0, 0, false
	}
	n := binary.LittleEndian.Uint32(data[len(data)-4:])
	if uint64(n) > uint64(len(data)-4)/4 {
		return 0, 0, false
	}
	restarts = len(data) - 4 - 4*int(n)
	if n == 0 && restarts != 0 {
		return 0, 0, false
	}
	return restarts, int(n), true
}

// checkRestarts validates the restart array once, when a block is read from
// the file: the first restart is entry 0, offsets increase strictly within
// the entries, and each restart entry stores its key whole. (That restarts
// fall on entry boundaries needs a full decode; Verify checks it.)
// Decoding stays bounds-checked regardless, so this is for early, precise
// reporting rather than safety.
func checkRestarts(data []byte, restarts, numRestarts int) bool {
	prev := -1
	for j := range numRestarts {
		r := int(binary.LittleEndian.Uint32(data[restarts+4*j:]))
		if (j == 0 && r != 0) || r <= prev || r >= restarts {
			return false
		}
		if shared, _, _, _, ok := decodeEntry(data, r, restarts); !ok || shared != 0 {
			return false
		}
		prev = r
	}
	return true
}

// decodeEntry decodes the header of the entry at off, whose bytes must end
// by limit. It returns the shared and unshared key lengths, the value
// length and the offset of the unshared key bytes; ok is false if the
// entry does not fit.
func decodeEntry(data []byte, off, limit int) (shared, unshared, vlen, p int, ok bool) {
	if off < 0 || limit > len(data) || off >= limit {
		return 0, 0, 0, 0, false
	}
	// Fast path: all three lengths fit in one byte (keys and values under
	// 128 bytes, the common case).
	if off+3 <= limit {
		a, b, c := data[off], data[off+1], data[off+2]
		if (a|b|c)&0x80 == 0 {
			shared, unshared, vlen, p = int(a), int(b), int(c), off+3
			ok = unshared <= limit-p && vlen <= limit-p-unshared
			return
		}
	}
	p = off
	var v [3]int
	for k := range v {
		x, n := binary.Uvarint(data[p:limit])
		if n <= 0 || x > uint64(limit) {
			return 0, 0, 0, 0, false
		}
		v[k] = int(x)
		p += n
	}
	shared, unshared, vlen = v[0], v[1], v[2]
	ok = unshared <= limit-p && vlen <= limit-p-unshared
	return
}

// restartOffset returns the offset of the j-th restart point.
func restartOffset(data []byte, restarts, j int) int {
	return int(binary.LittleEndian.Uint32(data[restarts+4*j:]))
}

// restartKey returns the key stored whole at restart point j. ok is false
// when the entry is malformed or is not stored whole.
func restartKey(data []byte, restarts, j int) ([]byte, bool) {
	off := restartOffset(data, restarts, j)
	shared, unshared, _, p, ok := decodeEntry(data, off, restarts)
	if !ok || shared != 0 || unshared < base.TrailerLen {
		return nil, false
	}
	return data[p : p+unshared], true
}

// compareIK compares an encoded internal key (at least TrailerLen bytes)
// with (ukey, t) in base.CompareInternal order.
func compareIK(ik, ukey []byte, t base.Trailer) int {
	n := len(ik) - base.TrailerLen
	if c := bytes.Compare(ik[:n], ukey); c != 0 {
		return c
	}
	it := base.Trailer(binary.LittleEndian.Uint64(ik[n:]))
	switch {
	case it > t:
		return -1
	case it < t:
		return 1
	}
	return 0
}

// searchRestarts returns the index of the restart point to start a linear
// scan from to find the first key >= (ukey, t): the last restart whose key
// is < the target, or 0. ok is false if a restart key is malformed.
func searchRestarts(data []byte, restarts, numRestarts int, ukey []byte, t base.Trailer) (int, bool) {
	// Invariant: keys at restarts < lo are < target; at restarts >= hi are >= target.
	lo, hi := 0, numRestarts
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		k, ok := restartKey(data, restarts, m)
		if !ok {
			return 0, false
		}
		if compareIK(k, ukey, t) < 0 {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return max(lo-1, 0), true
}
