package base

import (
	"bytes"
	"encoding/binary"
)

// SeqNum orders the writes of one stripe. It doubles as the WAL's log
// sequence number (LSN): the n-th write ever made to a stripe has SeqNum n.
// A snapshot at s sees exactly the writes with SeqNum <= s.
type SeqNum uint64

// SeqNumMax is larger than any sequence number a write receives; reading at
// SeqNumMax sees everything.
const SeqNumMax SeqNum = 1<<56 - 1

// Kind says what an entry does to its key.
type Kind uint8

const (
	// KindDelete is a tombstone: the key has no value at this sequence number.
	KindDelete Kind = 0
	// KindSet stores a value.
	KindSet Kind = 1
)

func (k Kind) String() string {
	switch k {
	case KindDelete:
		return "DEL"
	case KindSet:
		return "SET"
	}
	return "INVALID"
}

// Trailer packs a sequence number and a kind into the 8 bytes that follow a
// user key in an internal key: seq<<8 | kind.
type Trailer uint64

// MakeTrailer packs seq and kind.
func MakeTrailer(seq SeqNum, kind Kind) Trailer { return Trailer(uint64(seq)<<8 | uint64(kind)) }

// SeqNum returns the sequence number of t.
func (t Trailer) SeqNum() SeqNum { return SeqNum(t >> 8) }

// Kind returns the kind of t.
func (t Trailer) Kind() Kind { return Kind(t & 0xff) }

// TrailerLen is the encoded length of a trailer.
const TrailerLen = 8

// AppendInternalKey appends userKey followed by the little-endian trailer.
func AppendInternalKey(dst, userKey []byte, t Trailer) []byte {
	dst = append(dst, userKey...)
	return binary.LittleEndian.AppendUint64(dst, uint64(t))
}

// SplitInternalKey splits an encoded internal key. ok is false when ik is
// shorter than a trailer.
func SplitInternalKey(ik []byte) (userKey []byte, t Trailer, ok bool) {
	if len(ik) < TrailerLen {
		return nil, 0, false
	}
	n := len(ik) - TrailerLen
	return ik[:n:n], Trailer(binary.LittleEndian.Uint64(ik[n:])), true
}

// CompareInternal orders internal keys: user keys ascending, then newer
// (larger trailer) first, so that the first entry found for a user key is
// its newest version.
func CompareInternal(aKey []byte, aT Trailer, bKey []byte, bT Trailer) int {
	if c := bytes.Compare(aKey, bKey); c != 0 {
		return c
	}
	switch {
	case aT > bT:
		return -1
	case aT < bT:
		return 1
	}
	return 0
}
