// Package manifest records, durably and atomically, which SSTs are live in
// each stripe, how far each stripe's WAL has been flushed into SSTs, the
// next unused file number and the database's tables.
//
// It is an append-only log of edits plus a CURRENT file, like LevelDB and
// Pebble. Nothing is ever half-applied: after a crash at any point,
// reopening yields the state before or after each edit, and every edit
// whose Apply returned nil is there.
//
// # Files
//
//	dir/
//	  CURRENT                 "MANIFEST-0000000007\n": names the live manifest
//	  MANIFEST-0000000007     the live manifest (log of records)
//	  CURRENT.0000000009.tmp  transient: next CURRENT, renamed into place
//	  MANIFEST-0000000009     transient: being written by a roll-over
//
// # Manifest file
//
//	+----------------+----------------+----------------+-- ... --+
//	| record 0       | record 1       | record 2       |         |
//	| snapshot       | edits          | edits          |         |
//	+----------------+----------------+----------------+-- ... --+
//
//	record:  +------------+------------+---------------------+
//	         | length u32 | CRC-32C    | payload             |
//	         | (LE)       | u32 (LE)   | (length bytes, > 0) |
//	         +------------+------------+---------------------+
//	         CRC = crc32c(length field ‖ payload)
//
//	payload: kind byte 1 (snapshot): uvarint format version (1), edit
//	         kind byte 2 (edits):    uvarint count (>= 1), count × edit
//
//	edit:    uvarint NextFileNum
//	         uvarint #stripes,   each: byte stripe, uvarint FlushedSeq,
//	                             uvarint #added, #added × file,
//	                             uvarint #deleted, #deleted × uvarint num
//	         uvarint #addTables, each: uvarint ID, str Name,
//	                             str PartitionKey, byte PartitionType,
//	                             str SortKey, byte SortType,
//	                             byte flags (bit 0: SortKeyOptional)
//	         uvarint #dropTables, each: uvarint ID
//	file:    uvarint Num, Size, Entries, Deletions; bytes Smallest,
//	         Largest; uvarint MinSeq, MaxSeq; varint CreatedUnixNano
//	         (the stripe is the enclosing stripe's)
//	str, bytes: uvarint length, then the bytes
//
// A snapshot is the edit that builds the whole state from an empty one, so
// a state is decoded by applying edits with the same validation
// (State.Apply) every time. An edit record carries the edits of one group
// commit (concurrent Apply calls sharing an fsync) and is applied all or
// nothing.
//
// # Protocols and invariants
//
// Apply: append one edit record, fdatasync, and only then update the
// in-memory state and return. A new record is written only after the
// previous one is durable, so at most the last record of a file can be
// incomplete after a crash, and it was never acknowledged.
//
// Open: read CURRENT, then the manifest it names, applying records in
// order. A bad record with no valid record after it is that torn last
// record: it is ignored and reported (OpenInfo.TornTail). Damage followed
// by a valid record, a damaged first record (the snapshot), a missing
// manifest or an edit that does not apply is a *base.CorruptionError. Open
// then always rolls over, so new records never follow garbage.
//
// Roll-over (at Open, at Create, and before an Apply once the file is at
// least Options.MaxFileSize and twice its snapshot):
//
//  1. allocate N from the file-number allocator; create MANIFEST-N with a
//     snapshot whose NextFileNum is above N; fsync it; fsync dir
//  2. write "MANIFEST-N\n" to CURRENT.N.tmp; fsync it
//  3. rename CURRENT.N.tmp to CURRENT; fsync dir
//  4. close and delete the old manifest (best effort)
//
// Invariants: CURRENT always names a complete, durable manifest (the new
// file and its directory entry are durable before the rename, and the old
// file is deleted only after the rename is durable). A crash before step 3
// leaves MANIFEST-N and CURRENT.N.tmp as leftovers (ObsoleteManifests; the
// engine removes *.tmp files). State.NextFileNum exceeds every file number
// ever recorded.
//
// # File numbers
//
// SSTs, WAL segments and manifests share one allocator. AllocFileNum hands
// out numbers from an in-memory counter that never goes below
// State.NextFileNum. Apply raises every edit's NextFileNum to the
// counter's high-water mark, so a number allocated before an Apply is
// covered once that Apply returns. A number allocated but not yet covered
// may appear on disk after a crash (an orphan file); Open therefore also
// raises NextFileNum above every number it finds in the directory, and
// the engine deletes the orphans.
//
// # Limitations
//
// A damaged final record is taken for a torn write because nothing valid
// follows it. That is right after a crash, but media damage to the last
// acknowledged record looks the same: that edit is then dropped and only
// reported through OpenInfo.TornTail. Damage anywhere before it is caught.
//
// Removing the old manifest after a roll-over is best effort: a failure
// is not an error (CURRENT no longer names the file) and the leftover is
// listed in OpenInfo.ObsoleteManifests by the next Open.
package manifest
