package engine

import (
	"time"

	"github.com/keystonedb/kstone-shell/engine/item"
	"github.com/keystonedb/kstone-shell/parser"
)

var sortOps = map[parser.KeyOp]SortOp{
	parser.EQ: SortEQ, parser.LT: SortLT, parser.LE: SortLE, parser.GT: SortGT, parser.GE: SortGE,
	parser.BETWEEN: SortBetween, parser.BEGINS_WITH: SortBeginsWith,
}

// Query reads a partition with a KeyConditionExpression, then filters and
// projects what it read. Limit counts the items read, before the filter.
func (db *DB) Query(r QueryRequest) (ItemsResponse, error) {
	defer db.timeOp(OpQuery, time.Now())
	t, err := db.table(r.Table)
	if err != nil {
		return ItemsResponse{}, err
	}
	if r.KeyConditionExpression == "" {
		return ItemsResponse{}, validationErr("Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.")
	}
	c, err := db.compile(r.Bindings, "", "", r.FilterExpression, r.KeyConditionExpression, r.ProjectionExpression)
	if err != nil {
		return ItemsResponse{}, err
	}
	kq, err := c.KeyCondition.Resolve(t.parserSchema())
	if err != nil {
		return ItemsResponse{}, exprErr(err)
	}
	q := QueryInput{PK: kq.PartitionValue, Reverse: r.Descending, Limit: r.Limit}
	if kq.Sort != nil {
		q.SK = &SortCondition{Op: sortOps[kq.Sort.Op], Values: kq.Sort.Values}
	}
	if r.ExclusiveStartKey != nil {
		k, err := t.keyFromAttrs(r.ExclusiveStartKey)
		if err != nil {
			return ItemsResponse{}, err
		}
		q.ExclusiveStartKey = &k
	}
	it, err := t.QueryIter(q)
	if err != nil {
		return ItemsResponse{}, err
	}
	return t.readPage(it, c.Filter, c.Projection)
}

// Scan reads the table (or one segment of it), then filters and projects.
func (db *DB) Scan(r ScanRequest) (ItemsResponse, error) {
	defer db.timeOp(OpScan, time.Now())
	t, err := db.table(r.Table)
	if err != nil {
		return ItemsResponse{}, err
	}
	c, err := db.compile(r.Bindings, "", "", r.FilterExpression, "", r.ProjectionExpression)
	if err != nil {
		return ItemsResponse{}, err
	}
	in := ScanInput{Limit: r.Limit, Segment: r.Segment, TotalSegments: r.TotalSegments}
	if r.ExclusiveStartKey != nil {
		k, err := t.keyFromAttrs(r.ExclusiveStartKey)
		if err != nil {
			return ItemsResponse{}, err
		}
		in.ExclusiveStartKey = &k
	}
	it, err := t.ScanIter(in)
	if err != nil {
		return ItemsResponse{}, err
	}
	return t.readPage(it, c.Filter, c.Projection)
}

// readPage drains an iterator through a filter and a projection.
func (t *Table) readPage(it *ItemIter, filter *parser.CompiledCondition, proj *parser.CompiledProjection) (ItemsResponse, error) {
	defer it.Close()
	var out ItemsResponse
	for it.Next() {
		x, err := it.Item()
		if err != nil {
			return ItemsResponse{}, t.db.noteReadError(err)
		}
		out.ScannedCount++
		if filter != nil {
			ok, err := filter.Eval(x)
			if err != nil {
				return ItemsResponse{}, exprErr(err)
			}
			if !ok {
				continue
			}
		}
		if proj != nil {
			x = proj.Apply(x)
		}
		out.Items = append(out.Items, x)
	}
	if err := it.Err(); err != nil {
		return ItemsResponse{}, t.db.noteReadError(err)
	}
	if k := it.LastEvaluatedKey(); k != nil {
		out.LastEvaluatedKey = t.keyAttrs(*k)
	}
	return out, nil
}

// keyTermsToKey returns the key named by equality terms on every key
// attribute, as PartiQL's UPDATE and DELETE require.
func (t *Table) keyTermsToKey(terms []parser.KeyTerm) (Key, bool) {
	var k Key
	for _, term := range terms {
		if term.Op != parser.EQ {
			continue
		}
		switch term.Name {
		case t.schema.PartitionKey:
			k.PK = term.Values[0]
		case t.schema.SortKey:
			k.SK = term.Values[0]
		}
	}
	if k.PK == nil || (t.schema.SortKey != "" && k.SK == nil && !t.schema.SortKeyOptional) {
		return Key{}, false
	}
	return k, t.schema.checkKey(k) == nil
}

// StatementRequest is DynamoDB's ExecuteStatement: one PartiQL statement
// with ? parameters.
type StatementRequest struct {
	Statement  string
	Parameters []item.Value
}

// ExecuteStatement runs a PartiQL statement. SELECT picks a get, a query or
// a scan from the shape of its WHERE; INSERT fails on an existing key;
// UPDATE and DELETE need the whole key, other WHERE terms become their
// condition.
func (db *DB) ExecuteStatement(r StatementRequest) (ItemsResponse, error) {
	st, err := db.exprs.ParsePartiQL(r.Statement)
	if err != nil {
		return ItemsResponse{}, exprErr(err)
	}
	switch s := st.(type) {
	case *parser.Select:
		plan, err := s.Bind(r.Parameters)
		if err != nil {
			return ItemsResponse{}, exprErr(err)
		}
		return db.execSelect(plan)
	case *parser.Insert:
		plan, err := s.Bind(r.Parameters)
		if err != nil {
			return ItemsResponse{}, exprErr(err)
		}
		return ItemsResponse{}, db.execInsert(plan)
	case *parser.UpdateStmt:
		plan, err := s.Bind(r.Parameters)
		if err != nil {
			return ItemsResponse{}, exprErr(err)
		}
		return ItemsResponse{}, db.execUpdate(plan)
	case *parser.Delete:
		plan, err := s.Bind(r.Parameters)
		if err != nil {
			return ItemsResponse{}, exprErr(err)
		}
		return ItemsResponse{}, db.execDelete(plan)
	}
	return ItemsResponse{}, invalidArg("unsupported statement")
}
