package engine

import (
	"sort"
	"sync/atomic"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
	"github.com/keystonedb/kstone-shell/engine/internal/manifest"
	"github.com/keystonedb/kstone-shell/engine/internal/memtable"
	"github.com/keystonedb/kstone-shell/engine/internal/sstable"
)

// version is an immutable view of a stripe's data: the active memtable, the
// memtables waiting to be flushed and the live SSTs. Readers take a
// reference, so the SST files of a version stay open (and on disk) until the
// last reader is done, even after a compaction replaced them.
type version struct {
	refs atomic.Int32
	mem  *memtable.Memtable
	imms []*immMem    // oldest first
	ssts []*sstHandle // oldest first; sequence ranges do not overlap
}

// immMem is a memtable that no longer takes writes and waits for its flush.
type immMem struct {
	mem    *memtable.Memtable
	maxSeq base.SeqNum // every write to this memtable has seq <= maxSeq
}

func newVersion(mem *memtable.Memtable, imms []*immMem, ssts []*sstHandle) *version {
	v := &version{mem: mem, imms: imms, ssts: ssts}
	v.refs.Store(1)
	for _, t := range ssts {
		t.ref()
	}
	return v
}

func (v *version) ref() { v.refs.Add(1) }

func (v *version) unref() {
	if v.refs.Add(-1) == 0 {
		for _, t := range v.ssts {
			t.unref()
		}
	}
}

// sstHandle is an open SST shared by versions. When the last version
// holding an obsolete table lets go, the file is closed and deleted.
type sstHandle struct {
	meta     manifest.FileMeta
	r        *sstable.Reader
	refs     atomic.Int32
	obsolete atomic.Bool
	db       *DB

	bloomProbes, bloomNegatives, bloomFalsePositives atomic.Uint64
}

func (t *sstHandle) ref() { t.refs.Add(1) }

func (t *sstHandle) unref() {
	if t.refs.Add(-1) != 0 {
		return
	}
	err := t.r.Close()
	if t.obsolete.Load() {
		t.db.cache.EvictFile(uint64(t.meta.Num))
		name := sstName(t.meta.Stripe, t.meta.Num)
		if rerr := t.db.fs.Remove(t.db.path(name)); rerr != nil && err == nil {
			err = rerr
		}
	}
	if err != nil {
		t.db.log.Warn("Failed to release SST file", "file", sstName(t.meta.Stripe, t.meta.Num), "error", err)
	}
}

func sstName(s base.StripeID, n base.FileNum) string {
	return base.MakeFilename(base.FileKindSST, s, n)
}

func sortTables(ts []*Table) {
	sort.Slice(ts, func(i, j int) bool { return ts[i].name < ts[j].name })
}
