// Package benchdir picks where the benchmarks put their databases (on the
// repository's disk, never a tmpfs) and reports the machine's load.
package benchdir

import (
	"fmt"
	"os"
	"strings"
	"syscall"
)

// Prepare returns the directory the databases go in and a function
// removing it (unless keep). Without -dir it is a fresh temp dir: under
// os.TempDir() if that is a disk file system on the same device as the
// working directory, otherwise under the working directory, so that both
// engines run against the disk the repository is on and never against a
// tmpfs.
func Prepare(tool, dir string, keep bool) (string, func(), error) {
	parent := dir
	if parent == "" {
		cwd, err := os.Getwd()
		if err != nil {
			return "", nil, err
		}
		parent = cwd
		tmp := os.TempDir()
		if sameDevice(tmp, cwd) && !isMemFS(tmp) {
			parent = tmp
		}
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", nil, err
	}
	if isMemFS(parent) {
		fmt.Fprintf(os.Stderr, "%s: warning: %s is on a memory file system; fsync costs nothing there\n", tool, parent)
	}
	base, err := os.MkdirTemp(parent, "kstone-"+tool+"-")
	if err != nil {
		return "", nil, err
	}
	fmt.Fprintf(os.Stderr, "%s: databases under %s (%s)\n", tool, base, FSTypeName(base))
	cleanup := func() {
		if keep {
			fmt.Fprintf(os.Stderr, "%s: kept %s\n", tool, base)
			return
		}
		os.RemoveAll(base)
	}
	return base, cleanup, nil
}

func sameDevice(a, b string) bool {
	var sa, sb syscall.Stat_t
	if syscall.Stat(a, &sa) != nil || syscall.Stat(b, &sb) != nil {
		return false
	}
	return sa.Dev == sb.Dev
}

const (
	tmpfsMagic = 0x01021994
	ramfsMagic = 0x858458f6
)

func isMemFS(path string) bool {
	var st syscall.Statfs_t
	if syscall.Statfs(path, &st) != nil {
		return false
	}
	return st.Type == tmpfsMagic || st.Type == ramfsMagic
}

// FSTypeName names the file system path is on, for the report.
func FSTypeName(path string) string {
	var st syscall.Statfs_t
	if err := syscall.Statfs(path, &st); err != nil {
		return "unknown fs"
	}
	switch st.Type {
	case 0xef53:
		return "ext2/3/4"
	case 0x58465342:
		return "xfs"
	case 0x9123683e:
		return "btrfs"
	case tmpfsMagic:
		return "tmpfs"
	case ramfsMagic:
		return "ramfs"
	case 0x794c7630:
		return "overlayfs"
	}
	return fmt.Sprintf("fs magic 0x%x", st.Type)
}

// LoadAvg reports the system load, since other processes on the machine
// skew the figures.
func LoadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "load average unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "load average unknown"
	}
	return "load average " + strings.Join(f[:3], " ")
}
