package shell

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/keystonedb/kstone-shell/engine/item"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/format")

// goldenItems covers all ten types, unicode (CJK, emoji, accents,
// combining marks), empty strings, control characters and missing
// attributes.
func goldenItems() []item.Item {
	return []item.Item{
		{
			"pk":      item.S("user#1"),
			"sk":      item.S("profile"),
			"name":    item.S("Alice"),
			"age":     item.MustN("30"),
			"active":  item.BOOL(true),
			"nothing": item.NULL{},
			"blob":    item.B{0x00, 0x01, 0x02, 0xff},
			"tags":    item.SS{"red", "blue", "green"},
			"scores":  item.NS{item.MustN("3"), item.MustN("1.5"), item.MustN("-2")},
			"blobs":   item.BS{{0x02}, {0x01, 0x02}},
			"address": item.M{"city": item.S("Zürich"), "zip": item.S("8001"), "geo": item.L{item.MustN("47.37"), item.MustN("8.54")}},
			"list":    item.L{item.MustN("1"), item.S("two"), item.BOOL(false), item.NULL{}, item.M{}},
		},
		{
			"pk":    item.S("user#2"),
			"sk":    item.S("order#7"),
			"name":  item.S("李小龍"),
			"note":  item.S("party 🎉🚀 time"),
			"age":   item.MustN("-0.5"),
			"empty": item.S(""),
			"tags":  item.SS{"日本語", "한국어"},
		},
		{
			"pk":     item.S("user#3"),
			"name":   item.S("Ångström café naïve e\u0301"),
			"note":   item.S("line1\nline2\tcol \"quoted\", comma"),
			"age":    item.MustN("12345678901234567890123"),
			"active": item.BOOL(false),
			"list":   item.L{},
			"desc":   item.S(strings.Repeat("a long description that goes on ", 4)),
		},
		{
			"pk":   item.S("用户#4"),
			"sk":   item.S("ｆｕｌｌｗｉｄｔｈ"),
			"name": item.S("混合 mixed 文字 ✅"),
			"age":  item.MustN("0.000001"),
		},
	}
}

var goldenOpts = FormatOptions{KeyColumns: []string{"pk", "sk"}}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "format", name+".golden")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./shell/ -run Format -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from %s:\n--- got ---\n%s\n--- want ---\n%s", name, path, got, want)
	}
}

func render(t testing.TB, f Format, r Result, opts FormatOptions) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, f, r, opts); err != nil {
		t.Fatalf("Write(%v): %v", f, err)
	}
	return buf.Bytes()
}

func TestFormatGolden(t *testing.T) {
	r := Result{Items: goldenItems()}
	tests := []struct {
		name string
		f    Format
		r    Result
		opts FormatOptions
	}{
		{"json", FormatJSON, r, goldenOpts},
		{"jsonl", FormatJSONL, r, goldenOpts},
		{"ddb", FormatDDB, r, goldenOpts},
		{"csv", FormatCSV, r, goldenOpts},
		{"csv_nulltext", FormatCSV, r, FormatOptions{KeyColumns: []string{"pk", "sk"}, NullText: "∅"}},
		{"table_w0", FormatTable, r, goldenOpts},
		{"table_w40", FormatTable, r, FormatOptions{Width: 40, KeyColumns: []string{"pk", "sk"}}},
		{"table_w80", FormatTable, r, FormatOptions{Width: 80, KeyColumns: []string{"pk", "sk"}}},
		{"table_w120", FormatTable, r, FormatOptions{Width: 120, KeyColumns: []string{"pk", "sk"}}},
		{"table_ascii_w80", FormatTable, r, FormatOptions{Width: 80, KeyColumns: []string{"pk", "sk"}, ASCII: true}},
		{"table_columns", FormatTable, Result{Items: goldenItems(), Columns: []string{"name", "age", "missing"}},
			FormatOptions{Width: 100, KeyColumns: []string{"pk", "sk"}, NullText: "-"}},
		{"table_one", FormatTable, Result{Items: goldenItems()[3:]}, goldenOpts},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := render(t, tt.f, tt.r, tt.opts)
			checkGolden(t, tt.name, got)
			if tt.f == FormatTable && tt.opts.Width > 0 {
				checkTableWidth(t, got, tt.opts.Width)
			}
		})
	}
}

// TestFormatMachineReadable checks that the json, jsonl, ddb and csv
// output read back as what was written.
func TestFormatMachineReadable(t *testing.T) {
	items := goldenItems()
	r := Result{Items: items}

	var arr []json.RawMessage
	if err := json.Unmarshal(render(t, FormatJSON, r, goldenOpts), &arr); err != nil {
		t.Fatalf("json output is not a JSON array: %v", err)
	}
	if len(arr) != len(items) {
		t.Fatalf("json: %d elements, want %d", len(arr), len(items))
	}
	for i, raw := range arr {
		var c bytes.Buffer
		if err := json.Compact(&c, raw); err != nil {
			t.Fatal(err)
		}
		if want := item.ItemToJSON(items[i]); !bytes.Equal(c.Bytes(), want) {
			t.Errorf("json element %d = %s, want %s", i, c.Bytes(), want)
		}
	}

	lines := strings.Split(strings.TrimSuffix(string(render(t, FormatDDB, r, goldenOpts)), "\n"), "\n")
	if len(lines) != len(items) {
		t.Fatalf("ddb: %d lines, want %d", len(lines), len(items))
	}
	for i, l := range lines {
		got, err := item.ItemFromDDBJSON([]byte(l))
		if err != nil {
			t.Fatalf("ddb line %d: %v", i+1, err)
		}
		if !item.ItemsEqual(got, items[i]) {
			t.Errorf("ddb line %d reads back as %v, want %v", i+1, got, items[i])
		}
	}

	lines = strings.Split(strings.TrimSuffix(string(render(t, FormatJSONL, r, goldenOpts)), "\n"), "\n")
	for i, l := range lines {
		if want := string(item.ItemToJSON(items[i])); l != want {
			t.Errorf("jsonl line %d = %s, want %s", i+1, l, want)
		}
	}

	recs, err := csv.NewReader(bytes.NewReader(render(t, FormatCSV, r, goldenOpts))).ReadAll()
	if err != nil {
		t.Fatalf("csv: %v", err)
	}
	wantHeader := []string{"pk", "sk", "active", "address", "age", "blob", "blobs", "desc", "empty", "list", "name", "note", "nothing", "scores", "tags"}
	if !reflect.DeepEqual(recs[0], wantHeader) {
		t.Errorf("csv header = %q, want %q", recs[0], wantHeader)
	}
	if len(recs) != len(items)+1 {
		t.Fatalf("csv: %d records, want %d", len(recs), len(items)+1)
	}
	// Spot checks: raw strings with newlines survive, cells by type.
	row := func(i int, col string) string { return recs[i+1][indexOf(wantHeader, col)] }
	checks := []struct {
		row        int
		col, value string
	}{
		{2, "note", "line1\nline2\tcol \"quoted\", comma"},
		{0, "nothing", "null"},
		{0, "active", "true"},
		{0, "blob", "AAEC/w=="},
		{0, "tags", `["blue","green","red"]`},
		{0, "scores", `[-2,1.5,3]`},
		{2, "age", "12345678901234567890123"},
		{3, "age", "0.000001"},
		{1, "empty", ""},
		{2, "sk", ""},
	}
	for _, c := range checks {
		if got := row(c.row, c.col); got != c.value {
			t.Errorf("csv row %d %s = %q, want %q", c.row, c.col, got, c.value)
		}
	}
}

func indexOf(s []string, v string) int {
	for i, e := range s {
		if e == v {
			return i
		}
	}
	return -1
}

func TestFormatEmpty(t *testing.T) {
	tests := []struct {
		f    Format
		r    Result
		opts FormatOptions
		want string
	}{
		{FormatJSON, Result{}, FormatOptions{}, "[]\n"},
		{FormatJSONL, Result{}, FormatOptions{}, ""},
		{FormatDDB, Result{}, FormatOptions{}, ""},
		{FormatCSV, Result{}, FormatOptions{}, ""},
		{FormatCSV, Result{}, FormatOptions{KeyColumns: []string{"pk", "sk"}}, "pk,sk\n"},
		{FormatCSV, Result{Columns: []string{"name"}}, FormatOptions{KeyColumns: []string{"pk"}}, "pk,name\n"},
		{FormatTable, Result{}, FormatOptions{}, "(0 items)\n"},
		{FormatTable, Result{}, FormatOptions{KeyColumns: []string{"pk"}, Width: 80}, "(0 items)\n"},
		{FormatJSON, Result{Items: []item.Item{{}}}, FormatOptions{}, "[\n  {}\n]\n"},
		{FormatJSONL, Result{Items: []item.Item{{}, nil}}, FormatOptions{}, "{}\n{}\n"},
	}
	for _, tt := range tests {
		if got := string(render(t, tt.f, tt.r, tt.opts)); got != tt.want {
			t.Errorf("Write(%v, %+v, %+v) = %q, want %q", tt.f, tt.r, tt.opts, got, tt.want)
		}
	}
}

func TestFormatJSONShape(t *testing.T) {
	items := []item.Item{
		{"pk": item.S("a"), "n": item.MustN("1.50"), "m": item.M{"x": item.L{item.BOOL(true)}}},
		{"pk": item.S("b")},
	}
	got := string(render(t, FormatJSON, Result{Items: items}, FormatOptions{}))
	want := `[
  {
    "m": {
      "x": [
        true
      ]
    },
    "n": 1.5,
    "pk": "a"
  },
  {
    "pk": "b"
  }
]
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestFormatColumns(t *testing.T) {
	items := []item.Item{
		{"pk": item.S("a"), "z": item.S("1"), "b": item.S("2")},
		{"pk": item.S("b"), "sk": item.S("s"), "c": item.S("3")},
	}
	tests := []struct {
		r    Result
		keys []string
		want []string
	}{
		{Result{Items: items}, nil, []string{"b", "c", "pk", "sk", "z"}},
		{Result{Items: items}, []string{"pk", "sk"}, []string{"pk", "sk", "b", "c", "z"}},
		{Result{Items: items}, []string{"sk", "pk"}, []string{"sk", "pk", "b", "c", "z"}},
		// A key column no item has is left out...
		{Result{Items: items}, []string{"pk", "nokey"}, []string{"pk", "b", "c", "sk", "z"}},
		// ...unless Columns names it.
		{Result{Items: items, Columns: []string{"nokey"}}, []string{"pk", "nokey"}, []string{"pk", "nokey", "b", "c", "sk", "z"}},
		{Result{Items: items, Columns: []string{"z", "missing", "pk"}}, []string{"pk", "sk"}, []string{"pk", "sk", "z", "missing", "b", "c"}},
		{Result{}, []string{"pk", "sk"}, []string{"pk", "sk"}},
		{Result{}, nil, []string{}},
	}
	for _, tt := range tests {
		if got := resultColumns(tt.r, tt.keys); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("resultColumns(%v, %q) = %q, want %q", tt.r.Columns, tt.keys, got, tt.want)
		}
	}
}

func TestFormatParse(t *testing.T) {
	for _, f := range []Format{FormatTable, FormatJSON, FormatJSONL, FormatCSV, FormatDDB} {
		got, err := ParseFormat(f.String())
		if err != nil || got != f {
			t.Errorf("ParseFormat(%q) = %v, %v", f.String(), got, err)
		}
	}
	if got, err := ParseFormat(" JSONL "); err != nil || got != FormatJSONL {
		t.Errorf("ParseFormat(\" JSONL \") = %v, %v", got, err)
	}
	_, err := ParseFormat("yaml")
	if err == nil {
		t.Fatal("ParseFormat(yaml) succeeded")
	}
	for _, name := range []string{"yaml", "table", "json", "jsonl", "csv", "ddb"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error %q does not mention %s", err, name)
		}
	}
	if s := Format(42).String(); s != "Format(42)" {
		t.Errorf("Format(42).String() = %q", s)
	}
	if err := Write(io.Discard, Format(42), Result{}, FormatOptions{}); err == nil {
		t.Error("Write with an unknown format succeeded")
	}
}

type failWriter struct{ n int }

var errWrite = errors.New("disk full")

func (w *failWriter) Write(p []byte) (int, error) {
	if w.n--; w.n < 0 {
		return 0, errWrite
	}
	return len(p), nil
}

func TestFormatWriteError(t *testing.T) {
	items := randomItems(rand.New(rand.NewPCG(1, 2)), 3000)
	for _, f := range []Format{FormatTable, FormatJSON, FormatJSONL, FormatCSV, FormatDDB} {
		for _, n := range []int{0, 1} {
			err := Write(&failWriter{n: n}, f, Result{Items: items}, FormatOptions{Width: 80})
			if !errors.Is(err, errWrite) {
				t.Errorf("%v, failing after %d writes: err = %v, want %v", f, n, err, errWrite)
			}
		}
	}
}

func TestFormatDisplayWidth(t *testing.T) {
	tests := []struct {
		s string
		w int
	}{
		{"", 0},
		{"abc", 3},
		{"café", 4},
		{"e\u0301", 1},         // combining acute
		{"李小龍", 6},             // CJK
		{"한국어", 6},             // Hangul
		{"ｆｕｌｌ", 8},            // fullwidth
		{"🎉", 2},               // emoji
		{"a🚀b", 4},             // emoji among ASCII
		{"✅", 2},               // emoji presentation symbol
		{"zero\u200bwidth", 9}, // zero-width space
		{"Ångström", 8},
		{"\u3000", 2}, // ideographic space
		{"\xff", 1},   // invalid UTF-8 as U+FFFD
	}
	for _, tt := range tests {
		if got := displayWidth(tt.s); got != tt.w {
			t.Errorf("displayWidth(%q) = %d, want %d", tt.s, got, tt.w)
		}
	}
}

func TestFormatTruncateWidth(t *testing.T) {
	tests := []struct {
		s    string
		max  int
		want string
		w    int
	}{
		{"abcdef", 3, "abc", 3},
		{"abc", 5, "abc", 3},
		{"李小龍", 3, "李", 2}, // a wide rune never splits
		{"李小龍", 4, "李小", 4},
		{"ae\u0301b", 2, "ae\u0301", 2}, // combining marks stay with their base
		{"abc", 0, "", 0},
	}
	for _, tt := range tests {
		got, w := truncateWidth(tt.s, tt.max)
		if got != tt.want || w != tt.w {
			t.Errorf("truncateWidth(%q, %d) = %q, %d; want %q, %d", tt.s, tt.max, got, w, tt.want, tt.w)
		}
	}
}

func TestFormatEscapeControl(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"李 🎉", "李 🎉"},
		{"a\nb", `a\nb`},
		{"a\r\nb\tc", `a\r\nb\tc`},
		{"\x00\x1b[31m\x7f", `\x00\x1b[31m\x7f`},
		{"bad\xffutf8", `bad\xffutf8`},
		{"c1\u0085", `c1\u0085`},
		{"bidi\u202eevil", `bidi\u202eevil`},
		{"ls\u2028", `ls\u2028`},
		{`back\slash`, `back\slash`},
	}
	for _, tt := range tests {
		if got := EscapeControl(tt.in); got != tt.want {
			t.Errorf("EscapeControl(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFormatFitColumns(t *testing.T) {
	tests := []struct {
		name    string
		natural []int
		width   int
		widths  []int
		shown   int
		hidden  int
	}{
		{"unlimited", []int{10, 50}, 0, []int{10, 50}, 2, 0},
		{"fits", []int{10, 50}, 67, []int{10, 50}, 2, 0},
		{"widest shrinks first", []int{10, 50}, 66, []int{10, 49}, 2, 0},
		{"widest down to the next", []int{10, 50, 30}, 10 + 20 + 20 + 10, []int{10, 20, 20}, 3, 0},
		{"even split with spare", []int{10, 50, 30}, 10 + 21 + 20 + 10, []int{10, 21, 20}, 3, 0},
		{"floor", []int{3, 50, 30}, 3 + 5 + 5 + 10, []int{3, 5, 5}, 3, 0},
		{"drop", []int{3, 50, 30}, 3 + 5 + 5 + 9, []int{3, 6, 3}, 2, 1},
		{"drop more", []int{8, 50, 30, 9}, 8 + 5 + 3 + 10, []int{7, 6, 3}, 2, 2},
		{"tiny", []int{8, 50, 30, 9}, 12, []int{2, 3}, 1, 3},
		{"tiny one column", []int{50}, 6, []int{2}, 1, 0},
	}
	for _, tt := range tests {
		widths, shown, hidden := fitColumns(tt.natural, tt.width, 1)
		if !reflect.DeepEqual(widths, tt.widths) || shown != tt.shown || hidden != tt.hidden {
			t.Errorf("%s: fitColumns(%v, %d) = %v, %d, %d; want %v, %d, %d",
				tt.name, tt.natural, tt.width, widths, shown, hidden, tt.widths, tt.shown, tt.hidden)
		}
	}
}

func TestFormatTableAlignment(t *testing.T) {
	items := []item.Item{
		{"pk": item.S("a"), "n": item.MustN("5"), "s": item.S("x")},
		{"pk": item.S("b"), "n": item.MustN("-123.5"), "s": item.S("李")},
	}
	got := string(render(t, FormatTable, Result{Items: items}, FormatOptions{KeyColumns: []string{"pk"}}))
	want := `┌────┬────────┬────┐
│ pk │ n      │ s  │
├────┼────────┼────┤
│ a  │      5 │ x  │
│ b  │ -123.5 │ 李 │
└────┴────────┴────┘
(2 items)
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// checkTableWidth checks that no line of a table is wider than width and
// that all the box lines are equally wide.
func checkTableWidth(t *testing.T, out []byte, width int) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	boxW := -1
	for i, l := range lines {
		w := displayWidth(l)
		if width > 0 && w > width {
			t.Errorf("width %d: line %d is %d cells: %s", width, i+1, w, l)
		}
		if i == len(lines)-1 {
			if !strings.HasPrefix(l, "(") || !strings.HasSuffix(l, ")") {
				t.Errorf("last line %q is not the item count", l)
			}
			continue
		}
		if boxW < 0 {
			boxW = w
		} else if w != boxW {
			t.Errorf("width %d: line %d is %d cells, line 1 %d: %s", width, i+1, w, boxW, l)
		}
	}
}

// Random items for the width test and the benchmark.

var randomNames = []string{"pk", "sk", "name", "age", "note", "tags", "blob", "active", "address", "名前", "emoji🎉", "a_rather_long_attribute_name", "x", "n2", "list"}

var randomRunes = []rune("abcdefghijklmnopqrstuvwxyz ABC0123456789#-_.é ñüÅ李小龍日本語한국어ｆｕ🎉🚀✅\u0301\n\t\"',")

func randomString(rng *rand.Rand, maxLen int) string {
	n := rng.IntN(maxLen + 1)
	var b strings.Builder
	for range n {
		b.WriteRune(randomRunes[rng.IntN(len(randomRunes))])
	}
	return b.String()
}

func randomValue(rng *rand.Rand, depth int) item.Value {
	switch k := rng.IntN(10); {
	case k == 0 && depth < 2:
		l := item.L{}
		for range rng.IntN(4) {
			l = append(l, randomValue(rng, depth+1))
		}
		return l
	case k == 1 && depth < 2:
		m := item.M{}
		for range rng.IntN(4) {
			m[randomString(rng, 6)] = randomValue(rng, depth+1)
		}
		return m
	case k == 2:
		return item.SS{randomString(rng, 5) + "a", randomString(rng, 5) + "b"}
	case k == 3:
		return item.NS{item.NFromInt64(rng.Int64N(1000)), item.MustN("0.5")}
	case k == 4:
		b := make([]byte, rng.IntN(40))
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		return item.B(b)
	case k == 5:
		return item.BOOL(rng.IntN(2) == 0)
	case k == 6:
		return item.NULL{}
	case k == 7:
		return item.MustN(fmt.Sprintf("%d.%d", rng.Int64()-rng.Int64(), rng.IntN(1000)))
	}
	return item.S(randomString(rng, 60))
}

func randomItems(rng *rand.Rand, n int) []item.Item {
	items := make([]item.Item, n)
	for i := range items {
		it := item.Item{"pk": item.S(randomString(rng, 12))}
		for range rng.IntN(len(randomNames)) {
			it[randomNames[rng.IntN(len(randomNames))]] = randomValue(rng, 0)
		}
		items[i] = it
	}
	return items
}

func TestFormatTableWidthRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(2024, 7))
	for width := 20; width <= 200; width++ {
		items := randomItems(rng, 1+rng.IntN(8))
		for _, ascii := range []bool{false, true} {
			opts := FormatOptions{Width: width, KeyColumns: []string{"pk", "sk"}, ASCII: ascii, NullText: "—"}
			checkTableWidth(t, render(t, FormatTable, Result{Items: items}, opts), width)
		}
	}
	// Unlimited width: lines are aligned, nothing is truncated.
	items := randomItems(rng, 20)
	out := render(t, FormatTable, Result{Items: items}, FormatOptions{})
	checkTableWidth(t, out, 0)
	if bytes.Contains(out, []byte("…")) {
		t.Error("a table of unlimited width truncated something")
	}
}

func BenchmarkFormatTable1000(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	items := make([]item.Item, 1000)
	for i := range items {
		items[i] = item.Item{
			"pk":     item.S(fmt.Sprintf("user#%d", i)),
			"sk":     item.S(fmt.Sprintf("order#%04d", rng.IntN(10000))),
			"name":   item.S(randomString(rng, 20)),
			"qty":    item.NFromInt64(rng.Int64N(1000)),
			"active": item.BOOL(rng.IntN(2) == 0),
			"tags":   item.SS{"a", "b", randomString(rng, 8) + "c"},
		}
	}
	r := Result{Items: items}
	opts := FormatOptions{Width: 100, KeyColumns: []string{"pk", "sk"}}
	b.ReportAllocs()
	for b.Loop() {
		if err := Write(io.Discard, FormatTable, r, opts); err != nil {
			b.Fatal(err)
		}
	}
}
