// Package examples_test runs the examples the way their comments say to:
// every examples/*.kst script through the real kstone-shell binary (in a
// fresh directory and database, twice), the embed program, and the load
// generator piped into the shell.
package examples_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// Binaries built once by TestMain.
var (
	shellBin   string
	embedBin   string
	loadgenBin string
)

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "kstone-examples-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := func() int {
		defer os.RemoveAll(dir)
		for _, b := range []struct {
			out *string
			pkg string
		}{
			{&shellBin, "github.com/keystonedb/kstone-shell/cmd/kstone-shell"},
			{&embedBin, "github.com/keystonedb/kstone-shell/examples/embed"},
			{&loadgenBin, "github.com/keystonedb/kstone-shell/examples/loadgen"},
		} {
			*b.out = filepath.Join(dir, filepath.Base(b.pkg))
			cmd := exec.Command(goTool(), "build", "-o", *b.out, b.pkg)
			if out, err := cmd.CombinedOutput(); err != nil {
				fmt.Fprintf(os.Stderr, "go build %s: %v\n%s", b.pkg, err, out)
				return 1
			}
		}
		return m.Run()
	}()
	os.Exit(code)
}

// goTool returns the go command of the toolchain running the test.
func goTool() string {
	if p := filepath.Join(runtime.GOROOT(), "bin", "go"); fileExists(p) {
		return p
	}
	return "go"
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// result is what a command did.
type result struct {
	stdout, stderr string
	code           int
}

// run runs a binary in dir with stdin, without the environment variables
// that would change what it prints (KSTONE_LOG) or where (KSTONE_DB).
func run(t *testing.T, dir, stdin, bin string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "KSTONE_LOG=") && !strings.HasPrefix(e, "KSTONE_DB=") {
			cmd.Env = append(cmd.Env, e)
		}
	}
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("%s %s: %v", filepath.Base(bin), strings.Join(args, " "), err)
		}
		r.code = ee.ExitCode()
	}
	return r
}

// mustSucceed fails the test unless r has exit status 0 and no stderr.
func mustSucceed(t *testing.T, what string, r result) {
	t.Helper()
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("%s: exit status %d, stderr:\n%s", what, r.code, r.stderr)
	}
}

// TestScripts runs every examples/*.kst as its comment says (kstone-shell
// DB -f SCRIPT, in a scratch directory), twice on the same database: both
// runs must exit 0 and print nothing to stderr.
func TestScripts(t *testing.T) {
	scripts, err := filepath.Glob("*.kst")
	if err != nil {
		t.Fatal(err)
	}
	if len(scripts) < 4 {
		t.Fatalf("found only %d example scripts: %v", len(scripts), scripts)
	}
	for _, script := range scripts {
		abs, err := filepath.Abs(script)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(strings.TrimSuffix(script, ".kst"), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			first := run(t, dir, "", shellBin, "demo.keystone", "-f", abs)
			mustSucceed(t, "first run", first)
			if first.stdout == "" {
				t.Errorf("first run printed nothing")
			}
			check := checks[script]
			if check != nil {
				check(t, dir, first.stdout)
			}
			second := run(t, dir, "", shellBin, "demo.keystone", "-f", abs)
			mustSucceed(t, "second run", second)
			if sameTwice[script] && second.stdout != first.stdout {
				t.Errorf("the second run printed something else:\n--- first\n%s--- second\n%s", first.stdout, second.stdout)
			}
			if check != nil {
				check(t, dir, second.stdout)
			}
		})
	}
}

// sameTwice: scripts that print the same thing on every run.
var sameTwice = map[string]bool{"quickstart.kst": true, "export-import.kst": true}

// checks: what else a script must have done, after each run.
var checks = map[string]func(t *testing.T, dir, stdout string){
	"export-import.kst": func(t *testing.T, dir, _ string) {
		for _, ext := range []string{"jsonl", "csv", "ddb"} {
			exported, err := os.ReadFile(filepath.Join(dir, "users."+ext))
			if err != nil {
				t.Fatal(err)
			}
			again, err := os.ReadFile(filepath.Join(dir, "roundtrip."+ext))
			if err != nil {
				t.Fatal(err)
			}
			if len(bytes.Split(bytes.TrimSpace(exported), []byte("\n"))) < 4 {
				t.Errorf("users.%s holds fewer than 4 items:\n%s", ext, exported)
			}
			if !bytes.Equal(exported, again) {
				t.Errorf("users.%s and roundtrip.%s differ:\n%s---\n%s", ext, ext, exported, again)
			}
		}
	},
	"migration.kst": func(t *testing.T, dir, stdout string) {
		// Three scans of three users (before, after, after again), then the
		// ledger.
		lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
		if len(lines) != 10 {
			t.Fatalf("want 10 lines (3 scans of 3 users and the ledger), got %d:\n%s", len(lines), stdout)
		}
		before, after, again := lines[0:3], lines[3:6], lines[6:9]
		if strings.Join(after, "\n") != strings.Join(again, "\n") {
			t.Errorf("the second migration changed the users:\n%s\n---\n%s", strings.Join(after, "\n"), strings.Join(again, "\n"))
		}
		if strings.Join(before, "\n") == strings.Join(after, "\n") {
			t.Errorf("the migration changed nothing:\n%s", strings.Join(before, "\n"))
		}
		for _, l := range after {
			for _, want := range []string{`"schema_version":2`, `"name":`, `"status":`, `"location":{"city":`} {
				if !strings.Contains(l, want) {
					t.Errorf("migrated user lacks %s: %s", want, l)
				}
			}
			for _, gone := range []string{`"fullname"`, `"address"`} {
				if strings.Contains(l, gone) {
					t.Errorf("migrated user still has %s: %s", gone, l)
				}
			}
		}
		// The steps alone, a third time, on the migrated database: still
		// no error, still no change.
		steps, err := filepath.Abs(filepath.Join("migration", "v2.kst"))
		if err != nil {
			t.Fatal(err)
		}
		mustSucceed(t, "migration/v2.kst on migrated data", run(t, dir, "", shellBin, "demo.keystone", "-f", steps))
		scan := run(t, dir, "", shellBin, "-c", `scan filter begins_with(pk, "user#")`, "demo.keystone")
		mustSucceed(t, "scan", scan)
		if got := strings.TrimSuffix(scan.stdout, "\n"); got != strings.Join(after, "\n") {
			t.Errorf("migration/v2.kst run alone changed the users:\n%s\n---\n%s", strings.Join(after, "\n"), got)
		}
	},
}

// TestEmbed runs the embedding example, on a fresh temporary database and
// twice on one it keeps (the second time every conditional put fails, as
// it should).
func TestEmbed(t *testing.T) {
	t.Parallel()
	r := run(t, t.TempDir(), "", embedBin)
	mustSucceed(t, "embed", r)
	for _, want := range []string{
		"put order#003\n",
		`update order#002 -> {"lines":["book","pen","ink"],"pk":"customer#42","revisions":1,"sk":"order#002","status":"paid","total":7.5}`,
		"query: read 3 items, 2 matched the filter\n",
		"errors.Is(err, ErrKeyNotFound) = true",
		"health: Healthy\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("embed output lacks %q:\n%s", want, r.stdout)
		}
	}
	dir := t.TempDir()
	mustSucceed(t, "embed -db", run(t, dir, "", embedBin, "-db", "kept.keystone"))
	again := run(t, dir, "", embedBin, "-db", "kept.keystone")
	mustSucceed(t, "embed -db, again", again)
	if !strings.Contains(again.stdout, "put order#001: already there") || !strings.Contains(again.stdout, "update order#002: not open any more") {
		t.Errorf("second run on the same database:\n%s", again.stdout)
	}
}

// TestLoadgen checks that examples/loadgen.kst is the generator's output
// and pipes a generated load into the shell.
func TestLoadgen(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	gen := run(t, dir, "", loadgenBin, "-n", "2000", "-size", "16")
	mustSucceed(t, "loadgen", gen)
	committed, err := os.ReadFile("loadgen.kst")
	if err != nil {
		t.Fatal(err)
	}
	if gen.stdout != string(committed) {
		t.Errorf("examples/loadgen.kst is stale: regenerate it with\n  go run ./examples/loadgen -n 2000 -size 16 > examples/loadgen.kst")
	}

	n, flush := "20000", "5000"
	if testing.Short() {
		n, flush = "50", "20"
	}
	load := run(t, dir, "", loadgenBin, "-n", n, "-flush-every", flush, "-zipf", "1.1", "-seed", "7")
	mustSucceed(t, "loadgen -n "+n, load)
	piped := run(t, dir, load.stdout, shellBin, "load.keystone")
	mustSucceed(t, "loadgen | kstone-shell", piped)
	if piped.stdout == "" {
		t.Errorf("the load's gets and queries printed nothing")
	}
	health := run(t, dir, "", shellBin, "health", "load.keystone")
	mustSucceed(t, "kstone-shell health", health)
	if health.stdout != "Healthy\n" {
		t.Errorf("health after the load: %q", health.stdout)
	}

	// Synced durability, no relaxed/.sync pair.
	synced := run(t, dir, "", loadgenBin, "-n", "50", "-sync")
	if strings.Contains(synced.stdout, ".durability") {
		t.Errorf("-sync still switches durability:\n%s", synced.stdout)
	}
	mustSucceed(t, "loadgen -sync | kstone-shell", run(t, dir, synced.stdout, shellBin, "synced.keystone"))
}
