package manifest

import (
	"fmt"
	"math"
	"sort"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
)

// KeyType is the DynamoDB scalar type of a key attribute.
type KeyType byte

// Key types. The zero value means "no key" (only valid for a sort key).
const (
	KeyTypeNone   KeyType = 0
	KeyTypeString KeyType = 'S'
	KeyTypeNumber KeyType = 'N'
	KeyTypeBinary KeyType = 'B'
)

func (k KeyType) valid() bool {
	return k == KeyTypeString || k == KeyTypeNumber || k == KeyTypeBinary
}

func (k KeyType) String() string {
	if k == KeyTypeNone {
		return "none"
	}
	if k.valid() {
		return string(rune(k))
	}
	return fmt.Sprintf("KeyType(%d)", byte(k))
}

// TableDesc describes a table of the database.
type TableDesc struct {
	ID            uint32
	Name          string
	PartitionKey  string
	PartitionType KeyType
	// SortKey is "" and SortType is 0 when the table has no sort key.
	SortKey  string
	SortType KeyType
	// SortKeyOptional: the table accepts items without a sort key (the
	// default table).
	SortKeyOptional bool
}

func (t *TableDesc) validate() error {
	switch {
	case t.Name == "":
		return fmt.Errorf("table %d: empty name", t.ID)
	case t.PartitionKey == "":
		return fmt.Errorf("table %q: empty partition key", t.Name)
	case !t.PartitionType.valid():
		return fmt.Errorf("table %q: partition key type %v", t.Name, t.PartitionType)
	case (t.SortKey == "") != (t.SortType == KeyTypeNone):
		return fmt.Errorf("table %q: sort key %q with type %v", t.Name, t.SortKey, t.SortType)
	case t.SortType != KeyTypeNone && !t.SortType.valid():
		return fmt.Errorf("table %q: sort key type %v", t.Name, t.SortType)
	}
	return nil
}

// FileMeta describes one live SST.
type FileMeta struct {
	Num       base.FileNum
	Stripe    base.StripeID
	Size      uint64
	Entries   uint64
	Deletions uint64
	// Smallest and Largest are user keys. The manifest stores empty keys as
	// nil.
	Smallest, Largest []byte
	MinSeq, MaxSeq    base.SeqNum
	CreatedUnixNano   int64
}

func (f FileMeta) clone() FileMeta {
	f.Smallest = cloneBytes(f.Smallest)
	f.Largest = cloneBytes(f.Largest)
	return f
}

// cloneBytes copies b; empty slices become nil so that a state survives an
// encode/decode round trip unchanged (reflect.DeepEqual-equal).
func cloneBytes(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return append([]byte(nil), b...)
}

// StripeEdit changes one stripe.
type StripeEdit struct {
	Stripe base.StripeID
	// FlushedSeq is the stripe's new flushed LSN: every write with LSN <=
	// FlushedSeq is in the stripe's SSTs. 0 means unchanged; it must not go
	// backwards.
	FlushedSeq base.SeqNum
	// Added files; see StripeState for where they are placed. Their Stripe
	// field must equal Stripe.
	Added []FileMeta
	// Deleted files must be live in this stripe.
	Deleted []base.FileNum
}

// Edit is one atomic change of the state. It is applied completely or not
// at all, in memory (State.Apply) and on disk (Manifest.Apply).
type Edit struct {
	// NextFileNum is the new value of State.NextFileNum; 0 means unchanged;
	// it must not go backwards. Manifest.Apply raises it to the allocator's
	// high-water mark on its own.
	NextFileNum base.FileNum
	// Stripes holds at most one StripeEdit per stripe.
	Stripes []StripeEdit
	// AddTables are added after DropTables are removed. Their IDs must not
	// be in use before the edit, their names not after the drops.
	AddTables []TableDesc
	// DropTables must name existing tables.
	DropTables []uint32
}

// StripeState is what the manifest knows about one stripe.
//
// Files are kept in the order they were added, oldest first, with one
// exception that keeps this order meaningful for reads (newer files shadow
// older ones): when a StripeEdit both deletes and adds files (a
// compaction), the added files take the position of the earliest deleted
// file instead of going to the end, so flushes that finished while the
// compaction ran stay after its outputs. Without deletions, added files go
// to the end.
//
//	before: [A B C D]   edit: Deleted {B, C}, Added {X, Y}   after: [A X Y D]
//	before: [A B C D]   edit: Added {E}                      after: [A B C D E]
type StripeState struct {
	FlushedSeq base.SeqNum
	Files      []FileMeta
}

// State is the content of the manifest: the live files of every stripe,
// how far each stripe's WAL has been flushed, the file-number allocator's
// floor and the tables.
type State struct {
	// NextFileNum is larger than every file number ever recorded in the
	// manifest (live or deleted files, manifests); Apply keeps it larger
	// than every added file's number.
	NextFileNum base.FileNum
	Stripes     [base.NumStripes]StripeState
	// Tables are ordered by ID.
	Tables []TableDesc
}

// Clone returns a deep copy of s.
func (s *State) Clone() *State {
	c := &State{NextFileNum: s.NextFileNum}
	for i := range s.Stripes {
		c.Stripes[i].FlushedSeq = s.Stripes[i].FlushedSeq
		if files := s.Stripes[i].Files; len(files) > 0 {
			c.Stripes[i].Files = make([]FileMeta, len(files))
			for j := range files {
				c.Stripes[i].Files[j] = files[j].clone()
			}
		}
	}
	if len(s.Tables) > 0 {
		c.Tables = append([]TableDesc(nil), s.Tables...)
	}
	return c
}

// LiveFiles maps the number of every live SST to its stripe.
func (s *State) LiveFiles() map[base.FileNum]base.StripeID {
	m := make(map[base.FileNum]base.StripeID)
	for i := range s.Stripes {
		for _, f := range s.Stripes[i].Files {
			m[f.Num] = base.StripeID(i)
		}
	}
	return m
}

// Table returns the table named name.
func (s *State) Table(name string) (TableDesc, bool) {
	for _, t := range s.Tables {
		if t.Name == name {
			return t, true
		}
	}
	return TableDesc{}, false
}

// Apply applies e to s. It validates the whole edit first; on error s is
// unchanged and the error wraps ErrInvalidEdit.
//
// Besides e.NextFileNum, Apply raises NextFileNum above the number of every
// added file, so that NextFileNum always exceeds every recorded number.
func (s *State) Apply(e Edit) error {
	if err := s.check(&e, nil); err != nil {
		return err
	}
	s.mutate(&e, nil)
	return nil
}

// check validates e against s. live, when not nil, must map every live file
// of s to its stripe; it spares a scan of all stripes (the manifest keeps
// such an index because it applies many edits to a state with many files).
func (s *State) check(e *Edit, live map[base.FileNum]base.StripeID) error {
	if e.NextFileNum != 0 && e.NextFileNum < s.NextFileNum {
		return invalidf("NextFileNum %d is below %d", e.NextFileNum, s.NextFileNum)
	}
	var seenStripe [base.NumStripes]bool
	added := make(map[base.FileNum]bool)
	for i := range e.Stripes {
		se := &e.Stripes[i]
		if seenStripe[se.Stripe] {
			return invalidf("stripe %s edited twice", se.Stripe)
		}
		seenStripe[se.Stripe] = true
		st := &s.Stripes[se.Stripe]
		if se.FlushedSeq != 0 && se.FlushedSeq < st.FlushedSeq {
			return invalidf("stripe %s: FlushedSeq %d is below %d", se.Stripe, se.FlushedSeq, st.FlushedSeq)
		}
		deleted := make(map[base.FileNum]bool, len(se.Deleted))
		for _, n := range se.Deleted {
			if deleted[n] {
				return invalidf("stripe %s: file %s deleted twice", se.Stripe, n)
			}
			deleted[n] = true
			if !st.has(n) {
				return invalidf("stripe %s: deleted file %s is not live in the stripe", se.Stripe, n)
			}
		}
		for _, f := range se.Added {
			switch {
			case f.Num == 0 || f.Num == math.MaxUint64:
				// 0 is never allocated; the maximum leaves no NextFileNum.
				return invalidf("stripe %s: added file has number %d", se.Stripe, uint64(f.Num))
			case f.Stripe != se.Stripe:
				return invalidf("stripe %s: added file %s belongs to stripe %s", se.Stripe, f.Num, f.Stripe)
			case added[f.Num]:
				return invalidf("stripe %s: file %s added twice", se.Stripe, f.Num)
			}
			added[f.Num] = true
		}
	}
	// A number is never reused, even for a file deleted by the same edit.
	if live != nil {
		for n := range added {
			if st, ok := live[n]; ok {
				return invalidf("added file %s is already live in stripe %s", n, st)
			}
		}
	} else if len(added) > 0 {
		for i := range s.Stripes {
			for _, f := range s.Stripes[i].Files {
				if added[f.Num] {
					return invalidf("added file %s is already live in stripe %s", f.Num, base.StripeID(i))
				}
			}
		}
	}

	dropped := make(map[uint32]bool, len(e.DropTables))
	for _, id := range e.DropTables {
		if dropped[id] {
			return invalidf("table %d dropped twice", id)
		}
		dropped[id] = true
		if s.tableIndex(id) < 0 {
			return invalidf("dropped table %d does not exist", id)
		}
	}
	ids := make(map[uint32]bool, len(e.AddTables))
	names := make(map[string]bool, len(e.AddTables))
	for i := range e.AddTables {
		t := &e.AddTables[i]
		if err := t.validate(); err != nil {
			return invalidf("%v", err)
		}
		if ids[t.ID] || s.tableIndex(t.ID) >= 0 {
			return invalidf("table ID %d is already in use", t.ID)
		}
		ids[t.ID] = true
		if old, ok := s.Table(t.Name); names[t.Name] || (ok && !dropped[old.ID]) {
			return invalidf("table name %q is already in use", t.Name)
		}
		names[t.Name] = true
	}
	return nil
}

// mutate applies an edit that check accepted; live, if not nil, is kept up
// to date.
func (s *State) mutate(e *Edit, live map[base.FileNum]base.StripeID) {
	if e.NextFileNum > s.NextFileNum {
		s.NextFileNum = e.NextFileNum
	}
	for i := range e.Stripes {
		se := &e.Stripes[i]
		st := &s.Stripes[se.Stripe]
		if se.FlushedSeq > st.FlushedSeq {
			st.FlushedSeq = se.FlushedSeq
		}
		// Position of the earliest deleted file: compaction outputs go
		// there (see StripeState).
		insertAt := -1
		if len(se.Deleted) > 0 {
			deleted := make(map[base.FileNum]bool, len(se.Deleted))
			for _, n := range se.Deleted {
				deleted[n] = true
				if live != nil {
					delete(live, n)
				}
			}
			kept := st.Files[:0]
			for j, f := range st.Files {
				if deleted[f.Num] {
					if insertAt < 0 {
						insertAt = j
					}
					continue
				}
				kept = append(kept, f)
			}
			// Clear the tail so dropped keys can be collected.
			clear(st.Files[len(kept):])
			st.Files = kept
		}
		if insertAt < 0 {
			insertAt = len(st.Files)
		}
		var added []FileMeta
		for _, f := range se.Added {
			added = append(added, f.clone())
			if f.Num >= s.NextFileNum {
				s.NextFileNum = f.Num + 1
			}
			if live != nil {
				live[f.Num] = se.Stripe
			}
		}
		st.Files = insertFiles(st.Files, insertAt, added)
		if len(st.Files) == 0 {
			st.Files = nil
		}
	}
	for _, id := range e.DropTables {
		i := s.tableIndex(id)
		s.Tables = append(s.Tables[:i], s.Tables[i+1:]...)
	}
	for _, t := range e.AddTables {
		i := sort.Search(len(s.Tables), func(i int) bool { return s.Tables[i].ID >= t.ID })
		s.Tables = append(s.Tables, TableDesc{})
		copy(s.Tables[i+1:], s.Tables[i:])
		s.Tables[i] = t
	}
	if len(s.Tables) == 0 {
		s.Tables = nil
	}
}

// insertFiles returns files with add inserted before index i.
func insertFiles(files []FileMeta, i int, add []FileMeta) []FileMeta {
	if len(add) == 0 {
		return files
	}
	out := make([]FileMeta, 0, len(files)+len(add))
	out = append(out, files[:i]...)
	out = append(out, add...)
	return append(out, files[i:]...)
}

func (st *StripeState) has(n base.FileNum) bool {
	for _, f := range st.Files {
		if f.Num == n {
			return true
		}
	}
	return false
}

func (s *State) tableIndex(id uint32) int {
	for i, t := range s.Tables {
		if t.ID == id {
			return i
		}
	}
	return -1
}

func invalidf(format string, args ...any) error {
	return fmt.Errorf("manifest: %s: %w", fmt.Sprintf(format, args...), ErrInvalidEdit)
}
