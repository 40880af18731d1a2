package vfs

import (
	"bytes"
	"errors"
	"io/fs"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// newDurableMem returns a MemFS with a durable directory "db".
func newDurableMem(t *testing.T) *MemFS {
	t.Helper()
	m := NewMem()
	noErr(t, m.MkdirAll("db", 0o755))
	syncDirNamed(t, m, "")
	return m
}

func syncDirNamed(t *testing.T, fsys FS, dir string) {
	t.Helper()
	d := must[File](t)(fsys.OpenDir(dir))
	noErr(t, d.Sync())
	noErr(t, d.Close())
}

// content returns a file's content, or "<absent>".
func content(t *testing.T, m *MemFS, name string) string {
	t.Helper()
	b, err := m.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return "<absent>"
	}
	noErr(t, err)
	return string(b)
}

func crash(m *MemFS) *MemFS { return m.CrashClone(CrashOptions{}) }

func TestCrashFileData(t *testing.T) {
	m := newDurableMem(t)
	f := must[File](t)(m.Create("db/a"))
	must[int](t)(f.Write([]byte("one")))
	syncDirNamed(t, m, "db")

	checks := []struct {
		desc string
		do   func()
		want string
	}{
		{"name synced, data not", func() {}, ""},
		{"after Sync", func() { noErr(t, f.Sync()) }, "one"},
		{"unsynced append", func() { must[int](t)(f.Write([]byte("two"))) }, "one"},
		{"after Datasync", func() { noErr(t, f.Datasync()) }, "onetwo"},
		{"unsynced overwrite and truncate", func() {
			must[int](t)(f.WriteAt([]byte("ONE"), 0))
			noErr(t, f.Truncate(4))
		}, "onetwo"},
		{"after Sync", func() { noErr(t, f.Sync()) }, "ONEt"},
		{"unsynced preallocate", func() { noErr(t, f.Preallocate(0, 8)) }, "ONEt"},
		{"synced preallocate", func() { noErr(t, f.Sync()) }, "ONEt\x00\x00\x00\x00"},
	}
	for _, c := range checks {
		c.do()
		if got := content(t, crash(m), "db/a"); got != c.want {
			t.Fatalf("%s: after crash %q, want %q", c.desc, got, c.want)
		}
	}
	noErr(t, f.Close())
	// The original is untouched by cloning.
	if got := content(t, m, "db/a"); got != "ONEt\x00\x00\x00\x00" {
		t.Fatalf("original: %q", got)
	}
}

func TestCrashDirectoryEntries(t *testing.T) {
	tests := []struct {
		desc    string
		do      func(t *testing.T, m *MemFS)
		present map[string]string // name → content after a crash
	}{
		{
			desc: "created and file synced, dir not synced",
			do: func(t *testing.T, m *MemFS) {
				f := must[File](t)(m.Create("db/new"))
				must[int](t)(f.Write([]byte("x")))
				noErr(t, f.Sync())
				noErr(t, f.Close())
			},
			present: map[string]string{"db/new": "<absent>"},
		},
		{
			desc: "created, dir synced",
			do: func(t *testing.T, m *MemFS) {
				writeFile(t, m, "db/new", "x")
				syncDirNamed(t, m, "db")
			},
			present: map[string]string{"db/new": ""},
		},
		{
			desc: "rename, dir not synced",
			do: func(t *testing.T, m *MemFS) {
				noErr(t, m.Rename("db/old", "db/CURRENT"))
			},
			present: map[string]string{"db/old": "old", "db/CURRENT": "<absent>"},
		},
		{
			desc: "rename replacing, dir synced",
			do: func(t *testing.T, m *MemFS) {
				noErr(t, m.Rename("db/old", "db/keep"))
				syncDirNamed(t, m, "db")
			},
			present: map[string]string{"db/old": "<absent>", "db/keep": "old"},
		},
		{
			desc: "remove, dir not synced",
			do: func(t *testing.T, m *MemFS) {
				noErr(t, m.Remove("db/old"))
			},
			present: map[string]string{"db/old": "old"},
		},
		{
			desc: "remove, dir synced",
			do: func(t *testing.T, m *MemFS) {
				noErr(t, m.Remove("db/old"))
				syncDirNamed(t, m, "db")
			},
			present: map[string]string{"db/old": "<absent>"},
		},
		{
			desc: "removed while open, written and synced, dir not synced",
			do: func(t *testing.T, m *MemFS) {
				f := must[File](t)(m.OpenReadWrite("db/old"))
				noErr(t, m.Remove("db/old"))
				must[int](t)(f.Write([]byte("OLD")))
				noErr(t, f.Sync())
				noErr(t, f.Close())
			},
			present: map[string]string{"db/old": "OLD"},
		},
		{
			desc: "mkdirall, parent not synced",
			do: func(t *testing.T, m *MemFS) {
				noErr(t, m.MkdirAll("db/x/y", 0o755))
				writeFile(t, m, "db/x/y/f", "f")
				syncDirNamed(t, m, "db/x/y")
				syncDirNamed(t, m, "db/x")
			},
			present: map[string]string{"db/x/y/f": "<absent>"},
		},
		{
			desc: "mkdirall, parents synced",
			do: func(t *testing.T, m *MemFS) {
				noErr(t, m.MkdirAll("db/x/y", 0o755))
				writeFile(t, m, "db/x/y/f", "f")
				for _, d := range []string{"db/x/y", "db/x", "db"} {
					syncDirNamed(t, m, d)
				}
			},
			present: map[string]string{"db/x/y/f": ""},
		},
		{
			desc: "rename across dirs, only new synced",
			do: func(t *testing.T, m *MemFS) {
				noErr(t, m.MkdirAll("db/arch", 0o755))
				syncDirNamed(t, m, "db")
				noErr(t, m.Rename("db/old", "db/arch/old"))
				syncDirNamed(t, m, "db/arch")
			},
			present: map[string]string{"db/old": "old", "db/arch/old": "old"},
		},
		{
			desc: "rename across dirs, only old synced",
			do: func(t *testing.T, m *MemFS) {
				noErr(t, m.MkdirAll("db/arch", 0o755))
				syncDirNamed(t, m, "db")
				noErr(t, m.Rename("db/old", "db/arch/old"))
				syncDirNamed(t, m, "db")
			},
			present: map[string]string{"db/old": "<absent>", "db/arch/old": "<absent>"},
		},
		{
			desc: "removeall, dir synced",
			do: func(t *testing.T, m *MemFS) {
				noErr(t, m.MkdirAll("db/tmp", 0o755))
				writeFile(t, m, "db/tmp/f", "")
				m.SyncAll()
				noErr(t, m.RemoveAll("db/tmp"))
				syncDirNamed(t, m, "db")
			},
			present: map[string]string{"db/tmp/f": "<absent>", "db/old": "old"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			m := newDurableMem(t)
			writeFile(t, m, "db/old", "old")
			writeFile(t, m, "db/keep", "keep")
			m.SyncAll()
			tt.do(t, m)
			c := crash(m)
			for name, want := range tt.present {
				if got := content(t, c, name); got != want {
					t.Errorf("%s = %q, want %q", name, got, want)
				}
			}
			checkUsage(t, c)
		})
	}
}

func TestCrashCloneIsIndependent(t *testing.T) {
	m := newDurableMem(t)
	writeFile(t, m, "db/f", "synced")
	m.SyncAll()
	c := crash(m)
	// Everything in a clone is durable: crashing it again changes nothing.
	if a, b := c.String(), crash(c).String(); a != b {
		t.Fatalf("second crash differs:\n%s\n%s", a, b)
	}
	writeFile(t, c, "db/f", "clone")
	writeFile(t, m, "db/g", "orig")
	if got := content(t, m, "db/f"); got != "synced" {
		t.Fatalf("original changed by the clone: %q", got)
	}
	if got := content(t, c, "db/g"); got != "<absent>" {
		t.Fatalf("clone changed by the original: %q", got)
	}
}

func TestCrashHardLinkSharesInode(t *testing.T) {
	m := newDurableMem(t)
	noErr(t, m.MkdirAll("db/arch", 0o755))
	writeFile(t, m, "db/f", "x")
	m.SyncAll()
	noErr(t, m.Rename("db/f", "db/arch/f"))
	syncDirNamed(t, m, "db/arch")
	c := crash(m)
	f := must[File](t)(c.OpenReadWrite("db/f"))
	must[int](t)(f.Write([]byte("y")))
	noErr(t, f.Close())
	if got := content(t, c, "db/arch/f"); got != "y" {
		t.Fatalf("the two names are different inodes: %q", got)
	}
	checkUsage(t, c)
}

// TestCrashRandomPrefix checks over many seeds that an adversarial crash
// keeps the synced content plus a prefix of the later writes, the last one
// possibly torn, and a prefix of the directory's entry operations.
func TestCrashRandomPrefix(t *testing.T) {
	m := newDurableMem(t)
	f := must[File](t)(m.Create("db/log"))
	must[int](t)(f.Write([]byte("synced-")))
	noErr(t, f.Sync())
	syncDirNamed(t, m, "db")

	type op struct {
		off  int64
		data string
		size int64 // truncate when data is ""
	}
	ops := []op{
		{off: 7, data: "aaaa"},
		{off: 11, data: "bbbbbb"},
		{off: 0, data: "SYN"},
		{size: 9},
		{off: 9, data: "ccc"},
	}
	for _, o := range ops {
		if o.data == "" {
			noErr(t, f.Truncate(o.size))
		} else {
			must[int](t)(f.WriteAt([]byte(o.data), o.off))
		}
	}
	names := []string{"n1", "n2", "n3"}
	for _, n := range names {
		writeFile(t, m, "db/"+n, n)
	}

	// Every state a crash may leave: k whole ops, then the k+1st torn.
	allowed := map[string]bool{}
	state := []byte("synced-")
	apply := func(b []byte, o op) []byte {
		b = slices.Clone(b)
		if o.data == "" {
			return resize(b, o.size)
		}
		return fileOp{kind: opWrite, off: o.off, data: []byte(o.data)}.apply(b)
	}
	allowed[string(state)] = true
	for _, o := range ops {
		for i := range len(o.data) {
			allowed[string(apply(state, op{off: o.off, data: o.data[:i]}))] = true
		}
		state = apply(state, o)
		allowed[string(state)] = true
	}

	seenFile := map[string]bool{}
	seenDir := map[string]bool{}
	for seed := range uint64(500) {
		c := m.CrashClone(CrashOptions{Rand: rand.New(rand.NewPCG(seed, 2))})
		got := content(t, c, "db/log")
		if !allowed[got] {
			t.Fatalf("seed %d: content %q is not a prefix state", seed, got)
		}
		seenFile[got] = true
		present := must[[]string](t)(c.List("db"))
		var created []string
		for _, n := range present {
			if n != "log" {
				created = append(created, n)
			}
		}
		if !slices.Equal(created, names[:len(created)]) {
			t.Fatalf("seed %d: entries %q are not a prefix of %q", seed, created, names)
		}
		seenDir[strings.Join(created, ",")] = true
		checkUsage(t, c)
	}
	if !seenFile["synced-"] || !seenFile[string(state)] || len(seenFile) < 10 {
		t.Fatalf("crashes did not explore the states: %d seen", len(seenFile))
	}
	if len(seenDir) != len(names)+1 {
		t.Fatalf("directory prefixes seen: %v", seenDir)
	}
	// The same seed gives the same crash.
	a := m.CrashClone(CrashOptions{Rand: rand.New(rand.NewPCG(7, 7))}).String()
	b := m.CrashClone(CrashOptions{Rand: rand.New(rand.NewPCG(7, 7))}).String()
	if a != b {
		t.Fatalf("same seed, different crashes:\n%s\n%s", a, b)
	}
	noErr(t, f.Close())
	if got := must[[]byte](t)(m.ReadFile("db/log")); !bytes.Equal(got, state) {
		t.Fatalf("original content %q, want %q", got, state)
	}
}
