// Command bench compares KeystoneDB (github.com/keystonedb/kstone-shell/engine)
// with Pebble v2 on the same machine, in one run, with the same keys and
// values. See README.md for the workloads and the Pebble options.
//
//	go run . [-quick] [-dir DIR] [-only WORKLOAD[,WORKLOAD...]] [-rss] [-v] [-cpuprofile FILE]
//
// Result lines go to stdout; progress goes to stderr.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/keystonedb/kstone-shell/bench/internal/benchdir"
)

// engineUnderTest is what a workload drives. Open creates a fresh database
// in dir; durable selects per-write fsync (true) or no fsync (false).
type engineUnderTest interface {
	Name() string
	Open(dir string, durable bool) error
	Put(k, v []byte) error
	// Get returns a copy of the value (the caller may keep it).
	Get(k []byte) (v []byte, found bool, err error)
	// Flush writes the memtables to sstables and waits for that to finish.
	Flush() error
	Close() error
}

// statsReporter is optionally implemented by an engine: a one-line summary of
// its internal state, printed with -v.
type statsReporter interface {
	Stats() string
}

var verbose bool

func logStats(e engineUnderTest, when string) {
	if sr, ok := e.(statsReporter); ok && verbose {
		logf("%s stats %s: %s", e.Name(), when, sr.Stats())
	}
}

// engineFactory makes a fresh, unopened engine.
type engineFactory struct {
	name string
	make func() engineUnderTest
}

// engines is the list of engines compared, in the order they run. kstone.go
// and pebble.go register themselves here.
var engines []engineFactory

func registerEngine(name string, f func() engineUnderTest) {
	engines = append(engines, engineFactory{name, f})
}

// config holds the sizes of one run.
type config struct {
	quick    bool
	putN     int           // puts in put-nosync-1w
	loadN    int           // items loaded before get-hit / get-miss
	getN     int           // gets in get-hit / get-miss
	syncDur  time.Duration // duration of each put-sync-* workload
	writers  int           // writers in put-sync-16w
	rssN     int           // items loaded in rss-load-1m
	scanN    int           // items loaded before the scan in scan-1m
	queryBgN int           // other items around the partitions in query-partition
	queries  int           // timed queries in query-partition
	pdcDur   time.Duration // each timed window of put-during-compaction
	pdcPre   int           // items loaded before each window of put-during-compaction
	compactN int           // keys (each written 3 times) in compaction-throughput
	waN      int           // puts in write-amp-1m
	baseDir  string
	deadline time.Duration // quick mode: wall-clock budget of the whole run
}

func main() {
	quick := flag.Bool("quick", false, "small counts and 3 s sync workloads (whole run < 3 min)")
	dir := flag.String("dir", "", "directory for the databases (default: a temp dir on the disk of the working directory)")
	only := flag.String("only", "", "comma-separated workloads to run (default: all); names: "+strings.Join(workloadNames(), ", ")+", "+fsyncWorkload+", "+rssWorkload)
	rss := flag.Bool("rss", false, "also measure peak RSS while loading 1M items ("+rssWorkload+"); on by default in full mode")
	keep := flag.Bool("keep", false, "keep the database directories")
	flag.IntVar(&pebbleCacheMiB, "pebble-cache", 64, "Pebble block cache size in MiB; 64 matches KeystoneDB's default block cache (0: Pebble's default, 8 MiB)")
	flag.BoolVar(&verbose, "v", false, "print engine statistics (where the engine offers them) to stderr")
	rssChild := flag.String("rss-child", "", "internal: run one engine's 1M-item load in this process and report VmHWM")
	rssChildN := flag.Int("rss-n", 1_000_000, "internal: items loaded by -rss-child")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the whole run (load phases included) to this file")
	flag.Parse()

	if *rssChild != "" {
		os.Exit(runRSSChild(*rssChild, *dir, *rssChildN))
	}

	cfg := config{
		quick:   *quick,
		putN:    1_000_000,
		loadN:   1_000_000,
		getN:    1_000_000,
		syncDur: 10 * time.Second,
		writers: 16,
		rssN:    1_000_000,

		scanN:    1_000_000,
		queryBgN: 1_000_000,
		queries:  10_000,
		pdcDur:   10 * time.Second,
		pdcPre:   500_000,
		compactN: 1_000_000,
		waN:      1_000_000,
	}
	if *quick {
		cfg.putN, cfg.loadN, cfg.getN = 200_000, 200_000, 200_000
		cfg.syncDur = 3 * time.Second
		cfg.deadline = 3 * time.Minute
		cfg.scanN = 200_000
		cfg.queryBgN, cfg.queries = 200_000, 2_000
		cfg.pdcDur, cfg.pdcPre = 3*time.Second, 200_000
		cfg.compactN = 100_000
		cfg.waN = 300_000
	}

	selected, runFsync, runRSS, err := selectWorkloads(*only, *rss, *quick)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}

	base, cleanup, err := benchdir.Prepare("bench", *dir, *keep)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	cfg.baseDir = base
	stopProfile, err := startCPUProfile(*cpuProfile)
	if err != nil {
		cleanup()
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	code := run(cfg, selected, runFsync, runRSS)
	stopProfile()
	cleanup()
	os.Exit(code)
}

// selectWorkloads parses -only. rssMode is "on", "off" or "budget" (quick
// mode: run it if the time budget allows). fsync reports whether to run
// fsync-ceiling: by default only in full mode, or when -only names it.
func selectWorkloads(only string, rssFlag, quick bool) (sel []workload, fsync bool, rssMode string, err error) {
	rssMode = "off"
	switch {
	case rssFlag || (!quick && only == ""):
		rssMode = "on"
	case quick && only == "":
		rssMode = "budget"
	}
	if only == "" {
		return workloads, !quick, rssMode, nil
	}
	want := map[string]bool{}
	for _, name := range strings.Split(only, ",") {
		name = strings.TrimSpace(name)
		switch {
		case name == "":
		case name == rssWorkload:
			rssMode = "on"
		case name == fsyncWorkload:
			fsync = true
		case findWorkload(name) == nil:
			return nil, false, "", fmt.Errorf("unknown workload %q (have %s, %s, %s)", name, strings.Join(workloadNames(), ", "), fsyncWorkload, rssWorkload)
		default:
			want[name] = true
		}
	}
	for _, w := range workloads {
		if want[w.name] {
			sel = append(sel, w)
		}
	}
	return sel, fsync, rssMode, nil
}

// run executes the selected workloads for every engine and prints one line
// per workload. It returns the exit code.
func run(cfg config, selected []workload, fsync bool, rssMode string) int {
	start := time.Now()
	fmt.Fprintf(os.Stderr, "bench: GOMAXPROCS=%d, %s/%s, %s mode\n", runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH, map[bool]string{true: "quick", false: "full"}[cfg.quick])
	fmt.Fprintf(os.Stderr, "bench: %s\n", benchdir.LoadAvg())
	code := 0
	for _, w := range selected {
		if w.custom != nil {
			if !runCustom(w, cfg) {
				code = 1
			}
			continue
		}
		results := make(map[string]result)
		for _, ef := range engines {
			dir := filepath.Join(cfg.baseDir, w.name+"-"+ef.name)
			fmt.Fprintf(os.Stderr, "bench: %s %s ...\n", w.name, ef.name)
			runtime.GC()
			t0 := time.Now()
			r, err := runOne(w, ef, dir, cfg)
			if err != nil {
				r.err = err
				code = 1
				fmt.Fprintf(os.Stderr, "bench: %s %s: %v\n", w.name, ef.name, err)
			}
			fmt.Fprintf(os.Stderr, "bench: %s %s done in %s\n", w.name, ef.name, time.Since(t0).Round(time.Millisecond))
			results[ef.name] = r
			if err := os.RemoveAll(dir); err != nil {
				fmt.Fprintf(os.Stderr, "bench: removing %s: %v\n", dir, err)
			}
		}
		fmt.Println(formatLine(w.name, results))
	}

	if fsync {
		runtime.GC()
		if !runFsyncCeiling(cfg) {
			code = 1
		}
	}

	switch rssMode {
	case "budget":
		// Loading 1M items with no fsync takes a few seconds per engine; run
		// it only if at least 45 s of the quick-mode budget are left.
		if left := cfg.deadline - time.Since(start); left < 45*time.Second {
			fmt.Fprintf(os.Stderr, "bench: skipping %s: only %s of the %s budget left\n", rssWorkload, left.Round(time.Second), cfg.deadline)
			fmt.Printf("%s skipped (time budget)\n", rssWorkload)
			break
		}
		fallthrough
	case "on":
		if !runRSSParent(cfg) {
			code = 1
		}
	}
	fmt.Fprintf(os.Stderr, "bench: total %s, %s\n", time.Since(start).Round(time.Millisecond), benchdir.LoadAvg())
	return code
}

// startCPUProfile starts a CPU profile written to path (nothing if path is
// empty) and returns the function that stops it.
func startCPUProfile(path string) (func(), error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			fmt.Fprintf(os.Stderr, "bench: closing %s: %v\n", path, err)
		}
		fmt.Fprintf(os.Stderr, "bench: CPU profile in %s\n", path)
	}, nil
}

// runOne runs one workload on one engine, turning a panic into an error so
// that the other engine still runs.
func runOne(w workload, ef engineFactory, dir string, cfg config) (r result, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return w.run(ef.make(), dir, cfg)
}

// formatLine renders
// <workload> kstone=<ops/s> pebble=<ops/s> ratio=<kstone/pebble> kstone_p50=<dur> kstone_p99=<dur> pebble_p50=<dur> pebble_p99=<dur>
func formatLine(name string, res map[string]result) string {
	k, kok := res["kstone"]
	p, pok := res["pebble"]
	ops := func(r result, ok bool) string {
		switch {
		case !ok:
			return "n/a"
		case r.err != nil:
			return "ERROR"
		}
		return fmt.Sprintf("%.0f", r.opsPerSec)
	}
	pct := func(r result, ok bool, d time.Duration) string {
		if !ok || r.err != nil {
			return "n/a"
		}
		return fmtDur(d)
	}
	ratio := "n/a"
	if kok && pok && k.err == nil && p.err == nil && p.opsPerSec > 0 {
		ratio = fmt.Sprintf("%.2f", k.opsPerSec/p.opsPerSec)
	}
	line := fmt.Sprintf("%s kstone=%s pebble=%s ratio=%s kstone_p50=%s kstone_p99=%s pebble_p50=%s pebble_p99=%s",
		name, ops(k, kok), ops(p, pok), ratio,
		pct(k, kok, k.p50), pct(k, kok, k.p99), pct(p, pok, p.p50), pct(p, pok, p.p99))
	for _, n := range []string{"kstone", "pebble"} {
		if r, ok := res[n]; ok && r.err != nil {
			line += fmt.Sprintf("\n%s error: %s: %v", name, n, r.err)
		}
	}
	return line
}

// fmtDur prints a latency with about three significant digits.
func fmtDur(d time.Duration) string {
	switch {
	case d < time.Microsecond:
		return d.String()
	case d < time.Millisecond:
		return d.Round(10 * time.Nanosecond).String()
	case d < time.Second:
		return d.Round(10 * time.Microsecond).String()
	}
	return d.Round(10 * time.Millisecond).String()
}
