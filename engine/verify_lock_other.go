//go:build !linux

package engine

// probeOSLock: the OS file system has no Lock outside Linux (see
// vfs/os_other.go), so no other process can hold one either.
func probeOSLock(path string) (pid int, held bool) { return 0, false }
