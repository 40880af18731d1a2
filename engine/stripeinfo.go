package engine

import (
	"encoding/binary"
	"fmt"
	"time"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
)

// SSTInfo describes one SST for drilling into a stripe.
type SSTInfo struct {
	File                string
	Size                uint64
	Entries, Deletions  uint64
	Smallest, Largest   string // printable keys: "table: pk / sk"
	MinSeq, MaxSeq      uint64
	Created             time.Time
	BloomProbes         uint64
	BloomNegatives      uint64
	BloomFalsePositives uint64
}

// WALSegmentInfo describes one WAL segment of a stripe.
type WALSegmentInfo struct {
	File   string
	Bytes  int64
	Active bool
}

// StripeDetail is one stripe's statistics with its files, newest SST last.
type StripeDetail struct {
	StripeStats
	SSTs []SSTInfo
	WAL  []WALSegmentInfo
}

// StripeDetail describes stripe i and its files.
func (db *DB) StripeDetail(i int) (StripeDetail, error) {
	if i < 0 || i >= base.NumStripes {
		return StripeDetail{}, invalidArg("stripe must be 0..%d, got %d", base.NumStripes-1, i)
	}
	s := db.stripes[i]
	d := StripeDetail{StripeStats: s.stats()}
	v := s.acquire()
	for _, t := range v.ssts {
		m := t.meta
		d.SSTs = append(d.SSTs, SSTInfo{
			File: sstName(m.Stripe, m.Num), Size: m.Size, Entries: m.Entries, Deletions: m.Deletions,
			Smallest: db.describeKey(m.Smallest), Largest: db.describeKey(m.Largest),
			MinSeq: uint64(m.MinSeq), MaxSeq: uint64(m.MaxSeq), Created: time.Unix(0, m.CreatedUnixNano),
			BloomProbes: t.bloomProbes.Load(), BloomNegatives: t.bloomNegatives.Load(), BloomFalsePositives: t.bloomFalsePositives.Load(),
		})
	}
	v.unref()
	s.mu.Lock()
	for _, seg := range s.sealed {
		d.WAL = append(d.WAL, WALSegmentInfo{File: seg.name, Bytes: seg.bytes})
	}
	if s.wal != nil {
		d.WAL = append(d.WAL, WALSegmentInfo{File: walName(s.id), Bytes: s.wal.Size(), Active: true})
	}
	s.mu.Unlock()
	return d, nil
}

// describeKey prints an encoded user key for people: "items: user#1 / o#7".
func (db *DB) describeKey(enc []byte) string {
	if len(enc) < 4 {
		return fmt.Sprintf("%x", enc)
	}
	id := binary.BigEndian.Uint32(enc)
	db.tablesMu.RLock()
	var t *Table
	for _, x := range db.tables {
		if x.id == id {
			t = x
		}
	}
	db.tablesMu.RUnlock()
	if t == nil {
		return fmt.Sprintf("table#%d: %x", id, enc[4:])
	}
	_, k, err := decodeKey(enc, t.schema)
	if err != nil {
		return fmt.Sprintf("%s: %x", t.name, enc[4:])
	}
	return t.name + ": " + k.String()
}
