// Package match finds list entities whose names resemble a query name and
// explains why. It is pure: it builds an in-memory index from entries it is
// given and does no I/O.
package match

import (
	"fmt"
	"math"
	"math/bits"
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
	pinyin  bool // the form is a reading of Han characters
	hanText bool // the form is written in Han characters
	nameHan bool // the name the form was made from is written in Han
	// Bits (first byte mod 64) of the first bytes of the tokens that
	// could start a joined pair, and of the tokens of 4 or more runes a
	// joined pair could match: when they share none, mergeJoined has
	// nothing to do.
	joinStarts, joinTargets uint64
}

// Compare scores how likely a and b name the same entity, in [0,1].
// It tries every form of both names (transliterations, name orders,
// acronyms) and keeps the best pairing. Compare is symmetric.
func Compare(a, b string, kind names.Kind) Result {
	pa := prepareName(a, kind)
	pb := prepareName(b, kind)
	return comparePrepared(pa, pb, kind)
}

func comparePrepared(pa, pb []prepared, kind names.Kind) Result {
	bi, bj := -1, -1
	bestScore := -1.0
	for i := range pa {
		for j := range pb {
			if !pairAllowed(&pa[i], &pb[j]) {
				continue
			}
			if s := scoreForms(&pa[i], &pb[j], kind, nil, nil); s > bestScore {
				bestScore, bi, bj = s, i, j
			}
		}
	}
	if bi < 0 {
		return Result{}
	}
	var r Result
	scoreForms(&pa[bi], &pb[bj], kind, &r, nil)
	return r
}

// prepareName produces the prepared forms of a raw name.
func prepareName(raw string, kind names.Kind) []prepared {
	forms := names.Forms(raw, kind)
	out := make([]prepared, 0, len(forms)+1)
	for _, f := range forms {
		if abjadUnidecode(f.Steps) {
			continue
		}
		out = append(out, prepareForm(f, kind))
	}
	for i := range out {
		out[i].nameHan = out[0].hanText
	}
	return dedupeForms(out)
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
// in Han characters compare as characters, not as sounds: 高石 is not 高市.
func pairAllowed(a, b *prepared) bool {
	return !(a.pinyin && b.pinyin && a.nameHan && b.nameHan)
}

// abjadUnidecode tells forms that unidecode made from Arabic or Hebrew
// script: without vowels ("jnn g") they resemble too many names.
func abjadUnidecode(steps []string) bool {
	for _, s := range steps {
		if strings.Contains(s, "unidecode") && (strings.Contains(s, "Arabic") || strings.Contains(s, "Hebrew")) {
			return true
		}
	}
	return false
}

func prepareForm(f names.Form, kind names.Kind) prepared {
	p := prepared{text: f.Text, steps: f.Steps, hanText: isHan(f.Text)}
	strict := false
	for _, st := range f.Steps {
		switch {
		case strings.HasPrefix(st, "pinyin of"), strings.HasPrefix(st, "Wade-Giles"):
			strict = true
		case strings.HasPrefix(st, "acronym of"):
			p.acronym = true
		case strings.Contains(st, "LAST, First"):
			p.comma = true
		}
	}
	toks := numbersAsDigits(canonicalPhrases(f.Tokens))
	for _, t := range toks {
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
			tk.weight = 0.15
		case particles[t]:
			tk.weight = 0.3
		case commonOrgWords[t]:
			tk.weight = 0.5
		case commonGivenNames[t]:
			tk.weight = 0.7
		}
		if !tk.han && !tk.digits && isASCII(t) {
			tk.meta, tk.meta2 = matchr.DoubleMetaphone(t)
		}
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

func isHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// tokenSim scores two tokens in [0,1].
func tokenSim(a, b *token) float64 {
	if a.text == b.text {
		return 1
	}
	if (a.digits || romanLetter(a.text)) && (b.digits || romanLetter(b.text)) && (a.digits || b.digits) {
		// Different numbers in otherwise equal names mostly name members
		// of one family (Fund V, Fund VI): related, worth a look.
		return numberSim
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
			return initialSim
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
		return squeezedSim // doubled letters: jong/joonng, mohamed/mohammed
	}
	short := min(a.runes, b.runes) <= shortToken
	var lev float64
	if a.ascii && b.ascii {
		// Similarities below minPairSim are never used: stop counting
		// edits once the ratio cannot reach the least a pair needs.
		longer := max(len(a.text), len(b.text))
		need := minPairSim
		if !short {
			need = minLevLong()
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
		return 0.7 // Antonio and Antonia are different people
	}
	var jw float64
	if a.ascii && b.ascii {
		jw = jaroWinklerASCII(a.text, b.text)
	} else {
		jw = jaroWinkler(a.text, b.text)
	}
	s := levWeight*lev + (1-levWeight)*jw
	if a.runes >= 5 && b.runes >= 5 && lev >= 0.5 && a.meta != "" && b.meta != "" &&
		(a.meta == b.meta || a.meta == b.meta2 || a.meta2 == b.meta || (a.meta2 != "" && a.meta2 == b.meta2)) {
		// Same sound: transliteration variants such as Husayn/Hussein.
		s = math.Max(s, phoneticSim)
	}
	return s
}

// minPairSim is the least similarity at which two tokens may pair.
const minPairSim = 0.7

// minLevLong is the least Levenshtein ratio with which two tokens longer
// than shortToken can reach minPairSim: the Jaro-Winkler part is at most
// 1, and the phonetic rescue needs a ratio of 0.5.
func minLevLong() float64 {
	if levWeight <= 1-minPairSim {
		return 0
	}
	return min(0.5, (levWeight-(1-minPairSim))/levWeight)
}

// effective turns a raw token similarity into a credit: near-identical
// tokens earn almost full credit, loose resemblances little, so that
// different names that share letters do not add up to a match.
func effective(s float64) float64 {
	switch {
	case s >= 0.9:
		return s
	case s >= 0.7:
		return 0.9 - (0.9-s)*fuzzSlope // slope 2: 0.7 -> 0.5, 0.8 -> 0.7
	}
	return 0
}

type pairing struct {
	i, j int
	sim  float64
}

// scoreForms aligns the tokens of two prepared forms and scores them. When
// r is not nil it also fills r with the alignment, for explanations. When
// memo is not nil, a is a query form and b an indexed form, and token
// similarities are looked up in and added to memo.
func scoreForms(a, b *prepared, kind names.Kind, r *Result, memo *simMemo) float64 {
	ta, tb := a.tokens, b.tokens
	// Two acronyms made by us say nothing: "China Railway Constructors"
	// and "China Railway Construction" both give "crc".
	if len(ta) == 0 || len(tb) == 0 || (a.acronym && b.acronym) {
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
				s = tokenSim(&ta[i], &tb[j])
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
	strongCount := 0
	var cbuf [32]pairing
	chosen := cbuf[:0]
	for _, p := range pairs {
		if usedA[p.i] >= 0 || usedB[p.j] >= 0 {
			continue
		}
		usedA[p.i], usedB[p.j] = p.j, p.i
		chosen = append(chosen, p)
		w := (ta[p.i].weight + tb[p.j].weight)
		credit += effective(p.sim) * w
		matchedW += w
		if math.Min(ta[p.i].weight, tb[p.j].weight) >= 0.5 {
			if p.sim >= 0.85 {
				strong = true
			}
			if p.sim >= 0.75 {
				strongCount++
			}
		}
	}
	var unA, unB, unNum float64
	for i, u := range usedA {
		if u < 0 {
			unA += ta[i].weight
			if ta[i].digits {
				unNum++
			}
		}
	}
	for j, u := range usedB {
		if u < 0 {
			unB += tb[j].weight
			if tb[j].digits {
				unNum++
			}
		}
	}
	// Extra tokens on one side only (a missing middle name, a patronymic)
	// cost less than tokens on both sides that found no partner, which
	// contradict each other.
	missing := unA + unB
	if unA == 0 || unB == 0 {
		// The first missing name costs little, more missing names more.
		missing = subsetCost*min(missing, 1) + extraSubsetCost*max(missing-1, 0)
	} else {
		// Names on both sides without partners contradict each other.
		missing *= contradictionCost
	}
	// A number on one side only (Fund II, Company 23) names another entity.
	missing += unNum * numberCost
	score := 0.0
	if matchedW+missing > 0 {
		score = credit / (matchedW + missing)
	}
	if !strong {
		score *= 0.5
	}
	// One shared name is weak evidence that two people are the same when
	// one of them has more names: "Julia Palmer" is not "Julia".
	if kind != names.Organization && strongCount < 2 && max(realTokens(ta), realTokens(tb)) >= 2 {
		score *= singleNameFactor
	}
	// Crossed pairs mean reordered tokens; persons' names change order
	// ("Putin Vladimir"), so it costs only a little.
	if crossed(chosen) && !a.comma && !b.comma {
		if kind == names.Organization {
			score -= 0.03
		} else {
			score -= crossedPenalty
		}
	}
	// Different legal forms (AG vs GmbH) suggest different companies.
	if len(a.legal) > 0 && len(b.legal) > 0 && !overlap(a.legal, b.legal) {
		score -= legalClash
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
	*r = Result{Score: score, FormA: a.text, FormB: b.text}
	for i := range ta {
		if j := usedA[i]; j >= 0 {
			r.Alignments = append(r.Alignments, Aligned{A: ta[i].text, B: tb[j].text, Score: round2(tokenSim(&ta[i], &tb[j]))})
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

// Tuning knobs, chosen on the name benchmark and the negatives.
var (
	subsetCost        = 0.5
	levWeight         = 0.6
	shortToken        = 4
	initialSim        = 0.8
	phoneticSim       = 0.85
	extraSubsetCost   = 0.65 // each further token missing on one side
	fuzzSlope         = 2.0
	contradictionCost = 1.5
	crossedPenalty    = 0.1
	legalClash        = 0.2
	numberCost        = 1.5
	numberSim         = 0.8
	squeezedSim       = 0.92
	singleNameFactor  = 0.85
)

// realTokens counts the tokens that carry identity (not particles or
// titles).
func realTokens(ts []token) int {
	n := 0
	for i := range ts {
		if ts[i].weight >= 0.5 {
			n++
		}
	}
	return n
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
				if (!ts[i].strict && !o.strict && levRatio(joined, o.text) >= 0.85) || joined == o.text {
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
		return tokenSim(q, e)
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
		s = tokenSim(q, e)
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
