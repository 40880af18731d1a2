package sstable

import (
	"bytes"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
)

// Verify reads every data block from the file (bypassing the cache, whose
// copies were verified when read) and checks, in order: block checksums and
// structure, strictly increasing internal key order across the table, that
// every block lies within its index separators, entry kinds, that the
// filter contains every user key, and that the properties match the data.
// It reports the first problem as a *base.CorruptionError whose Offset is
// the offending block's.
func (r *Reader) Verify() error {
	var (
		it      Iter
		prev    []byte // previous internal key
		props   Properties
		lastKey []byte // last user key added to the checks below
	)
	it.r = r
	it.blockIdx = -1
	// The iterator's readahead path reads big chunks without touching the
	// cache; Verify always takes it.
	it.run = readaheadAfter
	for i := range r.index {
		data, err := it.readahead(i, false)
		if err != nil {
			return err
		}
		off := int64(r.index[i].h.offset)
		fail := func(format string, args ...any) error {
			return r.corrupt(off, format, args...)
		}
		b := &it.blk
		if !b.init(data) {
			return fail("data block invalid: %s", b.corrupt)
		}
		sep := &r.index[i]
		first := true
		nextRestart := 0 // index of the next restart point to meet
		for ok := b.first(); ok; ok = b.next() {
			// Restart points must fall on entry boundaries, or backward
			// iteration and seeks would decode different entries than a
			// forward scan.
			if nextRestart < b.numRestarts {
				switch ro := restartOffset(b.data, b.restarts, nextRestart); {
				case ro == b.offset:
					nextRestart++
				case ro < b.offset:
					return fail("data block invalid: restart point %d not at an entry", nextRestart)
				}
			}
			uk, t := b.userKey(), b.trailer
			if prev != nil {
				pu, pt, _ := base.SplitInternalKey(prev)
				if base.CompareInternal(pu, pt, uk, t) >= 0 {
					return fail("keys out of order: %q#%d after %q#%d", truncKey(uk), t.SeqNum(), truncKey(pu), pt.SeqNum())
				}
			}
			if first && i > 0 {
				ps := &r.index[i-1]
				if base.CompareInternal(uk, t, ps.sepUser, ps.sepTrailer) <= 0 {
					return fail("first key of block is not after the previous separator")
				}
			}
			first = false
			if base.CompareInternal(uk, t, sep.sepUser, sep.sepTrailer) > 0 {
				return fail("key after the block's separator")
			}
			if k := t.Kind(); k != base.KindSet && k != base.KindDelete {
				return fail("data block invalid: entry kind %d", k)
			}
			if props.Entries == 0 || !bytes.Equal(uk, lastKey) {
				if r.filter != nil && !r.filter.MayContain(uk) {
					return fail("bloom filter does not contain key %q", truncKey(uk))
				}
				lastKey = append(lastKey[:0], uk...)
			}
			seq := t.SeqNum()
			if props.Entries == 0 {
				props.Smallest = append([]byte(nil), uk...)
				props.MinSeq, props.MaxSeq = seq, seq
			}
			props.MinSeq, props.MaxSeq = min(props.MinSeq, seq), max(props.MaxSeq, seq)
			props.Entries++
			if t.Kind() == base.KindDelete {
				props.Deletions++
			}
			props.RawKeyBytes += uint64(len(uk))
			props.RawValueBytes += uint64(len(b.val))
			prev = append(prev[:0], b.key...)
		}
		if b.corrupt != "" {
			return fail("data block invalid: %s", b.corrupt)
		}
		if nextRestart != b.numRestarts {
			return fail("data block invalid: restart point %d not at an entry", nextRestart)
		}
		pu, pt, _ := base.SplitInternalKey(prev)
		if i == len(r.index)-1 && base.CompareInternal(pu, pt, sep.sepUser, sep.sepTrailer) != 0 {
			return fail("last separator is not the table's last key")
		}
		props.DataBlocks++
	}
	if props.Entries > 0 {
		props.Largest, _, _ = base.SplitInternalKey(prev)
	}
	if d := props.diff(&r.props); d != "" {
		return r.corrupt(int64(r.meta.props.offset), "properties block disagrees with the data: %s", d)
	}
	return nil
}
