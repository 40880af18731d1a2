package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"time"

	"github.com/keystonedb/kstone-shell/engine"
	"github.com/keystonedb/kstone-shell/engine/item"
)

// The demo: a scratch database with sample data and a gentle workload, so
// that every live pane has something to show a newcomer.

// demoOptions flush and compact often, so the panes move within seconds.
func demoOptions() engine.Options {
	return engine.Options{MemtableRecordThreshold: 200, CompactionThreshold: 4, Durability: engine.DurabilityRelaxed}
}

// openDemo creates the scratch database and loads the sample data.
func openDemo(opts engine.Options) (*engine.DB, func(), error) {
	dir, err := os.MkdirTemp("", "kstone-demo-")
	if err != nil {
		return nil, nil, err
	}
	db, err := engine.Create(dir+"/demo.keystone", &opts)
	if err != nil {
		os.RemoveAll(dir)
		return nil, nil, err
	}
	cleanup := func() { db.Close(); os.RemoveAll(dir) }
	if err := loadDemoData(db); err != nil {
		cleanup()
		return nil, nil, err
	}
	return db, cleanup, nil
}

var demoCities = []string{"Lisbon", "Oslo", "Kyoto", "Lagos", "Quito", "Perth", "Montréal", "Tartu"}

func loadDemoData(db *engine.DB) error {
	r := rand.New(rand.NewPCG(1, 2))
	for u := 0; u < 500; u++ {
		pk := fmt.Sprintf("user#%d", u)
		if _, err := db.PutItem(engine.PutItemRequest{Item: item.Item{
			"pk": item.S(pk), "name": item.S(fmt.Sprintf("User %d", u)),
			"city": item.S(demoCities[r.IntN(len(demoCities))]), "age": item.NFromInt64(int64(18 + r.IntN(60))),
			"tags": item.SS{"demo", fmt.Sprintf("cohort-%d", u%7)},
		}}); err != nil {
			return err
		}
		for o := 0; o < r.IntN(6); o++ {
			if _, err := db.PutItem(engine.PutItemRequest{Item: item.Item{
				"pk": item.S(pk), "sk": item.S(fmt.Sprintf("order#%04d", o)),
				"qty": item.NFromInt64(int64(1 + r.IntN(9))), "total": item.MustN(fmt.Sprintf("%d.%02d", r.IntN(300), r.IntN(100))),
			}}); err != nil {
				return err
			}
		}
	}
	return db.Flush()
}

// runDemoWorkload reads and writes gently until ctx ends: a few hundred
// operations a second, with bursts, across all stripes.
func runDemoWorkload(ctx context.Context, db *engine.DB) {
	r := rand.New(rand.NewPCG(3, 4))
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for n := 0; ; n++ {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		burst := 1
		if n%400 < 40 {
			burst = 8 // a burst every two seconds
		}
		for i := 0; i < burst; i++ {
			pk := fmt.Sprintf("user#%d", r.IntN(700))
			key := item.Item{"pk": item.S(pk)}
			switch x := r.IntN(10); {
			case x < 4:
				db.GetItem(engine.GetItemRequest{Key: key})
			case x < 7:
				db.UpdateItem(engine.UpdateItemRequest{Key: key, UpdateExpression: "ADD visits :one",
					Bindings: engine.Bindings{Values: map[string]item.Value{":one": item.NFromInt64(1)}}})
			case x < 9:
				db.PutItem(engine.PutItemRequest{Item: item.Item{"pk": item.S(pk), "sk": item.S(fmt.Sprintf("event#%d", n)),
					"kind": item.S("click")}})
			default:
				db.Query(engine.QueryRequest{KeyConditionExpression: "pk = :p", Bindings: engine.Bindings{
					Values: map[string]item.Value{":p": item.S(pk)}}, Limit: 20})
			}
		}
	}
}
