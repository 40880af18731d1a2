package results

import (
	"fmt"
	"strings"
	"testing"

	"github.com/keystonedb/kstone-shell/engine/item"
	"github.com/keystonedb/kstone-shell/shell"
)

// big returns n items of a typical shape: keys, a few strings, numbers,
// a bool, a list and a map.
func big(n int) []item.Item {
	items := make([]item.Item, n)
	for i := range n {
		items[i] = item.Item{
			"pk":      item.S(fmt.Sprintf("order#%07d", i)),
			"sk":      item.NFromInt64(int64(i)),
			"status":  item.S([]string{"new", "paid", "shipped", "returned"}[i%4]),
			"amount":  item.NFromInt64(int64(i*37%10000) - 500),
			"gift":    item.BOOL(i%11 == 0),
			"lines":   item.L{item.S("sku-1"), item.NFromInt64(int64(i % 5))},
			"address": item.M{"city": item.S("Paris"), "zip": item.S(fmt.Sprintf("75%03d", i%1000))},
			"note":    item.S(strings.Repeat("n", i%60)),
		}
	}
	return items
}

func TestHundredThousand(t *testing.T) {
	items := big(100_000)
	m := newPane(dark(), 200, 50, itemsOut(items, true), nil)
	checkFrame(t, m.View(), 200, 50)
	if !strings.Contains(m.Title(), "100,000+ items") {
		t.Fatalf("title %q", m.Title())
	}
	m, _ = press(m, runeKey('G'))
	v := m.View()
	checkFrame(t, v, 200, 50)
	if !strings.Contains(v, "order#0099999") {
		t.Fatal("G: last item not shown")
	}
	m, _ = press(m, runeKey('v'))
	checkFrame(t, m.View(), 200, 50)
	m, _ = press(m, runeKey('g'), kPgDn, kPgDn, runeKey('G'))
	checkFrame(t, m.View(), 200, 50)
	// Only what was on screen (and the sample) was formatted.
	if n := len(m.c.cells); n > sampleRows+200 {
		t.Fatalf("%d rows of cells formatted", n)
	}
	if n := len(m.c.json); n > 200 {
		t.Fatalf("%d items of JSON formatted", n)
	}
}

// BenchmarkView100k measures View on a 100k-item result at 200×50:
//   - static: the same frame again (rows from the cache);
//   - down: ↓ then View (one row's highlight changes);
//   - pgdown: PgDn then View (every row is new: cells formatted, rows
//     drawn);
//   - json: ↓ through the JSON view then View.
func BenchmarkView100k(b *testing.B) {
	items := big(100_000)
	setup := func() Model {
		m := newPane(dark(), 200, 50, itemsOut(items, true), nil)
		_ = m.View()
		return m
	}
	b.Run("static", func(b *testing.B) {
		m := setup()
		for b.Loop() {
			_ = m.View()
		}
	})
	b.Run("down", func(b *testing.B) {
		m := setup()
		for b.Loop() {
			m, _ = m.Update(kDown)
			_ = m.View()
		}
	})
	b.Run("pgdown", func(b *testing.B) {
		m := setup()
		for b.Loop() {
			m, _ = m.Update(kPgDn)
			if m.sel == len(items)-1 {
				m, _ = m.Update(runeKey('g'))
			}
			_ = m.View()
		}
	})
	b.Run("json", func(b *testing.B) {
		m := setup()
		m.SetMode(ViewJSON)
		for b.Loop() {
			m, _ = m.Update(kDown)
			_ = m.View()
		}
	})
}

// BenchmarkSetResult100k measures taking a 100k-item result and drawing
// its first frame.
func BenchmarkSetResult100k(b *testing.B) {
	items := big(100_000)
	m := New(dark())
	m.SetSize(200, 50)
	for b.Loop() {
		m.SetResult("scan", shell.Output{Items: items, HasItems: true, KeyColumns: []string{"pk", "sk"}}, nil)
		_ = m.View()
	}
}
