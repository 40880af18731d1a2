package livepanes

import (
	"strings"
	"testing"

	"charm.land/lipgloss/v2"

	"github.com/keystonedb/kstone-shell/themes"
)

// TestInkMatchesLipgloss pins ink's shortcut: for every style the panes
// paint with, prefix + text + suffix is what lipgloss renders.
func TestInkMatchesLipgloss(t *testing.T) {
	for _, th := range []themes.Theme{themes.Dark, themes.Light, themes.HighContrast} {
		for _, noColor := range []bool{false, true} {
			st := themes.NewStyles(th, noColor)
			styles := map[string]lipgloss.Style{
				"Text": st.Text, "Muted": st.Muted, "Accent": st.Accent, "OK": st.OK, "Warn": st.Warn,
				"Err": st.Err, "Bold": st.Bold, "Selected": st.Selected,
				"ProgressFull": st.ProgressFull, "ProgressEmpty": st.ProgressEmpty,
			}
			for i, h := range st.Heat {
				styles["Heat"+string(rune('0'+i))] = h
			}
			for name, s := range styles {
				for _, text := range []string{"x", "42", "   ", "▁▂▃█", "#042 · 15 SST", "✗ Unable"} {
					if got, want := newInk(s).Render(text), s.Render(text); got != want {
						t.Errorf("%s/%v/%s(%q): ink %q, lipgloss %q", th.Name, noColor, name, text, got, want)
					}
				}
			}
		}
	}
}

func TestSparkline(t *testing.T) {
	for _, tc := range []struct {
		vals  []float64
		width int
		want  string
	}{
		{nil, 10, ""},
		{[]float64{1, 2}, 0, ""},
		{[]float64{0, 0, 0}, 5, "▁▁▁"},
		{[]float64{0, 1, 2, 3, 4, 5, 6, 7}, 8, "▁▂▃▄▅▆▇█"},
		{[]float64{100, 0, 7, 14}, 3, "▁▅█"}, // scaled to the window: the spike has scrolled away
		{[]float64{-5, 10}, 5, "▁█"},
		{[]float64{2, 2, 2}, 3, "███"},
	} {
		got := Sparkline(tc.vals, tc.width)
		if got != tc.want {
			t.Errorf("Sparkline(%v, %d) = %q, want %q", tc.vals, tc.width, got, tc.want)
		}
		if w := lipgloss.Width(got); w > tc.width {
			t.Errorf("Sparkline(%v, %d) is %d wide", tc.vals, tc.width, w)
		}
	}
}

func TestSparkChart(t *testing.T) {
	got := sparkChart([]float64{0, 4, 8}, 3, 2)
	want := []string{"  █", "▁██"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("sparkChart = %q, want %q", got, want)
	}
}

func TestBar(t *testing.T) {
	st := themes.NewStyles(themes.Dark, true) // plain: compare text
	for _, tc := range []struct {
		frac  float64
		width int
		want  string
	}{
		{0, 4, "░░░░"},
		{1, 4, "████"},
		{0.5, 4, "██░░"},
		{0.35, 4, "█▍░░"},
		{2, 3, "███"},
		{-1, 3, "░░░"},
		{0.5, 0, ""},
	} {
		got := Bar(tc.frac, tc.width, st)
		if got != tc.want {
			t.Errorf("Bar(%v, %d) = %q, want %q", tc.frac, tc.width, got, tc.want)
		}
	}
	for w := range 40 {
		for _, f := range []float64{0, 0.01, 0.33, 0.5, 0.99, 1} {
			if got := lipgloss.Width(Bar(f, w, themes.NewStyles(themes.Dark, false))); got != w {
				t.Fatalf("Bar(%v, %d) is %d wide", f, w, got)
			}
		}
	}
}

// TestHints: every finding engine.Health words has a one-line hint, and
// the stripe a finding names reaches its hint.
func TestHints(t *testing.T) {
	table := hintTable()
	for _, f := range []string{
		"High SST count in stripe 42 (15 files)",
		"Compaction falling behind in 3 stripes",
		"Disk usage above 80%",
		"High write amplification detected",
		"High write latency detected, p99=23.50ms",
		"Database directory not accessible",
		"Corruption detected in WAL",
		"Corruption detected in SST",
		"Unable to write to disk (space full)",
		"Critical I/O error",
	} {
		h := hintFor(table, f)
		if h == "" || strings.Contains(h, "\n") || strings.Contains(h, "{") {
			t.Errorf("%q: hint %q", f, h)
		}
	}
	if h := hintFor(table, "High SST count in stripe 42 (15 files)"); !strings.Contains(h, ".compact stripe 42") {
		t.Errorf("SST hint does not name the stripe: %q", h)
	}
	if h := hintFor(table, "Something new"); h != "" {
		t.Errorf("unknown finding got hint %q", h)
	}
}

func TestFit(t *testing.T) {
	got := fit([]string{"abcdef", "ab", "x", "y"}, 4, 3)
	if want := "abc…\nab  \nx   "; got != want {
		t.Errorf("fit = %q, want %q", got, want)
	}
	if fit(nil, 5, 0) != "" {
		t.Error("fit of height 0 is not empty")
	}
}
