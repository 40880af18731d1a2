package livepanes

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/keystonedb/kstone-shell/tui/metrics"
)

// TestPreview prints every pane of every scenario as plain text, framed,
// for a look while working on layouts; it runs only when asked:
//
//	PREVIEW=38x10 [PANE=stripes] go test ./tui/livepanes -run Preview -v
func TestPreview(t *testing.T) {
	if os.Getenv("PREVIEW") == "" {
		t.Skip()
	}
	var w, h int
	fmt.Sscanf(os.Getenv("PREVIEW"), "%dx%d", &w, &h)
	for _, sc := range metrics.Scenarios() {
		s, hist := fixture(sc)
		for _, p := range allPanes() {
			if f := os.Getenv("PANE"); f != "" && f != p.name {
				continue
			}
			v := p.make(noColorStyles(), w, h, s, hist)
			fmt.Printf("== %s %s: %s\n+%s+\n", p.name, sc, v.Title(), strings.Repeat("-", w))
			for _, l := range strings.Split(v.View(), "\n") {
				fmt.Printf("|%s|\n", ansi.Strip(l))
			}
		}
	}
}
