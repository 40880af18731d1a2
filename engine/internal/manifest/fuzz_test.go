package manifest

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
)

var updateCorpus = flag.Bool("update-corpus", false, "rewrite testdata/fuzz/FuzzDecode from fuzzSeeds")

// fuzzSeeds are well-formed and slightly damaged manifest files and
// record payloads.
func fuzzSeeds() map[string][]byte {
	s := baseStateForSeeds()
	snap := encodeSnapshot(s)
	edits := encodeEdits([]Edit{
		{NextFileNum: 30, Stripes: []StripeEdit{{Stripe: 3, FlushedSeq: 120, Deleted: []base.FileNum{11, 12}, Added: []FileMeta{fm(3, 25)}}}},
		{AddTables: []TableDesc{{ID: 5, Name: "orders", PartitionKey: "id", PartitionType: KeyTypeNumber}}, DropTables: []uint32{2}},
	})
	file := appendRecord(appendRecord(appendRecord(nil, snap), edits),
		encodeEdits([]Edit{{Stripes: []StripeEdit{{Stripe: 4, FlushedSeq: 9}}}}))
	damaged := append([]byte(nil), file...)
	damaged[len(snap)+recordHeaderLen+3] ^= 0xff
	return map[string][]byte{
		"empty":           nil,
		"file":            file,
		"file-torn":       file[:len(file)-4],
		"file-damaged":    damaged,
		"snapshot-record": appendRecord(nil, snap),
		"snapshot":        snap,
		"edits":           edits,
	}
}

func baseStateForSeeds() *State {
	s := &State{NextFileNum: 1}
	if err := s.Apply(Edit{
		Stripes: []StripeEdit{
			{Stripe: 3, FlushedSeq: 100, Added: []FileMeta{fm(3, 10), fm(3, 11), fm(3, 12)}},
			{Stripe: 4, Added: []FileMeta{fm(4, 20)}},
		},
		AddTables: []TableDesc{defaultTable, {ID: 2, Name: "users", PartitionKey: "id", PartitionType: KeyTypeString}},
	}); err != nil {
		panic(err)
	}
	return s
}

// TestUpdateFuzzCorpus writes the committed seed corpus when run with
// -update-corpus.
func TestUpdateFuzzCorpus(t *testing.T) {
	if !*updateCorpus {
		t.Skip("run with -update-corpus to rewrite testdata/fuzz/FuzzDecode")
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzDecode")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range fuzzSeeds() {
		content := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", data)
		if err := os.WriteFile(filepath.Join(dir, "seed-"+name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// FuzzDecode feeds arbitrary bytes to the manifest file decoder and to the
// record payload decoder: no panics, only corruption errors, and whatever
// decodes re-encodes to the same value.
func FuzzDecode(f *testing.F) {
	for _, seed := range fuzzSeeds() {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := replay("MANIFEST-0000000001", data)
		if err != nil {
			if !errors.Is(err, base.ErrCorruption) {
				t.Fatalf("replay error is not a corruption: %v", err)
			}
		} else {
			again, err := replay("x", appendRecord(nil, encodeSnapshot(r.state)))
			if err != nil {
				t.Fatalf("snapshot of a replayed state does not replay: %v", err)
			}
			if !reflect.DeepEqual(again.state, r.state) {
				t.Fatalf("snapshot round trip:\n got %+v\nwant %+v", again.state, r.state)
			}
		}

		kind, edits, err := decodePayload(data)
		if err != nil {
			return
		}
		var payload []byte
		switch kind {
		case payloadEdits:
			payload = encodeEdits(edits)
		case payloadSnapshot:
			payload = append([]byte{payloadSnapshot, formatVersion}, appendEdit(nil, &edits[0])...)
		default:
			t.Fatalf("decoded unknown kind %d", kind)
		}
		kind2, edits2, err := decodePayload(payload)
		if err != nil || kind2 != kind || !reflect.DeepEqual(edits2, edits) {
			t.Fatalf("payload round trip: %v\n got %+v\nwant %+v", err, edits2, edits)
		}
	})
}
