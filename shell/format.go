package shell

import (
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/keystonedb/kstone-shell/engine/item"
)

// Format is an output format for statement results (".format NAME").
type Format int

// The output formats.
const (
	// FormatTable is a box-drawn table fitted to the terminal width.
	FormatTable Format = iota
	// FormatJSON is one pretty-printed JSON array of plain-JSON items.
	FormatJSON
	// FormatJSONL is one compact plain-JSON item per line.
	FormatJSONL
	// FormatCSV is RFC 4180 CSV with a header row.
	FormatCSV
	// FormatDDB is one typed DynamoDB JSON item per line.
	FormatDDB
)

var formatNames = [...]string{
	FormatTable: "table",
	FormatJSON:  "json",
	FormatJSONL: "jsonl",
	FormatCSV:   "csv",
	FormatDDB:   "ddb",
}

// String returns the format's name as ParseFormat accepts it.
func (f Format) String() string {
	if f >= 0 && int(f) < len(formatNames) {
		return formatNames[f]
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// ParseFormat returns the format with the given name: table, json, jsonl,
// csv or ddb (case and surrounding blanks ignored).
func ParseFormat(s string) (Format, error) {
	name := strings.ToLower(strings.TrimSpace(s))
	for f, n := range formatNames {
		if n == name {
			return Format(f), nil
		}
	}
	return 0, fmt.Errorf("unknown format %q: want table, json, jsonl, csv or ddb", s)
}

// Result is what a statement returns for display.
type Result struct {
	// Items are the items to show, in order.
	Items []item.Item
	// Columns is an optional preferred column order for table and CSV
	// output (a projection, say): these columns come right after the key
	// columns, in this order, even if no item has them; the remaining
	// attributes follow, sorted by name. Nil derives every column from
	// the items.
	Columns []string
}

// FormatOptions tune Write.
type FormatOptions struct {
	// Width is the terminal width, in display cells, that a table must fit;
	// 0 means unlimited.
	Width int
	// KeyColumns are the table's key attributes (e.g. ["pk", "sk"]). In
	// table and CSV output they always come first, in this order, when
	// some item has them, when Result.Columns names them, or when there
	// are no items (CSV then writes them as a header).
	KeyColumns []string
	// NullText is what a missing attribute shows as in table and CSV
	// output; the default is an empty cell. (The NULL value itself shows
	// as "null".)
	NullText string
	// ASCII draws tables with + - | instead of Unicode box drawing, and
	// marks truncated text with "..." instead of "…".
	ASCII bool
}

// Write writes the result r to w in format f.
//
//   - json: a JSON array, indented by two spaces, of the items as plain JSON
//     (N as numbers, B as base64 strings, sets as sorted arrays); "[]" when
//     there are no items.
//   - jsonl: one compact plain-JSON item per line.
//   - ddb: one compact typed DynamoDB JSON item per line.
//   - csv: a header row (the columns, see below) and one row per item; S
//     as its text, N in plain notation, BOOL as true/false, NULL as null, B
//     as base64, L, M and sets as compact plain JSON, a missing attribute
//     as NullText. Without items only a header is written, and only if
//     there are key columns or Result.Columns.
//   - table: a box-drawn table with the same columns and cells as csv
//     (control characters escaped as \n, \t, \x01, …), numbers aligned
//     right, fitted to opts.Width, and a final "(N items)" line.
//
// Table and CSV columns are the key columns (opts.KeyColumns), then
// r.Columns, then every other top-level attribute of the items sorted by
// name. All output ends with a newline, except CSV and JSONL/DDB output of
// no items, which is empty.
func Write(w io.Writer, f Format, r Result, opts FormatOptions) error {
	switch f {
	case FormatTable:
		return writeTable(w, r, opts)
	case FormatJSON:
		return writeJSON(w, r.Items)
	case FormatJSONL:
		return writeLines(w, r.Items, item.ItemToJSON)
	case FormatDDB:
		return writeLines(w, r.Items, item.ItemToDDBJSON)
	case FormatCSV:
		return writeCSV(w, r, opts)
	}
	return fmt.Errorf("unknown output format %v", f)
}

// formatFlushSize is how much output is gathered before it is written.
const formatFlushSize = 32 << 10

// formatBuf gathers output and writes it to w in chunks, keeping the first
// write error.
type formatBuf struct {
	w   io.Writer
	b   []byte
	err error
}

func (o *formatBuf) maybeFlush() {
	if len(o.b) >= formatFlushSize {
		o.flush()
	}
}

func (o *formatBuf) flush() error {
	if o.err == nil && len(o.b) > 0 {
		_, o.err = o.w.Write(o.b)
	}
	o.b = o.b[:0]
	return o.err
}

func writeJSON(w io.Writer, items []item.Item) error {
	if len(items) == 0 {
		_, err := io.WriteString(w, "[]\n")
		return err
	}
	o := &formatBuf{w: w, b: make([]byte, 0, formatFlushSize+4096)}
	o.b = append(o.b, "[\n"...)
	var sb bytes.Buffer
	for i, it := range items {
		sb.Reset()
		// Our own compact JSON is well formed, so Indent cannot fail.
		_ = json.Indent(&sb, item.ItemToJSON(it), "  ", "  ")
		o.b = append(o.b, "  "...)
		o.b = append(o.b, sb.Bytes()...)
		if i < len(items)-1 {
			o.b = append(o.b, ',')
		}
		o.b = append(o.b, '\n')
		if o.maybeFlush(); o.err != nil {
			return o.err
		}
	}
	o.b = append(o.b, "]\n"...)
	return o.flush()
}

func writeLines(w io.Writer, items []item.Item, enc func(item.Item) []byte) error {
	o := &formatBuf{w: w}
	for _, it := range items {
		o.b = append(o.b, enc(it)...)
		o.b = append(o.b, '\n')
		if o.maybeFlush(); o.err != nil {
			return o.err
		}
	}
	return o.flush()
}

func writeCSV(w io.Writer, r Result, opts FormatOptions) error {
	cols := resultColumns(r, opts.KeyColumns)
	if len(cols) == 0 {
		// No items and no known columns: nothing to write. (Items that
		// all have no attributes give rows of nothing, which CSV cannot
		// tell apart from nothing either.)
		return nil
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(cols); err != nil {
		return err
	}
	row := make([]string, len(cols))
	for _, it := range r.Items {
		for j, c := range cols {
			if v, ok := it[c]; ok {
				row[j] = formatCellText(v)
			} else {
				row[j] = opts.NullText
			}
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// resultColumns returns the table/CSV columns of r: the key columns that
// apply, then r.Columns, then the other attribute names of the items,
// sorted.
func resultColumns(r Result, keys []string) []string {
	present := make(map[string]struct{})
	for _, it := range r.Items {
		for name := range it {
			present[name] = struct{}{}
		}
	}
	cols := make([]string, 0, len(present)+len(keys)+len(r.Columns))
	seen := make(map[string]struct{}, cap(cols))
	add := func(c string) {
		if _, ok := seen[c]; !ok {
			seen[c] = struct{}{}
			cols = append(cols, c)
		}
	}
	for _, k := range keys {
		_, ok := present[k]
		if ok || len(r.Items) == 0 || slices.Contains(r.Columns, k) {
			add(k)
		}
	}
	for _, c := range r.Columns {
		add(c)
	}
	for _, name := range slices.Sorted(maps.Keys(present)) {
		add(name)
	}
	return cols
}

// formatCellText is the text of a value in a CSV or table cell: S as is, N in
// plain notation, BOOL as true/false, NULL as null, B as base64, and L, M
// and the sets as compact plain JSON.
func formatCellText(v item.Value) string {
	switch v := v.(type) {
	case item.S:
		return string(v)
	case item.N:
		return v.String()
	case item.BOOL:
		if v {
			return "true"
		}
		return "false"
	case item.NULL:
		return "null"
	case item.B:
		return base64.StdEncoding.EncodeToString(v)
	}
	return string(item.AppendJSON(nil, v))
}
