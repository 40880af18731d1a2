package shell

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/keystonedb/kstone-shell/engine"
)

// BenchmarkBulkPuts runs a script of put statements with relaxed
// durability, the way a bulk load from a pipe does.
func BenchmarkBulkPuts(b *testing.B) {
	var sb strings.Builder
	v := strings.Repeat("x", 100)
	for i := 0; i < b.N; i++ {
		fmt.Fprintf(&sb, "put {\"pk\": \"key%013d\", \"v\": \"%s\"}\n", i, v)
	}
	db, err := engine.Create(b.TempDir()+"/db", &engine.Options{Durability: engine.DurabilityRelaxed})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	s := NewSession(db, Options{Format: FormatJSONL, Stdout: io.Discard, Stderr: io.Discard})
	r := NewRunner(s, io.Discard)
	b.ResetTimer()
	r.Run(context.Background(), strings.NewReader(sb.String()), "bench")
	if r.Failed {
		b.Fatal("a statement failed")
	}
}
