// Package vfs is the file-system layer under the engine. Every byte the
// engine reads or writes goes through an FS, so tests can swap the operating
// system for an in-memory file system that simulates power loss (dropping
// what was not synced) or for a wrapper that injects faults.
//
// Three implementations:
//
//   - Default: the operating system (Linux: fdatasync, fallocate, flock,
//     statfs).
//   - NewMem: an in-memory FS with a precise durability model, a capacity
//     for disk-full tests, and CrashClone to take the image a power loss
//     would leave.
//   - WithFaults: a wrapper that asks an Injector before every operation
//     (OnIndex for fault sweeps, Toggle for "the disk is full now").
//
// # MemFS durability model
//
// Names and inodes are separate. A directory maps names to inodes; an
// inode is a file or a directory. Both kinds have a current state, which
// every call sees, and a durable state, which is all a power loss keeps.
// Between the two sits an ordered log of the changes made since the last
// sync:
//
//	                    unsynced log (oldest first)
//	durable state  -- op1 -- op2 -- ... -- opN -->  current state
//	      ^                                              |
//	      +------------------ sync ----------------------+
//
//	file inode:  content and size.   ops: write(off, bytes),
//	             truncate(size), preallocate(off+len).
//	             sync: File.Sync or File.Datasync on any handle.
//	directory:   name -> inode map.  ops: link(name), unlink(name),
//	             rename(old, new) within the directory.
//	             sync: OpenDir(dir) then Sync.
//
// The rules that follow from it:
//
//   - Syncing a file makes its content and size durable, not its name.
//     A new file survives a crash only once its directory is synced too.
//   - Create, Remove, Lock's creation of a missing file, and MkdirAll's
//     new directories are entry operations in the parent directory, durable
//     when that parent is synced. A directory created by MkdirAll("a/b")
//     needs "a" synced for "b" to survive, and the root synced for "a".
//   - Rename within one directory is one atomic entry operation. Rename
//     between two directories is an unlink in the old one and a link in
//     the new one, each durable on its own: sync both. After a crash with
//     only the new directory synced the file has both names (one inode);
//     with only the old one synced it has neither.
//   - RemoveAll removes entries one at a time, deepest first, logging each
//     in its own directory.
//   - Create on an existing file truncates its inode (a logged truncate),
//     keeping the name.
//   - Sync and Datasync are the same: the model has no metadata other than
//     the size. A handle stays valid after its name is renamed or removed;
//     writing and syncing it changes the inode, which a durable entry may
//     still name.
//
// CrashClone(CrashOptions{}) builds a new MemFS from the durable state
// only: starting at the root (which always exists), it follows durable
// entries to inodes and takes their durable content. With
// CrashOptions.Rand it also keeps, per inode, a random prefix of the log:
// for a file some of its unsynced writes in order, the last one possibly
// torn (a random prefix of its bytes); for a directory some of its
// unsynced entry operations in order. A file thus never shows a later
// write without all earlier ones; real disks may persist pages out of
// order, so the model is kinder than the worst case there, but it does
// produce torn tails, lost appends and lost names.
//
// The clone has no unsynced state and no locks held; the original keeps
// working, so a test can take clones at many points. MemFS.SyncAll makes
// the whole current tree durable, for test setup.
//
// Capacity: usage is the sum of the current sizes of the file inodes that
// still have a name or an open handle; a write, preallocate or truncate
// that would exceed MemFS.SetCapacity fails with ENOSPC and changes nothing
// (a real file system may write part of the buffer first).
package vfs
