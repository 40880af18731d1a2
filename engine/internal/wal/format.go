package wal

import (
	"encoding/binary"
	"hash/crc32"
	"math"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
)

// Format constants; see the package doc for the layout.
const (
	// HeaderSize is the size of a segment header; the first record starts
	// here.
	HeaderSize = 32
	// RecordHeaderSize is the per-record overhead in front of the payload.
	RecordHeaderSize = 24
	// FormatVersion is the version written in new headers and the only one
	// the reader accepts.
	FormatVersion = 1
	// MaxPayloadSize bounds one record's payload. The length field could
	// hold 4 GiB; a smaller bound keeps a damaged length from making
	// anything allocate that much.
	MaxPayloadSize = 1 << 30

	magic = "KWAL"

	// Header field offsets.
	hdrVersionOff = 4
	hdrStripeOff  = 6
	hdrFlagsOff   = 7
	hdrNumOff     = 8
	hdrCRCOff     = 28

	// Record header field offsets.
	recLenOff = 4
	recNumOff = 8
	recLSNOff = 16
)

// crcTable is CRC-32C, computed in hardware on amd64 and arm64. It is built
// once and never modified.
var crcTable = crc32.MakeTable(crc32.Castagnoli)

// Header flags.
const (
	// flagRelaxed marks a segment written with relaxed durability: its
	// records may reach the disk after a later segment's, so a crash can
	// tear a segment that is not the newest.
	flagRelaxed = 1 << 0
)

// encodeHeader returns a segment header.
func encodeHeader(stripe base.StripeID, num base.FileNum, flags byte) [HeaderSize]byte {
	var h [HeaderSize]byte
	copy(h[:], magic)
	binary.LittleEndian.PutUint16(h[hdrVersionOff:], FormatVersion)
	h[hdrStripeOff] = byte(stripe)
	h[hdrFlagsOff] = flags
	binary.LittleEndian.PutUint64(h[hdrNumOff:], uint64(num))
	binary.LittleEndian.PutUint32(h[hdrCRCOff:], crc32.Checksum(h[:hdrCRCOff], crcTable))
	return h
}

// headerStatus classifies a segment header.
type headerStatus int

const (
	headerOK headerStatus = iota
	headerZero
	headerInvalid
)

// decodeHeader parses b, which holds the first min(HeaderSize, file size)
// bytes of a segment.
func decodeHeader(b []byte) (stripe base.StripeID, num base.FileNum, flags byte, st headerStatus) {
	if allZero(b) {
		return 0, 0, 0, headerZero
	}
	if len(b) < HeaderSize || string(b[:len(magic)]) != magic ||
		binary.LittleEndian.Uint32(b[hdrCRCOff:]) != crc32.Checksum(b[:hdrCRCOff], crcTable) ||
		binary.LittleEndian.Uint16(b[hdrVersionOff:]) != FormatVersion {
		return 0, 0, 0, headerInvalid
	}
	return base.StripeID(b[hdrStripeOff]), base.FileNum(binary.LittleEndian.Uint64(b[hdrNumOff:])), b[hdrFlagsOff], headerOK
}

// appendRecord appends an encoded record to dst.
func appendRecord(dst []byte, num base.FileNum, lsn base.SeqNum, payload []byte) []byte {
	start := len(dst)
	dst = binary.LittleEndian.AppendUint32(dst, 0) // CRC, set below
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(payload)))
	dst = binary.LittleEndian.AppendUint64(dst, uint64(num))
	dst = binary.LittleEndian.AppendUint64(dst, uint64(lsn))
	dst = append(dst, payload...)
	binary.LittleEndian.PutUint32(dst[start:], crc32.Checksum(dst[start+recLenOff:], crcTable))
	return dst
}

// SealLSN marks a seal: an empty record with this LSN, appended when a
// segment is sealed or closed. It ends the segment as a clean end does,
// but it also makes damage to the record before it detectable: without
// it, a flipped bit in a segment's last record would look like a write
// torn by a crash. It is never an engine LSN (those stay below
// base.SeqNumMax).
const SealLSN = base.SeqNum(math.MaxUint64)

// isSeal reports whether a record with these fields is a seal.
func isSeal(length uint32, lsn base.SeqNum) bool { return length == 0 && lsn == SealLSN }

// recordFields decodes the fixed fields of a record header (at least
// RecordHeaderSize bytes).
func recordFields(h []byte) (crc uint32, length uint32, num base.FileNum, lsn base.SeqNum) {
	return binary.LittleEndian.Uint32(h[0:]),
		binary.LittleEndian.Uint32(h[recLenOff:]),
		base.FileNum(binary.LittleEndian.Uint64(h[recNumOff:])),
		base.SeqNum(binary.LittleEndian.Uint64(h[recLSNOff:]))
}

// recordCRCOK reports whether rec (a whole record: header and payload)
// carries a matching CRC.
func recordCRCOK(rec []byte) bool {
	return binary.LittleEndian.Uint32(rec) == crc32.Checksum(rec[recLenOff:], crcTable)
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}
