package resolve

import (
	"slices"

	"ties"
	"ties/names"
)

// usable reports whether a link should feed screening: confirmed, or
// proposed with a confidence of at least LinkThreshold. Rejected links
// never count.
func usable(l ties.Link) bool {
	switch l.Status {
	case StatusConfirmed:
		return true
	case StatusProposed, "":
		return l.Confidence >= LinkThreshold
	}
	return false
}

// Augment returns entries where every list entry linked to a graph entity
// (by a usable link, see above) also carries the names of that graph entity
// and of the entities same-as linked to it, as aliases whose Source is the
// graph entity id ("ror:0090r4d87", "aspi:<uuid>"). A screening of
// "中国科学院计算技术研究所" then finds the Entity List row for the Institute
// of Computing Technology once ROR is loaded. Names the entry already has
// (after normalization) are not repeated. entries is not modified.
func Augment(entries []ties.Entry, graph []ties.Entity, links []ties.Link) []ties.Entry {
	byID := make(map[string]*ties.Entity, len(graph))
	for i := range graph {
		if _, ok := byID[graph[i].ID]; !ok {
			byID[graph[i].ID] = &graph[i]
		}
	}
	// Same-as groups: a list entry linked to "cas-ict" also gains the names
	// of "ror:0090r4d87".
	canon := Canonical(links)
	members := map[string][]string{}
	for id, c := range canon {
		members[c] = append(members[c], id)
	}
	for _, ids := range members {
		slices.SortFunc(ids, compareCanonical)
	}
	gained := map[string][]string{} // list entity id -> graph ids, in link order
	for _, l := range links {
		if l.Method == MethodSameAs || !usable(l) {
			continue
		}
		if _, ok := byID[l.GraphID]; !ok {
			continue
		}
		group := []string{l.GraphID}
		if c, ok := canon[l.GraphID]; ok {
			group = members[c]
		}
		for _, g := range group {
			if !slices.Contains(gained[l.TargetID], g) {
				gained[l.TargetID] = append(gained[l.TargetID], g)
			}
		}
	}
	if len(gained) == 0 {
		return entries
	}
	out := slices.Clone(entries)
	for i := range out {
		gs := gained[out[i].Entity.ID]
		if len(gs) == 0 {
			continue
		}
		have := map[string]bool{}
		for _, n := range out[i].Entity.Names {
			have[names.Normalize(n.Text)] = true
		}
		ns := slices.Clone(out[i].Entity.Names)
		for _, g := range gs {
			ge, ok := byID[g]
			if !ok || ge.Kind != out[i].Entity.Kind {
				continue
			}
			for _, n := range ge.Names {
				k := names.Normalize(n.Text)
				if k == "" || have[k] {
					continue
				}
				have[k] = true
				if n.Type == ties.NamePrimary || n.Type == "" {
					n.Type = ties.NameAlias
				}
				n.Source = g
				ns = append(ns, n)
			}
		}
		out[i].Entity.Names = ns
	}
	return out
}
