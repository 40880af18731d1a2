package wal

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
	"github.com/keystonedb/kstone-shell/engine/internal/vfs"
)

// A segment resumed after a torn tail reads back as the records before the
// tear followed by the new ones, with a clean end.
func TestOpenForAppendAfterTornTail(t *testing.T) {
	for _, torn := range []bool{false, true} {
		t.Run(fmt.Sprintf("torn=%v", torn), func(t *testing.T) {
			fs := vfs.NewMem()
			f, err := fs.Create("seg")
			if err != nil {
				t.Fatal(err)
			}
			opts := WriterOptions{Stripe: 3, Num: 9, PreallocateChunk: 4096}
			w, err := NewWriter(f, "seg", opts)
			if err != nil {
				t.Fatal(err)
			}
			var want [][]byte
			for i := 1; i <= 10; i++ {
				p := bytes.Repeat([]byte{byte(i)}, 100*i)
				if _, err := w.Append(base.SeqNum(i), p); err != nil {
					t.Fatal(err)
				}
				want = append(want, p)
			}
			if err := w.SyncAll(); err != nil {
				t.Fatal(err)
			}
			size := w.Size()
			if torn {
				// Damage the last record's payload: a torn write.
				f.WriteAt([]byte{0xff, 0xee}, size-50)
				want = want[:9]
			}
			info, err := ReadSegment(f, fileSize(t, f), "seg", nil)
			if err != nil || info.Torn != torn {
				t.Fatalf("ReadSegment = %+v, %v", info, err)
			}
			w2, err := OpenForAppend(f, "seg", info, opts)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 3; i++ {
				p := []byte(fmt.Sprintf("new-%d", i))
				if _, err := w2.Append(info.LastLSN+base.SeqNum(i+1), p); err != nil {
					t.Fatal(err)
				}
				want = append(want, p)
			}
			if err := w2.SyncAll(); err != nil {
				t.Fatal(err)
			}
			var got [][]byte
			info2, err := ReadSegment(f, fileSize(t, f), "seg", func(lsn base.SeqNum, p []byte) error {
				got = append(got, append([]byte(nil), p...))
				return nil
			})
			if err != nil || info2.Torn {
				t.Fatalf("after resume: %+v, %v", info2, err)
			}
			if len(got) != len(want) {
				t.Fatalf("got %d records, want %d", len(got), len(want))
			}
			for i := range want {
				if !bytes.Equal(got[i], want[i]) {
					t.Fatalf("record %d differs", i)
				}
			}
		})
	}
}

func fileSize(t *testing.T, f vfs.File) int64 {
	fi, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

func TestRelaxedFlagRoundTrip(t *testing.T) {
	for _, relaxed := range []bool{false, true} {
		fs := vfs.NewMem()
		f, _ := fs.Create("seg")
		w, err := NewWriter(f, "seg", WriterOptions{Stripe: 1, Num: 2, Relaxed: relaxed, DeferHeaderSync: relaxed})
		if err != nil {
			t.Fatal(err)
		}
		w.Append(1, []byte("x"))
		if err := w.SyncAll(); err != nil {
			t.Fatal(err)
		}
		info, err := ReadSegment(f, fileSize(t, f), "seg", nil)
		if err != nil || info.Relaxed != relaxed || info.Records != 1 {
			t.Fatalf("relaxed=%v: %+v %v", relaxed, info, err)
		}
	}
}

func TestContainsRecord(t *testing.T) {
	fs := vfs.NewMem()
	f, _ := fs.Create("seg")
	f.Preallocate(0, 8192)
	if ok, err := ContainsRecord(f, fileSize(t, f), "seg"); ok || err != nil {
		t.Fatalf("zeros: %v %v", ok, err)
	}
	w, err := NewWriter(f, "seg", WriterOptions{Stripe: 1, Num: 7, PreallocateChunk: 4096})
	if err != nil {
		t.Fatal(err)
	}
	w.Append(5, []byte("payload"))
	w.SyncAll()
	f.WriteAt([]byte("garbage!"), 0) // damage the header
	if ok, err := ContainsRecord(f, fileSize(t, f), "seg"); !ok || err != nil {
		t.Fatalf("with a record: %v %v", ok, err)
	}
}

// A record anywhere in a long run of zeros is found.
func TestContainsRecordAfterZeros(t *testing.T) {
	for _, at := range []int64{HeaderSize, HeaderSize + 1, 4095, 4096, 65536 - 7, 65536 + 3, 200001} {
		data := make([]byte, 300000)
		rec := appendRecord(nil, 9, 42, []byte("hello"))
		copy(data[at:], rec)
		ok, err := ContainsRecord(bytesReaderAt(data), int64(len(data)), "x")
		if !ok || err != nil {
			t.Errorf("record at %d not found: %v", at, err)
		}
	}
	ok, err := ContainsRecord(bytesReaderAt(make([]byte, 300000)), 300000, "x")
	if ok || err != nil {
		t.Errorf("zeros: %v %v", ok, err)
	}
}

type bytesReaderAt []byte

func (b bytesReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off >= int64(len(b)) {
		return 0, io.EOF
	}
	n := copy(p, b[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// Damage among records that are all flushed can be stepped over; damage
// that may hide an unflushed record cannot.
func TestSkipDamageUpTo(t *testing.T) {
	fs := vfs.NewMem()
	f, _ := fs.Create("seg")
	w, err := NewWriter(f, "seg", WriterOptions{Stripe: 1, Num: 3, PreallocateChunk: 4096})
	if err != nil {
		t.Fatal(err)
	}
	var ends []int64
	for i := 1; i <= 10; i++ {
		end, _ := w.Append(base.SeqNum(i), bytes.Repeat([]byte{byte(i)}, 50))
		ends = append(ends, end)
	}
	w.SyncAll()
	f.WriteAt([]byte{0xAA}, ends[3]+30) // inside record 5
	size := fileSize(t, f)
	if _, err := ReadSegmentWith(f, size, "seg", ReadOptions{SkipDamageUpTo: 4}, nil); !errors.Is(err, base.ErrCorruption) {
		t.Fatalf("damage hiding LSN 5 > 4 must fail: %v", err)
	}
	var lsns []base.SeqNum
	info, err := ReadSegmentWith(f, size, "seg", ReadOptions{SkipDamageUpTo: 5}, func(l base.SeqNum, _ []byte) error {
		lsns = append(lsns, l)
		return nil
	})
	if err != nil || len(lsns) != 9 || info.LastLSN != 10 || len(info.Skipped) != 1 || info.Skipped[0].FromLSN != 5 || info.Skipped[0].ToLSN != 5 {
		t.Fatalf("lsns %v info %+v err %v", lsns, info, err)
	}
}

// An abandoned segment keeps exactly its durable records and reads back
// with a clean end.
func TestAbandonKeepsTheSyncedPrefix(t *testing.T) {
	fs := vfs.NewMem()
	f, _ := fs.Create("seg")
	w, err := NewWriter(f, "seg", WriterOptions{Stripe: 1, Num: 4, PreallocateChunk: 4096})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 5; i++ {
		w.Append(base.SeqNum(i), []byte("durable"))
	}
	if err := w.SyncAll(); err != nil {
		t.Fatal(err)
	}
	for i := 6; i <= 8; i++ {
		w.Append(base.SeqNum(i), []byte("lost"))
	}
	w.Flush() // on disk but never synced
	if err := w.Abandon(); err != nil {
		t.Fatal(err)
	}
	g, _ := fs.Open("seg")
	info, err := ReadSegment(g, fileSize(t, g), "seg", nil)
	if err != nil || info.Torn || info.Records != 5 || info.LastLSN != 5 {
		t.Fatalf("after Abandon: %+v, %v", info, err)
	}
	if err := w.Sync(w.Size()); err == nil {
		t.Fatal("Sync after Abandon succeeded")
	}
}
