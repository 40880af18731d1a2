package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"

	"github.com/keystonedb/kstone-shell/engine"
	"github.com/keystonedb/kstone-shell/shell"
	"github.com/keystonedb/kstone-shell/themes"
	"github.com/keystonedb/kstone-shell/tui"
)

// stateDir is where the TUI keeps its history and log:
// $XDG_STATE_HOME/kstone-shell (usually ~/.local/state/kstone-shell).
func stateDir() string {
	dir := os.Getenv("XDG_STATE_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		dir = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(dir, "kstone-shell")
}

// runTUI runs the terminal app on the database (or the demo).
func runTUI(cfg config, stderr io.Writer) int {
	theme, err := themes.Named(cfg.theme)
	if err != nil {
		fmt.Fprintf(stderr, "Error: %v\n", err)
		return exitUsage
	}
	state := stateDir()
	logTo := io.Discard
	if state != "" && os.MkdirAll(state, 0o700) == nil {
		if f, err := os.OpenFile(filepath.Join(state, "kstone-shell.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600); err == nil {
			defer f.Close()
			logTo = f
		}
	}
	bridge := &tui.EventBridge{}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	var db *engine.DB
	label := ""
	if cfg.demo {
		opts := demoOptions()
		opts.Events = bridge.Listener()
		d, cleanup, err := openDemo(opts)
		if err != nil {
			fmt.Fprintf(stderr, "Error: %v\n", err)
			return exitOpen
		}
		defer cleanup()
		db, label = d, "demo (scratch database)"
		go runDemoWorkload(ctx, db)
	} else {
		path := cfg.path
		if path == "" {
			if path, err = defaultPath(); err != nil {
				fmt.Fprintf(stderr, "Error: %v\n", err)
				return exitOpen
			}
		}
		d, status := openDBWith(path, true, logTo, stderr, bridge.Listener())
		if d == nil {
			return status
		}
		defer d.Close()
		db, label = d, path
	}
	sess := shell.NewSession(db, shell.Options{Format: shell.FormatTable, Interactive: true, Stdout: io.Discard, Stderr: io.Discard})
	defer sess.Close()
	history := ""
	if state != "" {
		history = filepath.Join(state, "history")
	}
	err = tui.Run(ctx, tui.Config{Session: sess, Source: db, Theme: theme, NoColor: themes.NoColorRequested(),
		HistoryPath: history, Label: label}, bridge)
	if err != nil {
		fmt.Fprintf(stderr, "Error: %v\n", err)
		return exitFailed
	}
	return exitOK
}

// terminalWidth returns the width of the terminal w writes to, 0 if none.
func terminalWidth(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok {
		return 0
	}
	ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ)
	if err != nil {
		return 0
	}
	return int(ws.Col)
}
