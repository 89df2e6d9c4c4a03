package http

import (
	"context"
	"time"

	"ties"
	"ties/analysis"
	"ties/match"
	"ties/resolve"
	"ties/screening"
)

// snapshot is everything requests read, built whole from the store and
// never changed after: readers need no locks.
type snapshot struct {
	builtAt time.Time
	// fingerprint is the store's IndexFingerprint read before the build
	// ("" when the store has none).
	fingerprint string
	index       *match.Index
	versions    []ties.ListVersion // in force
	versionIDs  []int64
	entries     map[string]*ties.Entry // list entries in force by entity id
	filters     ties.Filters           // list ids and countries screenings may be narrowed to
	model       *analysis.Model
	resolver    *resolve.Resolver
	links       []ties.Link
	tiesOf      map[string][]ties.Tie // canonical graph id -> ties touching it (ids canonical)
}

func buildSnapshot(ctx context.Context, st ties.Store) (*snapshot, error) {
	versions, err := st.InForce(ctx)
	if err != nil {
		return nil, err
	}
	var entries []ties.Entry
	for e, err := range st.InForceEntries(ctx) {
		if err != nil {
			return nil, err
		}
		entries = append(entries, e)
	}
	links, err := st.Links(ctx)
	if err != nil {
		return nil, err
	}
	var graph []ties.Entity
	for e, err := range st.GraphEntities(ctx) {
		if err != nil {
			return nil, err
		}
		graph = append(graph, e)
	}
	var allTies []ties.Tie
	for t, err := range st.Ties(ctx) {
		if err != nil {
			return nil, err
		}
		allTies = append(allTies, t)
	}
	// As the CLI does (cmd/ties buildIndex): list entries linked to graph
	// entities screen under the graph's names too.
	if len(links) > 0 && len(entries) > 0 {
		entries = resolve.Augment(entries, graph, links)
	}
	model, err := analysis.Build(ctx, st, analysis.Options{})
	if err != nil {
		return nil, err
	}
	snap := &snapshot{
		builtAt:  time.Now(),
		index:    screening.BuildIndex(entries, links),
		filters:  ties.FiltersOf(entries),
		versions: versions,
		entries:  make(map[string]*ties.Entry, len(entries)),
		model:    model,
		resolver: newResolver(graph, allTies, links),
		links:    links,
		tiesOf:   map[string][]ties.Tie{},
	}
	for _, v := range versions {
		snap.versionIDs = append(snap.versionIDs, v.ID)
	}
	for i := range entries {
		snap.entries[entries[i].Entity.ID] = &entries[i]
	}
	for _, t := range allTies {
		t.From, t.To = snap.canonical(t.From), snap.canonical(t.To)
		if t.From == t.To {
			continue
		}
		snap.tiesOf[t.From] = append(snap.tiesOf[t.From], t)
		snap.tiesOf[t.To] = append(snap.tiesOf[t.To], t)
	}
	return snap, nil
}

// newResolver mirrors cmd/ties buildResolver: organizations, hierarchical
// ties, and stored plus recomputed same-as links.
func newResolver(graph []ties.Entity, allTies []ties.Tie, links []ties.Link) *resolve.Resolver {
	var orgs []ties.Entity
	for _, e := range graph {
		if e.Kind == ties.KindOrganization {
			orgs = append(orgs, e)
		}
	}
	var hier []ties.Tie
	for _, t := range allTies {
		if t.Kind.Hierarchical() {
			hier = append(hier, t)
		}
	}
	stored := map[[2]string]bool{}
	for _, l := range links {
		stored[[2]string{l.GraphID, l.TargetID}] = true
	}
	all := append([]ties.Link(nil), links...)
	for _, l := range resolve.SameAs(orgs) {
		if !stored[[2]string{l.GraphID, l.TargetID}] {
			all = append(all, l)
		}
	}
	return resolve.NewResolver(orgs, hier, all)
}

func (s *snapshot) canonical(id string) string {
	if c, ok := s.model.Canon[id]; ok {
		return c
	}
	return id
}
