package item

import "encoding/json"

// ItemFromDDBJSON reads an item in DynamoDB's typed JSON form:
// {"name": {"S": "x"}, "n": {"N": "1.5"}, …}. Numbers are JSON strings as in
// DynamoDB (a JSON number is accepted too); B and BS members are base64.
// Errors name the attribute path in a *PathError and carry DynamoDB's
// messages for empty descriptors, empty or duplicate sets and bad numbers.
// The item size is not checked: see Item.Validate.
func ItemFromDDBJSON(data []byte) (Item, error) {
	r := newJSONReader(data)
	t, err := r.token()
	if err != nil {
		return nil, err
	}
	if t != json.Delim('{') {
		return nil, errItemNotObject
	}
	it := Item{}
	seen := func(k string) bool { _, ok := it[k]; return ok }
	for r.dec.More() {
		k, err := r.objectKey(seen, nil)
		if err != nil {
			return nil, err
		}
		v, err := r.ddbValue((*jsonPath)(nil).child(k), 1)
		if err != nil {
			return nil, err
		}
		it[k] = v
	}
	if err := r.closeDelim(); err != nil {
		return nil, err
	}
	if err := r.end(); err != nil {
		return nil, err
	}
	return it, nil
}

// ValueFromDDBJSON reads one typed value such as {"L": [{"S": "a"}]}; see
// ItemFromDDBJSON.
func ValueFromDDBJSON(data []byte) (Value, error) {
	r := newJSONReader(data)
	v, err := r.ddbValue(nil, 1)
	if err != nil {
		return nil, err
	}
	if err := r.end(); err != nil {
		return nil, err
	}
	return v, nil
}

// ddbValue reads a descriptor object {"<type>": payload} at the given
// nesting level.
func (r *jsonReader) ddbValue(p *jsonPath, level int) (Value, error) {
	t, err := r.token()
	if err != nil {
		return nil, err
	}
	if t != json.Delim('{') {
		return nil, p.errorf(`expected a typed value such as {"S":"text"}`)
	}
	if !r.dec.More() {
		return nil, p.wrap(&ValidationError{Kind: InvalidValue, Msg: msgEmptyValue})
	}
	t, err = r.token()
	if err != nil {
		return nil, err
	}
	name := t.(string) // object keys are always strings
	typ, ok := ParseType(name)
	if !ok {
		return nil, p.errorf("unknown type %q", name)
	}
	v, err := r.ddbPayload(typ, p, level)
	if err != nil {
		return nil, err
	}
	if r.dec.More() {
		return nil, p.wrap(&ValidationError{Kind: InvalidValue, Msg: msgManyDatatypes})
	}
	return v, r.closeDelim()
}

func (r *jsonReader) ddbPayload(typ Type, p *jsonPath, level int) (Value, error) {
	switch typ {
	case TypeSS, TypeNS, TypeBS:
		return r.readSet(typ, p)
	case TypeB:
		return r.readBinary(p)
	case TypeL:
		return r.ddbList(p, level)
	case TypeM:
		return r.ddbMap(p, level)
	}
	t, err := r.token()
	if err != nil {
		return nil, err
	}
	switch typ {
	case TypeS:
		if s, ok := t.(string); ok {
			return S(s), nil
		}
		return nil, p.errorf("S value must be a JSON string")
	case TypeN:
		var text string
		switch t := t.(type) {
		case string:
			text = t
		case json.Number:
			text = string(t)
		default:
			return nil, p.errorf("N value must be a JSON string")
		}
		n, err := ParseN(text)
		if err != nil {
			return nil, p.wrap(err)
		}
		return n, nil
	case TypeBOOL:
		if b, ok := t.(bool); ok {
			return BOOL(b), nil
		}
		return nil, p.errorf("BOOL value must be true or false")
	default: // TypeNULL
		if b, ok := t.(bool); ok && b {
			return NULL{}, nil
		}
		return nil, p.wrap(&ValidationError{Kind: InvalidValue, Msg: msgNullNotTrue})
	}
}

func (r *jsonReader) ddbList(p *jsonPath, level int) (Value, error) {
	t, err := r.token()
	if err != nil {
		return nil, err
	}
	if t != json.Delim('[') {
		return nil, p.errorf("L value must be a JSON array")
	}
	if level >= MaxNestingDepth {
		return nil, tooDeep(p)
	}
	l := L{}
	for i := 0; r.dec.More(); i++ {
		v, err := r.ddbValue(p.elem(i), level+1)
		if err != nil {
			return nil, err
		}
		l = append(l, v)
	}
	return l, r.closeDelim()
}

func (r *jsonReader) ddbMap(p *jsonPath, level int) (Value, error) {
	t, err := r.token()
	if err != nil {
		return nil, err
	}
	if t != json.Delim('{') {
		return nil, p.errorf("M value must be a JSON object")
	}
	if level >= MaxNestingDepth {
		return nil, tooDeep(p)
	}
	m := M{}
	seen := func(k string) bool { _, ok := m[k]; return ok }
	for r.dec.More() {
		k, err := r.objectKey(seen, p)
		if err != nil {
			return nil, err
		}
		v, err := r.ddbValue(p.child(k), level+1)
		if err != nil {
			return nil, err
		}
		m[k] = v
	}
	return m, r.closeDelim()
}

// AppendDDBJSON appends v in DynamoDB's typed JSON form, compact, with map
// keys and set members sorted as in AppendJSON. A nil Value is written as
// null (which is not valid typed JSON, and so is not read back).
func AppendDDBJSON(dst []byte, v Value) []byte {
	switch v := v.(type) {
	case S:
		return append(appendJSONString(append(dst, `{"S":`...), string(v)), '}')
	case N:
		return append(v.appendText(append(dst, `{"N":"`...)), `"}`...)
	case B:
		return append(appendJSONBase64(append(dst, `{"B":`...), v), '}')
	case BOOL:
		if v {
			return append(dst, `{"BOOL":true}`...)
		}
		return append(dst, `{"BOOL":false}`...)
	case NULL:
		return append(dst, `{"NULL":true}`...)
	case L:
		dst = append(dst, `{"L":[`...)
		for i, e := range v {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = AppendDDBJSON(dst, e)
		}
		return append(dst, "]}"...)
	case M:
		dst = appendJSONObject(append(dst, `{"M":`...), v, AppendDDBJSON)
		return append(dst, '}')
	case SS:
		dst = append(dst, `{"SS":[`...)
		for i, s := range sortedSS(v) {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONString(dst, s)
		}
		return append(dst, "]}"...)
	case NS:
		dst = append(dst, `{"NS":[`...)
		for i, n := range sortedNS(v) {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(n.appendText(append(dst, '"')), '"')
		}
		return append(dst, "]}"...)
	case BS:
		dst = append(dst, `{"BS":[`...)
		for i, b := range sortedBS(v) {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONBase64(dst, b)
		}
		return append(dst, "]}"...)
	}
	return append(dst, "null"...)
}

// ItemToDDBJSON returns the item in DynamoDB's typed JSON form, compact,
// names sorted: {"a":{"S":"x"},"n":{"N":"1"}}.
func ItemToDDBJSON(it Item) []byte { return appendJSONObject(nil, it, AppendDDBJSON) }

// ItemToDDBJSONIndent is ItemToDDBJSON indented by two spaces per level.
func ItemToDDBJSONIndent(it Item) []byte { return indentJSON(ItemToDDBJSON(it)) }
