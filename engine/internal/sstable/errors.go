package sstable

import (
	"errors"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
)

// Errors returned by the Writer. Corruption found when reading is always a
// *base.CorruptionError instead (errors.Is(err, base.ErrCorruption)).
var (
	// ErrKeyOrder is returned by Writer.Add for an entry that is not
	// strictly after the previous one in base.CompareInternal order.
	ErrKeyOrder = errors.New("sstable: entries added out of order")
	// ErrInvalidKind is returned by Writer.Add for a kind other than
	// base.KindSet and base.KindDelete.
	ErrInvalidKind = errors.New("sstable: invalid entry kind")
	// ErrEntryTooLarge is returned by Writer.Add for a key or value larger
	// than MaxEntrySize.
	ErrEntryTooLarge = errors.New("sstable: entry too large")
	// ErrFinished is returned by a Writer used after Finish.
	ErrFinished = errors.New("sstable: writer already finished")
	// ErrInvalidOptions is wrapped by the error of a Writer created with
	// invalid options.
	ErrInvalidOptions = errors.New("sstable: invalid options")
)

// Corruption details that callers (the engine, operators' tools and tests)
// rely on verbatim.
const (
	// DetailBadHeader is the detail of a file that does not start with the
	// magic.
	DetailBadHeader = "SST file header invalid"
	// DetailChecksum is the detail of a data block whose checksum does not
	// match; the error's Offset is the block's offset.
	DetailChecksum = "Checksum mismatch"
)

// corruption returns a *base.CorruptionError for file name.
func corruption(name string, off int64, format string, args ...any) error {
	return base.CorruptionErrorf(name, off, format, args...)
}
