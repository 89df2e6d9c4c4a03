package match

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"

	"ties"
	"ties/names"
)

// Index finds the entities whose names resemble a query. It is immutable
// after Build and safe for concurrent Search.
type Index struct {
	entities []indexedEntity
	forms    []indexedForm // every form of every name of every entity
	keys     map[string]uint32
	exact    map[string][]uint32 // normalized name -> entities
	postings [][]uint32          // key id -> sorted form ids
	idf      []float32           // key id -> rarity weight
	vocab    int                 // distinct token ids of the forms
	// Per form, apart from forms so that the candidate stage, which
	// touches thousands of forms at random, reads few cache lines.
	formNorm   []float32
	formEntity []uint32
	pool       sync.Pool // *searchState
	p          Params
}

type indexedEntity struct {
	entry       *ties.Entry
	kind        names.Kind
	countries   []string
	births      []ties.Date // dates of birth, for persons
	identifiers []string    // identifier values, folded (identifierKey)
	forms       []uint32    // ids of the entity's forms
	// The source records consolidated into this entity, and every
	// designation with the list version it came from.
	records      []RecordRef
	designations []SourcedDesignation
}

type indexedForm struct {
	entity uint32
	name   int // index into the entity's Names
	prep   prepared
	norm   float32 // sum of the idf of the form's keys
}

// Option configures Build.
type Option func(*buildConfig)

type buildConfig struct {
	params    *Params
	decisions []MergeDecision
}

// WithMergeDecisions applies analysts' merges and splits of list records
// before the consolidation rules (see consolidate).
func WithMergeDecisions(ds []MergeDecision) Option {
	return func(c *buildConfig) { c.decisions = ds }
}

// WithParams builds the index with other scoring parameters than
// DefaultParams (for tuning and evaluation).
func WithParams(p Params) Option {
	return func(c *buildConfig) { c.params = &p }
}

// Build indexes the names of entries: primary names, aliases and every
// form names.Forms gives for each. Entries that are one entity
// (consolidate) are indexed as one, so a search shows it once with all
// its designations. The caller's entries are not changed.
func Build(entries []ties.Entry, opts ...Option) *Index {
	ix := &Index{keys: map[string]uint32{}, exact: map[string][]uint32{}, p: DefaultParams()}
	var cfg buildConfig
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.params != nil {
		ix.p = *cfg.params
	}
	groups := consolidate(entries, cfg.decisions)
	formKeys := [][]uint32{}
	tokenIDs := map[string]int32{}
	for gi := range groups {
		e := &groups[gi].entry
		nk := kindOf(e.Entity.Kind)
		ie := indexedEntity{entry: e, kind: nk, countries: entityCountries(&e.Entity),
			births: entityBirths(&e.Entity), identifiers: entityIdentifiers(&e.Entity),
			records: groups[gi].records, designations: groups[gi].designations}
		seen := map[string]bool{}
		for ni, n := range e.Entity.Names {
			if t := names.Normalize(n.Text); t != "" {
				if l := ix.exact[t]; len(l) == 0 || l[len(l)-1] != uint32(len(ix.entities)) {
					ix.exact[t] = append(l, uint32(len(ix.entities)))
				}
			}
			for _, p := range prepareName(n.Text, nk, &ix.p) {
				if len(p.tokens) == 0 || seen[p.text] {
					continue
				}
				seen[p.text] = true
				for ti := range p.tokens {
					k := tokenKey(&p.tokens[ti])
					id, ok := tokenIDs[k]
					if !ok {
						id = int32(len(tokenIDs))
						tokenIDs[k] = id
					}
					p.tokens[ti].id = id
				}
				fid := uint32(len(ix.forms))
				ix.forms = append(ix.forms, indexedForm{entity: uint32(len(ix.entities)), name: ni, prep: p})
				ie.forms = append(ie.forms, fid)
				var ids []uint32
				for _, k := range formKeyStrings(&p) {
					id, ok := ix.keys[k]
					if !ok {
						id = uint32(len(ix.postings))
						ix.keys[k] = id
						ix.postings = append(ix.postings, nil)
					}
					ids = append(ids, id)
				}
				slices.Sort(ids)
				ids = slices.Compact(ids)
				for _, id := range ids {
					ix.postings[id] = append(ix.postings[id], fid)
				}
				formKeys = append(formKeys, ids)
			}
		}
		ix.entities = append(ix.entities, ie)
	}
	n := float64(len(ix.forms)) + 1
	ix.idf = make([]float32, len(ix.postings))
	for k, id := range ix.keys {
		ix.idf[id] = float32(math.Log(n / float64(len(ix.postings[id]))))
		if k[0] == 't' {
			ix.idf[id] *= 2 // a whole shared token counts more than its q-grams
		}
	}
	for fid, ids := range formKeys {
		var s float32
		for _, id := range ids {
			s += ix.idf[id]
		}
		ix.forms[fid].norm = s
	}
	ix.formNorm = make([]float32, len(ix.forms))
	ix.formEntity = make([]uint32, len(ix.forms))
	for fid := range ix.forms {
		ix.formNorm[fid], ix.formEntity[fid] = ix.forms[fid].norm, ix.forms[fid].entity
	}
	ix.vocab = len(tokenIDs)
	ix.compact()
	ix.pool.New = func() any {
		return &searchState{acc: make([]float32, len(ix.forms)), entitySeen: make([]uint32, len(ix.entities))}
	}
	return ix
}

// compact lays the tokens of all forms, and their strings, out in one
// block each, in entity order: a search reads every form of a few
// entities, and tokens scattered over small allocations would cost a
// cache miss each.
func (ix *Index) compact() {
	n, size := 0, 0
	for fi := range ix.forms {
		for _, t := range ix.forms[fi].prep.tokens {
			n++
			size += len(t.text) + len(t.squeezed) + len(t.meta) + len(t.meta2)
		}
	}
	tokens := make([]token, 0, n)
	var b strings.Builder
	b.Grow(size)
	for fi := range ix.forms {
		p := &ix.forms[fi].prep
		start := len(tokens)
		for _, t := range p.tokens {
			for _, s := range [...]string{t.text, t.squeezed, t.meta, t.meta2} {
				b.WriteString(s)
			}
			tokens = append(tokens, t)
		}
		p.tokens = tokens[start:len(tokens):len(tokens)]
	}
	all := b.String()
	off := 0
	take := func(s string) string {
		s = all[off : off+len(s)]
		off += len(s)
		return s
	}
	for i := range tokens {
		t := &tokens[i]
		t.text, t.squeezed, t.meta, t.meta2 = take(t.text), take(t.squeezed), take(t.meta), take(t.meta2)
	}
}

// Entries turns records parsed from one list version into entries.
func Entries(records []ties.Record, versionID int64, dataset string) []ties.Entry {
	out := make([]ties.Entry, len(records))
	for i, r := range records {
		out[i] = ties.Entry{Record: r, VersionID: versionID, Dataset: dataset}
	}
	return out
}

// EntitiesNamed returns the ids of the entities that have a name equal to
// name after normalization.
func (ix *Index) EntitiesNamed(name string) []string {
	var ids []string
	for _, e := range ix.exact[names.Normalize(name)] {
		ids = append(ids, ix.entities[e].entry.Entity.ID)
	}
	return ids
}

// Len is the number of indexed entities.
func (ix *Index) Len() int { return len(ix.entities) }

func kindOf(k ties.EntityKind) names.Kind {
	switch k {
	case ties.KindPerson:
		return names.Person
	case ties.KindOrganization:
		return names.Organization
	}
	return names.Unknown
}

func entityCountries(e *ties.Entity) []string {
	var cs []string
	add := func(c string) {
		c = strings.ToUpper(strings.TrimSpace(c))
		if c != "" && !slices.Contains(cs, c) {
			cs = append(cs, c)
		}
	}
	for _, c := range e.Countries {
		add(c)
	}
	for _, a := range e.Addresses {
		add(a.Country)
	}
	return cs
}

// formKeyStrings gives the lookup keys of a form: whole tokens, character
// q-grams (3-grams of Latin tokens, 1- and 2-grams of Han) and phonetic
// codes. Legal forms and stop words get no keys.
func formKeyStrings(p *prepared) []string {
	var keys []string
	for i := range p.tokens {
		t := &p.tokens[i]
		if t.weight < 0.2 {
			continue
		}
		keys = append(keys, "t"+t.text)
		if t.han {
			rs := []rune(t.text)
			for j, r := range rs {
				keys = append(keys, "h"+string(r))
				if j+1 < len(rs) {
					keys = append(keys, "h"+string(rs[j:j+2]))
				}
			}
			continue
		}
		if t.meta != "" {
			keys = append(keys, "p"+t.meta)
		}
		if t.runes >= 3 {
			s := "_" + t.text + "_"
			rs := []rune(s)
			for j := 0; j+3 <= len(rs); j++ {
				keys = append(keys, "g"+string(rs[j:j+3]))
			}
		}
	}
	return keys
}

// Query is one search.
type Query struct {
	Text      string
	Kind      ties.EntityKind // "" matches any kind
	Lists     []string        // list ids such as "SDN"; empty: all
	Countries []string        // ISO codes; empty: all
	Threshold float64         // 0: the index's Params.Threshold
	Limit     int             // 0: 10
	// Attributes of the queried entity besides its name: evidence that
	// raises or lowers the score, not a filter.
	Attributes Attributes
}

// Attributes are facts about a queried person or organization. Each one
// given is compared with the entity's: agreement raises the score,
// conflict lowers it (a different birth year rules a person out), and the
// explanation says which.
type Attributes struct {
	BirthDate   ties.Date // zero: not given; a year alone is fine
	Countries   []string  // ISO 3166-1 alpha-2 codes: nationality, citizenship, residence, registration
	Identifiers []string  // passport, national id, IMO, registration or tax numbers, as written
}

// Match is one entity found for a query.
type Match struct {
	EntityID    string
	Name        string // the entity's primary name
	MatchedName string // the name of the entity that matched best, as listed
	NameSource  string // where the matched name came from when gained through a link
	Score       float64
	ListID      string
	SourceID    string
	ListedOn    ties.Date
	Authority   string
	Program     string
	VersionID   int64
	Dataset     string
	Kind        ties.EntityKind
	Explanation string
	QueryForm   string    // the form of the query that matched
	EntityForm  string    // the form of the matched name that matched
	Alignments  []Aligned // token pairs
	Steps       []string  // transformations of the forms used
	Penalties   []string  // what lowered the name score, in words
	Evidence    []string  // the attributes compared and what each did
	// Every designation of the (consolidated) entity, with the list
	// version each came from, and the source records it was made of.
	Designations []SourcedDesignation
	Records      []RecordRef
}

type searchState struct {
	acc     []float32
	touched []uint32
	memo    simMemo
	qtokens map[string]int32
	keyIDs  []uint32
	cands   []candidate
	scores  []float32 // min-heap of the best candidate scores
	order   []uint64  // sort keys of the candidates kept
	// entitySeen[e] == memo.gen: entity e was taken up in this search.
	entitySeen []uint32
}

// candidate is a form found by key overlap, with its overlap score.
type candidate struct {
	form  uint32
	score float32
}

// candidateLimit is how many forms the key-overlap stage hands to the
// scorer.
const candidateLimit = 24

// maxPostingShare: q-gram keys in more than this share of all forms are
// too common to be worth walking.
const maxPostingShare = 0.005

// Search finds the entities whose names match q.Text, best first, at most
// one Match per entity.
func (ix *Index) Search(q Query) []Match {
	threshold := q.Threshold
	if threshold == 0 {
		threshold = ix.p.Threshold
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 10
	}
	qkind := kindOf(q.Kind)
	qforms := prepareName(q.Text, qkind, &ix.p)
	if len(qforms) == 0 || len(ix.forms) == 0 {
		return nil
	}
	hint := kindUnknown
	if qkind == names.Unknown {
		hint = looksLike(q.Text, qforms)
	}
	st := ix.pool.Get().(*searchState)
	defer ix.pool.Put(st)
	st.memo.p = &ix.p
	st.memo.reset(numberQueryTokens(qforms, st), ix.vocab)
	if st.memo.gen == 1 { // first search with st, or stamps wrapped
		clear(st.entitySeen)
	}

	// Candidate generation: sum the rarity of the keys a form shares with
	// the query, only walking posting lists of the query's keys, rarest
	// first. Common keys (long lists) only add to forms already found.
	var qnorm float32
	keyIDs := st.keyIDs[:0]
	defer func() { st.keyIDs = keyIDs }()
	for i := range qforms {
		for _, k := range formKeyStrings(&qforms[i]) {
			if id, ok := ix.keys[k]; ok && !slices.Contains(keyIDs, id) {
				keyIDs = append(keyIDs, id)
				qnorm += ix.idf[id]
			}
		}
	}
	slices.SortFunc(keyIDs, func(a, b uint32) int { return len(ix.postings[a]) - len(ix.postings[b]) })
	maxPost := max(int(maxPostingShare*float64(len(ix.forms))), 256)
	for _, id := range keyIDs {
		w, post := ix.idf[id], ix.postings[id]
		if len(post) > maxPost && len(st.touched) >= 2*candidateLimit {
			// Common keys would only reorder the forms found already;
			// a cheap look-up per found form is worth it, a walk is not.
			if len(st.touched)*8 < len(post) {
				for _, f := range st.touched {
					if _, ok := slices.BinarySearch(post, f); ok {
						st.acc[f] += w
					}
				}
			}
			continue
		}
		for _, f := range post {
			if st.acc[f] == 0 {
				st.touched = append(st.touched, f)
			}
			st.acc[f] += w
		}
	}
	// Only the best few hundred candidates matter: keep the best
	// scores in a min-heap to find the cut, then sort what reaches it.
	const keep = 4 * candidateLimit
	cands := st.cands[:0]
	defer func() { st.cands = cands[:0] }()
	top := st.scores[:0]
	for _, f := range st.touched {
		s := st.acc[f] / (qnorm + ix.formNorm[f])
		st.acc[f] = 0
		cands = append(cands, candidate{f, s})
		switch {
		case len(top) < keep:
			top = append(top, s)
			if len(top) == keep {
				for i := keep/2 - 1; i >= 0; i-- {
					siftDown(top, i)
				}
			}
		case s > top[0]:
			top[0] = s
			siftDown(top, 0)
		}
	}
	st.scores = top
	st.touched = st.touched[:0]
	// Sort keys: score descending, then form id ascending.
	order := st.order[:0]
	defer func() { st.order = order[:0] }()
	for _, c := range cands {
		if len(cands) <= keep || c.score >= top[0] {
			order = append(order, uint64(^math.Float32bits(c.score))<<32|uint64(c.form))
		}
	}
	slices.Sort(order)

	var out []Match
	// A form of the query that is exactly a listed name (a translation
	// such as 哈尔滨工业大学 = "harbin institute of technology") is scored
	// even when all its words are too common for the key overlap to rank
	// it among the candidates.
	for i := range qforms {
		for _, eid := range ix.exact[qforms[i].text] {
			if st.entitySeen[eid] == st.memo.gen {
				continue
			}
			st.entitySeen[eid] = st.memo.gen
			e := &ix.entities[eid]
			if !ix.admits(e, q) {
				continue
			}
			if m, ok := ix.scoreEntity(e, qforms, qkind, hint, q, threshold, &st.memo); ok && m.Score >= threshold {
				out = append(out, m)
			}
		}
	}
	if len(order) == 0 {
		return out
	}
	picked := 0
	best := candidateScore(order[0])
	for _, key := range order {
		// Candidates far below the best on key overlap cannot win.
		if picked >= candidateLimit || candidateScore(key) < 0.5*best {
			break
		}
		eid := ix.formEntity[uint32(key)]
		if st.entitySeen[eid] == st.memo.gen {
			continue
		}
		st.entitySeen[eid] = st.memo.gen
		e := &ix.entities[eid]
		if !ix.admits(e, q) {
			continue
		}
		picked++
		m, ok := ix.scoreEntity(e, qforms, qkind, hint, q, threshold, &st.memo)
		if ok && m.Score >= threshold {
			out = append(out, m)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].EntityID < out[j].EntityID
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}

// numberQueryTokens gives the tokens of the query's forms ids for the
// similarity memo, one per distinct tokenKey, and returns how many.
func numberQueryTokens(qforms []prepared, st *searchState) int {
	if st.qtokens == nil {
		st.qtokens = map[string]int32{}
	}
	clear(st.qtokens)
	for i := range qforms {
		for j := range qforms[i].tokens {
			t := &qforms[i].tokens[j]
			k := tokenKey(t)
			id, ok := st.qtokens[k]
			if !ok {
				id = int32(len(st.qtokens))
				st.qtokens[k] = id
			}
			t.id = id
		}
	}
	return max(len(st.qtokens), 1)
}

// admits applies the query's kind, list and country filters.
func (ix *Index) admits(e *indexedEntity, q Query) bool {
	if q.Kind != "" && e.entry.Entity.Kind != q.Kind {
		return false
	}
	if len(q.Countries) > 0 {
		ok := false
		for _, c := range q.Countries {
			if slices.Contains(e.countries, strings.ToUpper(c)) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	if len(q.Lists) > 0 {
		if _, ok := bestDesignation(e.entry.Designations, q.Lists); !ok {
			return false
		}
	}
	return true
}

// bestDesignation picks the designation to report: one on the wanted
// lists, in force before ended, most recent first.
func bestDesignation(ds []ties.Designation, lists []string) (ties.Designation, bool) {
	var best ties.Designation
	found := false
	for _, d := range ds {
		if len(lists) > 0 && !containsFold(lists, d.ListID) {
			continue
		}
		if !found || better(d, best) {
			best, found = d, true
		}
	}
	return best, found
}

// firstListed is the earliest start of the designations on d's list with
// d's list id: an entity re-listed in later editions (1260H, 1286) was
// first listed then.
func firstListed(ds []ties.Designation, d ties.Designation) ties.Date {
	first := d.Start
	for _, x := range ds {
		if strings.EqualFold(x.ListID, d.ListID) && !x.Start.Known().IsZero() && (first.Known().IsZero() || x.Start.Before(first)) {
			first = x.Start
		}
	}
	return first
}

func better(a, b ties.Designation) bool {
	if a.End.IsZero() != b.End.IsZero() {
		return a.End.IsZero()
	}
	return b.Start.Known().Before(a.Start.Known())
}

func containsFold(xs []string, s string) bool {
	for _, x := range xs {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// scoreEntity scores the query against every form of every name of e,
// then weighs the kind the query looks like and the attributes it gives.
func (ix *Index) scoreEntity(e *indexedEntity, qforms []prepared, qkind names.Kind, hint kindHint, q Query, threshold float64, memo *simMemo) (Match, bool) {
	kind := qkind
	if kind == names.Unknown {
		kind = e.kind
	}
	sc := scoring{kind: kind, p: &ix.p, queryA: true}
	bestScore, bestForm, bestQ := -1.0, -1, -1
	for _, fid := range e.forms {
		f := &ix.forms[fid]
		for i := range qforms {
			if !pairAllowed(&qforms[i], &f.prep) {
				continue
			}
			// Of equal scores the earlier query form wins: the name as
			// written (中国科学院…) is better evidence than a reading.
			if s := scoreForms(&qforms[i], &f.prep, &sc, nil, memo); s > bestScore || s == bestScore && i < bestQ {
				bestScore, bestForm, bestQ = s, int(fid), i
			}
		}
	}
	if bestForm < 0 {
		return Match{}, false
	}
	// A query that looks like the other kind is weighed down, unless it
	// is exactly a name the list gives ("ICT CAS" is the institute's).
	factor, kindNote := 1.0, ""
	if bestScore < 1 {
		factor, kindNote = ix.kindFactor(hint, e.kind)
	}
	adjusted, evidence := ix.p.weighAttributes(bestScore*factor, &q.Attributes, e)
	if adjusted < threshold {
		return Match{}, false
	}
	var best Result
	scoreForms(&qforms[bestQ], &ix.forms[bestForm].prep, &sc, &best, memo)
	if kindNote != "" {
		best.Penalties = append(best.Penalties, kindNote)
	}
	ent := &e.entry.Entity
	name := ent.Names[ix.forms[bestForm].name]
	m := Match{
		EntityID:    ent.ID,
		Name:        ent.PrimaryName(),
		MatchedName: name.Text,
		NameSource:  name.Source,
		Score:       round3(adjusted),
		VersionID:   e.entry.VersionID,
		Dataset:     e.entry.Dataset,
		Kind:        ent.Kind,
		QueryForm:   best.FormA,
		EntityForm:  best.FormB,
		Alignments:  best.Alignments,
		Steps:       best.Steps,
		Penalties:   best.Penalties,
		Evidence:    evidence,
	}
	if d, ok := bestDesignation(e.entry.Designations, q.Lists); ok {
		m.ListID, m.SourceID, m.ListedOn, m.Authority, m.Program = d.ListID, d.SourceID, firstListed(e.entry.Designations, d), d.Authority, d.Program
	}
	m.Designations, m.Records = e.designations, e.records
	best.Score = adjusted
	m.Explanation = explain(q.Text, name, best, evidence)
	return m, true
}

func round3(f float64) float64 { return math.Round(f*1000) / 1000 }

// explain says in one line which name matched, how the tokens aligned and
// which transformations were used.
func explain(query string, name ties.Name, r Result, evidence []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%q matched %s %q", query, nameTypeWord(name.Type), name.Text)
	if name.Source != "" {
		fmt.Fprintf(&b, " (name from %s)", name.Source)
	}
	fmt.Fprintf(&b, " with score %.2f: %s", r.Score, r.AlignmentText())
	if len(r.Steps) > 0 {
		fmt.Fprintf(&b, "; via %s", strings.Join(r.Steps, "; "))
	}
	if len(r.Penalties) > 0 {
		fmt.Fprintf(&b, "; lowered by: %s", strings.Join(r.Penalties, "; "))
	}
	if len(evidence) > 0 {
		fmt.Fprintf(&b, "; attributes: %s", strings.Join(evidence, "; "))
	}
	return b.String()
}

func nameTypeWord(t ties.NameType) string {
	if t == "" {
		return "name"
	}
	return string(t) + " name"
}

// candidateScore is the key-overlap score in a candidate sort key.
func candidateScore(key uint64) float32 { return math.Float32frombits(^uint32(key >> 32)) }

// siftDown restores the min-heap order of h below i.
func siftDown(h []float32, i int) {
	for {
		c := 2*i + 1
		if c >= len(h) {
			return
		}
		if c+1 < len(h) && h[c+1] < h[c] {
			c++
		}
		if h[i] <= h[c] {
			return
		}
		h[i], h[c] = h[c], h[i]
		i = c
	}
}
