package shell

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Display width, without golang.org/x/text.
//
// runeWidth approximates how many terminal cells a rune takes, in the
// spirit of wcwidth(3):
//
//   - 0 for combining and enclosing marks (Mn, Me), format characters (Cf:
//     zero-width space and joiners, variation selectors are Mn), Hangul
//     medial vowels and final consonants, and control characters (which
//     the table escapes before measuring anyway);
//   - 2 for East Asian Wide and Fullwidth characters (Hangul, CJK
//     ideographs and symbols, kana, fullwidth forms, …) and for emoji
//     (the pictograph blocks and the emoji-presentation symbols);
//   - 1 otherwise.
//
// It is an approximation: it does not segment grapheme clusters, so an
// emoji ZWJ sequence counts as the sum of its emoji (overestimating), a
// text-presentation symbol turned into emoji by U+FE0F counts 1, a flag (two
// regional indicators) counts 2, and ambiguous-width characters count 1.
// Terminals differ on these too. An overestimate only leaves a column a
// little wider than needed; the table never relies on widths being exact
// beyond that.

// wideRanges are the ranges of runes of width 2, sorted, inclusive.
var wideRanges = [...][2]rune{
	{0x1100, 0x115F}, // Hangul Jamo initial consonants
	{0x231A, 0x231B}, {0x2329, 0x232A}, {0x23E9, 0x23EC}, {0x23F0, 0x23F0},
	{0x23F3, 0x23F3}, {0x25FD, 0x25FE}, {0x2614, 0x2615}, {0x2648, 0x2653},
	{0x267F, 0x267F}, {0x2693, 0x2693}, {0x26A1, 0x26A1}, {0x26AA, 0x26AB},
	{0x26BD, 0x26BE}, {0x26C4, 0x26C5}, {0x26CE, 0x26CE}, {0x26D4, 0x26D4},
	{0x26EA, 0x26EA}, {0x26F2, 0x26F3}, {0x26F5, 0x26F5}, {0x26FA, 0x26FA},
	{0x26FD, 0x26FD}, {0x2705, 0x2705}, {0x270A, 0x270B}, {0x2728, 0x2728},
	{0x274C, 0x274C}, {0x274E, 0x274E}, {0x2753, 0x2755}, {0x2757, 0x2757},
	{0x2795, 0x2797}, {0x27B0, 0x27B0}, {0x27BF, 0x27BF}, {0x2B1B, 0x2B1C},
	{0x2B50, 0x2B50}, {0x2B55, 0x2B55},
	{0x2E80, 0x303E},   // CJK radicals, Kangxi, ideographic description, CJK symbols and punctuation
	{0x3041, 0x33FF},   // kana, bopomofo, Hangul compatibility jamo, kanbun, CJK strokes, enclosed and compatibility
	{0x3400, 0x4DBF},   // CJK extension A
	{0x4E00, 0x9FFF},   // CJK unified ideographs
	{0xA000, 0xA4CF},   // Yi
	{0xA960, 0xA97F},   // Hangul Jamo extended A
	{0xAC00, 0xD7A3},   // Hangul syllables
	{0xF900, 0xFAFF},   // CJK compatibility ideographs
	{0xFE10, 0xFE19},   // vertical forms
	{0xFE30, 0xFE6F},   // CJK compatibility forms, small form variants
	{0xFF00, 0xFF60},   // fullwidth forms
	{0xFFE0, 0xFFE6},   // fullwidth signs
	{0x16FE0, 0x16FE4}, // ideographic symbols
	{0x17000, 0x18CFF}, // Tangut, Khitan
	{0x1AFF0, 0x1B2FF}, // kana supplement and extensions, Nushu
	{0x1F004, 0x1F004}, {0x1F0CF, 0x1F0CF}, {0x1F18E, 0x1F18E}, {0x1F191, 0x1F19A},
	{0x1F200, 0x1F202}, {0x1F210, 0x1F23B}, {0x1F240, 0x1F248}, {0x1F250, 0x1F251},
	{0x1F260, 0x1F265},
	{0x1F300, 0x1F64F}, // misc symbols and pictographs, emoticons
	{0x1F680, 0x1F6FF}, // transport and map symbols
	{0x1F7E0, 0x1F7EB}, // coloured circles and squares
	{0x1F90C, 0x1F9FF}, // supplemental symbols and pictographs
	{0x1FA70, 0x1FAFF}, // symbols and pictographs extended A
	{0x20000, 0x2FFFD}, // CJK extensions B…F, compatibility supplement
	{0x30000, 0x3FFFD}, // CJK extensions G, H
}

// runeWidth returns the display width of r: 0, 1 or 2 (see above).
func runeWidth(r rune) int {
	switch {
	case r < 0x20 || r == 0x7F:
		return 0
	case r < 0x300:
		if r >= 0x80 && r < 0xA0 {
			return 0 // C1 controls
		}
		return 1 // the fast path: ASCII and Latin-1 (U+00AD soft hyphen shows)
	case r < 0x1100:
		if unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf) {
			return 0
		}
		return 1
	}
	if isWide(r) {
		return 2
	}
	if (r >= 0x1160 && r <= 0x11FF) || (r >= 0xD7B0 && r <= 0xD7FF) ||
		unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf) {
		return 0
	}
	return 1
}

func isWide(r rune) bool {
	lo, hi := 0, len(wideRanges)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		switch {
		case r < wideRanges[m][0]:
			hi = m
		case r > wideRanges[m][1]:
			lo = m + 1
		default:
			return true
		}
	}
	return false
}

// displayWidth returns the number of terminal cells s takes (see
// runeWidth). Invalid UTF-8 bytes count 1 each, as U+FFFD.
func displayWidth(s string) int {
	w := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			// Not pure ASCII from here on.
			for _, r := range s[i:] {
				w += runeWidth(r)
			}
			return w
		}
		if s[i] >= 0x20 && s[i] != 0x7F {
			w++
		}
	}
	return w
}

// truncateWidth returns the longest prefix of s that takes at most max
// display cells, and its width. Zero-width runes that follow the last rune
// kept (combining marks) are kept with it.
func truncateWidth(s string, max int) (string, int) {
	w := 0
	for i, r := range s {
		rw := runeWidth(r)
		if w+rw > max {
			return s[:i], w
		}
		w += rw
	}
	return s, w
}

// needsEscape reports whether the rune must be shown escaped in a table
// cell: control characters, line and paragraph separators, and the bidi
// embedding, override and isolate controls (which would reorder the rest of
// the line on a terminal).
func needsEscape(r rune) bool {
	switch {
	case r < 0x20, r == 0x7F, r >= 0x80 && r < 0xA0:
		return true
	case r == 0x2028, r == 0x2029, r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// EscapeControl returns s with the characters that needsEscape names
// replaced by escapes: \n, \r, \t, \xNN for other C0 controls and DEL,
// \uNNNN for the rest. Invalid UTF-8 bytes become \xNN too. ESC is a C0
// control, so the result never carries a terminal escape sequence: what
// a table or the terminal app shows of stored data cannot drive the
// terminal.
func EscapeControl(s string) string {
	i := 0
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7F {
				break
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || needsEscape(r) {
			break
		}
		i += size
	}
	if i == len(s) {
		return s
	}
	const hex = "0123456789abcdef"
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == utf8.RuneError && size == 1, r < 0x20, r == 0x7F:
			c := s[i]
			b.WriteString(`\x`)
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0xF])
		case needsEscape(r):
			b.WriteString(`\u`)
			b.WriteByte(hex[r>>12&0xF])
			b.WriteByte(hex[r>>8&0xF])
			b.WriteByte(hex[r>>4&0xF])
			b.WriteByte(hex[r&0xF])
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}
