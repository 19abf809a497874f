package mathml

// font is the alphabet that letters are set in: \mathrm, \mathbf and the
// others change it for their argument.
type font int

const (
	fontItalic     font = iota // the default for letters: each letter its own <mi>
	fontRoman                  // \mathrm: upright; a run of letters is one <mi>
	fontBold                   // \mathbf: upright bold
	fontItalicWord             // \mathit: italic, a run of letters is one <mi>
	fontDouble                 // \mathbb: double-struck (blackboard bold)
	fontScript                 // \mathcal: calligraphic
	fontSans                   // \mathsf: sans-serif
	fontMono                   // \mathtt: monospace
)

// fontCommands maps the font commands to their font.
var fontCommands = map[string]font{
	"mathrm": fontRoman, "mathbf": fontBold, "mathit": fontItalicWord,
	"mathbb": fontDouble, "mathcal": fontScript, "mathsf": fontSans,
	"mathtt": fontMono,
}

// alphabet gives where a font's letters and digits start in Unicode's
// Mathematical Alphanumeric Symbols block (0 when the font has no digits),
// and the letters that sit elsewhere because Unicode had them before.
type alphabet struct {
	upper, lower, digit rune
	holes               map[rune]rune
}

var alphabets = map[font]alphabet{
	fontBold:       {0x1D400, 0x1D41A, 0x1D7CE, nil},
	fontItalicWord: {0x1D434, 0x1D44E, 0, map[rune]rune{'h': 'ℎ'}},
	fontDouble: {0x1D538, 0x1D552, 0x1D7D8, map[rune]rune{
		'C': 'ℂ', 'H': 'ℍ', 'N': 'ℕ', 'P': 'ℙ', 'Q': 'ℚ', 'R': 'ℝ', 'Z': 'ℤ'}},
	fontScript: {0x1D49C, 0x1D4B6, 0, map[rune]rune{
		'B': 'ℬ', 'E': 'ℰ', 'F': 'ℱ', 'H': 'ℋ', 'I': 'ℐ', 'L': 'ℒ', 'M': 'ℳ',
		'R': 'ℛ', 'e': 'ℯ', 'g': 'ℊ', 'o': 'ℴ'}},
	fontSans: {0x1D5A0, 0x1D5BA, 0x1D7E2, nil},
	fontMono: {0x1D670, 0x1D68A, 0x1D7F6, nil},
}

// styled returns r set in font f. Characters the font has no glyph for (Greek
// in \mathbb, say) come back unchanged.
func styled(f font, r rune) rune {
	a, ok := alphabets[f]
	if !ok {
		return r
	}
	if h, ok := a.holes[r]; ok {
		return h
	}
	switch {
	case r >= 'A' && r <= 'Z':
		return a.upper + r - 'A'
	case r >= 'a' && r <= 'z':
		return a.lower + r - 'a'
	case r >= '0' && r <= '9' && a.digit != 0:
		return a.digit + r - '0'
	}
	return r
}
