package manifest

import (
	"bytes"
	"errors"
	"reflect"
	"testing"

	"pgregory.net/rapid"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
)

// Generators. Empty slices are generated as nil, the canonical form the
// decoder produces.

func genBytes(t *rapid.T, label string) []byte {
	b := rapid.SliceOfN(rapid.Byte(), 0, 12).Draw(t, label)
	if len(b) == 0 {
		return nil
	}
	return b
}

func genFileMeta(t *rapid.T, stripe base.StripeID, num base.FileNum) FileMeta {
	return FileMeta{
		Num:             num,
		Stripe:          stripe,
		Size:            rapid.Uint64().Draw(t, "size"),
		Entries:         rapid.Uint64().Draw(t, "entries"),
		Deletions:       rapid.Uint64().Draw(t, "deletions"),
		Smallest:        genBytes(t, "smallest"),
		Largest:         genBytes(t, "largest"),
		MinSeq:          base.SeqNum(rapid.Uint64().Draw(t, "minSeq")),
		MaxSeq:          base.SeqNum(rapid.Uint64().Draw(t, "maxSeq")),
		CreatedUnixNano: rapid.Int64().Draw(t, "created"),
	}
}

func genKeyType(t *rapid.T, label string) KeyType {
	return rapid.SampledFrom([]KeyType{KeyTypeString, KeyTypeNumber, KeyTypeBinary}).Draw(t, label)
}

func genTable(t *rapid.T, id uint32, name string) TableDesc {
	td := TableDesc{
		ID:            id,
		Name:          name,
		PartitionKey:  rapid.StringN(1, 8, -1).Draw(t, "pk"),
		PartitionType: genKeyType(t, "pt"),
	}
	if rapid.Bool().Draw(t, "hasSort") {
		td.SortKey = rapid.StringN(1, 8, -1).Draw(t, "sk")
		td.SortType = genKeyType(t, "st")
		td.SortKeyOptional = rapid.Bool().Draw(t, "optional")
	}
	return td
}

// genEdit draws an arbitrary (not necessarily applicable) edit.
func genEdit(t *rapid.T) Edit {
	var e Edit
	e.NextFileNum = base.FileNum(rapid.Uint64().Draw(t, "next"))
	stripes := rapid.SliceOfNDistinct(rapid.Uint8(), 0, 4, rapid.ID[uint8]).Draw(t, "stripes")
	for _, st := range stripes {
		se := StripeEdit{Stripe: base.StripeID(st), FlushedSeq: base.SeqNum(rapid.Uint64().Draw(t, "flushed"))}
		for range rapid.IntRange(0, 3).Draw(t, "nAdded") {
			se.Added = append(se.Added, genFileMeta(t, se.Stripe, base.FileNum(rapid.Uint64().Draw(t, "num"))))
		}
		for range rapid.IntRange(0, 3).Draw(t, "nDeleted") {
			se.Deleted = append(se.Deleted, base.FileNum(rapid.Uint64().Draw(t, "del")))
		}
		e.Stripes = append(e.Stripes, se)
	}
	for range rapid.IntRange(0, 2).Draw(t, "nAddTables") {
		e.AddTables = append(e.AddTables, genTable(t, rapid.Uint32().Draw(t, "id"), rapid.String().Draw(t, "name")))
	}
	for range rapid.IntRange(0, 2).Draw(t, "nDropTables") {
		e.DropTables = append(e.DropTables, rapid.Uint32().Draw(t, "drop"))
	}
	return e
}

// genState draws a valid state: unique file numbers below NextFileNum,
// unique table IDs and names, tables ordered by ID.
func genState(t *rapid.T) *State {
	s := &State{}
	fileNums := rapid.SliceOfNDistinct(rapid.Uint64Range(1, 1<<40), 0, 40, rapid.ID[uint64]).Draw(t, "fileNums")
	var maxNum base.FileNum
	for _, n := range fileNums {
		st := base.StripeID(rapid.Uint8().Draw(t, "stripe"))
		s.Stripes[st].Files = append(s.Stripes[st].Files, genFileMeta(t, st, base.FileNum(n)))
		maxNum = max(maxNum, base.FileNum(n))
	}
	for range rapid.IntRange(0, 5).Draw(t, "flushed") {
		s.Stripes[rapid.Uint8().Draw(t, "stripe")].FlushedSeq = base.SeqNum(rapid.Uint64Range(1, 1<<60).Draw(t, "seq"))
	}
	s.NextFileNum = maxNum + 1 + base.FileNum(rapid.Uint64Range(0, 1000).Draw(t, "slack"))
	ids := rapid.SliceOfNDistinct(rapid.Uint32(), 0, 5, rapid.ID[uint32]).Draw(t, "tableIDs")
	names := rapid.SliceOfNDistinct(rapid.StringN(1, 10, -1), len(ids), len(ids), rapid.ID[string]).Draw(t, "tableNames")
	for i, id := range ids {
		s.Tables = append(s.Tables, genTable(t, id, names[i]))
	}
	// Insert through Apply to get them ordered by ID.
	tables := s.Tables
	s.Tables = nil
	if err := s.Apply(Edit{AddTables: tables}); err != nil {
		t.Fatalf("generated tables invalid: %v", err)
	}
	return s
}

func TestEditRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		edits := rapid.SliceOfN(rapid.Custom(genEdit), 1, 4).Draw(t, "edits")
		payload := encodeEdits(edits)
		kind, got, err := decodePayload(payload)
		if err != nil || kind != payloadEdits {
			t.Fatalf("decode: kind %d, %v", kind, err)
		}
		if !reflect.DeepEqual(got, edits) {
			t.Fatalf("round trip:\n got %+v\nwant %+v", got, edits)
		}
		// Every strict prefix of the payload is rejected, never misread.
		for n := range len(payload) {
			if _, _, err := decodePayload(payload[:n]); err == nil {
				t.Fatalf("prefix of %d/%d bytes decoded", n, len(payload))
			}
		}
	})
}

func TestSnapshotRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := genState(t)
		data := appendRecord(nil, encodeSnapshot(s))
		r, err := replay("MANIFEST-0000000001", data)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(r.state, s) {
			t.Fatalf("round trip:\n got %+v\nwant %+v", r.state, s)
		}
		if !reflect.DeepEqual(r.live, s.LiveFiles()) {
			t.Fatalf("live index %v, want %v", r.live, s.LiveFiles())
		}
		if r.tornOffset != -1 || r.end != int64(len(data)) || r.snapshotLen != int64(len(data)) {
			t.Fatalf("replay result %+v", r)
		}
	})
}

// TestReplayMatchesApply: a file of a snapshot and edit records replays to
// the state that applying the same edits in memory gives, and every torn
// tail replays to the state before the torn record.
func TestReplayMatchesApply(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := genState(t)
		data := appendRecord(nil, encodeSnapshot(s))
		states := []*State{s.Clone()}
		ends := []int{len(data)}
		for range rapid.IntRange(0, 8).Draw(t, "records") {
			var batch []Edit
			for range rapid.IntRange(1, 3).Draw(t, "batch") {
				e := genApplicableEdit(t, s)
				if err := s.Apply(e); err != nil {
					t.Fatalf("generated edit does not apply: %v", err)
				}
				batch = append(batch, e)
			}
			data = appendRecord(data, encodeEdits(batch))
			states = append(states, s.Clone())
			ends = append(ends, len(data))
		}
		r, err := replay("m", data)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(r.state, s) {
			t.Fatalf("replayed state differs:\n got %+v\nwant %+v", r.state, s)
		}
		// Cut inside the last record: torn, previous state.
		if len(ends) > 1 {
			last := ends[len(ends)-2]
			cut := rapid.IntRange(last+1, len(data)-1).Draw(t, "cut")
			r, err := replay("m", data[:cut])
			if err != nil {
				t.Fatalf("torn tail at %d: %v", cut, err)
			}
			if r.tornOffset != int64(last) || !reflect.DeepEqual(r.state, states[len(states)-2]) {
				t.Fatalf("torn tail: offset %d (want %d), state differs", r.tornOffset, last)
			}
		}
	})
}

// genApplicableEdit draws an edit that applies to s.
func genApplicableEdit(t *rapid.T, s *State) Edit {
	var e Edit
	if rapid.Bool().Draw(t, "bumpNext") {
		e.NextFileNum = s.NextFileNum + base.FileNum(rapid.Uint64Range(0, 10).Draw(t, "bump"))
	}
	next := max(s.NextFileNum, e.NextFileNum, 1)
	stripes := rapid.SliceOfNDistinct(rapid.Uint8Range(0, 7), 0, 3, rapid.ID[uint8]).Draw(t, "stripes")
	for _, st := range stripes {
		cur := &s.Stripes[st]
		se := StripeEdit{Stripe: base.StripeID(st)}
		if rapid.Bool().Draw(t, "flush") {
			se.FlushedSeq = cur.FlushedSeq + base.SeqNum(rapid.Uint64Range(0, 100).Draw(t, "seq"))
		}
		for _, f := range cur.Files {
			if rapid.IntRange(0, 3).Draw(t, "delete") == 0 {
				se.Deleted = append(se.Deleted, f.Num)
			}
		}
		for range rapid.IntRange(0, 2).Draw(t, "nAdded") {
			se.Added = append(se.Added, genFileMeta(t, se.Stripe, next))
			next++
		}
		e.Stripes = append(e.Stripes, se)
	}
	for _, td := range s.Tables {
		if rapid.IntRange(0, 4).Draw(t, "drop") == 0 {
			e.DropTables = append(e.DropTables, td.ID)
		}
	}
	if rapid.Bool().Draw(t, "addTable") {
		id := uint32(0)
		for _, td := range s.Tables {
			id = max(id, td.ID+1)
		}
		e.AddTables = append(e.AddTables, genTable(t, id, "t"+string(rune('a'+id%26))+string(rune('a'+id/26%26))+"x"))
		// Names may collide with a kept table; skip the add then.
		if old, ok := s.Table(e.AddTables[0].Name); ok && !containsID(e.DropTables, old.ID) {
			e.AddTables = nil
		}
	}
	return e
}

func containsID(ids []uint32, id uint32) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func TestReplayCorruption(t *testing.T) {
	s := &State{NextFileNum: 3}
	snap := appendRecord(nil, encodeSnapshot(s))
	edit := func(e Edit) []byte { return appendRecord(nil, encodeEdits([]Edit{e})) }
	flush := func(num base.FileNum) []byte {
		return edit(Edit{Stripes: []StripeEdit{{Stripe: 1, Added: []FileMeta{fm(1, num)}}}})
	}
	cat := func(parts ...[]byte) []byte {
		var out []byte
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	flipped := func(b []byte, i int) []byte {
		b = append([]byte(nil), b...)
		b[i] ^= 0x40
		return b
	}
	good := cat(snap, flush(5), flush(6))
	cases := []struct {
		name   string
		data   []byte
		offset int64
	}{
		{"empty file", nil, 0},
		{"damaged snapshot", flipped(good, 10), 0},
		{"truncated snapshot", snap[:len(snap)-1], 0},
		{"damaged middle record", flipped(good, len(snap)+9), int64(len(snap))},
		{"damaged length of middle record", flipped(good, len(snap)), int64(len(snap))},
		{"edit first", cat(flush(5), snap), 0},
		{"second snapshot", cat(snap, snap), int64(len(snap))},
		{"edit does not apply", cat(snap, flush(5), flush(5)), int64(len(snap) + len(flush(5)))},
		{"unknown record kind", cat(snap, appendRecord(nil, []byte{9})), int64(len(snap))},
		{"trailing bytes in payload", cat(snap, appendRecord(nil, append(encodeEdits([]Edit{{}}), 0))), int64(len(snap))},
		// Crafted so that a naive scan for a valid record after the damage
		// would checksum megabytes at millions of offsets: the bounded scan
		// gives up and reports corruption.
		{"crafted tail", cat(snap, bytes.Repeat([]byte{payloadEdits}, 36<<20)), int64(len(snap))},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := replay("MANIFEST-0000000002", c.data)
			var ce *base.CorruptionError
			if !errors.As(err, &ce) || !errors.Is(err, base.ErrCorruption) {
				t.Fatalf("replay = %v, want CorruptionError", err)
			}
			if ce.File != "MANIFEST-0000000002" || ce.Offset != c.offset {
				t.Errorf("error names %s offset %d, want offset %d (%v)", ce.File, ce.Offset, c.offset, err)
			}
		})
	}

	torn := []struct {
		name string
		data []byte
	}{
		{"truncated last record", good[:len(good)-3]},
		{"truncated last header", good[:len(good)-len(flush(6))+5]},
		{"damaged last record", flipped(good, len(good)-1)},
		{"zeros after last record", cat(good[:len(good)-len(flush(6))], make([]byte, 100))},
	}
	for _, c := range torn {
		t.Run(c.name, func(t *testing.T) {
			r, err := replay("m", c.data)
			if err != nil {
				t.Fatal(err)
			}
			want := int64(len(snap) + len(flush(5)))
			if r.tornOffset != want || r.end != want || len(r.state.Stripes[1].Files) != 1 {
				t.Errorf("torn offset %d end %d files %v, want offset %d and one file", r.tornOffset, r.end, nums(r.state.Stripes[1].Files), want)
			}
		})
	}
}
