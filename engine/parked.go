package engine

import (
	"github.com/keystonedb/kstone-shell/engine/internal/base"
	"github.com/keystonedb/kstone-shell/engine/internal/manifest"
)

// parkedSST is a table named by a manifest edit that failed. The live
// manifest file may still hold that edit (the record can be written and
// only its sync have failed), so the file must outlive that manifest file:
// a crash now would reopen a state that names it.
type parkedSST struct {
	t        *sstHandle
	manifest base.FileNum // the live manifest file when the edit failed
}

// parkSST keeps t after its manifest edit failed; releaseParked deletes it
// once the manifest has moved on to a new file.
func (db *DB) parkSST(t *sstHandle) {
	if t == nil {
		return
	}
	t.ref()
	db.parkedMu.Lock()
	db.parked = append(db.parked, parkedSST{t: t, manifest: db.man.LiveFileNum()})
	db.parkedMu.Unlock()
}

// applyEdit records e in the manifest; on success, tables parked by
// earlier failed edits may be gone for good.
func (db *DB) applyEdit(e manifest.Edit) error {
	if err := db.man.Apply(e); err != nil {
		return err
	}
	db.releaseParked()
	return nil
}

// releaseParked runs after a successful manifest edit: a roll-over may
// have retired the file that named the parked tables.
func (db *DB) releaseParked() {
	db.parkedMu.Lock()
	defer db.parkedMu.Unlock()
	if len(db.parked) == 0 {
		return
	}
	live := db.man.LiveFileNum()
	keep := db.parked[:0]
	for _, p := range db.parked {
		if p.manifest == live {
			keep = append(keep, p)
			continue
		}
		p.t.obsolete.Store(true)
		p.t.unref()
	}
	db.parked = keep
}

// closeParked lets go of the parked tables at Close without deleting
// them: the next Open removes those no manifest names.
func (db *DB) closeParked() {
	db.parkedMu.Lock()
	defer db.parkedMu.Unlock()
	for _, p := range db.parked {
		p.t.unref()
	}
	db.parked = nil
}
