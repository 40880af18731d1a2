package engine

import (
	"encoding/binary"
	"errors"
	"slices"
	"strings"
	"sync"

	"github.com/keystonedb/kstone-shell/engine/item"
	"github.com/keystonedb/kstone-shell/parser"
)

// The request API mirrors DynamoDB's operations: expressions are strings
// with ExpressionAttributeNames/Values, results and errors are DynamoDB's.
// The shell talks to the database through it, so a DynamoDB-compatible
// service can later stand in for the embedded engine.

// Dialect chooses the expression language of a request: DynamoDB's
// exactly, or the shell's, which also takes literals (age + 1) and
// reserved words as attribute names.
type Dialect = parser.Dialect

const (
	DialectDynamoDB = parser.DialectDynamoDB
	DialectShell    = parser.DialectShell
)

// ReturnValue says which attributes a write returns.
type ReturnValue string

const (
	ReturnNone       ReturnValue = "NONE"
	ReturnAllOld     ReturnValue = "ALL_OLD"
	ReturnUpdatedOld ReturnValue = "UPDATED_OLD"
	ReturnAllNew     ReturnValue = "ALL_NEW"
	ReturnUpdatedNew ReturnValue = "UPDATED_NEW"
)

// ErrConditionalCheckFailed: a ConditionExpression was false.
var ErrConditionalCheckFailed = errors.New("ConditionalCheckFailedException")

func conditionFailed() error {
	return &Error{Kind: ErrConditionalCheckFailed, Msg: "The conditional request failed"}
}

// Bindings are a request's expression attribute names and values, and the
// dialect its expressions are written in.
type Bindings struct {
	Names   map[string]string     // ExpressionAttributeNames: #n → name
	Values  map[string]item.Value // ExpressionAttributeValues: :v → value
	Dialect Dialect
}

// PutItemRequest is DynamoDB's PutItem.
type PutItemRequest struct {
	Table               string // "" means the default table
	Item                item.Item
	ConditionExpression string
	Bindings
	ReturnValues ReturnValue // NONE or ALL_OLD
}

// GetItemRequest is DynamoDB's GetItem.
type GetItemRequest struct {
	Table                string
	Key                  item.Item // the key attributes
	ProjectionExpression string
	Bindings
}

// DeleteItemRequest is DynamoDB's DeleteItem.
type DeleteItemRequest struct {
	Table               string
	Key                 item.Item
	ConditionExpression string
	Bindings
	ReturnValues ReturnValue // NONE or ALL_OLD
}

// UpdateItemRequest is DynamoDB's UpdateItem.
type UpdateItemRequest struct {
	Table               string
	Key                 item.Item
	UpdateExpression    string
	ConditionExpression string
	Bindings
	ReturnValues ReturnValue
}

// ItemResponse carries the item or attributes a request returns (nil for
// none).
type ItemResponse struct {
	Item item.Item
}

// QueryRequest is DynamoDB's Query.
type QueryRequest struct {
	Table                  string
	KeyConditionExpression string
	FilterExpression       string
	ProjectionExpression   string
	Bindings
	Limit             int // items evaluated, before the filter; 0 = no limit
	Descending        bool
	ExclusiveStartKey item.Item
}

// ScanRequest is DynamoDB's Scan.
type ScanRequest struct {
	Table                string
	FilterExpression     string
	ProjectionExpression string
	Bindings
	Limit                  int
	ExclusiveStartKey      item.Item
	Segment, TotalSegments int
}

// ItemsResponse is a page of a Query, Scan or SELECT.
type ItemsResponse struct {
	Items            []item.Item
	ScannedCount     int
	LastEvaluatedKey item.Item
}

// table returns the named table, the default one for "".
func (db *DB) table(name string) (*Table, error) {
	if err := db.checkOpen(); err != nil {
		return nil, err
	}
	if name == "" {
		name = DefaultTable
	}
	return db.Table(name)
}

// compile parses (through the cache) and binds a request's expressions.
// The kinds follow the order of srcs: update, condition, filter, key
// condition, projection; empty strings are skipped.
func (db *DB) compile(b Bindings, update, condition, filter, keyCond, projection string) (*parser.Compiled, error) {
	if update == "" && condition == "" && filter == "" && keyCond == "" && projection == "" && len(b.Names) == 0 && len(b.Values) == 0 {
		return &parser.Compiled{}, nil // nothing to parse or check: the common put and get
	}
	exprs := [5]string{update, condition, filter, keyCond, projection}
	if l := db.lastCompiled.Load(); l != nil && l.matches(b, exprs) {
		return l.c, nil
	}
	key := appendCompiledKey(make([]byte, 0, 128), b, exprs[:]...)
	c, ok := db.compiled.get(key)
	if !ok {
		var err error
		if c, err = db.compileUncached(b, update, condition, filter, keyCond, projection); err != nil {
			return nil, err
		}
		db.compiled.put(string(key), c)
	}
	db.lastCompiled.Store(newLastCompiled(b, exprs, c))
	return c, nil
}

func (db *DB) compileUncached(b Bindings, update, condition, filter, keyCond, projection string) (*parser.Compiled, error) {
	var exprs []parser.Expr
	add := func(e parser.Expr, err error) error {
		if err != nil {
			return exprErr(err)
		}
		exprs = append(exprs, e)
		return nil
	}
	c, d := db.exprs, b.Dialect
	if update != "" {
		if err := add(c.ParseUpdate(update, d)); err != nil {
			return nil, err
		}
	}
	if condition != "" {
		if err := add(c.ParseCondition(condition, parser.ConditionExpression, d)); err != nil {
			return nil, err
		}
	}
	if filter != "" {
		if err := add(c.ParseCondition(filter, parser.FilterExpression, d)); err != nil {
			return nil, err
		}
	}
	if keyCond != "" {
		if err := add(c.ParseKeyCondition(keyCond, d)); err != nil {
			return nil, err
		}
	}
	if projection != "" {
		if err := add(c.ParseProjection(projection, d)); err != nil {
			return nil, err
		}
	}
	compiled, err := parser.Compile(parser.Bindings{Names: b.Names, Values: b.Values}, d, exprs...)
	if err != nil {
		return nil, exprErr(err)
	}
	return compiled, nil
}

// exprErr turns a parser error into an engine error: a syntax error reads
// "Invalid argument: Invalid expression syntax: <DynamoDB's message>", as
// the operators' guide has it; other expression errors are DynamoDB's
// message alone. errors.As still finds the *parser.Error (and its
// position).
func exprErr(err error) error {
	var pe *parser.Error
	if !errors.As(err, &pe) {
		return err
	}
	if strings.Contains(pe.Msg, "Syntax error;") {
		return &Error{Kind: ErrInvalidArgument, Msg: "Invalid expression syntax: " + pe.Msg, Err: err}
	}
	return &Error{Kind: ErrValidation, Msg: pe.Msg, Err: err}
}

// keyFromAttrs reads a key given as attributes, as DynamoDB's Key.
func (t *Table) keyFromAttrs(attrs item.Item) (Key, error) {
	s := t.schema
	n := 1
	if _, ok := attrs[s.SortKey]; ok && s.SortKey != "" {
		n = 2
	}
	if len(attrs) != n {
		return Key{}, validationErr("The provided key element does not match the schema")
	}
	k := Key{PK: attrs[s.PartitionKey]}
	if k.PK == nil {
		return Key{}, validationErr("The provided key element does not match the schema")
	}
	if s.SortKey != "" {
		k.SK = attrs[s.SortKey]
	}
	return k, s.checkKey(k)
}

// keyAttrs returns a key as attributes.
func (t *Table) keyAttrs(k Key) item.Item {
	it := item.Item{t.schema.PartitionKey: k.PK}
	if k.SK != nil {
		it[t.schema.SortKey] = k.SK
	}
	return it
}

// keyNames returns the key attribute names; the slice is shared.
func (t *Table) keyNames() []string { return t.keys }

func (t *Table) parserSchema() parser.KeySchema {
	return parser.KeySchema{PartitionKey: t.schema.PartitionKey, PartitionType: t.schema.PartitionType,
		SortKey: t.schema.SortKey, SortType: t.schema.SortType}
}

func checkReturn(rv ReturnValue, allowed ...ReturnValue) error {
	if rv == "" {
		return nil
	}
	for _, a := range allowed {
		if rv == a {
			return nil
		}
	}
	return validationErr("Return values set to invalid value")
}

// compiledCache keeps compiled requests: the same expressions with the
// same bindings (a loop of updates adding 1 to a counter, say) skip
// binding. Compiled forms are immutable, so sharing them is safe.
type compiledCache struct {
	mu sync.Mutex
	m  map[string]*parser.Compiled
}

const compiledCacheSize = 512

func (c *compiledCache) get(k []byte) (*parser.Compiled, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[string(k)] // no allocation for the lookup
	return v, ok
}

func (c *compiledCache) put(k string, v *parser.Compiled) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= compiledCacheSize {
		c.m = map[string]*parser.Compiled{} // crude, but bounded and cheap
	}
	c.m[k] = v
}

// appendCompiledKey appends what identifies a request's expressions and
// bindings to buf.
func appendCompiledKey(buf []byte, b Bindings, exprs ...string) []byte {
	buf = append(buf, byte(b.Dialect))
	for _, e := range exprs {
		buf = binary.AppendUvarint(buf, uint64(len(e)))
		buf = append(buf, e...)
	}
	var kb [8]string
	for _, k := range sortedKeys(b.Names, kb[:]) {
		buf = binary.AppendUvarint(buf, uint64(len(k)))
		buf = append(buf, k...)
		buf = binary.AppendUvarint(buf, uint64(len(b.Names[k])))
		buf = append(buf, b.Names[k]...)
	}
	buf = append(buf, 0xff)
	for _, k := range sortedKeys(b.Values, kb[:]) {
		buf = binary.AppendUvarint(buf, uint64(len(k)))
		buf = append(buf, k...)
		if v := b.Values[k]; v != nil {
			buf = item.AppendValue(buf, v)
		}
	}
	return buf
}

// sortedKeys returns m's keys in order; buf holds them when it is large
// enough, which spares small binding maps an allocation.
func sortedKeys[V any](m map[string]V, buf []string) []string {
	keys := buf[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
