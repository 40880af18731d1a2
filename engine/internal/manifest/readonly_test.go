package manifest

import (
	"errors"
	"io"
	"os"
	"reflect"
	"testing"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
	"github.com/keystonedb/kstone-shell/engine/internal/vfs"
)

// noWriteFS fails every call that could change the file system.
type noWriteFS struct {
	vfs.FS
	t *testing.T
}

func (f noWriteFS) fail(op, name string) error {
	f.t.Errorf("ReadState called %s(%s)", op, name)
	return errors.New("read-only")
}

func (f noWriteFS) Create(name string) (vfs.File, error) { return nil, f.fail("Create", name) }
func (f noWriteFS) OpenReadWrite(name string) (vfs.File, error) {
	return nil, f.fail("OpenReadWrite", name)
}
func (f noWriteFS) Remove(name string) error               { return f.fail("Remove", name) }
func (f noWriteFS) RemoveAll(name string) error            { return f.fail("RemoveAll", name) }
func (f noWriteFS) Rename(a, b string) error               { return f.fail("Rename", a) }
func (f noWriteFS) MkdirAll(d string, _ os.FileMode) error { return f.fail("MkdirAll", d) }
func (f noWriteFS) Lock(name string) (io.Closer, error)    { return nil, f.fail("Lock", name) }

func TestReadStateMatchesOpenWithoutWriting(t *testing.T) {
	fs, dir := newMemDir(t)
	ro := noWriteFS{fs, t}
	if _, _, err := ReadState(ro, dir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("ReadState of an empty dir = %v, want ErrNotExist", err)
	}
	m, err := Create(fs, dir, initialState(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	w := newWorkload(7)
	var want *State
	for range 50 {
		e := w.next(m.State(), m.AllocFileNum)
		if err := m.Apply(e); err != nil {
			t.Fatal(err)
		}
	}
	want = m.State()
	// A file written after its number was allocated but never recorded.
	orphan := base.MakeFilename(base.FileKindSST, 3, want.NextFileNum+40)
	if err := fs.WriteFile(fs.PathJoin(dir, orphan), []byte("x")); err != nil {
		t.Fatal(err)
	}
	before, _ := fs.List(dir)
	got, info, err := ReadState(ro, dir)
	if err != nil {
		t.Fatal(err)
	}
	if !sameState(got, want) {
		t.Errorf("ReadState = %s, want %s", describe(got), describe(want))
	}
	if got.NextFileNum <= want.NextFileNum+40 {
		t.Errorf("NextFileNum %d does not clear the orphan %s", got.NextFileNum, orphan)
	}
	if info.TornTail || info.Edits != 50 || len(info.ObsoleteManifests) != 0 {
		t.Errorf("info = %+v", info)
	}
	after, _ := fs.List(dir)
	if !reflect.DeepEqual(before, after) {
		t.Errorf("files changed: %v -> %v", before, after)
	}
	num, err := ReadCurrent(ro, dir)
	if err != nil || num != m.FileNum() {
		t.Errorf("ReadCurrent = %d, %v; want %d", num, err, m.FileNum())
	}
	m.Close()

	// Open agrees (and only then rolls over).
	m2, st, _, err := Open(fs, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer m2.Close()
	if !sameState(st, got) {
		t.Errorf("Open = %s, ReadState = %s", describe(st), describe(got))
	}
}

func TestReadStateTornTailAndCorruption(t *testing.T) {
	fs, dir := newMemDir(t)
	m, err := Create(fs, dir, initialState(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	num := m.FileNum()
	if err := m.Apply(Edit{Stripes: []StripeEdit{{Stripe: 1, FlushedSeq: 5}}}); err != nil {
		t.Fatal(err)
	}
	m.Close()
	name := fs.PathJoin(dir, base.MakeFilename(base.FileKindManifest, 0, num))
	data, err := fs.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	// A torn last record: a partial header.
	if err := fs.WriteFile(name, append(append([]byte(nil), data...), 9, 0, 0)); err != nil {
		t.Fatal(err)
	}
	got, info, err := ReadState(noWriteFS{fs, t}, dir)
	if err != nil {
		t.Fatal(err)
	}
	if !info.TornTail || info.TornOffset != int64(len(data)) || info.TornBytes != 3 || got.Stripes[1].FlushedSeq != 5 {
		t.Errorf("torn tail: info %+v, flushed %d", info, got.Stripes[1].FlushedSeq)
	}
	// A damaged snapshot is corruption.
	bad := append([]byte(nil), data...)
	bad[10] ^= 0xff
	if err := fs.WriteFile(name, bad); err != nil {
		t.Fatal(err)
	}
	var ce *base.CorruptionError
	if _, _, err := ReadState(noWriteFS{fs, t}, dir); !errors.As(err, &ce) {
		t.Errorf("damaged snapshot: %v, want a CorruptionError", err)
	}
	if err := fs.Remove(name); err != nil {
		t.Fatal(err)
	}
	if _, _, err := ReadState(noWriteFS{fs, t}, dir); !errors.As(err, &ce) {
		t.Errorf("missing manifest: %v, want a CorruptionError", err)
	}
}
