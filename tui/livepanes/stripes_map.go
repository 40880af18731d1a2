package livepanes

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/keystonedb/kstone-shell/engine"
	"github.com/keystonedb/kstone-shell/themes"
)

// The heat map: 16 rows of 16 cells, a legend and the selected stripe's
// figures. Cells are 3, 2 or 1 characters wide as the width allows, and
// the rows scroll with the cursor when the pane is shorter than the map.

// mapLayout is how the map fits the pane; View and ClickAt share it so a
// click lands on the stripe drawn there.
type mapLayout struct {
	cw             int // cell width: 1, 2 (hex number selected) or 3 (decimal)
	gutter         int // row labels ("240 "), 0 when there is no room
	rows, top      int // map rows shown, the first one
	legend, status bool
}

func (m StripesModel) layout() mapLayout {
	l := mapLayout{status: m.h >= 1, legend: m.h >= 4}
	l.rows = min(mapSide, m.h-b2i(l.status)-b2i(l.legend))
	for _, cw := range []int{3, 2, 1} {
		l.cw = cw
		if m.w >= mapSide*cw+4 {
			l.gutter = 4
			break
		}
		if m.w >= mapSide*cw {
			break
		}
	}
	row := m.cursor / mapSide
	l.top = min(max(m.top, row-l.rows+1, 0), row, mapSide-max(l.rows, 1))
	l.top = max(l.top, 0)
	return l
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// View draws the map, or the drill-down once the detail has arrived.
func (m StripesModel) View() string {
	if !m.hasData {
		return m.noData()
	}
	if m.drill {
		return m.viewDrill()
	}
	l := m.layout()
	lines := make([]string, 0, m.h)
	var b strings.Builder
	for r := l.top; r < l.top+l.rows; r++ {
		b.Reset()
		if l.gutter > 0 {
			b.WriteString(m.pal.Muted.Render(fmt.Sprintf("%3d ", r*mapSide)))
		}
		m.drawRow(&b, r, l.cw)
		lines = append(lines, b.String())
	}
	if l.legend {
		lines = append(lines, m.legend())
	}
	if l.status {
		lines = append(lines, m.statusLine())
	}
	return fit(lines, m.w, m.h)
}

// drawRow draws one map row, rendering runs of equal heat at once: a style
// per cell would be 256 Render calls a frame.
func (m StripesModel) drawRow(b *strings.Builder, r, cw int) {
	runStart, runLevel := -1, -1
	flush := func(end int) {
		if runStart >= 0 {
			b.WriteString(m.heatStyle(runLevel).Render(strings.Repeat(m.heatCell(runLevel, cw), end-runStart)))
		}
		runStart = -1
	}
	for c := range mapSide {
		i := r*mapSide + c
		if i == m.cursor {
			flush(c)
			b.WriteString(m.pal.Selected.Render(selectedCell(i, cw)))
			continue
		}
		lvl := m.level(i)
		if lvl != runLevel || runStart < 0 {
			flush(c)
			runStart, runLevel = c, lvl
		}
	}
	flush(mapSide)
}

// selectedCell names the stripe when the cell has room: hex in two cells
// (row and column digits of the 16×16 map), decimal in three.
func selectedCell(i, cw int) string {
	switch cw {
	case 1:
		return "+"
	case 2:
		return fmt.Sprintf("%02x", i)
	}
	return fmt.Sprintf("%3d", i)
}

// level is stripe i's heat, 0 (empty) to len(Heat)-1 (at or over the
// threshold).
func (m StripesModel) level(i int) int {
	v, thr := m.stripes[i].MemtableRecords, m.memThreshold
	if m.mode == ModeSSTs {
		v, thr = m.stripes[i].SSTCount, m.sstThreshold
	}
	return heatLevel(v, thr, m.levels())
}

func heatLevel(v, threshold, levels int) int {
	if v <= 0 || levels < 2 {
		return 0
	}
	return min(levels-1, 1+v*(levels-2)/max(threshold, 1))
}

func (m StripesModel) levels() int {
	if n := len(m.pal.Heat); n > 0 {
		return n
	}
	return len(themes.HeatGlyphs)
}

func (m StripesModel) heatStyle(lvl int) ink {
	if lvl < len(m.pal.Heat) {
		return m.pal.Heat[lvl]
	}
	return m.pal.Text
}

// heatCell is one cell's text: spaces on a coloured background, or the
// level's glyph without colour.
func (m StripesModel) heatCell(lvl, cw int) string {
	if !m.st.NoColor {
		return strings.Repeat(" ", cw)
	}
	return strings.Repeat(themes.HeatGlyphs[min(lvl, len(themes.HeatGlyphs)-1)], cw)
}

// legend is "0 ▒▒▒▒▒▒ 1000+ records": the scale of the mode.
func (m StripesModel) legend() string {
	var b strings.Builder
	b.WriteString(m.pal.Muted.Render("0 "))
	for lvl := range m.levels() {
		b.WriteString(m.heatStyle(lvl).Render(m.heatCell(lvl, 2)))
	}
	thr, unit := m.memThreshold, "records"
	if m.mode == ModeSSTs {
		thr, unit = m.sstThreshold, "SSTs"
	}
	b.WriteString(m.pal.Muted.Render(fmt.Sprintf(" %d+ %s", thr, unit)))
	return b.String()
}

// statusLine shows the selected stripe's figures.
func (m StripesModel) statusLine() string {
	s := m.stripes[m.cursor]
	fill := fmt.Sprintf("%d/%d rec", s.MemtableRecords, m.memThreshold)
	if s.ImmutableMemtables > 0 {
		fill += fmt.Sprintf(" +%d imm", s.ImmutableMemtables)
	}
	ssts := m.sstStyle(s.SSTCount).Render(fmt.Sprintf("%d SST", s.SSTCount)) + " " + bytesShort(s.SSTBytes)
	comp := ""
	if s.Compacting && s.CompactionTotal > 0 {
		comp = m.pal.Accent.Render(fmt.Sprintf("compacting %d%%", s.CompactionRead*100/s.CompactionTotal))
	}
	return m.join(m.pal.Accent.Render("#"+strconv.Itoa(s.ID)), fill, ssts,
		m.labelled("wal", bytesShort(uint64(max(s.WALBytes, 0)))), comp)
}

// sstStyle warns when a stripe falls behind (twice the compaction
// threshold) and alarms at the high-SST count, as Health does.
func (m pane) sstStyleFor(n, high int) ink {
	switch {
	case n >= high:
		return m.pal.Err
	case n >= 2*engine.DefaultCompactionThreshold:
		return m.pal.Warn
	}
	return m.pal.Text
}

func (m StripesModel) sstStyle(n int) ink { return m.sstStyleFor(n, m.sstThreshold) }
