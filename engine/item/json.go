package item

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"maps"
	"slices"
	"unicode/utf8"
)

// Plain-JSON shorthand keys: an object whose only key is one of these is read
// as a set or as binary instead of as a map.
const (
	shorthandSS = "$SS"
	shorthandNS = "$NS"
	shorthandBS = "$BS"
	shorthandB  = "$B"
)

func isShorthand(k string) bool {
	switch k {
	case shorthandSS, shorthandNS, shorthandBS, shorthandB:
		return true
	}
	return false
}

// ItemFromJSON reads an item from plain JSON, which must be an object (see
// the package doc for the mapping, including the $SS/$NS/$BS/$B shorthand).
// Numbers are exact and checked like ParseN; sets, nesting and repeated names
// are checked while reading, and errors name the attribute path in a
// *PathError. The item size is not checked: see Item.Validate.
func ItemFromJSON(data []byte) (Item, error) {
	if it, err := fastItemFromJSON(data); err == nil {
		return it, nil
	}
	r := newJSONReader(data)
	t, err := r.token()
	if err != nil {
		return nil, err
	}
	if t != json.Delim('{') {
		return nil, errItemNotObject
	}
	// The item's entries are read like those of a map at level 0, which
	// puts its attribute values at level 1.
	m, err := r.plainRest(M{}, nil, 0)
	if err != nil {
		return nil, err
	}
	if err := r.end(); err != nil {
		return nil, err
	}
	return Item(m), nil
}

// ValueFromJSON reads one value from plain JSON; see ItemFromJSON.
func ValueFromJSON(data []byte) (Value, error) {
	r := newJSONReader(data)
	v, err := r.plainValue(nil, 1)
	if err != nil {
		return nil, err
	}
	if err := r.end(); err != nil {
		return nil, err
	}
	return v, nil
}

// plainValue reads a value at the given nesting level (a top-level attribute
// is level 1; lists and maps may not sit at MaxNestingDepth or below).
func (r *jsonReader) plainValue(p *jsonPath, level int) (Value, error) {
	t, err := r.token()
	if err != nil {
		return nil, err
	}
	switch t := t.(type) {
	case string:
		return S(t), nil
	case json.Number:
		n, err := ParseN(string(t))
		if err != nil {
			return nil, p.wrap(err)
		}
		return n, nil
	case bool:
		return BOOL(t), nil
	case nil:
		return NULL{}, nil
	case json.Delim:
		if t == '[' {
			if level >= MaxNestingDepth {
				return nil, tooDeep(p)
			}
			l := L{}
			for i := 0; r.dec.More(); i++ {
				v, err := r.plainValue(p.elem(i), level+1)
				if err != nil {
					return nil, err
				}
				l = append(l, v)
			}
			return l, r.closeDelim()
		}
		// '{': the decoder yields only '[' or '{' where a value starts.
		return r.plainObject(p, level)
	}
	return nil, p.errorf("unexpected JSON token %v", t)
}

// plainObject reads an object after its '{': a shorthand set or binary
// value, or a map.
func (r *jsonReader) plainObject(p *jsonPath, level int) (Value, error) {
	if r.dec.More() {
		// Peek at the first key without consuming the map: Token has
		// no peek, so read it and hand it on.
		t, err := r.token()
		if err != nil {
			return nil, err
		}
		k := t.(string)
		if isShorthand(k) {
			return r.shorthand(k, p)
		}
		if level >= MaxNestingDepth {
			return nil, tooDeep(p)
		}
		m := M{}
		v, err := r.plainValue(p.child(k), level+1)
		if err != nil {
			return nil, err
		}
		m[k] = v
		return r.plainRest(m, p, level)
	}
	if level >= MaxNestingDepth {
		return nil, tooDeep(p)
	}
	return M{}, r.closeDelim()
}

// plainRest reads the remaining entries of a map at level (its values are
// at level+1) and its closing '}'.
func (r *jsonReader) plainRest(m M, p *jsonPath, level int) (M, error) {
	seen := func(k string) bool { _, ok := m[k]; return ok }
	for r.dec.More() {
		k, err := r.objectKey(seen, p)
		if err != nil {
			return nil, err
		}
		if isShorthand(k) {
			return nil, p.errorf("%q must be the only key of its object", k)
		}
		v, err := r.plainValue(p.child(k), level+1)
		if err != nil {
			return nil, err
		}
		m[k] = v
	}
	return m, r.closeDelim()
}

// shorthand reads the value of a "$SS", "$NS", "$BS" or "$B" key and the
// end of its object.
func (r *jsonReader) shorthand(k string, p *jsonPath) (Value, error) {
	var v Value
	var err error
	switch k {
	case shorthandSS:
		v, err = r.readSet(TypeSS, p)
	case shorthandNS:
		v, err = r.readSet(TypeNS, p)
	case shorthandBS:
		v, err = r.readSet(TypeBS, p)
	default:
		v, err = r.readBinary(p)
	}
	if err != nil {
		return nil, err
	}
	if r.dec.More() {
		return nil, p.errorf("%q must be the only key of its object", k)
	}
	return v, r.closeDelim()
}

func (r *jsonReader) readBinary(p *jsonPath) (Value, error) {
	t, err := r.token()
	if err != nil {
		return nil, err
	}
	s, ok := t.(string)
	if !ok {
		return nil, p.errorf("B value must be a base64 JSON string")
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, p.errorf("invalid base64 in B value")
	}
	return B(b), nil
}

// AppendJSON appends v as plain JSON: map keys sorted, numbers in plain
// notation, binary as base64 strings, sets as arrays sorted (SS and BS
// bytewise, NS numerically). The output is compact. A nil Value is written
// as null.
func AppendJSON(dst []byte, v Value) []byte {
	switch v := v.(type) {
	case S:
		return appendJSONString(dst, string(v))
	case N:
		return v.appendText(dst)
	case B:
		return appendJSONBase64(dst, v)
	case BOOL:
		if v {
			return append(dst, "true"...)
		}
		return append(dst, "false"...)
	case L:
		dst = append(dst, '[')
		for i, e := range v {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = AppendJSON(dst, e)
		}
		return append(dst, ']')
	case M:
		return appendJSONObject(dst, v, AppendJSON)
	case SS:
		dst = append(dst, '[')
		for i, s := range sortedSS(v) {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONString(dst, s)
		}
		return append(dst, ']')
	case NS:
		dst = append(dst, '[')
		for i, n := range sortedNS(v) {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = n.appendText(dst)
		}
		return append(dst, ']')
	case BS:
		dst = append(dst, '[')
		for i, b := range sortedBS(v) {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONBase64(dst, b)
		}
		return append(dst, ']')
	}
	return append(dst, "null"...) // NULL, and nil or foreign values
}

// ItemToJSON returns the item as a compact plain-JSON object with sorted
// names; see AppendJSON.
func ItemToJSON(it Item) []byte { return appendJSONObject(nil, it, AppendJSON) }

// ItemToJSONIndent is ItemToJSON indented by two spaces per level.
func ItemToJSONIndent(it Item) []byte { return indentJSON(ItemToJSON(it)) }

func indentJSON(compact []byte) []byte {
	var buf bytes.Buffer
	buf.Grow(len(compact) * 2)
	// The input is our own well-formed output, so Indent cannot fail.
	_ = json.Indent(&buf, compact, "", "  ")
	return buf.Bytes()
}

func appendJSONObject[Map ~map[string]Value](dst []byte, m Map, appendValue func([]byte, Value) []byte) []byte {
	dst = append(dst, '{')
	for i, k := range slices.Sorted(maps.Keys(m)) {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, k)
		dst = append(dst, ':')
		dst = appendValue(dst, m[k])
	}
	return append(dst, '}')
}

func sortedSS(v SS) []string {
	s := slices.Clone([]string(v))
	slices.Sort(s)
	return s
}

func sortedNS(v NS) []N {
	s := slices.Clone([]N(v))
	slices.SortFunc(s, N.Cmp)
	return s
}

func sortedBS(v BS) [][]byte {
	s := slices.Clone([][]byte(v))
	slices.SortFunc(s, bytes.Compare)
	return s
}

func appendJSONBase64(dst []byte, b []byte) []byte {
	dst = append(dst, '"')
	dst = base64.StdEncoding.AppendEncode(dst, b)
	return append(dst, '"')
}

const hexDigits = "0123456789abcdef"

// appendJSONString writes s as a JSON string the way encoding/json does,
// minus HTML escaping (this output is for terminals and files, not
// <script> tags): quotes, backslashes and control characters escaped,
// invalid UTF-8 replaced by U+FFFD, and U+2028/U+2029 escaped so the output
// is also valid JavaScript.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
