package manifest

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
)

func fm(stripe base.StripeID, num base.FileNum) FileMeta {
	return FileMeta{Num: num, Stripe: stripe, Size: uint64(num) * 10, Smallest: []byte("a"), Largest: []byte("z")}
}

func nums(files []FileMeta) []base.FileNum {
	var out []base.FileNum
	for _, f := range files {
		out = append(out, f.Num)
	}
	return out
}

var defaultTable = TableDesc{ID: 1, Name: "default", PartitionKey: "pk", PartitionType: KeyTypeString,
	SortKey: "sk", SortType: KeyTypeString, SortKeyOptional: true}

// baseState: stripe 3 holds files 10, 11, 12, 13 with FlushedSeq 100;
// stripe 4 holds file 20; table 1 "default" and 2 "users".
func baseState(t *testing.T) *State {
	t.Helper()
	s := &State{NextFileNum: 1}
	err := s.Apply(Edit{
		Stripes: []StripeEdit{
			{Stripe: 3, FlushedSeq: 100, Added: []FileMeta{fm(3, 10), fm(3, 11), fm(3, 12), fm(3, 13)}},
			{Stripe: 4, Added: []FileMeta{fm(4, 20)}},
		},
		AddTables: []TableDesc{
			defaultTable,
			{ID: 2, Name: "users", PartitionKey: "id", PartitionType: KeyTypeNumber},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestStateApplyRejects(t *testing.T) {
	cases := []struct {
		name string
		edit Edit
		want string
	}{
		{"NextFileNum backwards", Edit{NextFileNum: 5}, "NextFileNum 5 is below 21"},
		{"FlushedSeq backwards", Edit{Stripes: []StripeEdit{{Stripe: 3, FlushedSeq: 99}}}, "FlushedSeq 99 is below 100"},
		{"stripe twice", Edit{Stripes: []StripeEdit{{Stripe: 1}, {Stripe: 1}}}, "edited twice"},
		{"delete unknown", Edit{Stripes: []StripeEdit{{Stripe: 3, Deleted: []base.FileNum{99}}}}, "not live"},
		{"delete from other stripe", Edit{Stripes: []StripeEdit{{Stripe: 3, Deleted: []base.FileNum{20}}}}, "not live"},
		{"delete twice", Edit{Stripes: []StripeEdit{{Stripe: 3, Deleted: []base.FileNum{10, 10}}}}, "deleted twice"},
		{"add live file", Edit{Stripes: []StripeEdit{{Stripe: 3, Added: []FileMeta{fm(3, 11)}}}}, "already live"},
		{"add live file of other stripe", Edit{Stripes: []StripeEdit{{Stripe: 3, Added: []FileMeta{fm(3, 20)}}}}, "already live"},
		{"re-add deleted file", Edit{Stripes: []StripeEdit{{Stripe: 3, Deleted: []base.FileNum{10}, Added: []FileMeta{fm(3, 10)}}}}, "already live"},
		{"add twice", Edit{Stripes: []StripeEdit{{Stripe: 5, Added: []FileMeta{fm(5, 30)}}, {Stripe: 6, Added: []FileMeta{fm(6, 30)}}}}, "added twice"},
		{"file number 0", Edit{Stripes: []StripeEdit{{Stripe: 5, Added: []FileMeta{fm(5, 0)}}}}, "number 0"},
		{"file number max", Edit{Stripes: []StripeEdit{{Stripe: 5, Added: []FileMeta{fm(5, math.MaxUint64)}}}}, "number 18446744073709551615"},
		{"file of wrong stripe", Edit{Stripes: []StripeEdit{{Stripe: 5, Added: []FileMeta{fm(6, 30)}}}}, "belongs to stripe 006"},
		{"duplicate table ID", Edit{AddTables: []TableDesc{{ID: 2, Name: "t", PartitionKey: "k", PartitionType: 'S'}}}, "ID 2 is already in use"},
		{"duplicate table ID in edit", Edit{AddTables: []TableDesc{
			{ID: 7, Name: "t", PartitionKey: "k", PartitionType: 'S'},
			{ID: 7, Name: "u", PartitionKey: "k", PartitionType: 'S'}}}, "ID 7 is already in use"},
		{"reuse dropped ID", Edit{DropTables: []uint32{2}, AddTables: []TableDesc{{ID: 2, Name: "t", PartitionKey: "k", PartitionType: 'S'}}}, "ID 2 is already in use"},
		{"duplicate table name", Edit{AddTables: []TableDesc{{ID: 9, Name: "users", PartitionKey: "k", PartitionType: 'S'}}}, `name "users"`},
		{"duplicate table name in edit", Edit{AddTables: []TableDesc{
			{ID: 8, Name: "t", PartitionKey: "k", PartitionType: 'S'},
			{ID: 9, Name: "t", PartitionKey: "k", PartitionType: 'S'}}}, `name "t"`},
		{"drop unknown table", Edit{DropTables: []uint32{42}}, "does not exist"},
		{"drop twice", Edit{DropTables: []uint32{2, 2}}, "dropped twice"},
		{"empty table name", Edit{AddTables: []TableDesc{{ID: 9, PartitionKey: "k", PartitionType: 'S'}}}, "empty name"},
		{"bad partition type", Edit{AddTables: []TableDesc{{ID: 9, Name: "t", PartitionKey: "k", PartitionType: 'X'}}}, "partition key type"},
		{"sort key without type", Edit{AddTables: []TableDesc{{ID: 9, Name: "t", PartitionKey: "k", PartitionType: 'S', SortKey: "s"}}}, "sort key"},
		// Valid parts before the bad one must not be applied either.
		{"atomic", Edit{NextFileNum: 1000, Stripes: []StripeEdit{
			{Stripe: 7, FlushedSeq: 5, Added: []FileMeta{fm(7, 40)}},
			{Stripe: 3, Deleted: []base.FileNum{77}}}}, "not live"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := baseState(t)
			before := s.Clone()
			err := s.Apply(c.edit)
			if !errors.Is(err, ErrInvalidEdit) {
				t.Fatalf("Apply = %v, want ErrInvalidEdit", err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not mention %q", err, c.want)
			}
			if !reflect.DeepEqual(s, before) {
				t.Errorf("state changed by a rejected edit")
			}
		})
	}
}

func TestStateApplyAccepts(t *testing.T) {
	s := baseState(t)
	// Same FlushedSeq is not going backwards; recreating a dropped table's
	// name with a new ID is fine.
	err := s.Apply(Edit{
		Stripes:    []StripeEdit{{Stripe: 3, FlushedSeq: 100}},
		DropTables: []uint32{2},
		AddTables:  []TableDesc{{ID: 3, Name: "users", PartitionKey: "id", PartitionType: KeyTypeBinary}, {ID: 0, Name: "zero", PartitionKey: "k", PartitionType: 'N'}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var ids []uint32
	for _, tb := range s.Tables {
		ids = append(ids, tb.ID)
	}
	if !reflect.DeepEqual(ids, []uint32{0, 1, 3}) {
		t.Errorf("table IDs = %v, want [0 1 3] (ordered)", ids)
	}
	if tb, ok := s.Table("users"); !ok || tb.ID != 3 || tb.PartitionType != KeyTypeBinary {
		t.Errorf("Table(users) = %+v, %v", tb, ok)
	}
	if _, ok := s.Table("nope"); ok {
		t.Error("Table(nope) found")
	}
}

// TestStateOrdering pins the ordering rule documented on StripeState.
func TestStateOrdering(t *testing.T) {
	cases := []struct {
		name    string
		deleted []base.FileNum
		added   []base.FileNum
		want    []base.FileNum
	}{
		{"flush appends", nil, []base.FileNum{50}, []base.FileNum{10, 11, 12, 13, 50}},
		{"flush of two appends in order", nil, []base.FileNum{50, 51}, []base.FileNum{10, 11, 12, 13, 50, 51}},
		{"compaction replaces in place", []base.FileNum{11, 12}, []base.FileNum{50, 51}, []base.FileNum{10, 50, 51, 13}},
		{"earliest deleted position wins", []base.FileNum{13, 11}, []base.FileNum{50}, []base.FileNum{10, 50, 12}},
		{"compaction of the oldest", []base.FileNum{10, 11}, []base.FileNum{50}, []base.FileNum{50, 12, 13}},
		{"compaction of the newest", []base.FileNum{12, 13}, []base.FileNum{50}, []base.FileNum{10, 11, 50}},
		{"delete only", []base.FileNum{10, 12}, nil, []base.FileNum{11, 13}},
		{"delete all", []base.FileNum{10, 11, 12, 13}, nil, nil},
		{"replace all", []base.FileNum{10, 11, 12, 13}, []base.FileNum{50}, []base.FileNum{50}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := baseState(t)
			se := StripeEdit{Stripe: 3, Deleted: c.deleted}
			for _, n := range c.added {
				se.Added = append(se.Added, fm(3, n))
			}
			if err := s.Apply(Edit{Stripes: []StripeEdit{se}}); err != nil {
				t.Fatal(err)
			}
			if got := nums(s.Stripes[3].Files); !reflect.DeepEqual(got, c.want) {
				t.Errorf("files = %v, want %v", got, c.want)
			}
			live := s.LiveFiles()
			if len(live) != len(c.want)+1 || live[20] != 4 {
				t.Errorf("LiveFiles = %v", live)
			}
			for _, n := range c.want {
				if st, ok := live[n]; !ok || st != 3 {
					t.Errorf("LiveFiles[%d] = %v, %v", n, st, ok)
				}
			}
		})
	}
}

func TestStateNextFileNumCoversAddedFiles(t *testing.T) {
	s := &State{NextFileNum: 5}
	if err := s.Apply(Edit{Stripes: []StripeEdit{{Stripe: 1, Added: []FileMeta{fm(1, 9), fm(1, 7)}}}}); err != nil {
		t.Fatal(err)
	}
	if s.NextFileNum != 10 {
		t.Errorf("NextFileNum = %d, want 10", s.NextFileNum)
	}
	if err := s.Apply(Edit{NextFileNum: 20}); err != nil {
		t.Fatal(err)
	}
	if err := s.Apply(Edit{NextFileNum: 20}); err != nil {
		t.Errorf("same NextFileNum rejected: %v", err)
	}
}

func TestStateCloneIsDeep(t *testing.T) {
	s := baseState(t)
	c := s.Clone()
	if !reflect.DeepEqual(s, c) {
		t.Fatal("clone differs")
	}
	c.Stripes[3].Files[0].Smallest[0] = 'X'
	c.Stripes[3].Files[1].Num = 999
	c.Tables[0].Name = "changed"
	if err := c.Apply(Edit{Stripes: []StripeEdit{{Stripe: 4, Deleted: []base.FileNum{20}}}}); err != nil {
		t.Fatal(err)
	}
	if s.Stripes[3].Files[0].Smallest[0] != 'a' || s.Stripes[3].Files[1].Num != 11 ||
		s.Tables[0].Name != "default" || len(s.Stripes[4].Files) != 1 {
		t.Error("changing the clone changed the original")
	}
}

func TestStateApplyCopiesInput(t *testing.T) {
	s := &State{}
	f := fm(2, 5)
	e := Edit{Stripes: []StripeEdit{{Stripe: 2, Added: []FileMeta{f}}}}
	if err := s.Apply(e); err != nil {
		t.Fatal(err)
	}
	f.Smallest[0] = 'X'
	e.Stripes[0].Added[0].Num = 6
	if got := s.Stripes[2].Files[0]; got.Num != 5 || got.Smallest[0] != 'a' {
		t.Errorf("state aliases the edit: %+v", got)
	}
}
