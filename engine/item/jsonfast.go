package item

import (
	"errors"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// A fast reader for plain JSON items: the shell reads one item per put,
// and a bulk load reads a hundred thousand. It handles well-formed input
// only; on anything else — a syntax error, a shorthand set, nesting near
// the limit, invalid UTF-8 — it gives up and the encoding/json reader
// (jsonread.go) takes over, so errors and edge cases behave the same.

var errFallback = errors.New("item: use the general JSON reader")

type fastJSON struct {
	b []byte
	i int
}

func (f *fastJSON) ws() {
	for f.i < len(f.b) {
		switch f.b[f.i] {
		case ' ', '\t', '\n', '\r':
			f.i++
		default:
			return
		}
	}
}

func fastItemFromJSON(data []byte) (Item, error) {
	f := &fastJSON{b: data}
	f.ws()
	if f.i >= len(f.b) || f.b[f.i] != '{' {
		return nil, errFallback
	}
	m, err := f.object(0)
	if err != nil {
		return nil, err
	}
	f.ws()
	if f.i != len(f.b) {
		return nil, errFallback
	}
	return Item(m), nil
}

// object reads {...} at f.i; entries sit at level+1.
func (f *fastJSON) object(level int) (M, error) {
	f.i++ // {
	m := M{}
	f.ws()
	if f.i < len(f.b) && f.b[f.i] == '}' {
		f.i++
		return m, nil
	}
	for {
		f.ws()
		k, err := f.str()
		if err != nil {
			return nil, err
		}
		if len(k) > 0 && k[0] == '$' {
			return nil, errFallback // maybe a shorthand set
		}
		if _, dup := m[k]; dup {
			return nil, errFallback
		}
		f.ws()
		if f.i >= len(f.b) || f.b[f.i] != ':' {
			return nil, errFallback
		}
		f.i++
		v, err := f.value(level + 1)
		if err != nil {
			return nil, err
		}
		m[k] = v
		f.ws()
		if f.i >= len(f.b) {
			return nil, errFallback
		}
		switch f.b[f.i] {
		case ',':
			f.i++
		case '}':
			f.i++
			return m, nil
		default:
			return nil, errFallback
		}
	}
}

func (f *fastJSON) value(level int) (Value, error) {
	f.ws()
	if f.i >= len(f.b) {
		return nil, errFallback
	}
	switch c := f.b[f.i]; {
	case c == '"':
		s, err := f.str()
		return S(s), err
	case c == '{':
		if level >= MaxNestingDepth-1 {
			return nil, errFallback
		}
		m, err := f.object(level)
		return m, err
	case c == '[':
		if level >= MaxNestingDepth-1 {
			return nil, errFallback
		}
		return f.list(level)
	case c == 't':
		return BOOL(true), f.lit("true")
	case c == 'f':
		return BOOL(false), f.lit("false")
	case c == 'n':
		return NULL{}, f.lit("null")
	case c == '-' || c >= '0' && c <= '9':
		return f.number()
	}
	return nil, errFallback
}

func (f *fastJSON) list(level int) (Value, error) {
	f.i++ // [
	l := L{}
	f.ws()
	if f.i < len(f.b) && f.b[f.i] == ']' {
		f.i++
		return l, nil
	}
	for {
		v, err := f.value(level + 1)
		if err != nil {
			return nil, err
		}
		l = append(l, v)
		f.ws()
		if f.i >= len(f.b) {
			return nil, errFallback
		}
		switch f.b[f.i] {
		case ',':
			f.i++
		case ']':
			f.i++
			return l, nil
		default:
			return nil, errFallback
		}
	}
}

func (f *fastJSON) lit(word string) error {
	if len(f.b)-f.i < len(word) || string(f.b[f.i:f.i+len(word)]) != word {
		return errFallback
	}
	f.i += len(word)
	return nil
}

// number checks JSON's number grammar, then reads it exactly.
func (f *fastJSON) number() (Value, error) {
	start := f.i
	digits := func() int {
		n := 0
		for f.i < len(f.b) && f.b[f.i] >= '0' && f.b[f.i] <= '9' {
			f.i++
			n++
		}
		return n
	}
	if f.b[f.i] == '-' {
		f.i++
	}
	if f.i < len(f.b) && f.b[f.i] == '0' {
		f.i++
	} else if digits() == 0 {
		return nil, errFallback
	}
	if f.i < len(f.b) && f.b[f.i] == '.' {
		f.i++
		if digits() == 0 {
			return nil, errFallback
		}
	}
	if f.i < len(f.b) && (f.b[f.i] == 'e' || f.b[f.i] == 'E') {
		f.i++
		if f.i < len(f.b) && (f.b[f.i] == '+' || f.b[f.i] == '-') {
			f.i++
		}
		if digits() == 0 {
			return nil, errFallback
		}
	}
	n, err := ParseN(string(f.b[start:f.i]))
	if err != nil {
		return nil, errFallback
	}
	return n, nil
}

// str reads a JSON string at f.i.
func (f *fastJSON) str() (string, error) {
	if f.i >= len(f.b) || f.b[f.i] != '"' {
		return "", errFallback
	}
	f.i++
	start := f.i
	ascii := true
	for f.i < len(f.b) {
		c := f.b[f.i]
		switch {
		case c == '"':
			s := f.b[start:f.i]
			f.i++
			if !ascii && !utf8.Valid(s) {
				return "", errFallback
			}
			return string(s), nil
		case c == '\\':
			return f.escaped(start)
		case c < 0x20:
			return "", errFallback
		case c >= 0x80:
			ascii = false
		}
		f.i++
	}
	return "", errFallback
}

// escaped finishes a string that holds escapes, from its start.
func (f *fastJSON) escaped(start int) (string, error) {
	out := append([]byte(nil), f.b[start:f.i]...)
	for f.i < len(f.b) {
		c := f.b[f.i]
		switch {
		case c == '"':
			f.i++
			if !utf8.Valid(out) {
				return "", errFallback
			}
			return string(out), nil
		case c < 0x20:
			return "", errFallback
		case c != '\\':
			out = append(out, c)
			f.i++
			continue
		}
		if f.i+1 >= len(f.b) {
			return "", errFallback
		}
		e := f.b[f.i+1]
		f.i += 2
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := f.hex4()
			if !ok {
				return "", errFallback
			}
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if f.i+1 < len(f.b) && f.b[f.i] == '\\' && f.b[f.i+1] == 'u' {
					f.i += 2
					r2, ok = f.hex4()
					if !ok {
						return "", errFallback
					}
				}
				r = utf16.DecodeRune(r, r2)
				if r == utf8.RuneError {
					return "", errFallback // lone surrogate: leave it to encoding/json
				}
			}
			out = utf8.AppendRune(out, r)
		default:
			return "", errFallback
		}
	}
	return "", errFallback
}

func (f *fastJSON) hex4() (rune, bool) {
	if len(f.b)-f.i < 4 {
		return 0, false
	}
	v, err := strconv.ParseUint(string(f.b[f.i:f.i+4]), 16, 32)
	if err != nil {
		return 0, false
	}
	f.i += 4
	return rune(v), true
}
