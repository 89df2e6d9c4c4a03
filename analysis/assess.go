package analysis

import (
	"fmt"
	"strings"

	"ties"
	"ties/assess"
)

// AssessInput is what assess evaluates on this model: its graph and
// designations, the matrix, the review date and an optional window that
// replaces the matrix's.
func (m *Model) AssessInput(mx *assess.Matrix, asOf ties.Date, window *assess.Window) assess.Input {
	return assess.Input{Graph: m.Graph, Designated: m.Designated, Matrix: mx, AsOf: asOf, Window: window}
}

// FindPerson resolves what a user typed for a person: a graph id, an
// identifier ("orcid:0000-...", "openalex:A...") or an exact name.
func (m *Model) FindPerson(ref string) (string, error) {
	id, err := m.FindOrg(ref)
	if err != nil && strings.HasPrefix(err.Error(), "no organization") {
		return "", fmt.Errorf("no person %q in the graph (give its id, a name, orcid:ID or openalex:A...)", ref)
	}
	return id, err
}
