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

	"github.com/keystonedb/kstone-shell/engine/item"
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
//
// Reading runs ahead of execution, on its own goroutine: it splits the
// input and parses put items while earlier statements write, which nearly
// doubles a bulk load's rate on two cores. It hands statements over in
// batches, so that a durable load does not pay a goroutine wake-up per
// statement; a batch goes out early when the input has nothing more
// buffered, so statements typed into a pipe run at once. Dot commands are
// barriers: reading waits until one has run, since it may change how the
// next statements read (.input).
func (r *Runner) Run(ctx context.Context, in io.Reader, name string) {
	ch := make(chan []prepared, 4)
	stop := make(chan struct{})
	go r.read(in, r.S.Input, ch, stop)
	defer func() {
		close(stop)
		for range ch { // let the reader finish
		}
	}()
	for batch := range ch {
		for _, p := range batch {
			if !r.runPrepared(ctx, p, name) {
				return
			}
		}
	}
}

// runPrepared runs one statement handed over by the reader; false means
// stop.
func (r *Runner) runPrepared(ctx context.Context, p prepared, name string) bool {
	ok := true
	switch {
	case p.readErr != nil:
		r.report(name, 0, "", &Error{Msg: "reading input: " + p.readErr.Error(), Pos: -1})
	case p.st.Incomplete:
		r.report(name, p.st.Line, p.st.Text, &Error{Msg: fmt.Sprintf("incomplete statement: %q is never closed", p.st.Unclosed), Pos: -1})
	default:
		ok = r.exec(ctx, p, name)
	}
	if p.barrier != nil {
		close(p.barrier)
	}
	return ok && !r.Quit // r.Quit: a script read by this one quit
}

// prepared is a statement with the work done ahead of its turn.
type prepared struct {
	st      Statement
	pre     *preItem      // a put's item, parsed ahead
	barrier chan struct{} // closed once the statement has run
	readErr error
}

// preItem is a put's item literal, parsed by the reader.
type preItem struct {
	item item.Item
	end  int
	err  error
}

// readBatch bounds the statements the reader hands over at once.
const readBatch = 64

// read splits the input into statements and parses put items ahead of
// their execution. mode is the input mode until a dot command has run.
func (r *Runner) read(in io.Reader, mode InputMode, ch chan<- []prepared, stop <-chan struct{}) {
	defer close(ch)
	var batch []prepared
	flush := func() bool {
		if len(batch) == 0 {
			return true
		}
		select {
		case ch <- batch:
		case <-stop:
			return false
		}
		barrier := batch[len(batch)-1].barrier
		batch = make([]prepared, 0, readBatch)
		if barrier != nil {
			select {
			case <-barrier:
				mode = r.S.Input // the dot command may have changed it
			case <-stop:
				return false
			}
		}
		return true
	}
	add := func(p prepared) bool {
		batch = append(batch, p)
		if p.barrier != nil || len(batch) == readBatch {
			return flush()
		}
		return true
	}
	prep := func(st Statement) prepared {
		p := prepared{st: st}
		if strings.HasPrefix(strings.TrimSpace(st.Text), ".") {
			p.barrier = make(chan struct{})
		} else if verb, end := firstWord(st.Text, 0); strings.EqualFold(verb, "put") {
			it, itEnd, err := parseItemText(st.Text, end, mode)
			p.pre = &preItem{item: it, end: itEnd, err: err}
		}
		return p
	}
	sp := NewSplitter()
	br := bufio.NewReaderSize(in, 64<<10)
	for {
		if br.Buffered() == 0 && !flush() { // the next read may wait for input
			return
		}
		line, err := br.ReadString('\n')
		if len(line) > 0 {
			for _, st := range sp.Feed(strings.TrimSuffix(line, "\n")) {
				if !add(prep(st)) {
					return
				}
			}
		}
		if err != nil {
			if err != io.EOF {
				add(prepared{readErr: err})
			}
			break
		}
	}
	for _, st := range sp.Flush() {
		if !add(prep(st)) {
			return
		}
	}
	flush()
}

// RunString runs statements given as a string (the -c flag).
func (r *Runner) RunString(ctx context.Context, src, name string) {
	r.Run(ctx, strings.NewReader(src), name)
}

// Exec runs one statement (from a Splitter) and prints its output or its
// error; false means stop (.quit, or an error with bail on).
func (r *Runner) Exec(ctx context.Context, st Statement, name string) bool {
	return r.exec(ctx, prepared{st: st}, name)
}

// exec runs one statement; false means stop.
func (r *Runner) exec(ctx context.Context, p prepared, name string) bool {
	s, st := r.S, p.st
	if s.Echo {
		fmt.Fprintln(s.out, st.Text)
	}
	var out Output
	var err error
	if p.pre != nil {
		out, err = s.runPut(st.Text, p.pre)
	} else {
		out, err = s.Run(ctx, st.Text)
	}
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
