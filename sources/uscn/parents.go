package uscn

import (
	"strings"

	"ties"
)

// ParentGraph turns the parent companies a table names (the 1260H "Parent
// Name" column, the FCC's "X and its subsidiary Y") into subsidiary_of
// ties, so that the rules that inherit along them (1260H, and the BIS 50 %
// rule along owned_by) work on the real list:
//
//   - the child is the list entity itself (same id), so its own
//     designations stay on it;
//   - the parent is resolved by NameKey against every name of the table's
//     entities (primary names, aliases, former names), then, failing that,
//     by the key without its trailing legal form ("Ltd", "Co", "Inc", ...)
//     when only one entity has it: a listed parent is the list entity; an
//     unlisted one becomes an organization "<mapping>-parent:<NameKey>"
//     with the spellings the rows give;
//   - one tie per child and parent, whatever the number of rows naming
//     it, with the earliest row naming it as evidence (the records'
//     designations are sorted by start); the list says when it named the
//     parent, not since when the parent holds the child, so the tie has no
//     dates.
//
// The graph holds the children and the parents; it is empty when no row
// names a parent.
func ParentGraph(recs []ties.Record) ties.Graph {
	byKey := map[string]int{}
	byBare := map[string]int{} // keys without legal form; -1 when two entities share one
	lists := map[string]string{}
	for i, r := range recs {
		for _, l := range r.Lists {
			lists[l.ID] = l.Name
		}
		for _, n := range r.Entity.Names {
			k := NameKey(n.Text)
			if k == "" {
				continue
			}
			if _, dup := byKey[k]; !dup {
				byKey[k] = i
			}
			b := bareKey(k)
			if j, dup := byBare[b]; !dup {
				byBare[b] = i
			} else if j != i {
				byBare[b] = -1
			}
		}
	}
	lookup := func(key string) (int, bool) {
		if i, ok := byKey[key]; ok {
			return i, true
		}
		i, ok := byBare[bareKey(key)]
		return i, ok && i >= 0
	}
	var g ties.Graph
	inGraph := map[string]bool{}
	addEntity := func(e ties.Entity) {
		if !inGraph[e.ID] {
			inGraph[e.ID] = true
			g.Entities = append(g.Entities, e)
		}
	}
	unlisted := map[string]int{} // id -> index in g.Entities
	seenTie := map[[2]string]bool{}
	for _, r := range recs {
		for _, d := range r.Designations {
			parent := strings.TrimSpace(d.Parent)
			key := NameKey(parent)
			if key == "" {
				continue
			}
			var to string
			if i, ok := lookup(key); ok {
				if recs[i].Entity.ID == r.Entity.ID {
					continue // "X and its subsidiary X"
				}
				to = recs[i].Entity.ID
				addEntity(recs[i].Entity)
			} else {
				prefix, _, _ := strings.Cut(r.Entity.ID, ":")
				to = prefix + "-parent:" + key
				if j, ok := unlisted[to]; ok {
					e := &g.Entities[j]
					if !entityHasName(e, parent) {
						e.Names = append(e.Names, ties.Name{Text: parent, Type: ties.NameAlias})
					}
				} else {
					unlisted[to] = len(g.Entities)
					addEntity(ties.Entity{
						ID: to, Kind: ties.KindOrganization,
						Names:   []ties.Name{{Text: parent, Type: ties.NamePrimary}},
						Remarks: "named as parent company by the " + listName(d.ListID, lists) + " list; not listed itself",
					})
				}
			}
			if seenTie[[2]string{r.Entity.ID, to}] {
				continue
			}
			seenTie[[2]string{r.Entity.ID, to}] = true
			addEntity(r.Entity)
			title := listName(d.ListID, lists)
			if !d.Start.IsZero() {
				title += ", listing of " + d.Start.String()
			}
			ev := ties.Evidence{
				Title: title + ": " + r.Entity.PrimaryName() + ", parent " + parent,
				Ref:   d.SourceURL,
				Quote: "Parent Name: " + parent,
			}
			if ev.Ref == "" {
				ev.Ref = d.Authority
			}
			g.Ties = append(g.Ties, ties.Tie{
				From: r.Entity.ID, To: to, Kind: ties.TieSubsidiaryOf,
				Role:     "parent named by the list",
				Evidence: []ties.Evidence{ev},
				Source:   d.ListID + " list row " + d.SourceID,
			})
		}
	}
	return g
}

func entityHasName(e *ties.Entity, n string) bool {
	for _, x := range e.Names {
		if x.Text == n {
			return true
		}
	}
	return false
}

func listName(id string, lists map[string]string) string {
	if n := lists[id]; n != "" {
		return n
	}
	return id
}

// legalForms are the trailing words bareKey drops.
var legalForms = map[string]bool{
	"ltd": true, "limited": true, "co": true, "company": true, "inc": true, "llc": true,
	"corp": true, "corporation": true, "plc": true,
}

// bareKey drops trailing legal-form words from a NameKey:
// "example-holding-group-co-ltd" -> "example-holding-group".
func bareKey(key string) string {
	parts := strings.Split(key, "-")
	for len(parts) > 1 && legalForms[parts[len(parts)-1]] {
		parts = parts[:len(parts)-1]
	}
	return strings.Join(parts, "-")
}
