package shell

import (
	"errors"
	"fmt"

	"github.com/keystonedb/kstone-shell/parser"
)

// Error is a failed statement: the message to print and, when the error is
// about a place in the statement, its byte offset there (for a caret).
type Error struct {
	Msg string
	Pos int // byte offset in the statement's text; -1 when none
	Err error
}

func (e *Error) Error() string { return e.Msg }

// Unwrap returns the cause (an engine or parser error), if any.
func (e *Error) Unwrap() error { return e.Err }

func usageErr(pos int, format string, args ...any) *Error {
	return &Error{Msg: fmt.Sprintf(format, args...), Pos: pos}
}

// exprSpans locates each kind of expression of a statement, so that an
// error the parser reports at an offset of one expression can point into
// the statement.
type exprSpans map[parser.ExprKind]span

// wrap turns a backend error into an *Error, placing parser positions in
// the statement.
func (sp exprSpans) wrap(err error) error {
	if err == nil {
		return nil
	}
	var se *Error
	if errors.As(err, &se) {
		return err
	}
	out := &Error{Msg: err.Error(), Pos: -1, Err: err}
	var pe *parser.Error
	if errors.As(err, &pe) && pe.HasPos {
		if s, ok := sp[pe.Kind]; ok {
			out.Pos = s.start + pe.Pos.Offset
		}
	}
	return out
}
