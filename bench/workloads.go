package main

import (
	"bytes"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

const (
	keyLen      = 16  // "key" + 13 decimal digits
	valueLen    = 100 // random bytes
	maxKeyNum   = 10_000_000_000_000
	writerRange = 100_000_000_000 // keys per writer in the put-sync workloads
	valuePool   = 1 << 20         // random bytes the values are cut from
	seed        = 20240607
)

// result of one engine on one workload.
type result struct {
	ops       int
	elapsed   time.Duration
	opsPerSec float64
	p50, p99  time.Duration
	max       time.Duration
	err       error
}

type workload struct {
	name string
	run  func(e engineUnderTest, dir string, cfg config) (result, error)
	// custom, set instead of run, drives both engines itself (it needs
	// engine-specific calls: scans, queries, compactions, statistics) and
	// returns the workload's output line and one error per failed engine.
	// Its databases go under dir.
	custom func(dir string, cfg config) (line string, errs []engineError)
}

// engineError is one engine's failure in a custom workload.
type engineError struct {
	engine string
	err    error
}

var workloads = []workload{
	{name: "put-nosync-1w", run: runPutNoSync},
	{name: "put-sync-1w", run: func(e engineUnderTest, dir string, cfg config) (result, error) {
		return runPutSync(e, dir, cfg.syncDur, 1)
	}},
	{name: "put-sync-16w", run: func(e engineUnderTest, dir string, cfg config) (result, error) {
		return runPutSync(e, dir, cfg.syncDur, cfg.writers)
	}},
	{name: "get-hit", run: func(e engineUnderTest, dir string, cfg config) (result, error) {
		return runGet(e, dir, cfg, true)
	}},
	{name: "get-miss", run: func(e engineUnderTest, dir string, cfg config) (result, error) {
		return runGet(e, dir, cfg, false)
	}},
	{name: "scan-1m", custom: runScan},
	{name: "query-partition", custom: runQueryPartition},
	{name: "put-during-compaction", custom: runPutDuringCompaction},
	{name: "compaction-throughput", custom: runCompactionThroughput},
	{name: "write-amp-1m", custom: runWriteAmp},
}

func workloadNames() []string {
	var names []string
	for _, w := range workloads {
		names = append(names, w.name)
	}
	return names
}

func findWorkload(name string) *workload {
	for i := range workloads {
		if workloads[i].name == name {
			return &workloads[i]
		}
	}
	return nil
}

// makeKey writes the 16-byte key of number n ("key" and n as 13 zero-padded
// decimal digits) into dst[:16]. Keys sort like their numbers.
func makeKey(dst []byte, n uint64) {
	if n >= maxKeyNum {
		panic(fmt.Sprintf("key number %d out of range", n))
	}
	dst[0], dst[1], dst[2] = 'k', 'e', 'y'
	for i := keyLen - 1; i >= 3; i-- {
		dst[i] = '0' + byte(n%10)
		n /= 10
	}
}

// keySlab holds many keys back to back, built before the timed loop.
type keySlab []byte

func newKeySlab(nums []uint64) keySlab {
	s := make(keySlab, len(nums)*keyLen)
	for i, n := range nums {
		makeKey(s[i*keyLen:], n)
	}
	return s
}

func (s keySlab) key(i int) []byte { return s[i*keyLen : (i+1)*keyLen : (i+1)*keyLen] }

// scramble maps i in [0, m) to a distinct number in [0, m), in an order that
// looks random: multiplication by a constant coprime to m (m is a power of
// ten; the constant is odd and does not end in 5).
func scramble(i, m uint64) uint64 {
	const c = 6364136223846793 // ends in 3: coprime to every power of ten
	hi, lo := bits.Mul64(i%m, c)
	return bits.Rem64(hi, lo, m)
}

var (
	poolOnce sync.Once
	pool     []byte
)

// valueFor returns the 100-byte value stored under key number n: a slice of a
// 1 MiB pool of random bytes at an offset derived from n, so that a reader
// can check what it got back. The slice must not be modified.
func valueFor(n uint64) []byte {
	poolOnce.Do(func() {
		r := rand.New(rand.NewPCG(seed, 1))
		pool = make([]byte, valuePool)
		for i := 0; i+8 <= len(pool); i += 8 {
			v := r.Uint64()
			for j := 0; j < 8; j++ {
				pool[i+j] = byte(v >> (8 * j))
			}
		}
	})
	off := splitmix(n) % (valuePool - valueLen)
	return pool[off : off+valueLen : off+valueLen]
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// summarize sorts the latencies and fills in the result.
func summarize(lat []time.Duration, elapsed time.Duration) result {
	r := result{ops: len(lat), elapsed: elapsed}
	if elapsed > 0 {
		r.opsPerSec = float64(len(lat)) / elapsed.Seconds()
	}
	if len(lat) > 0 {
		slices.Sort(lat)
		r.p50 = lat[len(lat)*50/100]
		r.p99 = lat[len(lat)*99/100]
		r.max = lat[len(lat)-1]
		var sum time.Duration
		for _, d := range lat {
			sum += d
		}
		logf("%d ops in %s: mean %s p99.9 %s max %s", len(lat), elapsed.Round(time.Millisecond),
			fmtDur(sum/time.Duration(len(lat))), fmtDur(lat[len(lat)*999/1000]), fmtDur(lat[len(lat)-1]))
	}
	return r
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench:   "+format+"\n", args...)
}

// closeWith closes e and joins its error with err.
func closeWith(e engineUnderTest, err error) error {
	cerr := e.Close()
	if err != nil {
		return err
	}
	if cerr != nil {
		return fmt.Errorf("close: %w", cerr)
	}
	return nil
}

// runPutNoSync: cfg.putN puts by one writer, keys in random order, no fsync.
// Only the puts are timed (not the final Close).
func runPutNoSync(e engineUnderTest, dir string, cfg config) (res result, err error) {
	n := cfg.putN
	r := rand.New(rand.NewPCG(seed, 2))
	nums := make([]uint64, n)
	for i, p := range r.Perm(n) {
		nums[i] = uint64(p)
	}
	keys := newKeySlab(nums)
	lat := make([]time.Duration, n)
	if err := e.Open(dir, false); err != nil {
		return res, fmt.Errorf("open: %w", err)
	}
	defer func() { err = closeWith(e, err) }()

	start := time.Now()
	for i := range n {
		t0 := time.Now()
		if err := e.Put(keys.key(i), valueFor(nums[i])); err != nil {
			return res, fmt.Errorf("put %d: %w", i, err)
		}
		lat[i] = time.Since(t0)
	}
	return summarize(lat, time.Since(start)), nil
}

// runPutSync: `writers` goroutines put synced items for d, each in its own
// key range, keys in scrambled order.
func runPutSync(e engineUnderTest, dir string, d time.Duration, writers int) (res result, err error) {
	if err := e.Open(dir, true); err != nil {
		return res, fmt.Errorf("open: %w", err)
	}
	defer func() { err = closeWith(e, err) }()

	var (
		stop  atomic.Bool
		ready sync.WaitGroup
		done  sync.WaitGroup
		begin = make(chan struct{})
		lats  = make([][]time.Duration, writers)
		errs  = make([]error, writers)
	)
	for w := range writers {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			lat := make([]time.Duration, 0, 1<<16)
			key := make([]byte, keyLen)
			ready.Done()
			<-begin
			for i := uint64(0); !stop.Load(); i++ {
				n := uint64(w)*writerRange + scramble(i, writerRange)
				makeKey(key, n)
				t0 := time.Now()
				if err := e.Put(key, valueFor(n)); err != nil {
					errs[w] = fmt.Errorf("writer %d put %d: %w", w, i, err)
					stop.Store(true)
					break
				}
				lat = append(lat, time.Since(t0))
			}
			lats[w] = lat
		}()
	}
	ready.Wait()
	start := time.Now()
	timer := time.AfterFunc(d, func() { stop.Store(true) })
	close(begin)
	done.Wait()
	elapsed := time.Since(start)
	timer.Stop()
	for _, err := range errs {
		if err != nil {
			return res, err
		}
	}
	var all []time.Duration
	for _, l := range lats {
		all = append(all, l...)
	}
	return summarize(all, elapsed), nil
}

// runGet loads cfg.loadN items (even key numbers, random order, no fsync),
// flushes them to sstables, then does cfg.getN random point gets from one
// goroutine: of loaded keys (hit) or of the odd numbers between them (miss).
func runGet(e engineUnderTest, dir string, cfg config, hit bool) (res result, err error) {
	n := cfg.loadN
	if err := e.Open(dir, false); err != nil {
		return res, fmt.Errorf("open: %w", err)
	}
	defer func() { err = closeWith(e, err) }()

	r := rand.New(rand.NewPCG(seed, 3))
	key := make([]byte, keyLen)
	t0 := time.Now()
	for i, p := range r.Perm(n) {
		num := 2 * uint64(p)
		makeKey(key, num)
		if err := e.Put(key, valueFor(num)); err != nil {
			return res, fmt.Errorf("load put %d: %w", i, err)
		}
	}
	loaded := time.Since(t0)
	if err := e.Flush(); err != nil {
		return res, fmt.Errorf("flush: %w", err)
	}
	logf("loaded %d items in %s, flushed in %s", n, loaded.Round(time.Millisecond), (time.Since(t0) - loaded).Round(time.Millisecond))

	logStats(e, "after flush")

	nums := make([]uint64, cfg.getN)
	for i := range nums {
		nums[i] = 2 * uint64(r.IntN(n))
		if !hit {
			nums[i]++
		}
	}
	keys := newKeySlab(nums)
	lat := make([]time.Duration, cfg.getN)
	checked := 0
	start := time.Now()
	for i := range nums {
		t0 := time.Now()
		v, found, err := e.Get(keys.key(i))
		lat[i] = time.Since(t0)
		if err != nil {
			return res, fmt.Errorf("get %s: %w", keys.key(i), err)
		}
		if found != hit {
			return res, fmt.Errorf("get %s: found=%v, want %v", keys.key(i), found, hit)
		}
		if hit && i%16 == 0 {
			if want := valueFor(nums[i]); !bytes.Equal(v, want) {
				return res, fmt.Errorf("get %s: wrong value (%d bytes, want %d)", keys.key(i), len(v), len(want))
			}
			checked++
		}
	}
	res = summarize(lat, time.Since(start))
	logStats(e, "after gets")
	if hit {
		logf("verified %d of %d values", checked, cfg.getN)
	}
	return res, nil
}
