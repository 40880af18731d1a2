package engine

import (
	"bufio"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/keystonedb/kstone-shell/engine/internal/vfs"
	"github.com/keystonedb/kstone-shell/engine/item"
)

// Bank test: money moves between accounts and is never created or lost.
// There are no cross-item transactions, so the bank is ONE item holding
// every account as an attribute (a00 … a19) and a transfer counter; a
// transfer is one UpdateItem, an atomic read-modify-write of that item:
//
//	SET #src = #src - :x, #dst = #dst + :x, #n = #n + :one   IF #src >= :x
//
// Invariants: the balances always sum to bankAccounts × bankStart, none is
// negative, and the counter counts the transfers applied. After a crash the
// counter is at least the last acknowledged one.

const (
	bankAccounts = 20
	bankStart    = 1000
	bankTotal    = bankAccounts * bankStart
)

var bankKey = item.Item{"pk": item.S("bank")}

func bankAccount(i int) string { return fmt.Sprintf("a%02d", i) }

func bankInit(db *DB) error {
	it := item.Item{"pk": item.S("bank"), "transfers": item.NFromInt64(0)}
	for i := 0; i < bankAccounts; i++ {
		it[bankAccount(i)] = item.NFromInt64(bankStart)
	}
	_, err := db.PutItem(PutItemRequest{Item: it, ConditionExpression: "attribute_not_exists(pk)"})
	return err
}

// bankTransfer moves a random amount between two random accounts. It
// returns the counter after the transfer, 0 when the source lacked the
// funds (ConditionalCheckFailed), or an error.
func bankTransfer(db *DB, rng *rand.Rand) (int64, error) {
	src := rng.IntN(bankAccounts)
	dst := (src + 1 + rng.IntN(bankAccounts-1)) % bankAccounts
	amt := int64(1 + rng.IntN(200))
	resp, err := db.UpdateItem(UpdateItemRequest{
		Key:                 bankKey,
		UpdateExpression:    "SET #s = #s - :x, #d = #d + :x, #n = #n + :one",
		ConditionExpression: "#s >= :x",
		Bindings: Bindings{
			Names:  map[string]string{"#s": bankAccount(src), "#d": bankAccount(dst), "#n": "transfers"},
			Values: map[string]item.Value{":x": item.NFromInt64(amt), ":one": item.NFromInt64(1)},
		},
		ReturnValues: ReturnUpdatedNew,
	})
	if errors.Is(err, ErrConditionalCheckFailed) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	n, ok := resp.Item["transfers"].(item.N)
	if !ok {
		return 0, fmt.Errorf("UPDATED_NEW has no transfer counter: %s", item.ItemToJSON(resp.Item))
	}
	c, _ := n.Int64()
	return c, nil
}

// bankCheck verifies the bank item and returns its transfer counter.
func bankCheck(it item.Item) (int64, error) {
	if it == nil {
		return 0, errors.New("the bank item is missing")
	}
	var sum int64
	for i := 0; i < bankAccounts; i++ {
		n, ok := it[bankAccount(i)].(item.N)
		if !ok {
			return 0, fmt.Errorf("account %s missing: %s", bankAccount(i), item.ItemToJSON(it))
		}
		v, ok := n.Int64()
		if !ok || v < 0 {
			return 0, fmt.Errorf("account %s holds %s", bankAccount(i), n)
		}
		sum += v
	}
	if sum != bankTotal {
		return 0, fmt.Errorf("balances sum to %d, want %d: %s", sum, bankTotal, item.ItemToJSON(it))
	}
	n, ok := it["transfers"].(item.N)
	if !ok {
		return 0, fmt.Errorf("no transfer counter: %s", item.ItemToJSON(it))
	}
	c, _ := n.Int64()
	return c, nil
}

func bankRead(db *DB) (int64, error) {
	resp, err := db.GetItem(GetItemRequest{Key: bankKey})
	if err != nil {
		return 0, err
	}
	return bankCheck(resp.Item)
}

// bankOptions flush and compact the one item all the time.
var bankOptions = Options{MemtableRecordThreshold: 32, CompactionThreshold: 2}

// bankAtomicMax raises m to v.
func bankAtomicMax(m *atomic.Int64, v int64) {
	for {
		cur := m.Load()
		if v <= cur || m.CompareAndSwap(cur, v) {
			return
		}
	}
}

// TestBankInvariant runs transfers from several goroutines against a
// checker that reads the bank continuously, and takes power-loss images
// along the way: each must hold a consistent bank with every transfer
// acknowledged before the image.
func TestBankInvariant(t *testing.T) {
	d := time.Second
	if soak() {
		d = 20 * time.Second
	}
	mem := vfs.NewMem()
	opts := bankOptions
	db := mustCreate(t, mem, opts)
	sweepMust(t, bankInit(db))
	var applied, acked atomic.Int64
	var stop atomic.Bool
	var wg sync.WaitGroup
	errc := make(chan error, 16)
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(g), uint64(time.Now().UnixNano())))
			for !stop.Load() {
				c, err := bankTransfer(db, rng)
				if err != nil {
					errc <- fmt.Errorf("transfer: %w", err)
					return
				}
				if c > 0 {
					applied.Add(1)
					bankAtomicMax(&acked, c)
				}
			}
		}(g)
	}
	checks := 0
	wg.Add(1)
	go func() {
		defer wg.Done()
		last := int64(0)
		for !stop.Load() {
			c, err := bankRead(db)
			if err != nil {
				errc <- fmt.Errorf("checker: %w", err)
				return
			}
			if c < last {
				errc <- fmt.Errorf("checker: transfer counter went back from %d to %d", last, c)
				return
			}
			last = c
			checks++
		}
	}()
	type image struct {
		fs    *vfs.MemFS
		acked int64
	}
	var images []image
	deadline := time.Now().Add(d)
	for i := 0; time.Now().Before(deadline); i++ {
		time.Sleep(d / 8)
		a := acked.Load()
		images = append(images, image{mem.CrashClone(vfs.CrashOptions{Rand: rand.New(rand.NewPCG(uint64(i), 7))}), a})
	}
	stop.Store(true)
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	c, err := bankRead(db)
	if err != nil {
		t.Fatal(err)
	}
	if c != applied.Load() {
		t.Fatalf("transfer counter %d, but %d transfers succeeded", c, applied.Load())
	}
	st := db.Stats()
	sweepMust(t, db.Close())
	for i, img := range images {
		o := opts
		o.FS = img.fs
		db, err := Open("/db", &o)
		if err != nil {
			t.Fatalf("power-loss image %d: Open: %v", i, err)
		}
		got, err := bankRead(db)
		if err != nil {
			t.Fatalf("power-loss image %d: %v", i, err)
		}
		if got < img.acked {
			t.Fatalf("power-loss image %d: %d transfers, but %d were acknowledged before it", i, got, img.acked)
		}
		db.Close()
	}
	t.Logf("bank: %d transfers in %s by 4 goroutines, %d consistent reads, %d flushes, %d compactions; %d power-loss images consistent",
		c, d, checks, st.Flushes, st.Compaction.Count, len(images))
}

const bankChildEnv = "KSTONE_BANK_CHILD"

// TestBankChild is the child process of TestBankCrash: four goroutines
// doing synced transfers, each acknowledged one printed as "ack COUNTER",
// and a checker that exits with "bad-bank" if the invariant breaks.
func TestBankChild(t *testing.T) {
	dir := os.Getenv(bankChildEnv)
	if dir == "" {
		t.Skip("runs only as the child of TestBankCrash")
	}
	opts := bankOptions
	db, err := Open(dir, &opts)
	if err != nil {
		fmt.Printf("open-failed %v\n", err)
		os.Exit(3)
	}
	var out sync.Mutex
	for g := 0; g < 4; g++ {
		go func(g int) {
			rng := rand.New(rand.NewPCG(uint64(g), uint64(time.Now().UnixNano())))
			for {
				c, err := bankTransfer(db, rng)
				if err != nil {
					fmt.Printf("transfer-failed %v\n", err)
					os.Exit(4)
				}
				if c > 0 {
					out.Lock()
					fmt.Fprintf(os.Stdout, "ack %d\n", c)
					out.Unlock()
				}
			}
		}(g)
	}
	for {
		if _, err := bankRead(db); err != nil {
			fmt.Printf("bad-bank %v\n", err)
			os.Exit(5)
		}
	}
}

// TestBankCrash kills a child doing transfers with SIGKILL at random
// moments; after each kill the bank must be consistent and hold every
// acknowledged transfer.
func TestBankCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	rounds := 10
	if soak() {
		rounds = 200
	}
	dir := t.TempDir() + "/bank.keystone"
	opts := bankOptions
	db, err := Create(dir, &opts)
	if err != nil {
		t.Fatal(err)
	}
	sweepMust(t, bankInit(db))
	sweepMust(t, db.Close())
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 5))
	var maxAcked, last int64
	ackLines := 0
	for round := 0; round < rounds; round++ {
		a, n := runBankChild(t, dir, round, time.Duration(50+rng.IntN(250))*time.Millisecond)
		maxAcked = max(maxAcked, a)
		ackLines += n
		db, err := Open(dir, &opts)
		if err != nil {
			t.Fatalf("round %d: reopen after SIGKILL: %v", round, err)
		}
		c, err := bankRead(db)
		if err != nil {
			t.Fatalf("round %d: after SIGKILL: %v", round, err)
		}
		if c < maxAcked {
			t.Fatalf("round %d: %d transfers applied, but transfer %d was acknowledged", round, c, maxAcked)
		}
		if c < last {
			t.Fatalf("round %d: transfer counter went back from %d to %d", round, last, c)
		}
		last = c
		sweepMust(t, db.Close())
	}
	t.Logf("bank crash: %d SIGKILL rounds, %d transfers applied (%d acknowledged), balances consistent after every kill", rounds, last, ackLines)
}

// runBankChild runs one child for about d, kills it and returns the
// largest acknowledged counter and the number of acknowledgements.
func runBankChild(t *testing.T, dir string, round int, d time.Duration) (maxAck int64, acks int) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestBankChild$")
	cmd.Env = append(os.Environ(), bankChildEnv+"="+dir)
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
				return maxAck, acks
			}
			if c, found := strings.CutPrefix(line, "ack "); found {
				v, err := strconv.ParseInt(c, 10, 64)
				if err != nil {
					t.Fatalf("round %d: child printed %q", round, line)
				}
				maxAck = max(maxAck, v)
				acks++
				continue
			}
			for _, p := range []string{"open-failed", "transfer-failed", "bad-bank"} {
				if strings.HasPrefix(line, p) {
					cmd.Process.Kill()
					t.Fatalf("round %d: child: %s", round, line)
				}
			}
		}
	}
}
