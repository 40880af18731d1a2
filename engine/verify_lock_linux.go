//go:build linux

package engine

import (
	"errors"
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// probeOSLock tells whether a process holds the flock of the LOCK file at
// path, without writing anything: it opens the file read-only (flock works
// on any descriptor), tries LOCK_EX|LOCK_NB and releases at once. flock
// locks belong to the open file description, so this process's own Open
// counts as a holder too. The holder's PID is what it wrote in the file,
// -1 when unreadable.
func probeOSLock(path string) (pid int, held bool) {
	f, err := os.Open(path)
	if err != nil {
		// No LOCK file (never opened) or unreadable: nobody we can see.
		return 0, false
	}
	defer f.Close()
	rc, err := f.SyscallConn()
	if err != nil {
		return 0, false
	}
	var ferr error
	if err := rc.Control(func(fd uintptr) {
		for {
			ferr = unix.Flock(int(fd), unix.LOCK_EX|unix.LOCK_NB)
			if ferr != unix.EINTR {
				break
			}
		}
		if ferr == nil {
			_ = unix.Flock(int(fd), unix.LOCK_UN)
		}
	}); err != nil {
		return 0, false
	}
	if !errors.Is(ferr, unix.EWOULDBLOCK) {
		return 0, false
	}
	buf := make([]byte, 32)
	n, err := f.ReadAt(buf, 0)
	if err != nil && err != io.EOF {
		return -1, true
	}
	p, err := strconv.Atoi(strings.TrimSpace(string(buf[:n])))
	if err != nil || p <= 0 {
		return -1, true
	}
	return p, true
}
