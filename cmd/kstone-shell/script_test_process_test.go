package main

// End-to-end tests of the binary that do not fit the data-driven cases of
// script_test.go: output that holds sizes or versions, a database locked by
// this very process, and what pipe mode does without a terminal.

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/keystonedb/kstone-shell/engine"
)

// scriptFile writes a script into dir and returns its path.
func scriptFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func wantRun(t *testing.T, r result, exit int, what string) {
	t.Helper()
	if r.exit != exit {
		t.Fatalf("%s: exit status %d, want %d\nstdout:\n%s\nstderr:\n%s", what, r.exit, exit, r.stdout, r.stderr)
	}
}

func TestVersion(t *testing.T) {
	dir := t.TempDir()
	r := invoke(t, dir, "", "--version")
	wantRun(t, r, 0, "--version")
	re := regexp.MustCompile(`^kstone-shell ` + regexp.QuoteMeta(version) + `( \([0-9a-f]{12}\))? go\S+\n$`)
	if !re.MatchString(r.stdout) {
		t.Errorf("--version printed %q, want a match of %s", r.stdout, re)
	}
	if r.stderr != "" {
		t.Errorf("--version wrote to stderr: %q", r.stderr)
	}
}

// TestStatsSubcommand checks that stats runs and reports the memtables; its
// numbers are sizes, so they are not compared.
func TestStatsSubcommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "s.keystone")
	wantRun(t, invoke(t, dir, "", "-c", `put {"pk": "a", "v": 1}`, "-c", `put {"pk": "b", "v": 2}`, db), 0, "put")
	r := invoke(t, dir, "", "stats", db)
	wantRun(t, r, 0, "stats")
	if !regexp.MustCompile(`(?m)^memtables +2 records, `).MatchString(r.stdout) {
		t.Errorf("stats printed no \"memtables  2 records, …\" line:\n%s", r.stdout)
	}
	if r.stderr != "" {
		t.Errorf("stats wrote to stderr: %q", r.stderr)
	}
	// The dot command prints the same report.
	r = invoke(t, dir, "", "-c", ".stats", db)
	wantRun(t, r, 0, ".stats")
	if !regexp.MustCompile(`(?m)^memtables +2 records, `).MatchString(r.stdout) {
		t.Errorf(".stats printed no \"memtables  2 records, …\" line:\n%s", r.stdout)
	}
	wantRun(t, invoke(t, dir, "", "stats", filepath.Join(dir, "missing.keystone")), 3, "stats of a missing database")
}

// TestCompactSubcommand compacts real SSTs (the data-driven sub_compact
// case has none, so that its counts do not depend on the SST format).
func TestCompactSubcommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "c.keystone")
	for i := range 5 {
		// Several flushes make several SSTs in the stripe of "k".
		wantRun(t, invoke(t, dir, "", "-c", fmt.Sprintf(`put {"pk": "k", "v": %d}`, i), "-c", `put {"pk": "gone"}; delete gone; .flush`, db), 0, "put and flush")
	}
	r := invoke(t, dir, "", "compact", db)
	wantRun(t, r, 0, "compact")
	if !regexp.MustCompile(`^Compacted: [0-9]+ SSTs \([0-9]+ bytes\) in all; [0-9]+ bytes reclaimed\n$`).MatchString(r.stdout) {
		t.Errorf("compact printed %q", r.stdout)
	}
	r = invoke(t, dir, "", "scan", db)
	wantRun(t, r, 0, "scan after compact")
	if r.stdout != `{"pk":"k","v":4}`+"\n" {
		t.Errorf("after compact, scan printed %q, want only k with v 4", r.stdout)
	}
}

// TestDatabaseLocked holds the database open in this process: the shell,
// in every mode, must fail with exit status 3 and run nothing.
func TestDatabaseLocked(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "locked.keystone")
	db, err := engine.OpenOrCreate(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	closed := false
	defer func() {
		if !closed {
			db.Close()
		}
	}()
	script := scriptFile(t, dir, "put.kst", `put {"pk": "should-not-exist"}`+"\n")
	want := fmt.Sprintf("Error: Database locked: %s is in use by process %d\n", path, os.Getpid())
	for _, args := range [][]string{
		{path},
		{"-c", `put {"pk": "should-not-exist"}`, path},
		{"-f", script, path},
		{"get", path, "a"},
		{"put", path, "should-not-exist", "{}"},
		{"stats", path},
		{"health", path},
	} {
		r := invoke(t, dir, script, args...)
		if r.exit != 3 || r.stderr != want || r.stdout != "" {
			t.Errorf("kstone-shell %q on a locked database: exit %d, stdout %q, stderr %q; want exit 3, stderr %q",
				args, r.exit, r.stdout, r.stderr, want)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	closed = true
	r := invoke(t, dir, "", "-c", "scan", path)
	wantRun(t, r, 0, "scan after the lock was released")
	if r.stdout != "" {
		t.Errorf("a statement ran although the database was locked: %q", r.stdout)
	}
}

// TestNoTTYAvailable: no controlling terminal (a new session) and stdin
// from /dev/null: pipe mode with no input does nothing and succeeds.
func TestNoTTYAvailable(t *testing.T) {
	dir := t.TempDir()
	r := invoke(t, dir, os.DevNull, filepath.Join(dir, "db.keystone"))
	wantRun(t, r, 0, "stdin from /dev/null")
	if r.stdout != "" || r.stderr != "" {
		t.Errorf("with stdin from /dev/null the shell printed\nstdout: %q\nstderr: %q", r.stdout, r.stderr)
	}
}

// TestPipeNeverPromptsOrOpensTTY runs a script from a file, from -f and
// from -c, without a controlling terminal (opening /dev/tty would fail):
// the output is the results alone, in JSON lines, with no banner, prompt,
// continuation prompt, progress or escape sequence.
func TestPipeNeverPromptsOrOpensTTY(t *testing.T) {
	dir := t.TempDir()
	text := `put {"pk": "a",
  "n": 1}
get a
get nobody
.export all.jsonl
.import all.jsonl
scan
`
	script := scriptFile(t, dir, "s.kst", text)
	const wantOut = `{"n":1,"pk":"a"}
exported 1 item to all.jsonl
imported 1 item from all.jsonl
{"n":1,"pk":"a"}
`
	check := func(what string, r result, wantErr string) {
		t.Helper()
		wantRun(t, r, 1, what)
		if r.stdout != wantOut {
			t.Errorf("%s: stdout\n%s\nwant\n%s", what, r.stdout, wantOut)
		}
		if r.stderr != wantErr {
			t.Errorf("%s: stderr %q, want %q", what, r.stderr, wantErr)
		}
		for _, bad := range []string{"kstone>", "...>", "Enter .help", "\x1b", "\r"} {
			if strings.Contains(r.stdout+r.stderr, bad) {
				t.Errorf("%s: output holds %q", what, bad)
			}
		}
	}
	check("stdin", invoke(t, dir, script, filepath.Join(dir, "1.keystone")), "<stdin>:4: Error: Key not found: nobody\n")
	check("-f", invoke(t, dir, "", "-f", script, filepath.Join(dir, "2.keystone")), script+":4: Error: Key not found: nobody\n")
	check("-c", invoke(t, dir, "", "-c", text, filepath.Join(dir, "3.keystone")), "line 4: Error: Key not found: nobody\n")

	// stdout a regular file rather than a pipe: the same.
	out, err := os.Create(filepath.Join(dir, "stdout.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	r := invokeTo(t, dir, script, out, filepath.Join(dir, "4.keystone"))
	b, err := os.ReadFile(out.Name())
	if err != nil {
		t.Fatal(err)
	}
	r.stdout = string(b)
	check("stdout to a file", r, "<stdin>:4: Error: Key not found: nobody\n")
}
