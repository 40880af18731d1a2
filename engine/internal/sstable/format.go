package sstable

import (
	"encoding/binary"
	"hash/crc32"
)

const (
	// magic opens and closes every SST; operators' scripts check the first
	// four bytes.
	magic = "SSTM"
	// formatVersion is written after the leading magic and in the footer.
	formatVersion = 1

	headerLen = 8
	// blockTrailerLen: compression type byte + CRC32C.
	blockTrailerLen = 5
	footerLen       = 60
	// footerCRCLen is how many leading footer bytes the footer CRC covers.
	footerCRCLen = 52

	compressionNone = 0
)

// crcTable is built once and never modified.
var crcTable = crc32.MakeTable(crc32.Castagnoli)

// blockCRC is the checksum stored in a block trailer: CRC32C of the contents
// followed by the compression type byte, so a flipped type byte is caught
// like any other damage.
func blockCRC(contents []byte, typ byte) uint32 {
	c := crc32.Update(0, crcTable, contents)
	t := [1]byte{typ}
	return crc32.Update(c, crcTable, t[:])
}

// appendBlockTrailer appends the trailer for contents (uncompressed).
func appendBlockTrailer(dst, contents []byte) []byte {
	dst = append(dst, compressionNone)
	return binary.LittleEndian.AppendUint32(dst, blockCRC(contents, compressionNone))
}

// handle locates a block's contents; its trailer follows them.
type handle struct {
	offset, length uint64
}

// end returns the offset just past the block's trailer.
func (h handle) end() uint64 { return h.offset + h.length + blockTrailerLen }

// footer is the decoded fixed-size tail of the file.
type footer struct {
	filter, index, props handle
}

func (f footer) encode() []byte {
	b := make([]byte, 0, footerLen)
	for _, h := range [...]handle{f.filter, f.index, f.props} {
		b = binary.LittleEndian.AppendUint64(b, h.offset)
		b = binary.LittleEndian.AppendUint64(b, h.length)
	}
	b = binary.LittleEndian.AppendUint32(b, formatVersion)
	b = binary.LittleEndian.AppendUint32(b, crc32Checksum(b))
	return append(b, magic...)
}

func crc32Checksum(b []byte) uint32 { return crc32.Checksum(b, crcTable) }
