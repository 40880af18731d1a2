package shell

import (
	"context"
	"strings"
	"time"

	"github.com/keystonedb/kstone-shell/engine"
	"github.com/keystonedb/kstone-shell/parser"
)

func (s *Session) dotExplain(_ context.Context, _ []string, rest string) (Output, error) {
	if err := s.needAdmin(".explain"); err != nil {
		return Output{}, err
	}
	verb, end := firstWord(rest, 0)
	var e engine.Explain
	var err error
	switch strings.ToLower(verb) {
	case "get":
		key, _, kerr := s.parseKey(rest, end, true, "project")
		if kerr != nil {
			return Output{}, kerr
		}
		e, err = s.admin.ExplainGet(s.table, key)
	case "query":
		head, args, cerr := clauses(rest, end, "filter", "project", "limit", "desc", "asc")
		if cerr != nil {
			return Output{}, cerr
		}
		kc := head.text(rest)
		filter, _ := optional(rest, args, "filter")
		e, err = s.admin.ExplainQuery(engine.QueryRequest{Table: s.table, KeyConditionExpression: kc, FilterExpression: filter,
			Bindings: s.params.bindings(kc, filter)})
		err = exprSpans{parser.KeyConditionExpression: head}.wrap(err)
	case "scan":
		_, args, cerr := clauses(rest, end, "filter", "project", "limit", "segment")
		if cerr != nil {
			return Output{}, cerr
		}
		filter, _ := optional(rest, args, "filter")
		e, err = s.admin.ExplainScan(engine.ScanRequest{Table: s.table, FilterExpression: filter, Bindings: s.params.bindings(filter)})
	default:
		return Output{}, usageErr(-1, "usage: .explain get KEY | query KEY-CONDITION [filter …] | scan [filter …]")
	}
	if err != nil {
		return Output{}, err
	}
	return Output{Text: e.String()}, nil
}

// ageOf prints how long ago t was, for people.
func ageOf(t time.Time) string {
	d := time.Since(t)
	switch {
	case d < time.Minute:
		return d.Round(time.Second).String()
	case d < time.Hour:
		return d.Round(time.Minute).String()
	}
	return d.Round(time.Hour).String()
}
