package wal

import (
	"fmt"

	"github.com/keystonedb/kstone-shell/engine/internal/vfs"
)

// OpenForAppend continues a segment that ReadSegment read at recovery:
// records are appended after info.ValidEnd, with LSNs above info.LastLSN.
// It lets a database reopened many times (one command per process, say)
// keep writing one segment instead of starting a new file at every Open.
//
// A torn tail is first overwritten with zeros up to the end of the file,
// durably (its length is unknown, and leftovers of it must never follow
// later records); a clean end is left as it is, so reopening costs no
// sync. On error the caller still owns f.
func OpenForAppend(f vfs.File, name string, info SegmentInfo, opts WriterOptions) (*Writer, error) {
	opts.EnsureDefaults()
	if err := opts.Validate(); err != nil {
		return nil, fmt.Errorf("wal: segment %s: invalid options: %w", name, err)
	}
	if info.Num != opts.Num || info.Stripe != opts.Stripe || info.ValidEnd < HeaderSize {
		return nil, fmt.Errorf("wal: segment %s: resume of segment %d (stripe %d) at %d does not match options (segment %d, stripe %d)",
			name, info.Num, info.Stripe, info.ValidEnd, opts.Num, opts.Stripe)
	}
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("wal: segment %s: stat: %w", name, err)
	}
	w := &Writer{
		f:         f,
		name:      name,
		stripe:    opts.Stripe,
		num:       opts.Num,
		chunk:     opts.PreallocateChunk,
		bufSize:   opts.BufferSize,
		pool:      opts.Buffers,
		buf:       opts.Buffers.get(),
		spare:     opts.Buffers.get(),
		allocated: fi.Size(),
		relaxed:   info.Relaxed,
		records:   int64(info.Records),
		lastLSN:   info.LastLSN,
	}
	w.cond.L = &w.mu
	end := info.ValidEnd
	if info.Torn {
		// The torn record's length is unknown: zero everything after the
		// good records, durably, before anything is appended there.
		zeros := max(int64(RecordHeaderSize), fi.Size()-end)
		if err := writeZeros(f, end, zeros); err != nil {
			return nil, fmt.Errorf("wal: segment %s: clear tail at %d: %w", name, end, err)
		}
		if err := f.Datasync(); err != nil {
			return nil, fmt.Errorf("wal: segment %s: datasync tail: %w", name, err)
		}
		w.allocated = max(w.allocated, end+zeros)
	}
	// A clean end already reads as one (zeros, stale records of another
	// segment, or the end of the file); the first write-out puts its own
	// terminator after the new records.
	w.size, w.bufStart, w.written, w.syncedSize = end, end, end, end
	w.writtenRecords, w.syncedRecords = w.records, w.records
	return w, nil
}

func writeZeros(f vfs.File, off, n int64) error {
	buf := make([]byte, min(n, 64<<10))
	for n > 0 {
		k := min(n, int64(len(buf)))
		if _, err := f.WriteAt(buf[:k], off); err != nil {
			return err
		}
		off += k
		n -= k
	}
	return nil
}
