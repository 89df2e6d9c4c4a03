// Package names normalizes and transliterates names of people and
// organizations. It is pure: no I/O, so it is easy to test and to fuzz.
package names

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Kind tells normalization what sort of name it is reading; person names
// get name-order and surname handling, organization names legal forms and
// acronyms.
type Kind int

const (
	Unknown Kind = iota
	Person
	Organization
)

// Form is one normalized form of a name with the transformations that
// produced it, so that a match can explain itself.
type Form struct {
	Text   string   // the tokens joined by single spaces
	Tokens []string // lower-case ASCII (or Han when no reading applies) tokens
	Steps  []string // e.g. "pinyin of 中国科学院 = zhong guo ke xue yuan"
	// How the form was derived, for scoring; Steps say the same in words
	// for people, and rewording them changes no score.
	Derivation
	// Surnames is, in a form reordered from "LAST, First", how many of
	// its last tokens were the surname part; 0 when not known.
	Surnames int
}

// Derivation tells how a form was made from its name.
type Derivation struct {
	Reordered bool // "LAST, First" turned into "first last"
	Reading   bool // pinyin of Han characters, Wade-Giles/Cantonese read as pinyin, or romanized Hangul: syllables are exact
	Acronym   bool // the initials of the name's words
	Vowelless bool // unidecode of an abjad (Arabic, Hebrew): vowels lost
}

// MaxForms bounds the number of forms Forms returns, so that an index over
// many names stays small and a query stays fast.
const MaxForms = 8

// Normalize applies NFKC, case folding, removes diacritics and turns
// punctuation into spaces. Apostrophes are dropped inside words ("O'Brien" ->
// "obrien") and dotted initials are joined ("S.A." -> "sa", "U.S.A." ->
// "usa"). A boundary between Han and Latin letters becomes a space. Combining
// marks are removed only after Latin, Greek, Cyrillic, Arabic and Hebrew
// letters, where they are accents or vowel points; in Indic and other scripts
// they are part of the letters and are kept.
func Normalize(s string) string {
	ascii := isASCII(s)
	if !ascii {
		s = norm.NFD.String(norm.NFKC.String(s))
	}
	var b strings.Builder
	b.Grow(len(s))
	pendingSpace := false
	segment := 0 // letters since the last separator or joining dot
	var last rune = -1
	stripMarks := false
	for i, r := range s {
		switch {
		case r < utf8.RuneSelf && ('a' <= r && r <= 'z' || '0' <= r && r <= '9'),
			r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)),
			'A' <= r && r <= 'Z':
			if pendingSpace && b.Len() > 0 {
				b.WriteByte(' ')
				segment = 0
			} else if last >= 0 && b.Len() > 0 && hanLatinBoundary(last, r) {
				b.WriteByte(' ')
				segment = 0
			}
			pendingSpace = false
			if r >= utf8.RuneSelf {
				stripMarks = unicode.In(r, unicode.Latin, unicode.Greek, unicode.Cyrillic, unicode.Arabic, unicode.Hebrew)
			} else {
				stripMarks = true
			}
			writeFolded(&b, r)
			segment++
			last = r
		case unicode.Is(unicode.M, r):
			if last < 0 || pendingSpace || stripMarks && !letterMark(last, r) {
				continue
			}
			if unicode.Is(unicode.Mn, r) && isHan(last) {
				continue
			}
			b.WriteRune(r)
		case isApostrophe(r):
			// Dropped: "O'Brien" is usually also written "OBrien".
		case r == '.' && segment == 1 && !pendingSpace && nextIsInitial(s[i+1:]):
			segment = 0 // "S.A." -> "sa"
		default:
			pendingSpace = true
		}
	}
	out := b.String()
	if !ascii {
		out = norm.NFC.String(out)
	}
	return out
}

// nextIsInitial reports whether s starts with a single letter followed by a
// non-letter (or the end), as in the "A." of "S.A.".
func nextIsInitial(s string) bool {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || !unicode.IsLetter(r) || isHan(r) {
		return false
	}
	r2, n2 := utf8.DecodeRuneInString(s[n:])
	return n2 == 0 || !unicode.IsLetter(r2) && !unicode.Is(unicode.M, r2)
}

// letterMark reports whether mark on base makes a letter of its own rather
// than an accent: Cyrillic й and ў (breve), Ukrainian ї (diaeresis).
func letterMark(base, mark rune) bool {
	switch mark {
	case 0x306:
		return base == 'и' || base == 'И' || base == 'у' || base == 'У'
	case 0x308:
		return base == 'і' || base == 'І'
	}
	return false
}

func writeFolded(b *strings.Builder, r rune) {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		b.WriteByte(byte(r))
		return
	}
	switch r {
	case 'ß', 'ẞ':
		b.WriteString("ss")
		return
	case 'ς':
		r = 'σ'
	case 'ı':
		r = 'i'
	}
	b.WriteRune(unicode.ToLower(r))
}

func isApostrophe(r rune) bool {
	switch r {
	case '\'', '’', '‘', 'ʼ', 'ʻ', '`', '´':
		return true
	}
	return false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// hanLatinBoundary reports whether a space belongs between a and b: Han
// runs are kept apart from Latin letters and digits ("华为Huawei"), but not
// from kana, which mixes with Han inside Japanese words.
func hanLatinBoundary(a, b rune) bool {
	ha, hb := isHan(a), isHan(b)
	if ha == hb {
		return false
	}
	other := a
	if ha {
		other = b
	}
	return other < utf8.RuneSelf || unicode.Is(unicode.Latin, other)
}

func isHan(r rune) bool {
	return r >= 0x2E80 && unicode.Is(unicode.Han, r)
}

// Script names the dominant writing system of s by its letters: "Latin",
// "Han", "Cyrillic", "Greek", "Arabic", "Hebrew", "Hangul", "Japanese"
// (kana), another Unicode script name, or "" when s has no letters.
func Script(s string) string {
	counts := map[string]int{}
	best, bestN := "", 0
	for _, r := range s {
		if !unicode.IsLetter(r) {
			continue
		}
		name := scriptOf(r)
		counts[name]++
		if counts[name] > bestN {
			best, bestN = name, counts[name]
		}
	}
	return best
}

var otherScripts = []string{"Armenian", "Georgian", "Devanagari", "Bengali", "Kannada", "Tamil", "Telugu", "Malayalam", "Gujarati", "Gurmukhi", "Thai", "Lao", "Khmer", "Myanmar", "Ethiopic", "Sinhala", "Tibetan", "Mongolian", "Syriac", "Thaana"}

func scriptOf(r rune) string {
	switch {
	case r < utf8.RuneSelf || unicode.Is(unicode.Latin, r):
		return "Latin"
	case isHan(r):
		return "Han"
	case unicode.Is(unicode.Cyrillic, r):
		return "Cyrillic"
	case unicode.Is(unicode.Greek, r):
		return "Greek"
	case unicode.Is(unicode.Arabic, r):
		return "Arabic"
	case unicode.Is(unicode.Hebrew, r):
		return "Hebrew"
	case unicode.Is(unicode.Hangul, r):
		return "Hangul"
	case unicode.In(r, unicode.Hiragana, unicode.Katakana):
		return "Japanese"
	}
	for _, name := range otherScripts {
		if unicode.Is(unicode.Scripts[name], r) {
			return name
		}
	}
	return "Other"
}
