package match

import (
	"slices"

	"ties"
)

// mergeSameEntity folds entries that share an entity id into the first of
// them: a list file may hold one entity in several rows (the CSL repeats an
// SDN entry that is also on the SSI or CAP list, sometimes a row twice).
// Screening must show such an entity once, with all its names and
// designations.
func mergeSameEntity(entries []ties.Entry) []ties.Entry {
	first := make(map[string]int, len(entries))
	out := entries[:0]
	for _, e := range entries {
		i, dup := first[e.Entity.ID]
		if !dup {
			first[e.Entity.ID] = len(out)
			out = append(out, e)
			continue
		}
		into := &out[i]
		// Copy before appending: the slices may be shared with the caller.
		into.Entity.Names = appendNew(slices.Clip(into.Entity.Names), e.Entity.Names)
		into.Entity.Countries = appendNew(slices.Clip(into.Entity.Countries), e.Entity.Countries)
		into.Entity.Addresses = appendNew(slices.Clip(into.Entity.Addresses), e.Entity.Addresses)
		into.Entity.Identifiers = appendNew(slices.Clip(into.Entity.Identifiers), e.Entity.Identifiers)
		into.Designations = appendNew(slices.Clip(into.Designations), e.Designations)
	}
	return out
}

func appendNew[T comparable](to, from []T) []T {
	for _, x := range from {
		if !slices.Contains(to, x) {
			to = append(to, x)
		}
	}
	return to
}
