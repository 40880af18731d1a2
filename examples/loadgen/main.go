// Command loadgen writes a kstone-shell script that loads a database: puts,
// updates, deletes, gets and queries spread over many partitions (and so
// over the engine's 256 stripes). The command language has no loops; this
// program is the loop. Its output is deterministic for a given set of
// flags, and every statement in it succeeds (gets ask only for items that
// exist at that point), so the script exits with status 0.
//
// Pipe it into the shell:
//
//	go run ./examples/loadgen -n 100000 | kstone-shell /tmp/load.keystone > /dev/null
//
// or write it to a file and .read it from the interactive shell, to watch
// the stripes, flushes, compactions and bloom filters while it runs:
//
//	go run ./examples/loadgen -n 200000 -size 1000 -flush-every 20000 > /tmp/load.kst
//	kstone-shell /tmp/load.keystone
//	kstone> .read /tmp/load.kst
//
// examples/loadgen.kst is its output for -n 2000 -size 16 (the default
// flags otherwise); examples_test.go checks that the two agree.
//
// Flags:
//
//	-n N             statements to write (default 10000)
//	-partitions P    distinct partition keys (default 1000)
//	-reads F         fraction of gets and queries (default 0.2; they print items)
//	-deletes F       fraction of deletes (default 0.05)
//	-updates F       fraction of updates (default 0.3); the rest are puts
//	-size B          bytes of padding per item (default 100)
//	-zipf S          skew partitions with a Zipf distribution of parameter S > 1
//	                 (hot stripes); 0 spreads them evenly (default 0)
//	-flush-every K   write .flush after every K statements (default 0: never)
//	-sync            keep synced durability (default: relaxed, then .sync at the end)
//	-seed S          random seed (default 1)
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
)

type config struct {
	n, partitions, size, flushEvery int
	reads, deletes, updates, zipf   float64
	sync                            bool
	seed                            uint64
}

func main() {
	var c config
	flag.IntVar(&c.n, "n", 10000, "statements to write")
	flag.IntVar(&c.partitions, "partitions", 1000, "distinct partition keys")
	flag.Float64Var(&c.reads, "reads", 0.2, "fraction of gets and queries (they print items)")
	flag.Float64Var(&c.deletes, "deletes", 0.05, "fraction of deletes")
	flag.Float64Var(&c.updates, "updates", 0.3, "fraction of updates; the rest are puts")
	flag.IntVar(&c.size, "size", 100, "bytes of padding per item")
	flag.Float64Var(&c.zipf, "zipf", 0, "Zipf parameter s > 1 for skewed partitions (0: uniform)")
	flag.IntVar(&c.flushEvery, "flush-every", 0, "write .flush after every `K` statements (0: never)")
	flag.BoolVar(&c.sync, "sync", false, "keep synced durability instead of relaxed + .sync at the end")
	flag.Uint64Var(&c.seed, "seed", 1, "random seed")
	flag.Parse()
	if err := c.check(); err != nil {
		fmt.Fprintf(os.Stderr, "loadgen: %v\n", err)
		os.Exit(2)
	}
	w := bufio.NewWriter(os.Stdout)
	generate(w, c, strings.Join(os.Args[1:], " "))
	if err := w.Flush(); err != nil {
		fmt.Fprintf(os.Stderr, "loadgen: %v\n", err)
		os.Exit(1)
	}
}

func (c config) check() error {
	switch {
	case c.n < 0 || c.partitions < 1 || c.size < 0 || c.flushEvery < 0:
		return fmt.Errorf("-n, -size and -flush-every must be >= 0, -partitions >= 1")
	case c.reads < 0 || c.deletes < 0 || c.updates < 0 || c.reads+c.deletes+c.updates > 1:
		return fmt.Errorf("-reads, -deletes and -updates are fractions that add up to at most 1")
	case c.zipf != 0 && c.zipf <= 1:
		return fmt.Errorf("-zipf takes a parameter > 1 (or 0 for uniform)")
	}
	return nil
}

// key is one item's key; the generator remembers which items exist so
// that it only reads what is there.
type key struct {
	pk, sk string
}

// live is the set of existing keys, with O(1) random choice and removal.
type live struct {
	keys []key
	idx  map[key]int
}

func (l *live) add(k key) {
	if _, ok := l.idx[k]; ok {
		return
	}
	l.idx[k] = len(l.keys)
	l.keys = append(l.keys, k)
}

func (l *live) remove(k key) {
	i, ok := l.idx[k]
	if !ok {
		return
	}
	last := l.keys[len(l.keys)-1]
	l.keys[i], l.idx[last] = last, i
	l.keys = l.keys[:len(l.keys)-1]
	delete(l.idx, k)
}

func (l *live) pick(r *rand.Rand) (key, bool) {
	if len(l.keys) == 0 {
		return key{}, false
	}
	return l.keys[r.IntN(len(l.keys))], true
}

func generate(w *bufio.Writer, c config, args string) {
	r := rand.New(rand.NewPCG(c.seed, 0x6b73746f6e65)) // "kstone"
	var zipf *rand.Zipf
	if c.zipf > 1 {
		zipf = rand.NewZipf(r, c.zipf, 1, uint64(c.partitions-1))
	}
	partition := func() string {
		var p int
		if zipf != nil {
			p = int(zipf.Uint64())
		} else {
			p = r.IntN(c.partitions)
		}
		return fmt.Sprintf("p%06d", p)
	}
	pad := strings.Repeat("x", c.size)
	items := live{idx: map[key]int{}}

	fmt.Fprintf(w, "-- A load for kstone-shell: %d statements (puts, updates, deletes, gets and\n", c.n)
	fmt.Fprintf(w, "-- queries) over %d partitions, written by\n", c.partitions)
	fmt.Fprintf(w, "--   go run ./examples/loadgen %s\n", args)
	fmt.Fprintf(w, "-- Pipe that into kstone-shell, or save it and run the file:\n")
	fmt.Fprintf(w, "--   kstone-shell /tmp/load.keystone -f FILE.kst > /dev/null\n")
	fmt.Fprintf(w, "-- (gets and queries print what they read), or .read FILE.kst in the\n")
	fmt.Fprintf(w, "-- interactive shell to watch the live panes. Every statement succeeds.\n")
	if !c.sync {
		fmt.Fprintf(w, "-- Relaxed durability: a crash while this runs can lose the last second of\n")
		fmt.Fprintf(w, "-- writes; .sync at the end makes everything durable.\n")
		fmt.Fprintf(w, ".durability relaxed\n")
	}
	for i := 1; i <= c.n; i++ {
		x := r.Float64()
		switch {
		case x < c.reads:
			if k, ok := items.pick(r); ok && r.IntN(4) > 0 {
				fmt.Fprintf(w, "get %s %s\n", k.pk, k.sk)
			} else {
				fmt.Fprintf(w, "query pk = %q AND begins_with(sk, \"e\") limit 10\n", partition())
			}
		case x < c.reads+c.deletes:
			if k, ok := items.pick(r); ok {
				items.remove(k)
				fmt.Fprintf(w, "delete {\"pk\": %q, \"sk\": %q}\n", k.pk, k.sk)
			} else {
				fmt.Fprintf(w, "delete {\"pk\": %q, \"sk\": \"e%07d\"}\n", partition(), i)
			}
		case x < c.reads+c.deletes+c.updates:
			// Mostly existing items; an update of a missing key creates it.
			k, ok := items.pick(r)
			if !ok || r.IntN(10) == 0 {
				k = key{partition(), fmt.Sprintf("e%07d", i)}
			}
			items.add(k)
			fmt.Fprintf(w, "update {\"pk\": %q, \"sk\": %q} SET hits = if_not_exists(hits, 0) + 1, seen = %d\n", k.pk, k.sk, i)
		default:
			k := key{partition(), fmt.Sprintf("e%07d", i)}
			items.add(k)
			fmt.Fprintf(w, "put {\"pk\": %q, \"sk\": %q, \"n\": %d, \"score\": %d.%02d, \"pad\": %q}\n",
				k.pk, k.sk, i, r.IntN(1000), r.IntN(100), pad)
		}
		if c.flushEvery > 0 && i%c.flushEvery == 0 {
			fmt.Fprintf(w, ".flush\n")
		}
	}
	if !c.sync {
		fmt.Fprintf(w, ".sync\n.durability sync\n")
	}
}
