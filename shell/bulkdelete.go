package shell

import (
	"context"
	"fmt"
	"strings"

	"github.com/keystonedb/kstone-shell/engine"
	"github.com/keystonedb/kstone-shell/engine/item"
	"github.com/keystonedb/kstone-shell/parser"
)

// Bulk delete: "delete where COND" removes every item of the table the
// filter matches (a scan, then one conditional delete per item, so an item
// changed meanwhile is re-checked). Pipes run it directly; the TUI first
// shows its blast radius (Session.Preview) and asks.

// BlastRadius is what a destructive statement would touch.
type BlastRadius struct {
	Statement string
	Items     int
	Stripes   int
}

func (b BlastRadius) String() string {
	return fmt.Sprintf("delete %s in %s", plural(b.Items, "item"), plural(b.Stripes, "stripe"))
}

// isBulkDelete reports whether a statement is "delete where …".
func isBulkDelete(text string) (cond string, pos int, ok bool) {
	verb, end := firstWord(text, 0)
	if !strings.EqualFold(verb, "delete") {
		return "", 0, false
	}
	w, end2 := firstWord(text, end)
	if !strings.EqualFold(w, "where") {
		return "", 0, false
	}
	return strings.TrimSpace(text[end2:]), end2, true
}

// Preview returns the blast radius of a destructive bulk statement, or nil
// for any other statement.
func (s *Session) Preview(ctx context.Context, text string) (*BlastRadius, error) {
	cond, pos, ok := isBulkDelete(strings.TrimSpace(text))
	if !ok {
		return nil, nil
	}
	items, err := s.matching(ctx, cond, pos)
	if err != nil {
		return nil, err
	}
	stripes := map[int]bool{}
	cols := s.keyColumns(s.table)
	for _, it := range items {
		if len(cols) > 0 {
			stripes[engine.StripeOf(it[cols[0]])] = true
		}
	}
	return &BlastRadius{Statement: text, Items: len(items), Stripes: len(stripes)}, nil
}

// matching returns the keys of the items a bulk delete's condition matches.
func (s *Session) matching(ctx context.Context, cond string, pos int) ([]item.Item, error) {
	if cond == "" {
		return nil, usageErr(pos, "delete where needs a condition, such as: delete where age > 90 (to empty a table: delete where attribute_exists(pk))")
	}
	proj := strings.Join(s.keyColumns(s.table), ", ")
	var keys []item.Item
	var lek item.Item
	for {
		if err := ctx.Err(); err != nil {
			return nil, usageErr(-1, "cancelled")
		}
		resp, err := s.backend.Scan(engine.ScanRequest{Table: s.table, FilterExpression: cond, ProjectionExpression: proj,
			Bindings: s.params.bindings(cond), Limit: 1000, ExclusiveStartKey: lek})
		if err != nil {
			return nil, exprSpans{parser.FilterExpression: span{pos, pos + len(cond)}}.wrap(err)
		}
		keys = append(keys, resp.Items...)
		if lek = resp.LastEvaluatedKey; lek == nil {
			return keys, nil
		}
	}
}

func (s *Session) bulkDelete(ctx context.Context, stmt string) (Output, error) {
	cond, pos, _ := isBulkDelete(stmt)
	keys, err := s.matching(ctx, cond, pos)
	if err != nil {
		return Output{}, err
	}
	prog := s.newProgress("deleted")
	defer prog.done()
	n := 0
	for _, k := range keys {
		if err := ctx.Err(); err != nil {
			return Output{}, usageErr(-1, "cancelled after deleting %s", plural(n, "item"))
		}
		_, err := s.backend.DeleteItem(engine.DeleteItemRequest{Table: s.table, Key: k, ConditionExpression: cond,
			Bindings: s.params.bindings(cond)})
		if err == nil {
			n++
		} else if !isConditionFailed(err) {
			return Output{}, exprSpans{parser.ConditionExpression: span{pos, pos + len(cond)}}.wrap(err)
		}
		prog.update(n)
	}
	return text("deleted %s\n", plural(n, "item")), nil
}

func isConditionFailed(err error) bool {
	e, ok := err.(*engine.Error)
	return ok && e.Kind == engine.ErrConditionalCheckFailed
}
