package shell

import (
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/keystonedb/kstone-shell/engine"
	"github.com/keystonedb/kstone-shell/engine/item"
	"github.com/keystonedb/kstone-shell/parser"
)

// parseItem reads an item literal (a JSON object) starting at src[i].
func (s *Session) parseItem(src string, i int) (item.Item, int, error) {
	return parseItemText(src, i, s.Input)
}

// parseItemText reads an item literal in the given input mode.
func parseItemText(src string, i int, mode InputMode) (item.Item, int, error) {
	for i < len(src) && isSpace(src[i]) {
		i++
	}
	if i >= len(src) || src[i] != '{' {
		return nil, i, usageErr(i, "expected an item: a JSON object such as {\"pk\": \"user#1\", \"age\": 30}")
	}
	end := matchingBrace(src, i)
	if end < 0 {
		return nil, i, usageErr(i, "the item's { is never closed")
	}
	var it item.Item
	var err error
	if mode == InputDDB {
		it, err = item.ItemFromDDBJSON([]byte(src[i:end]))
	} else {
		it, err = item.ItemFromJSON([]byte(src[i:end]))
	}
	if err != nil {
		return nil, i, usageErr(i, "invalid item: %v", err)
	}
	return it, end, nil
}

// parseKey reads a key at src[i]: an object of key attributes, or a bare
// partition key (then, if allowSort, an optional bare sort key).
func (s *Session) parseKey(src string, i int, allowSort bool, stop ...string) (item.Item, int, error) {
	for i < len(src) && isSpace(src[i]) {
		i++
	}
	if i >= len(src) {
		return nil, i, usageErr(i, "expected a key: a partition key such as user#1, or an object such as {\"pk\": \"user#1\", \"sk\": \"order#7\"}")
	}
	if src[i] == '{' {
		it, end, err := s.parseItem(src, i)
		return it, end, err
	}
	ks, ok := s.schema()
	if !ok {
		return nil, i, usageErr(-1, "no table %q (.tables lists them)", s.table)
	}
	pk, end, err := s.bareKey(src, i, ks.PartitionType)
	if err != nil {
		return nil, i, err
	}
	key := item.Item{ks.PartitionKey: pk}
	if allowSort && ks.SortKey != "" {
		j := end
		for j < len(src) && isSpace(src[j]) {
			j++
		}
		w, _ := firstWord(src, j)
		if j < len(src) && !isKeyword(w, stop) {
			sk, e2, err := s.bareKey(src, j, ks.SortType)
			if err != nil {
				return nil, j, err
			}
			key[ks.SortKey] = sk
			end = e2
		}
	}
	return key, end, nil
}

func isKeyword(w string, words []string) bool {
	for _, k := range words {
		if strings.EqualFold(w, k) {
			return true
		}
	}
	return false
}

// bareKey reads one key value written without JSON: a word (or a JSON
// string in quotes), typed by the key schema.
func (s *Session) bareKey(src string, i int, t item.Type) (item.Value, int, error) {
	var raw string
	end := i
	if src[i] == '"' {
		j := i + 1
		for j < len(src) && src[j] != '"' {
			if src[j] == '\\' {
				j++
			}
			j++
		}
		if j >= len(src) {
			return nil, i, usageErr(i, "unterminated string")
		}
		end = j + 1
		u, err := strconv.Unquote(src[i:end])
		if err != nil {
			return nil, i, usageErr(i, "invalid string: %v", err)
		}
		raw = u
	} else {
		raw, end = firstWord(src, i)
	}
	switch t {
	case item.TypeN:
		n, err := item.ParseN(raw)
		if err != nil {
			return nil, i, usageErr(i, "the key is a number: %v", err)
		}
		return n, end, nil
	case item.TypeB:
		b, err := base64.StdEncoding.DecodeString(raw)
		if err != nil {
			return nil, i, usageErr(i, "the key is binary: give it in base64: %v", err)
		}
		return item.B(b), end, nil
	}
	return item.S(raw), end, nil
}

// returnValue reads a "return" clause.
func returnValue(src string, sp span, ok bool, allowed ...engine.ReturnValue) (engine.ReturnValue, error) {
	if !ok {
		return "", nil
	}
	w := strings.ToUpper(sp.text(src))
	for _, a := range allowed {
		if w == string(a) {
			return a, nil
		}
	}
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = strings.ToLower(string(a))
	}
	return "", usageErr(sp.start, "return takes %s, got %q", strings.Join(names, ", "), strings.ToLower(w))
}

func optional(src string, args map[string]span, k string) (string, span) {
	sp, ok := args[k]
	if !ok {
		return "", span{}
	}
	sp = sp.trimmed(src)
	return src[sp.start:sp.end], sp
}

func (s *Session) put(src string, from int) (Output, error) {
	it, end, err := s.parseItem(src, from)
	return s.putItem(src, it, end, err)
}

// runPut runs a put whose item the runner parsed ahead.
func (s *Session) runPut(src string, pre *preItem) (Output, error) {
	start := time.Now()
	out, err := s.putItem(src, pre.item, pre.end, pre.err)
	out.Elapsed = time.Since(start)
	return out, err
}

func (s *Session) putItem(src string, it item.Item, end int, err error) (Output, error) {
	if err != nil {
		return Output{}, err
	}
	rest, args, err := clauses(src, end, "if", "return")
	if err != nil {
		return Output{}, err
	}
	if t := rest.text(src); t != "" {
		return Output{}, usageErr(rest.trimmed(src).start, "unexpected %q after the item (clauses: if, return)", t)
	}
	cond, condSp := optional(src, args, "if")
	rv, err := returnValue(src, args["return"], hasKey(args, "return"), engine.ReturnNone, engine.ReturnAllOld)
	if err != nil {
		return Output{}, err
	}
	resp, err := s.backend.PutItem(engine.PutItemRequest{Table: s.table, Item: it, ConditionExpression: cond,
		Bindings: s.params.bindings(cond), ReturnValues: rv})
	if err != nil {
		return Output{}, exprSpans{parser.ConditionExpression: condSp}.wrap(err)
	}
	return s.returned(rv, resp.Item), nil
}

func hasKey(m map[string]span, k string) bool { _, ok := m[k]; return ok }

// returned is a write's output: the attributes asked for with return.
func (s *Session) returned(rv engine.ReturnValue, it item.Item) Output {
	if rv == "" || rv == engine.ReturnNone {
		return Output{}
	}
	if it == nil {
		return s.items(nil)
	}
	return s.items([]item.Item{it})
}

func (s *Session) get(src string, from int) (Output, error) {
	key, end, err := s.parseKey(src, from, true, "project")
	if err != nil {
		return Output{}, err
	}
	rest, args, err := clauses(src, end, "project")
	if err != nil {
		return Output{}, err
	}
	if t := rest.text(src); t != "" {
		return Output{}, usageErr(rest.trimmed(src).start, "unexpected %q after the key (clauses: project)", t)
	}
	proj, projSp := optional(src, args, "project")
	resp, err := s.backend.GetItem(engine.GetItemRequest{Table: s.table, Key: key, ProjectionExpression: proj, Bindings: s.params.bindings(proj)})
	if err != nil {
		return Output{}, exprSpans{parser.ProjectionExpression: projSp}.wrap(err)
	}
	if resp.Item == nil {
		return Output{}, &Error{Msg: "Key not found: " + describeKey(key, s.keyColumns(s.table)), Pos: -1, Err: engine.ErrKeyNotFound}
	}
	return s.items([]item.Item{resp.Item}), nil
}

// describeKey prints a key as the engine's errors do: "user#1" or
// "user#1 / order#7".
func describeKey(key item.Item, cols []string) string {
	var parts []string
	for _, c := range cols {
		if v, ok := key[c]; ok {
			parts = append(parts, engine.KeyValueString(v))
		}
	}
	return strings.Join(parts, " / ")
}

func (s *Session) del(src string, from int) (Output, error) {
	key, end, err := s.parseKey(src, from, true, "if", "return")
	if err != nil {
		return Output{}, err
	}
	rest, args, err := clauses(src, end, "if", "return")
	if err != nil {
		return Output{}, err
	}
	if t := rest.text(src); t != "" {
		return Output{}, usageErr(rest.trimmed(src).start, "unexpected %q after the key (clauses: if, return)", t)
	}
	cond, condSp := optional(src, args, "if")
	rv, err := returnValue(src, args["return"], hasKey(args, "return"), engine.ReturnNone, engine.ReturnAllOld)
	if err != nil {
		return Output{}, err
	}
	resp, err := s.backend.DeleteItem(engine.DeleteItemRequest{Table: s.table, Key: key, ConditionExpression: cond,
		Bindings: s.params.bindings(cond), ReturnValues: rv})
	if err != nil {
		return Output{}, exprSpans{parser.ConditionExpression: condSp}.wrap(err)
	}
	return s.returned(rv, resp.Item), nil
}

func (s *Session) update(src string, from int) (Output, error) {
	// A bare sort key may follow the partition key, before the first
	// section keyword.
	key, end, err := s.parseKey(src, from, true, "set", "remove", "add", "delete", "if", "return")
	if err != nil {
		return Output{}, err
	}
	head, args, err := clauses(src, end, "if", "return")
	if err != nil {
		return Output{}, err
	}
	head = head.trimmed(src)
	expr := src[head.start:head.end]
	if expr == "" {
		return Output{}, usageErr(end, "expected an update expression such as SET age = age + 1")
	}
	cond, condSp := optional(src, args, "if")
	rv, err := returnValue(src, args["return"], hasKey(args, "return"), engine.ReturnNone, engine.ReturnAllOld,
		engine.ReturnUpdatedOld, engine.ReturnAllNew, engine.ReturnUpdatedNew)
	if err != nil {
		return Output{}, err
	}
	resp, err := s.backend.UpdateItem(engine.UpdateItemRequest{Table: s.table, Key: key, UpdateExpression: expr,
		ConditionExpression: cond, Bindings: s.params.bindings(expr, cond), ReturnValues: rv})
	if err != nil {
		return Output{}, exprSpans{parser.UpdateExpression: head, parser.ConditionExpression: condSp}.wrap(err)
	}
	return s.returned(rv, resp.Item), nil
}
