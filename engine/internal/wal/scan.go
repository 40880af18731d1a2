package wal

import (
	"encoding/binary"
	"io"
)

// ContainsRecord reports whether the file holds any intact record, of any
// segment, after the header. Recovery uses it on a file whose header is
// damaged: a segment's header is written together with its first records,
// so a header torn by a crash comes with no intact record (the file was
// all zeros before), while damage to the header of a segment in use
// leaves its records behind.
//
// A record's LSN is never zero, so only offsets within a record header's
// length of a non-zero byte can start one; runs of zeros (the bulk of a
// spare) are skipped a word at a time.
func ContainsRecord(f io.ReaderAt, size int64, name string) (bool, error) {
	r := &segReader{f: f, size: size, name: name}
	for off := int64(HeaderSize); off+RecordHeaderSize <= size; off++ {
		h, err := r.at(off, RecordHeaderSize)
		if err != nil {
			return false, err
		}
		if allZero(h) {
			skip, err := r.zeroRun(off)
			if err != nil {
				return false, err
			}
			off += max(skip-RecordHeaderSize, 0)
			continue
		}
		_, length, _, lsn := recordFields(h)
		if lsn == 0 || isSeal(length, lsn) || int64(length) > size-off-RecordHeaderSize || length > MaxPayloadSize {
			continue
		}
		rec, err := r.at(off, RecordHeaderSize+int(length))
		if err != nil {
			return false, err
		}
		if recordCRCOK(rec) {
			return true, nil
		}
	}
	return false, nil
}

// zeroRun returns how many zero bytes start at off (to the end of the
// reader's window at least, so callers advance and look again).
func (r *segReader) zeroRun(off int64) (int64, error) {
	n := min(int64(readChunk), r.size-off)
	b, err := r.at(off, int(n))
	if err != nil {
		return 0, err
	}
	i := 0
	for ; i+8 <= len(b) && binary.LittleEndian.Uint64(b[i:]) == 0; i += 8 {
	}
	for ; i < len(b) && b[i] == 0; i++ {
	}
	return int64(i), nil
}
