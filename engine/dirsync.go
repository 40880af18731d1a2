package engine

import (
	"sync"

	"github.com/keystonedb/kstone-shell/engine/internal/vfs"
)

// dirSyncer shares directory syncs between goroutines: a sync that starts
// after a caller's rename or create covers it, so concurrent callers (many
// stripes starting WAL segments at once) wait for one fsync instead of
// queueing for one each on the directory's lock.
type dirSyncer struct {
	fs  vfs.FS
	dir string

	mu        sync.Mutex
	cond      sync.Cond
	requested uint64 // tickets handed out
	done      uint64 // every ticket <= done is synced
	syncing   bool
	err       error // result of the last sync
}

func newDirSyncer(fs vfs.FS, dir string) *dirSyncer {
	d := &dirSyncer{fs: fs, dir: dir}
	d.cond.L = &d.mu
	return d
}

// sync returns once a directory sync that started after the call has
// completed.
func (d *dirSyncer) sync() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.requested++
	ticket := d.requested
	for d.done < ticket {
		if d.syncing {
			d.cond.Wait()
			continue
		}
		d.syncing = true
		target := d.requested
		d.mu.Unlock()
		err := syncDir(d.fs, d.dir)
		d.mu.Lock()
		d.syncing = false
		d.err = err
		if err == nil {
			d.done = target
		}
		d.cond.Broadcast()
		if err != nil {
			return err
		}
	}
	return nil
}
