package resolve

import (
	"cmp"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"ties"
	"ties/match"
	"ties/names"
)

// ResolveThreshold is the lowest score at which a segment of an
// affiliation names an organization. It is above the screening threshold
// (0.80) because segments are often a single place or department word:
// "Montréal" scores 0.80 against "Microsoft Research Montréal (Canada)".
// Real segments that name an organization in the graph score 1.0 or close
// ("Institute of Automation", "University of Chinese Academy of Sciences").
const ResolveThreshold = 0.85

// Candidate is one organization an affiliation string may name.
type Candidate struct {
	ID    string  `json:"id"`    // graph id (the canonical id of its same-as group)
	ROR   string  `json:"ror"`   // short ROR id of the entity or a same-as partner; "" when unknown
	Name  string  `json:"name"`  // primary name
	Score float64 `json:"score"` // best score of any segment or segment pair
}

// Resolver resolves free-text affiliations to graph organizations. It is
// immutable after NewResolver and safe for concurrent use.
type Resolver struct {
	ix        *match.Index
	entities  map[string]*ties.Entity // canonical id -> entity whose name is shown
	canon     map[string]string
	ror       map[string]string   // canonical id -> short ROR id
	parents   map[string][]string // canonical id -> canonical ids it is part of
	expansion map[string]string   // normalized abbreviation -> full name, when unambiguous
}

// NewResolver indexes the organizations of graph. Same-as links merge
// entities (so a native organization carries its ROR id); hierarchical ties
// (part_of, subsidiary_of, owned_by) let the most specific organization
// rank first.
func NewResolver(graph []ties.Entity, graphTies []ties.Tie, links []ties.Link) *Resolver {
	r := &Resolver{
		entities:  map[string]*ties.Entity{},
		canon:     Canonical(links),
		ror:       map[string]string{},
		parents:   map[string][]string{},
		expansion: map[string]string{},
	}
	var entries []ties.Entry
	expansions := map[string][]string{} // abbreviation -> canonical ids
	fullName := map[string]string{}
	for i := range graph {
		e := &graph[i]
		if e.Kind != ties.KindOrganization {
			continue
		}
		entries = append(entries, ties.Entry{Record: ties.Record{Entity: *e}})
		c := r.canonical(e.ID)
		if prev, ok := r.entities[c]; !ok || e.ID == c && prev.ID != c {
			r.entities[c] = e
		}
		for _, id := range e.Identifiers {
			if k := identityKey(id); strings.HasPrefix(k, "ror ") && r.ror[c] == "" {
				r.ror[c] = strings.TrimPrefix(k, "ror ")
			}
		}
		for _, n := range e.Names {
			if n.Type != ties.NameAbbreviation {
				continue
			}
			a := names.Normalize(n.Text)
			if a == "" || slices.Contains(expansions[a], c) {
				continue
			}
			expansions[a] = append(expansions[a], c)
			fullName[a] = e.PrimaryName()
		}
	}
	for a, ids := range expansions {
		if len(ids) == 1 {
			r.expansion[a] = fullName[a]
		}
	}
	for _, t := range graphTies {
		if !t.Kind.Hierarchical() {
			continue
		}
		from, to := r.canonical(t.From), r.canonical(t.To)
		if from != to && !slices.Contains(r.parents[from], to) {
			r.parents[from] = append(r.parents[from], to)
		}
	}
	r.ix = match.Build(entries)
	return r
}

func (r *Resolver) canonical(id string) string {
	if c, ok := r.canon[id]; ok {
		return c
	}
	return id
}

// Resolve returns the organizations text names, most specific first: the
// institute before the academy it is part of, when both are named. limit
// <= 0 gives 5.
func (r *Resolver) Resolve(text string, limit int) []Candidate {
	if limit <= 0 {
		limit = 5
	}
	segs := Segments(text)
	var queries []string
	add := func(q string) {
		if q != "" && !slices.Contains(queries, q) {
			queries = append(queries, q)
		}
	}
	expanded := make([]string, len(segs))
	for i, s := range segs {
		expanded[i] = r.expand(s)
	}
	for i := range segs {
		add(segs[i])
		add(expanded[i])
		if i+1 < len(segs) {
			add(segs[i] + ", " + segs[i+1])
			add(expanded[i] + ", " + expanded[i+1])
		}
	}
	for _, c := range chunks(text) {
		if strings.ContainsAny(c, "()[]（）") {
			add(c)
		}
	}
	// Each candidate keeps its best score and the length (in words) of the
	// query that gave it: on equal scores the organization named by the
	// longer text is the more specific ("Microsoft (Singapore)" over the
	// "Microsoft" it contains).
	type found struct {
		Candidate
		words int
	}
	best := map[string]*found{}
	for _, q := range queries {
		words := len(strings.Fields(q))
		for _, m := range r.ix.Search(match.Query{Text: q, Kind: ties.KindOrganization, Threshold: ResolveThreshold, Limit: 10}) {
			c := r.canonical(m.EntityID)
			if b, ok := best[c]; ok {
				if m.Score > b.Score || m.Score == b.Score && words > b.words {
					b.Score, b.words = m.Score, words
				}
				continue
			}
			name := m.Name
			if e, ok := r.entities[c]; ok {
				name = e.PrimaryName()
			}
			best[c] = &found{Candidate{ID: c, ROR: r.ror[c], Name: name, Score: m.Score}, words}
		}
	}
	sorted := make([]*found, 0, len(best))
	for _, f := range best {
		sorted = append(sorted, f)
	}
	slices.SortFunc(sorted, func(a, b *found) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(b.words, a.words), strings.Compare(a.ID, b.ID))
	})
	rest := make([]Candidate, len(sorted))
	for i, f := range sorted {
		rest[i] = f.Candidate
	}
	// Pick the best remaining candidate, then prefer any candidate inside
	// it that scored nearly as well: "State Key Laboratory of Computer
	// Architecture, Institute of Computing Technology, Chinese Academy of
	// Sciences" names all three, and the laboratory is the answer.
	var out []Candidate
	for len(rest) > 0 && len(out) < limit {
		pick := 0
		for step := 0; step < len(rest); step++ {
			moved := false
			for j := range rest {
				if j != pick && rest[j].Score >= rest[pick].Score-specificitySlack && r.inside(rest[j].ID, rest[pick].ID) {
					pick, moved = j, true
					break
				}
			}
			if !moved {
				break
			}
		}
		out = append(out, rest[pick])
		rest = slices.Delete(rest, pick, pick+1)
	}
	return out
}

// specificitySlack is how much lower a part may score than the whole it
// belongs to and still rank first: exact segment matches score 1.0 for
// both, while a near miss of the whole ("Chinese Academy of Sciences"
// against "University of Chinese Academy of Sciences", about 0.85) stays
// behind the exact whole.
const specificitySlack = 0.05

// inside reports whether a is (transitively) part of b.
func (r *Resolver) inside(a, b string) bool {
	seen := map[string]bool{a: true}
	queue := []string{a}
	for len(queue) > 0 && len(seen) < 256 {
		x := queue[0]
		queue = queue[1:]
		for _, p := range r.parents[x] {
			if p == b {
				return true
			}
			if !seen[p] {
				seen[p] = true
				queue = append(queue, p)
			}
		}
	}
	return false
}

// expand replaces whole-word abbreviations the graph knows unambiguously
// ("CAS" -> "Chinese Academy of Sciences").
func (r *Resolver) expand(seg string) string {
	words := strings.Fields(seg)
	changed := false
	for i, w := range words {
		trimmed := strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		if !isAbbreviationWord(trimmed) {
			continue
		}
		if full, ok := r.expansion[names.Normalize(trimmed)]; ok {
			words[i] = strings.Replace(w, trimmed, full, 1)
			changed = true
		}
	}
	if !changed {
		return seg
	}
	return strings.Join(words, " ")
}

// isAbbreviationWord: two or more letters, mostly capitals ("CAS",
// "UCAS", "CASIA", "MSRA").
func isAbbreviationWord(w string) bool {
	n, upper := 0, 0
	for _, r := range w {
		n++
		if unicode.IsUpper(r) {
			upper++
		}
	}
	return n >= 2 && upper*2 > n
}

// Affiliation cleaning.

// maxAffiliation bounds the text looked at: real affiliations are far
// shorter, and the bound keeps the work per call small.
const maxAffiliation = 2000

// maxSegments bounds the segments tried (each segment and pair is one
// index search).
const maxSegments = 12

var (
	emailPattern = regexp.MustCompile(`[^\s,;()\[\]<>]+@[^\s,;()\[\]<>]+`)
	urlPattern   = regexp.MustCompile(`(?i)\b(?:https?://|www\.)[^\s,;]+`)
	// Postal codes: Chinese six-digit codes and other runs of four or more
	// digits, with an optional country prefix ("CN-100190", "D-12345").
	postalPattern = regexp.MustCompile(`\b(?:[A-Z]{1,2}-)?\d{4,}\b`)
)

// places are city, province and country names (normalized) that an
// affiliation segment may consist of; such segments say where, not who.
// The list holds the countries most often seen in affiliations and the
// major Chinese cities and provinces; a segment is dropped only when every
// word is a place word.
var places = func() map[string]bool {
	m := map[string]bool{}
	for _, s := range []string{
		// countries and their short forms
		"china", "pr china", "p r china", "prc", "peoples republic of china", "people s republic of china",
		"usa", "us", "u s a", "united states", "united states of america", "america", "uk", "united kingdom",
		"england", "scotland", "canada", "australia", "japan", "korea", "south korea", "republic of korea",
		"germany", "france", "italy", "spain", "netherlands", "the netherlands", "switzerland", "sweden",
		"singapore", "india", "russia", "russian federation", "taiwan", "hong kong", "hong kong sar", "macau", "macao",
		"israel", "iran", "brazil", "belgium", "austria", "denmark", "norway", "finland", "poland",
		// major Chinese cities
		"beijing", "shanghai", "tianjin", "chongqing", "guangzhou", "shenzhen", "hangzhou", "nanjing",
		"wuhan", "chengdu", "xian", "xi an", "harbin", "hefei", "changsha", "shenyang", "dalian",
		"qingdao", "jinan", "zhengzhou", "suzhou", "xiamen", "fuzhou", "kunming", "lanzhou", "changchun",
		"taiyuan", "nanchang", "guiyang", "nanning", "shijiazhuang", "urumqi", "hohhot", "ningbo",
		"wuxi", "dongguan", "foshan", "haikou", "sanya", "weihai", "mianyang", "taipei",
		// provinces
		"guangdong", "jiangsu", "zhejiang", "shandong", "henan", "hubei", "hunan", "sichuan", "fujian",
		"anhui", "hebei", "shanxi", "shaanxi", "liaoning", "jilin", "heilongjiang", "yunnan", "guizhou",
		"gansu", "jiangxi", "hainan", "guangxi", "xinjiang", "inner mongolia", "tibet", "ningxia", "qinghai",
		"中国", "中华人民共和国", "北京", "上海", "天津", "重庆", "广州", "深圳", "杭州", "南京", "武汉", "成都", "西安", "哈尔滨", "合肥",
		// words that go with them
		"city", "province", "district", "municipality", "sar", "p", "r", "of", "the",
	} {
		m[s] = true
	}
	return m
}()

// isPlace reports whether every word of a normalized segment is a place
// word (or the whole segment is a place name), or it is short and ends in
// a word such as "district" or "road" ("People's Government of Zhejiang
// Province" is an organization).
func isPlace(norm string) bool {
	if norm == "" || places[norm] {
		return true
	}
	words := strings.Fields(norm)
	if len(words) <= 3 {
		switch words[len(words)-1] {
		case "district", "province", "county", "prefecture", "road", "street":
			return true // "Haidian District", "Zhongguancun East Road"
		}
	}
	for i := 0; i < len(words); {
		// two-word names first ("hong kong", "inner mongolia")
		if i+1 < len(words) && places[words[i]+" "+words[i+1]] {
			i += 2
			continue
		}
		if !places[words[i]] {
			return false
		}
		i++
	}
	return true
}

// Segments cleans an affiliation string and splits it into the parts that
// may name organizations, in order: e-mail addresses, URLs and postal codes
// are removed, the text is split at commas, semicolons and brackets, and
// segments that only name places ("Beijing", "P.R. China", "Haidian
// District") or hold no letters are dropped, as are two-letter segments
// such as US state codes.
func Segments(text string) []string {
	return split(clean(text), "(),;[]（），；|\n\t")
}

// chunks are the comma-separated parts of an affiliation with their
// brackets kept: "Microsoft (Singapore)" is a name, not "Microsoft" in
// Singapore.
func chunks(text string) []string {
	return split(clean(text), ",;，；|\n\t")
}

// clean bounds the text and removes e-mail addresses, URLs and postal
// codes.
func clean(text string) string {
	if len(text) > maxAffiliation {
		text = text[:maxAffiliation]
		for !utf8.ValidString(text) && len(text) > 0 {
			text = text[:len(text)-1]
		}
	}
	text = emailPattern.ReplaceAllString(text, " ")
	text = urlPattern.ReplaceAllString(text, " ")
	return postalPattern.ReplaceAllString(text, " ")
}

// split cuts text at any of seps and keeps the parts that may name an
// organization, at most maxSegments.
func split(text, seps string) []string {
	parts := strings.FieldsFunc(text, func(r rune) bool { return strings.ContainsRune(seps, r) })
	var out []string
	for _, p := range parts {
		p = strings.Join(strings.Fields(p), " ")
		p = strings.TrimFunc(p, func(r rune) bool {
			return (unicode.IsPunct(r) || unicode.IsSpace(r)) && !strings.ContainsRune("()[]（）", r)
		})
		p = strings.TrimPrefix(strings.TrimPrefix(p, "and "), "& ")
		norm := names.Normalize(p)
		if !hasLetter(norm) || isPlace(norm) {
			continue
		}
		if len([]rune(strings.ReplaceAll(norm, " ", ""))) <= 2 && names.Script(norm) == "Latin" {
			continue
		}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
		if len(out) == maxSegments {
			break
		}
	}
	return out
}

func hasLetter(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}
