package item

import (
	"encoding/json"
	"testing"
)

// The fast reader must agree with the general one on every input it
// accepts, and give up (never disagree) on everything else.
func TestFastJSONAgreesWithGeneralReader(t *testing.T) {
	inputs := []string{
		`{}`, `{"a":1}`, ` { "pk" : "user#1" , "age" : 30 , "ok" : true , "n" : null } `,
		`{"l":[1,"x",[],{},[true,false]],"m":{"a":{"b":{"c":-1.50e3}}}}`,
		`{"s":"esc \" \\ \/ \b \f \n \r \t \u00e9 \ud83d\ude00 é"}`,
		`{"n":0.000001,"big":12345678901234567890123456789012345678}`,
		`{"dup":1,"dup":2}`, `{"$SS":["a"]}`, `{"a":{"$NS":["1","2"]}}`, `{"a":01}`, `{"a":1.}`, `{"a":-}`,
		`{"a":"\ud800"}`, "{\"a\":\"\xff\"}", `{"a":1} x`, `[1]`, `{"a" 1}`, `{"a":tru}`, `{"a":[1,]}`,
		`{"a":1e400}`, `{"a":123456789012345678901234567890123456789}`,
	}
	for _, in := range inputs {
		want, werr := slowItemFromJSON([]byte(in))
		got, err := fastItemFromJSON([]byte(in))
		if err != nil {
			if err != errFallback {
				t.Errorf("%s: fast reader error %v (must only fall back)", in, err)
			}
			continue
		}
		if werr != nil || !ItemsEqual(got, want) {
			t.Errorf("%s: fast %v, general %v (%v)", in, got, want, werr)
		}
	}
}

func slowItemFromJSON(data []byte) (Item, error) {
	r := newJSONReader(data)
	tok, err := r.token()
	if err != nil {
		return nil, err
	}
	if tok != json.Delim('{') {
		return nil, errItemNotObject
	}
	m, err := r.plainRest(M{}, nil, 0)
	if err != nil {
		return nil, err
	}
	return Item(m), r.end()
}

func FuzzFastJSON(f *testing.F) {
	f.Add([]byte(`{"pk":"a","n":1,"l":[1,{"x":null}]}`))
	f.Add([]byte(`{"s":"\u00e9\n"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := fastItemFromJSON(data)
		if err != nil {
			return
		}
		want, werr := slowItemFromJSON(data)
		if werr != nil || !ItemsEqual(got, want) {
			t.Fatalf("%q: fast %v, general %v (%v)", data, got, want, werr)
		}
	})
}

func BenchmarkItemFromJSON(b *testing.B) {
	data := []byte(`{"pk": "key0000000000042", "v": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "age": 30}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ItemFromJSON(data); err != nil {
			b.Fatal(err)
		}
	}
}
