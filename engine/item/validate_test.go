package item

import (
	"errors"
	"strings"
	"testing"
)

func TestValueSize(t *testing.T) {
	tests := []struct {
		v    Value
		want int
	}{
		{S(""), 0},
		{S("abc"), 3},
		{S("é€"), 5},
		{N{}, 1},
		{MustN("7"), 2},
		{MustN("12"), 2},
		{MustN("123"), 3},
		{MustN("12345"), 4},
		{MustN("1e100"), 2},
		{MustN("-0.000012"), 2},
		{MustN(digits38), 20},
		{B{1, 2, 3}, 3},
		{BOOL(true), 1},
		{NULL{}, 1},
		{L{}, 3},
		{L{S("xy")}, 3 + 2 + 1},
		{L{S("xy"), NULL{}}, 3 + 3 + 2},
		{M{}, 3},
		{M{"k": S("xy")}, 3 + 1 + 2 + 1},
		{SS{"a", "bc"}, 3},
		{NS{MustN("1"), MustN("123")}, 2 + 3},
		{BS{{1}, {2, 3}}, 3},
		{nil, 0},
	}
	for _, tt := range tests {
		if got := ValueSize(tt.v); got != tt.want {
			t.Errorf("ValueSize(%#v) = %d, want %d", tt.v, got, tt.want)
		}
	}
	it := Item{
		"id":   S("abc"),                 // 2 + 3
		"n":    MustN("12345"),           // 1 + 4
		"flag": BOOL(true),               // 4 + 1
		"l":    L{S("xy")},               // 1 + 6
		"€":    M{"a": L{}, "b": NULL{}}, // 3 + 3 + (1+3+1) + (1+1+1)
	}
	if got := it.Size(); got != 5+5+5+7+14 {
		t.Errorf("Item.Size() = %d, want %d", got, 36)
	}
}

func nested(levels int) Value {
	var v Value = S("leaf")
	for range levels {
		v = M{"m": v}
	}
	return v
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		v    Value
		kind ValidationErrorKind
		msg  string
	}{
		{"empty SS", SS{}, EmptySet, "One or more parameter values were invalid: An string set  may not be empty"},
		{"nil NS", NS(nil), EmptySet, "One or more parameter values were invalid: An number set  may not be empty"},
		{"empty BS", BS{}, EmptySet, "One or more parameter values were invalid: An binary set  may not be empty"},
		{"dup SS", SS{"a", "a"}, DuplicateSetMembers, "One or more parameter values were invalid: Input collection [a, a] contains duplicates."},
		{"dup SS order kept", SS{"b", "a", "b"}, DuplicateSetMembers, "One or more parameter values were invalid: Input collection [b, a, b] contains duplicates."},
		{"dup NS", NS{MustN("1"), MustN("1.0")}, DuplicateSetMembers, "One or more parameter values were invalid: Input collection [1, 1] contains duplicates."},
		{"dup BS", BS{{1}, {2}, {1}}, DuplicateSetMembers, "One or more parameter values were invalid: Input collection [AQ==, Ag==, AQ==] contains duplicates."},
		{"nil in L", L{S("a"), nil}, InvalidValue, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"},
		{"nil in M", M{"a": nil}, InvalidValue, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"},
		{"nil", nil, InvalidValue, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"},
		{"pointer", L{new(S)}, InvalidValue, "unsupported attribute value type *item.S"},
		{"nested set", M{"x": L{M{"s": SS{}}}}, EmptySet, "One or more parameter values were invalid: An string set  may not be empty"},
		{"too deep", nested(32), NestingTooDeep, "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit"},
		{"too deep list", L{nested(31)}, NestingTooDeep, "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit"},
	}
	for _, tt := range tests {
		err := ValidateValue(tt.v)
		var ve *ValidationError
		if !errors.As(err, &ve) || ve.Kind != tt.kind || err.Error() != tt.msg {
			t.Errorf("%s: ValidateValue = %v, want kind %d %q", tt.name, err, tt.kind, tt.msg)
		}
		err = Item{"a": tt.v}.Validate()
		if !errors.As(err, &ve) || err.Error() != tt.msg {
			t.Errorf("%s: Item.Validate = %v, want %q", tt.name, err, tt.msg)
		}
	}

	large := make(SS, 40)
	for i := range large {
		large[i] = strings.Repeat("x", i)
	}
	valid := []Value{
		S(""), B(nil), N{}, nested(31), L{nested(30)}, SS{"a", "b"}, NS{MustN("1"), MustN("1.5")},
		BS{{}, {0}}, large, M{}, L{},
	}
	for _, v := range valid {
		if err := ValidateValue(v); err != nil {
			t.Errorf("ValidateValue(%#v) = %v", v, err)
		}
	}
	if err := ValidateValue(append(large, "xxx")); err == nil || !strings.Contains(err.Error(), "contains duplicates") {
		t.Errorf("large duplicate set: %v", err)
	}
	largeBS := BS{}
	for i := range 20 {
		largeBS = append(largeBS, []byte(strings.Repeat("y", i)))
	}
	if err := ValidateValue(largeBS); err != nil {
		t.Errorf("large BS: %v", err)
	}
	if err := ValidateValue(append(largeBS, []byte("yy"))); err == nil {
		t.Error("large BS duplicate accepted")
	}
}

func TestValidateReportsFirstByName(t *testing.T) {
	it := Item{"z": SS{}, "b": NS{}, "m": SS{"a", "a"}}
	for range 20 {
		if err := it.Validate(); err == nil || err.Error() != msgEmptyNS {
			t.Fatalf("Validate = %v, want the error of attribute b", err)
		}
	}
	m := M{"z": SS{}, "b": NS{}}
	for range 20 {
		if err := ValidateValue(m); err == nil || err.Error() != msgEmptyNS {
			t.Fatalf("ValidateValue = %v, want the error of key b", err)
		}
	}
}

func TestItemSizeLimit(t *testing.T) {
	it := Item{"pk": S("k"), "blob": B(make([]byte, MaxItemSize-len("pk")-1-len("blob")))}
	if it.Size() != MaxItemSize {
		t.Fatalf("size %d", it.Size())
	}
	if err := it.Validate(); err != nil {
		t.Errorf("item of exactly MaxItemSize: %v", err)
	}
	it["x"] = BOOL(true)
	err := it.Validate()
	var ve *ValidationError
	if !errors.As(err, &ve) || ve.Kind != ItemTooLarge || err.Error() != "Item size has exceeded the maximum allowed size" {
		t.Errorf("oversized item: %v", err)
	}
}
