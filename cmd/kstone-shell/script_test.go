package main

// End-to-end script tests: the kstone-shell binary, built once, run on the
// cases in testdata/scripts.
//
// A case is testdata/scripts/NAME.kst with its expected results beside it:
//
//	NAME.kst     the script, given to the binary as its stdin (a real file)
//	NAME.args    optional: the command line, one argument per line (blank
//	             lines ignored). $DB is a fresh database path, $DIR the
//	             case's temporary directory (also the working directory),
//	             $TESTDATA the absolute path of testdata/scripts. A line
//	             "---" starts another invocation, run after the previous one
//	             in the same $DIR (every invocation gets NAME.kst on stdin).
//	             Default: one invocation, "$DB".
//	NAME.stdout  expected stdout; for several invocations each one's output
//	NAME.stderr  is preceded by a line "$ kstone-shell ARGS"
//	NAME.exit    expected exit status, one line per invocation
//	NAME.files/  optional: files the case must leave in $DIR, with these
//	             contents (e.g. what .output or .export wrote); -update
//	             rewrites the files already there (create a new one empty)
//
// Output is normalised only where it must be: the temporary and testdata
// paths become $DB, $DIR and $TESTDATA, and the durations .timer prints
// become "Time: <t> ms".
//
// go test ./cmd/kstone-shell -run Script -update rewrites the expected files
// from the real output (check the diff before committing it!).

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the expected files of the script tests from the real output")

// shellBin is the kstone-shell binary TestMain builds.
var shellBin string

func TestMain(m *testing.M) {
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	dir, err := os.MkdirTemp("", "kstone-shell-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "script tests:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	wd, err := os.Getwd()
	if err != nil {
		fmt.Fprintln(os.Stderr, "script tests:", err)
		return 1
	}
	shellBin = filepath.Join(dir, "kstone-shell")
	build := exec.Command("go", "build", "-o", shellBin, ".")
	build.Dir = wd
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "script tests: go build: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

const scriptsDir = "testdata/scripts"

// caseTimeout bounds one invocation: a hang (a .read loop, a prompt waiting
// for input) fails the case instead of the whole test binary.
const caseTimeout = 60 * time.Second

func TestScript(t *testing.T) {
	cases, err := filepath.Glob(filepath.Join(scriptsDir, "*.kst"))
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatal("no cases in " + scriptsDir)
	}
	testdata, err := filepath.Abs(scriptsDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		name := strings.TrimSuffix(filepath.Base(c), ".kst")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			runScriptCase(t, testdata, name)
		})
	}
}

// env is the environment of every invocation: no KSTONE_LOG (logs would
// go to stderr), no KSTONE_DB, and HOME and XDG_DATA_HOME inside dir so
// that the default database and history never touch the real home.
func env(dir string) []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "KSTONE_LOG", "KSTONE_DB", "HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME":
			continue
		}
		out = append(out, kv)
	}
	return append(out,
		"HOME="+filepath.Join(dir, "home"),
		"XDG_DATA_HOME="+filepath.Join(dir, "xdg", "data"),
		"XDG_CONFIG_HOME="+filepath.Join(dir, "xdg", "config"),
		"XDG_STATE_HOME="+filepath.Join(dir, "xdg", "state"))
}

// result is what one invocation of the binary did.
type result struct {
	stdout, stderr string
	exit           int
}

// invoke runs the binary with args in dir, stdin from the file stdinPath
// (a real file descriptor; "" is /dev/null), in a new session without a
// controlling terminal, so that a try to open /dev/tty would fail.
func invoke(t *testing.T, dir, stdinPath string, args ...string) result {
	t.Helper()
	return invokeTo(t, dir, stdinPath, nil, args...)
}

// invokeTo is invoke with stdout going to the file stdoutFile (then the
// result's stdout is empty), or to a pipe when it is nil.
func invokeTo(t *testing.T, dir, stdinPath string, stdoutFile *os.File, args ...string) result {
	t.Helper()
	if stdinPath == "" {
		stdinPath = os.DevNull
	}
	stdin, err := os.Open(stdinPath)
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), caseTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, shellBin, args...)
	cmd.Dir = dir
	cmd.Env = env(dir)
	cmd.Stdin = stdin
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if stdoutFile != nil {
		cmd.Stdout = stdoutFile
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	err = cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("kstone-shell %q did not finish within %v\nstdout:\n%s\nstderr:\n%s", args, caseTimeout, stdout.String(), stderr.String())
	}
	code := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatalf("running kstone-shell %q: %v", args, err)
	}
	return result{stdout.String(), stderr.String(), code}
}

// normaliser replaces what differs from run to run.
type normaliser struct {
	paths []string // pairs: real path, placeholder; longest first
}

func newNormaliser(db, dir, testdata string) *normaliser {
	n := &normaliser{}
	add := func(p, ph string) {
		n.paths = append(n.paths, p, ph)
		if r, err := filepath.EvalSymlinks(p); err == nil && r != p {
			n.paths = append(n.paths, r, ph)
		}
	}
	// $DB lies inside $DIR, so it is replaced first; the resolved form of
	// a path that does not exist yet cannot be computed, so $DB is also
	// derived from $DIR's resolved form.
	add(db, "$DB")
	if r, err := filepath.EvalSymlinks(dir); err == nil && r != dir {
		n.paths = append(n.paths, filepath.Join(r, filepath.Base(db)), "$DB")
	}
	add(dir, "$DIR")
	add(testdata, "$TESTDATA")
	return n
}

var timerRE = regexp.MustCompile(`Time: [0-9]+(\.[0-9]+)? ms`)

func (n *normaliser) apply(s string) string {
	for i := 0; i < len(n.paths); i += 2 {
		s = strings.ReplaceAll(s, n.paths[i], n.paths[i+1])
	}
	return timerRE.ReplaceAllString(s, "Time: <t> ms")
}

// readArgs reads NAME.args: the invocations, each a list of arguments.
func readArgs(path string) ([][]string, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return [][]string{{"$DB"}}, nil
	}
	if err != nil {
		return nil, err
	}
	runs := [][]string{nil}
	for line := range strings.SplitSeq(strings.TrimRight(string(b), "\n"), "\n") {
		line = strings.TrimSuffix(line, "\r")
		switch {
		case line == "---":
			runs = append(runs, nil)
		case strings.TrimSpace(line) != "":
			runs[len(runs)-1] = append(runs[len(runs)-1], line)
		}
	}
	return runs, nil
}

func runScriptCase(t *testing.T, testdata, name string) {
	base := filepath.Join(testdata, name)
	runs, err := readArgs(base + ".args")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "test.keystone")
	norm := newNormaliser(db, dir, testdata)
	expand := strings.NewReplacer("$DB", db, "$DIR", dir, "$TESTDATA", testdata)

	var stdout, stderr, exits strings.Builder
	for _, raw := range runs {
		args := make([]string, len(raw))
		for i, a := range raw {
			args[i] = expand.Replace(a)
		}
		if len(runs) > 1 {
			header := strings.TrimRight("$ kstone-shell "+quoteArgs(raw), " ") + "\n"
			stdout.WriteString(header)
			stderr.WriteString(header)
		}
		r := invoke(t, dir, base+".kst", args...)
		stdout.WriteString(norm.apply(r.stdout))
		stderr.WriteString(norm.apply(r.stderr))
		fmt.Fprintf(&exits, "%d\n", r.exit)
	}

	check(t, base+".stdout", stdout.String())
	check(t, base+".stderr", stderr.String())
	check(t, base+".exit", exits.String())
	checkFiles(t, base+".files", dir, norm)
}

// quoteArgs prints arguments as a POSIX shell would need them (the
// placeholders $DB, $DIR and $TESTDATA stay bare, for readability).
func quoteArgs(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		plain := strings.NewReplacer("$DB", "", "$DIR", "", "$TESTDATA", "").Replace(a)
		bare := a != "" && !strings.HasPrefix(a, "#") && !strings.ContainsAny(plain, " \t\n\"'\\;{}[]()<>|&*?$`!~")
		if bare {
			q[i] = a
		} else {
			q[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
	}
	return strings.Join(q, " ")
}

// check compares got with the file want (or rewrites it with -update).
func check(t *testing.T, want, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(want, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	b, err := os.ReadFile(want)
	if err != nil {
		t.Errorf("%v (run with -update to create it)", err)
		return
	}
	if string(b) != got {
		t.Errorf("%s differs:\n%s", filepath.Base(want), lineDiff(string(b), got))
	}
}

// checkFiles compares every file under the directory want with the file of
// the same relative path under dir.
func checkFiles(t *testing.T, want, dir string, norm *normaliser) {
	t.Helper()
	if _, err := os.Stat(want); errors.Is(err, fs.ErrNotExist) {
		return
	}
	err := filepath.WalkDir(want, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(want, path)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(filepath.Join(dir, rel))
		if err != nil {
			t.Errorf("the case should have written %s: %v", rel, err)
			return nil
		}
		check(t, path, norm.apply(string(b)))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// lineDiff shows want and got line by line, marking the lines that differ.
func lineDiff(want, got string) string {
	w := strings.Split(want, "\n")
	g := strings.Split(got, "\n")
	var b strings.Builder
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		var wok, gok bool
		if i < len(w) {
			wl, wok = w[i], true
		}
		if i < len(g) {
			gl, gok = g[i], true
		}
		switch {
		case wok && gok && wl == gl:
			fmt.Fprintf(&b, "    %s\n", wl)
		default:
			if wok {
				fmt.Fprintf(&b, "  - %s\n", wl)
			}
			if gok {
				fmt.Fprintf(&b, "  + %s\n", gl)
			}
		}
	}
	return "(- want, + got)\n" + b.String()
}
