// Package sstable reads and writes SST files: immutable, sorted tables of
// internal entries (user key, trailer = seq<<8|kind, value) that a stripe's
// memtable is flushed into and that compactions merge.
//
// # Layout
//
// All integers are little-endian; "uvarint" is encoding/binary's.
//
//	offset 0
//	+--------------------------------------+
//	| header: "SSTM" | version u32 (=1)    |  8 bytes
//	+--------------------------------------+
//	| data block 0 | trailer               |  trailer = type u8 (0) | crc u32
//	| data block 1 | trailer               |
//	| ...                                  |
//	+--------------------------------------+  <- dataEnd
//	| filter block | trailer               |  absent when the filter is disabled
//	+--------------------------------------+
//	| index block | trailer                |
//	+--------------------------------------+
//	| properties block | trailer           |
//	+--------------------------------------+
//	| footer                               |  60 bytes
//	+--------------------------------------+  <- file size
//
// Block trailer: 1 byte compression type (0 = none, the only type written
// and accepted) and a CRC32C (Castagnoli) of the block contents followed by
// the type byte. A handle (offset, length) names a block's contents; the
// trailer follows at offset+length.
//
// Data and index blocks share one format (prefix compression with restart
// points, as in LevelDB):
//
//	+---------+---------+-----+-------------+-----+----------------+-----------+
//	| entry 0 | entry 1 | ... | restart[0]  | ... | restart[n-1]   | n (u32)   |
//	+---------+---------+-----+-------------+-----+----------------+-----------+
//	entry   = shared uvarint | unshared uvarint | valueLen uvarint
//	          | key[shared:] (unshared bytes) | value (valueLen bytes)
//	restart = u32 offset of an entry stored with shared == 0
//
// Every RestartInterval-th entry (the first included) is a restart point, so
// a seek binary-searches the restart keys (stored whole) and then scans at
// most RestartInterval entries. Keys are internal keys: user key followed by
// the 8-byte trailer (base.AppendInternalKey).
//
//   - Data block value: the entry's value.
//   - Index block: one entry per data block, in file order; key = separator
//     internal key S_i, value = uvarint offset | uvarint length of the block.
//
// Filter block: a bloom.Filter over the distinct user keys of the table.
//
// Properties block: uvarints entries, deletions, data blocks, min seq,
// max seq, raw key bytes, raw value bytes, then smallest and largest user
// keys, each as uvarint length | bytes; nothing may follow.
//
// Footer (fixed 60 bytes at the end of the file):
//
//	+-----------------+-----------------+----------------+----------------+
//	| filter off u64  | filter len u64  | index off u64  | index len u64  |
//	+-----------------+-----------------+----------------+----------------+
//	| props off u64   | props len u64   | version u32    | crc u32        |
//	+-----------------+-----------------+----------------+----------------+
//	| "SSTM"          |
//	+-----------------+
//	crc = CRC32C of the footer's first 52 bytes.
//
// # Invariants (checked by NewReader and Verify)
//
//   - The file starts with "SSTM" and ends with it; versions match.
//   - Blocks tile the file with no gaps: data blocks start at 8, each next
//     block starts right after the previous block's trailer, the filter
//     starts at dataEnd (a disabled filter has the handle (dataEnd, 0) and
//     no trailer), then index, properties and footer follow each other
//     exactly. NewReader checks this for every handle, so no length
//     read from the file can exceed the file.
//   - Entries are in strictly increasing base.CompareInternal order (user
//     key ascending, trailer descending) across the whole table; several
//     versions of one user key may sit in different blocks.
//   - For every data block i: last(i) <= S_i < first(i+1) in internal
//     order. The writer shortens S_i to a short user key strictly between
//     the blocks' user keys when it can (then with the largest trailer), and
//     otherwise uses last(i); S_last is the table's last key.
//   - In every block, restart[0] = 0, restart offsets increase strictly,
//     fall on entry boundaries, and their entries have shared == 0.
//   - Kinds are base.KindSet or base.KindDelete; data blocks are non-empty.
//   - Every user key of the table is in the filter.
//
// # Reading
//
// NewReader checks the header, footer, and the filter, index and properties
// blocks (checksums and structure) with one read of the file's tail, and
// keeps the decoded index and the filter in memory. Data blocks are read on
// demand; every block read from the file has its checksum verified before
// use, and the cache only holds verified blocks.
//
// Get consults the filter, binary-searches the index (first over a dense
// array of 8-byte key words that follow the separators' common prefix, so
// that most probes stay in one small array), fetches the block through the
// block cache, binary-searches its restart points and scans at most one
// restart interval. It does not allocate when the block is cached.
//
// Iterators read blocks through the cache too, and insert what they read,
// until they have loaded several consecutive blocks in one direction: from
// then on they read ahead in large chunks and do not insert into the cache,
// so compactions and full scans neither pay a system call per block nor
// flush the blocks point reads depend on. Values returned by Get and Iter
// alias blocks that are never modified or reused, so they may be retained.
//
// Any damage is reported as a *base.CorruptionError wrapping
// base.ErrCorruption, never as wrong data or a panic.
package sstable
