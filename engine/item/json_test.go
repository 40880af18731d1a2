package item

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

func TestItemFromJSON(t *testing.T) {
	tests := []struct {
		in   string
		want Item
	}{
		{`{}`, Item{}},
		{` {"a": "x", "n": 1.50, "t": true, "f": false, "z": null} `,
			Item{"a": S("x"), "n": MustN("1.5"), "t": BOOL(true), "f": BOOL(false), "z": NULL{}}},
		{`{"l": [1, "a", [], {}], "m": {"k": {"j": -0}}}`,
			Item{"l": L{MustN("1"), S("a"), L{}, M{}}, "m": M{"k": M{"j": N{}}}}},
		{`{"big": 123456789012345678901234567890.12345678, "tiny": 1e-130}`,
			Item{"big": MustN("123456789012345678901234567890.12345678"), "tiny": MustN("1e-130")}},
		{`{"ss": {"$SS": ["b", "a"]}, "ns": {"$NS": [1, "2.5"]}, "bs": {"$BS": ["AAE=", ""]}, "b": {"$B": "/w=="}}`,
			Item{"ss": SS{"b", "a"}, "ns": NS{MustN("1"), MustN("2.5")}, "bs": BS{{0, 1}, {}}, "b": B{0xFF}}},
		{`{"m": {"$SSX": 1}}`, Item{"m": M{"$SSX": MustN("1")}}},
		{`{"u": "\u00e9\ud83d\ude00"}`, Item{"u": S("é😀")}},
	}
	for _, tt := range tests {
		got, err := ItemFromJSON([]byte(tt.in))
		if err != nil {
			t.Errorf("ItemFromJSON(%s): %v", tt.in, err)
			continue
		}
		if !ItemsEqual(got, tt.want) {
			t.Errorf("ItemFromJSON(%s) = %#v, want %#v", tt.in, got, tt.want)
		}
	}
}

func deepJSON(levels int) string {
	return strings.Repeat(`{"m":`, levels) + `1` + strings.Repeat(`}`, levels)
}

func TestItemFromJSONErrors(t *testing.T) {
	tests := []struct {
		in, msg string
	}{
		{`[]`, "an item must be a JSON object"},
		{`"x"`, "an item must be a JSON object"},
		{``, "invalid JSON: unexpected end of input"},
		{`{"a": 1`, "invalid JSON: unexpected end of input"},
		{`{"a": 1} x`, "invalid JSON: unexpected data after the top-level value"},
		{`{"a": 1}{}`, "invalid JSON: unexpected data after the top-level value"},
		{`{"a": tru}`, "invalid JSON: invalid character '}' in literal true (expecting 'e')"},
		{`{"n": 1e126}`, `attribute "n": ` + msgOverflow},
		{`{"n": 1e-131}`, `attribute "n": ` + msgUnderflow},
		{`{"n": 1234567890123456789012345678901234567890}`, `attribute "n": ` + msgPrecision},
		{`{"a": {"b": [1, 2, 1e999]}}`, `attribute "a.b[2]": ` + msgOverflow},
		{`{"a": 1, "a": 2}`, `attribute "a": duplicate attribute name`},
		{`{"m": {"x": 1, "x": 2}}`, `attribute "m.x": duplicate attribute name`},
		{`{"s": {"$SS": []}}`, `attribute "s": One or more parameter values were invalid: An string set  may not be empty`},
		{`{"s": {"$NS": []}}`, `attribute "s": One or more parameter values were invalid: An number set  may not be empty`},
		{`{"s": {"$BS": []}}`, `attribute "s": One or more parameter values were invalid: An binary set  may not be empty`},
		{`{"s": {"$SS": ["a", "a"]}}`, `attribute "s": One or more parameter values were invalid: Input collection [a, a] contains duplicates.`},
		{`{"s": {"$NS": [1, "1.0"]}}`, `attribute "s": One or more parameter values were invalid: Input collection [1, 1.0] contains duplicates.`},
		{`{"s": {"$NS": ["x"]}}`, `attribute "s[0]": ` + msgSyntax + "x"},
		{`{"s": {"$SS": [1]}}`, `attribute "s[0]": SS members must be JSON strings`},
		{`{"s": {"$SS": "a"}}`, `attribute "s": SS value must be a JSON array`},
		{`{"s": {"$SS": ["a"], "x": 1}}`, `attribute "s": "$SS" must be the only key of its object`},
		{`{"s": {"x": 1, "$B": "AA=="}}`, `attribute "s": "$B" must be the only key of its object`},
		{`{"b": {"$B": "!!"}}`, `attribute "b": invalid base64 in B value`},
		{`{"b": {"$B": 1}}`, `attribute "b": B value must be a base64 JSON string`},
		{`{"d": ` + deepJSON(32) + `}`, `attribute "d.m.m.m.m.m.m.m.m.m.m.m.m.m.m.m.m.m.m.m.m.m.m.m.m.m.m.m.m.m.m.m": ` + msgTooDeep},
	}
	for _, tt := range tests {
		_, err := ItemFromJSON([]byte(tt.in))
		if err == nil || err.Error() != tt.msg {
			t.Errorf("ItemFromJSON(%.60s)\n got %v\nwant %s", tt.in, err, tt.msg)
		}
	}
	// Errors are typed underneath the path.
	_, err := ItemFromJSON([]byte(`{"a": [1e999]}`))
	var ne *NumberError
	var pe *PathError
	if !errors.As(err, &ne) || ne.Kind != NumberOverflow || !errors.As(err, &pe) || pe.Path != "a[0]" {
		t.Errorf("error not typed: %#v", err)
	}
	if _, err := ItemFromJSON([]byte(`{`)); !errors.Is(err, ErrInvalidJSON) {
		t.Errorf("syntax error not ErrInvalidJSON: %v", err)
	}
	// 31 levels of maps is the most DynamoDB allows.
	if _, err := ItemFromJSON([]byte(`{"d": ` + deepJSON(31) + `}`)); err != nil {
		t.Errorf("31 levels: %v", err)
	}
	// Deep garbage is cut off by the nesting limit, not the stack.
	if _, err := ValueFromJSON([]byte(strings.Repeat("[", 1_000_000))); err == nil || !strings.HasSuffix(err.Error(), msgTooDeep) {
		t.Errorf("deep input: %v", err)
	}
}

func TestValueFromJSON(t *testing.T) {
	v, err := ValueFromJSON([]byte(`[1, {"$SS": ["x"]}, null]`))
	if err != nil || !Equal(v, L{MustN("1"), SS{"x"}, NULL{}}) {
		t.Errorf("ValueFromJSON = %#v, %v", v, err)
	}
	if _, err := ValueFromJSON([]byte(`1e999`)); err == nil || err.Error() != msgOverflow {
		t.Errorf("root number error = %v", err)
	}
	if _, err := ValueFromJSON([]byte(`[0, 1e999]`)); err == nil || err.Error() != `attribute "[1]": `+msgOverflow {
		t.Errorf("root list error = %v", err)
	}
}

func TestItemToJSON(t *testing.T) {
	it := Item{
		"s":   S("q\"\\\n\t\x01<>&\u2028é\xff"),
		"n":   MustN("1.5e-7"),
		"big": MustN("1e20"),
		"neg": MustN("-0.5"),
		"b":   B{0, 1, 0xFF},
		"t":   BOOL(true),
		"f":   BOOL(false),
		"z":   NULL{},
		"l":   L{MustN("1"), L{}, M{}},
		"m":   M{"y": S("2"), "x": S("1")},
		"ss":  SS{"b", "a", "B"},
		"ns":  NS{MustN("10"), MustN("-1"), MustN("2")},
		"bs":  BS{{2}, {1, 0}, {1}},
	}
	want := `{"b":"AAH/","big":100000000000000000000,"bs":["AQ==","AQA=","Ag=="],"f":false,` +
		`"l":[1,[],{}],"m":{"x":"1","y":"2"},"n":0.00000015,"neg":-0.5,"ns":[-1,2,10],` +
		`"s":"q\"\\\n\t\u0001<>&\u2028é\ufffd","ss":["B","a","b"],"t":true,"z":null}`
	if got := string(ItemToJSON(it)); got != want {
		t.Errorf("ItemToJSON =\n%s\nwant\n%s", got, want)
	}
	if !json.Valid(ItemToJSON(it)) {
		t.Error("output is not valid JSON")
	}
	if got := string(ItemToJSON(nil)); got != "{}" {
		t.Errorf("ItemToJSON(nil) = %s", got)
	}
	wantIndent := "{\n  \"a\": [\n    1,\n    \"x\"\n  ],\n  \"m\": {}\n}"
	if got := string(ItemToJSONIndent(Item{"a": L{MustN("1"), S("x")}, "m": M{}})); got != wantIndent {
		t.Errorf("ItemToJSONIndent =\n%s\nwant\n%s", got, wantIndent)
	}
	if got := string(AppendJSON([]byte("x="), nil)); got != "x=null" {
		t.Errorf("AppendJSON(nil) = %s", got)
	}
}

// TestPlainJSONRoundTrip: for items of the types plain JSON keeps (no B or
// sets), writing and reading back gives an Equal item, and the strings
// survive encoding/json's own decoder too.
func TestPlainJSONRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		it := genItem().Draw(t, "item")
		for k, v := range it {
			if !validUTF8(k) || isShorthand(k) || !plainJSONSafe(v) {
				delete(it, k)
			}
		}
		out := ItemToJSON(it)
		back, err := ItemFromJSON(out)
		if err != nil {
			t.Fatalf("ItemFromJSON(%s): %v", out, err)
		}
		if !ItemsEqual(back, it) {
			t.Fatalf("round trip through %s: got %#v", out, back)
		}
		if !json.Valid(out) || !json.Valid(ItemToJSONIndent(it)) {
			t.Fatalf("invalid JSON %s", out)
		}
	})
}

// plainJSONSafe reports whether v survives plain JSON unchanged: no B or
// sets (written as strings and arrays) and valid UTF-8 strings.
func plainJSONSafe(v Value) bool {
	switch v := v.(type) {
	case S:
		return validUTF8(string(v))
	case B, SS, NS, BS:
		return false
	case L:
		for _, e := range v {
			if !plainJSONSafe(e) {
				return false
			}
		}
	case M:
		for k, e := range v {
			if !validUTF8(k) || !plainJSONSafe(e) || isShorthand(k) {
				return false
			}
		}
	}
	return true
}

func validUTF8(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }
