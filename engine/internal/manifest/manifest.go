package manifest

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
	"github.com/keystonedb/kstone-shell/engine/internal/vfs"
)

// DefaultMaxFileSize is the default of Options.MaxFileSize.
const DefaultMaxFileSize = 4 << 20

// Options tune a Manifest.
type Options struct {
	// MaxFileSize is the roll-over threshold: once the live manifest file
	// is at least this large (and at least twice as large as its leading
	// snapshot, so that a huge state does not roll over on every edit),
	// the next Apply first writes a fresh manifest file with a snapshot.
	// Default: 4 MiB.
	MaxFileSize int64
}

// EnsureDefaults fills in zero fields with their defaults.
func (o *Options) EnsureDefaults() {
	if o.MaxFileSize == 0 {
		o.MaxFileSize = DefaultMaxFileSize
	}
}

// Validate reports every problem with o; the error wraps
// ErrInvalidOptions.
func (o *Options) Validate() error {
	var errs []error
	if o.MaxFileSize < 0 {
		errs = append(errs, fmt.Errorf("manifest: MaxFileSize %d is negative: %w", o.MaxFileSize, ErrInvalidOptions))
	}
	return errors.Join(errs...)
}

// OpenInfo reports what Open found besides the state.
type OpenInfo struct {
	// TornTail is set when the live manifest ended in a damaged or partial
	// record with nothing valid after it: the torn write of an edit that
	// was never acknowledged. It was ignored (and is gone: Open always
	// starts a fresh manifest file). The engine should log a warning.
	TornTail bool
	// TornFile and TornOffset locate the ignored bytes; TornBytes is how
	// many there were.
	TornFile   string
	TornOffset int64
	TornBytes  int64
	// Edits is the number of edits replayed after the snapshot.
	Edits int
	// ObsoleteManifests are MANIFEST files in the directory other than
	// the live one: leftovers of interrupted roll-overs or failed removals.
	// The engine may delete them.
	ObsoleteManifests []base.FileNum
}

// Manifest is the durable record of a State. It is safe for concurrent use.
type Manifest struct {
	fs   vfs.FS
	dir  string
	opts Options

	// nextNum is the next number AllocFileNum hands out. It is atomic so
	// that allocations never wait behind a manifest fsync. It is never
	// below state.NextFileNum.
	nextNum atomic.Uint64

	mu   sync.Mutex
	cond sync.Cond // signalled when a group commit finishes
	// state is the durable state: every edit in it was synced.
	state *State
	// queue holds the edits waiting for the next group commit.
	queue []*request
	// writing is set while a leader writes a group commit; the fields
	// below it belong to that leader and are not guarded by mu then.
	writing bool
	closed  bool
	// mustRoll is set after an I/O error: the live file may or may not
	// hold the failed edits, so nothing more is appended to it; the next
	// commit first rolls over to a new file holding exactly state.
	mustRoll bool
	// liveNum is the number of the manifest file CURRENT names.
	liveNum atomic.Uint64

	// next is state plus the edits being written by the current leader;
	// edits are validated against it. live indexes next's files.
	next     *State
	live     map[base.FileNum]base.StripeID
	file     vfs.File
	fileNum  base.FileNum
	size     int64 // bytes in file
	snapSize int64 // size of file's snapshot record
}

type request struct {
	edit Edit
	err  error
	done bool
}

// Create initialises a manifest in dir (which must exist) for a new
// database whose state is initial, e.g. NextFileNum 1 and the default
// table. It fails with ErrExists if dir already has a CURRENT file. The
// manifest file takes its number from initial.NextFileNum (or 1).
func Create(fs vfs.FS, dir string, initial *State, opts Options) (*Manifest, error) {
	opts.EnsureDefaults()
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	if _, err := fs.Stat(fs.PathJoin(dir, base.CurrentFilename)); err == nil {
		return nil, fmt.Errorf("manifest: %s: %w", fs.PathJoin(dir, base.CurrentFilename), ErrExists)
	}
	// Rebuild initial through the snapshot edit: this validates it exactly
	// like Open will, and normalises it (empty slices become nil).
	s := &State{}
	live := make(map[base.FileNum]base.StripeID)
	snap := snapshotEdit(initial)
	if err := s.check(&snap, live); err != nil {
		return nil, fmt.Errorf("manifest: initial state: %w", err)
	}
	s.mutate(&snap, live)
	m := newManifest(fs, dir, opts, s, live)
	if err := m.rollOver(); err != nil {
		return nil, err
	}
	m.state.NextFileNum = m.next.NextFileNum
	return m, nil
}

// Open reads the live manifest of the database in dir and starts a fresh
// manifest file holding a snapshot of it (so that later edits are never
// appended after a torn tail, and old edits are compacted away).
//
// The returned State's NextFileNum is larger than every file number ever
// recorded, including the new manifest's own, and than the number of every
// file in dir whose name base.ParseFilename understands.
//
// A missing CURRENT is an error wrapping os.ErrNotExist (no database). A
// damaged CURRENT, a missing manifest file, a bad snapshot, damage before
// the tail or an edit that does not apply is a *base.CorruptionError.
func Open(fs vfs.FS, dir string, opts Options) (*Manifest, *State, OpenInfo, error) {
	var info OpenInfo
	opts.EnsureDefaults()
	if err := opts.Validate(); err != nil {
		return nil, nil, info, err
	}
	num, err := readCurrent(fs, dir)
	if err != nil {
		return nil, nil, info, err
	}
	name := base.MakeFilename(base.FileKindManifest, 0, num)
	data, err := readFile(fs, fs.PathJoin(dir, name))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, info, base.CorruptionErrorf(name, -1, "manifest file named by CURRENT is missing: %v", err)
	}
	if err != nil {
		return nil, nil, info, fmt.Errorf("manifest: read %s: %w", name, err)
	}
	r, err := replay(name, data)
	if err != nil {
		return nil, nil, info, err
	}
	info.Edits = r.edits
	if r.tornOffset >= 0 {
		info.TornTail = true
		info.TornFile = name
		info.TornOffset = r.tornOffset
		info.TornBytes = int64(len(data)) - r.tornOffset
	}
	// The old file stays the live one until rollOver switches CURRENT;
	// rollOver then deletes it.
	m := newManifest(fs, dir, opts, r.state, r.live)
	m.fileNum = num
	// Never hand out a number already used on disk: not the live
	// manifest's (a damaged NextFileNum must not make the roll-over
	// truncate it), nor that of an orphan SST, WAL or manifest written
	// after its number was allocated but before it was recorded.
	m.raiseNextNum(num + 1)
	names, err := fs.List(dir)
	if err != nil {
		return nil, nil, info, fmt.Errorf("manifest: list %s: %w", dir, err)
	}
	for _, n := range names {
		if _, _, fn, ok := base.ParseFilename(n); ok {
			m.raiseNextNum(fn + 1)
		}
	}
	if err := m.rollOver(); err != nil {
		return nil, nil, info, err
	}
	m.state.NextFileNum = m.next.NextFileNum
	if names, err = fs.List(dir); err != nil {
		_ = m.closeFile()
		return nil, nil, info, fmt.Errorf("manifest: list %s: %w", dir, err)
	}
	for _, n := range names {
		if kind, _, fn, ok := base.ParseFilename(n); ok && kind == base.FileKindManifest && fn != m.fileNum {
			info.ObsoleteManifests = append(info.ObsoleteManifests, fn)
		}
	}
	return m, m.State(), info, nil
}

func newManifest(fs vfs.FS, dir string, opts Options, s *State, live map[base.FileNum]base.StripeID) *Manifest {
	m := &Manifest{fs: fs, dir: dir, opts: opts, state: s, next: s.Clone(), live: live}
	m.cond.L = &m.mu
	// File numbers start at 1: 0 is never a valid number.
	m.nextNum.Store(uint64(max(s.NextFileNum, 1)))
	return m
}

// Apply records e durably and then applies it to the in-memory state. On
// return without error the edit survives any crash; on error it may or
// may not have been recorded, but never partially.
//
// Before e is recorded, its NextFileNum is raised to the allocator's
// high-water mark (one more than the largest number AllocFileNum has
// handed out), so every number the engine got from AllocFileNum before
// calling Apply is covered by the recorded NextFileNum.
//
// Concurrent calls share one record and one fsync (group commit). An edit
// that does not apply fails with ErrInvalidEdit and leaves the manifest
// usable. After an I/O error the failed edits may or may not be on disk
// until a later Apply succeeds: that one first rolls over to a new file
// holding only acknowledged edits (see LiveFileNum), so a full disk that
// is freed again does not end the manifest's life.
func (m *Manifest) Apply(e Edit) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	req := &request{edit: e}
	m.queue = append(m.queue, req)
	for m.writing && !req.done {
		m.cond.Wait()
	}
	if req.done {
		return req.err
	}
	// Become the leader for every queued edit.
	batch := m.queue
	m.queue = nil
	if err := m.unusableErr(); err != nil {
		for _, r := range batch {
			r.err, r.done = err, true
		}
		m.cond.Broadcast()
		return err
	}
	m.writing = true
	accepted, ioErr := m.commitUnlocked(batch)
	m.writing = false
	if ioErr != nil {
		// Forget the failed edits: they are not in state, and the roll-over
		// that must precede the next commit writes state alone.
		m.next, m.live, m.mustRoll = m.state.Clone(), m.state.LiveFiles(), true
	} else {
		for _, r := range accepted {
			m.state.mutate(&r.edit, nil)
		}
		// A roll-over may have raised NextFileNum past the edits'.
		m.state.NextFileNum = m.next.NextFileNum
	}
	for _, r := range accepted {
		r.err = ioErr
	}
	for _, r := range batch {
		r.done = true
	}
	m.cond.Broadcast()
	return req.err
}

func (m *Manifest) unusableErr() error {
	if m.closed {
		return ErrClosed
	}
	return nil
}

// LiveFileNum is the number of the manifest file CURRENT names. Once it
// differs from its value when an Apply failed, the failed edits are gone
// for good (the file that may hold them is no longer live), so files only
// they named may be deleted.
func (m *Manifest) LiveFileNum() base.FileNum { return base.FileNum(m.liveNum.Load()) }

// commitUnlocked runs commit without holding m.mu, so that State,
// AllocFileNum and new Apply calls (which queue up for the next group
// commit) do not wait for the fsync. The deferred Lock keeps Apply's
// deferred Unlock balanced if the file system panics.
func (m *Manifest) commitUnlocked(batch []*request) ([]*request, error) {
	m.mu.Unlock()
	defer m.mu.Lock()
	return m.commit(batch)
}

// commit runs without m.mu (the leader owns next, live and the file; it
// only reads state, which nobody else writes): it rolls over if the file
// is large, validates the batch against m.next, appends one record and
// syncs it. Rejected requests get their error; accepted ones are returned,
// together with any I/O error, which is theirs too.
func (m *Manifest) commit(batch []*request) (accepted []*request, ioErr error) {
	if m.mustRoll || (m.size >= m.opts.MaxFileSize && m.size >= 2*m.snapSize) {
		// No edit is in flight, so m.next equals the durable state.
		if err := m.rollOver(); err != nil {
			return batch, err
		}
		m.mustRoll = false
	}
	var edits []Edit
	for _, r := range batch {
		// Fold in the allocator's high-water mark (see Apply).
		r.edit.NextFileNum = max(r.edit.NextFileNum, base.FileNum(m.nextNum.Load()), m.next.NextFileNum)
		if err := m.next.check(&r.edit, m.live); err != nil {
			r.err = err
			continue
		}
		m.next.mutate(&r.edit, m.live)
		// An edit may raise NextFileNum explicitly (the engine bumping past
		// numbers it found on disk): later allocations must honour it.
		m.raiseNextNum(m.next.NextFileNum)
		edits = append(edits, r.edit)
		accepted = append(accepted, r)
	}
	if len(accepted) == 0 {
		return nil, nil
	}
	rec := appendRecord(nil, encodeEdits(edits))
	if _, err := m.file.Write(rec); err != nil {
		return accepted, m.ioErr("append to", err)
	}
	m.size += int64(len(rec))
	if err := m.file.Datasync(); err != nil {
		return accepted, m.ioErr("sync", err)
	}
	return accepted, nil
}

func (m *Manifest) raiseNextNum(n base.FileNum) {
	for {
		cur := m.nextNum.Load()
		if cur >= uint64(n) || m.nextNum.CompareAndSwap(cur, uint64(n)) {
			return
		}
	}
}

func (m *Manifest) ioErr(op string, err error) error {
	return fmt.Errorf("manifest: %s %s: %w", op, base.MakeFilename(base.FileKindManifest, 0, m.fileNum), err)
}

// rollOver writes a new manifest file holding a snapshot of m.next (with
// NextFileNum raised past the new file's number and every number allocated
// so far), makes it durable, points CURRENT at it and deletes the old
// file. It is called with no edits in flight (by Create, Open or a
// leader), so m.next is the durable state. m.next gets the raised
// NextFileNum; the caller copies it into m.state under m.mu.
//
// Crash safety: CURRENT names the old file until the rename, and the old
// file is deleted only after the rename is durable; the new file and its
// directory entry are durable before the rename.
func (m *Manifest) rollOver() error {
	num := base.FileNum(m.nextNum.Add(1) - 1)
	snap := m.next.Clone()
	snap.NextFileNum = max(snap.NextFileNum, base.FileNum(m.nextNum.Load()))
	name := base.MakeFilename(base.FileKindManifest, 0, num)
	rec := appendRecord(nil, encodeSnapshot(snap))

	f, err := m.fs.Create(m.fs.PathJoin(m.dir, name))
	if err != nil {
		return fmt.Errorf("manifest: create %s: %w", name, err)
	}
	if err := writeSync(f, rec); err != nil {
		f.Close()
		return fmt.Errorf("manifest: write %s: %w", name, err)
	}
	if err := m.syncDir(); err != nil {
		f.Close()
		return err
	}
	if err := setCurrent(m.fs, m.dir, num); err != nil {
		f.Close()
		return err
	}
	old, oldNum := m.file, m.fileNum
	m.file, m.fileNum = f, num
	m.liveNum.Store(uint64(num))
	m.size, m.snapSize = int64(len(rec)), int64(len(rec))
	m.next.NextFileNum = max(m.next.NextFileNum, snap.NextFileNum)
	if old != nil {
		_ = old.Close()
	}
	if oldNum != 0 && oldNum != num {
		// Best effort: a leftover is harmless (CURRENT no longer names it)
		// and Open reports it in OpenInfo.ObsoleteManifests.
		_ = m.fs.Remove(m.fs.PathJoin(m.dir, base.MakeFilename(base.FileKindManifest, 0, oldNum)))
	}
	return nil
}

func (m *Manifest) syncDir() error {
	d, err := m.fs.OpenDir(m.dir)
	if err != nil {
		return fmt.Errorf("manifest: open directory %s: %w", m.dir, err)
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("manifest: sync directory %s: %w", m.dir, err)
	}
	return nil
}

// setCurrent atomically points CURRENT at MANIFEST-num: write a temp file,
// sync it, rename it over CURRENT, sync the directory.
func setCurrent(fs vfs.FS, dir string, num base.FileNum) error {
	tmpName := fmt.Sprintf("%s.%s.tmp", base.CurrentFilename, num)
	tmp := fs.PathJoin(dir, tmpName)
	f, err := fs.Create(tmp)
	if err != nil {
		return fmt.Errorf("manifest: create %s: %w", tmpName, err)
	}
	err = writeSync(f, []byte(base.MakeFilename(base.FileKindManifest, 0, num)+"\n"))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("manifest: write %s: %w", tmpName, err)
	}
	if err := fs.Rename(tmp, fs.PathJoin(dir, base.CurrentFilename)); err != nil {
		return fmt.Errorf("manifest: rename %s to %s: %w", tmpName, base.CurrentFilename, err)
	}
	d, err := fs.OpenDir(dir)
	if err != nil {
		return fmt.Errorf("manifest: open directory %s: %w", dir, err)
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("manifest: sync directory %s: %w", dir, err)
	}
	return nil
}

func writeSync(f vfs.File, b []byte) error {
	if _, err := f.Write(b); err != nil {
		return err
	}
	return f.Sync()
}

// readCurrent returns the number of the manifest CURRENT names.
func readCurrent(fs vfs.FS, dir string) (base.FileNum, error) {
	data, err := readFile(fs, fs.PathJoin(dir, base.CurrentFilename))
	if err != nil {
		return 0, fmt.Errorf("manifest: read %s: %w", base.CurrentFilename, err)
	}
	name, ok := strings.CutSuffix(string(data), "\n")
	kind, _, num, valid := base.ParseFilename(name)
	if !ok || !valid || kind != base.FileKindManifest || name != base.MakeFilename(base.FileKindManifest, 0, num) {
		return 0, base.CorruptionErrorf(base.CurrentFilename, 0, "CURRENT does not name a manifest file: %q", data)
	}
	return num, nil
}

func readFile(fs vfs.FS, name string) ([]byte, error) {
	f, err := fs.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// State returns a copy of the durable state.
func (m *Manifest) State() *State {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.state.Clone()
}

// AllocFileNum hands out a file number no other call of this Manifest
// returns and that is at least State().NextFileNum. A number becomes safe
// against reuse after a crash once an Apply that started after the
// allocation has returned (Apply records the high-water mark); until then
// the engine must treat a file with that number found on disk as an orphan
// and bump its numbers past it at Open.
func (m *Manifest) AllocFileNum() base.FileNum {
	return base.FileNum(m.nextNum.Add(1) - 1)
}

// FileNum returns the number of the live MANIFEST file.
func (m *Manifest) FileNum() base.FileNum {
	m.mu.Lock()
	defer m.mu.Unlock()
	for m.writing {
		// A leader may be switching files.
		m.cond.Wait()
	}
	return m.fileNum
}

// Close waits for a group commit in progress and closes the manifest
// file. Later Apply calls fail with ErrClosed.
func (m *Manifest) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for m.writing {
		m.cond.Wait()
	}
	if m.closed {
		return nil
	}
	m.closed = true
	for _, r := range m.queue {
		r.err, r.done = ErrClosed, true
	}
	m.queue = nil
	m.cond.Broadcast()
	return m.closeFile()
}

func (m *Manifest) closeFile() error {
	if m.file == nil {
		return nil
	}
	err := m.file.Close()
	m.file = nil
	if err != nil {
		return fmt.Errorf("manifest: close: %w", err)
	}
	return nil
}
