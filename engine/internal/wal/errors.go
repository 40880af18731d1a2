package wal

import "errors"

var (
	// ErrEmptySegment is wrapped by ReadSegment's and ReadHeader's error when
	// the header is all zeros: the file was created but its header never
	// reached the disk, so it cannot hold acknowledged records. The engine
	// may delete or ignore such a file.
	ErrEmptySegment = errors.New("empty WAL segment (header never written)")

	// ErrClosed is returned by a Writer's methods after Close.
	ErrClosed = errors.New("WAL writer closed")

	// ErrLSNOrder is wrapped by Append's error when the LSN is not greater
	// than the previous record's. It is a caller bug; the writer is left
	// unchanged and the error is not sticky.
	ErrLSNOrder = errors.New("LSN not increasing")

	// ErrPayloadTooLarge is wrapped by Append's error for a payload longer
	// than MaxPayloadSize. The error is not sticky.
	ErrPayloadTooLarge = errors.New("WAL payload too large")

	// ErrSyncPastEnd is wrapped by Sync's error when asked to sync past the
	// end of what was appended (a caller bug). The error is not sticky.
	ErrSyncPastEnd = errors.New("sync past end of WAL segment")
)
