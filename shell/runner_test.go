package shell

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keystonedb/kstone-shell/engine"
)

// syncBuffer is an output the test reads while the runner writes to it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// A statement written into a pipe runs before more input arrives: the
// reader hands statements over in batches, but never holds one back while
// waiting for the rest of a batch.
func TestRunnerPipeRunsEachStatementAtOnce(t *testing.T) {
	db, err := engine.OpenInMemory(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out := &syncBuffer{}
	s := NewSession(db, Options{Format: FormatJSONL, Stdout: out, Stderr: io.Discard})
	r := NewRunner(s, io.Discard)
	pr, pw := io.Pipe()
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.Run(context.Background(), pr, "pipe")
	}()
	for i := range 3 {
		fmt.Fprintf(pw, "put {\"pk\": \"k%d\"}\nget k%d\n", i, i)
		want := fmt.Sprintf(`"pk":"k%d"`, i)
		deadline := time.Now().Add(10 * time.Second)
		for !strings.Contains(strings.ReplaceAll(out.String(), " ", ""), want) {
			if time.Now().After(deadline) {
				t.Fatalf("statement %d has not run while the pipe stays open; output so far:\n%s", i, out.String())
			}
			time.Sleep(time.Millisecond)
		}
	}
	pw.Close()
	<-done
	if r.Failed {
		t.Error("a statement failed")
	}
}

// A long script runs every statement in order across many batches, and a
// dot command in the middle changes how the following lines are read.
func TestRunnerBatchesKeepOrder(t *testing.T) {
	db, err := engine.OpenInMemory(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var src strings.Builder
	const n = 300
	for i := range n {
		fmt.Fprintf(&src, "put {\"pk\": \"k\", \"n\": %d}\n", i)
	}
	src.WriteString(".input ddb\n")
	src.WriteString(`put {"pk": {"S": "typed"}, "n": {"N": "7"}}` + "\n")
	src.WriteString(".input json\nget k\nget typed\n")
	var out bytes.Buffer
	s := NewSession(db, Options{Format: FormatJSONL, Stdout: &out, Stderr: io.Discard})
	r := NewRunner(s, io.Discard)
	r.Run(context.Background(), strings.NewReader(src.String()), "script")
	if r.Failed {
		t.Fatalf("a statement failed; output:\n%s", out.String())
	}
	got := strings.ReplaceAll(out.String(), " ", "")
	if !strings.Contains(got, fmt.Sprintf(`"n":%d`, n-1)) || !strings.Contains(got, `"pk":"typed"`) {
		t.Errorf("output:\n%s", out.String())
	}
}
