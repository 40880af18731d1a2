package kslog

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestParseSpec(t *testing.T) {
	cases := []struct {
		in                 string
		engine, shell, tui slog.Level
		bad                bool
	}{
		{"", slog.LevelWarn, slog.LevelWarn, slog.LevelWarn, false},
		{"debug", slog.LevelDebug, slog.LevelDebug, slog.LevelDebug, false},
		{"engine=debug,shell=info", slog.LevelDebug, slog.LevelInfo, slog.LevelWarn, false},
		{"error, engine=debug", slog.LevelDebug, slog.LevelError, slog.LevelError, false},
		{"engine=off", LevelOff, slog.LevelWarn, slog.LevelWarn, false},
		{"engine=loud", 0, 0, 0, true},
	}
	for _, c := range cases {
		s, err := ParseSpec(c.in)
		if (err != nil) != c.bad {
			t.Errorf("ParseSpec(%q) error = %v", c.in, err)
			continue
		}
		if c.bad {
			if !strings.Contains(err.Error(), "KSTONE_LOG") {
				t.Errorf("error %q does not name KSTONE_LOG", err)
			}
			continue
		}
		if s.Level("engine") != c.engine || s.Level("shell") != c.shell || s.Level("tui") != c.tui {
			t.Errorf("ParseSpec(%q) = %+v", c.in, s)
		}
	}
}

func TestLinesLookLikeTheGuide(t *testing.T) {
	var buf bytes.Buffer
	spec, _ := ParseSpec("info,shell=error")
	h := NewHandler(&buf, spec)
	log := slog.New(h).With("component", "engine")
	log.Info("Memtable flush completed", "stripe", 5, "records", 1000)
	log.Warn("Compaction falling behind", "stripe", 42, "sst_count", 15)
	log.Debug("hidden")
	slog.New(h).With("component", "shell").Warn("hidden too")
	want := []string{
		" INFO  [engine] Memtable flush completed, stripe=5, records=1000",
		" WARN  [engine] Compaction falling behind, stripe=42, sst_count=15",
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != len(want) {
		t.Fatalf("got %d lines:\n%s", len(lines), buf.String())
	}
	for i, l := range lines {
		ts, rest := l[:len("2006-01-02T15:04:05.000Z")], l[len("2006-01-02T15:04:05.000Z"):]
		if _, err := time.Parse("2006-01-02T15:04:05.000Z", ts); err != nil || rest != want[i] {
			t.Errorf("line %d = %q, want a timestamp then %q", i, l, want[i])
		}
	}
}
