package sstable

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
)

// Properties summarise a table. They are computed by the Writer, stored in
// the properties block and returned by Reader.Properties.
type Properties struct {
	// Entries counts all entries, every version and tombstone included.
	Entries uint64
	// Deletions counts tombstones (base.KindDelete entries).
	Deletions uint64
	// DataBlocks is the number of data blocks.
	DataBlocks int
	// Size is the total size of the file in bytes.
	Size uint64
	// Smallest and Largest are the smallest and largest user keys; nil for
	// an empty table.
	Smallest, Largest []byte
	// MinSeq and MaxSeq bound the entries' sequence numbers (0 for an
	// empty table).
	MinSeq, MaxSeq base.SeqNum
	// RawKeyBytes is the sum of the user key lengths and RawValueBytes the
	// sum of the value lengths, before any encoding.
	RawKeyBytes, RawValueBytes uint64
}

// encode returns the properties block contents (Size is not stored: it is
// the file's size).
func (p *Properties) encode() []byte {
	var b []byte
	for _, v := range [...]uint64{p.Entries, p.Deletions, uint64(p.DataBlocks),
		uint64(p.MinSeq), uint64(p.MaxSeq), p.RawKeyBytes, p.RawValueBytes} {
		b = binary.AppendUvarint(b, v)
	}
	for _, k := range [...][]byte{p.Smallest, p.Largest} {
		b = binary.AppendUvarint(b, uint64(len(k)))
		b = append(b, k...)
	}
	return b
}

var errPropsTruncated = errors.New("truncated")

// decodeProperties is the inverse of encode. The keys are copied out of b.
func decodeProperties(b []byte) (Properties, error) {
	var p Properties
	var v [7]uint64
	for i := range v {
		x, n := binary.Uvarint(b)
		if n <= 0 {
			return p, errPropsTruncated
		}
		v[i] = x
		b = b[n:]
	}
	var keys [2][]byte
	for i := range keys {
		l, n := binary.Uvarint(b)
		if n <= 0 || l > uint64(len(b)-n) {
			return p, errPropsTruncated
		}
		keys[i] = append([]byte(nil), b[n:n+int(l)]...)
		b = b[n+int(l):]
	}
	if len(b) != 0 {
		return p, fmt.Errorf("%d trailing bytes", len(b))
	}
	p.Entries, p.Deletions = v[0], v[1]
	if v[2] > 1<<40 {
		return p, fmt.Errorf("absurd data block count %d", v[2])
	}
	p.DataBlocks = int(v[2])
	p.MinSeq, p.MaxSeq = base.SeqNum(v[3]), base.SeqNum(v[4])
	p.RawKeyBytes, p.RawValueBytes = v[5], v[6]
	p.Smallest, p.Largest = keys[0], keys[1]
	if p.Entries == 0 {
		p.Smallest, p.Largest = nil, nil
	}
	return p, nil
}

// diff describes the first difference between two property sets (Size
// aside), or returns "" if they describe the same entries.
func (p *Properties) diff(q *Properties) string {
	switch {
	case p.Entries != q.Entries:
		return fmt.Sprintf("entries %d != %d", p.Entries, q.Entries)
	case p.Deletions != q.Deletions:
		return fmt.Sprintf("deletions %d != %d", p.Deletions, q.Deletions)
	case p.DataBlocks != q.DataBlocks:
		return fmt.Sprintf("data blocks %d != %d", p.DataBlocks, q.DataBlocks)
	case p.MinSeq != q.MinSeq || p.MaxSeq != q.MaxSeq:
		return fmt.Sprintf("seq range [%d, %d] != [%d, %d]", p.MinSeq, p.MaxSeq, q.MinSeq, q.MaxSeq)
	case p.RawKeyBytes != q.RawKeyBytes || p.RawValueBytes != q.RawValueBytes:
		return fmt.Sprintf("raw sizes %d/%d != %d/%d", p.RawKeyBytes, p.RawValueBytes, q.RawKeyBytes, q.RawValueBytes)
	case string(p.Smallest) != string(q.Smallest) || string(p.Largest) != string(q.Largest):
		return "smallest/largest keys differ"
	}
	return ""
}
