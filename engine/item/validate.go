package item

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"slices"
)

// MaxNestingDepth is DynamoDB's nesting limit: a document path has at most 32
// elements. A top-level attribute is at level 1 and each list or map adds a
// level, so lists and maps may sit at levels 1 to 31 and scalars down to 32.
const MaxNestingDepth = 32

// Validate checks the item against DynamoDB's rules: every value is valid
// (see ValidateValue) and Size() is at most MaxItemSize. Errors are
// *ValidationError with DynamoDB's message. When several attributes are
// invalid, the one whose name sorts first is reported, so the result does not
// depend on map order.
func (it Item) Validate() error {
	if err := firstInvalid(it, 1); err != nil {
		return err
	}
	if it.Size() > MaxItemSize {
		return &ValidationError{Kind: ItemTooLarge, Msg: msgItemTooLarge}
	}
	return nil
}

// ValidateValue checks v as DynamoDB checks an attribute value: no nil or
// foreign Values, sets non-empty and without duplicate members, and lists and
// maps nested at most MaxNestingDepth levels (v itself counting as level 1).
// Sizes are not checked; that is a property of a whole item.
func ValidateValue(v Value) error { return validateValue(v, 1) }

func validateValue(v Value, level int) error {
	switch v := v.(type) {
	case S, N, B, BOOL, NULL:
		return nil
	case L:
		if level >= MaxNestingDepth {
			return &ValidationError{Kind: NestingTooDeep, Msg: msgTooDeep}
		}
		for _, e := range v {
			if err := validateValue(e, level+1); err != nil {
				return err
			}
		}
		return nil
	case M:
		if level >= MaxNestingDepth {
			return &ValidationError{Kind: NestingTooDeep, Msg: msgTooDeep}
		}
		return firstInvalid(v, level+1)
	case SS:
		return validateSet(TypeSS, v, func(s string) string { return s })
	case NS:
		return validateSet(TypeNS, v, N.String)
	case BS:
		if len(v) == 0 {
			return emptySetError(TypeBS)
		}
		if bsHasDuplicates(v) {
			return duplicatesError(mapSlice(v, base64.StdEncoding.EncodeToString))
		}
		return nil
	case nil:
		return &ValidationError{Kind: InvalidValue, Msg: msgEmptyValue}
	}
	return &ValidationError{Kind: InvalidValue, Msg: fmt.Sprintf("unsupported attribute value type %T", v)}
}

// firstInvalid returns the error of the invalid entry whose name sorts
// first, so errors do not depend on map iteration order. Each entry is
// validated at most once: once an invalid entry is known, only entries with
// smaller names are still examined.
func firstInvalid[Map ~map[string]Value](m Map, level int) error {
	var firstName string
	var firstErr error
	for k, v := range m {
		if firstErr != nil && k >= firstName {
			continue
		}
		if err := validateValue(v, level); err != nil {
			firstName, firstErr = k, err
		}
	}
	return firstErr
}

func validateSet[T comparable](t Type, members []T, show func(T) string) error {
	if len(members) == 0 {
		return emptySetError(t)
	}
	if hasDuplicates(members) {
		return duplicatesError(mapSlice(members, show))
	}
	return nil
}

func hasDuplicates[T comparable](members []T) bool {
	if len(members) <= smallSet {
		for i := 1; i < len(members); i++ {
			if slices.Contains(members[:i], members[i]) {
				return true
			}
		}
		return false
	}
	seen := make(map[T]struct{}, len(members))
	for _, m := range members {
		if _, ok := seen[m]; ok {
			return true
		}
		seen[m] = struct{}{}
	}
	return false
}

func bsHasDuplicates(members BS) bool {
	if len(members) <= smallSet {
		for i := 1; i < len(members); i++ {
			for _, prev := range members[:i] {
				if bytes.Equal(prev, members[i]) {
					return true
				}
			}
		}
		return false
	}
	seen := make(map[string]struct{}, len(members))
	for _, m := range members {
		if _, ok := seen[string(m)]; ok {
			return true
		}
		seen[string(m)] = struct{}{}
	}
	return false
}

func mapSlice[T any](in []T, f func(T) string) []string {
	out := make([]string, len(in))
	for i, x := range in {
		out[i] = f(x)
	}
	return out
}
