package manifest

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
)

// Record framing and payload encoding; the layout is drawn in doc.go.

const (
	recordHeaderLen = 8 // length uint32 + CRC uint32

	payloadSnapshot byte = 1
	payloadEdits    byte = 2

	// formatVersion is written in every snapshot; the edit records of a
	// file use the encoding of its snapshot's version.
	formatVersion = 1
)

// crcTable is built once and only read.
var crcTable = crc32.MakeTable(crc32.Castagnoli)

// recordCRC covers the length field too, so a damaged length is detected
// even when it happens to point at plausible bytes.
func recordCRC(lenField, payload []byte) uint32 {
	return crc32.Update(crc32.Checksum(lenField, crcTable), crcTable, payload)
}

// appendRecord frames payload as one record.
func appendRecord(dst, payload []byte) []byte {
	var hdr [recordHeaderLen]byte
	binary.LittleEndian.PutUint32(hdr[0:4], uint32(len(payload)))
	binary.LittleEndian.PutUint32(hdr[4:8], recordCRC(hdr[0:4], payload))
	dst = append(dst, hdr[:]...)
	return append(dst, payload...)
}

// parseRecord reads the record at data[off:]. ok is false when the bytes
// there are not a complete record with a matching checksum.
func parseRecord(data []byte, off int) (payload []byte, next int, ok bool) {
	if off < 0 || len(data)-off < recordHeaderLen {
		return nil, 0, false
	}
	n := int64(binary.LittleEndian.Uint32(data[off:]))
	if n == 0 || n > int64(len(data)-off-recordHeaderLen) {
		return nil, 0, false
	}
	start := off + recordHeaderLen
	end := start + int(n)
	payload = data[start:end]
	if binary.LittleEndian.Uint32(data[off+4:]) != recordCRC(data[off:off+4], payload) {
		return nil, 0, false
	}
	return payload, end, true
}

// validRecordAfter reports whether a complete, checksummed edit record
// starts anywhere after off. It tells a torn tail (nothing valid follows
// the bad bytes) from damage in the middle of the file.
//
// Checking every offset could cost a checksum of up to the rest of the
// file per offset on crafted input, so the work is capped at scanBudget
// checksummed bytes; past it the answer is true, which errs on the side of
// reporting corruption rather than silently dropping records. Real torn
// tails (one partly written record) stay far below the cap.
func validRecordAfter(data []byte, off int) bool {
	budget := scanBudget
	for o := off + 1; o+recordHeaderLen < len(data); o++ {
		n := int(binary.LittleEndian.Uint32(data[o:]))
		// Cheap filters first: the length must fit and the payload must
		// be an edit record, the only kind after offset 0.
		if n == 0 || n > len(data)-o-recordHeaderLen || data[o+recordHeaderLen] != payloadEdits {
			continue
		}
		if budget -= n; budget < 0 {
			return true
		}
		if _, _, ok := parseRecord(data, o); ok {
			return true
		}
	}
	return false
}

// scanBudget bounds validRecordAfter's checksumming (bytes).
const scanBudget = 64 << 20

// snapshotEdit expresses s as an edit that, applied to an empty State,
// yields s: the stripes' files in order, the flushed LSNs, the tables.
func snapshotEdit(s *State) Edit {
	e := Edit{NextFileNum: s.NextFileNum, AddTables: s.Tables}
	for i := range s.Stripes {
		st := &s.Stripes[i]
		if st.FlushedSeq == 0 && len(st.Files) == 0 {
			continue
		}
		e.Stripes = append(e.Stripes, StripeEdit{
			Stripe:     base.StripeID(i),
			FlushedSeq: st.FlushedSeq,
			Added:      st.Files,
		})
	}
	return e
}

// encodeSnapshot returns the payload of a snapshot record of s.
func encodeSnapshot(s *State) []byte {
	e := snapshotEdit(s)
	b := []byte{payloadSnapshot}
	b = binary.AppendUvarint(b, formatVersion)
	return appendEdit(b, &e)
}

// encodeEdits returns the payload of an edit record. A record holds the
// edits of one group commit, so that the only record that can be torn by a
// crash is the last one (see doc.go).
func encodeEdits(edits []Edit) []byte {
	b := []byte{payloadEdits}
	b = binary.AppendUvarint(b, uint64(len(edits)))
	for i := range edits {
		b = appendEdit(b, &edits[i])
	}
	return b
}

func appendEdit(b []byte, e *Edit) []byte {
	b = binary.AppendUvarint(b, uint64(e.NextFileNum))
	b = binary.AppendUvarint(b, uint64(len(e.Stripes)))
	for i := range e.Stripes {
		se := &e.Stripes[i]
		b = append(b, byte(se.Stripe))
		b = binary.AppendUvarint(b, uint64(se.FlushedSeq))
		b = binary.AppendUvarint(b, uint64(len(se.Added)))
		for j := range se.Added {
			b = appendFileMeta(b, &se.Added[j])
		}
		b = binary.AppendUvarint(b, uint64(len(se.Deleted)))
		for _, n := range se.Deleted {
			b = binary.AppendUvarint(b, uint64(n))
		}
	}
	b = binary.AppendUvarint(b, uint64(len(e.AddTables)))
	for i := range e.AddTables {
		t := &e.AddTables[i]
		b = binary.AppendUvarint(b, uint64(t.ID))
		b = appendString(b, t.Name)
		b = appendString(b, t.PartitionKey)
		b = append(b, byte(t.PartitionType))
		b = appendString(b, t.SortKey)
		b = append(b, byte(t.SortType))
		var flags byte
		if t.SortKeyOptional {
			flags |= 1
		}
		b = append(b, flags)
	}
	b = binary.AppendUvarint(b, uint64(len(e.DropTables)))
	for _, id := range e.DropTables {
		b = binary.AppendUvarint(b, uint64(id))
	}
	return b
}

// appendFileMeta omits f.Stripe: it is the stripe of the enclosing
// StripeEdit (State.Apply checks that).
func appendFileMeta(b []byte, f *FileMeta) []byte {
	b = binary.AppendUvarint(b, uint64(f.Num))
	b = binary.AppendUvarint(b, f.Size)
	b = binary.AppendUvarint(b, f.Entries)
	b = binary.AppendUvarint(b, f.Deletions)
	b = appendBytes(b, f.Smallest)
	b = appendBytes(b, f.Largest)
	b = binary.AppendUvarint(b, uint64(f.MinSeq))
	b = binary.AppendUvarint(b, uint64(f.MaxSeq))
	return binary.AppendVarint(b, f.CreatedUnixNano)
}

func appendBytes(b, v []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(v)))
	return append(b, v...)
}

func appendString(b []byte, v string) []byte {
	b = binary.AppendUvarint(b, uint64(len(v)))
	return append(b, v...)
}

// decodePayload decodes a record payload. For a snapshot, edits holds the
// single snapshot edit (to be applied to an empty State).
func decodePayload(p []byte) (kind byte, edits []Edit, err error) {
	d := decoder{b: p}
	kind = d.byte()
	switch kind {
	case payloadSnapshot:
		if v := d.uvarint(); d.err == nil && v != formatVersion {
			return kind, nil, fmt.Errorf("unknown format version %d", v)
		}
		e := d.edit()
		edits = []Edit{e}
	case payloadEdits:
		n := d.count()
		if d.err == nil && n == 0 {
			d.fail("empty edit record")
		}
		for i := 0; i < n && d.err == nil; i++ {
			edits = append(edits, d.edit())
		}
	default:
		if d.err == nil {
			return kind, nil, fmt.Errorf("unknown record kind %d", kind)
		}
	}
	if d.err == nil && len(d.b) != 0 {
		d.fail(fmt.Sprintf("%d trailing bytes", len(d.b)))
	}
	if d.err != nil {
		return kind, nil, d.err
	}
	return kind, edits, nil
}

// decoder reads the encoding of appendEdit. The first problem sticks in
// err; later reads return zero values, so callers check err once.
type decoder struct {
	b   []byte
	err error
}

var errTruncated = errors.New("truncated payload")

func (d *decoder) fail(msg string) {
	if d.err == nil {
		d.err = errors.New(msg)
	}
	d.b = nil
}

func (d *decoder) byte() byte {
	if d.err != nil {
		return 0
	}
	if len(d.b) == 0 {
		d.err = errTruncated
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail("bad uvarint")
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail("bad varint")
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) uint32() uint32 {
	v := d.uvarint()
	if v > math.MaxUint32 {
		d.fail("value overflows uint32")
		return 0
	}
	return uint32(v)
}

// count reads an element count. Every element takes at least one byte, so
// a count above the remaining length is damage; checking it here keeps a
// damaged count from allocating gigabytes.
func (d *decoder) count() int {
	v := d.uvarint()
	if d.err == nil && v > uint64(len(d.b)) {
		d.fail(fmt.Sprintf("count %d exceeds the %d remaining bytes", v, len(d.b)))
		return 0
	}
	return int(v)
}

func (d *decoder) bytes() []byte {
	n := d.count()
	if d.err != nil || n == 0 {
		return nil
	}
	v := append([]byte(nil), d.b[:n]...)
	d.b = d.b[n:]
	return v
}

func (d *decoder) string() string {
	n := d.count()
	if d.err != nil {
		return ""
	}
	v := string(d.b[:n])
	d.b = d.b[n:]
	return v
}

func (d *decoder) edit() Edit {
	var e Edit
	e.NextFileNum = base.FileNum(d.uvarint())
	if n := d.count(); n > 0 {
		e.Stripes = make([]StripeEdit, 0, n)
		for i := 0; i < n && d.err == nil; i++ {
			e.Stripes = append(e.Stripes, d.stripeEdit())
		}
	}
	if n := d.count(); n > 0 {
		e.AddTables = make([]TableDesc, 0, n)
		for i := 0; i < n && d.err == nil; i++ {
			var t TableDesc
			t.ID = d.uint32()
			t.Name = d.string()
			t.PartitionKey = d.string()
			t.PartitionType = KeyType(d.byte())
			t.SortKey = d.string()
			t.SortType = KeyType(d.byte())
			flags := d.byte()
			if flags&^1 != 0 {
				d.fail(fmt.Sprintf("unknown table flags %#x", flags))
			}
			t.SortKeyOptional = flags&1 != 0
			e.AddTables = append(e.AddTables, t)
		}
	}
	if n := d.count(); n > 0 {
		e.DropTables = make([]uint32, 0, n)
		for i := 0; i < n && d.err == nil; i++ {
			e.DropTables = append(e.DropTables, d.uint32())
		}
	}
	return e
}

func (d *decoder) stripeEdit() StripeEdit {
	se := StripeEdit{Stripe: base.StripeID(d.byte())}
	se.FlushedSeq = base.SeqNum(d.uvarint())
	if n := d.count(); n > 0 {
		se.Added = make([]FileMeta, 0, n)
		for i := 0; i < n && d.err == nil; i++ {
			f := FileMeta{Num: base.FileNum(d.uvarint()), Stripe: se.Stripe}
			f.Size = d.uvarint()
			f.Entries = d.uvarint()
			f.Deletions = d.uvarint()
			f.Smallest = d.bytes()
			f.Largest = d.bytes()
			f.MinSeq = base.SeqNum(d.uvarint())
			f.MaxSeq = base.SeqNum(d.uvarint())
			f.CreatedUnixNano = d.varint()
			se.Added = append(se.Added, f)
		}
	}
	if n := d.count(); n > 0 {
		se.Deleted = make([]base.FileNum, 0, n)
		for i := 0; i < n && d.err == nil; i++ {
			se.Deleted = append(se.Deleted, base.FileNum(d.uvarint()))
		}
	}
	return se
}

// replayResult is what replay learns from a manifest file.
type replayResult struct {
	state *State
	live  map[base.FileNum]base.StripeID
	// end is the offset just past the last valid record; snapshotLen is
	// the size of the leading snapshot record.
	end, snapshotLen int64
	edits            int
	// tornOffset is where an ignored damaged or partial tail starts, -1
	// when the file ends cleanly.
	tornOffset int64
}

// replay rebuilds the state from the contents of a manifest file named
// name. Damage anywhere but at the tail, a bad snapshot and edits that do
// not apply are *base.CorruptionError.
func replay(name string, data []byte) (*replayResult, error) {
	r := &replayResult{
		state:      &State{},
		live:       make(map[base.FileNum]base.StripeID),
		tornOffset: -1,
	}
	off := 0
	for off < len(data) {
		payload, next, ok := parseRecord(data, off)
		if !ok {
			if off == 0 {
				return nil, base.CorruptionErrorf(name, 0, "manifest snapshot record is damaged")
			}
			if validRecordAfter(data, off) {
				return nil, base.CorruptionErrorf(name, int64(off), "manifest record is damaged (checksum or length)")
			}
			// A torn write of the last, unacknowledged group commit.
			r.tornOffset = int64(off)
			break
		}
		kind, edits, err := decodePayload(payload)
		if err != nil {
			return nil, base.CorruptionErrorf(name, int64(off), "manifest record undecodable: %v", err)
		}
		if (off == 0) != (kind == payloadSnapshot) {
			return nil, base.CorruptionErrorf(name, int64(off), "manifest record of kind %d out of place", kind)
		}
		for i := range edits {
			if err := r.state.check(&edits[i], r.live); err != nil {
				return nil, base.CorruptionErrorf(name, int64(off), "manifest edit does not apply: %v", err)
			}
			r.state.mutate(&edits[i], r.live)
		}
		if off == 0 {
			r.snapshotLen = int64(next)
		} else {
			r.edits += len(edits)
		}
		off = next
		r.end = int64(off)
	}
	if len(data) == 0 {
		return nil, base.CorruptionErrorf(name, 0, "manifest file is empty")
	}
	return r, nil
}
