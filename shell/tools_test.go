package shell

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keystonedb/kstone-shell/engine"
)

func TestDotVerifyAndBackup(t *testing.T) {
	dir := t.TempDir()
	db, err := engine.Create(filepath.Join(dir, "db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := NewSession(db, Options{Format: FormatJSONL})
	ctx := context.Background()
	if _, err := s.Run(ctx, `put {"pk": "a", "v": 1}`); err != nil {
		t.Fatal(err)
	}
	out, err := s.Run(ctx, ".verify")
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("database is open in this shell (process %d)", os.Getpid()); !strings.Contains(out.Text, want) || !strings.Contains(out.Text, "OK: no errors") {
		t.Errorf(".verify printed:\n%s", out.Text)
	}
	if _, err := s.Run(ctx, ".verify now"); err == nil {
		t.Error(".verify with an argument succeeded")
	}
	bk := filepath.Join(dir, "bk")
	out, err = s.Run(ctx, ".backup "+bk)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.Text, "Backed up to "+bk+": ") {
		t.Errorf(".backup printed %q", out.Text)
	}
	if _, err := s.Run(ctx, ".backup"); err == nil {
		t.Error(".backup without DEST succeeded")
	}
	if _, err := s.Run(ctx, ".backup "+bk); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf(".backup into a non-empty directory: %v", err)
	}
	r, err := engine.Verify(bk, nil)
	if err != nil || !r.Clean() {
		t.Fatalf("backup: %v\n%s", err, r)
	}
	b, err := engine.Open(bk, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := b.Get(engine.K("a")); err != nil {
		t.Errorf("backup lacks a: %v", err)
	}
}

// A backend without the engine's operator surface has no .verify.
func TestDotVerifyNeedsEngine(t *testing.T) {
	db, err := engine.OpenInMemory(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := NewSession(struct{ Backend }{db}, Options{})
	for _, cmd := range []string{".verify", ".backup x"} {
		if _, err := s.Run(context.Background(), cmd); err == nil || !strings.Contains(err.Error(), "needs the embedded engine") {
			t.Errorf("%s without an engine: %v", cmd, err)
		}
	}
}
