package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/keystonedb/kstone-shell/engine"
	"github.com/keystonedb/kstone-shell/engine/kslog"
	"github.com/keystonedb/kstone-shell/shell"
)

// Exit statuses.
const (
	exitOK     = 0
	exitFailed = 1 // a statement failed
	exitUsage  = 2 // bad command line
	exitOpen   = 3 // the database could not be opened
)

const version = "0.1.0"

// stringList collects a repeatable flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, "; ") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

// config is the parsed command line of the shell itself.
type config struct {
	path     string
	format   string
	input    string
	bail     bool
	commands stringList
	file     string
	theme    string
	demo     bool
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		if sub, ok := subcommands[args[0]]; ok {
			return sub(args[1:], stdout, stderr)
		}
	}
	fs := flag.NewFlagSet("kstone-shell", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors and usage go through fs.Usage
	var cfg config
	showVersion := fs.Bool("version", false, "print the version and exit")
	fs.StringVar(&cfg.format, "format", "", "output format: table, json, jsonl, csv or ddb (default: table on a terminal, jsonl otherwise)")
	fs.StringVar(&cfg.input, "input", "json", "how items and values are written: json or ddb (typed DynamoDB JSON)")
	fs.BoolVar(&cfg.bail, "bail", false, "stop at the first failing statement")
	fs.Var(&cfg.commands, "c", "run `STATEMENT` and exit (repeatable)")
	fs.StringVar(&cfg.file, "f", "", "run the statements in `FILE` and exit")
	fs.StringVar(&cfg.theme, "theme", "dark", "TUI colour theme: dark, light or high-contrast (NO_COLOR=1 turns colour off)")
	fs.BoolVar(&cfg.demo, "demo", false, "open a scratch database with sample data and a gentle workload, to watch the live panes")
	var help bytes.Buffer
	fs.Usage = func() { usage(&help, fs) }
	// Flags may come before or after the path.
	var paths []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				stdout.Write(help.Bytes()) // asked for: not an error
				return exitOK
			}
			fmt.Fprintf(stderr, "Error: %v\n", err)
			stderr.Write(help.Bytes())
			return exitUsage
		}
		if fs.NArg() == 0 {
			break
		}
		paths = append(paths, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if *showVersion {
		fmt.Fprintln(stdout, versionString())
		return exitOK
	}
	switch len(paths) {
	case 0:
	case 1:
		cfg.path = paths[0]
	default:
		fmt.Fprintf(stderr, "Error: expected at most one database path, got %q\n", paths)
		return exitUsage
	}
	return runShell(cfg, stdin, stdout, stderr)
}

func usage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprint(w, `Usage:
  kstone-shell [flags] [PATH]          open (or create) the database at PATH and run the shell
                                       (default database: `+defaultPathHelp()+`)
  kstone-shell create PATH             create a database
  kstone-shell put PATH KEY JSON       store an item: KEY is its partition key, JSON its other attributes
  kstone-shell get PATH KEY            print an item
  kstone-shell delete PATH KEY         remove an item
  kstone-shell scan PATH [--filter EXPR] [--param :k=v]... [--limit N]
  kstone-shell compact PATH [--stripe N]
  kstone-shell stats PATH
  kstone-shell health PATH             exit status 0 when Healthy
  kstone-shell verify PATH             check every file read-only; exit 0 when clean, 1 with errors
  kstone-shell repair PATH [--stripe N] [--yes]
                                       plan (and with --yes apply) repairs of what verify finds
  kstone-shell backup PATH DEST        copy the database to the new directory DEST

On a terminal the shell is interactive; with -c, -f or input from a pipe it
runs the statements and exits: 0 all succeeded, 1 a statement failed,
2 usage error, 3 the database could not be opened.

Flags:
`)
	fs.PrintDefaults()
}

func versionString() string {
	v := "kstone-shell " + version
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += " (" + s.Value[:12] + ")"
			}
		}
		v += " " + bi.GoVersion
	}
	return v
}

// defaultPath is the database the shell opens without a PATH, created on
// first use.
func defaultPath() (string, error) {
	if p := os.Getenv("KSTONE_DB"); p != "" {
		return p, nil
	}
	dir := os.Getenv("XDG_DATA_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("no home directory for the default database (give a PATH or set KSTONE_DB): %w", err)
		}
		dir = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(dir, "kstone-shell", "default.keystone"), nil
}

func defaultPathHelp() string {
	p, err := defaultPath()
	if err != nil {
		return "$KSTONE_DB or ~/.local/share/kstone-shell/default.keystone"
	}
	return p
}

// openDB opens the database at path; create makes it when missing.
func openDB(path string, create bool, stderr io.Writer) (*engine.DB, int) {
	return openDBWith(path, create, stderr, stderr, nil)
}

// openDBWith opens the database logging to logTo (the TUI owns the
// screen, so it logs to a file) with the given event hooks.
func openDBWith(path string, create bool, logTo, stderr io.Writer, events *engine.EventListener) (*engine.DB, int) {
	logger, err := kslog.FromEnv(logTo)
	if err != nil {
		fmt.Fprintf(stderr, "Error: %v\n", err)
		return nil, exitUsage
	}
	opts := &engine.Options{Logger: logger, Events: events}
	var db *engine.DB
	if create {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			fmt.Fprintf(stderr, "Error: IO error: %v\n", err)
			return nil, exitOpen
		}
		db, err = engine.OpenOrCreate(path, opts)
	} else {
		db, err = engine.Open(path, opts)
	}
	if err != nil {
		fmt.Fprintf(stderr, "Error: %v\n", err)
		return nil, exitOpen
	}
	return db, exitOK
}

// isTerminal reports whether r is a terminal (not merely a character
// device: /dev/null is one too).
func isTerminal(r any) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

func runShell(cfg config, stdin io.Reader, stdout, stderr io.Writer) int {
	interactive := isTerminal(stdin) && isTerminal(stdout) && len(cfg.commands) == 0 && cfg.file == ""
	format := shell.FormatJSONL
	if isTerminal(stdout) {
		format = shell.FormatTable
	}
	if cfg.format != "" {
		f, err := shell.ParseFormat(cfg.format)
		if err != nil {
			fmt.Fprintf(stderr, "Error: %v\n", err)
			return exitUsage
		}
		format = f
	}
	var input shell.InputMode
	switch cfg.input {
	case "json":
	case "ddb":
		input = shell.InputDDB
	default:
		fmt.Fprintf(stderr, "Error: --input takes json or ddb, got %q\n", cfg.input)
		return exitUsage
	}
	if interactive {
		return runTUI(cfg, stderr)
	}
	if cfg.demo {
		fmt.Fprintln(stderr, "Error: --demo needs a terminal")
		return exitUsage
	}
	path := cfg.path
	if path == "" {
		p, err := defaultPath()
		if err != nil {
			fmt.Fprintf(stderr, "Error: %v\n", err)
			return exitOpen
		}
		path = p
	}
	db, status := openDB(path, true, stderr)
	if db == nil {
		return status
	}
	defer db.Close()
	sess := shell.NewSession(db, shell.Options{Format: format, Bail: cfg.bail, Interactive: interactive,
		Width: terminalWidth(stdout), Stdout: stdout, Stderr: stderr})
	sess.Input = input
	defer sess.Close()
	r := shell.NewRunner(sess, stderr)
	ctx := context.Background()
	switch {
	case len(cfg.commands) > 0:
		for i, c := range cfg.commands {
			name := ""
			if len(cfg.commands) > 1 {
				name = fmt.Sprintf("-c#%d", i+1)
			}
			r.RunString(ctx, c, name)
			if r.Quit || (r.Failed && sess.Bail) {
				break
			}
		}
	case cfg.file != "":
		if err := r.RunFile(ctx, cfg.file); err != nil {
			fmt.Fprintf(stderr, "Error: %v\n", err)
			return exitUsage
		}
	default:
		r.Run(ctx, stdin, "<stdin>")
	}
	if r.Failed {
		return exitFailed
	}
	return exitOK
}
