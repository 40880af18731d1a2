package shell

import (
	"strconv"
	"strings"

	"github.com/keystonedb/kstone-shell/engine"
	"github.com/keystonedb/kstone-shell/engine/item"
	"github.com/keystonedb/kstone-shell/parser"
)

// pager remembers the last query or scan so that "next" can continue it.
type pager struct {
	query *engine.QueryRequest
	scan  *engine.ScanRequest
	spans exprSpans
	lek   item.Item
}

func (s *Session) query(src string, from int) (Output, error) {
	head, args, err := clauses(src, from, "filter", "project", "limit", "desc", "asc")
	if err != nil {
		return Output{}, err
	}
	head = head.trimmed(src)
	keyCond := src[head.start:head.end]
	if keyCond == "" {
		return Output{}, usageErr(from, "expected a key condition such as pk = \"user#1\" AND begins_with(sk, \"order#\")")
	}
	filter, filterSp := optional(src, args, "filter")
	proj, projSp := optional(src, args, "project")
	limit, err := limitClause(src, args)
	if err != nil {
		return Output{}, err
	}
	for _, k := range []string{"desc", "asc"} {
		if t, sp := optional(src, args, k); t != "" {
			return Output{}, usageErr(sp.start, "unexpected %q after %s", t, k)
		}
	}
	if hasKey(args, "desc") && hasKey(args, "asc") {
		return Output{}, usageErr(-1, "a query is either desc or asc")
	}
	req := engine.QueryRequest{Table: s.table, KeyConditionExpression: keyCond, FilterExpression: filter,
		ProjectionExpression: proj, Bindings: s.params.bindings(keyCond, filter, proj),
		Limit: limit, Descending: hasKey(args, "desc")}
	s.last = &pager{query: &req, spans: exprSpans{parser.KeyConditionExpression: head,
		parser.FilterExpression: filterSp, parser.ProjectionExpression: projSp}}
	return s.page()
}

func (s *Session) scan(src string, from int) (Output, error) {
	head, args, err := clauses(src, from, "filter", "project", "limit", "segment")
	if err != nil {
		return Output{}, err
	}
	if t := head.text(src); t != "" {
		return Output{}, usageErr(head.trimmed(src).start, "unexpected %q after scan (clauses: filter, project, limit, segment)", t)
	}
	filter, filterSp := optional(src, args, "filter")
	proj, projSp := optional(src, args, "project")
	limit, err := limitClause(src, args)
	if err != nil {
		return Output{}, err
	}
	req := engine.ScanRequest{Table: s.table, FilterExpression: filter, ProjectionExpression: proj,
		Bindings: s.params.bindings(filter, proj), Limit: limit}
	if seg, sp := optional(src, args, "segment"); seg != "" || hasKey(args, "segment") {
		i, n, ok := strings.Cut(seg, "/")
		a, err1 := strconv.Atoi(strings.TrimSpace(i))
		b, err2 := strconv.Atoi(strings.TrimSpace(n))
		if !ok || err1 != nil || err2 != nil || b < 1 || a < 0 || a >= b {
			return Output{}, usageErr(sp.start, "segment takes I/N with 0 <= I < N, such as segment 0/4")
		}
		req.Segment, req.TotalSegments = a, b
	}
	s.last = &pager{scan: &req, spans: exprSpans{parser.FilterExpression: filterSp, parser.ProjectionExpression: projSp}}
	return s.page()
}

func limitClause(src string, args map[string]span) (int, error) {
	t, sp := optional(src, args, "limit")
	if !hasKey(args, "limit") {
		return 0, nil
	}
	n, err := strconv.Atoi(t)
	if err != nil || n < 1 {
		return 0, usageErr(sp.start, "limit takes a positive number, got %q", t)
	}
	return n, nil
}

// page runs the remembered query or scan from its last position.
func (s *Session) page() (Output, error) {
	p := s.last
	var resp engine.ItemsResponse
	var err error
	if p.query != nil {
		p.query.ExclusiveStartKey = p.lek
		resp, err = s.backend.Query(*p.query)
	} else {
		p.scan.ExclusiveStartKey = p.lek
		resp, err = s.backend.Scan(*p.scan)
	}
	if err != nil {
		s.last = nil
		return Output{}, p.spans.wrap(err)
	}
	p.lek = resp.LastEvaluatedKey
	out := s.items(resp.Items)
	out.More = resp.LastEvaluatedKey != nil
	if !out.More {
		s.last = nil
	}
	return out, nil
}

func (s *Session) next() (Output, error) {
	if s.last == nil {
		return Output{}, usageErr(-1, "no more pages: next continues a query or scan that stopped at its limit")
	}
	return s.page()
}

func (s *Session) partiql(src string) (Output, error) {
	resp, err := s.backend.ExecuteStatement(engine.StatementRequest{Statement: src})
	if err != nil {
		return Output{}, exprSpans{parser.PartiQL: span{0, len(src)}}.wrap(err)
	}
	verb, _ := firstWord(src, 0)
	if strings.EqualFold(verb, "select") {
		out := s.items(resp.Items)
		if t := partiqlTable(src); t != "" {
			out.KeyColumns = s.keyColumns(t)
		}
		return out, nil
	}
	return Output{}, nil
}

// partiqlTable finds the table a SELECT reads (for the key columns).
func partiqlTable(src string) string {
	_, args, err := clauses(src, 0, "from")
	if err != nil {
		return ""
	}
	sp, ok := args["from"]
	if !ok {
		return ""
	}
	w, _ := firstWord(src, sp.start)
	return strings.Trim(w, `"`)
}
