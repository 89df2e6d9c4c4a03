// Package names normalizes and transliterates names of people and
// organizations. It is pure: no I/O, so it is easy to test and to fuzz.
package names

import (
	"strings"
	"unicode"

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
}

// Normalize applies NFKC, case folding, removes diacritics and turns
// punctuation into spaces. It is the base every Form starts from.
func Normalize(s string) string {
	s = norm.NFKC.String(s)
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
			space = false
		} else if !space && b.Len() > 0 {
			b.WriteByte(' ')
			space = true
		}
	}
	return strings.TrimSpace(b.String())
}

// Forms returns the forms of a name worth indexing and comparing. The first
// form is always the plain normalized name.
// SKELETON: the full version adds pinyin, Wade-Giles, transliteration, legal
// forms, name order and acronyms.
func Forms(name string, kind Kind) []Form {
	t := Normalize(name)
	if t == "" {
		return nil
	}
	return []Form{{Text: t, Tokens: strings.Fields(t)}}
}
