package engine

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"time"

	"github.com/keystonedb/kstone-shell/engine/internal/vfs"
)

// Durability says when a write is acknowledged.
type Durability int

const (
	// DurabilitySync acknowledges a write only after its WAL record is on
	// stable storage (fdatasync). Concurrent writers to a stripe share one
	// sync (group commit). A crash loses nothing that was acknowledged.
	DurabilitySync Durability = iota
	// DurabilityRelaxed acknowledges a write once it is in memory. WAL
	// records reach the OS in batches and stable storage every
	// RelaxedSyncInterval, and at Sync, Flush and Close. A crash (of the
	// machine, or a SIGKILL before the OS has the data) can lose the writes
	// of up to the last interval; what survives is always a prefix of each
	// stripe's writes, never a torn item.
	DurabilityRelaxed
)

func (d Durability) String() string {
	switch d {
	case DurabilitySync:
		return "sync"
	case DurabilityRelaxed:
		return "relaxed"
	}
	return fmt.Sprintf("Durability(%d)", int(d))
}

// Defaults of Options. The guide's knobs use these values.
const (
	DefaultMemtableRecordThreshold  = 1000
	DefaultMemtableByteThreshold    = 4 << 20
	DefaultMemoryBudget             = 64 << 20
	DefaultRelaxedSyncInterval      = time.Second
	DefaultBlockSize                = 4096
	DefaultBloomFalsePositiveRate   = 0.01
	DefaultBlockCacheSize           = 64 << 20
	DefaultCompactionThreshold      = 4
	DefaultMaxConcurrentCompactions = 4
	DefaultMaxImmutableMemtables    = 4
	DefaultWALPreallocate           = 256 << 10
	DefaultFlushWorkers             = 2
	DefaultHighSSTCount             = 10
	DefaultDiskUsageWarn            = 0.8
	DefaultHighWriteAmp             = 10
	DefaultSlowWriteP99             = 10 * time.Millisecond
	DefaultHealthCheckInterval      = time.Second
)

// Options configure a database. The zero value means "all defaults";
// EnsureDefaults fills in every unset field.
type Options struct {
	// FS is the file system the database lives in. Default: the OS.
	FS vfs.FS
	// Logger receives the engine's structured logs; the engine never writes
	// to stdout or stderr itself. Default: a logger that discards.
	Logger *slog.Logger

	// MemtableRecordThreshold: a stripe's memtable is flushed to an SST once
	// it holds this many records. Default: 1000.
	MemtableRecordThreshold int
	// MemtableByteThreshold: ... or this many bytes. Default: 4 MiB.
	MemtableByteThreshold int64
	// MemoryBudget caps the bytes held by all memtables together (active and
	// waiting to be flushed); above it the largest stripes are flushed
	// first. Default: 64 MiB.
	MemoryBudget int64
	// MaxImmutableMemtables: a stripe with this many memtables waiting to be
	// flushed makes its writers wait (a write stall). Default: 4.
	MaxImmutableMemtables int
	// FlushWorkers is the number of background goroutines writing SSTs.
	// Default: 2.
	FlushWorkers int

	// Durability: DurabilitySync (default) or DurabilityRelaxed.
	Durability Durability
	// RelaxedSyncInterval: how often relaxed durability syncs the WALs, like
	// Redis's "appendfsync everysec". Default: 1s.
	RelaxedSyncInterval time.Duration
	// WALPreallocate: WAL segments grow in chunks of this many bytes so
	// that syncs do not extend the file. Default: 256 KiB.
	WALPreallocate int64

	// BlockSize is the target size of an SST data block. Default: 4096.
	BlockSize int
	// BloomFalsePositiveRate of the SSTs' bloom filters. Default: 0.01;
	// negative disables bloom filters.
	BloomFalsePositiveRate float64
	// BlockCacheSize in bytes; negative disables the cache. Default: 64 MiB.
	BlockCacheSize int64

	// CompactionThreshold: a stripe holding this many SSTs is compacted.
	// Default: 4.
	CompactionThreshold int
	// MaxConcurrentCompactions: how many stripes compact at once. Default:
	// 4. Left at 0, background compactions also leave half of the cores
	// (GOMAXPROCS) to writers and flushes: on 2 cores one runs at a time,
	// which measured 0.83 of the no-compaction write rate against 0.59
	// with 4 (bench put-during-compaction). CompactAll and Compact, which
	// a person asks for, use all 4. A value set here applies to both.
	MaxConcurrentCompactions int
	// backgroundCompactions is the background compaction workers' count.
	backgroundCompactions int
	// DisableAutoCompaction turns background compaction off; Compact still
	// works by hand.
	DisableAutoCompaction bool

	// Events receives flush, compaction, stall, error and health events.
	Events *EventListener
	// Health thresholds; see Health. Defaults: 10 SSTs in a stripe, 80%
	// disk usage, write amplification 10, p99 write latency 10ms.
	HighSSTCount        int
	DiskUsageWarn       float64
	HighWriteAmp        float64
	SlowWriteP99        time.Duration
	HealthCheckInterval time.Duration // Default: 1s.
}

// EnsureDefaults returns a copy of o with every unset field at its default.
// A nil receiver gives all defaults.
func (o *Options) EnsureDefaults() *Options {
	var n Options
	if o != nil {
		n = *o
	}
	if n.FS == nil {
		n.FS = vfs.Default()
	}
	if n.Logger == nil {
		n.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	setDefault(&n.MemtableRecordThreshold, DefaultMemtableRecordThreshold)
	setDefault(&n.MemtableByteThreshold, DefaultMemtableByteThreshold)
	setDefault(&n.MemoryBudget, DefaultMemoryBudget)
	setDefault(&n.MaxImmutableMemtables, DefaultMaxImmutableMemtables)
	setDefault(&n.FlushWorkers, DefaultFlushWorkers)
	setDefault(&n.RelaxedSyncInterval, DefaultRelaxedSyncInterval)
	setDefault(&n.WALPreallocate, DefaultWALPreallocate)
	setDefault(&n.BlockSize, DefaultBlockSize)
	setDefault(&n.BloomFalsePositiveRate, DefaultBloomFalsePositiveRate)
	setDefault(&n.BlockCacheSize, DefaultBlockCacheSize)
	setDefault(&n.CompactionThreshold, DefaultCompactionThreshold)
	if n.backgroundCompactions == 0 {
		n.backgroundCompactions = n.MaxConcurrentCompactions
		if n.backgroundCompactions == 0 {
			n.backgroundCompactions = min(DefaultMaxConcurrentCompactions, max(1, runtime.GOMAXPROCS(0)/2))
		}
	}
	setDefault(&n.MaxConcurrentCompactions, DefaultMaxConcurrentCompactions)
	setDefault(&n.HighSSTCount, DefaultHighSSTCount)
	setDefault(&n.DiskUsageWarn, DefaultDiskUsageWarn)
	setDefault(&n.HighWriteAmp, DefaultHighWriteAmp)
	setDefault(&n.SlowWriteP99, DefaultSlowWriteP99)
	setDefault(&n.HealthCheckInterval, DefaultHealthCheckInterval)
	return &n
}

func setDefault[T int | int64 | float64 | time.Duration](p *T, def T) {
	if *p == 0 {
		*p = def
	}
}

// Validate reports every problem with o at once. Unset (zero) fields are
// fine: they take their defaults.
func (o *Options) Validate() error {
	if o == nil {
		return nil
	}
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, invalidArg(format, args...)) }
	if o.MemtableRecordThreshold < 0 {
		bad("MemtableRecordThreshold must be positive, got %d", o.MemtableRecordThreshold)
	}
	if o.MemtableByteThreshold < 0 {
		bad("MemtableByteThreshold must be positive, got %d", o.MemtableByteThreshold)
	}
	if o.MemoryBudget < 0 {
		bad("MemoryBudget must be positive, got %d", o.MemoryBudget)
	}
	if o.MaxImmutableMemtables < 0 {
		bad("MaxImmutableMemtables must be positive, got %d", o.MaxImmutableMemtables)
	}
	if o.FlushWorkers < 0 {
		bad("FlushWorkers must be positive, got %d", o.FlushWorkers)
	}
	if o.Durability != DurabilitySync && o.Durability != DurabilityRelaxed {
		bad("unknown Durability %d", int(o.Durability))
	}
	if o.RelaxedSyncInterval < 0 {
		bad("RelaxedSyncInterval must be positive, got %s", o.RelaxedSyncInterval)
	}
	if o.WALPreallocate < 0 {
		bad("WALPreallocate must be positive, got %d", o.WALPreallocate)
	}
	if o.BlockSize < 0 || (o.BlockSize > 0 && o.BlockSize < 256) || o.BlockSize > 1<<20 {
		bad("BlockSize must be between 256 and 1048576, got %d", o.BlockSize)
	}
	if o.BloomFalsePositiveRate >= 1 {
		bad("BloomFalsePositiveRate must be below 1, got %g", o.BloomFalsePositiveRate)
	}
	if o.CompactionThreshold < 0 || o.CompactionThreshold == 1 {
		bad("CompactionThreshold must be at least 2, got %d", o.CompactionThreshold)
	}
	if o.MaxConcurrentCompactions < 0 {
		bad("MaxConcurrentCompactions must be positive, got %d", o.MaxConcurrentCompactions)
	}
	if o.HighSSTCount < 0 {
		bad("HighSSTCount must be positive, got %d", o.HighSSTCount)
	}
	if o.DiskUsageWarn < 0 || o.DiskUsageWarn > 1 {
		bad("DiskUsageWarn must be a fraction between 0 and 1, got %g", o.DiskUsageWarn)
	}
	if o.HighWriteAmp < 0 {
		bad("HighWriteAmp must be positive, got %g", o.HighWriteAmp)
	}
	if o.SlowWriteP99 < 0 || o.HealthCheckInterval < 0 {
		bad("SlowWriteP99 and HealthCheckInterval must be positive")
	}
	return errors.Join(errs...)
}
