package engine

import (
	"errors"
	"fmt"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
)

// Sentinel errors. Every error the engine returns wraps one of them, so
// callers test with errors.Is; the message printed is the operators' guide's
// display string ("Key not found: user#123").
var (
	// ErrIO: a file-system operation failed ("IO error: …").
	ErrIO = errors.New("IO error")
	// ErrCorruption: damaged data on disk ("Corruption detected: …").
	ErrCorruption = base.ErrCorruption
	// ErrKeyNotFound: Get found no item ("Key not found: KEY").
	ErrKeyNotFound = errors.New("Key not found")
	// ErrInvalidArgument: bad input ("Invalid argument: …").
	ErrInvalidArgument = errors.New("Invalid argument")
	// ErrDatabaseExists: Create on an existing database.
	ErrDatabaseExists = errors.New("Database already exists")
	// ErrInternal: an unexpected state ("Internal error: …").
	ErrInternal = errors.New("Internal error")
	// ErrCompaction: a compaction failed ("Compaction error: …").
	ErrCompaction = errors.New("Compaction error")
	// ErrEncryption: a wrong key or undecryptable data.
	ErrEncryption = errors.New("Encryption error")
	// ErrClosed: the database was closed.
	ErrClosed = errors.New("database closed")
	// ErrLocked: another process (or another Open) holds the database
	// ("Database locked: …"); errors.Is(err, ErrLocked) holds too.
	ErrLocked = errors.New("Database locked")
	// ErrTableNotFound: no table of that name.
	ErrTableNotFound = errors.New("Table not found")
	// ErrValidation: a request DynamoDB would reject with a
	// ValidationException. Its message is DynamoDB's, printed without a
	// prefix; errors.Is(err, ErrInvalidArgument) is true as well.
	ErrValidation = errors.New("ValidationException")
)

// Error is an engine error: a kind (one of the sentinels) and a message. It
// prints as "<kind>: <message>", the form the operators' guide documents.
type Error struct {
	Kind error  // one of the sentinel errors
	Msg  string // what went wrong, after the kind's prefix
	Err  error  // the underlying cause, if any
}

func (e *Error) Error() string {
	if e.Kind == ErrValidation && e.Msg != "" {
		return e.Msg
	}
	if e.Msg == "" {
		return e.Kind.Error()
	}
	return e.Kind.Error() + ": " + e.Msg
}

// Is matches the kind.
func (e *Error) Is(target error) bool {
	return target == e.Kind || (e.Kind == ErrValidation && target == ErrInvalidArgument)
}

// Unwrap returns the cause, so errors.As finds e.g. *os.PathError.
func (e *Error) Unwrap() error { return e.Err }

func newErr(kind error, format string, args ...any) error {
	return &Error{Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

// ioErr wraps a file-system error as an IO error, passing corruption and
// engine errors through unchanged.
func ioErr(err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) || errors.Is(err, base.ErrCorruption) || errors.Is(err, ErrLocked) {
		return err
	}
	return &Error{Kind: ErrIO, Msg: err.Error(), Err: err}
}

func newErrWrap(kind error, msg string, cause error) error {
	return &Error{Kind: kind, Msg: msg + ": " + cause.Error(), Err: cause}
}

func invalidArg(format string, args ...any) error {
	return newErr(ErrInvalidArgument, format, args...)
}

func validationErr(format string, args ...any) error {
	return newErr(ErrValidation, format, args...)
}

func keyNotFound(k Key) error { return newErr(ErrKeyNotFound, "%s", k) }
