package sstable

import (
	"bytes"
	"encoding/binary"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
)

// GetResult is the outcome of a point read in one table.
type GetResult struct {
	// Found is set when the table has an entry for the key visible at the
	// snapshot; Kind tells whether it is a value or a tombstone.
	Found bool
	Kind  base.Kind
	Seq   base.SeqNum
	// Value is read-only. It may alias a cached block, which is never
	// modified, so it is safe to retain.
	Value []byte
	// BloomChecked is set when the table has a filter and it was
	// consulted.
	BloomChecked bool
	// BloomNegative is set when the filter said the key is absent, so no
	// block was read.
	BloomNegative bool
}

// Get returns the newest entry for userKey with a sequence number <=
// snapshot. A tombstone is reported as Found with Kind == base.KindDelete.
// It does not allocate when the block is cached.
func (r *Reader) Get(userKey []byte, snapshot base.SeqNum) (GetResult, error) {
	var res GetResult
	if r.filter != nil {
		res.BloomChecked = true
		if !r.filter.MayContain(userKey) {
			res.BloomNegative = true
			return res, nil
		}
	}
	// Entries of userKey visible at snapshot are those at or after
	// (userKey, snapshot<<8|0xff) in internal order; the first of them is
	// the newest.
	t := base.MakeTrailer(min(snapshot, base.SeqNumMax), 0xff)
	i := r.findBlock(userKey, t)
	if i == len(r.index) {
		return res, nil
	}
	data, err := r.dataBlock(i, true)
	if err != nil {
		return res, err
	}
	// If block i holds no entry >= target, the target falls between its
	// last key and its separator, and the next block starts after the
	// separator, with a larger user key (see the separator invariant in
	// the package doc): the table has no visible version of userKey.
	return r.getInBlock(data, r.index[i].h.offset, userKey, t, res)
}

// getInBlock finds the first entry >= (ukey, t) in a data block and
// reports it if its user key is ukey. It is a specialised blockIter.seekGE
// that does not allocate (keys are rebuilt in a stack buffer) and that
// avoids most key comparisons during the linear scan:
//
// m is the length of the common prefix of the previous entry's user key and
// ukey. An entry sharing s <= m bytes with its predecessor also shares them
// with ukey, so only its unshared bytes need comparing, and they are
// compared where they lie in the block (comparing the freshly rebuilt key
// would stall on store forwarding). An entry sharing s > m bytes has the
// predecessor's byte at m, which is below ukey's, so it is smaller than the
// target without any comparison.
func (r *Reader) getInBlock(data []byte, blockOff uint64, ukey []byte, t base.Trailer, res GetResult) (GetResult, error) {
	restarts, n, ok := parseBlock(data)
	if !ok || n == 0 {
		return res, r.corrupt(int64(blockOff), "data block invalid: malformed restart array")
	}
	j, ok := searchRestarts(data, restarts, n, ukey, t)
	if !ok {
		return res, r.corrupt(int64(blockOff), "data block invalid: malformed restart entry")
	}
	var buf [128]byte
	key := buf[:0]
	m := 0       // common prefix of the previous user key and ukey
	prevLen := 0 // length of the previous user key
	off := restartOffset(data, restarts, j)
	for off < restarts {
		var shared, unshared, vlen, p int
		// The common case (every length < 128) inline; decodeEntry handles
		// the rest.
		if off+3 <= restarts && (data[off]|data[off+1]|data[off+2])&0x80 == 0 {
			shared, unshared, vlen, p = int(data[off]), int(data[off+1]), int(data[off+2]), off+3
			ok = unshared <= restarts-p && vlen <= restarts-p-unshared
		} else {
			shared, unshared, vlen, p, ok = decodeEntry(data, off, restarts)
		}
		if !ok || shared > len(key) {
			return res, r.corrupt(int64(blockOff), "data block invalid: malformed entry")
		}
		key = append(key[:shared], data[p:p+unshared]...)
		ulen := len(key) - base.TrailerLen
		if ulen < 0 {
			return res, r.corrupt(int64(blockOff), "data block invalid: key shorter than its trailer")
		}
		var c int
		switch {
		case shared <= m && shared <= ulen:
			// key[:shared] == ukey[:shared]: compare the rest in place.
			rest, tail := data[p:p+ulen-shared], ukey[shared:]
			k := commonPrefix(rest, tail)
			m = shared + k
			if k < len(rest) && k < len(tail) {
				c = int(rest[k]) - int(tail[k])
			} else {
				c = len(rest) - len(tail)
			}
		case m < prevLen && m < len(ukey) && m < ulen:
			// shared > m: key[m] is the previous key's byte at m, which is
			// below ukey[m].
			c = -1
		default:
			// Rare: the previous key equals ukey or is a prefix of it.
			m = commonPrefix(key[:ulen], ukey)
			c = compareUserKeys(key[:ulen], ukey)
		}
		prevLen = ulen
		if c > 0 {
			return res, nil
		}
		if c == 0 {
			et := base.Trailer(binary.LittleEndian.Uint64(key[ulen:]))
			if et <= t {
				if k := et.Kind(); k != base.KindSet && k != base.KindDelete {
					return res, r.corrupt(int64(blockOff), "data block invalid: entry kind %d", k)
				}
				v := data[p+unshared : p+unshared+vlen : p+unshared+vlen]
				res.Found, res.Kind, res.Seq, res.Value = true, et.Kind(), et.SeqNum(), v
				return res, nil
			}
		}
		off = p + unshared + vlen
	}
	return res, nil
}

// compareUserKeys is bytes.Compare specialised for short keys: comparing
// 8-byte big-endian words inline beats calling the general routine for
// the 16-byte keys point reads typically use.
func compareUserKeys(a, b []byte) int {
	if len(a) > 32 || len(b) > 32 {
		return bytes.Compare(a, b)
	}
	n := min(len(a), len(b))
	i := 0
	for ; i+8 <= n; i += 8 {
		x, y := binary.BigEndian.Uint64(a[i:]), binary.BigEndian.Uint64(b[i:])
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	for ; i < n; i++ {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	return len(a) - len(b) // only the sign matters
}
