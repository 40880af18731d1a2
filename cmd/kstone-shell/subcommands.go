package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/keystonedb/kstone-shell/engine"
	"github.com/keystonedb/kstone-shell/engine/item"
	"github.com/keystonedb/kstone-shell/shell"
)

// The subcommands mirror the operators' guide (kstone create, get, …).
var subcommands = map[string]func(args []string, stdout, stderr io.Writer) int{
	"create":  cmdCreate,
	"put":     cmdPut,
	"get":     cmdGet,
	"delete":  cmdDelete,
	"scan":    cmdScan,
	"compact": cmdCompact,
	"stats":   cmdStats,
	"health":  cmdHealth,
	"verify":  cmdVerify,
	"repair":  cmdRepair,
	"backup":  cmdBackup,
}

// subFlags parses a subcommand's flags, which may come before or after its
// positional arguments.
func subFlags(name string, args []string, stderr io.Writer, npos int, define func(*flag.FlagSet)) ([]string, bool) {
	fs := flag.NewFlagSet("kstone-shell "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	if define != nil {
		define(fs)
	}
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, false
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(pos) != npos {
		fmt.Fprintf(stderr, "Error: kstone-shell %s takes %d argument(s), got %d (kstone-shell --help)\n", name, npos, len(pos))
		return nil, false
	}
	return pos, true
}

func cmdCreate(args []string, stdout, stderr io.Writer) int {
	pos, ok := subFlags("create", args, stderr, 1, nil)
	if !ok {
		return exitUsage
	}
	db, err := engine.Create(pos[0], nil)
	if err != nil {
		fmt.Fprintf(stderr, "Error: %v\n", err)
		if errors.Is(err, engine.ErrDatabaseExists) {
			return exitFailed
		}
		return exitOpen
	}
	if err := db.Close(); err != nil {
		fmt.Fprintf(stderr, "Error: %v\n", err)
		return exitFailed
	}
	fmt.Fprintf(stdout, "Created %s\n", pos[0])
	return exitOK
}

// withDB opens an existing database for a subcommand.
func withDB(path string, stderr io.Writer, fn func(*engine.DB) int) int {
	db, status := openDB(path, false, stderr)
	if db == nil {
		return status
	}
	code := fn(db)
	if err := db.Close(); err != nil {
		fmt.Fprintf(stderr, "Error: %v\n", err)
		return exitFailed
	}
	return code
}

func fail(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "Error: %v\n", err)
	return exitFailed
}

// keyArg reads a KEY argument: a bare partition key, or a JSON object of
// key attributes.
func keyArg(db *engine.DB, arg string) (item.Item, error) {
	if strings.HasPrefix(strings.TrimSpace(arg), "{") {
		return item.ItemFromJSON([]byte(arg))
	}
	t, err := db.Table(engine.DefaultTable)
	if err != nil {
		return nil, err
	}
	ks := t.Schema()
	var v item.Value = item.S(arg)
	if ks.PartitionType == item.TypeN {
		if v, err = item.ParseN(arg); err != nil {
			return nil, err
		}
	}
	return item.Item{ks.PartitionKey: v}, nil
}

func cmdPut(args []string, stdout, stderr io.Writer) int {
	pos, ok := subFlags("put", args, stderr, 3, nil)
	if !ok {
		return exitUsage
	}
	return withDB(pos[0], stderr, func(db *engine.DB) int {
		key, err := keyArg(db, pos[1])
		if err != nil {
			return fail(stderr, err)
		}
		it, err := item.ItemFromJSON([]byte(pos[2]))
		if err != nil {
			return fail(stderr, fmt.Errorf("invalid item: %w", err))
		}
		for k, v := range key {
			it[k] = v
		}
		if _, err := db.PutItem(engine.PutItemRequest{Item: it}); err != nil {
			return fail(stderr, err)
		}
		return exitOK
	})
}

func cmdGet(args []string, stdout, stderr io.Writer) int {
	pos, ok := subFlags("get", args, stderr, 2, nil)
	if !ok {
		return exitUsage
	}
	return withDB(pos[0], stderr, func(db *engine.DB) int {
		key, err := keyArg(db, pos[1])
		if err != nil {
			return fail(stderr, err)
		}
		resp, err := db.GetItem(engine.GetItemRequest{Key: key})
		if err != nil {
			return fail(stderr, err)
		}
		if resp.Item == nil {
			return fail(stderr, errors.New("Key not found: "+pos[1]))
		}
		fmt.Fprintf(stdout, "%s\n", item.ItemToJSON(resp.Item))
		return exitOK
	})
}

func cmdDelete(args []string, stdout, stderr io.Writer) int {
	pos, ok := subFlags("delete", args, stderr, 2, nil)
	if !ok {
		return exitUsage
	}
	return withDB(pos[0], stderr, func(db *engine.DB) int {
		key, err := keyArg(db, pos[1])
		if err != nil {
			return fail(stderr, err)
		}
		if _, err := db.DeleteItem(engine.DeleteItemRequest{Key: key}); err != nil {
			return fail(stderr, err)
		}
		return exitOK
	})
}

func cmdScan(args []string, stdout, stderr io.Writer) int {
	var filter, format string
	var params stringList
	var limit int
	pos, ok := subFlags("scan", args, stderr, 1, func(fs *flag.FlagSet) {
		fs.StringVar(&filter, "filter", "", "a filter expression, e.g. \"timestamp < :cutoff\"")
		fs.Var(&params, "param", "bind a placeholder: `:name=JSON` or #name=attribute (repeatable)")
		fs.IntVar(&limit, "limit", 0, "stop after reading this many items")
		fs.StringVar(&format, "format", "jsonl", "output format")
	})
	if !ok {
		return exitUsage
	}
	f, err := shell.ParseFormat(format)
	if err != nil {
		fmt.Fprintf(stderr, "Error: %v\n", err)
		return exitUsage
	}
	b := engine.Bindings{Dialect: engine.DialectShell}
	for _, p := range params {
		name, val, found := strings.Cut(p, "=")
		if !found || len(name) < 2 {
			fmt.Fprintf(stderr, "Error: --param takes :name=value or #name=attribute, got %q\n", p)
			return exitUsage
		}
		if name[0] == '#' {
			if b.Names == nil {
				b.Names = map[string]string{}
			}
			b.Names[name] = val
			continue
		}
		v, err := item.ValueFromJSON([]byte(val))
		if err != nil {
			v = item.S(val) // a bare word is a string
		}
		if b.Values == nil {
			b.Values = map[string]item.Value{}
		}
		b.Values[name] = v
	}
	return withDB(pos[0], stderr, func(db *engine.DB) int {
		resp, err := db.Scan(engine.ScanRequest{FilterExpression: filter, Bindings: b, Limit: limit})
		if err != nil {
			return fail(stderr, err)
		}
		if err := shell.Write(stdout, f, shell.Result{Items: resp.Items}, shell.FormatOptions{KeyColumns: []string{"pk", "sk"}}); err != nil {
			return fail(stderr, err)
		}
		return exitOK
	})
}

func cmdCompact(args []string, stdout, stderr io.Writer) int {
	stripe := -1
	pos, ok := subFlags("compact", args, stderr, 1, func(fs *flag.FlagSet) {
		fs.IntVar(&stripe, "stripe", -1, "compact only stripe `N` (0-255)")
	})
	if !ok {
		return exitUsage
	}
	return withDB(pos[0], stderr, func(db *engine.DB) int {
		var err error
		if stripe >= 0 {
			err = db.Compact(stripe)
		} else {
			err = db.CompactAll()
		}
		if err != nil {
			return fail(stderr, err)
		}
		st := db.Stats()
		if stripe >= 0 {
			s := st.Stripes[stripe]
			fmt.Fprintf(stdout, "Compacted stripe %d: %d SSTs (%d bytes); %d bytes reclaimed\n", stripe, s.SSTCount, s.SSTBytes, st.Compaction.BytesReclaimed)
		} else {
			fmt.Fprintf(stdout, "Compacted: %d SSTs (%d bytes) in all; %d bytes reclaimed\n", st.SSTCount, st.SSTBytes, st.Compaction.BytesReclaimed)
		}
		return exitOK
	})
}

func cmdStats(args []string, stdout, stderr io.Writer) int {
	pos, ok := subFlags("stats", args, stderr, 1, nil)
	if !ok {
		return exitUsage
	}
	return withDB(pos[0], stderr, func(db *engine.DB) int {
		fmt.Fprint(stdout, db.Stats().String())
		return exitOK
	})
}

func cmdHealth(args []string, stdout, stderr io.Writer) int {
	pos, ok := subFlags("health", args, stderr, 1, nil)
	if !ok {
		return exitUsage
	}
	return withDB(pos[0], stderr, func(db *engine.DB) int {
		r := db.Health()
		fmt.Fprintf(stdout, "%s\n", r.Status)
		for _, e := range r.Errors {
			fmt.Fprintf(stdout, "  error:   %s\n", e)
		}
		for _, w := range r.Warnings {
			fmt.Fprintf(stdout, "  warning: %s\n", w)
		}
		if r.Status != engine.Healthy {
			return exitFailed
		}
		return exitOK
	})
}
