// Package kslog is the structured logging used by kstone-shell and its
// engine: log/slog with levels per component, configured by the KSTONE_LOG
// environment variable, and lines in the form the operators' guide greps
// for:
//
//	2026-11-25T20:00:00.123Z INFO  [engine] Memtable flush completed, stripe=5, records=1000
//
// KSTONE_LOG is a level ("debug", "info", "warn", "error", "off") or a list
// of component=level pairs with an optional default level:
// "engine=debug,shell=info" or "warn,engine=debug". Components are the
// "component" attribute of a record (the engine logs as "engine").
package kslog

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// EnvVar names the environment variable FromEnv reads.
const EnvVar = "KSTONE_LOG"

// LevelOff disables logging for a component.
const LevelOff = slog.Level(100)

// Spec is a parsed KSTONE_LOG value.
type Spec struct {
	Default    slog.Level
	Components map[string]slog.Level
}

// Level returns the level of a component.
func (s Spec) Level(component string) slog.Level {
	if l, ok := s.Components[component]; ok {
		return l
	}
	return s.Default
}

// ParseSpec parses a KSTONE_LOG value; "" means warnings and errors only.
func ParseSpec(v string) (Spec, error) {
	s := Spec{Default: slog.LevelWarn, Components: map[string]slog.Level{}}
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		comp, lvl, hasComp := strings.Cut(part, "=")
		if !hasComp {
			lvl = comp
		}
		l, err := parseLevel(lvl)
		if err != nil {
			return Spec{}, fmt.Errorf("%s: %q: %w", EnvVar, part, err)
		}
		if hasComp {
			s.Components[strings.TrimSpace(comp)] = l
		} else {
			s.Default = l
		}
	}
	return s, nil
}

func parseLevel(s string) (slog.Level, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "trace", "debug":
		return slog.LevelDebug, nil
	case "info":
		return slog.LevelInfo, nil
	case "warn", "warning":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	case "off", "none":
		return LevelOff, nil
	}
	return 0, fmt.Errorf("unknown level %q (want debug, info, warn, error or off)", s)
}

// FromEnv returns a logger writing to w as KSTONE_LOG says.
func FromEnv(w io.Writer) (*slog.Logger, error) {
	spec, err := ParseSpec(os.Getenv(EnvVar))
	if err != nil {
		return slog.New(NewHandler(w, Spec{Default: slog.LevelWarn})), err
	}
	return slog.New(NewHandler(w, spec)), nil
}

// Handler writes records as one line each; safe for concurrent use.
type Handler struct {
	spec      Spec
	component string
	attrs     []slog.Attr
	mu        *sync.Mutex
	w         io.Writer
}

// NewHandler returns a handler writing to w.
func NewHandler(w io.Writer, spec Spec) *Handler {
	return &Handler{spec: spec, mu: &sync.Mutex{}, w: w}
}

// Enabled applies the component's level.
func (h *Handler) Enabled(_ context.Context, l slog.Level) bool {
	return l >= h.spec.Level(h.component)
}

// Handle writes one line.
func (h *Handler) Handle(_ context.Context, r slog.Record) error {
	comp := h.component
	var rest []slog.Attr
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "component" {
			comp = a.Value.String()
		} else {
			rest = append(rest, a)
		}
		return true
	})
	if r.Level < h.spec.Level(comp) {
		return nil
	}
	t := r.Time
	if t.IsZero() {
		t = time.Now()
	}
	var b strings.Builder
	b.WriteString(t.UTC().Format("2006-01-02T15:04:05.000Z"))
	fmt.Fprintf(&b, " %-5s ", levelName(r.Level))
	if comp != "" {
		b.WriteString("[" + comp + "] ")
	}
	b.WriteString(r.Message)
	for _, a := range append(append([]slog.Attr(nil), h.attrs...), rest...) {
		b.WriteString(", ")
		writeAttr(&b, "", a)
	}
	b.WriteByte('\n')
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := io.WriteString(h.w, b.String())
	return err
}

func levelName(l slog.Level) string {
	switch {
	case l >= slog.LevelError:
		return "ERROR"
	case l >= slog.LevelWarn:
		return "WARN"
	case l >= slog.LevelInfo:
		return "INFO"
	}
	return "DEBUG"
}

func writeAttr(b *strings.Builder, prefix string, a slog.Attr) {
	a.Value = a.Value.Resolve()
	if a.Value.Kind() == slog.KindGroup {
		for _, g := range a.Value.Group() {
			writeAttr(b, prefix+a.Key+".", g)
		}
		return
	}
	v := a.Value.String()
	if strings.ContainsAny(v, " ,=\"") || v == "" {
		v = strconv.Quote(v)
	}
	b.WriteString(prefix + a.Key + "=" + v)
}

// WithAttrs returns a handler adding attrs to every line; a "component"
// attribute selects the component instead.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	n := *h
	n.attrs = append([]slog.Attr(nil), h.attrs...)
	for _, a := range attrs {
		if a.Key == "component" {
			n.component = a.Value.String()
			continue
		}
		n.attrs = append(n.attrs, a)
	}
	return &n
}

// WithGroup is not used by the project; groups are flattened into keys.
func (h *Handler) WithGroup(name string) slog.Handler {
	n := *h
	return &n
}
