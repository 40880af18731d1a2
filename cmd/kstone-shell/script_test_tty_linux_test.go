package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// openPTY returns a new pseudo-terminal pair, neither the controlling
// terminal of this process.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	fd := int(m.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		m.Close()
		t.Skipf("unlockpt: %v", err)
	}
	n, err := unix.IoctlGetUint32(fd, unix.TIOCGPTN)
	if err != nil {
		m.Close()
		t.Skipf("ptsname: %v", err)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		m.Close()
		t.Skipf("opening the pty slave: %v", err)
	}
	return m, s
}

// TestCharDeviceStdinIsNotATerminal: stdin from /dev/null (a character
// device, but not a terminal) while stdout is a terminal. PRODUCT.md: stdin
// not a terminal means non-interactive mode, "no TUI, no prompts ever".
// The shell must not print its banner or a prompt, and must read the
// (empty) input as a script.
func TestCharDeviceStdinIsNotATerminal(t *testing.T) {
	master, slave := openPTY(t)
	defer master.Close()
	dir := t.TempDir()
	stdin, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), caseTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, shellBin, filepath.Join(dir, "db.keystone"))
	cmd.Dir = dir
	cmd.Env = env(dir)
	cmd.Stdin = stdin
	cmd.Stdout, cmd.Stderr = slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		slave.Close()
		t.Fatal(err)
	}
	slave.Close()
	out := make(chan []byte, 1)
	go func() {
		var b bytes.Buffer
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			b.Write(buf[:n])
			if err != nil { // EIO once the child has exited
				break
			}
		}
		out <- b.Bytes()
	}()
	err = cmd.Wait()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	var got []byte
	select {
	case got = <-out:
	case <-time.After(10 * time.Second):
		t.Fatal("the pty did not close")
	}
	if code := cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("exit status %d, want 0", code)
	}
	for _, bad := range []string{"kstone>", "Enter .help"} {
		if strings.Contains(string(got), bad) {
			t.Errorf("stdin is /dev/null, not a terminal, yet the shell went interactive: it printed %q", got)
			break
		}
	}
}
