package shell

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Runner drives a Session from scripts, pipes and -c: results to the
// session's output, errors to Stderr as "NAME:LINE: Error: MESSAGE" with a
// caret under the place the message is about.
type Runner struct {
	S      *Session
	Stderr io.Writer
	// Failed is set once a statement has failed (exit status 1).
	Failed bool
	// Quit is set by .quit.
	Quit bool

	dirs []string // directories of the scripts being run, for .read
}

// NewRunner returns a runner on s.
func NewRunner(s *Session, stderr io.Writer) *Runner {
	r := &Runner{S: s, Stderr: stderr}
	s.runFile = r.runFile
	return r
}

// Run executes every statement read from in. name labels errors ("" for
// none, e.g. -c). It stops early at .quit, or at the first error when bail
// is on.
func (r *Runner) Run(ctx context.Context, in io.Reader, name string) {
	sp := NewSplitter()
	br := bufio.NewReaderSize(in, 64<<10)
	for !r.Quit {
		line, err := br.ReadString('\n')
		if len(line) > 0 {
			line = strings.TrimSuffix(line, "\n")
			for _, st := range sp.Feed(line) {
				if !r.exec(ctx, st, name) {
					return
				}
			}
		}
		if err != nil {
			if err != io.EOF {
				r.report(name, 0, "", &Error{Msg: "reading input: " + err.Error(), Pos: -1})
			}
			break
		}
	}
	for _, st := range sp.Flush() {
		if st.Incomplete {
			r.report(name, st.Line, st.Text, &Error{Msg: fmt.Sprintf("incomplete statement: %q is never closed", st.Unclosed), Pos: -1})
			continue
		}
		if !r.exec(ctx, st, name) {
			return
		}
	}
}

// RunString runs statements given as a string (the -c flag).
func (r *Runner) RunString(ctx context.Context, src, name string) {
	r.Run(ctx, strings.NewReader(src), name)
}

// Exec runs one statement (from a Splitter) and prints its output or its
// error; false means stop (.quit, or an error with bail on).
func (r *Runner) Exec(ctx context.Context, st Statement, name string) bool {
	return r.exec(ctx, st, name)
}

// exec runs one statement; false means stop.
func (r *Runner) exec(ctx context.Context, st Statement, name string) bool {
	s := r.S
	if s.Echo {
		fmt.Fprintln(s.out, st.Text)
	}
	out, err := s.Run(ctx, st.Text)
	if err != nil {
		r.report(name, st.Line, st.Text, err)
		return !s.Bail
	}
	if perr := s.Print(out); perr != nil {
		r.report(name, st.Line, st.Text, &Error{Msg: "writing results: " + perr.Error(), Pos: -1})
		return false
	}
	if out.Quit {
		r.Quit = true
		return false
	}
	return true
}

// report prints a statement's error with its place.
func (r *Runner) report(name string, line int, stmt string, err error) {
	r.Failed = true
	prefix := ""
	switch {
	case name != "" && line > 0:
		prefix = fmt.Sprintf("%s:%d: ", name, line)
	case line > 0:
		prefix = fmt.Sprintf("line %d: ", line)
	}
	fmt.Fprintf(r.Stderr, "%sError: %s\n", prefix, err.Error())
	var se *Error
	if errors.As(err, &se) && se.Pos >= 0 && se.Pos <= len(stmt) {
		fmt.Fprint(r.Stderr, Caret(stmt, se.Pos))
	}
}

// Caret returns the line of stmt holding byte offset pos and a caret
// under it, indented by two spaces.
func Caret(stmt string, pos int) string {
	start := strings.LastIndexByte(stmt[:pos], '\n') + 1
	end := strings.IndexByte(stmt[pos:], '\n')
	if end < 0 {
		end = len(stmt)
	} else {
		end += pos
	}
	line := stmt[start:end]
	col := displayWidth(strings.ReplaceAll(stmt[start:pos], "\t", " "))
	return "  " + line + "\n  " + strings.Repeat(" ", col) + "^\n"
}

// runFile runs a script for .read; a relative path is relative to the
// directory of the script that reads it.
func (r *Runner) runFile(path string) error {
	if !filepath.IsAbs(path) && len(r.dirs) > 0 {
		path = filepath.Join(r.dirs[len(r.dirs)-1], path)
	}
	f, err := os.Open(path)
	if err != nil {
		return &Error{Msg: err.Error(), Pos: -1}
	}
	defer f.Close()
	r.dirs = append(r.dirs, filepath.Dir(path))
	defer func() { r.dirs = r.dirs[:len(r.dirs)-1] }()
	failedBefore := r.Failed
	r.Failed = false
	r.Run(context.Background(), f, path)
	failed := r.Failed
	r.Failed = failedBefore || failed
	if failed && r.S.Bail {
		return &Error{Msg: fmt.Sprintf("%s stopped at an error (bail is on)", path), Pos: -1}
	}
	return nil
}

// RunFile runs a script file (the -f flag).
func (r *Runner) RunFile(ctx context.Context, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r.dirs = append(r.dirs, filepath.Dir(path))
	defer func() { r.dirs = r.dirs[:len(r.dirs)-1] }()
	r.Run(ctx, f, path)
	return nil
}

// Print writes a statement's output in the session's format.
func (s *Session) Print(out Output) error {
	if out.Text != "" {
		if _, err := io.WriteString(s.out, out.Text); err != nil {
			return err
		}
	}
	if out.HasItems {
		opts := FormatOptions{Width: s.Width, KeyColumns: out.KeyColumns}
		if err := Write(s.out, s.Format, Result{Items: out.Items}, opts); err != nil {
			return err
		}
		if out.More && s.Format == FormatTable {
			fmt.Fprintln(s.out, "(more items: type next)")
		}
	}
	if s.Timer {
		fmt.Fprintf(s.stderr, "Time: %.3f ms\n", float64(out.Elapsed.Microseconds())/1000)
	}
	return nil
}
