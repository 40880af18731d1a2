package parser

import (
	"encoding/json"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/keystonedb/kstone-shell/engine/item"
)

// literalError is a literal that does not make a valid value.
type literalError struct {
	pos    lexer.Position
	msg    string
	syntax bool // report as a syntax error at pos rather than msg
}

// paramFunc returns the next PartiQL positional parameter.
type paramFunc func(pos lexer.Position) (item.Value, *literalError)

// literalValue converts a literal to a value: numbers exactly (never
// through float64), strings, booleans, null, lists, maps and sets.
func literalValue(l *Literal, param paramFunc) (item.Value, *literalError) {
	v, err := literalValueAt(l, param, 1)
	if err != nil {
		return nil, err
	}
	if verr := item.ValidateValue(v); verr != nil {
		return nil, &literalError{pos: l.Pos, msg: verr.Error()}
	}
	return v, nil
}

func literalValueAt(l *Literal, param paramFunc, depth int) (item.Value, *literalError) {
	switch {
	case l.Number != nil:
		return numberLiteral(l.Number.Pos, l.Number.Neg, l.Number.Digits)
	case l.Str != nil:
		return stringLiteral(l.Pos, *l.Str)
	case l.Bool != nil:
		return item.BOOL(strings.EqualFold(*l.Bool, "true")), nil
	case l.Null:
		return item.NULL{}, nil
	case l.Param:
		if param == nil {
			return nil, &literalError{pos: l.Pos, syntax: true}
		}
		return param(l.Pos)
	case l.List != nil:
		out := make(item.L, 0, len(l.List.Elems))
		for _, e := range l.List.Elems {
			v, err := literalValueAt(e, param, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case l.Map != nil:
		out := make(item.M, len(l.Map.Entries))
		for _, e := range l.Map.Entries {
			k, err := mapKey(e)
			if err != nil {
				return nil, err
			}
			if _, dup := out[k]; dup {
				return nil, &literalError{pos: e.Pos, msg: "Duplicate key in map literal: " + k}
			}
			var v item.Value
			if e.Glued != nil {
				v, err = gluedValue(e.Glued)
			} else {
				v, err = literalValueAt(e.Value, param, depth+1)
			}
			if err != nil {
				return nil, err
			}
			out[k] = v
		}
		return out, nil
	case l.Set != nil:
		return setLiteral(l.Set, param)
	}
	return nil, &literalError{pos: l.Pos, syntax: true}
}

func numberLiteral(pos lexer.Position, neg bool, digits string) (item.Value, *literalError) {
	text := digits
	if neg {
		text = "-" + digits
	}
	n, err := item.ParseN(text)
	if err != nil {
		return nil, &literalError{pos: pos, msg: err.Error()}
	}
	return n, nil
}

// stringLiteral decodes a single-quoted ('it”s', PartiQL style) or
// double-quoted ("a\"b", JSON style) string token.
func stringLiteral(pos lexer.Position, tok string) (item.Value, *literalError) {
	s, ok := unquote(tok)
	if !ok {
		return nil, &literalError{pos: pos, syntax: true}
	}
	return item.S(s), nil
}

// unquote decodes a SQString or DQString token.
func unquote(tok string) (string, bool) {
	if len(tok) < 2 {
		return "", false
	}
	if tok[0] == '\'' {
		return strings.ReplaceAll(tok[1:len(tok)-1], "''", "'"), true
	}
	var s string
	if err := json.Unmarshal([]byte(tok), &s); err != nil {
		return "", false
	}
	return s, true
}

func mapKey(e *MapEntry) (string, *literalError) {
	switch e.Key[0] {
	case '"', '\'':
		s, ok := unquote(e.Key)
		if !ok {
			return "", &literalError{pos: e.Pos, syntax: true}
		}
		return s, nil
	}
	return e.Key, nil
}

// gluedValue reads the scalar of {"a":1}, {"a":1.5}, {"a":true}, which
// the lexer saw as a placeholder token.
func gluedValue(g *Glued) (item.Value, *literalError) {
	text := g.Head[1:]
	if g.Frac != nil {
		text += "." + *g.Frac
	}
	switch strings.ToLower(text) {
	case "true":
		return item.BOOL(true), nil
	case "false":
		return item.BOOL(false), nil
	case "null":
		return item.NULL{}, nil
	}
	if text == "" || text[0] < '0' || text[0] > '9' {
		return nil, &literalError{pos: g.Pos, syntax: true}
	}
	return numberLiteral(g.Pos, false, text)
}

func setLiteral(s *SetLit, param paramFunc) (item.Value, *literalError) {
	if len(s.Elems) == 0 {
		return nil, &literalError{pos: s.Pos, msg: "One or more parameter values were invalid: An string set  may not be empty"}
	}
	var (
		ss item.SS
		ns item.NS
		bs item.BS
	)
	for _, e := range s.Elems {
		v, err := literalValueAt(e, param, 2)
		if err != nil {
			return nil, err
		}
		switch v := v.(type) {
		case item.S:
			ss = append(ss, string(v))
		case item.N:
			ns = append(ns, v)
		case item.B:
			bs = append(bs, []byte(v))
		default:
			return nil, &literalError{pos: e.Pos, msg: "Set members must be strings, numbers or binary, all of one type"}
		}
	}
	switch {
	case ss != nil && ns == nil && bs == nil:
		return ss, nil
	case ns != nil && ss == nil && bs == nil:
		return ns, nil
	case bs != nil && ss == nil && ns == nil:
		return bs, nil
	}
	return nil, &literalError{pos: s.Pos, msg: "Set members must be strings, numbers or binary, all of one type"}
}

// hasParam reports whether a literal holds a PartiQL parameter.
func hasParam(l *Literal) bool {
	switch {
	case l.Param:
		return true
	case l.List != nil:
		for _, e := range l.List.Elems {
			if hasParam(e) {
				return true
			}
		}
	case l.Map != nil:
		for _, e := range l.Map.Entries {
			if e.Value != nil && hasParam(e.Value) {
				return true
			}
		}
	case l.Set != nil:
		for _, e := range l.Set.Elems {
			if hasParam(e) {
				return true
			}
		}
	}
	return false
}

// lonePathLiteral reads a path that is a single true, false or null (any
// case) as a literal; with quoted, also a single double-quoted string.
func lonePathLiteral(p *PathExpr, quoted bool) (item.Value, bool, *literalError) {
	if len(p.Steps) != 0 {
		return nil, false, nil
	}
	t := p.Head.Text
	if t[0] == '"' {
		if !quoted {
			return nil, false, nil
		}
		v, err := stringLiteral(p.Head.Pos, t)
		return v, true, err
	}
	switch strings.ToLower(t) {
	case "true":
		return item.BOOL(true), true, nil
	case "false":
		return item.BOOL(false), true, nil
	case "null":
		return item.NULL{}, true, nil
	}
	return nil, false, nil
}
