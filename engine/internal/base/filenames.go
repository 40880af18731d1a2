package base

import (
	"fmt"
	"strconv"
	"strings"
)

// NumStripes is the number of stripes a database is divided into. It is part
// of the on-disk format: a partition key always maps to the same stripe.
const NumStripes = 256

// StripeID names one of the 256 stripes.
type StripeID uint8

func (s StripeID) String() string { return fmt.Sprintf("%03d", uint8(s)) }

// FileNum is a database-wide unique number given to SSTs, WAL segments and
// manifests. Numbers are never reused, so a recycled WAL segment's stale
// records (which carry the old number) can never be mistaken for new ones.
type FileNum uint64

func (n FileNum) String() string { return fmt.Sprintf("%010d", uint64(n)) }

// FileKind is the kind of a file in a database directory.
type FileKind int

const (
	FileKindUnknown FileKind = iota
	// FileKindSST is a sorted table: NNN_<num>.sst (stripe NNN).
	FileKindSST
	// FileKindWAL is the active WAL segment of a stripe: wal_NNN.log.
	FileKindWAL
	// FileKindSealedWAL is an older WAL segment of a stripe whose records
	// are not yet flushed: wal_NNN-<num>.log.
	FileKindSealedWAL
	// FileKindRecycle is a released WAL segment on its way to becoming a
	// spare (being zeroed): recycle-<num>.log. It never holds a record
	// anyone needs.
	FileKindRecycle
	// FileKindSpare is an all-zero file ready to become a WAL segment:
	// spare-<num>.log.
	FileKindSpare
	// FileKindManifest is a manifest log: MANIFEST-<num>.
	FileKindManifest
	// FileKindCurrent names the live manifest: CURRENT.
	FileKindCurrent
	// FileKindLock is the process lock: LOCK.
	FileKindLock
	// FileKindTemp is a file being written that is renamed into place when
	// complete: <anything>.tmp.
	FileKindTemp
)

var fileKindNames = [...]string{"unknown", "sst", "wal", "sealed-wal", "recycle", "spare", "manifest", "current", "lock", "temp"}

func (k FileKind) String() string {
	if int(k) < len(fileKindNames) {
		return fileKindNames[k]
	}
	return "FileKind(" + strconv.Itoa(int(k)) + ")"
}

// Fixed file names.
const (
	CurrentFilename = "CURRENT"
	LockFilename    = "LOCK"
)

// MakeFilename returns the base name of a file. Arguments a kind does not use
// are ignored.
func MakeFilename(kind FileKind, stripe StripeID, num FileNum) string {
	switch kind {
	case FileKindSST:
		return fmt.Sprintf("%s_%s.sst", stripe, num)
	case FileKindWAL:
		return fmt.Sprintf("wal_%s.log", stripe)
	case FileKindSealedWAL:
		return fmt.Sprintf("wal_%s-%s.log", stripe, num)
	case FileKindRecycle:
		return fmt.Sprintf("recycle-%s.log", num)
	case FileKindSpare:
		return fmt.Sprintf("spare-%s.log", num)
	case FileKindManifest:
		return fmt.Sprintf("MANIFEST-%s", num)
	case FileKindCurrent:
		return CurrentFilename
	case FileKindLock:
		return LockFilename
	}
	panic(fmt.Sprintf("base: MakeFilename of %v", kind))
}

// ParseFilename is the inverse of MakeFilename. ok is false for names the
// engine does not own (they are left alone).
func ParseFilename(name string) (kind FileKind, stripe StripeID, num FileNum, ok bool) {
	switch {
	case name == CurrentFilename:
		return FileKindCurrent, 0, 0, true
	case name == LockFilename:
		return FileKindLock, 0, 0, true
	case strings.HasSuffix(name, ".tmp"):
		return FileKindTemp, 0, 0, true
	case strings.HasPrefix(name, "MANIFEST-"):
		n, ok := parseNum(name[len("MANIFEST-"):])
		return FileKindManifest, 0, n, ok
	case strings.HasPrefix(name, "recycle-") && strings.HasSuffix(name, ".log"):
		n, ok := parseNum(strings.TrimSuffix(name[len("recycle-"):], ".log"))
		return FileKindRecycle, 0, n, ok
	case strings.HasPrefix(name, "spare-") && strings.HasSuffix(name, ".log"):
		n, ok := parseNum(strings.TrimSuffix(name[len("spare-"):], ".log"))
		return FileKindSpare, 0, n, ok
	case strings.HasPrefix(name, "wal_") && strings.HasSuffix(name, ".log"):
		rest := strings.TrimSuffix(name[len("wal_"):], ".log")
		if s, n, found := strings.Cut(rest, "-"); found {
			st, ok1 := parseStripe(s)
			fn, ok2 := parseNum(n)
			return FileKindSealedWAL, st, fn, ok1 && ok2
		}
		st, ok := parseStripe(rest)
		return FileKindWAL, st, 0, ok
	case strings.HasSuffix(name, ".sst"):
		s, n, found := strings.Cut(strings.TrimSuffix(name, ".sst"), "_")
		if !found {
			return FileKindUnknown, 0, 0, false
		}
		st, ok1 := parseStripe(s)
		fn, ok2 := parseNum(n)
		return FileKindSST, st, fn, ok1 && ok2
	}
	return FileKindUnknown, 0, 0, false
}

func parseStripe(s string) (StripeID, bool) {
	if len(s) != 3 {
		return 0, false
	}
	v, err := strconv.ParseUint(s, 10, 8)
	return StripeID(v), err == nil
}

func parseNum(s string) (FileNum, bool) {
	if s == "" {
		return 0, false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	v, err := strconv.ParseUint(s, 10, 64)
	return FileNum(v), err == nil
}
