package shell

import (
	"context"
	"io"
	"strings"
	"time"

	"github.com/keystonedb/kstone-shell/engine"
	"github.com/keystonedb/kstone-shell/engine/item"
)

// InputMode is how item and value literals are read.
type InputMode int

const (
	// InputJSON reads plain JSON: number→N, string→S, bool, null, array→L,
	// object→M (and {"$SS": […]}, {"$NS": […]}, {"$BS": […]}, {"$B": "…"}).
	InputJSON InputMode = iota
	// InputDDB reads typed DynamoDB JSON: {"S": "a"}, {"N": "1"}, …
	InputDDB
)

// Output is what a statement produced. The runner formats it; the TUI
// renders it its own way.
type Output struct {
	Items      []item.Item
	HasItems   bool     // the statement returns items (maybe none): format them
	KeyColumns []string // the table's key attributes, shown first
	Text       string   // a message or report (dot commands), printed as is
	// More is set when a query or scan stopped at its limit; "next"
	// continues.
	More    bool
	Elapsed time.Duration
	Quit    bool // .quit
}

// Options configure a Session.
type Options struct {
	Format      Format
	Bail        bool
	Interactive bool // a person is typing: friendlier messages
	Width       int  // terminal width for tables; 0 = unlimited
	// Stdout is where .output returns to, and where results go at first.
	Stdout io.Writer
	// Stderr receives the timer and notes.
	Stderr io.Writer
}

// Session holds the state a statement runs in: the settings the dot
// commands change, the bound parameters and the last page position.
type Session struct {
	backend Backend
	admin   Admin // nil when the backend has no operator surface

	Format      Format
	Input       InputMode
	Timer       bool
	Echo        bool
	Bail        bool
	Width       int
	Interactive bool
	table       string // current table ("" = the default table)

	params params

	out, stdout, stderr io.Writer
	outFile             io.Closer // from .output FILE

	last      *pager // the last query or scan, for "next"
	readDepth int
	runFile   func(path string) error // runs a script file for .read
}

// NewSession returns a session on b.
func NewSession(b Backend, o Options) *Session {
	s := &Session{
		backend: b, Format: o.Format, Bail: o.Bail, Width: o.Width, Interactive: o.Interactive,
		out: o.Stdout, stdout: o.Stdout, stderr: o.Stderr,
		params: newParams(),
	}
	if s.out == nil {
		s.out, s.stdout = io.Discard, io.Discard
	}
	if s.stderr == nil {
		s.stderr = io.Discard
	}
	if a, ok := b.(Admin); ok {
		s.admin = a
	}
	return s
}

// Out is where results go now (stdout, or the file .output named).
func (s *Session) Out() io.Writer { return s.out }

// Table returns the current table ("" for the default one).
func (s *Session) Table() string { return s.table }

// Close closes a file .output opened.
func (s *Session) Close() error {
	if s.outFile != nil {
		err := s.outFile.Close()
		s.outFile = nil
		s.out = s.stdout
		return err
	}
	return nil
}

// Run executes one statement (as the Splitter returns them).
func (s *Session) Run(ctx context.Context, text string) (Output, error) {
	start := time.Now()
	out, err := s.run(ctx, strings.TrimSpace(text))
	out.Elapsed = time.Since(start)
	return out, err
}

func (s *Session) run(ctx context.Context, text string) (Output, error) {
	if text == "" {
		return Output{}, nil
	}
	if text[0] == '.' {
		return s.dot(ctx, text)
	}
	verb, end := firstWord(text, 0)
	switch strings.ToLower(verb) {
	case "put":
		return s.put(text, end)
	case "get":
		return s.get(text, end)
	case "delete":
		if isPartiQL(text) {
			return s.partiql(text)
		}
		if _, _, ok := isBulkDelete(text); ok {
			return s.bulkDelete(ctx, text)
		}
		return s.del(text, end)
	case "update":
		if isPartiQL(text) {
			return s.partiql(text)
		}
		return s.update(text, end)
	case "query":
		return s.query(text, end)
	case "scan":
		return s.scan(text, end)
	case "next":
		return s.next()
	case "select", "insert":
		return s.partiql(text)
	}
	return Output{}, usageErr(0, "unknown statement %q: expected put, get, delete, update, query, scan, next, a PartiQL statement or a dot command (.help lists them)", verb)
}

// isPartiQL tells PartiQL's UPDATE … WHERE and DELETE FROM from the shell's
// update and delete.
func isPartiQL(text string) bool {
	verb, end := firstWord(text, 0)
	if strings.EqualFold(verb, "delete") {
		w, _ := firstWord(text, end)
		return strings.EqualFold(w, "from")
	}
	_, args, err := clauses(text, end, "where")
	return err == nil && len(args) > 0
}

// keyColumns returns the key attribute names of the current table.
func (s *Session) keyColumns(table string) []string {
	if table == "" {
		table = engine.DefaultTable
	}
	for _, t := range s.backend.TableInfos() {
		if t.Name == table {
			if t.Schema.SortKey != "" {
				return []string{t.Schema.PartitionKey, t.Schema.SortKey}
			}
			return []string{t.Schema.PartitionKey}
		}
	}
	return nil
}

func (s *Session) schema() (engine.KeySchema, bool) {
	name := s.table
	if name == "" {
		name = engine.DefaultTable
	}
	for _, t := range s.backend.TableInfos() {
		if t.Name == name {
			return t.Schema, true
		}
	}
	return engine.KeySchema{}, false
}

func (s *Session) items(items []item.Item) Output {
	return Output{Items: items, HasItems: true, KeyColumns: s.keyColumns(s.table)}
}
