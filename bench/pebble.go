package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/bloom"
)

func init() { registerEngine("pebble", func() engineUnderTest { return &pebbleEngine{} }) }

// pebbleEngine drives Pebble v2 with its defaults except bloom filters on
// every level and the block cache size (see README.md, "Pebble options").
type pebbleEngine struct {
	db *pebble.DB
	wo *pebble.WriteOptions
}

func (*pebbleEngine) Name() string { return "pebble" }

// pebbleCacheMiB is Pebble's block cache size in MiB (-pebble-cache,
// default 64, the size of KeystoneDB's default block cache); 0 keeps
// Pebble's own default of 8 MiB. Pebble reserves the memory of its
// memtables inside the block cache, so with 8 MiB (4 MiB memtables, up to
// two alive) the cache holds next to nothing.
var pebbleCacheMiB int

// pebbleOptions is every Pebble option the benchmark sets (block cache size,
// bloom filters); everything else is Pebble's default (4 MiB memtable, WAL
// enabled, FormatMajorVersion = FormatMinSupported).
func pebbleOptions() *pebble.Options {
	opts := &pebble.Options{}
	if pebbleCacheMiB > 0 {
		opts.CacheSize = int64(pebbleCacheMiB) << 20
	}
	// Bloom filters (10 bits/key, ~1% false positives) on every level. By
	// default L0 has none and L1+ inherit L0's, so set them on all levels
	// explicitly.
	for i := range opts.Levels {
		opts.Levels[i].FilterPolicy = bloom.FilterPolicy(10)
	}
	return opts
}

func (p *pebbleEngine) Open(dir string, durable bool) error {
	opts := pebbleOptions()
	opts.ErrorIfExists = true
	db, err := pebble.Open(dir, opts)
	if err != nil {
		return err
	}
	p.db = db
	p.wo = pebble.NoSync
	if durable {
		p.wo = pebble.Sync
	}
	return nil
}

func (p *pebbleEngine) Put(k, v []byte) error { return p.db.Set(k, v, p.wo) }

func (p *pebbleEngine) Get(k []byte) ([]byte, bool, error) {
	v, closer, err := p.db.Get(k)
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	out := append([]byte(nil), v...)
	if err := closer.Close(); err != nil {
		return nil, false, err
	}
	return out, true, nil
}

func (p *pebbleEngine) Flush() error { return p.db.Flush() }

// Stats summarizes the LSM shape, the bloom filter and block cache use
// (printed with -v).
func (p *pebbleEngine) Stats() string {
	m := p.db.Metrics()
	var levels []string
	for i := range m.Levels {
		if n := m.Levels[i].TablesCount; n > 0 {
			levels = append(levels, fmt.Sprintf("L%d:%d", i, n))
		}
	}
	return fmt.Sprintf("tables %s (L0 sublevels %d), filter hits %d misses %d, block cache hits %d misses %d",
		strings.Join(levels, " "), m.Levels[0].Sublevels, m.Filter.Hits, m.Filter.Misses,
		m.BlockCache.Hits, m.BlockCache.Misses)
}

func (p *pebbleEngine) Close() error {
	if p.db == nil {
		return nil
	}
	err := p.db.Close()
	p.db = nil
	return err
}
