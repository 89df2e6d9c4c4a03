package match

import (
	"slices"
	"strings"

	"ties"
	"ties/names"
)

// consolidated is one real-world entity made of one or more source
// records: its entry holds every name, country, address, identifier, date
// and designation of them all; records and designations say where each
// came from. Source records themselves are never changed.
type consolidated struct {
	entry        ties.Entry
	records      []RecordRef
	designations []SourcedDesignation
}

// RecordRef names one source record of a consolidated entity.
type RecordRef struct {
	EntityID  string
	Dataset   string
	VersionID int64
}

// SourcedDesignation is a designation with the list version it came from.
type SourcedDesignation struct {
	ties.Designation
	Dataset   string
	VersionID int64
}

// strongSchemes are identifier schemes that name one entity the world
// over; a shared value of one of them makes two records one entity.
var strongSchemes = []string{"imo", "lei", "ror", "registration", "tax", "inn", "ogrn", "swift", "bic", "opensanctions"}

func strongScheme(s string) bool {
	s = strings.ToLower(s)
	for _, k := range strongSchemes {
		if strings.Contains(s, k) {
			return true
		}
	}
	return false
}

// consolidate folds the entries that are one entity into one:
//   - rows with the same entity id (a list file may hold an entity in
//     several rows: the CSL repeats an SDN entry that is also on SSI);
//   - records carrying the same list's own id (the SDN entry 2676 in the
//     CSL and in OFAC's files; the same UN reference);
//   - records sharing a strong identifier (IMO, LEI, ROR, registration or
//     tax number);
//   - organizations with the same primary name after normalization and
//     without parenthesized parts, of at least two words, whose countries
//     agree where both give some (the Entity List's "Chinese Academy of
//     Sciences Institute of Computing Technology" and the 1286 list's
//     "Chinese Academy of Sciences (CAS) – Institute of Computing
//     Technology (ICT)"). Aliases do not merge: lists give a parent's name
//     as a subsidiary's alias. Persons are never merged by name: people
//     share names.
//
// The entity of a group is named by the least id of its records, so it
// does not depend on the order in which lists were loaded.
func consolidate(entries []ties.Entry) []consolidated {
	parent := make([]int, len(entries))
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	union := func(a, b int) {
		if ra, rb := find(a), find(b); ra != rb {
			parent[max(ra, rb)] = min(ra, rb)
		}
	}
	first := map[string]int{}
	key := func(k string, i int) {
		if j, ok := first[k]; ok {
			union(i, j)
		} else {
			first[k] = i
		}
	}
	primaries := map[string][]int{} // normalized primary name -> organizations
	for i := range entries {
		e := &entries[i]
		key("id\x00"+e.Entity.ID, i)
		for _, d := range e.Designations {
			if d.SourceID != "" {
				key("list\x00"+strings.ToUpper(d.ListID)+"\x00"+d.SourceID, i)
			}
		}
		for _, id := range e.Entity.Identifiers {
			if v := identifierKey(id.Value); v != "" && strongScheme(id.Scheme) {
				key("ident\x00"+strings.ToLower(id.Scheme)+"\x00"+v, i)
			}
		}
		if e.Entity.Kind == ties.KindOrganization {
			if n := mergeableName(e.Entity.PrimaryName()); n != "" {
				primaries[n] = append(primaries[n], i)
			}
		}
	}
	for _, group := range primaries {
		for x, i := range group {
			for _, j := range group[:x] {
				if countriesAgree(&entries[i].Entity, &entries[j].Entity) {
					union(i, j)
					break
				}
			}
		}
	}

	groups := map[int]int{} // root -> index in out
	var out []consolidated
	for i := range entries {
		r := find(i)
		gi, ok := groups[r]
		if !ok {
			gi = len(out)
			groups[r] = gi
			out = append(out, consolidated{entry: entries[i]})
		} else {
			into := &out[gi].entry
			e := &entries[i]
			// Copy before appending: the slices may be shared with the caller.
			into.Entity.Names = appendNew(slices.Clip(into.Entity.Names), e.Entity.Names)
			into.Entity.Countries = appendNew(slices.Clip(into.Entity.Countries), e.Entity.Countries)
			into.Entity.Addresses = appendNew(slices.Clip(into.Entity.Addresses), e.Entity.Addresses)
			into.Entity.Identifiers = appendNew(slices.Clip(into.Entity.Identifiers), e.Entity.Identifiers)
			into.Entity.Dates = appendNew(slices.Clip(into.Entity.Dates), e.Entity.Dates)
			into.Designations = appendNew(slices.Clip(into.Designations), e.Designations)
			if e.Entity.ID < into.Entity.ID {
				into.Entity.ID = e.Entity.ID
			}
		}
		c := &out[gi]
		ref := RecordRef{EntityID: entries[i].Entity.ID, Dataset: entries[i].Dataset, VersionID: entries[i].VersionID}
		if !slices.Contains(c.records, ref) {
			c.records = append(c.records, ref)
		}
		for _, d := range entries[i].Designations {
			sd := SourcedDesignation{Designation: d, Dataset: entries[i].Dataset, VersionID: entries[i].VersionID}
			if !slices.Contains(c.designations, sd) {
				c.designations = append(c.designations, sd)
			}
		}
	}
	// The entry's version and dataset are those of the record that names
	// the entity.
	for i := range out {
		for _, r := range out[i].records {
			if r.EntityID == out[i].entry.Entity.ID {
				out[i].entry.VersionID, out[i].entry.Dataset = r.VersionID, r.Dataset
				break
			}
		}
	}
	return out
}

// mergeableName is a name normalized for merging organizations by name,
// without its parenthesized parts ("(Huawei)", "(CAS)"), or "" when it is
// too short to identify one (one word: "Huawei").
func mergeableName(n string) string {
	n = names.Normalize(withoutParentheses(n))
	if strings.Count(n, " ") < 1 {
		return ""
	}
	return n
}

func withoutParentheses(s string) string {
	// Parts in parentheses that only repeat the name: one of its words
	// ("(Huawei)") or the initials of some of them ("(CAS)", "(ICT)").
	// Others ("(UK)") tell the entity apart and stay.
	var outside strings.Builder // the name without any parenthesized part
	depth := 0
	for _, r := range s {
		switch {
		case r == '(':
			depth++
		case r == ')' && depth > 0:
			depth--
		case depth == 0:
			outside.WriteRune(r)
		}
	}
	return stripRepeats(s, names.Normalize(outside.String()))
}

func stripRepeats(s, outside string) string {
	var out strings.Builder
	rest := s
	for {
		open := strings.IndexByte(rest, '(')
		if open < 0 {
			out.WriteString(rest)
			break
		}
		end := strings.IndexByte(rest[open:], ')')
		if end < 0 {
			out.WriteString(rest)
			break
		}
		inner := names.Normalize(rest[open+1 : open+end])
		out.WriteString(rest[:open])
		if !repeatsName(inner, outside) {
			out.WriteString(rest[open : open+end+1])
		}
		rest = rest[open+end+1:]
	}
	return out.String()
}

// repeatsName tells a parenthesized part that is a word of name, or the
// initials of consecutive words of it (small words skipped).
func repeatsName(part, name string) bool {
	if part == "" || strings.Contains(part, " ") {
		return false
	}
	var words []string
	for _, w := range strings.Fields(name) {
		if w == part {
			return true
		}
		if !stopWords[w] {
			words = append(words, w)
		}
	}
	for i := range words {
		var b strings.Builder
		for _, w := range words[i:] {
			b.WriteByte(w[0])
			if b.String() == part {
				return true
			}
			if len(b.String()) >= len(part) {
				break
			}
		}
	}
	return false
}

// countriesAgree tells two entities whose countries overlap, or one of
// which gives none.
func countriesAgree(a, b *ties.Entity) bool {
	ca, cb := entityCountries(a), entityCountries(b)
	if len(ca) == 0 || len(cb) == 0 {
		return true
	}
	for _, c := range ca {
		if slices.Contains(cb, c) {
			return true
		}
	}
	return false
}

func appendNew[T comparable](to, from []T) []T {
	for _, x := range from {
		if !slices.Contains(to, x) {
			to = append(to, x)
		}
	}
	return to
}
