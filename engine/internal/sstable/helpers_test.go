package sstable

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"sort"
	"testing"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
	"github.com/keystonedb/kstone-shell/engine/internal/cache"
)

// memFile is an in-memory ReadableFile, independent of the vfs package.
type memFile struct {
	*bytes.Reader
	closed bool
}

func (f *memFile) Close() error {
	if f.closed {
		return errors.New("already closed")
	}
	f.closed = true
	return nil
}

func newMemFile(b []byte) *memFile { return &memFile{Reader: bytes.NewReader(b)} }

// kv is one model entry.
type kv struct {
	key   []byte
	t     base.Trailer
	value []byte
}

func (e kv) String() string {
	return fmt.Sprintf("%q#%d,%v=%d bytes", trunc(e.key), e.t.SeqNum(), e.t.Kind(), len(e.value))
}

func trunc(b []byte) []byte {
	if len(b) > 20 {
		return b[:20]
	}
	return b
}

func sortEntries(es []kv) []kv {
	slices.SortFunc(es, func(a, b kv) int { return base.CompareInternal(a.key, a.t, b.key, b.t) })
	return slices.CompactFunc(es, func(a, b kv) bool { return base.CompareInternal(a.key, a.t, b.key, b.t) == 0 })
}

func build(tb testing.TB, es []kv, opts WriterOptions) ([]byte, Properties) {
	tb.Helper()
	var buf bytes.Buffer
	w := NewWriter(&buf, opts)
	for _, e := range es {
		if err := w.Add(e.key, e.t, e.value); err != nil {
			tb.Fatalf("Add(%v): %v", e, err)
		}
	}
	props, err := w.Finish()
	if err != nil {
		tb.Fatalf("Finish: %v", err)
	}
	if props.Size != uint64(buf.Len()) {
		tb.Fatalf("Size %d, wrote %d", props.Size, buf.Len())
	}
	return buf.Bytes(), props
}

func open(tb testing.TB, data []byte, c *cache.Cache) *Reader {
	tb.Helper()
	r, err := NewReader(newMemFile(data), int64(len(data)), ReaderOptions{Cache: c, FileNum: 7, Name: "000_0000000007.sst"})
	if err != nil {
		tb.Fatalf("NewReader: %v", err)
	}
	return r
}

// modelGet is the reference for Reader.Get: es is sorted, so the answer is
// the first entry at or after (key, snap<<8|0xff), if its user key is key.
func modelGet(es []kv, key []byte, snap base.SeqNum) (kv, bool) {
	t := base.MakeTrailer(min(snap, base.SeqNumMax), 0xff)
	i := sort.Search(len(es), func(i int) bool { return base.CompareInternal(es[i].key, es[i].t, key, t) >= 0 })
	if i < len(es) && bytes.Equal(es[i].key, key) {
		return es[i], true
	}
	return kv{}, false
}

func isCorruption(err error) bool {
	var ce *base.CorruptionError
	return errors.Is(err, base.ErrCorruption) && errors.As(err, &ce)
}

func errorsIs(err, target error) bool { return errors.Is(err, target) }
