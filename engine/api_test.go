package engine

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/keystonedb/kstone-shell/engine/item"
	"github.com/keystonedb/kstone-shell/parser"
)

func mustJSON(t *testing.T, s string) item.Item {
	t.Helper()
	it, err := item.ItemFromJSON([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return it
}

func vals(kv ...any) map[string]item.Value {
	m := map[string]item.Value{}
	for i := 0; i < len(kv); i += 2 {
		switch v := kv[i+1].(type) {
		case int:
			m[kv[i].(string)] = item.NFromInt64(int64(v))
		case string:
			m[kv[i].(string)] = item.S(v)
		case item.Value:
			m[kv[i].(string)] = v
		}
	}
	return m
}

// Eight goroutines incrementing one counter a thousand times each end at
// 8000: an update is an atomic read-modify-write.
func TestUpdateIsAtomic(t *testing.T) {
	db, _ := OpenInMemory(&Options{Durability: DurabilityRelaxed})
	defer db.Close()
	key := item.Item{"pk": item.S("counter")}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 1000; i++ {
				_, err := db.UpdateItem(UpdateItemRequest{Key: key, UpdateExpression: "SET n = if_not_exists(n, :zero) + :one",
					Bindings: Bindings{Values: vals(":zero", 0, ":one", 1)}})
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	got, err := db.GetItem(GetItemRequest{Key: key})
	if err != nil || !item.Equal(got.Item["n"], item.NFromInt64(8000)) {
		t.Fatalf("counter = %v, %v; want 8000", got.Item["n"], err)
	}
}

func TestConditionalWritesAndReturnValues(t *testing.T) {
	db, _ := OpenInMemory(nil)
	defer db.Close()
	put := func(js, cond string, b Bindings) (ItemResponse, error) {
		return db.PutItem(PutItemRequest{Item: mustJSON(t, js), ConditionExpression: cond, Bindings: b, ReturnValues: ReturnAllOld})
	}
	if _, err := put(`{"pk":"u1","age":30}`, "attribute_not_exists(pk)", Bindings{}); err != nil {
		t.Fatal(err)
	}
	_, err := put(`{"pk":"u1","age":31}`, "attribute_not_exists(pk)", Bindings{})
	if !errors.Is(err, ErrConditionalCheckFailed) || err.Error() != "ConditionalCheckFailedException: The conditional request failed" {
		t.Fatalf("second conditional put = %v", err)
	}
	old, err := put(`{"pk":"u1","age":32}`, "age = :a", Bindings{Values: vals(":a", 30)})
	if err != nil || !item.Equal(old.Item["age"], item.NFromInt64(30)) {
		t.Fatalf("put with ALL_OLD = %v, %v", old.Item, err)
	}
	key := item.Item{"pk": item.S("u1")}
	cases := []struct {
		rv   ReturnValue
		want string
	}{
		{ReturnNone, `null`},
		{ReturnAllOld, `{"age":33,"pk":"u1"}`},
		{ReturnUpdatedOld, `{"age":34}`},
		{ReturnAllNew, `{"age":36,"pk":"u1","tags":["a"]}`},
		{ReturnUpdatedNew, `{"age":37}`},
	}
	for _, c := range cases {
		expr := "SET age = age + :one"
		if c.rv == ReturnAllNew {
			expr = "SET age = age + :one, tags = list_append(if_not_exists(tags, :empty), :t)"
		}
		b := Bindings{Values: vals(":one", 1)}
		if c.rv == ReturnAllNew {
			b.Values[":empty"] = item.L{}
			b.Values[":t"] = item.L{item.S("a")}
		}
		out, err := db.UpdateItem(UpdateItemRequest{Key: key, UpdateExpression: expr, Bindings: b, ReturnValues: c.rv})
		if err != nil {
			t.Fatalf("%s: %v", c.rv, err)
		}
		got := "null"
		if out.Item != nil {
			got = string(item.ItemToJSON(out.Item))
		}
		if got != c.want {
			t.Errorf("ReturnValues %s = %s, want %s", c.rv, got, c.want)
		}
	}
	_, err = db.DeleteItem(DeleteItemRequest{Key: key, ConditionExpression: "age < :max", Bindings: Bindings{Values: vals(":max", 10)}})
	if !errors.Is(err, ErrConditionalCheckFailed) {
		t.Fatalf("conditional delete = %v", err)
	}
	if _, err := db.DeleteItem(DeleteItemRequest{Key: key, ConditionExpression: "age > :min", Bindings: Bindings{Values: vals(":min", 10)}}); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.GetItem(GetItemRequest{Key: key}); got.Item != nil {
		t.Fatalf("deleted item still there: %v", got.Item)
	}
}

func TestUpdateCreatesMissingItemAndProtectsKeys(t *testing.T) {
	db, _ := OpenInMemory(nil)
	defer db.Close()
	key := item.Item{"pk": item.S("new")}
	if _, err := db.UpdateItem(UpdateItemRequest{Key: key, UpdateExpression: "REMOVE x"}); err != nil {
		t.Fatal(err)
	}
	got, _ := db.GetItem(GetItemRequest{Key: key})
	if string(item.ItemToJSON(got.Item)) != `{"pk":"new"}` {
		t.Fatalf("REMOVE on a missing item left %s", item.ItemToJSON(got.Item))
	}
	_, err := db.UpdateItem(UpdateItemRequest{Key: key, UpdateExpression: "SET pk = :v", Bindings: Bindings{Values: vals(":v", "x")}})
	if err == nil || err.Error() != "One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key" {
		t.Fatalf("updating the key = %v", err)
	}
	_, err = db.UpdateItem(UpdateItemRequest{Key: key, UpdateExpression: "SET a = = :x", Bindings: Bindings{Values: vals(":x", 1)}})
	var pe *parser.Error
	if !errors.Is(err, ErrInvalidArgument) || !errors.As(err, &pe) ||
		err.Error() != `Invalid argument: Invalid expression syntax: Invalid UpdateExpression: Syntax error; token: "=", near: "a = = :x"` {
		t.Fatalf("syntax error = %v", err)
	}
	_, err = db.UpdateItem(UpdateItemRequest{Key: key, UpdateExpression: "SET age = age + 1", Bindings: Bindings{Dialect: DialectShell}})
	if err == nil || !strings.Contains(err.Error(), "attribute that does not exist") {
		t.Fatalf("arithmetic on a missing attribute = %v", err)
	}
}

func TestQueryAndScanWithExpressions(t *testing.T) {
	db, _ := OpenInMemory(nil)
	defer db.Close()
	for i := 0; i < 20; i++ {
		db.Put(mustJSON(t, fmt.Sprintf(`{"pk":"c1","sk":"order#%02d","qty":%d,"note":"n%d"}`, i, i, i)))
	}
	db.Put(mustJSON(t, `{"pk":"c2","sk":"order#01","qty":100}`))
	r, err := db.Query(QueryRequest{
		KeyConditionExpression: "pk = :p AND begins_with(sk, :prefix)",
		FilterExpression:       "qty > :n", ProjectionExpression: "sk, qty",
		Bindings: Bindings{Values: vals(":p", "c1", ":prefix", "order#1", ":n", 14)},
		Limit:    8, Descending: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	// order#19..order#12 are read (limit 8, descending); 19..15 pass.
	if len(r.Items) != 5 || r.ScannedCount != 8 || string(item.ItemToJSON(r.Items[0])) != `{"qty":19,"sk":"order#19"}` {
		t.Fatalf("query = %d items (%v), scanned %d", len(r.Items), r.Items, r.ScannedCount)
	}
	if r.LastEvaluatedKey == nil || r.LastEvaluatedKey["sk"].(item.S) != "order#12" {
		t.Fatalf("LastEvaluatedKey = %v", r.LastEvaluatedKey)
	}
	s, err := db.Scan(ScanRequest{FilterExpression: "qty BETWEEN 3 AND 5", Bindings: Bindings{Dialect: DialectShell}})
	if err != nil || len(s.Items) != 3 || s.ScannedCount != 21 {
		t.Fatalf("scan = %d items, scanned %d, %v", len(s.Items), s.ScannedCount, err)
	}
	_, err = db.Query(QueryRequest{KeyConditionExpression: "qty = :q", Bindings: Bindings{Values: vals(":q", 1)}})
	if err == nil || !strings.Contains(err.Error(), "Query condition missed key schema element: pk") {
		t.Fatalf("query without pk = %v", err)
	}
}

func TestPartiQL(t *testing.T) {
	db, _ := OpenInMemory(nil)
	defer db.Close()
	exec := func(stmt string, params ...item.Value) (ItemsResponse, error) {
		return db.ExecuteStatement(StatementRequest{Statement: stmt, Parameters: params})
	}
	for i := 0; i < 5; i++ {
		if _, err := exec(`INSERT INTO items VALUE {'pk': 'user#1', 'sk': ?, 'age': ?}`, item.S(fmt.Sprintf("s%d", i)), item.NFromInt64(int64(20+i))); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := exec(`INSERT INTO items VALUE {'pk': 'user#1', 'sk': 's0'}`); !errors.Is(err, ErrDuplicateItem) {
		t.Fatalf("duplicate insert = %v", err)
	}
	r, err := exec(`SELECT sk, age FROM items WHERE pk = 'user#1' AND age >= 22 ORDER BY sk DESC`)
	if err != nil || len(r.Items) != 3 || r.Items[0]["sk"].(item.S) != "s4" || r.Items[0]["pk"] != nil {
		t.Fatalf("select = %v, %v", r.Items, err)
	}
	r, err = exec(`SELECT * FROM items WHERE pk = 'user#1' AND sk = 's2'`)
	if err != nil || len(r.Items) != 1 {
		t.Fatalf("select get = %v, %v", r.Items, err)
	}
	r, err = exec(`SELECT * FROM items WHERE age < 22 LIMIT 1`)
	if err != nil || len(r.Items) != 1 {
		t.Fatalf("select scan = %v, %v", r.Items, err)
	}
	if _, err := exec(`UPDATE items SET age = age + 10 WHERE pk = 'user#1' AND sk = 's1' AND age = 21`); err != nil {
		t.Fatal(err)
	}
	// The default table's sort key is optional: pk alone names the item
	// without one, which does not exist.
	if _, err := exec(`UPDATE items SET age = 1 WHERE pk = 'user#1'`); !errors.Is(err, ErrConditionalCheckFailed) {
		t.Fatalf("update of a missing item = %v", err)
	}
	if _, err := db.CreateTable("orders", KeySchema{PartitionKey: "pk", PartitionType: item.TypeS, SortKey: "sk", SortType: item.TypeS}); err != nil {
		t.Fatal(err)
	}
	if _, err := exec(`UPDATE orders SET age = 1 WHERE pk = 'user#1'`); err == nil || !strings.Contains(err.Error(), "mandatory equality") {
		t.Fatalf("update without the sort key = %v", err)
	}
	if _, err := exec(`DELETE FROM items WHERE pk = 'user#1' AND sk = 's1' AND age = 21`); !errors.Is(err, ErrConditionalCheckFailed) {
		t.Fatalf("delete with a false condition = %v", err)
	}
	if _, err := exec(`DELETE FROM items WHERE pk = 'user#1' AND sk = 's1'`); err != nil {
		t.Fatal(err)
	}
	r, _ = exec(`SELECT * FROM items WHERE pk = 'user#1'`)
	if len(r.Items) != 4 {
		t.Fatalf("after delete: %d items", len(r.Items))
	}
}
