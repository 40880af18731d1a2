package wal

import "fmt"

// Abandon gives up a segment after a write or sync failed (a full disk):
// it cuts the file back to what is known durable — every record ever
// acknowledged — makes that durable and closes the file. The records
// appended after it are dropped from the log (their writers got the
// error). The segment then reads back with a clean end, so the engine can
// seal it and continue in a new one once there is space again.
func (w *Writer) Abandon() error {
	w.writeMu.Lock() // no write-out may run while the file is cut
	defer w.writeMu.Unlock()
	w.mu.Lock()
	end := w.syncedSize
	if w.err == nil {
		w.err = fmt.Errorf("wal: segment %s: %w", w.name, ErrClosed)
	}
	w.closing, w.closed = true, true
	w.cond.Broadcast()
	w.mu.Unlock()
	if end < HeaderSize {
		end = 0 // the header itself never became durable
	}
	err := w.f.Truncate(end)
	if err == nil {
		err = w.f.Datasync()
	}
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("wal: segment %s: abandon at %d: %w", w.name, end, err)
	}
	return nil
}
