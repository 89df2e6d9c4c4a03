package names

import (
	"strings"
	"unicode/utf8"
)

// formSet collects distinct forms up to MaxForms.
type formSet struct {
	forms []Form
}

func (fs *formSet) add(text string, d Derivation, steps ...string) bool {
	if text == "" || len(fs.forms) >= MaxForms {
		return false
	}
	for _, f := range fs.forms {
		if f.Text == text {
			return false
		}
	}
	fs.forms = append(fs.forms, Form{Text: text, Tokens: strings.Fields(text), Steps: steps, Derivation: d})
	return true
}

func (fs *formSet) full() bool { return len(fs.forms) >= MaxForms }

// Forms returns the forms of a name worth indexing and comparing, at most
// MaxForms. The first form is always the plain normalized name; the others
// are variants, each with Steps saying how it was derived:
//
//   - "LAST, First" reordered as "first last" (persons, and unknown names
//     whose part after the comma is not a legal form);
//   - Han: Simplified characters, pinyin (persons: "xi jinping" and
//     "jinping xi"; otherwise one token per syllable), legal suffixes
//     canonicalized; organizations read in English from their
//     segmentation ("huawei technology co ltd", "harbin institute of
//     technology", see hanorg.go);
//   - Hangul: North Korean spelling and Revised Romanization, given name
//     joined ("kim jongun", "gim jeongeun", see hangul.go);
//   - Cyrillic, Greek, Arabic, Hebrew and other scripts: transliterations
//     (unidecode plus the common spelling schemes; Arabic also with its
//     short vowels restored, "ayman al zawahari", and Persian read as
//     Iranian names are spelled, "qasem", "rouhani");
//   - Wade-Giles and Cantonese spellings read as pinyin ("Hsi Chin-ping" ->
//     "xi jinping");
//   - organizations: legal forms canonicalized ("rosneft oao" -> "rosneft
//     jsc") and the acronym ("cas").
func Forms(name string, kind Kind) []Form {
	plain := Normalize(name)
	if plain == "" {
		return nil
	}
	fs := formSet{forms: make([]Form, 0, 4)}
	fs.add(plain, Derivation{})
	base, baseSteps, baseD := plain, []string(nil), Derivation{}
	if kind != Organization {
		if re, surnames, ok := reorderComma(name, kind); ok && fs.add(re, Derivation{Reordered: true}, `"LAST, First" order: `+plain+" = "+re) {
			base, baseSteps, baseD = re, fs.forms[len(fs.forms)-1].Steps, Derivation{Reordered: true}
			fs.forms[len(fs.forms)-1].Surnames = surnames
		}
	}
	latin := base // the Latin-script form legal forms and acronyms work on
	latinSteps, latinD := baseSteps, baseD
	switch {
	case hasHan(base):
		latin, latinSteps = hanForms(&fs, base, baseSteps, baseD, kind)
	case Script(base) == "Hangul" && kind != Organization:
		latin, latinSteps = hangulForms(&fs, base, baseSteps, baseD)
		if latin == "" {
			latin, latinSteps, latinD = scriptForms(&fs, base, baseSteps, baseD)
		}
	case !isASCII(base):
		latin, latinSteps, latinD = scriptForms(&fs, base, baseSteps, baseD)
	case kind != Organization:
		romanizationForms(&fs, name, plain, baseSteps, baseD, kind)
	}
	if latin == "" || kind == Person || fs.full() {
		return fs.forms
	}
	tokens := strings.Fields(latin)
	pre, core, suf := splitLegal(tokens, kind != Organization)
	if len(pre)+len(suf) > 0 {
		t := strings.Join(append(append(append([]string{}, pre...), core...), suf...), " ")
		fs.add(t, latinD, appendStep(latinSteps, "legal forms canonicalized: "+latin+" = "+t)...)
	}
	if kind == Organization && isASCII(latin) {
		// Two-letter acronyms match too much to be worth a form.
		if a := Acronym(core); len(a) >= 3 {
			ad := latinD
			ad.Acronym = true
			fs.add(a, ad, appendStep(latinSteps, "acronym of "+strings.Join(core, " ")+" = "+a)...)
		}
	}
	return fs.forms
}

func appendStep(steps []string, more ...string) []string {
	out := make([]string, 0, len(steps)+len(more))
	return append(append(out, steps...), more...)
}

// reorderComma turns "SALEK, ABDULHAI" into "abdulhai salek". It applies to
// names with exactly one comma; for unknown kinds, not when the part after
// the comma is a legal form ("Acme, Inc.").
func reorderComma(name string, kind Kind) (string, int, bool) {
	i := strings.IndexByte(name, ',')
	if i < 0 {
		i = strings.Index(name, "，") // full-width comma
		if i < 0 {
			return "", 0, false
		}
		name = name[:i] + "," + name[i+len("，"):]
	}
	if strings.IndexByte(name[i+1:], ',') >= 0 {
		return "", 0, false
	}
	last, first := Normalize(name[:i]), Normalize(name[i+1:])
	if last == "" || first == "" {
		return "", 0, false
	}
	if kind == Unknown {
		ft := strings.Fields(first)
		if n, _ := matchLegal(ft, 0, true); n > 0 {
			return "", 0, false
		}
	}
	return first + " " + last, len(strings.Fields(last)), true
}

// scriptForms adds transliterations of non-Latin, non-Han text and returns
// the first Latin form with its steps.
func scriptForms(fs *formSet, base string, baseSteps []string, baseD Derivation) (string, []string, Derivation) {
	script := Script(base)
	type variant struct{ text, scheme string }
	var vs []variant
	switch script {
	case "Latin":
		// Accented Latin is already folded by Normalize; what remains
		// (ø, đ, ł, þ ...) unidecode handles.
		vs = []variant{{latinize(base), "unidecode"}}
	case "Cyrillic":
		vs = []variant{
			{latinize(base), "unidecode"},
			{cyrillicScheme(base, false), "BGN/PCGN"},
			{cyrillicScheme(base, true), "informal"},
		}
	case "Greek":
		vs = []variant{
			{greekScheme(base, true), "modern, foreign-name"},
			{greekScheme(base, false), "modern"},
			{latinize(base), "unidecode"},
		}
	case "Arabic":
		a := arabicScheme(base)
		vs = []variant{{a, "vowel letters"}, {arabicVowelled(a), "short vowels restored"}, {foreignArabic(a), "foreign name: f=v, b=p"}, {latinize(base), "unidecode"}}
		if isPersian(base) {
			p := persianScheme(base)
			vs = append(vs[:2], append([]variant{{p, "Persian"}, {persianVowelled(p), "Persian, short vowels restored"}}, vs[2:]...)...)
		}
	case "Hebrew":
		vs = []variant{{hebrewScheme(base), "vowel letters"}, {latinize(base), "unidecode"}}
	case "Armenian":
		l := latinize(base)
		vs = []variant{{l, "unidecode"}, {strings.ReplaceAll(l, "ow", "u"), "ու = u"}}
	default:
		l := latinize(base)
		vs = []variant{{l, "unidecode"}}
		if brahmic[script] {
			vs = append(vs, variant{collapseLongVowels(l), "long vowels shortened"})
		}
	}
	first, firstSteps, firstD := "", []string(nil), baseD
	for _, v := range vs {
		if v.text == "" || !isASCII(v.text) {
			continue
		}
		d := baseD
		d.Vowelless = v.scheme == "unidecode" && (script == "Arabic" || script == "Hebrew")
		steps := appendStep(baseSteps, "transliterated ("+script+", "+v.scheme+"): "+base+" = "+v.text)
		fs.add(v.text, d, steps...)
		if first == "" {
			first, firstSteps, firstD = v.text, steps, d
		}
	}
	return first, firstSteps, firstD
}

// hanForms adds the Simplified and pinyin forms of a name with Han
// characters and returns the main pinyin form with its steps.
func hanForms(fs *formSet, base string, baseSteps []string, baseD Derivation, kind Kind) (string, []string) {
	simp := toSimplified(base)
	steps := baseSteps
	if simp != base {
		steps = appendStep(baseSteps, "traditional to simplified: "+base+" = "+simp)
		fs.add(simp, baseD, steps...)
	}
	tokens := strings.Fields(simp)
	han := ""
	allHanTokens := true
	for _, t := range tokens {
		if !allHan(t) {
			allHanTokens = false
			break
		}
	}
	if allHanTokens {
		han = strings.Join(tokens, "")
	}
	reading := baseD
	reading.Reading = true
	n := utf8.RuneCountInString(han)
	person := kind == Person && n >= 2 && n <= 4
	if kind == Unknown && (n == 2 || n == 3 || n == 4 && len(han) >= 6 && compoundSurnames[han[:6]] != "") && !looksHanOrg(han) {
		person = true
	}
	if person {
		if sur, given, surPy, givenPy, ok := hanPersonName(han); ok {
			syll := append(pinyinSyllables(sur), givenPy...)
			if _, c := compoundSurnames[sur]; !c {
				syll[0] = surPy
			}
			sylText := strings.Join(syll, " ")
			g := strings.Join(givenPy, "")
			py := appendStep(steps, "pinyin of "+han+" = "+sylText,
				"surname "+sur+" = "+surPy+", given name "+given+" = "+g)
			main := surPy + " " + g
			fs.add(main, reading, py...)
			fs.add(g+" "+surPy, reading, appendStep(py, "given name first: "+g+" "+surPy)...)
			fs.add(sylText, reading, appendStep(steps, "pinyin of "+han+" = "+sylText)...)
			return main, py
		}
	}
	// Organizations and longer names: one token per syllable.
	var sb strings.Builder
	var joined []string
	for i, t := range tokens {
		if i > 0 {
			sb.WriteByte(' ')
		}
		if hasHan(t) {
			sy := pinyinSyllables(t)
			sb.WriteString(strings.Join(sy, " "))
			joined = append(joined, strings.Join(sy, ""))
		} else {
			sb.WriteString(t)
			joined = append(joined, t)
		}
	}
	text := sb.String()
	py := appendStep(steps, "pinyin of "+simp+" = "+text)
	fs.add(text, reading, py...)
	if len(tokens) > 1 && kind != Organization {
		// Foreign names written in Han separate words with "·"
		// (弗拉基米尔·普京): each word's syllables belong together.
		j := strings.Join(joined, " ")
		fs.add(j, reading, appendStep(py, "syllables joined per word: "+j)...)
	}
	if kind != Person {
		pre, core, suf := splitLegal(tokens, kind != Organization)
		if len(pre)+len(suf) > 0 {
			var cb strings.Builder
			for _, t := range pre {
				cb.WriteString(t)
				cb.WriteByte(' ')
			}
			for _, t := range core {
				if hasHan(t) {
					cb.WriteString(strings.Join(pinyinSyllables(t), " "))
				} else {
					cb.WriteString(t)
				}
				cb.WriteByte(' ')
			}
			for _, t := range suf {
				cb.WriteString(t)
				cb.WriteByte(' ')
			}
			c := strings.TrimSpace(cb.String())
			fs.add(c, reading, appendStep(py, "legal forms canonicalized: "+strings.Join(core, " ")+" + "+strings.Join(append(pre, suf...), " ")+" = "+c)...)
		}
	}
	if kind != Person && han != "" {
		hanOrgForms(fs, han, steps, baseD)
	}
	// Legal forms and acronyms were handled above on the Han text.
	return "", nil
}

// romanizationForms adds pinyin readings of Latin-script Chinese names:
// Wade-Giles and Cantonese spellings, and pinyin given names whose syllables
// were written apart ("Xi Jin-ping", "Xi Jin Ping" -> "xi jinping").
func romanizationForms(fs *formSet, name, plain string, baseSteps []string, baseD Derivation, kind Kind) {
	// Quick rejection keeps Latin names fast: a Chinese name has at most
	// four words of at most six letters per syllable.
	n := 0
	for _, t := range strings.Fields(plain) {
		if len(t) > 7 {
			return
		}
		n++
	}
	if n > 8 {
		return
	}
	words, ok := romanWords(name)
	if !ok {
		return
	}
	if first, second, ok := chineseReadings(words); ok {
		reading := baseD
		reading.Reading = true
		t := strings.Join(first, " ")
		fs.add(t, reading, appendStep(baseSteps, "Wade-Giles/Cantonese read as pinyin: "+plain+" = "+t)...)
		if second != nil {
			t2 := strings.Join(second, " ")
			fs.add(t2, reading, appendStep(baseSteps, "Wade-Giles/Cantonese read as pinyin (alternative readings): "+plain+" = "+t2)...)
		}
	}
	// Already pinyin: join the syllables of a given name.
	allPinyin, hyphen := true, false
	var joined []string
	for _, w := range words {
		var sb strings.Builder
		for _, s := range w {
			if !pinyinSet[s.text] {
				allPinyin = false
			}
			sb.WriteString(s.text)
		}
		if len(w) > 1 {
			hyphen = true
		}
		joined = append(joined, sb.String())
	}
	if !allPinyin {
		return
	}
	if hyphen {
		t := strings.Join(joined, " ")
		fs.add(t, baseD, appendStep(baseSteps, "pinyin syllables of a hyphenated name joined: "+t)...)
	} else if kind == Person && len(joined) == 3 {
		t := joined[0] + " " + joined[1] + joined[2]
		fs.add(t, baseD, appendStep(baseSteps, "pinyin given name syllables joined: "+t)...)
	}
}
