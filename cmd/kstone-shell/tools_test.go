package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// expect checks an invocation's exit status and that stdout/stderr hold
// the given strings.
func expect(t *testing.T, r result, exit int, stdout, stderr []string) {
	t.Helper()
	bad := r.exit != exit
	for _, s := range stdout {
		bad = bad || !strings.Contains(r.stdout, s)
	}
	for _, s := range stderr {
		bad = bad || !strings.Contains(r.stderr, s)
	}
	if bad {
		t.Fatalf("exit %d (want %d), want stdout %q and stderr %q\nstdout:\n%s\nstderr:\n%s", r.exit, exit, stdout, stderr, r.stdout, r.stderr)
	}
}

// flipInFile flips a byte of a file at the first occurrence of marker.
func flipInFile(t *testing.T, glob, marker string) string {
	t.Helper()
	files, _ := filepath.Glob(glob)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if i := bytes.Index(b, []byte(marker)); i >= 0 {
			b[i] ^= 0x40
			if err := os.WriteFile(f, b, 0o644); err != nil {
				t.Fatal(err)
			}
			return f
		}
	}
	t.Fatalf("%s not found in %s", marker, glob)
	return ""
}

func TestToolsSubcommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "test.keystone")
	r := invoke(t, dir, "", "-c", `put {"pk": "p", "sk": "1", "m": "marker-1"}`, "-c", `put {"pk": "p", "sk": "2", "m": "marker-2"}`,
		"-c", `put {"pk": "p", "sk": "3", "m": "marker-3"}`, db)
	expect(t, r, 0, nil, nil)

	expect(t, invoke(t, dir, "", "verify", db), 0, []string{"Verified " + db, "OK: no errors"}, nil)
	expect(t, invoke(t, dir, "", "repair", db), 0, []string{"Nothing to repair."}, nil)
	bk := filepath.Join(dir, "bk")
	expect(t, invoke(t, dir, "", "backup", db, bk), 0, []string{"Backed up to " + bk + ": "}, nil)
	expect(t, invoke(t, dir, "", "verify", bk), 0, []string{"OK: no errors"}, nil)
	expect(t, invoke(t, dir, "", "get", bk, `{"pk": "p", "sk": "2"}`), 0, []string{"marker-2"}, nil)
	expect(t, invoke(t, dir, "", "backup", db, bk), 1, nil, []string{"is not empty"})

	// A damaged WAL record before the tail.
	flipInFile(t, filepath.Join(db, "wal_*.log"), "marker-1")
	expect(t, invoke(t, dir, "", "verify", db), 1, []string{"WAL checksum mismatch at LSN 1", "FAILED: 1 error"}, nil)
	expect(t, invoke(t, dir, "", "repair", db, "--stripe", "300"), 2, nil, []string{"--stripe takes 0-255"})
	expect(t, invoke(t, dir, "", "repair", db), 0, []string{"truncate-wal", "Run again with --yes"}, nil)
	expect(t, invoke(t, dir, "", "verify", db), 1, nil, nil) // planning changed nothing
	expect(t, invoke(t, dir, "", "repair", db, "--yes"), 0, []string{"Applied: 1 action", "After the repair:", "OK: no errors"}, nil)
	expect(t, invoke(t, dir, "", "verify", db), 0, []string{"OK: no errors"}, nil)
	if b, _ := filepath.Glob(filepath.Join(db, "backup", "wal_*.log.*")); len(b) != 1 {
		t.Errorf("no copy of the WAL in backup/: %v", b)
	}

	// Usage and missing databases.
	expect(t, invoke(t, dir, "", "verify"), 2, nil, []string{"takes 1 argument"})
	expect(t, invoke(t, dir, "", "backup", db), 2, nil, []string{"takes 2 argument"})
	expect(t, invoke(t, dir, "", "verify", filepath.Join(dir, "nope")), 3, nil, []string{"Error: "})
	expect(t, invoke(t, dir, "", "verify", dir), 3, nil, []string{"not a KeystoneDB database"})
	expect(t, invoke(t, dir, "", "repair", filepath.Join(dir, "nope")), 3, nil, []string{"Error: "})
	expect(t, invoke(t, dir, "", "backup", filepath.Join(dir, "nope"), filepath.Join(dir, "bk2")), 3, nil, []string{"Error: "})
}

// TestToolsWhileOpenElsewhere runs the tools while another kstone-shell has
// the database open: verify works read-only and says so, repair and backup
// refuse and say why, and the other shell's .verify and .backup work.
func TestToolsWhileOpenElsewhere(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "test.keystone")
	expect(t, invoke(t, dir, "", "-c", `put {"pk": "a", "v": 1}`, db), 0, nil, nil)

	holder := exec.Command(shellBin, db)
	holder.Dir = dir
	holder.Env = env(dir)
	holder.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	stdin, err := holder.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	// The holder's stdout is read line by line so that the test knows when
	// it has the database open: a verify that ran before that would take
	// the lock itself, and the holder would fail to open.
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	var hout, herr bytes.Buffer
	holder.Stdout, holder.Stderr = pw, &herr
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	opened, readDone := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(readDone)
		sc := bufio.NewScanner(pr)
		signalled := false
		for sc.Scan() {
			hout.WriteString(sc.Text() + "\n") // read by the test only after readDone
			if !signalled && strings.Contains(sc.Text(), `"b"`) {
				close(opened)
				signalled = true
			}
		}
	}()
	done := false
	defer func() {
		if !done {
			stdin.Close()
			holder.Process.Kill()
			holder.Wait()
		}
	}()
	fmt.Fprintln(stdin, `put {"pk": "b", "v": 2}`)
	fmt.Fprintln(stdin, `get b`)
	select {
	case <-opened:
	case <-time.After(20 * time.Second):
		t.Fatalf("the holder did not answer get b within 20 s; stderr:\n%s", herr.String())
	}
	held := fmt.Sprintf("database is open in process %d: checked read-only", holder.Process.Pid)
	deadline := time.Now().Add(20 * time.Second)
	var r result
	for {
		r = invoke(t, dir, "", "verify", db)
		if strings.Contains(r.stdout, held) || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	expect(t, r, 0, []string{held, "OK: no errors"}, nil)
	expect(t, invoke(t, dir, "", "repair", db), 1, nil, []string{fmt.Sprintf("in use by process %d", holder.Process.Pid)})
	expect(t, invoke(t, dir, "", "repair", db, "--yes"), 1, nil, []string{fmt.Sprintf("in use by process %d", holder.Process.Pid)})
	bk := filepath.Join(dir, "bk")
	expect(t, invoke(t, dir, "", "backup", db, bk), 1, nil, []string{fmt.Sprintf("in use by process %d", holder.Process.Pid), `run ".backup ` + bk + `" in that shell instead`})

	fmt.Fprintln(stdin, ".verify")
	fmt.Fprintln(stdin, ".backup "+bk)
	stdin.Close()
	err = holder.Wait()
	done = true
	<-readDone
	if err != nil {
		t.Fatalf("holder: %v\nstdout:\n%s\nstderr:\n%s", err, hout.String(), herr.String())
	}
	for _, want := range []string{fmt.Sprintf("database is open in this shell (process %d)", holder.Process.Pid), "OK: no errors", "Backed up to " + bk} {
		if !strings.Contains(hout.String(), want) {
			t.Errorf("holder's output lacks %q:\n%s\nstderr:\n%s", want, hout.String(), herr.String())
		}
	}
	expect(t, invoke(t, dir, "", "verify", bk), 0, []string{"OK: no errors"}, nil)
	expect(t, invoke(t, dir, "", "get", bk, "b"), 0, []string{`"v":2`}, nil)
}
