package livepanes

import (
	"strings"

	"github.com/keystonedb/kstone-shell/themes"
)

// sparkRunes are the eight heights of a sparkline cell.
const sparkRunes = "▁▂▃▄▅▆▇█"

// maxChartRows is the tallest sparkline a pane draws with height to spare.
const maxChartRows = 6

// barEighths are the partial cells of a bar, one to seven eighths.
const barEighths = "▏▎▍▌▋▊▉"

// Sparkline draws the last width values of vals, one cell each, scaled to
// the largest value shown (so a quiet minute is not flattened by a spike
// that has scrolled away). It is empty when there is no data and shorter
// than width while the history fills. Negative values count as zero.
func Sparkline(vals []float64, width int) string {
	if width <= 0 || len(vals) == 0 {
		return ""
	}
	vals = vals[max(0, len(vals)-width):]
	top := 0.0
	for _, v := range vals {
		top = max(top, v)
	}
	runes := []rune(sparkRunes)
	var b strings.Builder
	b.Grow(len(vals) * 3)
	for _, v := range vals {
		i := 0
		if top > 0 && v > 0 {
			i = min(7, int(v/top*7+0.5))
		}
		b.WriteRune(runes[i])
	}
	return b.String()
}

// sparkChart is Sparkline over rows lines (top line first), each column a
// bar of rows×8 steps; the panes use it when they have height to spare.
func sparkChart(vals []float64, width, rows int) []string {
	if rows <= 1 {
		return []string{Sparkline(vals, width)}
	}
	out := make([]string, rows)
	if width <= 0 || len(vals) == 0 {
		return out
	}
	vals = vals[max(0, len(vals)-width):]
	top := 0.0
	for _, v := range vals {
		top = max(top, v)
	}
	runes := []rune(sparkRunes)
	lines := make([]strings.Builder, rows)
	for _, v := range vals {
		steps := 1 // the baseline shows even zero, as Sparkline does
		if top > 0 && v > 0 {
			steps = max(1, int(v/top*float64(rows*8)+0.5))
		}
		for r := range rows { // r counts from the bottom
			n := min(8, steps-r*8)
			switch {
			case n <= 0:
				lines[rows-1-r].WriteByte(' ')
			default:
				lines[rows-1-r].WriteRune(runes[n-1])
			}
		}
	}
	for i := range lines {
		out[i] = lines[i].String()
	}
	return out
}

// Bar is a progress bar of width cells, frac full (clamped to 0..1), in
// eighths of a cell. The empty part is drawn with ░ so the bar reads
// without colour too.
func Bar(frac float64, width int, st themes.Styles) string {
	return bar(frac, width, newInk(st.ProgressFull), newInk(st.ProgressEmpty))
}

func bar(frac float64, width int, full, empty ink) string {
	if width <= 0 {
		return ""
	}
	frac = min(1, max(0, frac))
	eighths := int(frac*float64(width*8) + 0.5)
	n, part := eighths/8, eighths%8
	rest := width - n
	s := strings.Repeat("█", n)
	if part > 0 {
		s += string([]rune(barEighths)[part-1])
		rest--
	}
	return full.Render(s) + empty.Render(strings.Repeat("░", rest))
}
