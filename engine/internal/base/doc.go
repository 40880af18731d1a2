// Package base holds the small vocabulary shared by the engine's internal
// packages: stripe and file numbers, on-disk file names, internal keys
// (user key + sequence number + kind) and the corruption marker error.
//
// It has no dependencies inside the engine so that every format package
// (wal, sstable, manifest) can import it.
package base
