package replinput

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// MaxHistory is how many history entries are kept, in memory and in the
// history file (trimmed when it is loaded).
const MaxHistory = 5000

// history is the list of submitted statements, oldest first, and the file
// they persist in. It is shared by the copies of a Model.
//
// The file holds one JSON string per line, so that a statement spanning
// lines stays one entry:
//
//	"get user#1"
//	"update user#1\n  SET age = age + 1"
type history struct {
	path    string // "" = not persisted
	entries []string

	mu sync.Mutex // serialises appends to the file (they run in tea.Cmds)
}

// loadHistory reads the history file. A missing file is an empty history.
// Consecutive duplicates are collapsed and, when the file holds more than
// MaxHistory entries, only the newest are kept and the file is rewritten.
func loadHistory(path string) (*history, error) {
	h := &history{path: path}
	if path == "" {
		return h, nil
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return h, nil
	}
	if err != nil {
		return h, fmt.Errorf("history %s: %w", path, err)
	}
	read := 0
	for line := range bytes.SplitSeq(data, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		var s string
		if json.Unmarshal(line, &s) != nil || strings.TrimSpace(s) == "" {
			continue // a damaged line costs only itself
		}
		read++
		if n := len(h.entries); n > 0 && h.entries[n-1] == s {
			continue
		}
		h.entries = append(h.entries, s)
	}
	if len(h.entries) > MaxHistory {
		h.entries = append([]string(nil), h.entries[len(h.entries)-MaxHistory:]...)
	}
	if read > MaxHistory {
		if err := h.rewrite(); err != nil {
			return h, err
		}
	}
	return h, nil
}

// add appends an entry in memory; false when it repeats the newest entry
// (and so is not added).
func (h *history) add(s string) bool {
	if n := len(h.entries); n > 0 && h.entries[n-1] == s {
		return false
	}
	h.entries = append(h.entries, s)
	if len(h.entries) > MaxHistory {
		h.entries = append([]string(nil), h.entries[len(h.entries)-MaxHistory:]...)
	}
	return true
}

func encodeEntry(buf *bytes.Buffer, s string) error {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	return enc.Encode(s) // adds the "\n"
}

// appendFile appends one entry to the history file, creating it (mode
// 0600) and its directory (mode 0700) when missing.
func (h *history) appendFile(s string) error {
	if h.path == "" {
		return nil
	}
	var buf bytes.Buffer
	if err := encodeEntry(&buf, s); err != nil {
		return fmt.Errorf("history %s: %w", h.path, err)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := os.MkdirAll(filepath.Dir(h.path), 0o700); err != nil {
		return fmt.Errorf("history: %w", err)
	}
	f, err := os.OpenFile(h.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	if _, err := f.Write(buf.Bytes()); err != nil {
		f.Close()
		return fmt.Errorf("history %s: %w", h.path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("history %s: %w", h.path, err)
	}
	return nil
}

// rewrite replaces the history file with the entries in memory, through a
// temporary file (mode 0600) renamed over it.
func (h *history) rewrite() error {
	var buf bytes.Buffer
	for _, e := range h.entries {
		if err := encodeEntry(&buf, e); err != nil {
			return fmt.Errorf("history %s: %w", h.path, err)
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	tmp, err := os.CreateTemp(filepath.Dir(h.path), filepath.Base(h.path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	name := tmp.Name()
	_, werr := tmp.Write(buf.Bytes())
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr, os.Chmod(name, 0o600)); err != nil {
		os.Remove(name)
		return fmt.Errorf("history %s: %w", h.path, err)
	}
	if err := os.Rename(name, h.path); err != nil {
		os.Remove(name)
		return fmt.Errorf("history %s: %w", h.path, err)
	}
	return nil
}

// searchState is a reverse incremental search (ctrl+r) in progress.
type searchState struct {
	active bool
	query  []rune
	idx    int  // the entry shown; len(entries) when none matched yet
	failed bool // the last search found nothing
	saved  buffer
}

// findOlder returns the newest entry at or before index from that
// contains q (case-insensitively) and differs from skip; -1 when none.
func (h *history) findOlder(from int, q, skip string) int {
	lq := strings.ToLower(q)
	for i := min(from, len(h.entries)-1); i >= 0; i-- {
		e := h.entries[i]
		if e != skip && strings.Contains(strings.ToLower(e), lq) {
			return i
		}
	}
	return -1
}
