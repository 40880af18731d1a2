package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// openPTY returns the master and slave ends of a new pseudo-terminal with
// an 80x24 window.
func openPTY() (master, slave *os.File, err error) {
	mfd, err := unix.Open("/dev/ptmx", unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("open /dev/ptmx: %w", err)
	}
	master = os.NewFile(uintptr(mfd), "/dev/ptmx")
	if err := unix.IoctlSetPointerInt(mfd, unix.TIOCSPTLCK, 0); err != nil {
		master.Close()
		return nil, nil, fmt.Errorf("unlock pty: %w", err)
	}
	n, err := unix.IoctlGetUint32(mfd, unix.TIOCGPTN)
	if err != nil {
		master.Close()
		return nil, nil, fmt.Errorf("pty number: %w", err)
	}
	name := "/dev/pts/" + strconv.Itoa(int(n))
	sfd, err := unix.Open(name, unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		master.Close()
		return nil, nil, fmt.Errorf("open %s: %w", name, err)
	}
	if err := unix.IoctlSetWinsize(sfd, unix.TIOCSWINSZ, &unix.Winsize{Row: 24, Col: 80}); err != nil {
		master.Close()
		unix.Close(sfd)
		return nil, nil, fmt.Errorf("set window size: %w", err)
	}
	return master, os.NewFile(uintptr(sfd), name), nil
}

// timeToPrompt starts bin with args on a new pseudo-terminal (stdin, stdout
// and stderr; TERM=xterm-256color) and returns the time from just before
// the start until prompt has appeared in its output. It then sends quit and
// waits for the process to exit; that part is not timed. Nothing answers
// the terminal queries a program may send (a real terminal would).
func timeToPrompt(bin string, args []string, prompt, quit string) (time.Duration, error) {
	master, slave, err := openPTY()
	if err != nil {
		return 0, err
	}
	defer master.Close()
	cmd := exec.Command(bin, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	cmd.Env = append(os.Environ(), "TERM=xterm-256color")

	type result struct {
		d   time.Duration
		out []byte
		err error
	}
	found := make(chan result, 1)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		slave.Close()
		return 0, err
	}
	slave.Close() // the child holds its own copies
	go func() {
		var out []byte
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			out = append(out, buf[:n]...)
			if bytes.Contains(out, []byte(prompt)) {
				found <- result{d: time.Since(start), out: out}
				// Keep draining so the child never blocks on a full pty.
				for {
					if _, err := master.Read(buf); err != nil {
						return
					}
				}
			}
			if err != nil {
				found <- result{out: out, err: err}
				return
			}
		}
	}()
	var r result
	select {
	case r = <-found:
	case <-time.After(30 * time.Second):
		r.err = errors.New("timed out")
	}
	if r.err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		return 0, fmt.Errorf("no prompt %q from %s: %v; output %q", prompt, bin, r.err, tail(r.out, 300))
	}
	if _, err := master.Write([]byte(quit)); err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		return 0, fmt.Errorf("writing to the pty: %w", err)
	}
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case err := <-waited:
		if err != nil {
			return 0, fmt.Errorf("%s after %q: %w", bin, quit, err)
		}
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		<-waited
		return 0, fmt.Errorf("%s did not exit after %q", bin, quit)
	}
	return r.d, nil
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}
