package main

// Workloads that need engine-specific calls (scans, queries, manual
// compaction, statistics): scan-1m, query-partition, put-during-compaction,
// compaction-throughput and write-amp-1m. Each one drives both engines
// itself and prints its own line. See README.md.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/keystonedb/kstone-shell/engine"
	"github.com/keystonedb/kstone-shell/engine/item"
)

// settleQuiet is how long an engine must show no running or queued
// compaction before write-amp-1m (and the other workloads that wait) read
// its statistics.
const settleQuiet = time.Second

// settleTimeout bounds every wait for background compactions.
const settleTimeout = 5 * time.Minute

// runCustom runs a custom workload, prints its line and the error lines, and
// reports whether every engine succeeded.
func runCustom(w workload, cfg config) bool {
	dir := filepath.Join(cfg.baseDir, w.name)
	line, errs := w.custom(dir, cfg)
	if err := os.RemoveAll(dir); err != nil {
		fmt.Fprintf(os.Stderr, "bench: removing %s: %v\n", dir, err)
	}
	fmt.Println(line)
	for _, e := range errs {
		fmt.Printf("%s error: %s: %v\n", w.name, e.engine, e.err)
	}
	return len(errs) == 0
}

// side runs one engine's part of a custom workload in dir/<engine>
// (removed afterwards), with a GC before it, progress on stderr, and a
// panic turned into an error. A failure is appended to errs.
func side(dir, wname, ename string, errs *[]engineError, fn func(dir string) error) bool {
	d := filepath.Join(dir, ename)
	fmt.Fprintf(os.Stderr, "bench: %s %s ...\n", wname, ename)
	runtime.GC()
	t0 := time.Now()
	err := func() (err error) {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("panic: %v", p)
			}
		}()
		return fn(d)
	}()
	if err != nil {
		fmt.Fprintf(os.Stderr, "bench: %s %s: %v\n", wname, ename, err)
		*errs = append(*errs, engineError{ename, err})
	}
	fmt.Fprintf(os.Stderr, "bench: %s %s done in %s\n", wname, ename, time.Since(t0).Round(time.Millisecond))
	if rerr := os.RemoveAll(d); rerr != nil {
		fmt.Fprintf(os.Stderr, "bench: removing %s: %v\n", d, rerr)
	}
	return err == nil
}

// timed runs fn with the pprof label timed=<label>, so that a -cpuprofile
// can be narrowed to the timed part: go tool pprof -tagfocus timed=<label>.
func timed(label string, fn func()) {
	pprof.Do(context.Background(), pprof.Labels("timed", label), func(context.Context) { fn() })
}

// Output helpers: "ERROR" for a failed engine, "n/a" for a missing figure.
func fmtRate(v float64, ok bool) string {
	if !ok {
		return "ERROR"
	}
	return fmt.Sprintf("%.0f", v)
}

func fmtRatio(a, b float64, ok bool) string {
	if !ok || b <= 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.2f", a/b)
}

func fmtF(v float64, ok bool, prec int) string {
	if !ok {
		return "ERROR"
	}
	return fmt.Sprintf("%.*f", prec, v)
}

func fmtD(d time.Duration, ok bool) string {
	if !ok {
		return "n/a"
	}
	return fmtDur(d)
}

func mib(n uint64) float64 { return float64(n) / (1 << 20) }

// ---- KeystoneDB helpers ----

func openKstone(dir string, opts *engine.Options) (*engine.DB, *engine.Table, error) {
	db, err := engine.Create(dir, opts)
	if err != nil {
		return nil, nil, fmt.Errorf("open: %w", err)
	}
	t, err := db.Table(engine.DefaultTable)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, t, nil
}

// closeKstone closes db and joins its error with *err.
func closeKstone(db *engine.DB, err *error) {
	if cerr := db.Close(); *err == nil && cerr != nil {
		*err = fmt.Errorf("close: %w", cerr)
	}
}

func kput(db *engine.DB, k []byte, v []byte) error {
	return db.Put(item.Item{"pk": item.S(k), "v": item.B(v)})
}

// kstoneIdle reports whether no compaction runs or waits.
func kstoneIdle(db *engine.DB) bool {
	st := db.Stats()
	return len(st.Compaction.Running) == 0 && st.Compaction.Queued == 0
}

// waitQuiet polls idle every 20 ms until it has held for settleQuiet.
func waitQuiet(idle func() bool) error {
	deadline := time.Now().Add(settleTimeout)
	var since time.Time
	for {
		now := time.Now()
		if idle() {
			if since.IsZero() {
				since = now
			}
			if now.Sub(since) >= settleQuiet {
				return nil
			}
		} else {
			since = time.Time{}
		}
		if now.After(deadline) {
			return fmt.Errorf("background compactions still running after %s", settleTimeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func kstoneShape(st engine.Stats) string {
	maxSST := 0
	for _, s := range st.Stripes {
		maxSST = max(maxSST, s.SSTCount)
	}
	return fmt.Sprintf("%d SSTs (%.1f MiB, at most %d in a stripe), %d memtable records, %d compactions (read %.1f MiB, wrote %.1f MiB), write amp %.2f",
		st.SSTCount, mib(st.SSTBytes), maxSST, st.MemtableRecords, st.Compaction.Count,
		mib(st.Compaction.BytesRead), mib(st.Compaction.BytesWritten), st.WriteAmp())
}

// ---- Pebble helpers ----

func openPebble(dir string, mod func(*pebble.Options)) (*pebble.DB, error) {
	opts := pebbleOptions()
	opts.ErrorIfExists = true
	if mod != nil {
		mod(opts)
	}
	db, err := pebble.Open(dir, opts)
	if err != nil {
		return nil, fmt.Errorf("open: %w", err)
	}
	return db, nil
}

func closePebble(db *pebble.DB, err *error) {
	if cerr := db.Close(); *err == nil && cerr != nil {
		*err = fmt.Errorf("close: %w", cerr)
	}
}

// pebbleNoCompactions turns Pebble's automatic compactions off. Without
// them L0 only grows, and by default Pebble stops all writes at 12 L0
// sublevels (L0StopWritesThreshold) until a compaction, which would never
// come: the writer would block for ever. So that threshold is lifted too.
func pebbleNoCompactions(o *pebble.Options) {
	o.DisableAutomaticCompactions = true
	o.L0StopWritesThreshold = math.MaxInt32
}

// pebbleWholeRange bounds every key the benchmark writes ("key…", "p0/…").
var pebbleWholeRange = [2][]byte{{0x00}, {0xff}}

func pebbleIdle(db *pebble.DB) bool {
	m := db.Metrics()
	return m.Compact.NumInProgress == 0 && m.Flush.NumInProgress == 0
}

// pebbleSSTWriteAmp is write amplification in kstone's definition: bytes
// written to sstables by flushes and compactions per byte flushed (the WAL
// left out).
func pebbleSSTWriteAmp(m *pebble.Metrics) (wa float64, flushed, compacted uint64) {
	for i := range m.Levels {
		flushed += m.Levels[i].TableBytesFlushed
		compacted += m.Levels[i].TableBytesCompacted
	}
	if flushed == 0 {
		return 0, 0, compacted
	}
	return float64(flushed+compacted) / float64(flushed), flushed, compacted
}

func pebbleTables(m *pebble.Metrics) (n int64) {
	for i := range m.Levels {
		n += m.Levels[i].TablesCount
	}
	return n
}

func pebbleBytesRead(m *pebble.Metrics) (read, written uint64) {
	for i := range m.Levels {
		read += m.Levels[i].TableBytesRead
		written += m.Levels[i].TableBytesCompacted
	}
	return read, written
}

func pebbleShape(m *pebble.Metrics) string {
	var levels []string
	for i := range m.Levels {
		if n := m.Levels[i].TablesCount; n > 0 {
			levels = append(levels, fmt.Sprintf("L%d:%d", i, n))
		}
	}
	wa, _, _ := pebbleSSTWriteAmp(m)
	return fmt.Sprintf("tables %s, %d compactions, sst write amp %.2f", strings.Join(levels, " "), m.Compact.Count, wa)
}

// compactPebble compacts every key the benchmark writes, like kstone's
// CompactAll.
func compactPebble(db *pebble.DB) error {
	return db.Compact(context.Background(), pebbleWholeRange[0], pebbleWholeRange[1], true)
}

// ---- scan-1m ----

// runScan loads cfg.scanN items (random order, no fsync), flushes, compacts
// everything (kstone CompactAll, Pebble Compact over the whole key range),
// waits for background compactions to stop, then times one full scan per
// engine. kstone scans twice: touching the raw item bytes (the figure
// compared), then decoding every item (decode=).
func runScan(dir string, cfg config) (string, []engineError) {
	const name = "scan-1m"
	n := cfg.scanN
	r := rand.New(rand.NewPCG(seed, 4))
	order := r.Perm(n)
	var errs []engineError
	var kRate, kDecode, pRate float64

	kok := side(dir, name, "kstone", &errs, func(dir string) (err error) {
		db, t, err := openKstone(dir, kstoneOptions(false))
		if err != nil {
			return err
		}
		defer closeKstone(db, &err)
		key := make([]byte, keyLen)
		t0 := time.Now()
		for i, p := range order {
			makeKey(key, uint64(p))
			if err := kput(db, key, valueFor(uint64(p))); err != nil {
				return fmt.Errorf("load put %d: %w", i, err)
			}
		}
		loaded := time.Since(t0)
		if err := db.Flush(); err != nil {
			return fmt.Errorf("flush: %w", err)
		}
		flushed := time.Since(t0)
		if err := db.CompactAll(); err != nil {
			return fmt.Errorf("compact: %w", err)
		}
		if err := waitQuiet(func() bool { return kstoneIdle(db) }); err != nil {
			return err
		}
		logf("loaded %d items in %s, flushed in %s, compacted in %s; %s", n, loaded.Round(time.Millisecond),
			(flushed - loaded).Round(time.Millisecond), (time.Since(t0) - flushed).Round(time.Millisecond), kstoneShape(db.Stats()))

		// Raw scan: count the items and touch their encoded bytes.
		var count, nbytes int
		var elapsed time.Duration
		timed(name+"/kstone", func() {
			start := time.Now()
			var it *engine.ItemIter
			if it, err = t.ScanIter(engine.ScanInput{}); err != nil {
				return
			}
			for it.Next() {
				count++
				nbytes += len(it.RawValue())
			}
			err = it.Close()
			elapsed = time.Since(start)
		})
		if err != nil {
			return fmt.Errorf("scan: %w", err)
		}
		if count != n {
			return fmt.Errorf("scan returned %d items, want %d", count, n)
		}
		kRate = float64(count) / elapsed.Seconds()
		logf("raw scan: %d items, %.1f MiB of encoded items in %s", count, mib(uint64(nbytes)), elapsed.Round(time.Millisecond))

		// Decoding scan: Item() on every item.
		count, nbytes = 0, 0
		timed(name+"/kstone-decode", func() {
			start := time.Now()
			var it *engine.ItemIter
			if it, err = t.ScanIter(engine.ScanInput{}); err != nil {
				return
			}
			for it.Next() {
				x, derr := it.Item()
				if derr != nil {
					err = derr
					it.Close()
					return
				}
				v, _ := x["v"].(item.B)
				count++
				nbytes += len(v)
			}
			err = it.Close()
			elapsed = time.Since(start)
		})
		if err != nil {
			return fmt.Errorf("decoding scan: %w", err)
		}
		if count != n || nbytes != n*valueLen {
			return fmt.Errorf("decoding scan returned %d items with %d value bytes, want %d and %d", count, nbytes, n, n*valueLen)
		}
		kDecode = float64(count) / elapsed.Seconds()
		logf("decoding scan: %d items in %s", count, elapsed.Round(time.Millisecond))
		return nil
	})

	pok := side(dir, name, "pebble", &errs, func(dir string) (err error) {
		db, err := openPebble(dir, nil)
		if err != nil {
			return err
		}
		defer closePebble(db, &err)
		key := make([]byte, keyLen)
		t0 := time.Now()
		for i, p := range order {
			makeKey(key, uint64(p))
			if err := db.Set(key, valueFor(uint64(p)), pebble.NoSync); err != nil {
				return fmt.Errorf("load put %d: %w", i, err)
			}
		}
		loaded := time.Since(t0)
		if err := db.Flush(); err != nil {
			return fmt.Errorf("flush: %w", err)
		}
		flushed := time.Since(t0)
		if err := compactPebble(db); err != nil {
			return fmt.Errorf("compact: %w", err)
		}
		if err := waitQuiet(func() bool { return pebbleIdle(db) }); err != nil {
			return err
		}
		logf("loaded %d items in %s, flushed in %s, compacted in %s; %s", n, loaded.Round(time.Millisecond),
			(flushed - loaded).Round(time.Millisecond), (time.Since(t0) - flushed).Round(time.Millisecond), pebbleShape(db.Metrics()))

		var count, nbytes int
		var elapsed time.Duration
		timed(name+"/pebble", func() {
			start := time.Now()
			var it *pebble.Iterator
			if it, err = db.NewIter(nil); err != nil {
				return
			}
			for ok := it.First(); ok; ok = it.Next() {
				v, verr := it.ValueAndErr()
				if verr != nil {
					err = verr
					it.Close()
					return
				}
				count++
				nbytes += len(v)
			}
			err = it.Close()
			elapsed = time.Since(start)
		})
		if err != nil {
			return fmt.Errorf("scan: %w", err)
		}
		if count != n || nbytes != n*valueLen {
			return fmt.Errorf("scan returned %d items with %d value bytes, want %d and %d", count, nbytes, n, n*valueLen)
		}
		pRate = float64(count) / elapsed.Seconds()
		logf("scan: %d items in %s", count, elapsed.Round(time.Millisecond))
		return nil
	})

	line := fmt.Sprintf("%s kstone=%s pebble=%s ratio=%s decode=%s items=%d", name,
		fmtRate(kRate, kok), fmtRate(pRate, pok), fmtRatio(kRate, pRate, kok && pok), fmtRate(kDecode, kok), n)
	return line, errs
}

// ---- query-partition ----

const (
	partitionItems = 1000
	queryWarmup    = 20
)

// partitionKeys are the partitions written in query-partition; the one
// queried is p1.
var partitionKeys = []string{"p0", "p1", "p2"}

func sortKey(i int) string { return fmt.Sprintf("%06d", i) }

// loadOp is one put of query-partition's load: a plain item (part < 0,
// key number num) or item num of partition partitionKeys[part].
type loadOp struct {
	part int
	num  uint64
}

// runQueryPartition loads cfg.queryBgN plain items and three 1,000-item
// partitions (p0, p1, p2, sort keys 000000..000999), all shuffled together,
// flushes, lets background compaction finish, then queries partition p1
// cfg.queries times. kstone: Table.Query(QueryInput{PK: "p1"}), which
// decodes every item (and, as kstone_raw, QueryIter copying each item's
// encoded bytes). Pebble: the same items stored under "p1/000000" …
// "p1/000999", read with an iterator bounded to the prefix "p1/", copying
// each key and value.
func runQueryPartition(dir string, cfg config) (string, []engineError) {
	const name = "query-partition"
	var ops []loadOp
	for i := range cfg.queryBgN {
		ops = append(ops, loadOp{-1, uint64(i)})
	}
	for p := range partitionKeys {
		for i := range partitionItems {
			ops = append(ops, loadOp{p, uint64(i)})
		}
	}
	r := rand.New(rand.NewPCG(seed, 5))
	r.Shuffle(len(ops), func(i, j int) { ops[i], ops[j] = ops[j], ops[i] })
	// Partition values: the same pool, numbered apart from the plain keys.
	partValue := func(p int, i uint64) []byte { return valueFor(maxKeyNum + uint64(p)*partitionItems + i) }

	var errs []engineError
	res := map[string]result{}
	var kRaw float64

	side(dir, name, "kstone", &errs, func(dir string) (err error) {
		db, t, err := openKstone(dir, kstoneOptions(false))
		if err != nil {
			return err
		}
		defer closeKstone(db, &err)
		key := make([]byte, keyLen)
		t0 := time.Now()
		for i, op := range ops {
			if op.part < 0 {
				makeKey(key, op.num)
				err = kput(db, key, valueFor(op.num))
			} else {
				err = db.Put(item.Item{"pk": item.S(partitionKeys[op.part]), "sk": item.S(sortKey(int(op.num))), "v": item.B(partValue(op.part, op.num))})
			}
			if err != nil {
				return fmt.Errorf("load put %d: %w", i, err)
			}
		}
		loaded := time.Since(t0)
		if err := db.Flush(); err != nil {
			return fmt.Errorf("flush: %w", err)
		}
		if err := waitQuiet(func() bool { return kstoneIdle(db) }); err != nil {
			return err
		}
		st := db.Stats()
		stripe := engine.StripeOf(item.S("p1"))
		logf("loaded %d items in %s, flushed and settled in %s; %s; p1's stripe %d holds %d SSTs and %d memtable records",
			len(ops), loaded.Round(time.Millisecond), (time.Since(t0) - loaded).Round(time.Millisecond), kstoneShape(st),
			stripe, st.Stripes[stripe].SSTCount, st.Stripes[stripe].MemtableRecords)

		q := engine.QueryInput{PK: item.S("p1")}
		check := func(p engine.Page) error {
			if len(p.Items) != partitionItems {
				return fmt.Errorf("query returned %d items, want %d", len(p.Items), partitionItems)
			}
			for _, i := range []int{0, partitionItems / 2, partitionItems - 1} {
				x := p.Items[i]
				if sk, _ := x["sk"].(item.S); string(sk) != sortKey(i) {
					return fmt.Errorf("query item %d has sort key %v, want %s", i, x["sk"], sortKey(i))
				}
				if v, _ := x["v"].(item.B); !bytes.Equal(v, partValue(1, uint64(i))) {
					return fmt.Errorf("query item %d: wrong value", i)
				}
			}
			return nil
		}
		for range queryWarmup {
			p, err := t.Query(q)
			if err != nil {
				return fmt.Errorf("query: %w", err)
			}
			if err := check(p); err != nil {
				return err
			}
		}
		lat := make([]time.Duration, cfg.queries)
		var elapsed time.Duration
		timed(name+"/kstone", func() {
			start := time.Now()
			for i := range lat {
				t1 := time.Now()
				var p engine.Page
				p, err = t.Query(q)
				lat[i] = time.Since(t1)
				if err != nil {
					return
				}
				if len(p.Items) != partitionItems {
					err = fmt.Errorf("query %d returned %d items, want %d", i, len(p.Items), partitionItems)
					return
				}
			}
			elapsed = time.Since(start)
		})
		if err != nil {
			return err
		}
		res["kstone"] = summarize(lat, elapsed)

		// The same queries without decoding: QueryIter, copying each item's
		// encoded bytes (pk, sk and v), as the Pebble side copies its keys
		// and values.
		timed(name+"/kstone-raw", func() {
			start := time.Now()
			for i := range cfg.queries {
				var it *engine.ItemIter
				if it, err = t.QueryIter(q); err != nil {
					return
				}
				out := make([][]byte, 0, 16)
				for it.Next() {
					out = append(out, bytes.Clone(it.RawValue()))
				}
				if err = it.Close(); err != nil {
					return
				}
				if len(out) != partitionItems {
					err = fmt.Errorf("raw query %d returned %d items, want %d", i, len(out), partitionItems)
					return
				}
			}
			elapsed = time.Since(start)
		})
		if err != nil {
			return err
		}
		kRaw = float64(cfg.queries) / elapsed.Seconds()
		logf("raw queries (QueryIter, RawValue copied): %d in %s", cfg.queries, elapsed.Round(time.Millisecond))
		return nil
	})

	side(dir, name, "pebble", &errs, func(dir string) (err error) {
		db, err := openPebble(dir, nil)
		if err != nil {
			return err
		}
		defer closePebble(db, &err)
		key := make([]byte, keyLen)
		pkey := func(p int, i uint64) []byte { return []byte(partitionKeys[p] + "/" + sortKey(int(i))) }
		t0 := time.Now()
		for i, op := range ops {
			if op.part < 0 {
				makeKey(key, op.num)
				err = db.Set(key, valueFor(op.num), pebble.NoSync)
			} else {
				err = db.Set(pkey(op.part, op.num), partValue(op.part, op.num), pebble.NoSync)
			}
			if err != nil {
				return fmt.Errorf("load put %d: %w", i, err)
			}
		}
		loaded := time.Since(t0)
		if err := db.Flush(); err != nil {
			return fmt.Errorf("flush: %w", err)
		}
		if err := waitQuiet(func() bool { return pebbleIdle(db) }); err != nil {
			return err
		}
		logf("loaded %d items in %s, flushed and settled in %s; %s", len(ops), loaded.Round(time.Millisecond),
			(time.Since(t0) - loaded).Round(time.Millisecond), pebbleShape(db.Metrics()))

		type kv struct{ k, v []byte }
		lower, upper := []byte("p1/"), []byte("p10") // "p1/" and its prefix successor
		query := func() ([]kv, error) {
			it, err := db.NewIter(&pebble.IterOptions{LowerBound: lower, UpperBound: upper})
			if err != nil {
				return nil, err
			}
			out := make([]kv, 0, 16)
			for ok := it.First(); ok; ok = it.Next() {
				v, err := it.ValueAndErr()
				if err != nil {
					it.Close()
					return nil, err
				}
				out = append(out, kv{bytes.Clone(it.Key()), bytes.Clone(v)})
			}
			return out, it.Close()
		}
		for range queryWarmup {
			out, err := query()
			if err != nil {
				return fmt.Errorf("query: %w", err)
			}
			if len(out) != partitionItems {
				return fmt.Errorf("query returned %d items, want %d", len(out), partitionItems)
			}
			for _, i := range []int{0, partitionItems / 2, partitionItems - 1} {
				if !bytes.Equal(out[i].k, pkey(1, uint64(i))) || !bytes.Equal(out[i].v, partValue(1, uint64(i))) {
					return fmt.Errorf("query item %d: key %q or its value is wrong", i, out[i].k)
				}
			}
		}
		lat := make([]time.Duration, cfg.queries)
		var elapsed time.Duration
		timed(name+"/pebble", func() {
			start := time.Now()
			for i := range lat {
				t1 := time.Now()
				var out []kv
				out, err = query()
				lat[i] = time.Since(t1)
				if err != nil {
					return
				}
				if len(out) != partitionItems {
					err = fmt.Errorf("query %d returned %d items, want %d", i, len(out), partitionItems)
					return
				}
			}
			elapsed = time.Since(start)
		})
		if err != nil {
			return err
		}
		res["pebble"] = summarize(lat, elapsed)
		return nil
	})

	for _, e := range errs {
		r := res[e.engine]
		r.err = e.err
		res[e.engine] = r
	}
	// formatLine also prints the error lines; runCustom prints them from errs.
	line, _, _ := strings.Cut(formatLine(name, res), "\n")
	k, p := res["kstone"], res["pebble"]
	kok := k.err == nil && k.ops > 0
	pok := p.err == nil && p.ops > 0
	line += fmt.Sprintf(" kstone_raw=%s raw_ratio=%s", fmtRate(kRaw, kok), fmtRatio(kRaw, p.opsPerSec, kok && pok))
	return line, errs
}

// ---- put-during-compaction ----

// putWindow puts no-sync items from one goroutine for d, keys in scrambled
// order starting at key number scramble index from, and returns the
// latencies and the wall time.
func putWindow(put func(k, v []byte) error, from uint64, d time.Duration) ([]time.Duration, time.Duration, error) {
	lat := make([]time.Duration, 0, 1<<20)
	key := make([]byte, keyLen)
	start := time.Now()
	end := start.Add(d)
	for i := from; ; i++ {
		n := scramble(i, maxKeyNum)
		makeKey(key, n)
		t0 := time.Now()
		if err := put(key, valueFor(n)); err != nil {
			return nil, 0, fmt.Errorf("put %d: %w", i, err)
		}
		now := time.Now()
		lat = append(lat, now.Sub(t0))
		if now.After(end) {
			return lat, now.Sub(start), nil
		}
	}
}

// preload puts n items (scramble indexes 0..n-1) untimed.
func preload(put func(k, v []byte) error, n int) error {
	key := make([]byte, keyLen)
	for i := range uint64(n) {
		num := scramble(i, maxKeyNum)
		makeKey(key, num)
		if err := put(key, valueFor(num)); err != nil {
			return fmt.Errorf("preload put %d: %w", i, err)
		}
	}
	return nil
}

// runPutDuringCompaction measures one writer's no-sync put throughput for
// cfg.pdcDur twice per engine, each time in a fresh database preloaded with
// cfg.pdcPre items: with automatic compaction off (baseline), then with
// compactions running (during). kstone: default options, plus
// DisableAutoCompaction in the baseline and CompactionThreshold 2 (every
// second flush of a stripe makes it eligible) in the other run. Pebble:
// defaults in the second run; in the baseline DisableAutomaticCompactions
// and no L0 write stop (see pebbleNoCompactions).
func runPutDuringCompaction(dir string, cfg config) (string, []engineError) {
	const name = "put-during-compaction"
	var errs []engineError
	type run struct {
		r           result
		compactions uint64
	}
	var kb, kd, pb, pd run

	kstoneRun := func(auto bool, out *run) func(string) error {
		return func(dir string) (err error) {
			opts := kstoneOptions(false)
			if auto {
				opts.CompactionThreshold = 2
			} else {
				opts.DisableAutoCompaction = true
			}
			var ev *kstoneEvents
			if verbose {
				ev = &kstoneEvents{}
				opts.Events = ev.listener()
			}
			db, _, err := openKstone(dir, opts)
			if err != nil {
				return err
			}
			defer closeKstone(db, &err)
			put := func(k, v []byte) error { return kput(db, k, v) }
			if err := preload(put, cfg.pdcPre); err != nil {
				return err
			}
			before := db.Stats()
			logf("preloaded %d items; %s", cfg.pdcPre, kstoneShape(before))
			var lat []time.Duration
			var elapsed time.Duration
			label := map[bool]string{false: "/kstone-baseline", true: "/kstone-during"}[auto]
			cpu0 := processCPU()
			timed(name+label, func() { lat, elapsed, err = putWindow(put, uint64(cfg.pdcPre), cfg.pdcDur) })
			if err != nil {
				return err
			}
			logCPU(cpu0, elapsed)
			after := db.Stats()
			out.r = summarize(lat, elapsed)
			out.compactions = after.Compaction.Count - before.Compaction.Count
			d := after.Sub(before)
			logf("window: %d compactions done (read %.1f MiB, wrote %.1f MiB), %d running at the end, %d flushes, %d write stalls; %s",
				out.compactions, mib(d.Compaction.BytesRead), mib(d.Compaction.BytesWritten), len(after.Compaction.Running),
				d.Flushes, d.WriteStalls, kstoneShape(after))
			if ev != nil {
				logf("kstone events during the preload and the window: %s; %d events dropped", ev.summary(), after.EventsDropped)
			}
			if !auto && out.compactions != 0 {
				return fmt.Errorf("baseline ran %d compactions with DisableAutoCompaction", out.compactions)
			}
			if auto && out.compactions == 0 {
				return errors.New("no compaction ran during the window")
			}
			return nil
		}
	}
	pebbleRun := func(auto bool, out *run) func(string) error {
		return func(dir string) (err error) {
			db, err := openPebble(dir, func(o *pebble.Options) {
				if !auto {
					pebbleNoCompactions(o)
				}
			})
			if err != nil {
				return err
			}
			defer closePebble(db, &err)
			put := func(k, v []byte) error { return db.Set(k, v, pebble.NoSync) }
			if err := preload(put, cfg.pdcPre); err != nil {
				return err
			}
			before := db.Metrics()
			logf("preloaded %d items; %s", cfg.pdcPre, pebbleShape(before))
			var lat []time.Duration
			var elapsed time.Duration
			label := map[bool]string{false: "/pebble-baseline", true: "/pebble-during"}[auto]
			cpu0 := processCPU()
			timed(name+label, func() { lat, elapsed, err = putWindow(put, uint64(cfg.pdcPre), cfg.pdcDur) })
			if err != nil {
				return err
			}
			logCPU(cpu0, elapsed)
			after := db.Metrics()
			out.r = summarize(lat, elapsed)
			out.compactions = uint64(after.Compact.Count - before.Compact.Count)
			logf("window: %d compactions done, %d running at the end, %d flushes; %s", out.compactions,
				after.Compact.NumInProgress, after.Flush.Count-before.Flush.Count, pebbleShape(after))
			return nil
		}
	}
	kbok := side(dir, name, "kstone-baseline", &errs, kstoneRun(false, &kb))
	kdok := side(dir, name, "kstone-during", &errs, kstoneRun(true, &kd))
	pbok := side(dir, name, "pebble-baseline", &errs, pebbleRun(false, &pb))
	pdok := side(dir, name, "pebble-during", &errs, pebbleRun(true, &pd))

	line := fmt.Sprintf("%s baseline=%s during=%s ratio=%s p99_baseline=%s p99_during=%s max_during=%s compactions=%s"+
		" pebble_baseline=%s pebble_during=%s pebble_ratio=%s pebble_p99_baseline=%s pebble_p99_during=%s pebble_max_during=%s pebble_compactions=%s",
		name, fmtRate(kb.r.opsPerSec, kbok), fmtRate(kd.r.opsPerSec, kdok), fmtRatio(kd.r.opsPerSec, kb.r.opsPerSec, kbok && kdok),
		fmtD(kb.r.p99, kbok), fmtD(kd.r.p99, kdok), fmtD(kd.r.max, kdok), fmtF(float64(kd.compactions), kdok, 0),
		fmtRate(pb.r.opsPerSec, pbok), fmtRate(pd.r.opsPerSec, pdok), fmtRatio(pd.r.opsPerSec, pb.r.opsPerSec, pbok && pdok),
		fmtD(pb.r.p99, pbok), fmtD(pd.r.p99, pdok), fmtD(pd.r.max, pdok), fmtF(float64(pd.compactions), pdok, 0))
	return line, errs
}

// kstoneEvents records write stalls and flush durations from kstone's
// event listener (-v only: the listener costs an allocation per event).
// The times are taken when the engine's dispatcher delivers the events,
// so they are close to, not exactly, when the stall began and ended.
type kstoneEvents struct {
	mu          sync.Mutex
	stallBegin  map[string]time.Time // by reason and stripe
	stalls      map[string]int       // by reason
	stallTotal  map[string]time.Duration
	stallMax    map[string]time.Duration
	flushes     int
	flushTotal  time.Duration
	flushMax    time.Duration
	compactions int
	compactMax  time.Duration
}

func (k *kstoneEvents) listener() *engine.EventListener {
	k.stallBegin = map[string]time.Time{}
	k.stalls = map[string]int{}
	k.stallTotal = map[string]time.Duration{}
	k.stallMax = map[string]time.Duration{}
	id := func(i engine.WriteStallInfo) string { return fmt.Sprintf("%s/%d", i.Reason, i.Stripe) }
	return &engine.EventListener{
		WriteStallBegin: func(i engine.WriteStallInfo) {
			k.mu.Lock()
			k.stallBegin[id(i)] = time.Now()
			k.mu.Unlock()
		},
		WriteStallEnd: func(i engine.WriteStallInfo) {
			k.mu.Lock()
			defer k.mu.Unlock()
			b, ok := k.stallBegin[id(i)]
			if !ok {
				return
			}
			delete(k.stallBegin, id(i))
			d := time.Since(b)
			k.stalls[i.Reason]++
			k.stallTotal[i.Reason] += d
			k.stallMax[i.Reason] = max(k.stallMax[i.Reason], d)
		},
		FlushEnd: func(i engine.FlushInfo) {
			k.mu.Lock()
			k.flushes++
			k.flushTotal += i.Duration
			k.flushMax = max(k.flushMax, i.Duration)
			k.mu.Unlock()
		},
		CompactionEnd: func(i engine.CompactionInfo) {
			k.mu.Lock()
			k.compactions++
			k.compactMax = max(k.compactMax, i.Duration)
			k.mu.Unlock()
		},
	}
}

func (k *kstoneEvents) summary() string {
	k.mu.Lock()
	defer k.mu.Unlock()
	var b strings.Builder
	fmt.Fprintf(&b, "%d flushes", k.flushes)
	if k.flushes > 0 {
		fmt.Fprintf(&b, " (mean %s, max %s)", fmtDur(k.flushTotal/time.Duration(k.flushes)), fmtDur(k.flushMax))
	}
	fmt.Fprintf(&b, ", %d compactions (longest %s)", k.compactions, fmtDur(k.compactMax))
	for reason, n := range k.stalls {
		fmt.Fprintf(&b, "; %d stalls %q: total %s, max %s", n, reason, fmtDur(k.stallTotal[reason]), fmtDur(k.stallMax[reason]))
	}
	return b.String()
}

// processCPU returns the CPU time (user + system) this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// logCPU logs the CPU time the whole process (writer and the engine's
// background work) used since cpu0, against the cores available.
func logCPU(cpu0, elapsed time.Duration) {
	used := processCPU() - cpu0
	logf("process CPU in the window: %s of %s available (%d cores x %s), %.0f%%", used.Round(time.Millisecond),
		(elapsed * time.Duration(runtime.GOMAXPROCS(0))).Round(time.Millisecond), runtime.GOMAXPROCS(0),
		elapsed.Round(time.Millisecond), 100*used.Seconds()/(elapsed.Seconds()*float64(runtime.GOMAXPROCS(0))))
}

// ---- compaction-throughput ----

const compactPasses = 3

// runCompactionThroughput writes cfg.compactN keys compactPasses times
// (each pass in its own random order, no fsync) with automatic compaction
// off and a Flush after every pass, so each kstone stripe holds at least
// compactPasses SSTs (and Pebble's L0 at least compactPasses sublevels),
// then times one full manual compaction: kstone CompactAll, Pebble Compact
// over the whole key range. MB/s is compaction input bytes (10^6) per second.
func runCompactionThroughput(dir string, cfg config) (string, []engineError) {
	const name = "compaction-throughput"
	n := cfg.compactN
	orders := make([][]int, compactPasses)
	r := rand.New(rand.NewPCG(seed, 6))
	for i := range orders {
		orders[i] = r.Perm(n)
	}
	type figures struct {
		read, written, reclaimed uint64
		elapsed                  time.Duration
		compactions              uint64
		ssts                     int64
	}
	var kf, pf figures
	var errs []engineError
	// Each pass writes value of key p in pass i as valueFor(p + i*maxKeyNum/4):
	// different bytes per pass, checkable afterwards.
	passValue := func(pass int, p uint64) []byte { return valueFor(p + uint64(pass)*(maxKeyNum/4)) }

	load := func(put func(k, v []byte) error, flush func() error) error {
		key := make([]byte, keyLen)
		for pass, order := range orders {
			for i, p := range order {
				makeKey(key, uint64(p))
				if err := put(key, passValue(pass, uint64(p))); err != nil {
					return fmt.Errorf("pass %d put %d: %w", pass, i, err)
				}
			}
			if err := flush(); err != nil {
				return fmt.Errorf("flush after pass %d: %w", pass, err)
			}
		}
		return nil
	}

	kok := side(dir, name, "kstone", &errs, func(dir string) (err error) {
		opts := kstoneOptions(false)
		opts.DisableAutoCompaction = true
		db, t, err := openKstone(dir, opts)
		if err != nil {
			return err
		}
		defer closeKstone(db, &err)
		t0 := time.Now()
		if err := load(func(k, v []byte) error { return kput(db, k, v) }, db.Flush); err != nil {
			return err
		}
		before := db.Stats()
		logf("wrote %d keys x %d in %s; %s", n, compactPasses, time.Since(t0).Round(time.Millisecond), kstoneShape(before))
		timed(name+"/kstone", func() {
			start := time.Now()
			err = db.CompactAll()
			kf.elapsed = time.Since(start)
		})
		if err != nil {
			return fmt.Errorf("compact: %w", err)
		}
		after := db.Stats()
		d := after.Sub(before)
		kf.read, kf.written, kf.reclaimed = d.Compaction.BytesRead, d.Compaction.BytesWritten, d.Compaction.BytesReclaimed
		kf.compactions, kf.ssts = d.Compaction.Count, int64(after.SSTCount)
		logf("compacted in %s; %s", kf.elapsed.Round(time.Millisecond), kstoneShape(after))
		// Check: every key once, with its last pass's value.
		it, err := t.ScanIter(engine.ScanInput{})
		if err != nil {
			return err
		}
		count := 0
		for it.Next() {
			x, err := it.Item()
			if err != nil {
				it.Close()
				return err
			}
			if count%64 == 0 {
				pk, _ := x["pk"].(item.S)
				var num uint64
				if _, err := fmt.Sscanf(string(pk), "key%d", &num); err != nil {
					it.Close()
					return fmt.Errorf("unexpected key %q", pk)
				}
				if v, _ := x["v"].(item.B); !bytes.Equal(v, passValue(compactPasses-1, num)) {
					it.Close()
					return fmt.Errorf("key %s: value is not the last pass's", pk)
				}
			}
			count++
		}
		if err := it.Close(); err != nil {
			return err
		}
		if count != n {
			return fmt.Errorf("after compaction a scan found %d items, want %d", count, n)
		}
		return nil
	})

	pok := side(dir, name, "pebble", &errs, func(dir string) (err error) {
		db, err := openPebble(dir, pebbleNoCompactions)
		if err != nil {
			return err
		}
		defer closePebble(db, &err)
		t0 := time.Now()
		if err := load(func(k, v []byte) error { return db.Set(k, v, pebble.NoSync) }, db.Flush); err != nil {
			return err
		}
		before := db.Metrics()
		logf("wrote %d keys x %d in %s; %s", n, compactPasses, time.Since(t0).Round(time.Millisecond), pebbleShape(before))
		timed(name+"/pebble", func() {
			start := time.Now()
			err = compactPebble(db)
			pf.elapsed = time.Since(start)
		})
		if err != nil {
			return fmt.Errorf("compact: %w", err)
		}
		after := db.Metrics()
		r0, w0 := pebbleBytesRead(before)
		r1, w1 := pebbleBytesRead(after)
		pf.read, pf.written = r1-r0, w1-w0
		if pf.read > pf.written {
			pf.reclaimed = pf.read - pf.written
		}
		pf.compactions, pf.ssts = uint64(after.Compact.Count-before.Compact.Count), pebbleTables(after)
		logf("compacted in %s; %s", pf.elapsed.Round(time.Millisecond), pebbleShape(after))
		it, err := db.NewIter(nil)
		if err != nil {
			return err
		}
		count := 0
		for ok := it.First(); ok; ok = it.Next() {
			count++
		}
		if err := it.Close(); err != nil {
			return err
		}
		if count != n {
			return fmt.Errorf("after compaction a scan found %d keys, want %d", count, n)
		}
		return nil
	})

	mbps := func(f figures) float64 { return float64(f.read) / 1e6 / f.elapsed.Seconds() }
	var km, pm float64
	if kok {
		km = mbps(kf)
	}
	if pok {
		pm = mbps(pf)
	}
	line := fmt.Sprintf("%s kstone=%s pebble=%s ratio=%s kstone_read=%s kstone_written=%s kstone_reclaimed=%s kstone_time=%s kstone_compactions=%s"+
		" pebble_read=%s pebble_written=%s pebble_time=%s pebble_compactions=%s",
		name, fmtF(km, kok, 1), fmtF(pm, pok, 1), fmtRatio(km, pm, kok && pok),
		fmtF(mib(kf.read), kok, 1)+"MiB", fmtF(mib(kf.written), kok, 1)+"MiB", fmtF(mib(kf.reclaimed), kok, 1)+"MiB",
		fmtD(kf.elapsed, kok), fmtF(float64(kf.compactions), kok, 0),
		fmtF(mib(pf.read), pok, 1)+"MiB", fmtF(mib(pf.written), pok, 1)+"MiB", fmtD(pf.elapsed, pok), fmtF(float64(pf.compactions), pok, 0))
	return line, errs
}

// ---- write-amp-1m ----

// runWriteAmp puts cfg.waN items with default options (automatic compaction
// on, no fsync). Every third put overwrites a key written before (chosen at
// random among them); the others write new keys. Then Flush, wait until no
// compaction has run or waited for settleQuiet, and read the write
// amplification: kstone Stats().WriteAmp(); Pebble the same ratio from its
// level metrics (sstable bytes flushed + compacted, per byte flushed), and
// Pebble's own Total().WriteAmp() (which counts the WAL too) as
// pebble_native.
func runWriteAmp(dir string, cfg config) (string, []engineError) {
	const name = "write-amp-1m"
	n := cfg.waN
	nums := make([]uint64, n)
	r := rand.New(rand.NewPCG(seed, 7))
	fresh := uint64(0)
	for i := range nums {
		if i%3 == 2 {
			nums[i] = scramble(r.Uint64N(fresh), maxKeyNum)
		} else {
			nums[i] = scramble(fresh, maxKeyNum)
			fresh++
		}
	}
	var errs []engineError
	var kwa, pwa, pnative float64
	var kssts, pssts int64
	var kcomp, pcomp uint64

	load := func(put func(k, v []byte) error) error {
		key := make([]byte, keyLen)
		for i, num := range nums {
			makeKey(key, num)
			if err := put(key, valueFor(num+uint64(i))); err != nil {
				return fmt.Errorf("put %d: %w", i, err)
			}
		}
		return nil
	}

	kok := side(dir, name, "kstone", &errs, func(dir string) (err error) {
		db, _, err := openKstone(dir, kstoneOptions(false))
		if err != nil {
			return err
		}
		defer closeKstone(db, &err)
		t0 := time.Now()
		if err := load(func(k, v []byte) error { return kput(db, k, v) }); err != nil {
			return err
		}
		loaded := time.Since(t0)
		if err := db.Flush(); err != nil {
			return fmt.Errorf("flush: %w", err)
		}
		if err := waitQuiet(func() bool { return kstoneIdle(db) }); err != nil {
			return err
		}
		st := db.Stats()
		kwa, kssts, kcomp = st.WriteAmp(), int64(st.SSTCount), st.Compaction.Count
		logf("%d puts (%d distinct keys) in %s, flushed and settled in %s; %s, flushed %.1f MiB",
			n, fresh, loaded.Round(time.Millisecond), (time.Since(t0) - loaded).Round(time.Millisecond), kstoneShape(st), mib(st.FlushedBytes))
		return nil
	})

	pok := side(dir, name, "pebble", &errs, func(dir string) (err error) {
		db, err := openPebble(dir, nil)
		if err != nil {
			return err
		}
		defer closePebble(db, &err)
		t0 := time.Now()
		if err := load(func(k, v []byte) error { return db.Set(k, v, pebble.NoSync) }); err != nil {
			return err
		}
		loaded := time.Since(t0)
		if err := db.Flush(); err != nil {
			return fmt.Errorf("flush: %w", err)
		}
		if err := waitQuiet(func() bool { return pebbleIdle(db) }); err != nil {
			return err
		}
		m := db.Metrics()
		var flushed, compacted uint64
		pwa, flushed, compacted = pebbleSSTWriteAmp(m)
		tot := m.Total()
		pnative = tot.WriteAmp()
		pssts, pcomp = pebbleTables(m), uint64(m.Compact.Count)
		logf("%d puts (%d distinct keys) in %s, flushed and settled in %s; %s; flushed %.1f MiB, compacted %.1f MiB, WAL %.1f MiB, estimated debt %.1f MiB",
			n, fresh, loaded.Round(time.Millisecond), (time.Since(t0) - loaded).Round(time.Millisecond), pebbleShape(m),
			mib(flushed), mib(compacted), mib(m.WAL.BytesWritten), mib(m.Compact.EstimatedDebt))
		return nil
	})

	line := fmt.Sprintf("%s kstone=%s pebble=%s pebble_native=%s kstone_ssts=%s pebble_ssts=%s kstone_compactions=%s pebble_compactions=%s puts=%d",
		name, fmtF(kwa, kok, 2), fmtF(pwa, pok, 2), fmtF(pnative, pok, 2),
		fmtF(float64(kssts), kok, 0), fmtF(float64(pssts), pok, 0), fmtF(float64(kcomp), kok, 0), fmtF(float64(pcomp), pok, 0), n)
	return line, errs
}
