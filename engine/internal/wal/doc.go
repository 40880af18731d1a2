// Package wal implements the write-ahead log of one stripe: the on-disk
// segment format, a buffered Writer with group commit, and ReadSegment, the
// reader used at recovery.
//
// The engine owns everything around a segment: when to rotate, file names,
// recycling released segments and the payload encoding. This package only
// turns (LSN, payload) records into durable bytes and back.
//
// # Segment layout
//
// All integers are little-endian. CRCs are CRC-32C (Castagnoli).
//
//	offset 0                                                      32
//	+--------+---------+--------+-------+---------+-------+---------+
//	| "KWAL" | version | stripe | flags | segment | zero  | hdr CRC |
//	|   4    |  2 (=1) |   1    | 1 (0) | num  8  |  12   |    4    |
//	+--------+---------+--------+-------+---------+-------+---------+
//	  hdr CRC covers bytes [0, 28).
//
//	then records, back to back from offset 32:
//
//	+-------+--------+---------+-------+-----------------+
//	|  CRC  | length | segment |  LSN  | payload         |
//	|   4   |   4    | num  8  |   8   | length bytes    |
//	+-------+--------+---------+-------+-----------------+
//	  CRC covers every byte after it: length, segment num, LSN, payload.
//
//	then, in a segment sealed (rotated) or closed cleanly, the seal: a
//	record with length 0 and LSN 2^64-1 (SealLSN);
//
//	then the tail, which is not part of the segment:
//
//	+-----------------------------+------------------------------------+
//	| 24 zero bytes (terminator)  | zeros (preallocated) or stale bytes |
//	+-----------------------------+------------------------------------+
//
// # Invariants
//
//   - Segment numbers are unique database-wide and never reused, and every
//     record repeats its segment's number. A recycled file (a released
//     segment reused for a new one) still holds the old segment's records
//     after the new ones; they carry the old number, so they are never read
//     as part of the new segment.
//   - LSNs strictly increase within a segment and are never 0.
//   - Every write the Writer issues ends with 24 zero bytes, which the next
//     write overwrites. A cleanly written segment is therefore always
//     followed by an all-zero record header, even in a recycled file whose
//     stale records do not line up with the new ones.
//   - The header is durable (Datasync) before any record is written, so a
//     segment whose header is all zeros never held an acknowledged record.
//
// # Reading
//
// ReadSegment returns the records in order up to the first one that is not
// valid, then classifies what it found there:
//
//   - clean end: the seal (SegmentInfo.Sealed), the end of the file, an
//     all-zero record header (zeros
//     also cover a tail of fewer than 24 bytes), or a record with a good
//     CRC but another segment number (stale data in a recycled file);
//   - torn tail: anything else (bad CRC, a length past the end of the file,
//     a non-increasing LSN) with no valid record of this segment after it.
//     A crash during a write leaves this; SegmentInfo.Torn reports it and
//     it is not an error;
//   - corruption: the same kind of damage, but a later valid record of this
//     segment exists, so the damage sits inside data that was written
//     after it and possibly acknowledged. This returns a
//     *base.CorruptionError.
//
// The seal is what makes damage to a segment's last record detectable: in
// a sealed segment the seal is a later valid record, so that damage is
// corruption. In the segment a crash interrupted there is no seal, and a
// damaged last record cannot be told from a torn write; it is cut off as
// one (as Pebble and RocksDB do with their tolerant recovery modes).
//
// The classification assumes that a crash keeps a prefix of the writes that
// were not yet synced (the last possibly cut short), which is what the
// page cache and the in-memory crash model do in practice. A device that
// persisted a later unsynced block while losing an earlier one could make a
// torn tail in stale (recycled) space look like corruption; zeros in
// preallocated space stop the reader first, as a clean end.
//
// A header that is all zeros (or a file shorter than a header holding only
// zeros) is a segment that was created but whose header never reached the
// disk: ReadSegment and ReadHeader return an error wrapping ErrEmptySegment,
// which the engine may ignore. Any other bad header is corruption.
//
// # Durability
//
// Append only buffers. Sync(end) returns once the bytes up to end are
// durable; concurrent Syncs share one Datasync (group commit). A failed
// write or Datasync is sticky: the Writer never retries, because after a
// failed fsync the kernel may have dropped the dirty pages and a later
// successful fsync would prove nothing.
package wal
