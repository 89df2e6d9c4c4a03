package native

import (
	"os"
	"path/filepath"
	"testing"

	"ties"
)

func loadExample(t *testing.T) *Doc {
	t.Helper()
	path := filepath.Join("..", "..", "examples", "microsoft-cas.ties")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := Parse(f, "examples/microsoft-cas.ties")
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func findTie(g ties.Graph, from string, kind ties.TieKind, to string) (ties.Tie, bool) {
	for _, t := range g.Ties {
		if t.From == from && t.Kind == kind && t.To == to {
			return t, true
		}
	}
	return ties.Tie{}, false
}

func findEntity(g ties.Graph, id string) (ties.Entity, bool) {
	for _, e := range g.Entities {
		if e.ID == id {
			return e, true
		}
	}
	return ties.Entity{}, false
}

func TestExampleLiuGuodongHostedAfterListing(t *testing.T) {
	doc := loadExample(t)
	tie, ok := findTie(doc.Graph, "msra", ties.TieHosted, "liu-guodong")
	if !ok {
		t.Fatal("no msra hosted liu-guodong tie")
	}
	if tie.Start != ties.MustDate("2023") || tie.End != ties.MustDate("2023") {
		t.Errorf("residency dated %v..%v, want 2023..2023", tie.Start, tie.End)
	}
	if tie.Via != "star-leap" || len(tie.Evidence) == 0 {
		t.Errorf("residency via %q with %d evidence, want star-leap with evidence", tie.Via, len(tie.Evidence))
	}
	if _, ok := findTie(doc.Graph, "liu-guodong", ties.TieStudentAt, "cas-ict"); !ok {
		t.Error("liu-guodong is not a student at cas-ict")
	}
	// The residency runs past the listing date: the finding the case is about.
	if !tie.ActiveAfter(ties.MustDate("2022-12-16")) {
		t.Error("residency should be active after 2022-12-16")
	}
}

func TestExampleICTListed(t *testing.T) {
	doc := loadExample(t)
	var found bool
	for _, r := range doc.Records {
		if r.Entity.ID != "cas-ict" {
			continue
		}
		found = true
		if len(r.Designations) != 1 {
			t.Fatalf("cas-ict has %d designations, want 1", len(r.Designations))
		}
		d := r.Designations[0]
		if d.ListID != "EL" || d.Start != ties.MustDate("2022-12-16") || d.Authority != "87 FR 77505" {
			t.Errorf("cas-ict designation = %+v", d)
		}
		if len(r.Lists) != 1 || r.Lists[0].Authority != "Bureau of Industry and Security" {
			t.Errorf("record lists = %+v", r.Lists)
		}
		if r.Entity.PrimaryName() != "Institute of Computing Technology, Chinese Academy of Sciences" {
			t.Errorf("record entity name %q", r.Entity.PrimaryName())
		}
	}
	if !found {
		t.Fatal("cas-ict has no record")
	}
	var may2024 int
	for _, r := range doc.Records {
		for _, d := range r.Designations {
			if d.Authority == "89 FR 41888" && d.Start == ties.MustDate("2024-05-09") {
				may2024++
				if _, ok := findTie(doc.Graph, r.Entity.ID, ties.TiePartOf, "cas"); !ok {
					t.Errorf("%s is not part_of cas", r.Entity.ID)
				}
			}
		}
	}
	if may2024 != 4 {
		t.Errorf("%d designations under 89 FR 41888, want 4", may2024)
	}
}

func TestExamplePartOfChain(t *testing.T) {
	doc := loadExample(t)
	for _, link := range [][2]string{{"msra", "msft"}, {"msra-theory", "msra"}, {"cas-vipl", "cas-ict"}, {"cas-ict", "cas"}} {
		if _, ok := findTie(doc.Graph, link[0], ties.TiePartOf, link[1]); !ok {
			t.Errorf("no %s part_of %s", link[0], link[1])
		}
	}
	msra, _ := findEntity(doc.Graph, "msra")
	var native bool
	for _, n := range msra.Names {
		if n.Type == ties.NameNative && n.Text == "微软亚洲研究院" && n.Lang == "zh" {
			native = true
		}
	}
	if !native {
		t.Errorf("msra names %+v lack the native name", msra.Names)
	}
	var pubs int
	for _, e := range doc.Graph.Entities {
		if e.Kind == ties.KindPublication && e.ID != "std-ict-scrm" {
			pubs++
			_, ms := findTie(doc.Graph, "msft", ties.TieCoauthored, e.ID)
			_, cas := findTie(doc.Graph, "cas", ties.TieCoauthored, e.ID)
			if !ms || !cas {
				t.Errorf("publication %s lacks a Microsoft or CAS coauthored tie", e.ID)
			}
		}
	}
	if pubs != 8 {
		t.Errorf("%d co-authored publications, want 8", pubs)
	}
}

func TestExamplePolicyRoster(t *testing.T) {
	doc := loadExample(t)
	byID := map[string]Personnel{}
	for _, p := range doc.Personnel {
		byID[p.PersonID] = p
		if !doc.Illustrative[p.PersonID] {
			t.Errorf("roster person %s is not marked illustrative", p.PersonID)
		}
	}
	var chinaSupport, weakEscorts int
	for _, tie := range doc.Graph.Ties {
		if tie.Kind == ties.TieSupportsContract && tie.To == "dod-cloud" {
			for _, c := range byID[tie.From].Located {
				if c == "CN" {
					chinaSupport++
				}
			}
		}
	}
	for _, a := range doc.Access {
		if a.Escort != "" && byID[a.Escort].Qualification < byID[a.Person].Qualification {
			weakEscorts++
		}
	}
	if chinaSupport != 2 || weakEscorts != 2 {
		t.Errorf("China-located supporters %d, under-qualified escorts %d; want 2 and 2", chinaSupport, weakEscorts)
	}
	if _, ok := findTie(doc.Graph, "dod-cloud", ties.TieContractsWith, "dod"); !ok {
		t.Error("dod-cloud has no customer tie to dod")
	}
	var hr1516 bool
	for _, r := range doc.Rules {
		if r.Name == "hr1516" {
			hr1516 = r.Status == ties.RuleProposed && r.Params["root"] == "cas"
		}
	}
	if !hr1516 {
		t.Errorf("rule hr1516 missing or not proposed: %+v", doc.Rules)
	}
}
