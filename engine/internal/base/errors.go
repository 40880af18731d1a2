package base

import (
	"errors"
	"fmt"
)

// ErrCorruption marks every error that reports damaged on-disk data. Format
// packages wrap it (errors.Is(err, ErrCorruption) is true) and the engine
// maps it to its public corruption error.
var ErrCorruption = errors.New("corruption detected")

// CorruptionError describes damaged data: which file, where, and (for WAL
// records) which log sequence number.
type CorruptionError struct {
	File   string // base name of the file, "" if unknown
	Offset int64  // byte offset of the damage, -1 if unknown
	LSN    SeqNum // WAL record LSN, 0 if not a WAL record
	Detail string // what is wrong, e.g. "WAL checksum mismatch at LSN 12"
}

func (e *CorruptionError) Error() string {
	s := "Corruption detected: " + e.Detail
	if e.File != "" {
		s += fmt.Sprintf(" (file %s", e.File)
		if e.Offset >= 0 {
			s += fmt.Sprintf(", offset %d", e.Offset)
		}
		s += ")"
	}
	return s
}

// Unwrap makes errors.Is(err, ErrCorruption) true.
func (e *CorruptionError) Unwrap() error { return ErrCorruption }

// CorruptionErrorf returns a *CorruptionError with a formatted detail.
func CorruptionErrorf(file string, offset int64, format string, args ...any) error {
	return &CorruptionError{File: file, Offset: offset, Detail: fmt.Sprintf(format, args...)}
}
