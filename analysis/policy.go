package analysis

import (
	"fmt"
	"maps"
	"slices"

	"ties"
	"ties/exposure"
	"ties/sources/native"
)

// Policies reads the policy rules ("rule ... status policy") and the
// personnel facts (location, qualification, access log) of a native file.
func Policies(doc *native.Doc, file string) ([]exposure.Policy, exposure.PolicyInput, error) {
	var policies []exposure.Policy
	for _, r := range doc.Rules {
		if r.Status != ties.RulePolicy {
			continue
		}
		params := maps.Clone(r.Params)
		if params == nil {
			params = map[string]string{}
		}
		params["kind"] = r.Kind
		if r.Title != "" {
			params["title"] = r.Title
		}
		p, err := exposure.NewPolicy(r.Name, params)
		if err != nil {
			return nil, exposure.PolicyInput{}, fmt.Errorf("%s:%d: %w", file, r.Line, err)
		}
		policies = append(policies, p)
	}
	var in exposure.PolicyInput
	for _, p := range doc.Personnel {
		in.Personnel = append(in.Personnel, exposure.Person{
			ID: p.PersonID, Located: p.Located, Qualification: p.Qualification, Source: fmt.Sprintf("%s:%d", file, p.Line),
		})
	}
	for _, a := range doc.Access {
		in.Access = append(in.Access, exposure.Access{
			Date: a.Date, Person: a.Person, Contract: a.Contract, Escort: a.Escort,
			Location: a.Location, Note: a.Note, Source: fmt.Sprintf("%s:%d", file, a.Line),
		})
	}
	return policies, in, nil
}

// GraphWith is the model's graph with g's entities and ties added (those
// not already in it), for checks on a file that was not loaded.
func (m *Model) GraphWith(g ties.Graph) *exposure.Graph {
	entities := slices.Clone(m.entities)
	have := map[string]bool{}
	for _, e := range entities {
		have[e.ID] = true
	}
	for _, e := range g.Entities {
		if !have[canonical(m.Canon, e.ID)] {
			entities = append(entities, e)
		}
	}
	tieList := slices.Clone(m.ties)
	haveTie := map[string]bool{}
	for _, t := range tieList {
		haveTie[t.ID] = t.ID != ""
	}
	for _, t := range g.Ties {
		if t.ID != "" && haveTie[t.ID] {
			continue
		}
		t.From, t.To = canonical(m.Canon, t.From), canonical(m.Canon, t.To)
		tieList = append(tieList, t)
	}
	return exposure.NewGraph(entities, tieList)
}
