// Package resolve connects the ties graph to the lists and to itself: it
// proposes links between graph entities that are the same thing (shared
// identifiers), links graph organizations and people to list entries (by
// identifier, then by name), gives linked list entries the graph's names as
// aliases, and resolves free-text affiliation strings to graph
// organizations. It is pure: it works on the slices it is given.
package resolve

import (
	"cmp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"ties"
	"ties/match"
	"ties/names"
)

// Link methods.
const (
	// MethodSameAs marks a graph-to-graph link: both ends are the same
	// real-world thing (they share an identifier). It is distinct from
	// MethodIdentifier so that Canonical never merges a graph entity with a
	// list entry.
	MethodSameAs     = "same_as"
	MethodIdentifier = "identifier" // graph entity -> list entry by a shared identifier
	MethodName       = "name"       // graph entity -> list entry by name
)

// Link statuses, as the store keeps them.
const (
	StatusProposed  = "proposed"
	StatusConfirmed = "confirmed"
	StatusRejected  = "rejected"
)

// LinkThreshold is the lowest name score that proposes a graph-to-list
// link. It is above match.DefaultThreshold (0.80) on purpose: screening
// shows a person possible matches to review, but a link feeds every later
// screening (Augment gives the list entry the graph's names) and exposure,
// so it must name the same organization, not a similar one. At 0.90 word
// order, legal forms, punctuation and small spelling differences still link
// ("Chinese Academy of Sciences Institute of Computing Technology" vs
// "Institute of Computing Technology, Chinese Academy of Sciences" scores
// 1.0), while sibling institutes sharing most words ("Institute of
// Physics" vs "Institute of Automation", "University of X" vs "X") stay
// below it.
const LinkThreshold = 0.90

// Options tunes LinkToLists.
type Options struct {
	// Threshold is the lowest name score that links; 0 uses LinkThreshold.
	Threshold float64
	// PerEntity bounds the links proposed for one graph entity; 0: 5.
	PerEntity int
}

// identitySchemes are the identifier schemes that name one entity
// world-wide, so sharing one means being the same thing. URLs (ASPI cites
// shared pages), passports and national ids are not among them.
var identitySchemes = map[string]string{
	"ror": "ror", "grid": "grid", "isni": "isni", "wikidata": "wikidata",
	"fundref": "fundref", "openalex": "openalex", "aspi": "aspi",
	"lei": "lei", "legalentityidentifier": "lei", "legalentitynumber": "lei",
	"imo": "imo", "imonumber": "imo", "orcid": "orcid",
}

// identityKey returns "scheme value" for an identifier that names one
// entity, or "".
func identityKey(id ties.Identifier) string {
	var b strings.Builder
	for _, r := range strings.ToLower(id.Scheme) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	scheme, ok := identitySchemes[b.String()]
	if !ok {
		return ""
	}
	v := strings.ToLower(strings.TrimSpace(id.Value))
	for _, p := range []string{"https://ror.org/", "http://ror.org/", "ror.org/", "https://openalex.org/", "https://orcid.org/", "https://www.wikidata.org/wiki/"} {
		v = strings.TrimPrefix(v, p)
	}
	v = strings.Join(strings.Fields(v), "") // ISNI is written with spaces
	if v == "" {
		return ""
	}
	return scheme + " " + v
}

// SameAs links graph entities of the same kind that share an identifier
// (ROR 0090r4d87 on the native "cas-ict" and on "ror:0090r4d87") and have
// no conflicting identifier (different values in one scheme). Each
// member of a group is linked to the group's preferred id (see Canonical),
// so a group of n gives n-1 links.
func SameAs(entities []ties.Entity) []ties.Link {
	groups := map[string][]string{} // kind + identity key -> entity ids
	var keys []string
	for _, e := range entities {
		for _, id := range e.Identifiers {
			k := identityKey(id)
			if k == "" {
				continue
			}
			gk := string(e.Kind) + "|" + k
			if !slices.Contains(groups[gk], e.ID) {
				if len(groups[gk]) == 0 {
					keys = append(keys, gk)
				}
				groups[gk] = append(groups[gk], e.ID)
			}
		}
	}
	slices.Sort(keys)
	schemes := map[string]map[string][]string{} // entity id -> scheme -> values
	for _, e := range entities {
		for _, id := range e.Identifiers {
			if k := identityKey(id); k != "" {
				sc, v, _ := strings.Cut(k, " ")
				if schemes[e.ID] == nil {
					schemes[e.ID] = map[string][]string{}
				}
				schemes[e.ID][sc] = append(schemes[e.ID][sc], v)
			}
		}
	}
	seen := map[[2]string]bool{}
	var out []ties.Link
	for _, gk := range keys {
		ids := groups[gk]
		if len(ids) < 2 {
			continue
		}
		slices.SortFunc(ids, compareCanonical)
		key := gk[strings.IndexByte(gk, '|')+1:]
		for _, id := range ids[1:] {
			pair := [2]string{id, ids[0]}
			if seen[pair] || conflicting(schemes[id], schemes[ids[0]]) {
				continue
			}
			seen[pair] = true
			out = append(out, ties.Link{GraphID: id, TargetID: ids[0], Method: MethodSameAs,
				Confidence: 1, Status: StatusProposed, Reason: "same identifier " + key})
		}
	}
	return out
}

// conflicting reports whether two entities have different identifiers in
// one scheme: two ROR records sharing an ISNI or a Wikidata item are still
// two organizations (a duplicate or an error in the registry, not ours to
// merge).
func conflicting(a, b map[string][]string) bool {
	for sc, va := range a {
		vb, ok := b[sc]
		if !ok {
			continue
		}
		shared := false
		for _, v := range va {
			if slices.Contains(vb, v) {
				shared = true
				break
			}
		}
		if !shared {
			return true
		}
	}
	return false
}

// idRank orders ids for Canonical: hand-written (native) keys first, then
// ROR, ASPI and other imported ids.
func idRank(id string) int {
	i := strings.IndexByte(id, ':')
	if i < 0 {
		return 0
	}
	switch id[:i] {
	case "ror":
		return 1
	case "aspi":
		return 2
	}
	return 3
}

func compareCanonical(a, b string) int {
	return cmp.Or(cmp.Compare(idRank(a), idRank(b)), cmp.Compare(len(a), len(b)), strings.Compare(a, b))
}

// Canonical maps every entity id that takes part in a same-as link (not
// rejected) to the id its group is known by: the hand-written id when there
// is one, else the ROR id, else the ASPI id; ties broken by the shorter,
// then the smaller id. Ids absent from the map are their own canonical id.
// Links of other methods (to list entries) are ignored.
func Canonical(links []ties.Link) map[string]string {
	parent := map[string]string{}
	var find func(string) string
	find = func(x string) string {
		p, ok := parent[x]
		if !ok {
			parent[x] = x
			return x
		}
		if p == x {
			return x
		}
		r := find(p)
		parent[x] = r
		return r
	}
	for _, l := range links {
		if l.Method != MethodSameAs || l.Status == StatusRejected || l.GraphID == "" || l.TargetID == "" {
			continue
		}
		a, b := find(l.GraphID), find(l.TargetID)
		if a == b {
			continue
		}
		if compareCanonical(a, b) < 0 {
			parent[b] = a
		} else {
			parent[a] = b
		}
	}
	out := make(map[string]string, len(parent))
	for id := range parent {
		out[id] = find(id)
	}
	return out
}

// LinkToLists links graph organizations and persons to list entries: by a
// shared identifier first (confidence 1), then by name (persons only with
// a nearly exact name and the same birth year on both sides). Every name of the
// graph entity except short abbreviations is searched in an index over the
// entries of the same kind; a match scoring at least the threshold links
// when the two share a country or either has none. Names of type
// abbreviation are not searched: "CAS" or "ICT" alone names many things.
func LinkToLists(graph []ties.Entity, entries []ties.Entry, opt Options) []ties.Link {
	threshold := opt.Threshold
	if threshold == 0 {
		threshold = LinkThreshold
	}
	perEntity := opt.PerEntity
	if perEntity <= 0 {
		perEntity = 5
	}
	// A list row whose id is a graph id is the graph entity itself (a
	// "listed" line of a native file): SameAs covers it, and a link to it
	// would take the same (GraphID, TargetID) pair as a same-as link.
	graphIDs := make(map[string]bool, len(graph))
	for i := range graph {
		graphIDs[graph[i].ID] = true
	}
	byIdentity := map[string][]int{}
	var listed []ties.Entry
	for _, e := range entries {
		if e.Entity.Kind != ties.KindOrganization && e.Entity.Kind != ties.KindPerson || graphIDs[e.Entity.ID] {
			continue
		}
		for _, id := range e.Entity.Identifiers {
			if k := identityKey(id); k != "" {
				byIdentity[k] = append(byIdentity[k], len(listed))
			}
		}
		listed = append(listed, e)
	}
	countries := make(map[string][]string, len(listed))
	births := map[string][]string{}
	for i := range listed {
		countries[listed[i].Entity.ID] = entityCountries(&listed[i].Entity)
		if y := birthYears(&listed[i].Entity); len(y) > 0 {
			births[listed[i].Entity.ID] = y
		}
	}
	ix := match.Build(listed)

	// Each graph entity is independent and the index is safe for
	// concurrent search: spread them over the CPUs, keeping graph order.
	perGraph := make([][]ties.Link, len(graph))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				gi := int(next.Add(1)) - 1
				if gi >= len(graph) {
					return
				}
				perGraph[gi] = linksFor(&graph[gi], ix, listed, byIdentity, countries, births, threshold, perEntity)
			}
		}()
	}
	wg.Wait()
	var out []ties.Link
	for _, ls := range perGraph {
		out = append(out, ls...)
	}
	return out
}

// linksFor links one graph entity: identifier links, then name links,
// best first, at most perEntity.
func linksFor(g *ties.Entity, ix *match.Index, listed []ties.Entry, byIdentity map[string][]int, countries, births map[string][]string, threshold float64, perEntity int) []ties.Link {
	kind := g.Kind
	if kind == ties.KindProgram {
		// Lists name programs as organizations: the 1286 list's talent
		// programs ("Thousand Talents Plan") are rows of schema Company.
		kind = ties.KindOrganization
	}
	if kind != ties.KindOrganization && kind != ties.KindPerson {
		return nil
	}
	best := map[string]ties.Link{}
	for _, id := range g.Identifiers {
		k := identityKey(id)
		for _, li := range byIdentity[k] {
			t := listed[li].Entity.ID
			if listed[li].Entity.Kind != kind {
				continue
			}
			best[t] = ties.Link{GraphID: g.ID, TargetID: t, Method: MethodIdentifier, Confidence: 1,
				Status: StatusProposed, Reason: "same identifier " + k}
		}
	}
	gc := entityCountries(g)
	// People share names far more than organizations do ("Zhou Ming"): a
	// person links by name only when the name agrees nearly exactly and
	// both sides give the same birth year.
	var gBirths []string
	if g.Kind == ties.KindPerson {
		if gBirths = birthYears(g); len(gBirths) == 0 {
			return sortLinks(best, perEntity)
		}
	}
	for _, n := range g.Names {
		if !linkableName(n) {
			continue
		}
		for _, m := range ix.Search(match.Query{Text: n.Text, Kind: kind, Threshold: threshold, Limit: perEntity}) {
			if !nameLinkHolds(m, gc, countries[m.EntityID], threshold) {
				continue
			}
			if g.Kind == ties.KindPerson && (m.Score < noCountryScore || !sharesAny(gBirths, births[m.EntityID])) {
				continue
			}
			if prev, ok := best[m.EntityID]; ok && (prev.Method == MethodIdentifier || prev.Confidence >= m.Score) {
				continue
			}
			best[m.EntityID] = ties.Link{GraphID: g.ID, TargetID: m.EntityID, Method: MethodName,
				Confidence: m.Score, Status: StatusProposed, Reason: m.Explanation}
		}
	}
	return sortLinks(best, perEntity)
}

// sortLinks orders links best first (then by target) and keeps at most n.
func sortLinks(best map[string]ties.Link, n int) []ties.Link {
	links := make([]ties.Link, 0, len(best))
	for _, l := range best {
		links = append(links, l)
	}
	slices.SortFunc(links, func(a, b ties.Link) int {
		return cmp.Or(cmp.Compare(b.Confidence, a.Confidence), strings.Compare(a.TargetID, b.TargetID))
	})
	if len(links) > n {
		links = links[:n]
	}
	return links
}

// birthYears returns the years of the entity's birth dates.
func birthYears(e *ties.Entity) []string {
	var ys []string
	for _, d := range e.Dates {
		if strings.EqualFold(d.Type, "birth") && len(d.Value) >= 4 && !slices.Contains(ys, d.Value[:4]) {
			ys = append(ys, d.Value[:4])
		}
	}
	return ys
}

func sharesAny(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

// linkableName reports whether a name is specific enough to link by:
// abbreviations and names of fewer than four letters are not.
func linkableName(n ties.Name) bool {
	if n.Type == ties.NameAbbreviation {
		return false
	}
	norm := names.Normalize(n.Text)
	if names.Script(norm) == "Han" {
		return len([]rune(strings.ReplaceAll(norm, " ", ""))) >= 3
	}
	return len(strings.ReplaceAll(norm, " ", "")) >= 4
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

// nameLinkHolds applies what a link needs beyond the screening score:
//   - the countries agree, and when either side has none (ROR stubs, many
//     SDN rows) the score is nearly exact (noCountryScore), since a generic
//     name such as "Institute of Electronics" names one institute per
//     country;
//   - the match did not go through an acronym form: "Cloud Computing
//     Center" and "CCC Company" share initials, not identity;
//   - every word of both names found a partner, except words such as "of"
//     and "the": "University of Science and Technology of China" is not
//     "University of Electronic Science and Technology of China";
//   - paired words agree nearly exactly (minTokenScore): "Nanhang" and
//     "Nanchang" are different universities one letter apart.
func nameLinkHolds(m match.Match, graphCountries, listCountries []string, threshold float64) bool {
	if m.Score < threshold {
		return false
	}
	if len(graphCountries) == 0 || len(listCountries) == 0 {
		if m.Score < noCountryScore {
			return false
		}
	} else if !countriesCompatible(graphCountries, listCountries) {
		return false
	}
	for _, s := range m.Steps {
		if strings.Contains(s, "acronym") {
			return false
		}
	}
	for _, a := range m.Alignments {
		if (a.A == "" || a.B == "") && !fillerWords[a.A+a.B] {
			return false
		}
		if a.A != "" && a.B != "" && a.Score < minTokenScore {
			return false
		}
	}
	return true
}

// noCountryScore is the score a name link needs when a side has no
// country.
const noCountryScore = 0.98

// minTokenScore is the lowest similarity of two paired words in a link.
const minTokenScore = 0.95

// fillerWords may go unpaired in a linked name.
var fillerWords = map[string]bool{
	"of": true, "the": true, "and": true, "for": true, "in": true, "at": true, "on": true, "de": true,
}

// countriesCompatible is true when either side has no country or they
// share one.
func countriesCompatible(a, b []string) bool {
	if len(a) == 0 || len(b) == 0 {
		return true
	}
	for _, c := range a {
		if slices.Contains(b, c) {
			return true
		}
	}
	return false
}
