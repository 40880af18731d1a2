package item

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

func TestItemFromDDBJSON(t *testing.T) {
	in := `{
		"s":  {"S": "x"},
		"n":  {"N": "1.50"},
		"nj": {"N": 2e3},
		"b":  {"B": "AAH/"},
		"t":  {"BOOL": true},
		"z":  {"NULL": true},
		"l":  {"L": [{"S": "a"}, {"L": []}, {"M": {}}]},
		"m":  {"M": {"k": {"N": "-0"}, "": {"NULL": true}}},
		"ss": {"SS": ["b", "a"]},
		"ns": {"NS": ["1", 2.5]},
		"bs": {"BS": ["AQ==", ""]}
	}`
	want := Item{
		"s": S("x"), "n": MustN("1.5"), "nj": MustN("2000"), "b": B{0, 1, 0xFF}, "t": BOOL(true), "z": NULL{},
		"l":  L{S("a"), L{}, M{}},
		"m":  M{"k": N{}, "": NULL{}},
		"ss": SS{"b", "a"}, "ns": NS{MustN("1"), MustN("2.5")}, "bs": BS{{1}, {}},
	}
	got, err := ItemFromDDBJSON([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if !ItemsEqual(got, want) {
		t.Errorf("ItemFromDDBJSON = %#v, want %#v", got, want)
	}
	v, err := ValueFromDDBJSON([]byte(`{"L": [{"N": "1"}]}`))
	if err != nil || !Equal(v, L{MustN("1")}) {
		t.Errorf("ValueFromDDBJSON = %#v, %v", v, err)
	}
}

func TestItemFromDDBJSONErrors(t *testing.T) {
	tests := []struct {
		in, msg string
	}{
		{`[]`, "an item must be a JSON object"},
		{`{"a": {"S": "x"}} 1`, "invalid JSON: unexpected data after the top-level value"},
		{`{"tags": {"SX": ["a"]}}`, `attribute "tags": unknown type "SX"`},
		{`{"tags": {"s": "a"}}`, `attribute "tags": unknown type "s"`},
		{`{"a": "x"}`, `attribute "a": expected a typed value such as {"S":"text"}`},
		{`{"a": {}}`, `attribute "a": Supplied AttributeValue is empty, must contain exactly one of the supported datatypes`},
		{`{"a": {"S": "x", "N": "1"}}`, `attribute "a": Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes`},
		{`{"a": {"M": {"b": {"L": [{"S": "x"}, {"S": "y"}, {"N": "1e999"}]}}}}`, `attribute "a.b[2]": ` + msgOverflow},
		{`{"a": {"M": {"b": {"L": [{"N": "x1"}]}}}}`, `attribute "a.b[0]": ` + msgSyntax + "x1"},
		{`{"a": {"N": "1234567890123456789012345678901234567890"}}`, `attribute "a": ` + msgPrecision},
		{`{"a": {"N": "1e-200"}}`, `attribute "a": ` + msgUnderflow},
		{`{"a": {"N": true}}`, `attribute "a": N value must be a JSON string`},
		{`{"a": {"S": 1}}`, `attribute "a": S value must be a JSON string`},
		{`{"a": {"B": "***"}}`, `attribute "a": invalid base64 in B value`},
		{`{"a": {"BOOL": "true"}}`, `attribute "a": BOOL value must be true or false`},
		{`{"a": {"NULL": false}}`, `attribute "a": One or more parameter values were invalid: Null attribute value types must have the value of true`},
		{`{"a": {"L": {}}}`, `attribute "a": L value must be a JSON array`},
		{`{"a": {"M": []}}`, `attribute "a": M value must be a JSON object`},
		{`{"a": {"SS": []}}`, `attribute "a": One or more parameter values were invalid: An string set  may not be empty`},
		{`{"a": {"NS": []}}`, `attribute "a": One or more parameter values were invalid: An number set  may not be empty`},
		{`{"a": {"BS": []}}`, `attribute "a": One or more parameter values were invalid: An binary set  may not be empty`},
		{`{"a": {"SS": ["a", "b", "a"]}}`, `attribute "a": One or more parameter values were invalid: Input collection [a, b, a] contains duplicates.`},
		{`{"a": {"NS": ["1", "1.00"]}}`, `attribute "a": One or more parameter values were invalid: Input collection [1, 1.00] contains duplicates.`},
		{`{"a": {"BS": ["AQ==", "AQ=="]}}`, `attribute "a": One or more parameter values were invalid: Input collection [AQ==, AQ==] contains duplicates.`},
		{`{"a": {"SS": [1]}}`, `attribute "a[0]": SS members must be JSON strings`},
		{`{"a": {"BS": ["!"]}}`, `attribute "a[0]": invalid base64 in BS member`},
		{`{"a": {"NS": ["1", "1e999"]}}`, `attribute "a[1]": ` + msgOverflow},
		{`{"a": {"S": "x"}, "a": {"S": "y"}}`, `attribute "a": duplicate attribute name`},
		{`{"a": {"M": {"k": {"S": "x"}, "k": {"S": "y"}}}}`, `attribute "a.k": duplicate attribute name`},
		{`{"a": ` + strings.Repeat(`{"L": [`, 32) + `{"S": "x"}` + strings.Repeat(`]}`, 32) + `}`,
			`attribute "a` + strings.Repeat("[0]", 31) + `": ` + msgTooDeep},
	}
	for _, tt := range tests {
		_, err := ItemFromDDBJSON([]byte(tt.in))
		if err == nil || err.Error() != tt.msg {
			t.Errorf("ItemFromDDBJSON(%.70s)\n got %v\nwant %s", tt.in, err, tt.msg)
		}
	}
	_, err := ItemFromDDBJSON([]byte(`{"a": {"SS": []}}`))
	var ve *ValidationError
	if !errors.As(err, &ve) || ve.Kind != EmptySet {
		t.Errorf("empty set error not typed: %#v", err)
	}
	ok := `{"a": ` + strings.Repeat(`{"L": [`, 31) + `{"S": "x"}` + strings.Repeat(`]}`, 31) + `}`
	if _, err := ItemFromDDBJSON([]byte(ok)); err != nil {
		t.Errorf("31 levels: %v", err)
	}
}

func TestItemToDDBJSON(t *testing.T) {
	it := Item{
		"s":  S("x\"y"),
		"n":  MustN("-1.5e-3"),
		"b":  B{0xFF},
		"t":  BOOL(true),
		"f":  BOOL(false),
		"z":  NULL{},
		"l":  L{S("a"), L{}},
		"m":  M{"y": MustN("2"), "x": M{}},
		"ss": SS{"b", "a"},
		"ns": NS{MustN("10"), MustN("9")},
		"bs": BS{{2}, {1}},
	}
	want := `{"b":{"B":"/w=="},"bs":{"BS":["AQ==","Ag=="]},"f":{"BOOL":false},` +
		`"l":{"L":[{"S":"a"},{"L":[]}]},"m":{"M":{"x":{"M":{}},"y":{"N":"2"}}},"n":{"N":"-0.0015"},` +
		`"ns":{"NS":["9","10"]},"s":{"S":"x\"y"},"ss":{"SS":["a","b"]},"t":{"BOOL":true},"z":{"NULL":true}}`
	if got := string(ItemToDDBJSON(it)); got != want {
		t.Errorf("ItemToDDBJSON =\n%s\nwant\n%s", got, want)
	}
	wantIndent := "{\n  \"a\": {\n    \"N\": \"1\"\n  }\n}"
	if got := string(ItemToDDBJSONIndent(Item{"a": MustN("1")})); got != wantIndent {
		t.Errorf("ItemToDDBJSONIndent =\n%s\nwant\n%s", got, wantIndent)
	}
}

// TestDDBJSONRoundTrip: typed JSON keeps every type, so any item with valid
// UTF-8 names and strings survives a write and a read.
func TestDDBJSONRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		it := genItem().Draw(t, "item")
		for k, v := range it {
			if !validUTF8(k) || !utf8Strings(v) {
				delete(it, k)
			}
		}
		out := ItemToDDBJSON(it)
		if !json.Valid(out) {
			t.Fatalf("invalid JSON %s", out)
		}
		back, err := ItemFromDDBJSON(out)
		if err != nil {
			t.Fatalf("ItemFromDDBJSON(%s): %v", out, err)
		}
		if !ItemsEqual(back, it) {
			t.Fatalf("round trip through %s: got %#v", out, back)
		}
		if again := ItemToDDBJSON(back); string(again) != string(out) {
			t.Fatalf("output not stable:\n%s\n%s", out, again)
		}
	})
}

func utf8Strings(v Value) bool {
	switch v := v.(type) {
	case S:
		return validUTF8(string(v))
	case SS:
		for _, s := range v {
			if !validUTF8(s) {
				return false
			}
		}
	case L:
		for _, e := range v {
			if !utf8Strings(e) {
				return false
			}
		}
	case M:
		for k, e := range v {
			if !validUTF8(k) || !utf8Strings(e) {
				return false
			}
		}
	}
	return true
}
