package main

import (
	"errors"
	"fmt"

	"github.com/keystonedb/kstone-shell/engine"
	"github.com/keystonedb/kstone-shell/engine/item"
)

func init() { registerEngine("kstone", func() engineUnderTest { return &kstoneEngine{} }) }

// kstoneEngine drives KeystoneDB with its default options, except
// Durability, which follows the workload. Each key is stored as the item
// {"pk": S(key), "v": B(value)} in the default table.
type kstoneEngine struct {
	db *engine.DB
}

func (*kstoneEngine) Name() string { return "kstone" }

func kstoneOptions(durable bool) *engine.Options {
	opts := &engine.Options{Durability: engine.DurabilityRelaxed}
	if durable {
		opts.Durability = engine.DurabilitySync
	}
	return opts
}

func (e *kstoneEngine) Open(dir string, durable bool) error {
	db, err := engine.Create(dir, kstoneOptions(durable))
	if err != nil {
		return err
	}
	e.db = db
	return nil
}

func (e *kstoneEngine) Put(k, v []byte) error {
	return e.db.Put(item.Item{"pk": item.S(k), "v": item.B(v)})
}

func (e *kstoneEngine) Get(k []byte) ([]byte, bool, error) {
	it, err := e.db.Get(engine.K(string(k)))
	if errors.Is(err, engine.ErrKeyNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	v, ok := it["v"].(item.B)
	if !ok {
		return nil, false, fmt.Errorf("item %s has no binary attribute v: %v", k, it)
	}
	return v, true, nil
}

func (e *kstoneEngine) Flush() error { return e.db.Flush() }

func (e *kstoneEngine) Close() error {
	if e.db == nil {
		return nil
	}
	err := e.db.Close()
	e.db = nil
	return err
}
