package match

import (
	"testing"

	"ties"
)

// An entity that a list holds in two rows (on two lists, or the same row
// twice) is one match, with every name and designation.
func TestSameEntityInSeveralRowsIsOneMatch(t *testing.T) {
	row := func(list, alias string) ties.Entry {
		return ties.Entry{Record: ties.Record{
			Entity: ties.Entity{ID: "csl:15268", Kind: ties.KindOrganization, Names: []ties.Name{
				{Text: "BANK OF KUNLUN CO LTD", Type: ties.NamePrimary}, {Text: alias, Type: ties.NameAlias}}},
			Designations: []ties.Designation{{EntityID: "csl:15268", ListID: list, SourceID: "15268"}},
		}}
	}
	entries := []ties.Entry{row("CAP", "KUNLUN BANK"), row("CAP", "KUNLUN BANK"), row("SDN", "BANK KUNLUN")}
	ix := Build(entries)
	if ix.Len() != 1 {
		t.Fatalf("index holds %d entities, want 1", ix.Len())
	}
	ms := ix.Search(Query{Text: "Bank of Kunlun"})
	if len(ms) != 1 {
		t.Fatalf("%d matches, want 1: %+v", len(ms), ms)
	}
	if got := ix.Search(Query{Text: "Bank Kunlun", Lists: []string{"SDN"}}); len(got) != 1 || got[0].ListID != "SDN" {
		t.Errorf("filter on the second row's list: %+v", got)
	}
	if len(entries[0].Designations) != 1 || len(entries[0].Entity.Names) != 2 {
		t.Errorf("Build changed the caller's entries: %+v", entries[0])
	}
}
