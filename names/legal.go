package names

import "strings"

// Legal forms are weak evidence when comparing organization names: "Rosneft
// OAO" and "Rosneft PJSC" are the same company. Each written form maps to one
// canonical token, so that match can compare them or drop them.
//
// Canonical tokens: ltd, llc, jsc, plc, inc, corp, co, gmbh, ag, sa, srl,
// llp, lp, bv, nv, spa, kg, ab, oy, as, group, holding.
var legalPhrases = map[string]string{
	// Limited companies; "Co., Ltd." and 有限公司 are both "company limited".
	"ltd": "ltd", "limited": "ltd", "co ltd": "ltd", "company limited": "ltd",
	"co limited": "ltd", "company ltd": "ltd", "pte ltd": "ltd", "pty ltd": "ltd",
	"private limited": "ltd", "pvt ltd": "ltd", "sdn bhd": "ltd", "bhd": "ltd",
	"kk": "ltd", "kabushiki kaisha": "ltd", "有限公司": "ltd",
	// Limited liability companies, incl. Russian ООО, Ukrainian ТОВ, Kazakh ТОО.
	"llc": "llc", "limited liability company": "llc", "ooo": "llc", "ооо": "llc",
	"tov": "llc", "тов": "llc", "too": "llc", "тоо": "llc", "sro": "llc",
	"sp z oo": "llc", "有限责任公司": "llc",
	// Joint-stock companies, incl. Russian АО / ОАО / ЗАО / ПАО.
	"jsc": "jsc", "ojsc": "jsc", "cjsc": "jsc", "pjsc": "jsc", "joint stock company": "jsc",
	"open joint stock company": "jsc", "closed joint stock company": "jsc",
	"public joint stock company": "jsc", "oao": "jsc", "zao": "jsc", "pao": "jsc",
	"ao": "jsc", "оао": "jsc", "зао": "jsc", "пао": "jsc", "ао": "jsc", "пат": "jsc",
	"ват": "jsc", "зат": "jsc", "股份有限公司": "jsc", "股份公司": "jsc",
	"plc": "plc", "public limited company": "plc",
	"inc": "inc", "incorporated": "inc",
	"corp": "corp", "corporation": "corp",
	"co": "co", "company": "co", "公司": "co",
	"gmbh": "gmbh", "gesellschaft mit beschrankter haftung": "gmbh",
	"ag": "ag", "aktiengesellschaft": "ag",
	"sa": "sa", "societe anonyme": "sa", "sociedad anonima": "sa", "sa de cv": "sa",
	"srl": "srl", "sarl": "srl", "sas": "sa",
	"llp": "llp", "limited liability partnership": "llp",
	"lp": "lp", "limited partnership": "lp",
	"bv": "bv", "nv": "nv", "spa": "spa", "kg": "kg", "ab": "ab", "oy": "oy", "as": "as",
	"group": "group", "集团": "group",
	"holding": "holding", "holdings": "holding", "控股": "holding",
}

// ambiguousLegal lists legal forms that are also ordinary words or name
// parts; they count only at the start or end of a name.
var ambiguousLegal = map[string]bool{
	"co": true, "company": true, "ao": true, "sa": true, "ag": true, "as": true,
	"ab": true, "oy": true, "kg": true, "bv": true, "nv": true, "spa": true,
	"lp": true, "too": true, "group": true, "holding": true, "holdings": true,
	"kk": true, "sas": true, "tov": true, "limited": true,
}

// hanLegalSuffixes are legal forms written without spaces at the end of a
// Han name, longest first so that 股份有限公司 wins over 有限公司.
var hanLegalSuffixes = []string{"股份有限公司", "有限责任公司", "有限公司", "股份公司", "公司", "集团", "控股"}

const (
	maxLegalPhrase = 5 // tokens in the longest legal phrase
	maxLegalForms  = 4 // legal forms stripped per side of a name
)

// CanonicalLegalForm returns the canonical token for a normalized legal
// form ("co ltd" -> "ltd", "оао" -> "jsc") and whether it is one.
func CanonicalLegalForm(phrase string) (string, bool) {
	c, ok := legalPhrases[phrase]
	return c, ok
}

// IsLegalForm reports whether a single normalized token is a canonical or
// written legal form.
func IsLegalForm(token string) bool {
	_, ok := legalPhrases[token]
	return ok
}

// StripLegalForms splits normalized tokens into the core name and the
// canonical legal forms found at its start, its end, or (for unambiguous
// ones such as "ltd" or "gmbh") in between. Han legal suffixes glued to the
// last token (华为技术有限公司) are split off too. The core is never emptied:
// "Limited" alone stays a name.
func StripLegalForms(tokens []string) (core []string, forms []string) {
	pre, core, suf := splitLegal(tokens, false)
	forms = append(pre, suf...)
	return core, forms
}

// splitLegal returns the canonical prefix forms, the core and the canonical
// suffix forms, in reading order.
// With strict set, forms that are also ordinary words ("co", "ao", "sa")
// are not recognized: used when the name may be a person's.
func splitLegal(tokens []string, strict bool) (prefix, core, suffix []string) {
	core = tokens
	// Han suffixes glued to the last token.
	for changed, k := true, 0; changed && len(core) > 0 && k < maxLegalForms; k++ {
		changed = false
		last := core[len(core)-1]
		for _, sfx := range hanLegalSuffixes {
			if len(last) > len(sfx) && strings.HasSuffix(last, sfx) {
				c := make([]string, len(core))
				copy(c, core)
				c[len(c)-1] = last[:len(last)-len(sfx)]
				core = c
				suffix = append([]string{legalPhrases[sfx]}, suffix...)
				changed = true
				break
			}
		}
	}
	// Separate tokens at the end. A real name has few legal forms; the
	// bounds keep pathological input linear.
	for k := 0; k < maxLegalForms && len(core) > 1; k++ {
		n, canon := matchLegal(core, len(core), false)
		if n == 0 || n == len(core) || strict && ambiguousLegal[strings.Join(core[len(core)-n:], " ")] {
			break
		}
		core = core[:len(core)-n]
		suffix = append([]string{canon}, suffix...)
	}
	// At the start.
	for k := 0; k < maxLegalForms && len(core) > 1; k++ {
		n, canon := matchLegal(core, 0, true)
		if n == 0 || n == len(core) || strict && ambiguousLegal[strings.Join(core[:n], " ")] {
			break
		}
		core = core[n:]
		prefix = append(prefix, canon)
	}
	// Unambiguous forms inside ("Huawei Co Ltd Shenzhen Branch").
	for i, k := 1, 0; i < len(core)-1 && k < maxLegalForms; i++ {
		n, canon := matchLegal(core[i:], 0, true)
		if n == 0 || ambiguousLegal[strings.Join(core[i:i+n], " ")] {
			continue
		}
		c := append(append([]string{}, core[:i]...), core[i+n:]...)
		core = c
		suffix = append(suffix, canon)
		i--
		k++
	}
	return prefix, core, suffix
}

// matchLegal finds the longest legal phrase starting at tokens[at] (forward)
// or ending at tokens[at-1] (backward) and returns its length in tokens.
func matchLegal(tokens []string, at int, forward bool) (int, string) {
	for n := min(maxLegalPhrase, len(tokens)); n >= 1; n-- {
		var phrase []string
		if forward {
			if at+n > len(tokens) {
				continue
			}
			phrase = tokens[at : at+n]
		} else {
			if at-n < 0 {
				continue
			}
			phrase = tokens[at-n : at]
		}
		key := phrase[0]
		if n > 1 {
			key = strings.Join(phrase, " ")
		}
		if c, ok := legalPhrases[key]; ok {
			return n, c
		}
	}
	return 0, ""
}

// acronymStopwords are skipped when forming an acronym.
var acronymStopwords = map[string]bool{
	"of": true, "the": true, "and": true, "for": true, "de": true, "del": true,
	"della": true, "des": true, "du": true, "la": true, "le": true, "les": true,
	"los": true, "las": true, "el": true, "da": true, "do": true, "dos": true,
	"di": true, "der": true, "die": true, "das": true, "und": true, "fur": true,
	"in": true, "on": true, "at": true, "a": true, "an": true, "y": true,
	"et": true, "e": true, "i": true, "to": true, "by": true, "with": true,
}

// Acronym returns the initials of the significant words of a normalized
// name: "chinese academy of sciences" -> "cas". Stop words (of, the, and,
// for, de, ...) are skipped; a token of digits contributes whole. It returns
// "" when fewer than two words count.
func Acronym(tokens []string) string {
	var b strings.Builder
	n := 0
	for _, t := range tokens {
		if t == "" || acronymStopwords[t] {
			continue
		}
		if t[0] >= '0' && t[0] <= '9' {
			b.WriteString(t)
		} else {
			for _, r := range t {
				b.WriteRune(r)
				break
			}
		}
		n++
	}
	if n < 2 {
		return ""
	}
	return b.String()
}
