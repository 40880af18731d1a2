package engine

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keystonedb/kstone-shell/engine/item"
)

// soak reports whether long runs were asked for (KSTONE_SOAK=1).
func soak() bool { return os.Getenv("KSTONE_SOAK") != "" }

const crashChildEnv = "KSTONE_CRASH_CHILD"

// crashOptions force frequent flushes, segment rotation and compactions,
// so kills land in the middle of them too.
var crashOptions = Options{MemtableRecordThreshold: 64, CompactionThreshold: 2}

// TestCrashChild is the child process of TestCrashRecovery: four writers
// doing synced puts, each acknowledged put printed as "ack KEY VERSION".
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashChildEnv)
	if dir == "" {
		t.Skip("runs only as the child of TestCrashRecovery")
	}
	opts := crashOptions
	db, err := OpenOrCreate(dir, &opts)
	if err != nil {
		fmt.Printf("open-failed %v\n", err)
		os.Exit(3)
	}
	round := os.Getenv("KSTONE_CRASH_ROUND")
	// Versions grow across rounds, so a counter never goes back.
	r, _ := strconv.Atoi(round)
	first := r * 10_000_000
	var out sync.Mutex
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; ; i++ {
				// A fresh key, and an overwritten per-writer counter.
				pk := fmt.Sprintf("r%s-g%d-%d", round, g, i)
				if i%2 == 1 {
					pk = fmt.Sprintf("ctr-g%d", g)
				}
				if err := db.Put(testItem(pk, first+i)); err != nil {
					fmt.Printf("put-failed %v\n", err)
					os.Exit(4)
				}
				out.Lock()
				fmt.Fprintf(os.Stdout, "ack %s %d\n", pk, first+i)
				out.Unlock()
			}
		}(g)
	}
	wg.Wait()
}

// TestCrashRecovery kills a writing child process with SIGKILL at random
// moments and checks that every acknowledged write survives.
func TestCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	rounds := 20
	if soak() {
		rounds = 300
	}
	dir := t.TempDir() + "/crash.keystone"
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 3))
	acked := map[string]int{} // key -> newest acknowledged version
	total := 0
	for round := 0; round < rounds; round++ {
		n := runCrashChild(t, dir, round, time.Duration(20+rng.IntN(250))*time.Millisecond, acked)
		total += n
		opts := crashOptions
		db, err := Open(dir, &opts)
		if err != nil {
			t.Fatalf("round %d: reopen after SIGKILL: %v", round, err)
		}
		for pk, v := range acked {
			got, err := db.Get(K(pk))
			if err != nil {
				t.Fatalf("round %d: acknowledged key %s (version %d) lost: %v", round, pk, v, err)
			}
			gv, _ := got["version"].(item.N).Int64()
			if strings.HasPrefix(pk, "ctr-") {
				if int(gv) < v {
					t.Fatalf("round %d: %s has version %d, older than acknowledged %d", round, pk, gv, v)
				}
				acked[pk] = int(gv)
				continue
			}
			if !item.ItemsEqual(got, testItem(pk, v)) {
				t.Fatalf("round %d: %s reads back %s", round, pk, item.ItemToJSON(got))
			}
		}
		checkNoDuplicates(t, db, round)
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%d rounds, %d acknowledged writes, all found after SIGKILL", rounds, total)
}

// runCrashChild runs one child for about d, kills it and records its acks.
func runCrashChild(t *testing.T, dir string, round int, d time.Duration, acked map[string]int) int {
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+dir, "KSTONE_CRASH_ROUND="+strconv.Itoa(round))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 1024)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	timer := time.After(d)
	n := 0
	killed := false
	for {
		select {
		case <-timer:
			cmd.Process.Kill()
			killed = true
			timer = nil
		case line, ok := <-lines:
			if !ok {
				cmd.Wait()
				if !killed {
					t.Fatalf("round %d: child exited on its own", round)
				}
				return n
			}
			f := strings.Fields(line)
			if len(f) != 3 || f[0] != "ack" {
				if strings.HasPrefix(line, "open-failed") || strings.HasPrefix(line, "put-failed") {
					t.Fatalf("round %d: child: %s", round, line)
				}
				continue
			}
			v, _ := strconv.Atoi(f[2])
			acked[f[1]] = v
			n++
		}
	}
}

// checkNoDuplicates scans the table: a key seen twice means a compaction
// was half applied.
func checkNoDuplicates(t *testing.T, db *DB, round int) {
	tb, _ := db.Table(DefaultTable)
	it, err := tb.ScanIter(ScanInput{})
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	seen := map[string]bool{}
	for it.Next() {
		k, _ := it.Key()
		if seen[k.String()] {
			t.Fatalf("round %d: key %s appears twice", round, k)
		}
		seen[k.String()] = true
	}
	if err := it.Err(); err != nil {
		t.Fatalf("round %d: scan: %v", round, err)
	}
}
