package sstable

import (
	"errors"
	"fmt"
	"math"
)

// Defaults and limits of WriterOptions.
const (
	DefaultBlockSize       = 4096
	DefaultRestartInterval = 16
	DefaultBloomFPR        = 0.01

	// MaxBlockSize bounds BlockSize; blocks address their entries with
	// 32-bit offsets.
	MaxBlockSize = 64 << 20
	// MaxEntrySize bounds a key and a value (each), so that one entry
	// cannot overflow a block's 32-bit offsets.
	MaxEntrySize = 1 << 30
	// maxRestartInterval bounds RestartInterval: longer runs make every
	// seek a long linear scan.
	maxRestartInterval = 1 << 16
)

// WriterOptions configure a Writer. The zero value means all defaults.
type WriterOptions struct {
	// BlockSize is the target uncompressed size of a data block; a block
	// is closed once it reaches it. Default: 4096.
	BlockSize int
	// RestartInterval is the number of entries between restart points.
	// Default: 16.
	RestartInterval int
	// BloomFPR is the false-positive rate of the bloom filter; 0 means the
	// default, a negative value disables the filter. Default: 0.01.
	BloomFPR float64
}

// EnsureDefaults replaces zero values by their defaults.
func (o WriterOptions) EnsureDefaults() WriterOptions {
	if o.BlockSize == 0 {
		o.BlockSize = DefaultBlockSize
	}
	if o.RestartInterval == 0 {
		o.RestartInterval = DefaultRestartInterval
	}
	if o.BloomFPR == 0 {
		o.BloomFPR = DefaultBloomFPR
	}
	return o
}

// Validate reports every problem of o (after EnsureDefaults) at once.
func (o WriterOptions) Validate() error {
	var errs []error
	if o.BlockSize < 1 || o.BlockSize > MaxBlockSize {
		errs = append(errs, fmt.Errorf("BlockSize %d out of range [1, %d]", o.BlockSize, MaxBlockSize))
	}
	if o.RestartInterval < 1 || o.RestartInterval > maxRestartInterval {
		errs = append(errs, fmt.Errorf("RestartInterval %d out of range [1, %d]", o.RestartInterval, maxRestartInterval))
	}
	if math.IsNaN(o.BloomFPR) || o.BloomFPR >= 1 {
		errs = append(errs, fmt.Errorf("BloomFPR %v must be < 1 (negative disables the filter)", o.BloomFPR))
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %w", ErrInvalidOptions, errors.Join(errs...))
}
