package themes

import (
	"strings"
	"testing"
)

func TestNamed(t *testing.T) {
	for _, n := range Names() {
		th, err := Named(n)
		if err != nil || th.Name != n {
			t.Errorf("Named(%q) = %v, %v", n, th.Name, err)
		}
	}
	if _, err := Named("neon"); err == nil || !strings.Contains(err.Error(), "high-contrast") {
		t.Errorf("unknown theme error %v", err)
	}
}

// Without colour, rendering adds no colour escape sequences.
func TestNoColorStylesHaveNoColor(t *testing.T) {
	s := NewStyles(Dark, true)
	for _, st := range append(s.Heat, s.OK, s.Warn, s.Err, s.Keyword, s.Pane, s.BadgeHealthy) {
		out := st.Render("x")
		if strings.Contains(out, "38;") || strings.Contains(out, "48;") {
			t.Errorf("colour escape in %q", out)
		}
	}
	if len(s.Heat) != len(Dark.Heat) || len(HeatGlyphs) != len(Dark.Heat) {
		t.Errorf("heat levels: %d styles, %d glyphs, %d colours", len(s.Heat), len(HeatGlyphs), len(Dark.Heat))
	}
}
