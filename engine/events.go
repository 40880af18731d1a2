package engine

import (
	"time"
)

// EventListener receives the engine's events. Every field is optional.
// Hooks run on one dispatcher goroutine, in order, never on the engine's
// own paths: the engine queues events and goes on, dropping them (and
// counting the drops in Stats) if a slow listener lets the queue fill.
// The TUI forwards them to its event loop as messages.
type EventListener struct {
	FlushBegin         func(FlushInfo)
	FlushEnd           func(FlushInfo)
	CompactionBegin    func(CompactionInfo)
	CompactionProgress func(CompactionInfo)
	CompactionEnd      func(CompactionInfo)
	// BackgroundError reports failures of work nobody waits for (flushes,
	// compactions, WAL syncs in relaxed mode).
	BackgroundError func(error)
	WriteStallBegin func(WriteStallInfo)
	WriteStallEnd   func(WriteStallInfo)
	// HealthChange reports a change of Health().Status.
	HealthChange func(HealthReport)
}

// FlushInfo describes a memtable flush.
type FlushInfo struct {
	Stripe   int
	Records  int
	Bytes    uint64 // size of the SST written
	File     string
	Duration time.Duration
	Err      error
}

// CompactionInfo describes a compaction; progress is BytesRead of
// BytesTotal.
type CompactionInfo struct {
	Stripe       int
	Inputs       int
	BytesTotal   uint64
	BytesRead    uint64
	BytesWritten uint64
	Duration     time.Duration
	Err          error
}

// WriteStallInfo says why writers wait.
type WriteStallInfo struct {
	Stripe int    // -1 for the global memory stall
	Reason string // "too many memtables waiting to be flushed" or "memory budget exceeded"
}

func call[T any](f func(T), v T) {
	if f != nil {
		f(v)
	}
}

// eventQueueLen bounds the events waiting for the dispatcher.
const eventQueueLen = 4096

// emit queues an event for the dispatcher without ever blocking.
func (db *DB) emit(fn func(*EventListener)) {
	if db.opts.Events == nil {
		return
	}
	select {
	case db.events <- fn:
	default:
		db.eventsDropped.Add(1)
	}
}

func (db *DB) dispatchEvents() {
	defer db.bg.Done()
	for {
		select {
		case fn := <-db.events:
			fn(db.opts.Events)
		case <-db.closing:
			return
		}
	}
}
