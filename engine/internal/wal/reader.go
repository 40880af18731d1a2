package wal

import (
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
)

// SegmentInfo describes what ReadSegment found.
type SegmentInfo struct {
	Stripe   base.StripeID
	Num      base.FileNum
	Records  int         // valid records, all passed to fn
	FirstLSN base.SeqNum // 0 without records
	LastLSN  base.SeqNum // 0 without records
	// ValidEnd is the offset just past the last valid record (HeaderSize
	// without records): where a writer could continue.
	ValidEnd int64
	// Torn reports a damaged or partial record at ValidEnd with no valid
	// record of this segment after it: a write torn by a crash. Those
	// records were never acknowledged, unless the disk lost synced data.
	Torn bool
	// Relaxed reports a segment written with relaxed durability
	// (WriterOptions.Relaxed): a crash may have torn it even if a later
	// segment survived.
	Relaxed bool
	// Skipped lists damage stepped over (ReadOptions.SkipDamageUpTo).
	Skipped []SkippedRange
	// Sealed reports that the segment ends with a seal (see SealLSN): it
	// was sealed or closed cleanly. ValidEnd is the seal's offset.
	Sealed bool
	// TornLSN is the LSN the torn record claimed when plausible (its header
	// is complete and carries this segment's number and an LSN above
	// LastLSN and below base.SeqNumMax), else LastLSN+1.
	TornLSN base.SeqNum
}

// readChunk is how much the reader asks of the file at a time.
const readChunk = 64 << 10

// ReadHeader reads and checks a segment header. An all-zero header (or a
// file shorter than a header holding only zeros) returns an error wrapping
// ErrEmptySegment; any other bad header a *base.CorruptionError with Detail
// "WAL header invalid".
func ReadHeader(f io.ReaderAt, name string) (stripe base.StripeID, num base.FileNum, err error) {
	var b [HeaderSize]byte
	n, err := f.ReadAt(b[:], 0)
	if n < len(b) && err != nil && err != io.EOF {
		return 0, 0, fmt.Errorf("wal: segment %s: read header: %w", name, err)
	}
	stripe, num, _, err = checkHeader(b[:n], name)
	return stripe, num, err
}

func checkHeader(b []byte, name string) (base.StripeID, base.FileNum, byte, error) {
	stripe, num, flags, st := decodeHeader(b)
	switch st {
	case headerZero:
		return 0, 0, 0, fmt.Errorf("wal: segment %s: %w", name, ErrEmptySegment)
	case headerInvalid:
		return 0, 0, 0, &base.CorruptionError{File: name, Offset: 0, Detail: "WAL header invalid"}
	}
	return stripe, num, flags, nil
}

// ReadSegment reads a whole segment from f, whose size is size bytes,
// calling fn (if not nil) for every valid record in order. payload is only
// valid during the call. An error from fn stops the read and is returned
// wrapped.
//
// Where the valid records stop, ReadSegment distinguishes a clean end, a
// torn tail (SegmentInfo.Torn, no error) and corruption (a
// *base.CorruptionError whose LSN is the damaged record's); see the package
// doc. A bad header returns a CorruptionError with Detail "WAL header
// invalid", except an all-zero header, which returns an error wrapping
// ErrEmptySegment and Records == 0: a file created whose header never
// reached the disk, which the engine may ignore.
//
// Lengths read from the file are bounded by size, and size is checked
// against the file, so arbitrary input never makes ReadSegment allocate
// more than the file holds.
func ReadSegment(f io.ReaderAt, size int64, name string, fn func(lsn base.SeqNum, payload []byte) error) (SegmentInfo, error) {
	return ReadSegmentWith(f, size, name, ReadOptions{}, fn)
}

// ReadOptions adjust ReadSegmentWith.
type ReadOptions struct {
	// SkipDamageUpTo lets the reader step over damage in the middle of the
	// segment when every record it can have destroyed has an LSN at or
	// below this value (the stripe's flushed LSN: those records are safe in
	// SSTs). The next intact record's LSN bounds the lost ones. Skipped
	// ranges are reported in SegmentInfo.Skipped. 0 skips nothing.
	SkipDamageUpTo base.SeqNum
}

// SkippedRange is damage ReadSegmentWith stepped over.
type SkippedRange struct {
	Offset         int64
	FromLSN, ToLSN base.SeqNum // the LSNs that may have been lost
}

// ReadSegmentWith is ReadSegment with options.
func ReadSegmentWith(f io.ReaderAt, size int64, name string, opts ReadOptions, fn func(lsn base.SeqNum, payload []byte) error) (SegmentInfo, error) {
	var info SegmentInfo
	if size < 0 {
		return info, fmt.Errorf("wal: segment %s: negative size %d", name, size)
	}
	if size > 0 {
		var last [1]byte
		if n, err := f.ReadAt(last[:], size-1); n < 1 {
			return info, fmt.Errorf("wal: segment %s: file shorter than its size %d: %w", name, size, noEOF(err))
		}
	}
	r := &segReader{f: f, size: size, name: name}
	hb, err := r.at(0, int(min(size, HeaderSize)))
	if err != nil {
		return info, err
	}
	var flags byte
	if info.Stripe, info.Num, flags, err = checkHeader(hb, name); err != nil {
		return info, err
	}
	info.Relaxed = flags&flagRelaxed != 0
	info.ValidEnd = HeaderSize

	for off := int64(HeaderSize); ; {
		rem := size - off
		if rem == 0 {
			return info, nil // end of file
		}
		if rem < RecordHeaderSize {
			b, err := r.at(off, int(rem))
			if err != nil {
				return info, err
			}
			if allZero(b) {
				return info, nil // preallocated tail shorter than a header
			}
			if next, ok, err := r.trySkip(&info, off, opts); err != nil {
				return info, err
			} else if ok {
				off = next
				continue
			}
			return info, r.damaged(&info, off, nil, false)
		}
		h, err := r.at(off, RecordHeaderSize)
		if err != nil {
			return info, err
		}
		if allZero(h) {
			return info, nil // terminator or preallocated space
		}
		_, length, num, lsn := recordFields(h)
		if int64(length) > rem-RecordHeaderSize || length > MaxPayloadSize {
			if next, ok, err := r.trySkip(&info, off, opts); err != nil {
				return info, err
			} else if ok {
				off = next
				continue
			}
			return info, r.damaged(&info, off, h, false)
		}
		rec, err := r.at(off, RecordHeaderSize+int(length))
		if err != nil {
			return info, err
		}
		if !recordCRCOK(rec) {
			if next, ok, err := r.trySkip(&info, off, opts); err != nil {
				return info, err
			} else if ok {
				off = next
				continue
			}
			return info, r.damaged(&info, off, rec, false)
		}
		if num != info.Num {
			return info, nil // stale record of an older segment in a recycled file
		}
		if isSeal(length, lsn) {
			info.Sealed = true
			return info, nil
		}
		if lsn <= info.LastLSN {
			if next, ok, err := r.trySkip(&info, off, opts); err != nil {
				return info, err
			} else if ok {
				off = next
				continue
			}
			return info, r.damaged(&info, off, rec, true)
		}
		if fn != nil {
			payload := rec[RecordHeaderSize:len(rec):len(rec)]
			if err := fn(lsn, payload); err != nil {
				return info, fmt.Errorf("wal: segment %s: LSN %d: %w", name, lsn, err)
			}
		}
		if info.Records == 0 {
			info.FirstLSN = lsn
		}
		info.Records++
		info.LastLSN = lsn
		off += int64(len(rec))
		info.ValidEnd = off
	}
}

// segReader reads a segment through a window of the file.
type segReader struct {
	f      io.ReaderAt
	size   int64
	name   string
	buf    []byte
	bufOff int64 // file offset of buf[0]
}

// at returns the n bytes at off, valid until the next call. The caller
// ensures off+n <= size.
func (r *segReader) at(off int64, n int) ([]byte, error) {
	if off >= r.bufOff && off+int64(n) <= r.bufOff+int64(len(r.buf)) {
		i := off - r.bufOff
		return r.buf[i : i+int64(n)], nil
	}
	want := min(int64(max(n, readChunk)), r.size-off)
	if int64(cap(r.buf)) < want {
		r.buf = make([]byte, want)
	}
	r.buf = r.buf[:want]
	r.bufOff = off
	m, err := r.f.ReadAt(r.buf, off)
	if int64(m) < want {
		r.buf = r.buf[:0]
		return nil, fmt.Errorf("wal: segment %s: read at %d: %w", r.name, off, noEOF(err))
	}
	return r.buf[:n], nil
}

// damaged classifies the invalid record at off (h holds its header, or is
// nil when fewer than RecordHeaderSize bytes remain): corruption if a valid
// record of this segment with a higher LSN follows, else a torn tail.
// outOfOrder says the record itself was intact but its LSN did not
// increase.
func (r *segReader) damaged(info *SegmentInfo, off int64, h []byte, outOfOrder bool) error {
	var claimed base.SeqNum
	plausible := false
	if len(h) >= RecordHeaderSize {
		_, _, num, lsn := recordFields(h)
		// The engine's sequence numbers stay below SeqNumMax, which
		// rules out most LSN fields holding stale or random bytes.
		claimed, plausible = lsn, num == info.Num && lsn > info.LastLSN && lsn < base.SeqNumMax
	}
	next, found, err := r.findLater(off+1, info.Num, info.LastLSN)
	if err != nil {
		return err
	}
	if !found {
		info.Torn = true
		info.TornLSN = successor(info.LastLSN)
		if plausible {
			info.TornLSN = claimed
		}
		return nil
	}
	// A later record bounds the LSN the damaged one claims; a seal does
	// not, so then only the next LSN in sequence is believed.
	lsn := successor(info.LastLSN)
	if plausible && claimed < next && (next != SealLSN || claimed == lsn) {
		lsn = claimed
	}
	detail := fmt.Sprintf("WAL checksum mismatch at LSN %d", lsn)
	if outOfOrder {
		detail = fmt.Sprintf("WAL record out of order at LSN %d (claims LSN %d)", lsn, claimed)
	}
	return &base.CorruptionError{File: r.name, Offset: off, LSN: lsn, Detail: detail}
}

// trySkip steps over damage at off when every record it can hide was
// flushed (see ReadOptions.SkipDamageUpTo); it returns where to go on.
func (r *segReader) trySkip(info *SegmentInfo, off int64, opts ReadOptions) (int64, bool, error) {
	if opts.SkipDamageUpTo == 0 {
		return 0, false, nil
	}
	lsn, at, found, err := r.findLaterAt(off+1, info.Num, info.LastLSN)
	if err != nil || !found || lsn-1 > opts.SkipDamageUpTo {
		return 0, false, err
	}
	info.Skipped = append(info.Skipped, SkippedRange{Offset: off, FromLSN: info.LastLSN + 1, ToLSN: lsn - 1})
	return at, true, nil
}

// findLater scans byte by byte from off for a valid record of segment num
// with an LSN above last, and returns its LSN. Recovery is rare and the
// segment number acts as a cheap filter before the CRC.
func (r *segReader) findLater(off int64, num base.FileNum, last base.SeqNum) (base.SeqNum, bool, error) {
	lsn, _, found, err := r.findLaterAt(off, num, last)
	return lsn, found, err
}

// findLaterAt is findLater returning the record's offset as well.
func (r *segReader) findLaterAt(off int64, num base.FileNum, last base.SeqNum) (base.SeqNum, int64, bool, error) {
	for ; off+RecordHeaderSize <= r.size; off++ {
		h, err := r.at(off, RecordHeaderSize)
		if err != nil {
			return 0, 0, false, err
		}
		_, length, n, lsn := recordFields(h)
		if n != num || lsn <= last || int64(length) > r.size-off-RecordHeaderSize || length > MaxPayloadSize {
			continue
		}
		rec, err := r.at(off, RecordHeaderSize+int(length))
		if err != nil {
			return 0, 0, false, err
		}
		if recordCRCOK(rec) {
			return lsn, off, true, nil
		}
	}
	return 0, 0, false, nil
}

// noEOF turns the io.EOF of a short read into io.ErrUnexpectedEOF.
func noEOF(err error) error {
	if err == nil || errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// successor returns lsn+1, saturating: the reader accepts any LSN, even the
// largest.
func successor(lsn base.SeqNum) base.SeqNum {
	if lsn == math.MaxUint64 {
		return lsn
	}
	return lsn + 1
}
