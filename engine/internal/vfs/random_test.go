package vfs

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// randomWorkload generates file-system operations over a few names, for
// comparing MemFS with the OS. Every operation renders its result as a
// string both implementations must agree on.
type randomWorkload struct {
	rng     *rand.Rand
	names   []string
	handles map[FS]*[4]File
}

type randomOp struct {
	desc string
	fn   func(c fsCase, hs *[4]File) string
	w    *randomWorkload
}

func (op randomOp) String() string { return op.desc }

func (op randomOp) run(c fsCase) string {
	hs := op.w.handles[c.fs]
	if hs == nil {
		hs = new([4]File)
		op.w.handles[c.fs] = hs
	}
	return op.fn(c, hs)
}

func newRandomWorkload(seed uint64) *randomWorkload {
	return &randomWorkload{
		rng:     rand.New(rand.NewPCG(seed, 1)),
		names:   []string{"a", "b", "d", "e", "d/a", "d/b", "e/a"},
		handles: map[FS]*[4]File{},
	}
}

func (w *randomWorkload) next() randomOp {
	r := w.rng
	name := w.names[r.IntN(len(w.names))]
	other := w.names[r.IntN(len(w.names))]
	slot := r.IntN(4)
	off := int64(r.IntN(12))
	size := int64(r.IntN(12))
	data := strings.Repeat(string(rune('a'+r.IntN(26))), 1+r.IntN(6))
	op := func(desc string, fn func(c fsCase, hs *[4]File) string) randomOp {
		return randomOp{desc: desc, fn: fn, w: w}
	}
	withHandle := func(desc string, fn func(f File) string) randomOp {
		return op(fmt.Sprintf("%s slot %d", desc, slot), func(c fsCase, hs *[4]File) string {
			if hs[slot] == nil {
				return "no handle"
			}
			return fn(hs[slot])
		})
	}
	openInto := func(desc string, open func(c fsCase) (File, error)) randomOp {
		return op(fmt.Sprintf("%s %s into slot %d", desc, name, slot), func(c fsCase, hs *[4]File) string {
			f, err := open(c)
			if err != nil {
				return errClass(err)
			}
			if hs[slot] != nil {
				hs[slot].Close()
			}
			hs[slot] = f
			return "ok"
		})
	}
	switch r.IntN(17) {
	case 0:
		return openInto("create", func(c fsCase) (File, error) { return c.fs.Create(c.path(name)) })
	case 1:
		return openInto("open", func(c fsCase) (File, error) { return c.fs.Open(c.path(name)) })
	case 2:
		return openInto("openrw", func(c fsCase) (File, error) { return c.fs.OpenReadWrite(c.path(name)) })
	case 3:
		return withHandle("write "+data, func(f File) string { _, err := f.Write([]byte(data)); return errClass(err) })
	case 4:
		return withHandle(fmt.Sprintf("writeat %s %d", data, off), func(f File) string {
			_, err := f.WriteAt([]byte(data), off)
			return errClass(err)
		})
	case 5:
		return withHandle("read "+strconv.Itoa(int(size)), func(f File) string {
			buf := make([]byte, size+1)
			n, err := f.Read(buf)
			return string(buf[:n]) + " " + errClass(err)
		})
	case 6:
		return withHandle(fmt.Sprintf("readat %d %d", size, off), func(f File) string {
			buf := make([]byte, size+1)
			n, err := f.ReadAt(buf, off)
			return string(buf[:n]) + " " + errClass(err)
		})
	case 7:
		return withHandle(fmt.Sprintf("truncate %d", size), func(f File) string { return errClass(f.Truncate(size)) })
	case 8:
		return withHandle(fmt.Sprintf("preallocate %d %d", off, size), func(f File) string {
			return errClass(f.Preallocate(off, size))
		})
	case 9:
		return withHandle("stat", func(f File) string {
			fi, err := f.Stat()
			if err != nil {
				return errClass(err)
			}
			if fi.IsDir() {
				return "dir"
			}
			return strconv.FormatInt(fi.Size(), 10)
		})
	case 10:
		return withHandle("close", func(f File) string { return errClass(f.Close()) })
	case 11:
		return op("remove "+name, func(c fsCase, _ *[4]File) string { return errClass(c.fs.Remove(c.path(name))) })
	case 12:
		return op("rename "+name+" "+other, func(c fsCase, _ *[4]File) string {
			return errClass(c.fs.Rename(c.path(name), c.path(other)))
		})
	case 13:
		return op("mkdirall "+name, func(c fsCase, _ *[4]File) string {
			return errClass(c.fs.MkdirAll(c.path(name), 0o755))
		})
	case 14:
		return op("removeall "+name, func(c fsCase, _ *[4]File) string {
			return errClass(c.fs.RemoveAll(c.path(name)))
		})
	case 15:
		return op("list "+name, func(c fsCase, _ *[4]File) string {
			names, err := c.fs.List(c.path(name))
			return strings.Join(names, ",") + " " + errClass(err)
		})
	default:
		return op("stat "+name, func(c fsCase, _ *[4]File) string {
			fi, err := c.fs.Stat(c.path(name))
			if err != nil {
				return errClass(err)
			}
			if fi.IsDir() {
				return "dir"
			}
			return strconv.FormatInt(fi.Size(), 10)
		})
	}
}

// checkUsage recomputes a MemFS's usage from scratch: every file inode
// reachable by name or from one of the given open handles counts once.
func checkUsage(t *testing.T, m *MemFS, handles ...File) {
	t.Helper()
	m.mu.RLock()
	defer m.mu.RUnlock()
	seen := map[*memNode]bool{}
	var sum int64
	var walk func(n *memNode)
	walk = func(n *memNode) {
		if seen[n] {
			return
		}
		seen[n] = true
		if !n.dir {
			sum += int64(len(n.data))
			if !live(n) {
				t.Fatalf("reachable inode is not live: nlink %d opens %d", n.nlink, n.opens)
			}
			return
		}
		for _, c := range n.entries {
			walk(c)
		}
	}
	walk(m.root)
	for _, h := range handles {
		if f, ok := h.(*memFile); ok && !f.closed {
			walk(f.node)
		}
	}
	if m.usage != sum {
		t.Fatalf("usage %d, recomputed %d", m.usage, sum)
	}
}
