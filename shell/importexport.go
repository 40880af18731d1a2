package shell

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/keystonedb/kstone-shell/engine"
	"github.com/keystonedb/kstone-shell/engine/item"
)

// fileFormat picks a data file's format from its extension.
func fileFormat(path string) (Format, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".jsonl", ".ndjson":
		return FormatJSONL, nil
	case ".json":
		return FormatJSON, nil
	case ".csv":
		return FormatCSV, nil
	case ".ddb", ".ddbjson":
		return FormatDDB, nil
	}
	return 0, usageErr(-1, "%s: name the file .jsonl, .json, .csv or .ddb so the format is known", path)
}

// progress reports long work on a terminal; in a pipe it stays silent.
type progress struct {
	w     io.Writer
	on    bool
	verb  string
	last  time.Time
	start time.Time
}

func (s *Session) newProgress(verb string) *progress {
	return &progress{w: s.stderr, on: s.Interactive, verb: verb, start: time.Now()}
}

func (p *progress) update(n int) {
	if !p.on || time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	fmt.Fprintf(p.w, "\r%s %d items (%.0f/s)", p.verb, n, float64(n)/time.Since(p.start).Seconds())
}

func (p *progress) done() {
	if p.on && !p.last.IsZero() {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

func (s *Session) dotExport(ctx context.Context, args []string, _ string) (Output, error) {
	if len(args) < 1 || len(args) > 2 {
		return Output{}, usageErr(-1, "usage: .export FILE [TABLE]")
	}
	f, err := fileFormat(args[0])
	if err != nil {
		return Output{}, err
	}
	table := s.table
	if len(args) == 2 {
		table = args[1]
	}
	file, err := os.Create(args[0])
	if err != nil {
		return Output{}, usageErr(-1, "%v", err)
	}
	defer file.Close()
	w := bufio.NewWriter(file)
	keys := s.keyColumns(table)
	prog := s.newProgress("exported")
	defer prog.done()
	var all []item.Item // CSV and JSON need every item for one header/array
	n := 0
	var lek item.Item
	for {
		if err := ctx.Err(); err != nil {
			return Output{}, usageErr(-1, "export cancelled after %d items", n)
		}
		page, err := s.backend.Scan(engine.ScanRequest{Table: table, Limit: 1000, ExclusiveStartKey: lek})
		if err != nil {
			return Output{}, err
		}
		switch f {
		case FormatDDB:
			if err := Write(w, f, Result{Items: page.Items}, FormatOptions{KeyColumns: keys}); err != nil {
				return Output{}, err
			}
		case FormatJSONL, FormatJSON:
			// Sets and binary as {"$SS": …}/{"$B": …}, so that .import
			// gives back the same items.
			for i, it := range page.Items {
				if f == FormatJSON {
					w.WriteString(jsonSeparator(n + i))
				}
				w.Write(item.ItemToJSONShorthand(it))
				if f == FormatJSONL {
					w.WriteByte('\n')
				}
			}
		default:
			all = append(all, page.Items...)
		}
		n += len(page.Items)
		prog.update(n)
		if lek = page.LastEvaluatedKey; lek == nil {
			break
		}
	}
	switch f {
	case FormatCSV:
		if err := Write(w, f, Result{Items: all}, FormatOptions{KeyColumns: keys}); err != nil {
			return Output{}, err
		}
	case FormatJSON:
		if n == 0 {
			w.WriteString("[")
		}
		w.WriteString("\n]\n")
	}
	if err := w.Flush(); err != nil {
		return Output{}, err
	}
	if err := file.Close(); err != nil {
		return Output{}, err
	}
	return text("exported %s to %s\n", plural(n, "item"), args[0]), nil
}

// dotImport loads items with relaxed durability and one sync at the end
// (on the embedded engine): a crash during an import loses some of the
// imported items, never earlier data, and the import can be run again.
func (s *Session) dotImport(ctx context.Context, args []string, _ string) (Output, error) {
	if len(args) < 1 || len(args) > 2 {
		return Output{}, usageErr(-1, "usage: .import FILE [TABLE]")
	}
	f, err := fileFormat(args[0])
	if err != nil {
		return Output{}, err
	}
	table := s.table
	if len(args) == 2 {
		table = args[1]
	}
	file, err := os.Open(args[0])
	if err != nil {
		return Output{}, usageErr(-1, "%v", err)
	}
	defer file.Close()
	if s.admin != nil && s.admin.Durability() == engine.DurabilitySync {
		if err := s.admin.SetDurability(engine.DurabilityRelaxed); err != nil {
			return Output{}, err
		}
		defer s.admin.SetDurability(engine.DurabilitySync) // syncs everything imported
	}
	prog := s.newProgress("imported")
	defer prog.done()
	n := 0
	put := func(it item.Item, where string) error {
		if err := ctx.Err(); err != nil {
			return usageErr(-1, "import cancelled after %d items", n)
		}
		if _, err := s.backend.PutItem(engine.PutItemRequest{Table: table, Item: it}); err != nil {
			return usageErr(-1, "%s: %v", where, err)
		}
		n++
		prog.update(n)
		return nil
	}
	switch f {
	case FormatJSONL, FormatDDB:
		err = importLines(file, args[0], f == FormatDDB, put)
	case FormatJSON:
		err = importJSONArray(file, args[0], put)
	case FormatCSV:
		err = importCSV(file, args[0], s.keyTypes(table), put)
	}
	if err != nil {
		return Output{}, err
	}
	return text("imported %s from %s\n", plural(n, "item"), args[0]), nil
}

func importLines(r io.Reader, name string, ddb bool, put func(item.Item, string) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		b := sc.Bytes()
		if len(strings.TrimSpace(string(b))) == 0 {
			continue
		}
		var it item.Item
		var err error
		if ddb {
			it, err = item.ItemFromDDBJSON(b)
		} else {
			it, err = item.ItemFromJSON(b)
		}
		where := fmt.Sprintf("%s:%d", name, line)
		if err != nil {
			return usageErr(-1, "%s: %v", where, err)
		}
		if err := put(it, where); err != nil {
			return err
		}
	}
	return sc.Err()
}

func importJSONArray(r io.Reader, name string, put func(item.Item, string) error) error {
	dec := json.NewDecoder(bufio.NewReader(r))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		return usageErr(-1, "%s: expected a JSON array of items", name)
	}
	for i := 1; dec.More(); i++ {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return usageErr(-1, "%s: item %d: %v", name, i, err)
		}
		it, err := item.ItemFromJSON(raw)
		where := fmt.Sprintf("%s: item %d", name, i)
		if err != nil {
			return usageErr(-1, "%s: %v", where, err)
		}
		if err := put(it, where); err != nil {
			return err
		}
	}
	return nil
}

// importCSV reads a header and rows. A cell becomes a number if it reads
// as one, true/false a BOOL, null a NULL, a cell starting with [ or { JSON;
// anything else a string; an empty cell leaves the attribute out.
func importCSV(r io.Reader, name string, keyTypes map[string]item.Type, put func(item.Item, string) error) error {
	cr := csv.NewReader(bufio.NewReader(r))
	header, err := cr.Read()
	if err != nil {
		return usageErr(-1, "%s: reading the header: %v", name, err)
	}
	for line := 2; ; line++ {
		row, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		where := fmt.Sprintf("%s:%d", name, line)
		if err != nil {
			return usageErr(-1, "%s: %v", where, err)
		}
		it := item.Item{}
		for i, cell := range row {
			if i >= len(header) || cell == "" {
				continue
			}
			if t, ok := keyTypes[header[i]]; ok && t == item.TypeS {
				it[header[i]] = item.S(cell) // a key's type is the schema's
			} else {
				it[header[i]] = csvValue(cell)
			}
		}
		if err := put(it, where); err != nil {
			return err
		}
	}
}

func csvValue(cell string) item.Value {
	switch cell {
	case "true":
		return item.BOOL(true)
	case "false":
		return item.BOOL(false)
	case "null":
		return item.NULL{}
	}
	if n, err := item.ParseN(cell); err == nil {
		return n
	}
	if cell[0] == '[' || cell[0] == '{' {
		if v, err := item.ValueFromJSON([]byte(cell)); err == nil {
			return v
		}
	}
	return item.S(cell)
}

// keyTypes maps a table's key attributes to their types.
func (s *Session) keyTypes(table string) map[string]item.Type {
	if table == "" {
		table = engine.DefaultTable
	}
	for _, t := range s.backend.TableInfos() {
		if t.Name == table {
			m := map[string]item.Type{t.Schema.PartitionKey: t.Schema.PartitionType}
			if t.Schema.SortKey != "" {
				m[t.Schema.SortKey] = t.Schema.SortType
			}
			return m
		}
	}
	return nil
}

// jsonSeparator opens the array before the first item and separates the
// others.
func jsonSeparator(i int) string {
	if i == 0 {
		return "[\n"
	}
	return ",\n"
}

// plural says "1 item" or "3 items".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
