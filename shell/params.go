package shell

import (
	"fmt"
	"sort"
	"strings"

	"github.com/keystonedb/kstone-shell/engine"
	"github.com/keystonedb/kstone-shell/engine/item"
)

// params are the session's bound placeholders (.param set).
type params struct {
	values map[string]item.Value // ":inc" → 1
	names  map[string]string     // "#n" → "name"
}

func newParams() params {
	return params{values: map[string]item.Value{}, names: map[string]string{}}
}

// bindings returns the placeholders the given expression texts use, in the
// shell dialect: a binding left from an earlier statement is never an
// "unused value" error.
func (p params) bindings(texts ...string) engine.Bindings {
	b := engine.Bindings{Dialect: engine.DialectShell}
	for _, t := range texts {
		for _, ph := range placeholders(t) {
			switch ph[0] {
			case ':':
				if v, ok := p.values[ph]; ok {
					if b.Values == nil {
						b.Values = map[string]item.Value{}
					}
					b.Values[ph] = v
				}
			case '#':
				if n, ok := p.names[ph]; ok {
					if b.Names == nil {
						b.Names = map[string]string{}
					}
					b.Names[ph] = n
				}
			}
		}
	}
	return b
}

// placeholders returns the :values and #names in an expression, outside
// string literals.
func placeholders(src string) []string {
	var out []string
	var quote byte
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case quote != 0:
			if c == '\\' && quote == '"' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == ':' || c == '#':
			j := i + 1
			for j < len(src) && (src[j] == '_' || src[j] >= '0' && src[j] <= '9' || src[j] >= 'a' && src[j] <= 'z' || src[j] >= 'A' && src[j] <= 'Z') {
				j++
			}
			if j > i+1 {
				out = append(out, src[i:j])
			}
			i = j - 1
		}
	}
	return out
}

// set binds a placeholder: ":v" to a value (JSON in the session's input
// mode; a bare word is a string), "#n" to an attribute name.
func (s *Session) setParam(name, raw string) error {
	raw = strings.TrimSpace(raw)
	switch {
	case len(name) > 1 && name[0] == '#':
		if raw == "" {
			return usageErr(-1, "usage: .param set #name ATTRIBUTE")
		}
		s.params.names[name] = strings.Trim(raw, `"`)
		return nil
	case len(name) > 1 && name[0] == ':':
		v, err := s.parseValue(raw)
		if err != nil {
			return usageErr(-1, "value for %s: %v", name, err)
		}
		s.params.values[name] = v
		return nil
	}
	return usageErr(-1, "a parameter is :name (a value) or #name (an attribute name), got %q", name)
}

// parseValue reads a value in the session's input mode. In JSON mode a
// bare word that is not JSON is taken as a string, as sqlite3 does.
func (s *Session) parseValue(raw string) (item.Value, error) {
	if s.Input == InputDDB {
		return item.ValueFromDDBJSON([]byte(raw))
	}
	v, err := item.ValueFromJSON([]byte(raw))
	if err == nil {
		return v, nil
	}
	if raw != "" && !strings.ContainsAny(raw[:1], `{["-0123456789`) && raw != "true" && raw != "false" && raw != "null" {
		return item.S(raw), nil
	}
	return nil, err
}

func (p params) list() string {
	var keys []string
	for k := range p.values {
		keys = append(keys, k)
	}
	for k := range p.names {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		if k[0] == '#' {
			fmt.Fprintf(&b, "%-12s %s\n", k, p.names[k])
		} else {
			fmt.Fprintf(&b, "%-12s %s\n", k, item.AppendJSON(nil, p.values[k]))
		}
	}
	if b.Len() == 0 {
		return "(no parameters)\n"
	}
	return b.String()
}
