package analysis

import (
	"context"
	"fmt"

	"ties"
	"ties/resolve"
)

// ProposeLinks recomputes the links over everything in st and stores them
// as proposed: graph entities sharing identifiers are linked to each other,
// and graph organizations and people to the list entries in force. The
// store keeps reviewers' decisions (a rejected link is never proposed
// again). It returns how many links were proposed. Every load calls it:
// `ties load`, `ties sync`, POST /v1/lists.
func ProposeLinks(ctx context.Context, st ties.Store) (int, error) {
	var graph []ties.Entity
	for e, err := range st.GraphEntities(ctx) {
		if err != nil {
			return 0, err
		}
		graph = append(graph, e)
	}
	if len(graph) == 0 {
		return 0, nil // nothing to link from
	}
	var entries []ties.Entry
	for e, err := range st.InForceEntries(ctx) {
		if err != nil {
			return 0, err
		}
		entries = append(entries, e)
	}
	links := resolve.SameAs(graph)
	if len(entries) > 0 {
		links = append(links, resolve.LinkToLists(graph, entries, resolve.Options{})...)
	}
	if len(links) == 0 {
		return 0, nil
	}
	if err := st.PutLinks(ctx, links); err != nil {
		return 0, fmt.Errorf("store links: %w", err)
	}
	return len(links), nil
}
