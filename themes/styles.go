package themes

import (
	"image/color"

	"charm.land/lipgloss/v2"
)

// Styles are a theme built into lipgloss styles once; panes take them as a
// value and never build styles while rendering.
type Styles struct {
	Theme   Theme
	NoColor bool

	// Panes: the outer frame (border included) and its title.
	Pane, PaneFocused   lipgloss.Style
	Title, TitleFocused lipgloss.Style

	Text, Muted, Accent lipgloss.Style
	OK, Warn, Err       lipgloss.Style
	Bold                lipgloss.Style
	Selected            lipgloss.Style // a selected row or cell

	// Health badges.
	BadgeHealthy, BadgeDegraded, BadgeUnhealthy lipgloss.Style

	// Syntax highlighting of statements.
	Keyword, Function, String, Number, Placeholder, Comment, ErrorToken lipgloss.Style

	// Heat map cells, cool to hot.
	Heat []lipgloss.Style

	// The help bar and tabs.
	HelpKey, HelpDesc, HelpSep lipgloss.Style
	TabActive, TabInactive     lipgloss.Style
	StatusBar                  lipgloss.Style

	// Progress bars.
	ProgressFull, ProgressEmpty lipgloss.Style
}

// HeatGlyphs stand in for heat colours when there is no colour: one per
// level, cool to hot.
var HeatGlyphs = []string{"·", "░", "▒", "▓", "█", "█"}

// NewStyles builds a theme's styles. With noColor every style is free of
// colour (bold and reverse video remain).
func NewStyles(t Theme, noColor bool) Styles {
	fg := func(col color.Color) lipgloss.Style {
		s := lipgloss.NewStyle()
		if !noColor {
			s = s.Foreground(col)
		}
		return s
	}
	s := Styles{Theme: t, NoColor: noColor}
	border := lipgloss.RoundedBorder()
	s.Pane = lipgloss.NewStyle().Border(border)
	s.PaneFocused = lipgloss.NewStyle().Border(lipgloss.ThickBorder())
	if !noColor {
		s.Pane = s.Pane.BorderForeground(t.Border)
		s.PaneFocused = s.PaneFocused.BorderForeground(t.BorderFocus)
	}
	s.Title = fg(t.Muted).Bold(true)
	s.TitleFocused = fg(t.Accent).Bold(true)
	s.Text = fg(t.Text)
	s.Muted = fg(t.Muted)
	s.Accent = fg(t.Accent)
	s.OK = fg(t.OK)
	s.Warn = fg(t.Warn).Bold(true)
	s.Err = fg(t.Err).Bold(true)
	s.Bold = lipgloss.NewStyle().Bold(true)
	s.Selected = lipgloss.NewStyle().Reverse(true)
	if !noColor {
		s.Selected = lipgloss.NewStyle().Background(t.Selection).Foreground(t.Text)
	}
	badge := func(col color.Color) lipgloss.Style {
		b := lipgloss.NewStyle().Bold(true).Padding(0, 1)
		if noColor {
			return b.Reverse(true)
		}
		return b.Background(col).Foreground(lipgloss.Color("#000000"))
	}
	s.BadgeHealthy, s.BadgeDegraded, s.BadgeUnhealthy = badge(t.OK), badge(t.Warn), badge(t.Err)
	s.Keyword = fg(t.Keyword).Bold(true)
	s.Function = fg(t.Function)
	s.String = fg(t.String)
	s.Number = fg(t.Number)
	s.Placeholder = fg(t.Placeholder)
	s.Comment = fg(t.Comment).Italic(true)
	s.ErrorToken = fg(t.Err).Underline(true)
	for _, h := range t.Heat {
		st := lipgloss.NewStyle()
		if !noColor {
			st = st.Background(h).Foreground(t.HeatText)
		}
		s.Heat = append(s.Heat, st)
	}
	s.HelpKey = fg(t.Accent).Bold(true)
	s.HelpDesc = fg(t.Muted)
	s.HelpSep = fg(t.Border)
	s.TabActive = fg(t.Accent).Bold(true).Underline(true)
	s.TabInactive = fg(t.Muted)
	s.StatusBar = fg(t.Muted)
	s.ProgressFull = fg(t.ProgressFull)
	s.ProgressEmpty = fg(t.Progress)
	return s
}
