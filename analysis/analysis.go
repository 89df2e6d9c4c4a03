// Package analysis builds, from a store, what exposure questions are
// answered on: the ties graph with same-as entities merged, and the
// designations of graph entities taken from the list versions in force
// (directly, or through links to list entries). The CLI and the server
// share it.
package analysis

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"ties"
	"ties/exposure"
	"ties/resolve"
)

// Model is a snapshot of the graph and of the designations in force.
type Model struct {
	Graph      *exposure.Graph
	Designated []exposure.Designated
	Rules      []exposure.Rule
	// Versions are the list versions the designations were taken from.
	Versions []ties.ListVersion
	// Canon maps merged entity ids to the id their group is known by.
	Canon    map[string]string
	entities []ties.Entity
	ties     []ties.Tie
}

// Options say which list versions count.
type Options struct {
	// AtVersion, when not 0, takes for each dataset the newest version
	// with an id at most AtVersion, as if later loads had not happened.
	AtVersion int64
	// Rules replaces exposure.DefaultRules when not nil.
	Rules []exposure.Rule
}

// Build reads the graph, the links and the list entries from st.
func Build(ctx context.Context, st ties.Store, opt Options) (*Model, error) {
	var entities []ties.Entity
	for e, err := range st.GraphEntities(ctx) {
		if err != nil {
			return nil, err
		}
		entities = append(entities, e)
	}
	var tieList []ties.Tie
	for t, err := range st.Ties(ctx) {
		if err != nil {
			return nil, err
		}
		tieList = append(tieList, t)
	}
	links, err := st.Links(ctx)
	if err != nil {
		return nil, err
	}
	// Same-as links are recomputed from identifiers as well as read, so a
	// graph loaded without `link propose` still merges ROR and native ids;
	// a stored rejection wins over a recomputed proposal.
	links = append(links, withoutRejected(resolve.SameAs(entities), links)...)
	canon := resolve.Canonical(links)
	entities, tieList = merge(entities, tieList, canon)

	versions, err := versionsAt(ctx, st, opt.AtVersion)
	if err != nil {
		return nil, err
	}
	lists, err := st.Lists(ctx)
	if err != nil {
		return nil, err
	}
	listNames := map[string]string{}
	for _, l := range lists {
		listNames[l.ID] = l.Name
	}
	graphIDs := map[string]bool{}
	for _, e := range entities {
		graphIDs[e.ID] = true
	}
	// A graph entity is designated when a list entry has its id (the
	// native format's own list rows) or when a usable link ties it to one.
	linkedTo := map[string][]ties.Link{} // list entity id -> links from graph entities
	for _, l := range links {
		if l.Method != resolve.MethodSameAs && usable(l) {
			linkedTo[l.TargetID] = append(linkedTo[l.TargetID], l)
		}
	}
	var designated []exposure.Designated
	// One designation per entity, list and end date: the editions of a
	// list that repeat an open-ended listing (DoD 1286 2023, 2024, ...)
	// count from the earliest, and a list row seen through several links
	// counts once.
	earliest := map[string]int{}
	add := func(graphID string, d ties.Designation, via string) {
		id := canonical(canon, graphID)
		key := strings.Join([]string{id, d.ListID, d.End.String()}, "\x00")
		if i, ok := earliest[key]; ok {
			if d.Start.Before(designated[i].Designation.Start) {
				designated[i].Designation, designated[i].Via = d, via
			}
			return
		}
		earliest[key] = len(designated)
		designated = append(designated, exposure.Designated{EntityID: id, Designation: d, ListName: listNames[d.ListID], Via: via})
	}
	for _, v := range versions {
		for e, err := range st.Entries(ctx, v.ID) {
			if err != nil {
				return nil, err
			}
			if graphIDs[canonical(canon, e.Entity.ID)] {
				for _, d := range e.Designations {
					add(e.Entity.ID, d, fmt.Sprintf("list entry %s (%s version %d)", e.Entity.ID, v.Dataset, v.ID))
				}
			}
			for _, l := range linkedTo[e.Entity.ID] {
				for _, d := range e.Designations {
					add(l.GraphID, d, fmt.Sprintf("linked by %s (confidence %.2f, %s) to list entry %s (%s version %d)",
						l.Method, l.Confidence, l.Status, e.Entity.ID, v.Dataset, v.ID))
				}
			}
		}
	}
	rules := opt.Rules
	if rules == nil {
		rules = exposure.DefaultRules()
	}
	return &Model{
		Graph:      exposure.NewGraph(entities, tieList),
		Designated: designated,
		Rules:      rules,
		Versions:   versions,
		Canon:      canon,
		entities:   entities,
		ties:       tieList,
	}, nil
}

// usable: a confirmed link, or a proposed one confident enough to act on.
func usable(l ties.Link) bool {
	switch l.Status {
	case resolve.StatusConfirmed:
		return true
	case resolve.StatusProposed, "":
		return l.Confidence >= resolve.LinkThreshold
	}
	return false
}

func withoutRejected(proposed, stored []ties.Link) []ties.Link {
	rejected := map[[2]string]bool{}
	for _, l := range stored {
		if l.Status == resolve.StatusRejected {
			rejected[[2]string{l.GraphID, l.TargetID}] = true
			rejected[[2]string{l.TargetID, l.GraphID}] = true
		}
	}
	return slices.DeleteFunc(proposed, func(l ties.Link) bool { return rejected[[2]string{l.GraphID, l.TargetID}] })
}

func canonical(canon map[string]string, id string) string {
	if c, ok := canon[id]; ok {
		return c
	}
	return id
}

// merge folds the entities of each same-as group into the canonical one
// (names, identifiers and countries added, duplicates dropped) and points
// every tie at canonical ids; a tie that now joins an entity to itself is
// dropped.
func merge(entities []ties.Entity, tieList []ties.Tie, canon map[string]string) ([]ties.Entity, []ties.Tie) {
	byID := map[string]int{}
	var out []ties.Entity
	for _, e := range entities {
		if _, dup := byID[e.ID]; dup {
			continue
		}
		byID[e.ID] = len(out)
		out = append(out, e)
	}
	// A group whose canonical entity is not loaded (links outlive the graph
	// they were made on) is not merged.
	for id, c := range canon {
		if _, ok := byID[c]; !ok {
			delete(canon, id)
		}
	}
	for _, e := range out {
		if c := canonical(canon, e.ID); c != e.ID {
			if i, ok := byID[c]; ok {
				absorb(&out[i], e)
			}
		}
	}
	merged := slices.DeleteFunc(out, func(e ties.Entity) bool { return canonical(canon, e.ID) != e.ID })
	var ts []ties.Tie
	for _, t := range tieList {
		t.From, t.To = canonical(canon, t.From), canonical(canon, t.To)
		if t.From != t.To {
			ts = append(ts, t)
		}
	}
	return merged, ts
}

func absorb(into *ties.Entity, from ties.Entity) {
	has := map[string]bool{}
	for _, n := range into.Names {
		has[strings.ToLower(n.Text)] = true
	}
	for _, n := range from.Names {
		if has[strings.ToLower(n.Text)] {
			continue
		}
		has[strings.ToLower(n.Text)] = true
		if n.Type == ties.NamePrimary {
			n.Type = ties.NameAlias
		}
		if n.Source == "" {
			n.Source = from.ID
		}
		into.Names = append(into.Names, n)
	}
	for _, id := range from.Identifiers {
		if !slices.Contains(into.Identifiers, id) {
			into.Identifiers = append(into.Identifiers, id)
		}
	}
	for _, c := range from.Countries {
		if !slices.Contains(into.Countries, c) {
			into.Countries = append(into.Countries, c)
		}
	}
}

// versionsAt is the version in force of each dataset, or with atVersion
// the newest version of each dataset whose id is at most atVersion.
func versionsAt(ctx context.Context, st ties.Store, atVersion int64) ([]ties.ListVersion, error) {
	if atVersion == 0 {
		return st.InForce(ctx)
	}
	all, err := st.Versions(ctx)
	if err != nil {
		return nil, err
	}
	found := false
	newest := map[string]ties.ListVersion{}
	for _, v := range all {
		if v.ID == atVersion {
			found = true
		}
		if v.ID > atVersion {
			continue
		}
		if cur, ok := newest[v.Dataset]; !ok || v.ID > cur.ID {
			newest[v.Dataset] = v
		}
	}
	if !found {
		return nil, fmt.Errorf("no list version %d (see `ties lists`)", atVersion)
	}
	var out []ties.ListVersion
	for _, v := range newest {
		out = append(out, v)
	}
	slices.SortFunc(out, func(a, b ties.ListVersion) int { return strings.Compare(a.Dataset, b.Dataset) })
	return out, nil
}

// FindOrg resolves what a user typed for an organization: a graph id (or
// a merged id), an identifier written "scheme:value", or a name.
func (m *Model) FindOrg(ref string) (string, error) {
	if m.Graph.Has(canonical(m.Canon, ref)) {
		return canonical(m.Canon, ref), nil
	}
	want := strings.ToLower(strings.TrimSpace(ref))
	var byName []string
	for _, e := range m.entities {
		for _, id := range e.Identifiers {
			if strings.ToLower(id.Scheme+":"+id.Value) == want {
				return e.ID, nil
			}
		}
		for _, n := range e.Names {
			if strings.ToLower(n.Text) == want {
				byName = append(byName, e.ID)
				break
			}
		}
	}
	switch len(byName) {
	case 1:
		return byName[0], nil
	case 0:
		return "", fmt.Errorf("no organization %q in the graph (give its id, a name, or ror:ID)", ref)
	}
	slices.Sort(byName)
	return "", fmt.Errorf("%q names several entities: %s; give an id", ref, strings.Join(byName, ", "))
}

// Query is an exposure question as users ask it.
type Query struct {
	Org       string
	AsOf      ties.Date
	Scenarios []string
	Depth     int
}

// Exposure answers q on the model.
func (m *Model) Exposure(q Query) (exposure.Report, error) {
	id, err := m.FindOrg(q.Org)
	if err != nil {
		return exposure.Report{}, err
	}
	return m.Graph.Exposure(exposure.Query{
		Org: id, AsOf: q.AsOf, Depth: q.Depth, Scenarios: q.Scenarios,
		Rules: m.Rules, Designated: m.Designated,
	}), nil
}
