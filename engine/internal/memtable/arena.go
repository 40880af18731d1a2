package memtable

import (
	"encoding/binary"
	"sync/atomic"
	"unsafe"
)

// Entries live in an arena of byte chunks rather than in Go objects: an
// entry is one contiguous run of bytes, so reading it touches one cache
// line, and the garbage collector sees a few large byte slices instead of
// thousands of pointers.
//
// An entry reference is a uint32: chunk index plus one (high 12 bits; 0
// means none) and offset in the chunk (low 20 bits). Entries never span
// chunks; an entry bigger than a chunk gets a chunk of its own.
//
// Entry layout (offsets 4-byte aligned, little-endian):
//
//	+---------+--------+--------+------+-------+-----+-------+
//	| trailer | keyLen | valLen | hash | chain | key | value |
//	|    8    |   4    |   4    |  4   |   4   |     |       |
//	+---------+--------+--------+------+-------+-----+-------+
//
// chain links the entries of one hash bucket, newest first.
const (
	firstChunk  = 4 << 10
	chunkSize   = 64 << 10
	offsetBits  = 20
	maxChunks   = 1<<(32-offsetBits) - 1
	entryHeader = 24
	offTrailer  = 0
	offKeyLen   = 8
	offValLen   = 12
	offHash     = 16
	offChain    = 20
)

type ref uint32

type arena struct {
	chunks atomic.Pointer[[][]byte] // copied on growth; readers reload it
	cur    []byte                   // writer only: the chunk being filled
	used   atomic.Int64             // bytes handed out, for memory accounting
}

func makeRef(chunk, off int) ref { return ref((chunk+1)<<offsetBits | off) }

func (r ref) split() (chunk, off int) {
	return int(r>>offsetBits) - 1, int(r & (1<<offsetBits - 1))
}

// full reports whether the arena cannot take more chunks.
func (a *arena) full() bool {
	cs := a.chunks.Load()
	return cs != nil && len(*cs) >= maxChunks-1
}

// alloc reserves n bytes (rounded up to 4) and returns their reference and
// the bytes. Writer only.
func (a *arena) alloc(n int) (ref, []byte) {
	n = (n + 3) &^ 3
	if len(a.cur)+n > cap(a.cur) {
		var cs [][]byte
		if old := a.chunks.Load(); old != nil {
			cs = append(make([][]byte, 0, len(*old)+1), *old...)
		}
		// Chunks start small and double: 256 stripes each hold a
		// memtable, most of them nearly empty at any moment.
		size := max(min(chunkSize, firstChunk<<len(cs)), n)
		a.cur = make([]byte, 0, size)
		cs = append(cs, a.cur[:size])
		a.chunks.Store(&cs)
	}
	cs := *a.chunks.Load()
	off := len(a.cur)
	a.cur = a.cur[:off+n]
	a.used.Add(int64(n))
	return makeRef(len(cs)-1, off), a.cur[off : off+n : off+n]
}

// entry returns the bytes of an entry from its start to the end of its
// chunk.
func (a *arena) entry(r ref) []byte {
	c, off := r.split()
	return (*a.chunks.Load())[c][off:]
}

func chainLink(b []byte) *atomic.Uint32 {
	return (*atomic.Uint32)(unsafe.Pointer(&b[offChain]))
}

func entryKey(b []byte) []byte {
	kl := int(binary.LittleEndian.Uint32(b[offKeyLen:]))
	return b[entryHeader : entryHeader+kl : entryHeader+kl]
}

func entryValue(b []byte) []byte {
	kl := int(binary.LittleEndian.Uint32(b[offKeyLen:]))
	vl := int(binary.LittleEndian.Uint32(b[offValLen:]))
	if vl == 0 {
		return nil
	}
	start := entryHeader + kl
	return b[start : start+vl : start+vl]
}

func entryTrailer(b []byte) uint64 { return binary.LittleEndian.Uint64(b[offTrailer:]) }

func entryHash(b []byte) uint32 { return binary.LittleEndian.Uint32(b[offHash:]) }
