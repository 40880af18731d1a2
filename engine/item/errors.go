package item

import (
	"errors"
	"strconv"
	"strings"
)

// ErrMalformed marks every error that reports bytes which are not a valid
// encoding (binary items and values, or order-preserving keys). Decoders wrap
// it, so errors.Is(err, ErrMalformed) tells corruption from other failures.
var ErrMalformed = errors.New("item: malformed encoding")

// ErrNotKeyType is wrapped by AppendKey and DecodeKey when asked to encode a
// type other than S, N or B (the only types DynamoDB allows in keys).
var ErrNotKeyType = errors.New("item: key attributes must be of type S, N or B")

// ErrInvalidJSON is wrapped by the JSON readers when the input is not
// well-formed JSON (as opposed to JSON that holds an invalid item).
var ErrInvalidJSON = errors.New("invalid JSON")

// errItemNotObject is returned when an item's JSON is not an object.
const errItemNotObject = constError("an item must be a JSON object")

// constError lets fixed messages be constants rather than package
// variables.
type constError string

func (e constError) Error() string { return string(e) }

// NumberErrorKind says why a number was rejected.
type NumberErrorKind uint8

// Kinds of NumberError.
const (
	// NumberSyntax: the text is not a number (e.g. "1e", "NaN", " 1").
	NumberSyntax NumberErrorKind = iota + 1
	// NumberPrecision: more than 38 significant digits.
	NumberPrecision
	// NumberOverflow: magnitude above 9.99…9E+125.
	NumberOverflow
	// NumberUnderflow: non-zero magnitude below 1E-130.
	NumberUnderflow
)

// NumberError reports a number DynamoDB would reject. Error returns
// DynamoDB's message exactly.
type NumberError struct {
	Kind  NumberErrorKind
	Input string // the offending text; set for NumberSyntax
}

func (e *NumberError) Error() string {
	switch e.Kind {
	case NumberPrecision:
		return "Attempting to store more than 38 significant digits in a Number"
	case NumberOverflow:
		return "Number overflow. Attempting to store a number with magnitude larger than supported range"
	case NumberUnderflow:
		return "Number underflow. Attempting to store a number with magnitude smaller than supported range"
	}
	return "The parameter cannot be converted to a numeric value: " + e.Input
}

// ValidationErrorKind says which rule a value or item broke.
type ValidationErrorKind uint8

// Kinds of ValidationError.
const (
	// EmptySet: an SS, NS or BS without members.
	EmptySet ValidationErrorKind = iota + 1
	// DuplicateSetMembers: a set lists the same member twice.
	DuplicateSetMembers
	// NestingTooDeep: lists/maps nested beyond MaxNestingDepth.
	NestingTooDeep
	// ItemTooLarge: Item.Size() exceeds MaxItemSize.
	ItemTooLarge
	// InvalidValue: a nil Value, or a type foreign to this package.
	InvalidValue
)

// ValidationError reports a value or item DynamoDB would reject. Msg is
// DynamoDB's message, and what Error returns.
type ValidationError struct {
	Kind ValidationErrorKind
	Msg  string
}

func (e *ValidationError) Error() string { return e.Msg }

// The exact DynamoDB texts; the set messages keep DynamoDB's "An … set  may"
// (sic, two spaces).
const (
	msgEmptySS        = "One or more parameter values were invalid: An string set  may not be empty"
	msgEmptyNS        = "One or more parameter values were invalid: An number set  may not be empty"
	msgEmptyBS        = "One or more parameter values were invalid: An binary set  may not be empty"
	msgTooDeep        = "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit"
	msgItemTooLarge   = "Item size has exceeded the maximum allowed size"
	msgEmptyValue     = "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
	msgManyDatatypes  = "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"
	msgNullNotTrue    = "One or more parameter values were invalid: Null attribute value types must have the value of true"
	msgDuplicatesHead = "One or more parameter values were invalid: Input collection ["
	msgDuplicatesTail = "] contains duplicates."
)

func emptySetError(t Type) error {
	msg := msgEmptySS
	switch t {
	case TypeNS:
		msg = msgEmptyNS
	case TypeBS:
		msg = msgEmptyBS
	}
	return &ValidationError{Kind: EmptySet, Msg: msg}
}

// duplicatesError lists the members as the caller gave them, joined the way
// DynamoDB prints a Java collection ("[a, b, a]").
func duplicatesError(members []string) error {
	return &ValidationError{
		Kind: DuplicateSetMembers,
		Msg:  msgDuplicatesHead + strings.Join(members, ", ") + msgDuplicatesTail,
	}
}

// PathError locates an error inside a JSON document: Path is the attribute
// path in expression syntax ("a.b[2]"), Err the underlying error (a
// *NumberError, *ValidationError or a description of bad input).
type PathError struct {
	Path string
	Err  error
}

func (e *PathError) Error() string {
	return "attribute " + strconv.Quote(e.Path) + ": " + e.Err.Error()
}

func (e *PathError) Unwrap() error { return e.Err }
