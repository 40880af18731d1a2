package item

import "strconv"

// Type names a DynamoDB attribute type.
//
// The numeric values are part of the binary format (they are the value tags,
// see the package doc), so they must never be renumbered.
type Type uint8

// The ten DynamoDB attribute types.
const (
	TypeS    Type = iota + 1 // string
	TypeN                    // number
	TypeB                    // binary
	TypeBOOL                 // boolean
	TypeNULL                 // null
	TypeL                    // list
	TypeM                    // map
	TypeSS                   // string set
	TypeNS                   // number set
	TypeBS                   // binary set
)

// String returns the DynamoDB name of the type ("S", "N", …, "BS").
func (t Type) String() string {
	switch t {
	case TypeS:
		return "S"
	case TypeN:
		return "N"
	case TypeB:
		return "B"
	case TypeBOOL:
		return "BOOL"
	case TypeNULL:
		return "NULL"
	case TypeL:
		return "L"
	case TypeM:
		return "M"
	case TypeSS:
		return "SS"
	case TypeNS:
		return "NS"
	case TypeBS:
		return "BS"
	}
	return "Type(" + strconv.Itoa(int(t)) + ")"
}

// ParseType maps a DynamoDB type name to its Type. The match is exact and
// case-sensitive, as in DynamoDB's attribute_type function and typed JSON.
func ParseType(s string) (Type, bool) {
	switch s {
	case "S":
		return TypeS, true
	case "N":
		return TypeN, true
	case "B":
		return TypeB, true
	case "BOOL":
		return TypeBOOL, true
	case "NULL":
		return TypeNULL, true
	case "L":
		return TypeL, true
	case "M":
		return TypeM, true
	case "SS":
		return TypeSS, true
	case "NS":
		return TypeNS, true
	case "BS":
		return TypeBS, true
	}
	return 0, false
}

// Value is one DynamoDB attribute value. The interface is sealed: only the
// ten types of this package implement it (S, N, B, BOOL, NULL, L, M, SS, NS
// and BS). Pointers to them also carry the methods, but they are not valid
// values: ValidateValue rejects them and the encoders panic on them.
//
// A nil Value is never valid inside an Item, L or M.
type Value interface {
	// Type reports which of the ten DynamoDB types the value is.
	Type() Type
	isValue()
}

// S is a string value. DynamoDB strings are UTF-8; ordering and sizes are
// by bytes.
type S string

// B is a binary value. Values decoded by this package own their bytes.
type B []byte

// BOOL is a boolean value.
type BOOL bool

// NULL is the null value; DynamoDB's NULL has no payload.
type NULL struct{}

// L is a list: ordered, may mix types, may be empty.
type L []Value

// M is a map from names to values; may be empty.
type M map[string]Value

// SS is a string set. It must be non-empty and free of duplicates (see
// ValidateValue); the order of members carries no meaning.
type SS []string

// NS is a number set, with the same rules as SS.
type NS []N

// BS is a binary set, with the same rules as SS.
type BS [][]byte

// Item is a stored item: attribute name → value.
type Item map[string]Value

// Type implements Value.
func (S) Type() Type { return TypeS }

// Type implements Value.
func (N) Type() Type { return TypeN }

// Type implements Value.
func (B) Type() Type { return TypeB }

// Type implements Value.
func (BOOL) Type() Type { return TypeBOOL }

// Type implements Value.
func (NULL) Type() Type { return TypeNULL }

// Type implements Value.
func (L) Type() Type { return TypeL }

// Type implements Value.
func (M) Type() Type { return TypeM }

// Type implements Value.
func (SS) Type() Type { return TypeSS }

// Type implements Value.
func (NS) Type() Type { return TypeNS }

// Type implements Value.
func (BS) Type() Type { return TypeBS }

func (S) isValue()    {}
func (N) isValue()    {}
func (B) isValue()    {}
func (BOOL) isValue() {}
func (NULL) isValue() {}
func (L) isValue()    {}
func (M) isValue()    {}
func (SS) isValue()   {}
func (NS) isValue()   {}
func (BS) isValue()   {}
