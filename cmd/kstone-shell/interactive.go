package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"

	"golang.org/x/sys/unix"

	"github.com/keystonedb/kstone-shell/engine"
	"github.com/keystonedb/kstone-shell/shell"
)

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

// runInteractive is the line-based REPL: a prompt, a continuation prompt
// while a statement is open, results after each statement.
func runInteractive(ctx context.Context, db *engine.DB, sess *shell.Session, r *shell.Runner, stdin io.Reader, stdout io.Writer, cfg config) int {
	fmt.Fprintf(stdout, "kstone-shell %s on %s\nEnter .help for the commands, .quit to leave.\n", version, db.Path())
	sp := shell.NewSplitter()
	in := bufio.NewScanner(stdin)
	in.Buffer(make([]byte, 64<<10), 4<<20)
	for {
		prompt := "kstone> "
		if sp.Pending() {
			prompt = "   ...> "
		}
		fmt.Fprint(stdout, prompt)
		if !in.Scan() {
			fmt.Fprintln(stdout)
			break
		}
		for _, st := range sp.Feed(in.Text()) {
			if !r.Exec(ctx, st, "") && r.Quit {
				return exitOK
			}
		}
	}
	return exitOK
}
