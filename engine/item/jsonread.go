package item

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
)

// jsonPath is the location of a value being read, as a linked list from the
// value up to its top-level attribute. Building it is cheap; it is turned
// into text only when an error is reported.
type jsonPath struct {
	parent *jsonPath
	name   string
	index  int // list index, or -1 when name applies
}

func (p *jsonPath) child(name string) *jsonPath { return &jsonPath{p, name, -1} }
func (p *jsonPath) elem(i int) *jsonPath        { return &jsonPath{p, "", i} }

// String renders the path in expression syntax: "a.b[2].c".
func (p *jsonPath) String() string {
	var parts []*jsonPath
	for q := p; q != nil; q = q.parent {
		parts = append(parts, q)
	}
	var b []byte
	for i := len(parts) - 1; i >= 0; i-- {
		q := parts[i]
		switch {
		case q.index >= 0:
			b = append(append(append(b, '['), strconv.Itoa(q.index)...), ']')
		case i == len(parts)-1:
			b = append(b, q.name...)
		default:
			b = append(append(b, '.'), q.name...)
		}
	}
	return string(b)
}

// wrap returns err located at p; a value read outside any attribute (the
// root of ValueFromJSON) reports err as it is.
func (p *jsonPath) wrap(err error) error {
	if p == nil {
		return err
	}
	return &PathError{Path: p.String(), Err: err}
}

func (p *jsonPath) errorf(format string, args ...any) error {
	return p.wrap(fmt.Errorf(format, args...))
}

// jsonReader walks a JSON document token by token, so values can be built
// directly (no intermediate map[string]any), nesting can be bounded while
// reading, and errors can name the attribute they are about.
type jsonReader struct {
	dec *json.Decoder
}

func newJSONReader(data []byte) *jsonReader {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber() // numbers stay text until ParseN: exact, never float64
	return &jsonReader{dec: dec}
}

func (r *jsonReader) token() (json.Token, error) {
	t, err := r.dec.Token()
	if err == io.EOF {
		return nil, fmt.Errorf("%w: unexpected end of input", ErrInvalidJSON)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidJSON, err)
	}
	return t, nil
}

// end checks that nothing but white space follows the top-level value.
func (r *jsonReader) end() error {
	if _, err := r.dec.Token(); err != io.EOF {
		return fmt.Errorf("%w: unexpected data after the top-level value", ErrInvalidJSON)
	}
	return nil
}

// closeDelim reads the closing delimiter of an array or object. The decoder has
// already checked the nesting, so the token can only be that delimiter.
func (r *jsonReader) closeDelim() error {
	_, err := r.token()
	return err
}

// objectKey reads the next key of an object and rejects repeats: a repeated
// attribute name is almost certainly a mistake, and silently keeping the last
// would lose data.
func (r *jsonReader) objectKey(seen func(string) bool, p *jsonPath) (string, error) {
	t, err := r.token()
	if err != nil {
		return "", err
	}
	k := t.(string) // inside an object the decoder only yields string keys
	if seen(k) {
		return "", p.child(k).errorf("duplicate attribute name")
	}
	return k, nil
}

func tooDeep(p *jsonPath) error {
	return p.wrap(&ValidationError{Kind: NestingTooDeep, Msg: msgTooDeep})
}

// readSet reads a JSON array of set members for SS, NS or BS, as used by
// DynamoDB JSON and the plain-JSON shorthand. Members are given as strings
// (numbers may also be JSON numbers); duplicates are reported with the
// members as written.
func (r *jsonReader) readSet(t Type, p *jsonPath) (Value, error) {
	tok, err := r.token()
	if err != nil {
		return nil, err
	}
	if tok != json.Delim('[') {
		return nil, p.errorf("%s value must be a JSON array", t)
	}
	var raw []string
	for i := 0; r.dec.More(); i++ {
		tok, err := r.token()
		if err != nil {
			return nil, err
		}
		switch tok := tok.(type) {
		case string:
			raw = append(raw, tok)
		case json.Number:
			if t != TypeNS {
				return nil, p.elem(i).errorf("%s members must be JSON strings", t)
			}
			raw = append(raw, string(tok))
		default:
			return nil, p.elem(i).errorf("%s members must be JSON strings", t)
		}
	}
	if err := r.closeDelim(); err != nil {
		return nil, err
	}
	if len(raw) == 0 {
		return nil, p.wrap(emptySetError(t))
	}
	var v Value
	switch t {
	case TypeSS:
		ss := SS(raw)
		if hasDuplicates(ss) {
			return nil, p.wrap(duplicatesError(raw))
		}
		v = ss
	case TypeNS:
		ns := make(NS, len(raw))
		for i, s := range raw {
			n, err := ParseN(s)
			if err != nil {
				return nil, p.elem(i).wrap(err)
			}
			ns[i] = n
		}
		if hasDuplicates(ns) {
			return nil, p.wrap(duplicatesError(raw))
		}
		v = ns
	case TypeBS:
		bs := make(BS, len(raw))
		for i, s := range raw {
			b, err := base64.StdEncoding.DecodeString(s)
			if err != nil {
				return nil, p.elem(i).errorf("invalid base64 in BS member")
			}
			bs[i] = b
		}
		if bsHasDuplicates(bs) {
			return nil, p.wrap(duplicatesError(raw))
		}
		v = bs
	}
	return v, nil
}
