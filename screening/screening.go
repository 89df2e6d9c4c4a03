// Package screening builds the screening index over what a store holds in
// force, in one place for the CLI, the server and the watches: the list
// entries in force, the names they gain through links to graph entities,
// and analysts' merges and splits of list records.
package screening

import (
	"context"

	"ties"
	"ties/match"
	"ties/resolve"
)

// MethodMerge is the link method of an analyst's decision on two list
// records: confirmed, they are one entity; rejected, they stay apart.
const MethodMerge = "merge"

// withLinkedNames gives entries the names they gain through links
// (resolve.Augment: a screening of 中国科学院计算技术研究所 finds the Entity
// List row once ROR is loaded). Augment copies: entries are not changed.
func withLinkedNames(ctx context.Context, st ties.Store, entries []ties.Entry, links []ties.Link) ([]ties.Entry, error) {
	if len(links) == 0 || len(entries) == 0 {
		return entries, nil
	}
	used := map[string]bool{}
	for _, l := range links {
		if l.Method != MethodMerge {
			used[l.GraphID], used[l.TargetID] = true, true
		}
	}
	var graph []ties.Entity
	for e, err := range st.GraphEntities(ctx) {
		if err != nil {
			return nil, err
		}
		if used[e.ID] {
			graph = append(graph, e)
		}
	}
	return resolve.Augment(entries, graph, links), nil
}

// Decisions are the analysts' merges and splits among links.
func Decisions(links []ties.Link) []match.MergeDecision {
	var ds []match.MergeDecision
	for _, l := range links {
		if l.Method != MethodMerge {
			continue
		}
		switch l.Status {
		case resolve.StatusConfirmed:
			ds = append(ds, match.MergeDecision{A: l.GraphID, B: l.TargetID, Same: true})
		case resolve.StatusRejected:
			ds = append(ds, match.MergeDecision{A: l.GraphID, B: l.TargetID})
		}
	}
	return ds
}

// BuildIndex indexes entries, consolidating them under the decisions
// among links.
func BuildIndex(entries []ties.Entry, links []ties.Link) *match.Index {
	return match.Build(entries, match.WithMergeDecisions(Decisions(links)))
}

// Load reads what st holds in force and builds its index. It returns the
// entries as listed (without the names gained through links) and the
// versions in force.
func Load(ctx context.Context, st ties.Store) (*match.Index, []ties.Entry, []ties.ListVersion, error) {
	versions, err := st.InForce(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	var listed []ties.Entry
	for e, err := range st.InForceEntries(ctx) {
		if err != nil {
			return nil, nil, nil, err
		}
		listed = append(listed, e)
	}
	links, err := st.Links(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	entries, err := withLinkedNames(ctx, st, listed, links)
	if err != nil {
		return nil, nil, nil, err
	}
	return BuildIndex(entries, links), listed, versions, nil
}
