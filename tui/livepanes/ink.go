package livepanes

import (
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/keystonedb/kstone-shell/themes"
)

// ink is a style reduced to the escape sequences around its text, taken
// from lipgloss once per pane. Style.Render costs about 10 µs (it checks
// borders, margins, widths…) and a frame has hundreds of styled runs, so
// panes paint with ink instead. Only for styles without padding, margins,
// borders or sizes: TestInkMatchesLipgloss pins the equivalence.
type ink struct{ pre, post string }

func newInk(s lipgloss.Style) ink {
	out := s.Render("x")
	i := strings.IndexByte(out, 'x') // SGR sequences hold no 'x'
	if i < 0 {
		return ink{}
	}
	return ink{out[:i], out[i+1:]}
}

// Render paints s; the empty string stays empty.
func (k ink) Render(s string) string {
	if s == "" || k.pre == "" && k.post == "" {
		return s
	}
	return k.pre + s + k.post
}

// palette is the inks of the Styles the panes draw with.
type palette struct {
	Text, Muted, Accent, OK, Warn, Err, Bold, Selected ink
	ProgressFull, ProgressEmpty                        ink
	Heat                                               []ink
}

func newPalette(st themes.Styles) palette {
	p := palette{
		Text: newInk(st.Text), Muted: newInk(st.Muted), Accent: newInk(st.Accent),
		OK: newInk(st.OK), Warn: newInk(st.Warn), Err: newInk(st.Err), Bold: newInk(st.Bold),
		Selected:     newInk(st.Selected),
		ProgressFull: newInk(st.ProgressFull), ProgressEmpty: newInk(st.ProgressEmpty),
	}
	for _, h := range st.Heat {
		p.Heat = append(p.Heat, newInk(h))
	}
	return p
}
