package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

const rssWorkload = "rss-load-1m"

// runRSSParent runs each engine's 1M-item load in a child process (this
// binary re-executed with -rss-child) and prints
// rss-load-1m kstone=<MiB> pebble=<MiB>.
// It reports whether every child succeeded.
func runRSSParent(cfg config) bool {
	exe, err := os.Executable()
	if err != nil {
		exe = os.Args[0]
	}
	ok := true
	vals := map[string]string{"kstone": "n/a", "pebble": "n/a"}
	var errLines []string
	for _, ef := range engines {
		dir := filepath.Join(cfg.baseDir, rssWorkload+"-"+ef.name)
		fmt.Fprintf(os.Stderr, "bench: %s %s ...\n", rssWorkload, ef.name)
		t0 := time.Now()
		cmd := exec.Command(exe, "-rss-child="+ef.name, "-dir="+dir, "-rss-n="+strconv.Itoa(cfg.rssN),
			"-pebble-cache="+strconv.Itoa(pebbleCacheMiB))
		var out bytes.Buffer
		cmd.Stdout = &out
		cmd.Stderr = os.Stderr
		err := cmd.Run()
		var kib int64 = -1
		if err == nil {
			kib, err = parseChildOutput(out.String())
		}
		if err != nil {
			ok = false
			vals[ef.name] = "ERROR"
			errLines = append(errLines, fmt.Sprintf("%s error: %s: %v", rssWorkload, ef.name, err))
		} else {
			vals[ef.name] = fmt.Sprintf("%.1f", float64(kib)/1024)
		}
		fmt.Fprintf(os.Stderr, "bench: %s %s done in %s\n", rssWorkload, ef.name, time.Since(t0).Round(time.Millisecond))
		os.RemoveAll(dir)
	}
	fmt.Printf("%s kstone=%s pebble=%s\n", rssWorkload, vals["kstone"], vals["pebble"])
	for _, l := range errLines {
		fmt.Println(l)
	}
	return ok
}

func parseChildOutput(out string) (int64, error) {
	for _, line := range strings.Split(out, "\n") {
		if v, found := strings.CutPrefix(line, "VmHWM_kB="); found {
			return strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		}
	}
	return 0, fmt.Errorf("child printed no VmHWM: %q", out)
}

// runRSSChild loads n items (no fsync, keys in scrambled order, generated on
// the fly so the benchmark itself holds almost nothing) into a fresh
// database of the named engine in dir with default options, flushes and
// closes it, and prints the process's peak RSS (VmHWM) on stdout.
func runRSSChild(name, dir string, n int) int {
	var e engineUnderTest
	for _, ef := range engines {
		if ef.name == name {
			e = ef.make()
		}
	}
	if e == nil {
		fmt.Fprintf(os.Stderr, "bench: unknown engine %q\n", name)
		return 2
	}
	if dir == "" {
		fmt.Fprintln(os.Stderr, "bench: -rss-child needs -dir")
		return 2
	}
	fail := func(what string, err error) int {
		fmt.Fprintf(os.Stderr, "bench: %s %s: %s: %v\n", rssWorkload, name, what, err)
		return 1
	}
	if err := e.Open(dir, false); err != nil {
		return fail("open", err)
	}
	key := make([]byte, keyLen)
	t0 := time.Now()
	for i := range n {
		num := scramble(uint64(i), maxKeyNum)
		makeKey(key, num)
		if err := e.Put(key, valueFor(num)); err != nil {
			e.Close()
			return fail(fmt.Sprintf("put %d", i), err)
		}
	}
	loaded := time.Since(t0)
	if err := e.Flush(); err != nil {
		e.Close()
		return fail("flush", err)
	}
	if err := e.Close(); err != nil {
		return fail("close", err)
	}
	hwm, err := readVmHWM()
	if err != nil {
		return fail("reading /proc/self/status", err)
	}
	logf("%s: loaded %d items in %s, flush+close %s, VmHWM %.1f MiB", name, n,
		loaded.Round(time.Millisecond), (time.Since(t0) - loaded).Round(time.Millisecond), float64(hwm)/1024)
	fmt.Printf("VmHWM_kB=%d\n", hwm)
	return 0
}

// readVmHWM returns the peak resident set size of this process in KiB.
func readVmHWM() (int64, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, found := strings.CutPrefix(sc.Text(), "VmHWM:"); found {
			fields := strings.Fields(v) // "12345 kB"
			if len(fields) == 2 && fields[1] == "kB" {
				return strconv.ParseInt(fields[0], 10, 64)
			}
			return 0, fmt.Errorf("unexpected VmHWM line %q", sc.Text())
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("no VmHWM line")
}
