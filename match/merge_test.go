package match

import (
	"strings"
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

// The SDN entry 2676 carried by the CSL and by OFAC's own files is one
// entity; an organization whose primary name is a name of another, of the
// same country, is one; two people of the same name are not.
func TestConsolidateAcrossSources(t *testing.T) {
	org := func(id, list, src, name, alias, country string) ties.Entry {
		return ties.Entry{Dataset: strings.SplitN(id, ":", 2)[0], VersionID: 1, Record: ties.Record{
			Entity: ties.Entity{ID: id, Kind: ties.KindOrganization, Countries: []string{country}, Names: []ties.Name{
				{Text: name, Type: ties.NamePrimary}, {Text: alias, Type: ties.NameAlias}}},
			Designations: []ties.Designation{{EntityID: id, ListID: list, SourceID: src, Start: ties.MustDate("2022-12-16")}},
		}}
	}
	person := func(id, list, src, name string) ties.Entry {
		return ties.Entry{Dataset: strings.SplitN(id, ":", 2)[0], Record: ties.Record{
			Entity:       ties.Entity{ID: id, Kind: ties.KindPerson, Names: []ties.Name{{Text: name, Type: ties.NamePrimary}}},
			Designations: []ties.Designation{{EntityID: id, ListID: list, SourceID: src}},
		}}
	}
	entries := []ties.Entry{
		person("ofac:2676", "SDN", "2676", "AL-ZAWAHIRI, Ayman"),
		person("csl:2676", "SDN", "2676", "AL ZAWAHIRI, Dr. Ayman"),
		org("csl:abc", "EL", "abc", "Chinese Academy of Sciences Institute of Computing Technology", "ICT CAS", "CN"),
		org("uscn:1286-ict", "1286", "ict", "Chinese Academy of Sciences (CAS) – Institute of Computing Technology (ICT)", "ICT CAS", "CN"),
		org("csl:other", "EL", "other", "Chinese Academy of Sciences Institute of Computing Technology", "ICT", "IR"), // another country
		// A subsidiary whose alias is its parent's name stays apart.
		org("csl:sub", "CMIC", "sub", "Huawei Technologies Co., Ltd.", "Huawei Investment & Holding Co., Ltd.", "CN"),
		org("csl:parent", "CMIC", "parent", "Huawei Investment & Holding Co., Ltd.", "Huawei", "CN"),
		person("un:1", "UN", "QDi.1", "Zhang Wei"),
		person("csl:9", "EL", "9", "Zhang Wei"),
	}
	ix := Build(entries)
	if ix.Len() != 7 {
		t.Errorf("%d entities, want 7 (Zawahiri once, ICT once, the Iranian namesake, Huawei and its parent, two Zhang Wei)", ix.Len())
	}
	ms := ix.Search(Query{Text: "Ayman al-Zawahiri"})
	if len(ms) != 1 || ms[0].EntityID != "csl:2676" || len(ms[0].Records) != 2 {
		t.Fatalf("Zawahiri: %+v", ms)
	}
	ms = ix.Search(Query{Text: "ICT CAS", Countries: []string{"CN"}})
	if len(ms) != 1 {
		t.Fatalf("ICT CAS: %d results: %+v", len(ms), ms)
	}
	lists := map[string]bool{}
	for _, d := range ms[0].Designations {
		lists[d.ListID] = true
	}
	if !lists["EL"] || !lists["1286"] || ms[0].EntityID != "csl:abc" {
		t.Errorf("ICT CAS: entity %s, designations %+v", ms[0].EntityID, ms[0].Designations)
	}
	if got := ix.Search(Query{Text: "Zhang Wei", Kind: ties.KindPerson}); len(got) != 2 {
		t.Errorf("two people named Zhang Wei merged: %+v", got)
	}
}

func TestParenthesesThatRepeatTheName(t *testing.T) {
	for in, want := range map[string]string{
		"Huawei Technologies Co., Ltd. (Huawei)":                                      "huawei technologies co ltd",
		"Chinese Academy of Sciences (CAS) – Institute of Computing Technology (ICT)": "chinese academy of sciences institute of computing technology",
		"Huawei Technologies (UK) Co., Ltd.":                                          "huawei technologies uk co ltd",
		"Huawei":                                                                      "",
	} {
		if got := mergeableName(in); got != want {
			t.Errorf("mergeableName(%q) = %q, want %q", in, got, want)
		}
	}
}

// An analyst's split keeps two records apart although they share the SDN
// id; a merge joins two records no rule would.
func TestMergeDecisions(t *testing.T) {
	row := func(id, list, src, name string) ties.Entry {
		return ties.Entry{Record: ties.Record{
			Entity:       ties.Entity{ID: id, Kind: ties.KindPerson, Names: []ties.Name{{Text: name, Type: ties.NamePrimary}}},
			Designations: []ties.Designation{{EntityID: id, ListID: list, SourceID: src}},
		}}
	}
	entries := []ties.Entry{row("csl:1", "SDN", "1", "Ivan Petrov"), row("ofac:1", "SDN", "1", "Ivan Petrov"),
		row("un:7", "UN", "QDi.7", "Ivan Petroff"), row("csl:8", "EL", "8", "Ivan Petrov Ivanovich")}
	if n := Build(entries).Len(); n != 3 {
		t.Fatalf("without decisions: %d entities, want 3", n)
	}
	ix := Build(entries, WithMergeDecisions([]MergeDecision{{A: "csl:1", B: "ofac:1"}, {A: "un:7", B: "csl:8", Same: true}}))
	if ix.Len() != 3 {
		t.Fatalf("with a split and a merge: %d entities, want 3", ix.Len())
	}
	ms := ix.Search(Query{Text: "Ivan Petroff", Kind: ties.KindPerson, Threshold: 0.5})
	for _, m := range ms {
		if m.EntityID == "csl:8" && len(m.Records) != 2 {
			t.Errorf("merged entity %s has records %v", m.EntityID, m.Records)
		}
	}
}

func TestImpossibleListingDateFlagged(t *testing.T) {
	e := ties.Entry{Record: ties.Record{
		Entity:       ties.Entity{ID: "csl:v", Kind: ties.KindOrganization, Names: []ties.Name{{Text: "Experimental Physics Institute", Type: ties.NamePrimary}}},
		Designations: []ties.Designation{{EntityID: "csl:v", ListID: "EL", SourceID: "v", Start: ties.MustDate("0097-06-30")}},
	}}
	ms := Build([]ties.Entry{e}).Search(Query{Text: "Experimental Physics Institute"})
	if len(ms) != 1 {
		t.Fatal("no match")
	}
	j := ToJSON(ms)[0]
	if j.ListedOn == nil || *j.ListedOn != "0097-06-30" || !j.ListedOnInvalid || !j.Designations[0].Invalid {
		t.Errorf("the impossible date is not shown as written and flagged: %+v", j)
	}
}
