// Package engine is KeystoneDB: an embedded, DynamoDB-style database on a
// 256-stripe LSM tree.
//
// An item's partition key picks its stripe (crc32(partition key) % 256).
// Each stripe owns a memtable, a write-ahead log and a list of SST files, so
// writes to different stripes never wait for each other. A write is appended
// to the stripe's WAL, made durable (fdatasync, shared by concurrent writers:
// group commit) and inserted into the memtable; a full memtable becomes
// immutable and is flushed to an SST in the background while writes go on.
//
// A database directory holds:
//
//	LOCK                   held by the process that has the database open
//	CURRENT                names the live manifest
//	MANIFEST-<num>         log of the live SSTs per stripe and the tables
//	wal_NNN.log            stripe NNN's active WAL segment
//	wal_NNN-<num>.log      older segments of stripe NNN, not yet flushed
//	spare-<num>.log        zeroed files ready to become WAL segments
//	recycle-<num>.log      released segments on their way to being spares
//	NNN_<num>.sst          SSTs of stripe NNN; the first 4 bytes are "SSTM"
//
// The engine never prints. Logs go to Options.Logger, errors are returned
// (and wrap the sentinels in errors.go), metrics come back as structs.
package engine
