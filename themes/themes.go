// Package themes holds kstone-shell's colour themes as data — semantic
// colours (OK, Warn, Err, Border, BorderFocus, …) — and turns a theme into
// the lipgloss styles the TUI draws with. NO_COLOR gives styles without
// any colour, which the TUI complements with characters (heat-map glyphs,
// bracketed badges) so nothing is lost.
package themes

import (
	"fmt"
	"image/color"
	"os"
	"strings"

	"charm.land/lipgloss/v2"
)

// Theme is a palette of semantic colours.
type Theme struct {
	Name string
	Dark bool // a dark background

	Text, Muted, Accent    color.Color
	OK, Warn, Err          color.Color
	Border, BorderFocus    color.Color
	Selection, StatusBar   color.Color // backgrounds
	Keyword, Function      color.Color // syntax highlighting
	String, Number         color.Color
	Placeholder, Comment   color.Color
	Heat                   []color.Color // cool to hot, for the stripe heat map
	HeatText               color.Color   // text drawn on heat cells
	ProgressFull, Progress color.Color
}

// The themes.
var (
	Dark = Theme{
		Name: "dark", Dark: true,
		Text: c("#d0d0d0"), Muted: c("#7a7a7a"), Accent: c("#5fafff"),
		OK: c("#5fd787"), Warn: c("#ffaf00"), Err: c("#ff5f5f"),
		Border: c("#4e4e4e"), BorderFocus: c("#5fafff"),
		Selection: c("#303a4a"), StatusBar: c("#262626"),
		Keyword: c("#d787ff"), Function: c("#5fd7d7"), String: c("#afd787"), Number: c("#ffaf5f"),
		Placeholder: c("#ffd75f"), Comment: c("#6c6c6c"),
		Heat:     []color.Color{c("#1c2b3a"), c("#1f4e5f"), c("#2e7d5b"), c("#a3a33a"), c("#c8782a"), c("#c23b3b")},
		HeatText: c("#e4e4e4"), ProgressFull: c("#5fafff"), Progress: c("#3a3a3a"),
	}
	Light = Theme{
		Name: "light",
		Text: c("#202020"), Muted: c("#6e6e6e"), Accent: c("#005fd7"),
		OK: c("#008700"), Warn: c("#af5f00"), Err: c("#d70000"),
		Border: c("#b2b2b2"), BorderFocus: c("#005fd7"),
		Selection: c("#d7e7ff"), StatusBar: c("#e4e4e4"),
		Keyword: c("#8700af"), Function: c("#00878f"), String: c("#5f8700"), Number: c("#af5f00"),
		Placeholder: c("#875f00"), Comment: c("#8a8a8a"),
		Heat:     []color.Color{c("#eef4fa"), c("#cfe3f0"), c("#b5dcc0"), c("#e8e29a"), c("#f0b97a"), c("#e88080")},
		HeatText: c("#202020"), ProgressFull: c("#005fd7"), Progress: c("#d0d0d0"),
	}
	HighContrast = Theme{
		Name: "high-contrast", Dark: true,
		Text: c("#ffffff"), Muted: c("#c0c0c0"), Accent: c("#00ffff"),
		OK: c("#00ff00"), Warn: c("#ffff00"), Err: c("#ff0000"),
		Border: c("#ffffff"), BorderFocus: c("#ffff00"),
		Selection: c("#0000af"), StatusBar: c("#000000"),
		Keyword: c("#ff00ff"), Function: c("#00ffff"), String: c("#00ff00"), Number: c("#ffff00"),
		Placeholder: c("#ffaf00"), Comment: c("#c0c0c0"),
		Heat:     []color.Color{c("#000000"), c("#00005f"), c("#005f00"), c("#878700"), c("#af5f00"), c("#d70000")},
		HeatText: c("#ffffff"), ProgressFull: c("#ffff00"), Progress: c("#444444"),
	}
)

func c(hex string) color.Color { return lipgloss.Color(hex) }

// Names lists the themes --theme accepts.
func Names() []string { return []string{Dark.Name, Light.Name, HighContrast.Name} }

// Named returns a theme by name.
func Named(name string) (Theme, error) {
	switch strings.ToLower(name) {
	case "dark", "":
		return Dark, nil
	case "light":
		return Light, nil
	case "high-contrast", "highcontrast", "hc":
		return HighContrast, nil
	}
	return Theme{}, fmt.Errorf("unknown theme %q (choose %s)", name, strings.Join(Names(), ", "))
}

// NoColorRequested reports whether the NO_COLOR convention asks for no
// colour (https://no-color.org: set and not empty).
func NoColorRequested() bool { return os.Getenv("NO_COLOR") != "" }
