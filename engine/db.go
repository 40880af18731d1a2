package engine

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
	"github.com/keystonedb/kstone-shell/engine/internal/cache"
	"github.com/keystonedb/kstone-shell/engine/internal/manifest"
	"github.com/keystonedb/kstone-shell/engine/internal/vfs"
	"github.com/keystonedb/kstone-shell/engine/internal/wal"
	"github.com/keystonedb/kstone-shell/engine/item"
	"github.com/keystonedb/kstone-shell/parser"
)

// exprCacheSize is how many parsed expressions a database keeps.
const exprCacheSize = 1024

// DB is an open database. All methods are safe for concurrent use.
type DB struct {
	opts    *Options
	fs      vfs.FS
	dir     string
	log     *slog.Logger
	lock    io.Closer
	man     *manifest.Manifest
	cache   *cache.Cache
	stripes [base.NumStripes]*stripe

	tablesMu sync.RWMutex
	tables   map[string]*Table

	// memBytes is the memory held by all memtables, active and immutable.
	memBytes  atomic.Int64
	stallMu   sync.Mutex
	stallCond *sync.Cond

	dirSync      *dirSyncer
	durability   atomic.Int32  // Options.Durability, switchable with SetDurability
	exprs        *parser.Cache // parsed expressions, shared by requests
	compiled     compiledCache // compiled requests, by expressions and bindings
	lastCompiled atomic.Pointer[lastCompiled]
	// dirDirty: a WAL segment was created without syncing the directory
	// (relaxed durability); the next periodic sync does it.
	dirDirty atomic.Bool

	walBuffers wal.BufferPool
	encBufs    sync.Pool // *[]byte scratch for encoding keys and items
	itemMaps   sync.Pool // item.Item maps recycled by updates (see getItemMap)
	sstBufs    sync.Pool // *bufio.Writer for writing SSTs

	recycleMu sync.Mutex
	recycled  []string // released WAL segment files, ready for reuse
	spares    []string // empty preallocated files for new segments
	// sparesWanted: a segment was started, so keep spares ready.
	sparesWanted bool
	spareQ       chan struct{}

	flushQ   chan *stripe
	compactQ chan *stripe
	events   chan func(*EventListener)

	eventsDropped    atomic.Uint64
	latency          [NumOpKinds]latencyHist
	walCorrupt       atomic.Bool  // WAL damage found (by a verify)
	sstCorrupt       atomic.Bool  // a read found a damaged SST
	walFailed        atomic.Bool  // a WAL write or sync failed: a stripe is read-only
	noSpaceAt        atomic.Int64 // when a write last failed for lack of space (unix ns)
	noSpaceOpen      atomic.Bool  // no write or flush has succeeded since
	memoryStalls     atomic.Uint64
	parkedMu         sync.Mutex
	parked           []parkedSST // tables of failed manifest edits
	compactionTotals compactionTotals
	budgetQ          chan struct{}
	closing          chan struct{}
	bg               sync.WaitGroup
	closed           atomic.Bool
	closeMu          sync.Mutex
	bgErr            atomic.Pointer[error]
	inMemory         bool
}

// Create makes a new database at path with the default table and opens it.
// It fails with "Database already exists: PATH" if one is there.
func Create(path string, opts *Options) (*DB, error) {
	o, err := prepareOptions(opts)
	if err != nil {
		return nil, err
	}
	if _, err := o.FS.Stat(o.FS.PathJoin(path, base.CurrentFilename)); err == nil {
		return nil, newErr(ErrDatabaseExists, "%s", path)
	}
	if err := o.FS.MkdirAll(path, 0o755); err != nil {
		return nil, ioErr(err)
	}
	// The new directory's own entry must survive a crash too.
	if err := syncDir(o.FS, filepath.Dir(path)); err != nil {
		return nil, ioErr(err)
	}
	return open(path, o, true)
}

// Open opens an existing database.
func Open(path string, opts *Options) (*DB, error) {
	o, err := prepareOptions(opts)
	if err != nil {
		return nil, err
	}
	if _, err := o.FS.Stat(path); err != nil {
		return nil, ioErr(err)
	}
	if _, err := o.FS.Stat(o.FS.PathJoin(path, base.CurrentFilename)); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, newErr(ErrIO, "%s is not a KeystoneDB database (no %s)", path, base.CurrentFilename)
		}
		return nil, ioErr(err)
	}
	return open(path, o, false)
}

// OpenOrCreate opens the database at path, creating it first if there is
// none.
func OpenOrCreate(path string, opts *Options) (*DB, error) {
	o, err := prepareOptions(opts)
	if err != nil {
		return nil, err
	}
	if _, err := o.FS.Stat(o.FS.PathJoin(path, base.CurrentFilename)); err == nil {
		return open(path, o, false)
	}
	return Create(path, o)
}

// OpenInMemory returns a fresh database that lives in memory only, for tests
// and scratch work. Options.FS is ignored.
func OpenInMemory(opts *Options) (*DB, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	o.FS = vfs.NewMem()
	db, err := Create("/db", &o)
	if err != nil {
		return nil, err
	}
	db.inMemory = true
	return db, nil
}

func prepareOptions(opts *Options) (*Options, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	return opts.EnsureDefaults(), nil
}

func defaultTableDesc() manifest.TableDesc {
	return manifest.TableDesc{
		ID: 1, Name: DefaultTable,
		PartitionKey: "pk", PartitionType: 'S',
		SortKey: "sk", SortType: 'S', SortKeyOptional: true,
	}
}

func open(path string, o *Options, create bool) (_ *DB, err error) {
	db := &DB{
		opts:     o,
		fs:       o.FS,
		dir:      path,
		log:      o.Logger.With("component", "engine"),
		tables:   map[string]*Table{},
		flushQ:   make(chan *stripe, base.NumStripes),
		compactQ: make(chan *stripe, base.NumStripes),
		events:   make(chan func(*EventListener), eventQueueLen),
		budgetQ:  make(chan struct{}, 1),
		spareQ:   make(chan struct{}, 1),
		closing:  make(chan struct{}),
	}
	db.stallCond = sync.NewCond(&db.stallMu)
	db.dirSync = newDirSyncer(o.FS, path)
	db.durability.Store(int32(o.Durability))
	db.exprs = parser.NewCache(exprCacheSize)
	if o.BlockCacheSize > 0 {
		db.cache = cache.New(o.BlockCacheSize)
	} else {
		db.cache = cache.New(0)
	}
	lock, err := o.FS.Lock(o.FS.PathJoin(path, base.LockFilename))
	if err != nil {
		var le *vfs.LockedError
		if errors.As(err, &le) && le.PID > 0 {
			return nil, &Error{Kind: ErrLocked, Msg: fmt.Sprintf("%s is in use by process %d", path, le.PID), Err: err}
		}
		if errors.Is(err, vfs.ErrLocked) {
			return nil, &Error{Kind: ErrLocked, Msg: fmt.Sprintf("%s is in use by another process", path), Err: err}
		}
		return nil, ioErr(err)
	}
	db.lock = lock
	defer func() {
		if err != nil {
			db.closeFiles()
			lock.Close()
		}
	}()
	var state *manifest.State
	if create {
		state = &manifest.State{NextFileNum: 1, Tables: []manifest.TableDesc{defaultTableDesc()}}
		if db.man, err = manifest.Create(o.FS, path, state, manifest.Options{}); err != nil {
			return nil, ioErr(err)
		}
	} else {
		var info manifest.OpenInfo
		if db.man, state, info, err = manifest.Open(o.FS, path, manifest.Options{}); err != nil {
			return nil, ioErr(err)
		}
		db.noteManifestOpen(info)
	}
	for _, td := range state.Tables {
		db.addTable(td)
	}
	for i := range db.stripes {
		db.stripes[i] = newStripe(db, base.StripeID(i))
	}
	if err := db.recover(state); err != nil {
		return nil, err
	}
	db.startBackground()
	db.log.Info("Database opened", "path", path, "tables", len(state.Tables))
	return db, nil
}

// Close flushes what the WALs hold to stable storage, stops background work
// and releases the lock. Memtables are not flushed: the next Open replays
// them from the WAL.
func (db *DB) Close() error {
	db.closeMu.Lock()
	defer db.closeMu.Unlock()
	if db.closed.Swap(true) {
		return nil
	}
	close(db.closing)
	db.stallMu.Lock()
	db.stallCond.Broadcast()
	db.stallMu.Unlock()
	for _, s := range db.stripes {
		s.wakeStalled()
	}
	db.bg.Wait()
	var errs []error
	if db.dirDirty.Swap(false) {
		errs = append(errs, db.syncDir())
	}
	// The seals' syncs overlap, as in Sync.
	errs = append(errs, db.eachStripe(func(s *stripe) error { return errors.Join(s.closeGap(), s.close()) }))
	db.closeParked()
	errs = append(errs, db.closeFiles())
	errs = append(errs, db.lock.Close())
	return ioErr(errors.Join(errs...))
}

func (db *DB) closeFiles() error {
	var errs []error
	for _, s := range db.stripes {
		if s != nil {
			errs = append(errs, s.closeTables())
		}
	}
	if db.man != nil {
		errs = append(errs, db.man.Close())
	}
	return errors.Join(errs...)
}

// Path returns the database directory.
func (db *DB) Path() string { return db.dir }

// InMemory reports whether the database lives in memory only.
func (db *DB) InMemory() bool { return db.inMemory }

func (db *DB) checkOpen() error {
	if db.closed.Load() {
		return ErrClosed
	}
	return nil
}

// setBackgroundError records the latest failure of background work (a
// successful flush clears it: a full disk may have been freed).
func (db *DB) setBackgroundError(err error) {
	if isNoSpace(err) {
		db.noSpaceAt.Store(time.Now().UnixNano())
		db.noSpaceOpen.Store(true)
	}
	db.bgErr.Store(&err)
	db.emit(func(e *EventListener) { call(e.BackgroundError, err) })
}

func (db *DB) clearBackgroundError() {
	db.bgErr.Store(nil)
	db.noteWriteOK()
}

// noteWriteOK: something reached the disk, so a full disk was freed (or
// the write went to a preallocated file). Cheap enough for every write.
func (db *DB) noteWriteOK() {
	if db.noSpaceOpen.Load() {
		db.noSpaceOpen.Store(false)
	}
}

// noteReadError flags corruption found by a read, for Health.
func (db *DB) noteReadError(err error) error {
	if errors.Is(err, ErrCorruption) {
		db.sstCorrupt.Store(true)
		db.log.Error("Failed to read SST file", "error", err)
	}
	return err
}

// syncDir makes the database directory's entries durable.
func (db *DB) syncDir() error { return db.dirSync.sync() }

func syncDir(fs vfs.FS, dir string) error {
	d, err := fs.OpenDir(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

func (db *DB) path(name string) string { return db.fs.PathJoin(db.dir, name) }

func (db *DB) noteManifestOpen(info manifest.OpenInfo) {
	if info.TornTail {
		db.log.Warn("Manifest had a torn last record; it was never acknowledged and is ignored")
	}
}

// Table is a named table. Its methods are safe for concurrent use.
type Table struct {
	db     *DB
	id     uint32
	name   string
	schema KeySchema
	keys   []string // the key attribute names, for updates (read only)
}

func newTable(db *DB, id uint32, name string, schema KeySchema) *Table {
	keys := []string{schema.PartitionKey}
	if schema.SortKey != "" {
		keys = append(keys, schema.SortKey)
	}
	return &Table{db: db, id: id, name: name, schema: schema, keys: keys}
}

// Name returns the table's name.
func (t *Table) Name() string { return t.name }

// Schema returns the table's key schema.
func (t *Table) Schema() KeySchema { return t.schema }

func (db *DB) addTable(td manifest.TableDesc) {
	t := newTable(db, td.ID, td.Name, KeySchema{
		PartitionKey:    td.PartitionKey,
		PartitionType:   keyType(td.PartitionType),
		SortKey:         td.SortKey,
		SortType:        keyType(td.SortType),
		SortKeyOptional: td.SortKeyOptional,
	})
	db.tablesMu.Lock()
	db.tables[t.name] = t
	db.tablesMu.Unlock()
}

func keyType(k manifest.KeyType) item.Type {
	switch k {
	case 'S':
		return item.TypeS
	case 'N':
		return item.TypeN
	case 'B':
		return item.TypeB
	}
	return 0
}

func manifestKeyType(t item.Type) manifest.KeyType {
	switch t {
	case item.TypeS:
		return 'S'
	case item.TypeN:
		return 'N'
	case item.TypeB:
		return 'B'
	}
	return 0
}

// Table returns the named table.
func (db *DB) Table(name string) (*Table, error) {
	db.tablesMu.RLock()
	t := db.tables[name]
	db.tablesMu.RUnlock()
	if t == nil {
		return nil, newErr(ErrTableNotFound, "%s", name)
	}
	return t, nil
}

// Tables lists the tables, sorted by name.
func (db *DB) Tables() []*Table {
	db.tablesMu.RLock()
	defer db.tablesMu.RUnlock()
	ts := make([]*Table, 0, len(db.tables))
	for _, t := range db.tables {
		ts = append(ts, t)
	}
	sortTables(ts)
	return ts
}

// CreateTable adds a table with the given key schema.
func (db *DB) CreateTable(name string, schema KeySchema) (*Table, error) {
	if err := db.checkOpen(); err != nil {
		return nil, err
	}
	if name == "" {
		return nil, invalidArg("a table needs a name")
	}
	if err := schema.validate(); err != nil {
		return nil, err
	}
	db.tablesMu.Lock()
	defer db.tablesMu.Unlock()
	if _, ok := db.tables[name]; ok {
		return nil, validationErr("Table already exists: %s", name)
	}
	var maxID uint32
	for _, t := range db.tables {
		maxID = max(maxID, t.id)
	}
	td := manifest.TableDesc{
		ID: maxID + 1, Name: name,
		PartitionKey: schema.PartitionKey, PartitionType: manifestKeyType(schema.PartitionType),
		SortKey: schema.SortKey, SortType: manifestKeyType(schema.SortType), SortKeyOptional: schema.SortKeyOptional,
	}
	if err := db.applyEdit(manifest.Edit{AddTables: []manifest.TableDesc{td}}); err != nil {
		return nil, ioErr(err)
	}
	t := newTable(db, td.ID, name, schema)
	db.tables[name] = t
	return t, nil
}

// defaultTable returns the "items" table, or nil if it was dropped.
func (db *DB) defaultTable() (*Table, error) { return db.Table(DefaultTable) }

// getEncBuf returns scratch space for encoding a key and an item; the
// memtable and the WAL copy what they keep, so it is returned right after
// the write.
func (db *DB) getEncBuf() *[]byte {
	if b, ok := db.encBufs.Get().(*[]byte); ok {
		return b
	}
	b := make([]byte, 0, 512)
	return &b
}

// getItemMap returns an empty map for DecodeItemInto.
func (db *DB) getItemMap() item.Item {
	if m, ok := db.itemMaps.Get().(item.Item); ok {
		return m
	}
	return make(item.Item, 8)
}

// putItemMap recycles m unless it grew large.
func (db *DB) putItemMap(m item.Item) {
	if len(m) <= 64 {
		clear(m)
		db.itemMaps.Put(m)
	}
}

func (db *DB) putEncBuf(b *[]byte) {
	if cap(*b) <= 64<<10 {
		*b = (*b)[:0]
		db.encBufs.Put(b)
	}
}

func (db *DB) relaxed() bool { return Durability(db.durability.Load()) == DurabilityRelaxed }

// Durability returns the current durability mode.
func (db *DB) Durability() Durability { return Durability(db.durability.Load()) }

// SetDurability switches the durability of later writes. Switching to
// DurabilitySync first makes every earlier write durable (as Sync does).
// A bulk load runs relaxed and switches back (or calls Sync) at the end:
// one sync per stripe instead of one per write.
func (db *DB) SetDurability(d Durability) error {
	if d != DurabilitySync && d != DurabilityRelaxed {
		return invalidArg("unknown durability %d", int(d))
	}
	if d == DurabilitySync && db.relaxed() {
		db.durability.Store(int32(d))
		return db.Sync()
	}
	db.durability.Store(int32(d))
	return nil
}
