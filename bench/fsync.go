package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// fsyncWorkload measures what the device allows for small synced appends,
// without any database. See README.md, "fsync-ceiling".
const fsyncWorkload = "fsync-ceiling"

const (
	fsyncRecordLen = 130       // bytes per append, about one WAL record of a put
	fsyncChunk     = 256 << 10 // preallocation chunk, like KeystoneDB's WALPreallocate
	fsyncFiles     = 256       // one file per KeystoneDB stripe
)

// appendFile is one preallocated file appended to with pwrite. Callers
// serialize through mu.
type appendFile struct {
	mu        sync.Mutex
	f         *os.File
	fd        int
	size      int64 // bytes appended
	allocated int64 // bytes allocated with fallocate
}

// openAppendFile creates name, allocates fsyncChunk bytes with fallocate and
// makes that durable, so that the timed appends write into allocated blocks.
func openAppendFile(name string) (*appendFile, error) {
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, err
	}
	a := &appendFile{f: f, fd: int(f.Fd())}
	if err := a.grow(); err != nil {
		f.Close()
		return nil, err
	}
	if err := unix.Fdatasync(a.fd); err != nil {
		f.Close()
		return nil, fmt.Errorf("fdatasync %s: %w", name, err)
	}
	return a, nil
}

// grow allocates the next fsyncChunk bytes (mode 0: the file size grows too,
// as KeystoneDB's WAL preallocation does).
func (a *appendFile) grow() error {
	if err := unix.Fallocate(a.fd, 0, a.allocated, fsyncChunk); err != nil {
		return fmt.Errorf("fallocate %s: %w", a.f.Name(), err)
	}
	a.allocated += fsyncChunk
	return nil
}

// write appends rec with pwrite, first allocating another chunk if rec would
// pass the allocated end. Caller holds a.mu.
func (a *appendFile) write(rec []byte) error {
	if a.size+int64(len(rec)) > a.allocated {
		if err := a.grow(); err != nil {
			return err
		}
	}
	n, err := unix.Pwrite(a.fd, rec, a.size)
	if err != nil {
		return fmt.Errorf("pwrite %s: %w", a.f.Name(), err)
	}
	if n != len(rec) {
		return fmt.Errorf("pwrite %s: short write %d of %d", a.f.Name(), n, len(rec))
	}
	a.size += int64(n)
	return nil
}

func (a *appendFile) sync() error {
	if err := unix.Fdatasync(a.fd); err != nil {
		return fmt.Errorf("fdatasync %s: %w", a.f.Name(), err)
	}
	return nil
}

// groupFile is one file shared by many writers with a group commit: a writer
// appends under mu, then waits until a fdatasync that started after its
// write has finished. If no sync is running, it runs one itself (the
// leader) for every write appended so far; the others (followers) wait.
type groupFile struct {
	*appendFile
	cond      *sync.Cond // L = &mu; broadcast when a sync finishes
	written   uint64     // writes appended so far
	synced    uint64     // writes covered by the last finished sync
	syncing   bool
	syncs     int64
	stickyErr error
}

func (g *groupFile) writeAndSync(rec []byte) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.stickyErr != nil {
		return g.stickyErr
	}
	if err := g.write(rec); err != nil {
		g.stickyErr = err
		return err
	}
	g.written++
	mine := g.written
	for g.synced < mine {
		if g.stickyErr != nil {
			return g.stickyErr
		}
		if g.syncing {
			g.cond.Wait()
			continue
		}
		// Leader: everything appended so far is in the file, so a sync
		// starting now covers it.
		g.syncing = true
		target := g.written
		g.mu.Unlock()
		err := g.sync()
		g.mu.Lock()
		g.syncing = false
		g.syncs++
		if err != nil {
			g.stickyErr = err
		} else {
			g.synced = target
		}
		g.cond.Broadcast()
	}
	return g.stickyErr
}

// fsyncResult is one line of the fsync-ceiling output.
type fsyncResult struct {
	res           result
	writesPerSync float64 // group commit only
}

// runFsyncCeiling runs the three fsync-ceiling measurements, each for
// cfg.syncDur, in fresh files under cfg.baseDir, and prints one line each.
// It reports whether all succeeded.
func runFsyncCeiling(cfg config) bool {
	root := filepath.Join(cfg.baseDir, fsyncWorkload)
	defer os.RemoveAll(root)
	ok := true
	cases := []struct {
		name string
		run  func(dir string) (fsyncResult, error)
	}{
		{"fsync-ceiling-16w-256files", func(dir string) (fsyncResult, error) {
			return fsyncManyFiles(dir, cfg.syncDur, cfg.writers, fsyncFiles)
		}},
		{"fsync-ceiling-16w-1file-groupcommit", func(dir string) (fsyncResult, error) {
			return fsyncGroupCommit(dir, cfg.syncDur, cfg.writers)
		}},
		{"fsync-ceiling-1w-1file", func(dir string) (fsyncResult, error) {
			return fsyncManyFiles(dir, cfg.syncDur, 1, 1)
		}},
	}
	for _, c := range cases {
		dir := filepath.Join(root, c.name)
		fmt.Fprintf(os.Stderr, "bench: %s ...\n", c.name)
		t0 := time.Now()
		var r fsyncResult
		err := os.MkdirAll(dir, 0o755)
		if err == nil {
			r, err = c.run(dir)
		}
		fmt.Fprintf(os.Stderr, "bench: %s done in %s\n", c.name, time.Since(t0).Round(time.Millisecond))
		os.RemoveAll(dir)
		if err != nil {
			ok = false
			fmt.Printf("%s ops/s=ERROR p50=n/a p99=n/a\n%s error: %v\n", c.name, c.name, err)
			continue
		}
		line := fmt.Sprintf("%s ops/s=%.0f p50=%s p99=%s", c.name, r.res.opsPerSec, fmtDur(r.res.p50), fmtDur(r.res.p99))
		if r.writesPerSync > 0 {
			line += fmt.Sprintf(" writes_per_sync=%.2f", r.writesPerSync)
		}
		fmt.Println(line)
	}
	return ok
}

// createFiles creates n preallocated files in dir and syncs dir.
func createFiles(dir string, n int) ([]*appendFile, error) {
	files := make([]*appendFile, 0, n)
	for i := range n {
		a, err := openAppendFile(filepath.Join(dir, fmt.Sprintf("f%03d.log", i)))
		if err != nil {
			closeFiles(files)
			return nil, err
		}
		files = append(files, a)
	}
	d, err := os.Open(dir)
	if err == nil {
		err = d.Sync()
		d.Close()
	}
	if err != nil {
		closeFiles(files)
		return nil, err
	}
	return files, nil
}

func closeFiles(files []*appendFile) {
	for _, a := range files {
		a.f.Close()
	}
}

// fsyncRecord returns the 130-byte record writer w appends (its content does
// not matter; it is cut from the random value pool).
func fsyncRecord(w int) []byte {
	valueFor(0) // fills the pool
	off := (w * 4096) % (valuePool - fsyncRecordLen)
	return append([]byte(nil), pool[off:off+fsyncRecordLen]...)
}

// runTimed starts `writers` goroutines together, each calling op until d
// has passed, and returns the latencies of all ops and the wall time.
func runTimed(d time.Duration, writers int, op func(w int, r *rand.Rand) error) (result, error) {
	var (
		stop  atomic.Bool
		ready sync.WaitGroup
		done  sync.WaitGroup
		begin = make(chan struct{})
		lats  = make([][]time.Duration, writers)
		errs  = make([]error, writers)
	)
	for w := range writers {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			r := rand.New(rand.NewPCG(seed, 100+uint64(w)))
			lat := make([]time.Duration, 0, 1<<16)
			ready.Done()
			<-begin
			for !stop.Load() {
				t0 := time.Now()
				if err := op(w, r); err != nil {
					errs[w] = fmt.Errorf("writer %d: %w", w, err)
					stop.Store(true)
					break
				}
				lat = append(lat, time.Since(t0))
			}
			lats[w] = lat
		}()
	}
	ready.Wait()
	start := time.Now()
	timer := time.AfterFunc(d, func() { stop.Store(true) })
	close(begin)
	done.Wait()
	elapsed := time.Since(start)
	timer.Stop()
	for _, err := range errs {
		if err != nil {
			return result{}, err
		}
	}
	var all []time.Duration
	for _, l := range lats {
		all = append(all, l...)
	}
	return summarize(all, elapsed), nil
}

// fsyncManyFiles: `writers` goroutines, each appending a record to a random
// one of nfiles files and syncing it (pwrite + fdatasync) under that file's
// mutex: one write per sync.
func fsyncManyFiles(dir string, d time.Duration, writers, nfiles int) (fsyncResult, error) {
	files, err := createFiles(dir, nfiles)
	if err != nil {
		return fsyncResult{}, err
	}
	defer closeFiles(files)
	recs := make([][]byte, writers)
	for w := range recs {
		recs[w] = fsyncRecord(w)
	}
	res, err := runTimed(d, writers, func(w int, r *rand.Rand) error {
		a := files[r.IntN(nfiles)]
		a.mu.Lock()
		defer a.mu.Unlock()
		if err := a.write(recs[w]); err != nil {
			return err
		}
		return a.sync()
	})
	return fsyncResult{res: res}, err
}

// fsyncGroupCommit: `writers` goroutines appending to one file with a group
// commit (groupFile).
func fsyncGroupCommit(dir string, d time.Duration, writers int) (fsyncResult, error) {
	files, err := createFiles(dir, 1)
	if err != nil {
		return fsyncResult{}, err
	}
	defer closeFiles(files)
	g := &groupFile{appendFile: files[0]}
	g.cond = sync.NewCond(&g.mu)
	recs := make([][]byte, writers)
	for w := range recs {
		recs[w] = fsyncRecord(w)
	}
	res, err := runTimed(d, writers, func(w int, _ *rand.Rand) error {
		return g.writeAndSync(recs[w])
	})
	if err != nil {
		return fsyncResult{}, err
	}
	out := fsyncResult{res: res}
	if g.syncs > 0 {
		out.writesPerSync = float64(g.written) / float64(g.syncs)
	}
	logf("%d writes, %d fdatasyncs", g.written, g.syncs)
	return out, nil
}
