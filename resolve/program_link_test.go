package resolve

import (
	"testing"

	"ties"
)

// A graph program links by name to the list row that names it: the 1286
// list gives its talent programs as organizations.
func TestProgramLinksToListedProgram(t *testing.T) {
	graph := []ties.Entity{
		{ID: "ttp", Kind: ties.KindProgram, Names: []ties.Name{{Text: "Thousand Talents Plan", Type: ties.NamePrimary}}},
		{ID: "star-leap", Kind: ties.KindProgram, Names: []ties.Name{{Text: "Star Leap Program", Type: ties.NamePrimary}}},
	}
	entries := []ties.Entry{{Record: ties.Record{
		Entity:       ties.Entity{ID: "1286:thousand-talents-plan", Kind: ties.KindOrganization, Names: []ties.Name{{Text: "Thousand Talents Plan", Type: ties.NamePrimary}}},
		Designations: []ties.Designation{{ListID: "1286", Start: ties.MustDate("2022")}},
	}}, {Record: ties.Record{
		Entity: ties.Entity{ID: "1286:pearl-river", Kind: ties.KindOrganization, Names: []ties.Name{{Text: "Pearl River Talent Program", Type: ties.NamePrimary}}},
	}}}
	links := LinkToLists(graph, entries, Options{})
	if len(links) != 1 || links[0].GraphID != "ttp" || links[0].TargetID != "1286:thousand-talents-plan" || links[0].Method != MethodName {
		t.Fatalf("links: %+v", links)
	}
}
