package sstable

import (
	"fmt"
	"io"
	"testing"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
	"github.com/keystonedb/kstone-shell/engine/internal/cache"
)

type countingFile struct {
	io.ReaderAt
	reads int
}

func (f *countingFile) ReadAt(p []byte, off int64) (int, error) {
	f.reads++
	return f.ReaderAt.ReadAt(p, off)
}
func (f *countingFile) Close() error { return nil }

// TestScanReadaheadAndCachePolicy checks that long scans read in chunks and
// leave the cache alone, while short ones populate it.
func TestScanReadaheadAndCachePolicy(t *testing.T) {
	var es []kv
	for i := range 20000 {
		es = append(es, kv{key: fmt.Appendf(nil, "k%07d", i), t: base.MakeTrailer(1, base.KindSet), value: make([]byte, 50)})
	}
	data, props := build(t, es, WriterOptions{})
	for _, backward := range []bool{false, true} {
		c := cache.New(64 << 20)
		f := &countingFile{ReaderAt: newMemFile(data)}
		rd, err := NewReader(f, int64(len(data)), ReaderOptions{Cache: c, FileNum: 1})
		if err != nil {
			t.Fatal(err)
		}
		f.reads = 0
		it := rd.NewIter(nil, nil)
		n := 0
		if backward {
			for ok := it.Last(); ok; ok = it.Prev() {
				n++
			}
		} else {
			for ok := it.First(); ok; ok = it.Next() {
				n++
			}
		}
		if n != len(es) || it.Error() != nil {
			t.Fatalf("backward=%v: %d entries, %v", backward, n, it.Error())
		}
		maxReads := readaheadAfter + int(props.Size/readaheadSize) + 2
		if f.reads > maxReads {
			t.Errorf("backward=%v: %d reads for %d blocks, want <= %d", backward, f.reads, props.DataBlocks, maxReads)
		}
		if st := c.Stats(); st.Blocks > readaheadAfter {
			t.Errorf("backward=%v: scan cached %d blocks", backward, st.Blocks)
		}
		// A short range scan populates the cache.
		it = rd.NewIter([]byte("k0010000"), []byte("k0010100"))
		for ok := it.First(); ok; ok = it.Next() {
		}
		before := c.Stats().Blocks
		f.reads = 0
		it = rd.NewIter([]byte("k0010000"), []byte("k0010100"))
		for ok := it.First(); ok; ok = it.Next() {
		}
		if f.reads != 0 || c.Stats().Blocks != before {
			t.Errorf("backward=%v: short scan not served from the cache (%d reads)", backward, f.reads)
		}
	}
}

// TestConcurrentReaders runs point reads and scans on one Reader and one
// cache from several goroutines (meaningful under -race).
func TestConcurrentReaders(t *testing.T) {
	var es []kv
	for i := range 5000 {
		es = append(es, kv{key: fmt.Appendf(nil, "k%06d", i), t: base.MakeTrailer(base.SeqNum(i+1), base.KindSet), value: fmt.Appendf(nil, "v%d", i)})
	}
	data, _ := build(t, es, WriterOptions{BlockSize: 512})
	rd := open(t, data, cache.New(64<<10)) // small: constant eviction
	errs := make(chan error, 8)
	for g := range 8 {
		go func() {
			var err error
			defer func() { errs <- err }()
			for i := range 2000 {
				e := es[(i*7919+g*31)%len(es)]
				if g%2 == 0 {
					res, gerr := rd.Get(e.key, base.SeqNumMax)
					if gerr != nil || !res.Found || string(res.Value) != string(e.value) {
						err = fmt.Errorf("Get(%s) = %+v, %v", e.key, res, gerr)
						return
					}
					continue
				}
				it := rd.NewIter(e.key, nil)
				n := 0
				for ok := it.First(); ok && n < 50; ok = it.Next() {
					n++
				}
				if cerr := it.Close(); cerr != nil {
					err = cerr
					return
				}
			}
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}
