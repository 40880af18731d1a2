package wal

import (
	"bytes"
	"fmt"
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
