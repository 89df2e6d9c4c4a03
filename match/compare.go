// Package match finds list entities whose names resemble a query name and
// explains why. It is pure: it builds an in-memory index from entries it is
// given and does no I/O.
package match

import (
	"fmt"
	"math"
	"math/bits"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/antzucaro/matchr"

	"ties/names"
)

// Result is the outcome of comparing two names.
type Result struct {
	Score      float64
	FormA      string    // the form of the first name that scored best
	FormB      string    // the form of the second name that scored best
	Alignments []Aligned // how the tokens of FormA and FormB were paired
	Steps      []string  // transformations that produced FormA and FormB
	// Penalties say, in words, what lowered the score below the credit
	// of the aligned tokens: words without a partner, what each cost,
	// and the rules that scaled the score.
	Penalties []string
}

// Aligned is one token pair of an alignment; an empty side means the token
// had no partner.
type Aligned struct {
	A, B  string
	Score float64
}

// String renders the alignment as "xi=xi (1.00), jinping=jinping (1.00)".
func (r Result) AlignmentText() string {
	parts := make([]string, 0, len(r.Alignments))
	for _, a := range r.Alignments {
		switch {
		case a.A == "":
			parts = append(parts, "+"+a.B)
		case a.B == "":
			parts = append(parts, a.A+"+")
		default:
			parts = append(parts, fmt.Sprintf("%s=%s (%.2f)", a.A, a.B, a.Score))
		}
	}
	return strings.Join(parts, ", ")
}

// Explanation says in words which forms were compared, how their words
// aligned, how the forms were made and what lowered the score.
func (r Result) Explanation() string {
	var b strings.Builder
	fmt.Fprintf(&b, "compared %q with %q", r.FormA, r.FormB)
	if a := r.AlignmentText(); a != "" {
		b.WriteString("; aligned " + a)
	}
	if len(r.Steps) > 0 {
		b.WriteString("; " + strings.Join(r.Steps, "; "))
	}
	if len(r.Penalties) > 0 {
		b.WriteString("; lowered by: " + strings.Join(r.Penalties, "; "))
	}
	return b.String()
}

// token is one prepared token of a name form.
type token struct {
	text     string
	runes    int
	weight   float64
	meta     string // primary double-metaphone code, "" for non-Latin
	meta2    string
	digits   bool   // all digits: must match exactly
	letters  uint32 // set of the letters a-z in the token, for quick rejects
	strict   bool   // a pinyin syllable: only equal tokens match
	squeezed string // the token with runs of one letter written once
	han      bool
	ascii    bool
	// firstSurname: the first word of the surname part of a "LAST,
	// First" name.
	firstSurname bool
	lastWord     bool // the last word of a person's name of three or more words
	given        bool // a word of the given-name part of a "LAST, First" name
	// id names the token's text and strictness for the similarity memo of
	// a search: an index-wide id on the entity side, a query-wide one on
	// the query side; -1 (tokens joined while scoring): not memoized.
	id int32
}

// prepared is a name form ready to score: tokens with weights and the
// legal forms split off.
type prepared struct {
	text    string
	tokens  []token
	legal   []string // canonical legal-form codes found in the name
	steps   []string
	comma   bool // the raw name had "Last, First" order
	acronym bool // the form is an acronym made from the name
	// acronymLike: the form is one word, without legal forms, that could
	// itself be initials (not written as a given name, "Tim").
	acronymLike bool
	pinyin      bool // the form is a reading of Han characters
	hanText     bool // the form is written in Han characters
	nameHan     bool // the name the form was made from is written in Han or Hangul
	// arabic: the form is written in Arabic script, whose letters leave
	// out the short vowels: two such forms are compared through their
	// transliterations, where عبدالملك and عبدالخالق differ as Malik
	// and Khaliq do.
	arabic bool
	// Bits (first byte mod 64) of the first bytes of the tokens that
	// could start a joined pair, and of the tokens of 4 or more runes a
	// joined pair could match: when they share none, mergeJoined has
	// nothing to do.
	joinStarts, joinTargets uint64
}

// defaultParams are the parameters of Compare and of indexes built
// without WithParams. Never changed after start-up.
var defaultParams = DefaultParams()

// Compare scores how likely a and b name the same entity, in [0,1], with
// the default parameters. It tries every form of both names
// (transliterations, name orders, acronyms) and keeps the best pairing.
// Compare is symmetric: neither name is the query, so a word of either
// that finds no partner counts as a query's would.
func Compare(a, b string, kind names.Kind) Result {
	return CompareWith(a, b, kind, &defaultParams)
}

// CompareWith is Compare with the given parameters.
func CompareWith(a, b string, kind names.Kind, p *Params) Result {
	pa := prepareName(a, kind, p)
	pb := prepareName(b, kind, p)
	return comparePrepared(pa, pb, &scoring{kind: kind, p: p, queryA: true, queryB: true})
}

// CompareQuery scores a query name against a listed name as screening
// does: words of the query without a partner cost more than extra words
// of the listed name, so it is not symmetric. Attributes and the kind a
// query looks like are weighed by Index.Search, not here.
func CompareQuery(query, listed string, kind names.Kind) Result {
	p := &defaultParams
	return comparePrepared(prepareName(query, kind, p), prepareName(listed, kind, p), &scoring{kind: kind, p: p, queryA: true})
}

func comparePrepared(pa, pb []prepared, sc *scoring) Result {
	bi, bj := -1, -1
	bestScore := -1.0
	for i := range pa {
		for j := range pb {
			if !pairAllowed(&pa[i], &pb[j]) {
				continue
			}
			if s := scoreForms(&pa[i], &pb[j], sc, nil, nil); s > bestScore {
				bestScore, bi, bj = s, i, j
			}
		}
	}
	if bi < 0 {
		return Result{}
	}
	var r Result
	scoreForms(&pa[bi], &pb[bj], sc, &r, nil)
	return r
}

// scoring is what scoreForms needs besides the two forms.
type scoring struct {
	kind names.Kind
	p    *Params
	// Which forms are a query's: in screening only a, the query; in a
	// pairwise comparison both. Words of a query that find no partner
	// cost more than extra words of a listed name.
	queryA, queryB bool
}

// prepareName produces the prepared forms of a raw name.
func prepareName(raw string, kind names.Kind, p *Params) []prepared {
	return prepareForms(raw, names.Forms(raw, kind), kind, p)
}

// prepareForms prepares the forms of the raw name.
func prepareForms(raw string, forms []names.Form, kind names.Kind, p *Params) []prepared {
	out := make([]prepared, 0, len(forms)+1)
	for _, f := range forms {
		if f.Vowelless {
			continue
		}
		out = append(out, prepareForm(f, kind, p))
	}
	titleWord := isTitleCaseWord(raw)
	native := len(out) > 0 && (out[0].hanText || isHangul(out[0].text))
	for i := range out {
		out[i].nameHan = native
		f := &out[i]
		f.acronymLike = !f.acronym && !titleWord && len(f.tokens) == 1 && len(f.legal) == 0 &&
			f.tokens[0].ascii && !f.tokens[0].digits && f.tokens[0].runes >= 2 && f.tokens[0].runes <= 8
	}
	return dedupeForms(out)
}

// isTitleCaseWord tells a raw name of one word written as a given name is
// ("Tim", "Sara"): such a word is a name, not initials. "TIM" and "tim"
// could be either.
func isTitleCaseWord(raw string) bool {
	w := strings.TrimSpace(raw)
	if w == "" || strings.ContainsAny(w, " \t") {
		return false
	}
	first := true
	for _, r := range w {
		if !unicode.IsLetter(r) {
			return false
		}
		if first != unicode.IsUpper(r) {
			return false
		}
		first = false
	}
	return true
}

// dedupeForms drops forms whose tokens are those of another form in another
// order: the scorer pairs tokens regardless of order, so they would score
// alike. Of such forms the "LAST, First" one is kept, it is not penalized
// for the turn.
func dedupeForms(fs []prepared) []prepared {
	if len(fs) < 2 {
		return fs
	}
	keys := make([]string, len(fs))
	for i := range fs {
		toks := make([]string, 0, len(fs[i].tokens)+len(fs[i].legal))
		for _, t := range fs[i].tokens {
			toks = append(toks, t.text)
		}
		sort.Strings(toks)
		toks = append(toks, "|")
		toks = append(toks, fs[i].legal...)
		keys[i] = strings.Join(toks, " ")
	}
	out := fs[:0:0]
	for i := range fs {
		dup := false
		for j := range fs {
			if i != j && keys[i] == keys[j] && fs[i].pinyin == fs[j].pinyin && fs[i].acronym == fs[j].acronym &&
				(fs[j].comma && !fs[i].comma || fs[j].comma == fs[i].comma && j < i) {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, fs[i])
		}
	}
	return out
}

// genderPair tells given names that differ only in a gendered ending:
// antonio/antonia, joaquin/joaquina, francisco/francesca is not caught.
func genderPair(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	switch {
	case len(a) == len(b) && len(a) > 3 && a[:len(a)-1] == b[:len(b)-1]:
		x, y := a[len(a)-1], b[len(b)-1]
		return (x == 'a' && y == 'o') || (x == 'o' && y == 'a')
	case len(b) == len(a)+1 && b[:len(a)] == a:
		return b[len(b)-1] == 'a'
	}
	return false
}

// pairAllowed tells whether form a of a name whose first form is a0 may be
// compared with form b of a name whose first form is b0. Two names written
// in Han characters compare as characters, not as sounds: 高石 is not 高市;
// so do two Hangul names, whose romanizations without diacritics merge
// vowels: 김종은 is not 김정은, though both are "kim jongun".
func pairAllowed(a, b *prepared) bool {
	return !(a.pinyin && b.pinyin && a.nameHan && b.nameHan) && !(a.arabic && b.arabic)
}

// prepareForm turns a form into tokens with weights. Forms that unidecode
// made from Arabic or Hebrew script (f.Vowelless) are left out by the
// caller: without vowels ("jnn g") they resemble too many names.
func prepareForm(f names.Form, kind names.Kind, params *Params) prepared {
	p := prepared{text: f.Text, steps: f.Steps, hanText: isHan(f.Text)}
	if r, _ := utf8.DecodeRuneInString(f.Text); r >= 0x600 && unicode.Is(unicode.Arabic, r) {
		p.arabic = true
	}
	strict := f.Reading // pinyin syllables are exact readings
	p.acronym = f.Acronym
	p.comma = f.Reordered
	toks := numbersAsDigits(canonicalPhrases(f.Tokens))
	// The first surname of a "LAST, First" name: a query that lacks it
	// names another family (the second surname of a Spanish name, often
	// dropped, costs as any extra word).
	firstSurname, lastWord := -1, -1
	switch {
	case f.Surnames > 0 && len(toks) == len(f.Tokens):
		firstSurname = len(toks) - f.Surnames
	case kind != names.Organization && !f.Reordered && !f.Reading && len(toks) >= 3:
		// A person's name of three or more words in its own order ends
		// with the surname as often as not ("Scott Michael Miller").
		lastWord = len(toks) - 1
	}
	for ti, t := range toks {
		if t == "" {
			continue
		}
		t = unLeet(t)
		if code, ok := legalForms[t]; ok && len(toks) > 1 {
			p.legal = append(p.legal, code)
			continue
		}
		if alt, ok := equivalents[t]; ok {
			t = alt
		}
		tk := token{text: t, runes: utf8.RuneCountInString(t), weight: 1, id: -1}
		tk.digits = isDigits(t) || romanNumerals[t]
		tk.letters = letterSet(t)
		tk.squeezed = squeeze(t)
		tk.strict = strict
		tk.han = isHan(t)
		tk.ascii = isASCII(t)
		switch {
		case stopWords[t] || titles[t]:
			tk.weight = params.StopWeight
		case particles[t]:
			tk.weight = params.ParticleWeight
		case commonOrgWords[t] || orgWords[t]:
			tk.weight = params.CommonOrgWeight
		case commonGivenNames[t]:
			tk.weight = params.CommonGivenWeight
		}
		if !tk.han && !tk.digits && isASCII(t) {
			tk.meta, tk.meta2 = matchr.DoubleMetaphone(t)
		}
		tk.firstSurname = ti == firstSurname
		tk.given = firstSurname > 0 && ti < firstSurname
		tk.lastWord = ti == lastWord
		p.tokens = append(p.tokens, tk)
	}
	sort.Strings(p.legal)
	p.pinyin = strict
	for i := range p.tokens {
		t := &p.tokens[i]
		if i+1 < len(p.tokens) && !t.digits && !p.tokens[i+1].digits {
			p.joinStarts |= 1 << (t.text[0] & 63)
		}
		if t.runes >= 4 {
			p.joinTargets |= 1 << (t.text[0] & 63)
		}
	}
	return p
}

// canonicalPhrases replaces multi-word legal forms by their codes.
func canonicalPhrases(toks []string) []string {
	if len(toks) < 2 {
		return toks
	}
	out := make([]string, 0, len(toks))
	for i := 0; i < len(toks); {
		matched := false
		for _, ph := range legalPhrases {
			n := len(ph.words)
			if i+n <= len(toks) && equalWords(toks[i:i+n], ph.words) {
				out = append(out, ph.code)
				i += n
				matched = true
				break
			}
		}
		if !matched {
			out = append(out, toks[i])
			i++
		}
	}
	return out
}

func equalWords(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// numbersAsDigits writes number words as digits ("forty four" -> "44",
// "1st" -> "1") so that "Brigade Forty-Four" meets "Brigade 44".
func numbersAsDigits(toks []string) []string {
	var out []string
	for i := 0; i < len(toks); i++ {
		n, ok := numberWords[toks[i]]
		if !ok {
			if out != nil {
				out = append(out, toks[i])
			}
			continue
		}
		if out == nil {
			out = append(make([]string, 0, len(toks)), toks[:i]...)
		}
		if n >= 20 && n%10 == 0 && i+1 < len(toks) {
			if u, ok := numberWords[toks[i+1]]; ok && u < 10 {
				n += u
				i++
			}
		}
		out = append(out, strconv.Itoa(n))
	}
	if out == nil {
		return toks
	}
	return out
}

// unLeet undoes digit-for-letter swaps ("ig0r", "sech1n") in tokens that
// mix digits and letters.
func unLeet(t string) string {
	hasDigit, hasLetter := false, false
	for _, r := range t {
		if r >= '0' && r <= '9' {
			hasDigit = true
		} else {
			hasLetter = true
		}
	}
	if !hasDigit || !hasLetter {
		return t
	}
	b := []byte(t)
	for i, c := range b {
		switch c {
		case '0':
			b[i] = 'o'
		case '1':
			b[i] = 'i'
		case '3':
			b[i] = 'e'
		case '4':
			b[i] = 'a'
		case '5':
			b[i] = 's'
		case '7':
			b[i] = 't'
		case '8':
			b[i] = 'b'
		case '9':
			b[i] = 'g'
		}
	}
	return string(b)
}

// romanLetter tells the one-letter roman numerals, which are also initials.
func romanLetter(s string) bool { return s == "i" || s == "v" || s == "x" }

// squeeze writes runs of one letter once: "joonng" -> "jong".
func squeeze(s string) string {
	for i := 1; i < len(s); i++ {
		if s[i] == s[i-1] {
			b := []byte(s[:i])
			for j := i; j < len(s); j++ {
				if s[j] != b[len(b)-1] {
					b = append(b, s[j])
				}
			}
			return string(b)
		}
	}
	return s
}

func letterSet(s string) uint32 {
	var m uint32
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'a' && c <= 'z' {
			m |= 1 << (c - 'a')
		} else if c >= utf8.RuneSelf {
			return 0 // not only ASCII: no quick reject
		}
	}
	return m
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// isHangul tells text that starts with a Hangul syllable.
func isHangul(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return r >= 0xAC00 && r <= 0xD7A3
}

func isHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// tokenSim scores two tokens in [0,1].
func tokenSim(a, b *token, p *Params) float64 {
	if a.text == b.text {
		return 1
	}
	if (a.digits || romanLetter(a.text)) && (b.digits || romanLetter(b.text)) && (a.digits || b.digits) {
		// Different numbers in otherwise equal names mostly name members
		// of one family (Fund V, Fund VI): related, worth a look.
		return p.NumberSim
	}
	if a.digits || b.digits {
		return 0
	}
	// An initial stands for any name that starts with it.
	if a.runes == 1 || b.runes == 1 {
		if a.runes == 1 && b.runes == 1 {
			return 0
		}
		ra, _ := utf8.DecodeRuneInString(a.text)
		rb, _ := utf8.DecodeRuneInString(b.text)
		if ra == rb {
			return p.InitialSim
		}
		return 0
	}
	if a.han != b.han || a.strict || b.strict {
		// Pinyin syllables are exact readings: jian is not jiang.
		return 0
	}
	// Each edit changes at most two letters of the letter sets, so very
	// different sets cannot reach the similarity a pair needs.
	if a.letters != 0 && b.letters != 0 {
		diff := bits.OnesCount32(a.letters ^ b.letters)
		if float64(diff)/2 > 0.5*float64(max(a.runes, b.runes)) {
			return 0
		}
	}
	if a.squeezed == b.squeezed && a.squeezed != "" {
		return p.SqueezedSim // doubled letters: jong/joonng, mohamed/mohammed
	}
	short := min(a.runes, b.runes) <= p.ShortToken
	var lev float64
	if a.ascii && b.ascii {
		// Similarities below minPairSim are never used: stop counting
		// edits once the ratio cannot reach the least a pair needs.
		longer := max(len(a.text), len(b.text))
		need := minPairSim
		if !short {
			need = minLevLong(p)
		}
		limit := int((1 - need) * float64(longer))
		// The largest distance whose ratio, computed as below, reaches need.
		for limit < longer && 1-float64(limit+1)/float64(longer) >= need {
			limit++
		}
		for limit >= 0 && 1-float64(limit)/float64(longer) < need {
			limit--
		}
		// An edit adds or drops at most two letters of the letter set.
		if a.letters != 0 && b.letters != 0 && (bits.OnesCount32(a.letters^b.letters)+1)/2 > limit {
			return 0
		}
		d := levDistASCII(a.text, b.text, limit)
		if d > limit {
			return 0
		}
		lev = 1 - float64(d)/float64(longer)
	} else {
		lev = levRatio(a.text, b.text)
	}
	if short {
		// In short tokens every letter counts: jian is not jiang.
		return lev
	}
	if genderPair(a.text, b.text) {
		return p.GenderSim // Antonio and Antonia are different people
	}
	var jw float64
	if a.ascii && b.ascii {
		jw = jaroWinklerASCII(a.text, b.text)
	} else {
		jw = jaroWinkler(a.text, b.text)
	}
	s := p.LevWeight*lev + (1-p.LevWeight)*jw
	if a.runes >= 5 && b.runes >= 5 && lev >= 0.5 && a.meta != "" && b.meta != "" &&
		(a.meta == b.meta || a.meta == b.meta2 || a.meta2 == b.meta || (a.meta2 != "" && a.meta2 == b.meta2)) {
		// Same sound: transliteration variants such as Husayn/Hussein.
		s = math.Max(s, p.PhoneticSim)
	}
	return s
}

// minLevLong is the least Levenshtein ratio with which two tokens longer
// than shortToken can reach minPairSim: the Jaro-Winkler part is at most
// 1, and the phonetic rescue needs a ratio of 0.5.
func minLevLong(p *Params) float64 {
	if p.LevWeight <= 1-minPairSim {
		return 0
	}
	return min(0.5, (p.LevWeight-(1-minPairSim))/p.LevWeight)
}

// effective turns a raw token similarity into a credit: near-identical
// tokens earn almost full credit, loose resemblances little, so that
// different names that share letters do not add up to a match.
func effective(s float64, p *Params) float64 {
	switch {
	case s >= 0.9:
		return s
	case s >= 0.7:
		return 0.9 - (0.9-s)*p.FuzzSlope // slope 2: 0.7 -> 0.5, 0.8 -> 0.7
	}
	return 0
}

type pairing struct {
	i, j int
	sim  float64
}

// scoreForms aligns the tokens of two prepared forms and scores them. When
// r is not nil it also fills r with the alignment and the penalties, for
// explanations. When memo is not nil, a is a query form and b an indexed
// form, and token similarities are looked up in and added to memo.
func scoreForms(a, b *prepared, sc *scoring, r *Result, memo *simMemo) float64 {
	p := sc.p
	ta, tb := a.tokens, b.tokens
	// Two acronyms made by us say nothing: "China Railway Constructors"
	// and "China Railway Construction" both give "crc". Initials made by
	// us meet only a one-word name that could itself be initials, and
	// never a person's: "SAP SE" is not Sanatorium Ay-Petri, "Tim
	// Lambers" not the Taliban Islamic Movement.
	if len(ta) == 0 || len(tb) == 0 || (a.acronym && b.acronym) {
		return 0
	}
	acronym := a.acronym || b.acronym
	if acronym && (sc.kind == names.Person || a.acronym && !b.acronymLike || b.acronym && !a.acronymLike) {
		return 0
	}
	// Join split tokens of either side that match a token of the other.
	if a.joinStarts&b.joinTargets != 0 {
		ta = mergeJoined(ta, b.tokens)
	}
	if b.joinStarts&a.joinTargets != 0 {
		tb = mergeJoined(tb, a.tokens)
	}

	var pbuf [64]pairing
	pairs := pbuf[:0]
	for i := range ta {
		for j := range tb {
			var s float64
			if memo != nil {
				s = memo.sim(&ta[i], &tb[j])
			} else {
				s = tokenSim(&ta[i], &tb[j], p)
			}
			if s < 1 && (gluedLegal(&ta[i], &tb[j], b.legal) || gluedLegal(&tb[j], &ta[i], a.legal)) {
				s = 1 // "SiemensAG" is "Siemens AG"
			}
			if s >= minPairSim {
				pairs = append(pairs, pairing{i, j, s})
			}
		}
	}
	// Insertion sort: pair lists are short. Ties keep the original order.
	for x := 1; x < len(pairs); x++ {
		for y := x; y > 0 && pairBefore(pairs[y], pairs[y-1]); y-- {
			pairs[y], pairs[y-1] = pairs[y-1], pairs[y]
		}
	}
	var ubufA, ubufB [32]int
	var usedA, usedB []int
	if len(ta) <= 32 && len(tb) <= 32 {
		usedA, usedB = ubufA[:len(ta)], ubufB[:len(tb)]
	} else {
		usedA, usedB = make([]int, len(ta)), make([]int, len(tb))
	}
	for i := range usedA {
		usedA[i] = -1
	}
	for j := range usedB {
		usedB[j] = -1
	}
	var credit, matchedW float64
	strong := false
	strongCount, distinctCount := 0, 0
	var cbuf [32]pairing
	chosen := cbuf[:0]
	for _, pr := range pairs {
		if usedA[pr.i] >= 0 || usedB[pr.j] >= 0 {
			continue
		}
		usedA[pr.i], usedB[pr.j] = pr.j, pr.i
		chosen = append(chosen, pr)
		w := (ta[pr.i].weight + tb[pr.j].weight)
		sim := pr.sim
		if acronym {
			sim = min(sim, p.AcronymSim) // initials made by us are weaker evidence than a listed name
		}
		credit += effective(sim, p) * w
		matchedW += w
		minW := math.Min(ta[pr.i].weight, tb[pr.j].weight)
		if minW >= 0.5 {
			if pr.sim >= 0.85 {
				strong = true
			}
			if pr.sim >= 0.75 {
				strongCount++
			}
		}
		if minW >= distinctiveWeight && pr.sim >= 0.75 {
			distinctCount++
		}
	}
	var unA, unB, unNum, surnameA, surnameB, lastA, lastB float64
	// A person has no legal form: "Sá" in "Mauro Sá" is a name, not S.A.
	var legalA, legalB int
	if sc.kind == names.Person {
		legalA, legalB = missingFrom(a.legal, b.legal), missingFrom(b.legal, a.legal)
		unA += float64(legalA)
		unB += float64(legalB)
	}
	// A "LAST, First" name none of whose given names found a partner
	// names another person of that family.
	givenMissing := givenUnmatched(ta, usedA) || givenUnmatched(tb, usedB)
	distinctA, distinctB := 0, 0 // distinctive tokens without a partner
	for i, u := range usedA {
		if u < 0 {
			unA += ta[i].weight
			if ta[i].digits {
				unNum++
			}
			if ta[i].weight >= distinctiveWeight {
				distinctA++
			}
			if ta[i].firstSurname {
				surnameA += ta[i].weight
			}
			if ta[i].lastWord {
				lastA += ta[i].weight
			}
		}
	}
	for j, u := range usedB {
		if u < 0 {
			unB += tb[j].weight
			if tb[j].digits {
				unNum++
			}
			if tb[j].weight >= distinctiveWeight {
				distinctB++
			}
			if tb[j].firstSurname {
				surnameB += tb[j].weight
			}
			if tb[j].lastWord {
				lastB += tb[j].weight
			}
		}
	}
	distinctA += legalA
	distinctB += legalB
	// Notes are written only when explaining (r != nil): formatting
	// them costs allocations a search cannot afford per candidate.
	var notes []string
	explaining := r != nil
	note := func(format string, args ...any) {
		notes = append(notes, fmt.Sprintf(format, args...))
	}
	// Extra tokens on one side only (a missing middle name, a patronymic)
	// cost less than tokens on both sides that found no partner, which
	// contradict each other. In screening, words of the query without a
	// partner cost more than extra words of the listed name: the query
	// is what the user knows of the entity.
	missing := unA + unB
	reading := (a.pinyin || b.pinyin) && sc.kind != names.Organization
	switch {
	case missing == 0:
	case unA > 0 && unB > 0:
		missing *= p.ContradictionCost
		if explaining {
			note("words on both sides without a partner contradict each other (cost %.2f)", missing)
		}
	case reading:
		// A Chinese given name has no middle names: a syllable without a
		// partner names another person.
		missing *= p.ContradictionCost
		if explaining {
			note("a syllable of a Chinese name without a partner (cost %.2f)", missing)
		}
	case unA > 0 && sc.queryA && !sc.queryB:
		missing = p.QueryMissCost * unA
		if explaining {
			note("query words without a partner (cost %.2f)", missing)
		}
	default:
		// The first missing name costs little, more missing names more;
		// a missing first surname as much as a query's word.
		surname, last := surnameA+surnameB, lastA+lastB
		rest := missing - surname - last
		sc := p.QueryMissCost*surname + p.LastWordMissCost*last
		missing = p.SubsetCost*min(rest, 1) + p.ExtraSubsetCost*max(rest-1, 0) + sc
		if surname+last > 0 {
			if explaining {
				note("the surname is missing (cost %.2f)", sc)
			}
		}
		if rest > 0 {
			if explaining {
				note("words on one side only (cost %.2f)", missing-sc)
			}
		}
	}
	// A number on one side only (Fund II, Company 23) names another entity.
	if unNum > 0 {
		missing += unNum * p.NumberCost
		if explaining {
			note("a number on one side only (cost %.2f)", unNum*p.NumberCost)
		}
	}
	score := 0.0
	if matchedW+missing > 0 {
		score = credit / (matchedW + missing)
	}
	if !strong {
		score *= p.WeakFactor
		if explaining {
			note("no near-identical word (×%.2f)", p.WeakFactor)
		}
	}
	// In screening, words of the query without a partner cost
	// QueryMissCost above; extra distinctive words of the listed name,
	// when at most one distinctive word matched, mean another entity
	// that shares a name: "Julia" is not "Julia Palmer", "Kia" not "Kia
	// Nirou". (In a pairwise comparison the costs above are enough.)
	if !sc.queryB && distinctCount < 2 && distinctB > 0 {
		score *= p.SingleNameFactor
		if explaining {
			note("one shared name only, and the listed name has more (×%.2f)", p.SingleNameFactor)
		}
	}
	if givenMissing {
		score *= p.GivenMissFactor
		if explaining {
			note("none of the listed given names found a partner (×%.2f)", p.GivenMissFactor)
		}
	}
	// Crossed pairs mean reordered tokens; persons' names change order
	// ("Putin Vladimir"), so it costs only a little.
	if crossed(chosen) && !a.comma && !b.comma {
		pen := p.CrossedPenalty
		switch {
		case sc.kind == names.Organization:
			pen = p.OrgCrossedPenalty
		case hasPatronym(ta) || hasPatronym(tb):
			// "Ahmad bin Hasan" and "Hasan bin Ahmad" are father and son.
			pen = p.PatronymCrossedPenalty
		}
		score -= pen
		if explaining {
			note("words in another order (−%.2f)", pen)
		}
	}
	// Different legal forms (AG vs GmbH) suggest different companies.
	if len(a.legal) > 0 && len(b.legal) > 0 && !overlap(a.legal, b.legal) {
		score -= p.LegalClash
		if explaining {
			note("different legal forms %s / %s (−%.2f)", strings.Join(a.legal, " "), strings.Join(b.legal, " "), p.LegalClash)
		}
	}
	if score < 0 {
		score = 0
	}
	if score > 1 {
		score = 1
	}
	if r == nil {
		return score
	}
	*r = Result{Score: score, FormA: a.text, FormB: b.text, Penalties: notes}
	for i := range ta {
		if j := usedA[i]; j >= 0 {
			r.Alignments = append(r.Alignments, Aligned{A: ta[i].text, B: tb[j].text, Score: round2(tokenSim(&ta[i], &tb[j], p))})
		} else {
			r.Alignments = append(r.Alignments, Aligned{A: ta[i].text})
		}
	}
	for j := range tb {
		if usedB[j] < 0 {
			r.Alignments = append(r.Alignments, Aligned{B: tb[j].text})
		}
	}
	r.Steps = append(append(r.Steps, a.steps...), b.steps...)
	return score
}

func pairBefore(p, q pairing) bool {
	if p.sim != q.sim {
		return p.sim > q.sim
	}
	return abs(p.i-p.j) < abs(q.i-q.j)
}

// gluedLegal tells a token that is another's text with a legal form of
// the other's name glued on ("siemensag" against "siemens" + AG).
func gluedLegal(t, o *token, legal []string) bool {
	if len(legal) == 0 || len(t.text) <= len(o.text) || !strings.HasPrefix(t.text, o.text) {
		return false
	}
	rest := t.text[len(o.text):]
	return slices.Contains(legal, rest) || slices.Contains(legal, legalForms[rest])
}

// missingFrom counts the codes of a that b lacks.
func missingFrom(a, b []string) int {
	n := 0
	for _, x := range a {
		if !slices.Contains(b, x) {
			n++
		}
	}
	return n
}

// hasPatronym tells a name with "bin" (ibn, ben, bint): its word order
// says who is whose son.
func hasPatronym(ts []token) bool {
	for i := range ts {
		if ts[i].text == "bin" {
			return true
		}
	}
	return false
}

// givenUnmatched tells a form with a given-name part ("LAST, First") none
// of whose words found a partner.
func givenUnmatched(ts []token, used []int) bool {
	has := false
	for i := range ts {
		if ts[i].given && ts[i].weight >= distinctiveWeight {
			if used[i] >= 0 {
				return false
			}
			has = true
		}
	}
	return has
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }

func crossed(ps []pairing) bool {
	for x := range ps {
		for y := x + 1; y < len(ps); y++ {
			if (ps[x].i < ps[y].i) != (ps[x].j < ps[y].j) {
				return true
			}
		}
	}
	return false
}

func overlap(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return true
			}
		}
	}
	return false
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// joinedSim is how close two joined tokens must come to the other side's
// token ("jin ping" against "jinping").
const joinedSim = 0.85

// mergeJoined joins adjacent tokens of ts when the joined text matches a
// token of other better than the parts do ("jin ping" against "jinping").
func mergeJoined(ts, other []token) []token {
	if len(ts) < 2 || len(other) == 0 {
		return ts
	}
	var out []token
	for i := 0; i < len(ts); i++ {
		if i+1 < len(ts) && !ts[i].digits && !ts[i+1].digits {
			jr := ts[i].runes + ts[i+1].runes
			jl := ts[i].letters | ts[i+1].letters
			for k := range other {
				o := &other[k]
				if o.runes < 4 || abs(o.runes-jr) > 2 || o.text[0] != ts[i].text[0] ||
					o.text == ts[i].text || o.text == ts[i+1].text {
					continue
				}
				if jl != 0 && o.letters != 0 && bits.OnesCount32(jl^o.letters) > 2 {
					continue
				}
				joined := ts[i].text + ts[i+1].text
				if (!ts[i].strict && !o.strict && levRatio(joined, o.text) >= joinedSim) || joined == o.text {
					t := token{text: joined, runes: ts[i].runes + ts[i+1].runes, letters: ts[i].letters | ts[i+1].letters,
						weight: math.Max(ts[i].weight, ts[i+1].weight), han: ts[i].han, strict: ts[i].strict, id: -1,
						ascii: ts[i].ascii && ts[i+1].ascii}
					if isASCII(joined) {
						t.meta, t.meta2 = matchr.DoubleMetaphone(joined)
					}
					if out == nil {
						out = append(out, ts[:i]...)
					}
					out = append(out, t)
					i++
					goto next
				}
			}
		}
		if out != nil {
			out = append(out, ts[i])
		}
	next:
	}
	if out == nil {
		return ts
	}
	return out
}

// levRatio is 1 - Levenshtein distance / longer length, over runes.
func levRatio(a, b string) float64 {
	if isASCII(a) && isASCII(b) {
		return levBytes(a, b)
	}
	var abuf, bbuf [32]rune
	return levRunes(toRunes(a, abuf[:0]), toRunes(b, bbuf[:0]))
}

func levBytes(a, b string) float64 {
	n, m := len(a), len(b)
	if n == 0 && m == 0 {
		return 1
	}
	if n == 0 || m == 0 {
		return 0
	}
	return 1 - float64(levDistASCII(a, b, max(n, m)))/float64(max(n, m))
}

// levDistASCII is the optimal string alignment distance of a and b when
// it is at most limit, else some number above limit. A swap of neighbours
// ("afiz"/"faiz") is one edit, the commonest typo.
func levDistASCII(a, b string, limit int) int {
	n, m := len(a), len(b)
	if abs(n-m) > limit {
		return limit + 1
	}
	if n == 0 || m == 0 {
		return max(n, m)
	}
	var buf [3][64]int32
	var pprev, prev, cur []int32
	if m+1 <= 64 {
		pprev, prev, cur = buf[0][:m+1], buf[1][:m+1], buf[2][:m+1]
	} else {
		pprev, prev, cur = make([]int32, m+1), make([]int32, m+1), make([]int32, m+1)
	}
	for j := 0; j <= m; j++ {
		prev[j] = int32(j)
	}
	// A cell comes from the row above or, by a swap, from two rows above
	// plus one edit: once one row is over limit and the row before it at
	// least at limit, no later row gets back to limit.
	lim, prevMin := int32(limit), int32(0)
	for i := 1; i <= n; i++ {
		cur[0] = int32(i)
		rowMin := cur[0]
		ca := a[i-1]
		for j := 1; j <= m; j++ {
			cost := int32(1)
			if ca == b[j-1] {
				cost = 0
			}
			d := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ca == b[j-2] && a[i-2] == b[j-1] {
				d = min(d, pprev[j-2]+1)
			}
			cur[j] = d
			rowMin = min(rowMin, d)
		}
		if rowMin > lim && prevMin >= lim {
			return limit + 1
		}
		prevMin = rowMin
		pprev, prev, cur = prev, cur, pprev
	}
	return int(prev[m])
}

func levRunes(ra, rb []rune) float64 {
	n, m := len(ra), len(rb)
	if n == 0 && m == 0 {
		return 1
	}
	if n == 0 || m == 0 {
		return 0
	}
	var buf [2][33]int
	var prev, cur []int
	if m < 33 {
		prev, cur = buf[0][:m+1], buf[1][:m+1]
	} else {
		prev, cur = make([]int, m+1), make([]int, m+1)
	}
	for j := 0; j <= m; j++ {
		prev[j] = j
	}
	for i := 1; i <= n; i++ {
		cur[0] = i
		for j := 1; j <= m; j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return 1 - float64(prev[m])/float64(max(n, m))
}

// jaroWinkler is the Jaro-Winkler similarity over runes.
func jaroWinkler(a, b string) float64 {
	var abuf, bbuf [64]rune
	ra, rb := toRunes(a, abuf[:0]), toRunes(b, bbuf[:0])
	if len(ra) == 0 || len(rb) == 0 {
		return 0
	}
	if len(ra) > len(rb) {
		ra, rb = rb, ra
	}
	window := max(len(rb)/2-1, 0)
	var ma, mb [64]bool
	var matchA, matchB []bool
	if len(rb) <= 64 {
		matchA, matchB = ma[:len(ra)], mb[:len(rb)]
	} else {
		matchA, matchB = make([]bool, len(ra)), make([]bool, len(rb))
	}
	matches := 0
	for i := range ra {
		lo, hi := max(0, i-window), min(len(rb), i+window+1)
		for j := lo; j < hi; j++ {
			if !matchB[j] && ra[i] == rb[j] {
				matchA[i], matchB[j] = true, true
				matches++
				break
			}
		}
	}
	if matches == 0 {
		return 0
	}
	trans, k := 0, 0
	for i := range ra {
		if !matchA[i] {
			continue
		}
		for !matchB[k] {
			k++
		}
		if ra[i] != rb[k] {
			trans++
		}
		k++
	}
	m := float64(matches)
	jaro := (m/float64(len(ra)) + m/float64(len(rb)) + (m-float64(trans)/2)/m) / 3
	prefix := 0
	for i := 0; i < min(4, len(ra)); i++ {
		if ra[i] != rb[i] {
			break
		}
		prefix++
	}
	return jaro + float64(prefix)*0.1*(1-jaro)
}

// jaroWinklerASCII is jaroWinkler for ASCII strings, on their bytes.
func jaroWinklerASCII(ra, rb string) float64 {
	if len(ra) == 0 || len(rb) == 0 {
		return 0
	}
	if len(ra) > len(rb) {
		ra, rb = rb, ra
	}
	window := max(len(rb)/2-1, 0)
	var ma, mb [64]bool
	var matchA, matchB []bool
	if len(rb) <= 64 {
		matchA, matchB = ma[:len(ra)], mb[:len(rb)]
	} else {
		matchA, matchB = make([]bool, len(ra)), make([]bool, len(rb))
	}
	matches := 0
	for i := 0; i < len(ra); i++ {
		lo, hi := max(0, i-window), min(len(rb), i+window+1)
		for j := lo; j < hi; j++ {
			if !matchB[j] && ra[i] == rb[j] {
				matchA[i], matchB[j] = true, true
				matches++
				break
			}
		}
	}
	if matches == 0 {
		return 0
	}
	trans, k := 0, 0
	for i := 0; i < len(ra); i++ {
		if !matchA[i] {
			continue
		}
		for !matchB[k] {
			k++
		}
		if ra[i] != rb[k] {
			trans++
		}
		k++
	}
	m := float64(matches)
	jaro := (m/float64(len(ra)) + m/float64(len(rb)) + (m-float64(trans)/2)/m) / 3
	prefix := 0
	for i := 0; i < min(4, len(ra)); i++ {
		if ra[i] != rb[i] {
			break
		}
		prefix++
	}
	return jaro + float64(prefix)*0.1*(1-jaro)
}

func toRunes(s string, buf []rune) []rune {
	for _, r := range s {
		buf = append(buf, r)
	}
	return buf
}

// simMemo remembers the token similarities computed during one search:
// the forms of a name and of its candidates share most of their tokens.
type simMemo struct {
	p           *Params
	queryTokens int      // distinct query tokens
	gen         uint32   // search number; slotGen entries of older searches are stale
	slotGen     []uint32 // index token id -> search that gave it a slot
	slotOf      []int32  // index token id -> row of sims
	sims        []float64
}

// reset prepares the memo for a search with n distinct query tokens over
// an index of vocab distinct tokens.
func (m *simMemo) reset(n, vocab int) {
	if len(m.slotGen) != vocab {
		m.slotGen, m.slotOf = make([]uint32, vocab), make([]int32, vocab)
		m.gen = 0
	}
	m.gen++
	if m.gen == 0 { // wrapped: old stamps could look current
		clear(m.slotGen)
		m.gen = 1
	}
	m.queryTokens = n
	m.sims = m.sims[:0]
}

// sim is tokenSim(q, e) for query token q and indexed token e.
func (m *simMemo) sim(q, e *token) float64 {
	if q.id < 0 || e.id < 0 {
		return tokenSim(q, e, m.p)
	}
	if m.slotGen[e.id] != m.gen {
		m.slotGen[e.id] = m.gen
		m.slotOf[e.id] = int32(len(m.sims) / m.queryTokens)
		for range m.queryTokens {
			m.sims = append(m.sims, -1)
		}
	}
	i := int(m.slotOf[e.id])*m.queryTokens + int(q.id)
	s := m.sims[i]
	if s < 0 {
		s = tokenSim(q, e, m.p)
		m.sims[i] = s
	}
	return s
}

// tokenKey identifies what tokenSim looks at in a token: its text and
// whether it is a strict pinyin syllable; the rest follows from the text.
func tokenKey(t *token) string {
	if t.strict {
		return "\x01" + t.text
	}
	return t.text
}
