package vfs

import (
	"bufio"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// lockChildEnv names the lock file TestLockChildHelper takes when the test
// binary is re-executed as a child process.
const lockChildEnv = "VFS_TEST_LOCK_CHILD"

// TestLockChildHelper is the child process of TestLockDeadProcess: it takes
// the lock, reports "locked", and holds it until stdin closes (then exits
// without releasing it) or it is killed.
func TestLockChildHelper(t *testing.T) {
	name := os.Getenv(lockChildEnv)
	if name == "" {
		t.Skip("child process of TestLockDeadProcess")
	}
	if _, err := Default().Lock(name); err != nil {
		os.Stdout.WriteString("error: " + err.Error() + "\n")
		os.Exit(2)
	}
	os.Stdout.WriteString("locked\n")
	_, _ = io.Copy(io.Discard, os.Stdin)
	os.Exit(0) // without closing the lock
}

func TestLockDeadProcess(t *testing.T) {
	for _, death := range []string{"exit", "kill"} {
		t.Run(death, func(t *testing.T) {
			name := filepath.Join(t.TempDir(), "LOCK")
			cmd := exec.Command(os.Args[0], "-test.run=^TestLockChildHelper$")
			cmd.Env = append(os.Environ(), lockChildEnv+"="+name)
			stdin := must[io.WriteCloser](t)(cmd.StdinPipe())
			stdout := must[io.ReadCloser](t)(cmd.StdoutPipe())
			noErr(t, cmd.Start())
			defer func() {
				_ = cmd.Process.Kill()
				_ = cmd.Wait()
			}()
			line, err := bufio.NewReader(stdout).ReadString('\n')
			if err != nil || strings.TrimSpace(line) != "locked" {
				t.Fatalf("child: %q, %v", line, err)
			}

			_, err = Default().Lock(name)
			var le *LockedError
			if !errors.As(err, &le) || le.PID != cmd.Process.Pid || le.Path != name {
				t.Fatalf("Lock held by child %d: %v", cmd.Process.Pid, err)
			}

			if death == "exit" {
				noErr(t, stdin.Close())
			} else {
				noErr(t, cmd.Process.Kill())
			}
			_ = cmd.Wait()

			l, err := Default().Lock(name)
			if err != nil {
				t.Fatalf("Lock after the holder died: %v", err)
			}
			if got := must[[]byte](t)(os.ReadFile(name)); string(got) != strconv.Itoa(os.Getpid())+"\n" {
				t.Fatalf("lock file holds %q", got)
			}
			noErr(t, l.Close())
		})
	}
}

func TestOSPreallocateFallback(t *testing.T) {
	f := must[*os.File](t)(os.Create(filepath.Join(t.TempDir(), "f")))
	defer f.Close()
	must[int](t)(f.Write([]byte("abc")))
	noErr(t, preallocateByWriting(f, 1, 1)) // inside: no change
	noErr(t, preallocateByWriting(f, 2, 100<<10))
	fi := must[os.FileInfo](t)(f.Stat())
	if fi.Size() != 2+100<<10 {
		t.Fatalf("size %d", fi.Size())
	}
	buf := make([]byte, 4)
	must[int](t)(f.ReadAt(buf, 0))
	if string(buf) != "abc\x00" {
		t.Fatalf("content %q", buf)
	}
}

func TestOSClosedFile(t *testing.T) {
	f := must[File](t)(Default().Create(filepath.Join(t.TempDir(), "f")))
	noErr(t, f.Close())
	for desc, err := range map[string]error{
		"Datasync":      f.Datasync(),
		"Preallocate":   f.Preallocate(0, 10),
		"Preallocate 0": f.Preallocate(0, 0),
		"Sync":          f.Sync(),
	} {
		if !errors.Is(err, os.ErrClosed) {
			t.Errorf("%s on a closed file: %v", desc, err)
		}
	}
}

// StartWriteback is a hint: it succeeds on written ranges, changes no byte,
// and fails like other calls once the file is closed.
func TestStartWriteback(t *testing.T) {
	f, err := Default().Create(filepath.Join(t.TempDir(), "f"))
	if err != nil {
		t.Fatal(err)
	}
	wb, ok := f.(Writebacker)
	if !ok {
		t.Fatal("OS files do not implement Writebacker")
	}
	data := []byte(strings.Repeat("kstone", 2000))
	if _, err := f.WriteAt(data, 0); err != nil {
		t.Fatal(err)
	}
	if err := wb.StartWriteback(0, int64(len(data))); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, len(data))
	if _, err := f.ReadAt(got, 0); err != nil || string(got) != string(data) {
		t.Fatalf("read back after StartWriteback: %v", err)
	}
	f.Close()
	if err := wb.StartWriteback(0, 1); !errors.Is(err, os.ErrClosed) {
		t.Errorf("StartWriteback on a closed file = %v, want os.ErrClosed", err)
	}
}
