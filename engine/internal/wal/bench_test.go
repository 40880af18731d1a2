package wal

import (
	"path/filepath"
	"sync"
	"testing"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
	"github.com/keystonedb/kstone-shell/engine/internal/vfs"
)

// discardFile is a vfs.File that drops writes, to time Append alone.
type discardFile struct{ memFile }

func (f *discardFile) WriteAt(p []byte, off int64) (int, error) { return len(p), nil }
func (f *discardFile) Preallocate(off, length int64) error      { return nil }

func BenchmarkAppend(b *testing.B) {
	w, err := NewWriter(&discardFile{}, "bench", WriterOptions{Num: 1})
	if err != nil {
		b.Fatal(err)
	}
	payload := make([]byte, 100)
	b.SetBytes(int64(len(payload)))
	b.ReportAllocs()
	lsn := base.SeqNum(0)
	for b.Loop() {
		lsn++
		if _, err := w.Append(lsn, payload); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSyncedAppend1(b *testing.B)  { benchSyncedAppend(b, 1) }
func BenchmarkSyncedAppend16(b *testing.B) { benchSyncedAppend(b, 16) }

// benchSyncedAppend runs goroutines that each append a 100-byte record
// (serialized by a mutex, as under the engine's stripe lock) and Sync it,
// on a real file, as the engine's synchronous durability mode does.
func benchSyncedAppend(b *testing.B, goroutines int) {
	f, err := vfs.Default().Create(filepath.Join(b.TempDir(), "wal_000.log"))
	if err != nil {
		b.Fatal(err)
	}
	w, err := NewWriter(f, "wal_000.log", WriterOptions{Num: 1})
	if err != nil {
		b.Fatal(err)
	}
	payload := make([]byte, 100)
	var appendMu sync.Mutex
	var lsn base.SeqNum
	start := w.Stats()
	b.ResetTimer()
	var wg sync.WaitGroup
	for g := range goroutines {
		n := b.N / goroutines
		if g < b.N%goroutines {
			n++
		}
		wg.Go(func() {
			for range n {
				appendMu.Lock()
				lsn++
				end, err := w.Append(lsn, payload)
				appendMu.Unlock()
				if err == nil {
					err = w.Sync(end)
				}
				if err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	st := w.Stats().Sub(start)
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
	b.ReportMetric(float64(st.Syncs)/float64(b.N), "syncs/op")
	b.ReportMetric(float64(st.MeanSyncTime().Microseconds()), "µs/sync")
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
}
