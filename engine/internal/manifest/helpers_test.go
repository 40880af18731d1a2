package manifest

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
	"github.com/keystonedb/kstone-shell/engine/internal/vfs"
)

// newMemDir returns a MemFS with a durable directory "db".
func newMemDir(t testing.TB) (*vfs.MemFS, string) {
	t.Helper()
	fs := vfs.NewMem()
	if err := fs.MkdirAll("db", 0o755); err != nil {
		t.Fatal(err)
	}
	fs.SyncAll()
	return fs, "db"
}

func initialState() *State {
	return &State{NextFileNum: 1, Tables: []TableDesc{defaultTable}}
}

// sameState compares everything but NextFileNum, which Open raises by
// rolling over.
func sameState(a, b *State) bool {
	a, b = a.Clone(), b.Clone()
	a.NextFileNum, b.NextFileNum = 0, 0
	return reflect.DeepEqual(a, b)
}

func describe(s *State) string {
	out := fmt.Sprintf("next=%d tables=%d", s.NextFileNum, len(s.Tables))
	for i := range s.Stripes {
		if st := s.Stripes[i]; st.FlushedSeq != 0 || len(st.Files) != 0 {
			out += fmt.Sprintf(" [%d: seq %d files %v]", i, st.FlushedSeq, nums(st.Files))
		}
	}
	return out
}

// matchPrefix returns the k in [lo, hi] with states[k] equal to got, or -1.
func matchPrefix(got *State, states []*State, lo, hi int) int {
	for k := hi; k >= lo; k-- {
		if k >= 0 && k < len(states) && sameState(got, states[k]) {
			if got.NextFileNum < states[k].NextFileNum {
				return -1
			}
			return k
		}
	}
	return -1
}

// workload generates edits that apply to the state they are drawn for,
// like an engine's flushes, compactions and table changes.
type workload struct {
	r *rand.Rand
}

func newWorkload(seed uint64) *workload {
	return &workload{r: rand.New(rand.NewPCG(seed, 0x6d616e6966657374))}
}

var workloadStripes = []base.StripeID{0, 1, 2, 3, 128, 255}

func (w *workload) key() []byte {
	b := make([]byte, 8+w.r.IntN(24))
	for i := range b {
		b[i] = byte('a' + w.r.IntN(26))
	}
	return b
}

func (w *workload) file(stripe base.StripeID, num base.FileNum) FileMeta {
	lo, hi := w.key(), w.key()
	if string(lo) > string(hi) {
		lo, hi = hi, lo
	}
	seq := base.SeqNum(w.r.Uint64N(1 << 40))
	return FileMeta{
		Num: num, Stripe: stripe,
		Size: w.r.Uint64N(1 << 30), Entries: w.r.Uint64N(1 << 20), Deletions: w.r.Uint64N(100),
		Smallest: lo, Largest: hi,
		MinSeq: seq, MaxSeq: seq + base.SeqNum(w.r.Uint64N(1000)),
		CreatedUnixNano: w.r.Int64(),
	}
}

func (w *workload) flush(s *State, stripe base.StripeID, alloc func() base.FileNum) StripeEdit {
	return StripeEdit{
		Stripe:     stripe,
		FlushedSeq: s.Stripes[stripe].FlushedSeq + 1 + base.SeqNum(w.r.IntN(100)),
		Added:      []FileMeta{w.file(stripe, alloc())},
	}
}

// next draws an edit applicable to s, allocating file numbers with alloc.
func (w *workload) next(s *State, alloc func() base.FileNum) Edit {
	var e Edit
	stripe := workloadStripes[w.r.IntN(len(workloadStripes))]
	switch p := w.r.IntN(100); {
	case p < 45:
		e.Stripes = []StripeEdit{w.flush(s, stripe, alloc)}
	case p < 70:
		files := s.Stripes[stripe].Files
		if len(files) < 2 {
			e.Stripes = []StripeEdit{w.flush(s, stripe, alloc)}
			break
		}
		se := StripeEdit{Stripe: stripe}
		for _, i := range w.r.Perm(len(files))[:2+w.r.IntN(len(files)-1)] {
			se.Deleted = append(se.Deleted, files[i].Num)
		}
		for range w.r.IntN(3) {
			se.Added = append(se.Added, w.file(stripe, alloc()))
		}
		e.Stripes = []StripeEdit{se}
	case p < 80:
		other := workloadStripes[(w.r.IntN(len(workloadStripes)-1)+1+indexOf(stripe))%len(workloadStripes)]
		e.Stripes = []StripeEdit{w.flush(s, stripe, alloc), w.flush(s, other, alloc)}
	case p < 88:
		var id uint32
		for _, t := range s.Tables {
			id = max(id, t.ID+1)
		}
		e.AddTables = []TableDesc{{ID: id, Name: fmt.Sprintf("table%d", id), PartitionKey: "pk",
			PartitionType: KeyTypeNumber, SortKey: "sk", SortType: KeyTypeBinary}}
	case p < 94:
		if len(s.Tables) > 1 {
			e.DropTables = []uint32{s.Tables[1+w.r.IntN(len(s.Tables)-1)].ID}
		}
	case p < 97:
		// A number allocated and never recorded (a failed flush's file).
		alloc()
	default:
		e.NextFileNum = s.NextFileNum + base.FileNum(w.r.IntN(5))
	}
	return e
}

func indexOf(s base.StripeID) int {
	for i, x := range workloadStripes {
		if x == s {
			return i
		}
	}
	return -1
}

// listManifests returns the numbers of the MANIFEST files in dir.
func listManifests(t testing.TB, fs vfs.FS, dir string) []base.FileNum {
	t.Helper()
	names, err := fs.List(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []base.FileNum
	for _, n := range names {
		if kind, _, num, ok := base.ParseFilename(n); ok && kind == base.FileKindManifest {
			out = append(out, num)
		}
	}
	return out
}

// checkCurrent checks that CURRENT names a manifest that replays without
// error and without a torn tail.
func checkCurrent(t testing.TB, fs vfs.FS, dir string) {
	t.Helper()
	num, err := readCurrent(fs, dir)
	if err != nil {
		t.Fatalf("CURRENT: %v", err)
	}
	name := base.MakeFilename(base.FileKindManifest, 0, num)
	data, err := readFile(fs, fs.PathJoin(dir, name))
	if err != nil {
		t.Fatalf("CURRENT names %s: %v", name, err)
	}
	r, err := replay(name, data)
	if err != nil {
		t.Fatalf("CURRENT names %s: %v", name, err)
	}
	if r.tornOffset >= 0 {
		t.Fatalf("CURRENT names %s with a torn tail at %d", name, r.tornOffset)
	}
}
