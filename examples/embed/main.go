// Command embed shows how a Go program uses KeystoneDB directly, without the
// shell: open a database, write with a condition, update with an update
// expression, query a partition with a key condition and a filter, tell
// errors apart with errors.Is, print statistics and health, close.
//
// Run it from the repository root:
//
//	go run ./examples/embed                 # a fresh database in a temporary directory
//	go run ./examples/embed -db my.keystone # or one you keep (created on first use)
//
// It prints what each step did; the last lines are .stats and .health as
// the shell prints them.
package main

import (
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/keystonedb/kstone-shell/engine"
	"github.com/keystonedb/kstone-shell/engine/item"
)

func main() {
	path := flag.String("db", "", "database directory (default: a new temporary one, removed at the end)")
	flag.Parse()
	log.SetFlags(0)

	var tmp string
	if *path == "" {
		dir, err := os.MkdirTemp("", "kstone-embed-")
		if err != nil {
			log.Fatal(err)
		}
		tmp, *path = dir, filepath.Join(dir, "shop.keystone")
	}
	err := run(*path)
	if tmp != "" {
		os.RemoveAll(tmp)
	}
	if err != nil {
		log.Fatalf("embed: %v", err)
	}
}

func run(path string) error {
	// OpenOrCreate opens the database at path, or creates it (with the
	// default table "items": partition key pk, optional sort key sk).
	// nil options mean every default: synced durability, 256 stripes,
	// background compaction. The directory is locked while it is open: a
	// second process gets errors.Is(err, engine.ErrLocked).
	db, err := engine.OpenOrCreate(path, nil)
	if err != nil {
		return err
	}
	// Close syncs the WALs, stops background work and releases the lock;
	// memtables are not flushed (the next Open replays them from the WAL).
	// Check its error.
	defer func() {
		if err := db.Close(); err != nil {
			log.Printf("close: %v", err)
		}
	}()

	// Items are maps of typed values: item.S, item.N (exact decimals, never
	// float64), item.BOOL, item.L, item.M, item.SS, ...
	order := func(sk string, total string, status string) item.Item {
		return item.Item{
			"pk":     item.S("customer#42"),
			"sk":     item.S(sk),
			"total":  item.MustN(total),
			"status": item.S(status),
			"lines":  item.L{item.S("book"), item.S("pen")},
		}
	}

	// 1. PutItem with a condition: create each order only if it is new.
	//    Expressions are DynamoDB's; "status" is a reserved word, so it
	//    goes through an expression attribute name, exactly as with
	//    DynamoDB.
	for _, o := range []item.Item{
		order("order#001", "19.90", "shipped"),
		order("order#002", "5.00", "open"),
		order("order#003", "120.00", "open"),
	} {
		_, err := db.PutItem(engine.PutItemRequest{
			Item:                o,
			ConditionExpression: "attribute_not_exists(pk)",
		})
		switch {
		case errors.Is(err, engine.ErrConditionalCheckFailed):
			// Run the program twice with -db: the second time every order
			// exists already and lands here.
			fmt.Printf("put %s: already there (%v)\n", o["sk"], err)
		case err != nil:
			return err
		default:
			fmt.Printf("put %s\n", o["sk"])
		}
	}

	// The same put again fails its condition: errors are typed, test them
	// with errors.Is, print them for people.
	_, err = db.PutItem(engine.PutItemRequest{Item: order("order#001", "0", "open"), ConditionExpression: "attribute_not_exists(pk)"})
	fmt.Printf("put order#001 again: errors.Is(err, ErrConditionalCheckFailed) = %v: %v\n",
		errors.Is(err, engine.ErrConditionalCheckFailed), err)

	// 2. UpdateItem: add a line, raise the total and mark the order paid,
	//    only while it is open; ReturnValues ALL_NEW returns the item as
	//    it is after the update.
	resp, err := db.UpdateItem(engine.UpdateItemRequest{
		Key:                 item.Item{"pk": item.S("customer#42"), "sk": item.S("order#002")},
		UpdateExpression:    "SET #st = :paid, #total = #total + :price, #lines = list_append(#lines, :line) ADD revisions :one",
		ConditionExpression: "#st = :open",
		Bindings: engine.Bindings{
			Names: map[string]string{"#st": "status", "#total": "total", "#lines": "lines"},
			Values: map[string]item.Value{
				":paid": item.S("paid"), ":open": item.S("open"),
				":price": item.MustN("2.50"), ":line": item.L{item.S("ink")},
				":one": item.NFromInt64(1),
			},
		},
		ReturnValues: engine.ReturnAllNew,
	})
	switch {
	case errors.Is(err, engine.ErrConditionalCheckFailed):
		fmt.Println("update order#002: not open any more")
	case err != nil:
		return err
	default:
		fmt.Printf("update order#002 -> %s\n", item.ItemToJSON(resp.Item))
	}

	// 3. Query: the customer's orders (key condition on pk and sk), newest
	//    first, keeping only the unpaid ones above 10 (the filter runs
	//    after the read), projected to two attributes.
	page, err := db.Query(engine.QueryRequest{
		KeyConditionExpression: "pk = :c AND begins_with(sk, :prefix)",
		FilterExpression:       "#st <> :paid AND #total > :min",
		ProjectionExpression:   "sk, #total",
		Bindings: engine.Bindings{
			Names:  map[string]string{"#st": "status", "#total": "total"},
			Values: map[string]item.Value{":c": item.S("customer#42"), ":prefix": item.S("order#"), ":paid": item.S("paid"), ":min": item.NFromInt64(10)},
		},
		Descending: true,
	})
	if err != nil {
		return err
	}
	fmt.Printf("query: read %d items, %d matched the filter\n", page.ScannedCount, len(page.Items))
	for _, it := range page.Items {
		fmt.Printf("  %s\n", item.ItemToJSON(it))
	}
	// page.LastEvaluatedKey is non-nil when a Limit stopped the query;
	// pass it back as ExclusiveStartKey for the next page.

	// 4. More typed errors.
	_, err = db.Get(engine.KS("customer#42", "order#999"))
	fmt.Printf("get order#999: errors.Is(err, ErrKeyNotFound) = %v: %v\n", errors.Is(err, engine.ErrKeyNotFound), err)
	// GetItem, like DynamoDB's, returns no item and no error instead.
	got, err := db.GetItem(engine.GetItemRequest{Key: item.Item{"pk": item.S("customer#42"), "sk": item.S("order#999")}})
	fmt.Printf("GetItem order#999: item found = %v, err = %v\n", got.Item != nil, err)

	_, err = db.Query(engine.QueryRequest{KeyConditionExpression: "pk = = :c"})
	fmt.Printf("bad syntax: errors.Is(err, ErrInvalidArgument) = %v: %v\n", errors.Is(err, engine.ErrInvalidArgument), err)

	_, err = db.PutItem(engine.PutItemRequest{Item: item.Item{"pk": item.S("")}})
	fmt.Printf("empty key: errors.Is(err, ErrInvalidArgument) = %v: %v\n", errors.Is(err, engine.ErrInvalidArgument), err)

	// 5. Operator view: the same text the shell's .stats and .health print.
	//    Stats is a snapshot struct (per stripe and totals); Sub(prev)
	//    turns two snapshots into rates.
	st := db.Stats()
	fmt.Printf("stats: %d memtable records, %d SSTs, %d updates\n",
		st.MemtableRecords, st.SSTCount, st.Ops[engine.OpUpdate].Count)
	fmt.Print(st.String())
	h := db.Health()
	fmt.Printf("health: %s\n", h.Status)
	for _, w := range h.Warnings {
		fmt.Printf("  warning: %s\n", w)
	}
	for _, e := range h.Errors {
		fmt.Printf("  error: %s\n", e)
	}
	if h.Status != engine.Healthy {
		return fmt.Errorf("database is %s", h.Status)
	}
	return nil
}
