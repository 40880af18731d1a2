// Command shellcmp compares kstone-shell with the sqlite3 command-line shell
// on the same machine: a bulk load from a script on standard input, durable
// one-statement-at-a-time writes from such a script, and start-up times.
// Every figure is the wall time of a whole process run (exec to exit), so
// it includes start-up, opening or creating the database, parsing each
// statement and closing.
//
// Run it from inside bench/:
//
//	go run ./shellcmp [-quick] [-dir DIR] [-only bulk,autocommit,startup]
//
// Result lines go to stdout; per-run times and diagnostics go to stderr.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/keystonedb/kstone-shell/bench/internal/benchdir"
)

const (
	bulkN       = 100_000
	autocommitN = 5_000
	startupRuns = 5
)

type config struct {
	quick  bool
	dir    string
	keep   bool
	shell  string
	sqlite string
	only   map[string]bool
}

func main() {
	var cfg config
	var only string
	flag.BoolVar(&cfg.quick, "quick", false, "2 runs of bulk and autocommit instead of 3")
	flag.StringVar(&cfg.dir, "dir", "", "parent directory for the databases (default: a temp dir on a disk file system)")
	flag.BoolVar(&cfg.keep, "keep", false, "keep the databases and scripts")
	flag.StringVar(&cfg.shell, "shell", "", "a kstone-shell binary to use (default: build github.com/keystonedb/kstone-shell/cmd/kstone-shell)")
	flag.StringVar(&cfg.sqlite, "sqlite", "sqlite3", "the sqlite3 binary")
	flag.StringVar(&only, "only", "bulk,autocommit,startup", "measurements to run (comma-separated): bulk, autocommit, startup")
	flag.Parse()
	cfg.only = map[string]bool{}
	for _, s := range strings.Split(only, ",") {
		s = strings.TrimSpace(s)
		switch s {
		case "bulk", "autocommit", "startup":
			cfg.only[s] = true
		case "":
		default:
			fmt.Fprintf(os.Stderr, "shellcmp: unknown measurement %q (bulk, autocommit, startup)\n", s)
			os.Exit(2)
		}
	}
	os.Exit(run(cfg))
}

func run(cfg config) int {
	base, cleanup, err := benchdir.Prepare("shellcmp", cfg.dir, cfg.keep)
	if err != nil {
		fmt.Fprintf(os.Stderr, "shellcmp: %v\n", err)
		return 1
	}
	defer cleanup()

	b := &bench{cfg: cfg, base: base}
	if err := b.setup(); err != nil {
		fmt.Fprintf(os.Stderr, "shellcmp: %v\n", err)
		return 1
	}
	fmt.Fprintf(os.Stderr, "shellcmp: start, %s\n", benchdir.LoadAvg())
	status := 0
	for _, m := range []struct {
		name string
		fn   func() error
	}{
		{"bulk", b.bulk},
		{"autocommit", b.autocommit},
		{"startup", b.startup},
	} {
		if !cfg.only[m.name] {
			continue
		}
		if err := m.fn(); err != nil {
			fmt.Printf("%s error: %v\n", m.name, err)
			status = 1
		}
	}
	fmt.Fprintf(os.Stderr, "shellcmp: end, %s\n", benchdir.LoadAvg())
	return status
}

type bench struct {
	cfg    config
	base   string
	kstone string // kstone-shell binary
	sqlite string // sqlite3 binary
	vals   []string
}

func (b *bench) runs() int {
	if b.cfg.quick {
		return 2
	}
	return 3
}

// setup finds or builds the binaries and runs each once, untimed, so that
// neither is measured with a cold page cache for its executable.
func (b *bench) setup() error {
	var err error
	if b.sqlite, err = exec.LookPath(b.cfg.sqlite); err != nil {
		return fmt.Errorf("sqlite3 not found (apt-get install -y sqlite3): %w", err)
	}
	if b.cfg.shell != "" {
		b.kstone = b.cfg.shell
	} else {
		b.kstone = filepath.Join(b.base, "kstone-shell")
		if err := buildShell(b.kstone, b.base); err != nil {
			return err
		}
	}
	out, err := exec.Command(b.kstone, "-version").Output()
	if err != nil {
		return fmt.Errorf("%s -version: %w", b.kstone, err)
	}
	fmt.Fprintf(os.Stderr, "shellcmp: %s", out)
	out, err = exec.Command(b.sqlite, "-version").Output()
	if err != nil {
		return fmt.Errorf("%s -version: %w", b.sqlite, err)
	}
	fmt.Fprintf(os.Stderr, "shellcmp: sqlite3 %s", out)
	b.vals = values(bulkN)
	return nil
}

const shellPkg = "github.com/keystonedb/kstone-shell/cmd/kstone-shell"

// buildShell builds kstone-shell into out with the bench module (which
// replaces the main module with ../). When the bench module's go.mod or
// go.sum lags behind the main module's requirements, that build fails; it
// then builds again with -modfile pointing at a copy of bench/go.mod and
// go.sum in tmp and -mod=mod, so only the copies are updated, never the
// files in bench/.
func buildShell(out, tmp string) error {
	t := time.Now()
	var log bytes.Buffer
	cmd := exec.Command("go", "build", "-o", out, shellPkg)
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Run(); err == nil {
		fmt.Fprintf(os.Stderr, "shellcmp: built %s in %v\n", out, time.Since(t).Round(time.Millisecond))
		return nil
	}
	fmt.Fprintf(os.Stderr, "shellcmp: go build %s failed:\n%s", shellPkg, log.Bytes())
	modDir := filepath.Join(tmp, "modfile")
	if err := os.MkdirAll(modDir, 0o755); err != nil {
		return err
	}
	for _, name := range []string{"go.mod", "go.sum"} {
		data, err := os.ReadFile(name)
		if err != nil {
			return fmt.Errorf("building kstone-shell: run shellcmp from inside bench/: %w", err)
		}
		if err := os.WriteFile(filepath.Join(modDir, name), data, 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(os.Stderr, "shellcmp: building again with -modfile=%s -mod=mod (bench/go.mod and go.sum stay as they are; run go mod tidy in bench/ to fix them)\n",
		filepath.Join(modDir, "go.mod"))
	t = time.Now()
	cmd = exec.Command("go", "build", "-modfile="+filepath.Join(modDir, "go.mod"), "-mod=mod", "-o", out, shellPkg)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("building kstone-shell (or pass a binary with -shell): %w", err)
	}
	fmt.Fprintf(os.Stderr, "shellcmp: built %s in %v\n", out, time.Since(t).Round(time.Millisecond))
	return nil
}

// proc is the result of one process run.
type proc struct {
	d      time.Duration
	stdout []byte
}

// timeRun runs bin with args, stdin from the file stdin ("" for none), and
// returns the wall time from just before the start to the end of Wait and
// the standard output. A non-zero exit status is an error.
func timeRun(bin string, args []string, stdin string) (proc, error) {
	cmd := exec.Command(bin, args...)
	if stdin != "" {
		f, err := os.Open(stdin)
		if err != nil {
			return proc{}, err
		}
		defer f.Close()
		cmd.Stdin = f
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	d := time.Since(start)
	if err != nil {
		return proc{}, fmt.Errorf("%s %s: %v; stderr %q", filepath.Base(bin), strings.Join(args, " "), err, tail(stderr.Bytes(), 300))
	}
	if stderr.Len() > 0 {
		fmt.Fprintf(os.Stderr, "shellcmp: %s wrote to stderr: %q\n", filepath.Base(bin), tail(stderr.Bytes(), 300))
	}
	return proc{d: d, stdout: stdout.Bytes()}, nil
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func rate(n int, d time.Duration) float64 { return float64(n) / d.Seconds() }

// writeCompare runs the kstone and sqlite scripts runs() times each, each
// run on a fresh database, alternating which goes first, and prints the
// median statements per second.
func (b *bench) writeCompare(name string, ks, sq script) error {
	dir := filepath.Join(b.base, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var kd, sd []time.Duration
	var sync string
	for r := 0; r < b.runs(); r++ {
		kpath := filepath.Join(dir, fmt.Sprintf("kstone-%d", r))
		spath := filepath.Join(dir, fmt.Sprintf("sqlite-%d.db", r))
		runK := func() error {
			p, err := timeRun(b.kstone, []string{kpath}, ks.path)
			if err != nil {
				return err
			}
			if err := b.checkKstone(kpath, ks.n); err != nil {
				return err
			}
			kd = append(kd, p.d)
			fmt.Fprintf(os.Stderr, "shellcmp: %s run %d kstone %v (%.0f stmts/s)\n", name, r+1, p.d.Round(time.Millisecond), rate(ks.n, p.d))
			return nil
		}
		runS := func() error {
			p, err := timeRun(b.sqlite, []string{spath}, sq.path)
			if err != nil {
				return err
			}
			// The script prints the journal mode, then PRAGMA synchronous.
			f := strings.Fields(string(p.stdout))
			if len(f) != 2 || f[0] != "wal" {
				return fmt.Errorf("sqlite3: expected journal mode wal and the synchronous setting, got %q", p.stdout)
			}
			sync = f[1]
			if err := b.checkSqlite(spath, sq.n); err != nil {
				return err
			}
			sd = append(sd, p.d)
			fmt.Fprintf(os.Stderr, "shellcmp: %s run %d sqlite %v (%.0f stmts/s)\n", name, r+1, p.d.Round(time.Millisecond), rate(sq.n, p.d))
			return nil
		}
		first, second := runK, runS
		if r%2 == 1 {
			first, second = runS, runK
		}
		if err := first(); err != nil {
			return err
		}
		if err := second(); err != nil {
			return err
		}
		os.RemoveAll(kpath)
		os.Remove(spath)
		os.Remove(spath + "-wal")
		os.Remove(spath + "-shm")
	}
	km, sm := median(kd), median(sd)
	kr, sr := rate(ks.n, km), rate(sq.n, sm)
	fmt.Printf("%s kstone=%.0f sqlite=%.0f ratio=%.2f kstone_time=%v sqlite_time=%v stmts=%d runs=%d sqlite_synchronous=%s\n",
		name, kr, sr, kr/sr, km.Round(time.Millisecond), sm.Round(time.Millisecond), ks.n, b.runs(), syncName(sync))
	return nil
}

func syncName(s string) string {
	names := map[string]string{"0": "OFF", "1": "NORMAL", "2": "FULL", "3": "EXTRA"}
	if n, ok := names[s]; ok {
		return s + "(" + n + ")"
	}
	return s
}

// checkKstone checks that the first and the last key are in the database.
func (b *bench) checkKstone(path string, n int) error {
	for _, k := range []string{key(1), key(n)} {
		p, err := timeRun(b.kstone, []string{path, "-c", "get " + k}, "")
		if err != nil {
			return fmt.Errorf("checking %s: %w", path, err)
		}
		if !bytes.Contains(p.stdout, []byte(`"`+k+`"`)) {
			return fmt.Errorf("checking %s: get %s printed %q", path, k, tail(p.stdout, 200))
		}
	}
	return nil
}

// checkSqlite checks that the table holds n rows.
func (b *bench) checkSqlite(path string, n int) error {
	p, err := timeRun(b.sqlite, []string{path, "SELECT count(*) FROM t"}, "")
	if err != nil {
		return fmt.Errorf("checking %s: %w", path, err)
	}
	if got := strings.TrimSpace(string(p.stdout)); got != fmt.Sprint(n) {
		return fmt.Errorf("checking %s: %d rows expected, got %q", path, n, got)
	}
	return nil
}

func (b *bench) bulk() error {
	ks, err := kstoneScript(filepath.Join(b.base, "bulk.kst"), b.vals, bulkN, true, false)
	if err != nil {
		return err
	}
	sq, err := sqliteScript(filepath.Join(b.base, "bulk.sql"), b.vals, bulkN, true)
	if err != nil {
		return err
	}
	return b.writeCompare("bulk", ks, sq)
}

func (b *bench) autocommit() error {
	ks, err := kstoneScript(filepath.Join(b.base, "autocommit.kst"), b.vals, autocommitN, false, false)
	if err != nil {
		return err
	}
	sq, err := sqliteScript(filepath.Join(b.base, "autocommit.sql"), b.vals, autocommitN, false)
	if err != nil {
		return err
	}
	return b.writeCompare("autocommit", ks, sq)
}

// startup measures, as medians of startupRuns runs:
//
//   - startup-cmd-new: kstone-shell NEWPATH -c .tables (creates the
//     database) and sqlite3 NEWPATH 'SELECT 1' (sqlite3 creates no file for
//     a read-only statement); a path that does not exist, fresh each run;
//   - startup-cmd-empty / startup-cmd-100k: the same commands on an empty
//     database and on one holding 100k items (kstone: loaded relaxed, then
//     .sync and .flush; sqlite: the bulk script);
//   - first-get-100k: the first statement that reads an item,
//     kstone-shell PATH -c 'get key0000000000001' and
//     sqlite3 PATH "SELECT v FROM t WHERE k='key0000000000001'";
//   - first-prompt-empty / first-prompt-100k: the interactive shell on a
//     pseudo-terminal (kstone-shell's terminal app, sqlite3's readline
//     prompt), from the start until its prompt ("kstone>", "sqlite>")
//     has been written; then ctrl-d ends it, untimed.
func (b *bench) startup() error {
	dir := filepath.Join(b.base, "startup")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	kEmpty, sEmpty := filepath.Join(dir, "kstone-empty"), filepath.Join(dir, "sqlite-empty.db")
	k100k, s100k := filepath.Join(dir, "kstone-100k"), filepath.Join(dir, "sqlite-100k.db")
	if _, err := timeRun(b.kstone, []string{kEmpty, "-c", ".tables"}, ""); err != nil {
		return err
	}
	if _, err := timeRun(b.sqlite, []string{sEmpty, "PRAGMA journal_mode=WAL; CREATE TABLE t(k TEXT PRIMARY KEY, v TEXT);"}, ""); err != nil {
		return err
	}
	ks, err := kstoneScript(filepath.Join(b.base, "load-flush.kst"), b.vals, bulkN, true, true)
	if err != nil {
		return err
	}
	if _, err := timeRun(b.kstone, []string{k100k}, ks.path); err != nil {
		return err
	}
	if err := b.checkKstone(k100k, bulkN); err != nil {
		return err
	}
	sq, err := sqliteScript(filepath.Join(b.base, "load.sql"), b.vals, bulkN, true)
	if err != nil {
		return err
	}
	if _, err := timeRun(b.sqlite, []string{s100k}, sq.path); err != nil {
		return err
	}
	if err := b.checkSqlite(s100k, bulkN); err != nil {
		return err
	}

	get := "get " + key(1)
	sel := fmt.Sprintf("SELECT v FROM t WHERE k='%s'", key(1))
	type side struct {
		args   func(i int) []string
		expect string // in stdout
		prompt string // for a pseudo-terminal run: the prompt to wait for
	}
	cases := []struct {
		name           string
		kstone, sqlite side
	}{
		{"startup-cmd-new",
			side{args: func(i int) []string {
				return []string{filepath.Join(dir, fmt.Sprintf("kstone-new-%d", i)), "-c", ".tables"}
			}},
			side{args: func(i int) []string {
				return []string{filepath.Join(dir, fmt.Sprintf("sqlite-new-%d.db", i)), "SELECT 1"}
			}}},
		{"startup-cmd-empty",
			side{args: func(int) []string { return []string{kEmpty, "-c", ".tables"} }},
			side{args: func(int) []string { return []string{sEmpty, "SELECT 1"} }}},
		{"startup-cmd-100k",
			side{args: func(int) []string { return []string{k100k, "-c", ".tables"} }},
			side{args: func(int) []string { return []string{s100k, "SELECT 1"} }}},
		{"first-get-100k",
			side{args: func(int) []string { return []string{k100k, "-c", get} }, expect: key(1)},
			side{args: func(int) []string { return []string{s100k, sel} }, expect: b.vals[0]}},
		{"first-prompt-empty",
			side{args: func(int) []string { return []string{kEmpty} }, prompt: "kstone>"},
			side{args: func(int) []string { return []string{sEmpty} }, prompt: "sqlite>"}},
		{"first-prompt-100k",
			side{args: func(int) []string { return []string{k100k} }, prompt: "kstone>"},
			side{args: func(int) []string { return []string{s100k} }, prompt: "sqlite>"}},
	}
	var errs []error
	for _, c := range cases {
		var kd, sd []time.Duration
		one := func(bin string, s side, i int) (time.Duration, error) {
			if s.prompt != "" {
				return timeToPrompt(bin, s.args(i), s.prompt, "\x04") // ctrl-d on an empty line
			}
			p, err := timeRun(bin, s.args(i), "")
			if err != nil {
				return 0, err
			}
			if !bytes.Contains(p.stdout, []byte(s.expect)) {
				return 0, fmt.Errorf("%s: %q not in the output %q", c.name, s.expect, tail(p.stdout, 200))
			}
			return p.d, nil
		}
		var err error
		for i := 0; i < startupRuns && err == nil; i++ {
			var d time.Duration
			if d, err = one(b.kstone, c.kstone, i); err == nil {
				kd = append(kd, d)
				if d, err = one(b.sqlite, c.sqlite, i); err == nil {
					sd = append(sd, d)
				}
			}
		}
		if err != nil {
			fmt.Printf("%s error: %v\n", c.name, err)
			errs = append(errs, err)
			continue
		}
		fmt.Fprintf(os.Stderr, "shellcmp: %s kstone %v sqlite %v\n", c.name, roundAll(kd), roundAll(sd))
		fmt.Printf("%s kstone=%v sqlite=%v runs=%d\n", c.name, median(kd).Round(10*time.Microsecond), median(sd).Round(10*time.Microsecond), startupRuns)
	}
	if len(errs) > 0 {
		return fmt.Errorf("%d startup measurement(s) failed", len(errs))
	}
	return nil
}

func roundAll(ds []time.Duration) []time.Duration {
	out := make([]time.Duration, len(ds))
	for i, d := range ds {
		out[i] = d.Round(10 * time.Microsecond)
	}
	return out
}
