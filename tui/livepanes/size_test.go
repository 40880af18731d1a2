package livepanes

import (
	"fmt"
	"strings"
	"testing"

	"charm.land/lipgloss/v2"

	"github.com/keystonedb/kstone-shell/themes"
	"github.com/keystonedb/kstone-shell/tui/metrics"
)

// TestSizeMatrix renders every pane, scenario and colour mode from 10×3 to
// 200×60 (and degenerate sizes) and checks the frame is exactly the size
// asked: the root joins panes without measuring them.
func TestSizeMatrix(t *testing.T) {
	sizes := [][2]int{{0, 0}, {1, 1}, {3, 1}, {10, 3}}
	for _, w := range []int{10, 16, 24, 33, 38, 47, 52, 60, 80, 120, 200} {
		for _, h := range []int{3, 4, 5, 8, 10, 13, 17, 18, 24, 40, 60} {
			sizes = append(sizes, [2]int{w, h})
		}
	}
	for _, sc := range metrics.Scenarios() {
		s, hist := fixture(sc)
		for _, st := range []themes.Styles{darkStyles(), noColorStyles()} {
			for _, p := range allPanes() {
				for _, sz := range sizes {
					w, h := sz[0], sz[1]
					checkFrame(t, fmt.Sprintf("%s/%s/nocolor=%v/%dx%d", p.name, sc, st.NoColor, w, h),
						p.make(st, w, h, s, hist).View(), w, h)
				}
			}
		}
	}
}

// TestSizeMatrixNoData: before the first snapshot, and with a zero
// snapshot and no history, panes still fill their frame.
func TestSizeMatrixNoData(t *testing.T) {
	st := darkStyles()
	for _, sz := range [][2]int{{10, 3}, {38, 10}, {200, 60}} {
		w, h := sz[0], sz[1]
		stripes, ssts, comp := NewStripes(st), NewSSTs(st), NewCompaction(st)
		bloom, tp, health := NewBloom(st), NewThroughput(st), NewHealth(st)
		stripes.SetSize(w, h)
		ssts.SetSize(w, h)
		comp.SetSize(w, h)
		bloom.SetSize(w, h)
		tp.SetSize(w, h)
		health.SetSize(w, h)
		for _, v := range []view{stripes, ssts, comp, bloom, tp, health} {
			checkFrame(t, v.Title()+"/none", v.View(), w, h)
		}
	}
	for _, p := range allPanes() {
		for _, sz := range [][2]int{{10, 3}, {38, 10}, {200, 60}} {
			m := p.make(darkStyles(), sz[0], sz[1], metrics.Snapshot{}, nil)
			checkFrame(t, p.name+"/zero", m.View(), sz[0], sz[1])
		}
	}
}

func checkFrame(t *testing.T, name, view string, w, h int) {
	t.Helper()
	if h == 0 {
		if view != "" {
			t.Errorf("%s: want an empty view, got %q", name, view)
		}
		return
	}
	lines := strings.Split(view, "\n")
	if len(lines) != h {
		t.Errorf("%s: %d lines, want %d", name, len(lines), h)
	}
	for i, l := range lines {
		if lw := lipgloss.Width(l); lw != w {
			t.Errorf("%s: line %d is %d cells wide, want %d: %q", name, i, lw, w, l)
			return
		}
	}
}
