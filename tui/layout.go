package tui

// Layout: the screen is tiled by framed boxes between a status line on top
// and a help line at the bottom. Three shapes, chosen by size:
//
//	wide (≥150×36)            medium (≥100×28)          narrow (down to 80×24)
//	┌results──┐┌stripes┐┌hlth┐  ┌results──┐ tabs: S H T… tabs: Results Stripes …
//	│         │└───────┘└────┘  │         │┌─pane────┐  ┌results or a pane─────┐
//	│         │┌thrpt─┐┌compc┐  │         ││         │  │                      │
//	└─────────┘└──────┘└─────┘  └─────────┘│         │  └──────────────────────┘
//	┌repl─────┐┌ssts──┐┌bloom┐  ┌repl─────┐└─────────┘  ┌repl──────────────────┐
//	└─────────┘└──────┘└─────┘  └─────────┘             └──────────────────────┘
//
// Smaller than the narrow minimum, the narrow shape is used anyway and the
// boxes shrink (components render whatever fits).

type rect struct{ x, y, w, h int }

func (r rect) contains(x, y int) bool {
	return r.w > 0 && r.h > 0 && x >= r.x && x < r.x+r.w && y >= r.y && y < r.y+r.h
}

type layoutMode int

const (
	layoutNarrow layoutMode = iota
	layoutMedium
	layoutWide
)

// layout places every box; a zero rect is a hidden box.
type layout struct {
	mode    layoutMode
	w, h    int
	results rect
	repl    rect
	panes   []rect // by pane index
	tabs    rect   // the tab line; zero when panes are not tabbed
}

// replHeight is the REPL box's height (frame included).
func replHeight(mode layoutMode, h int) int {
	switch {
	case mode == layoutWide:
		return 9
	case h >= 30:
		return 7
	}
	return 5
}

// computeLayout tiles a w×h screen. tab selects what a tabbed area shows:
// in the narrow shape 0 is the results and i>0 pane i-1; in the medium
// shape pane tab.
func computeLayout(w, h, panes, tab int) layout {
	l := layout{w: w, h: h, panes: make([]rect, panes)}
	top, main := 1, max(h-2, 0) // status line above, help line below
	switch {
	case w >= 150 && h >= 36:
		l.mode = layoutWide
	case w >= 100 && h >= 28:
		l.mode = layoutMedium
	}
	rh := min(replHeight(l.mode, h), main)
	switch l.mode {
	case layoutWide:
		lw := w * 48 / 100
		l.results = rect{0, top, lw, main - rh}
		l.repl = rect{0, top + main - rh, lw, rh}
		rw := w - lw
		h1 := min(20, main/2)
		rest := main - h1
		h2 := rest / 2
		h3 := rest - h2
		a := rw * 55 / 100
		b := rw / 2
		l.panes[0] = rect{lw, top, a, h1}                    // stripes
		l.panes[1] = rect{lw + a, top, rw - a, h1}           // health
		l.panes[2] = rect{lw, top + h1, b, h2}               // throughput
		l.panes[3] = rect{lw + b, top + h1, rw - b, h2}      // compaction
		l.panes[4] = rect{lw, top + h1 + h2, b, h3}          // ssts
		l.panes[5] = rect{lw + b, top + h1 + h2, rw - b, h3} // bloom
	case layoutMedium:
		lw := w * 55 / 100
		l.results = rect{0, top, lw, main - rh}
		l.repl = rect{0, top + main - rh, lw, rh}
		l.tabs = rect{lw, top, w - lw, 1}
		if tab >= 0 && tab < panes {
			l.panes[tab] = rect{lw, top + 1, w - lw, main - 1}
		}
	default:
		l.tabs = rect{0, top, w, 1}
		area := rect{0, top + 1, w, max(main-1-rh, 0)}
		if tab <= 0 || tab > panes {
			l.results = area
		} else {
			l.panes[tab-1] = area
		}
		l.repl = rect{0, top + main - rh, w, rh}
	}
	return l
}
