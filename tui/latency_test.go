package tui

import (
	"context"
	"fmt"
	"io"
	"slices"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/keystonedb/kstone-shell/engine"
	"github.com/keystonedb/kstone-shell/engine/item"
	"github.com/keystonedb/kstone-shell/shell"
	"github.com/keystonedb/kstone-shell/themes"
)

// BenchmarkKeypressUnderLoad: while a goroutine writes 20k items a second
// to the engine, a key press is handled and the frame rendered (Update +
// View at 200×60, with the live panes refreshed from the real engine every
// 500 ms as the tick chain would). It reports the p50 and p99 latency of a
// key press (issue target: p99 within 16 ms).
func BenchmarkKeypressUnderLoad(b *testing.B) {
	db, err := engine.Create(b.TempDir()+"/db", &engine.Options{Durability: engine.DurabilityRelaxed})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	go writeAt(ctx, db, 20000)
	sess := shell.NewSession(db, shell.Options{Stdout: io.Discard, Stderr: io.Discard})
	m := New(Config{Session: sess, Source: db, Theme: themes.Dark, Label: "bench", NoTick: true})
	next, _ := m.Update(tea.WindowSizeMsg{Width: 200, Height: 60})
	m = next.(Model)
	lat := make([]time.Duration, 0, b.N)
	lastRefresh := time.Now()
	keys := []rune("scan filter age > 30 ")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if time.Since(lastRefresh) > 500*time.Millisecond {
			next, _ = m.Update(m.fetch()())
			m = next.(Model)
			lastRefresh = time.Now()
		}
		r := keys[i%len(keys)]
		start := time.Now()
		next, _ = m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
		m = next.(Model)
		_ = m.View()
		lat = append(lat, time.Since(start))
		if i%len(keys) == len(keys)-1 {
			m.repl.Reset()
		}
		time.Sleep(2 * time.Millisecond) // a fast typist, not a busy loop
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(db.Stats().Ops[engine.OpPut].Count)/b.Elapsed().Seconds(), "puts/s")
}

// writeAt puts items at about rate per second until ctx ends.
func writeAt(ctx context.Context, db *engine.DB, rate int) {
	const batch = 100
	interval := time.Second * batch / time.Duration(rate)
	t := time.NewTicker(interval)
	defer t.Stop()
	for n := 0; ; {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		for range batch {
			db.PutItem(engine.PutItemRequest{Item: item.Item{"pk": item.S(fmt.Sprintf("k%08d", n%500000)), "age": item.NFromInt64(int64(n % 90))}})
			n++
		}
	}
}
