package manifest

import "errors"

// ErrInvalidEdit is wrapped by every error State.Apply and Manifest.Apply
// return for an edit that does not apply to the current state (duplicate
// file, unknown file, FlushedSeq going backwards, duplicate table, ...).
// Such an edit is rejected before anything is written; the manifest stays
// usable.
var ErrInvalidEdit = errors.New("invalid manifest edit")

// ErrClosed is returned by Manifest.Apply after Close.
var ErrClosed = errors.New("manifest closed")

// ErrExists is returned by Create when the directory already holds a
// CURRENT file, i.e. a database.
var ErrExists = errors.New("manifest already exists")

// ErrInvalidOptions is wrapped by Options.Validate's error.
var ErrInvalidOptions = errors.New("invalid manifest options")
