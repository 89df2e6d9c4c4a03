package openalex

import (
	"compress/gzip"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"ties"
	"ties/sources"
)

// TestInstitutionReal reads the real University of Michigan record: one
// organization keyed by its ROR id, its names (acronym, alternatives,
// the international names with their language), identifiers, place, and
// its 7 associated institutions as 4 part_of and 3 related ties to stubs.
func TestInstitutionReal(t *testing.T) {
	f, err := os.Open(sharedData(t, "openalex", "institution_I27837315.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	g, st, err := ParseInstitutionsStats(f, "institution_I27837315.json")
	if err != nil {
		t.Fatal(err)
	}
	if st.Institutions != 1 || st.Stubs != 7 || len(g.Entities) != 8 || len(g.Ties) != 7 {
		t.Fatalf("stats %+v, %d entities, %d ties; want 1 institution, 7 stubs, 7 ties", st, len(g.Entities), len(g.Ties))
	}
	um := g.Entities[0]
	if um.ID != "ror:00jmfr291" || um.Kind != ties.KindOrganization || um.PrimaryName() != "University of Michigan–Ann Arbor" || !slices.Equal(um.Countries, []string{"US"}) {
		t.Errorf("entity %s %s %q %v", um.ID, um.Kind, um.PrimaryName(), um.Countries)
	}
	for _, id := range []ties.Identifier{{Scheme: "ror", Value: "00jmfr291"}, {Scheme: "openalex", Value: "I27837315"}, {Scheme: "grid", Value: "grid.214458.e"}, {Scheme: "wikidata", Value: "Q230492"}} {
		if !slices.Contains(um.Identifiers, id) {
			t.Errorf("missing identifier %v in %v", id, um.Identifiers)
		}
	}
	if !slices.ContainsFunc(um.Names, func(n ties.Name) bool { return n.Text == "UM" && n.Type == ties.NameAbbreviation }) ||
		!slices.ContainsFunc(um.Names, func(n ties.Name) bool { return n.Type == ties.NameNative && n.Lang != "" }) {
		t.Errorf("names %+v", um.Names)
	}
	if len(um.Addresses) != 1 || um.Addresses[0].Text != "Ann Arbor, United States" {
		t.Errorf("addresses %+v", um.Addresses)
	}
	kinds := map[ties.TieKind]int{}
	for _, tie := range g.Ties {
		kinds[tie.Kind]++
		if tie.Kind == ties.TiePartOf && tie.To != um.ID {
			t.Errorf("child tie %+v does not point at the record", tie)
		}
	}
	if kinds[ties.TiePartOf] != 4 || kinds[ties.TieRelated] != 3 {
		t.Errorf("tie kinds %v", kinds)
	}
	if !slices.ContainsFunc(g.Ties, func(x ties.Tie) bool { return x.From == "ror:015tnsz82" && x.To == "ror:00jmfr291" }) {
		t.Error("no tie from Michigan Sea Grant (a child) to the university")
	}
}

// TestInstitutionsSnapshotPart reads the real snapshot part: 678
// institutions, 60 associations (43 parent, 15 child, 2 related) to
// institutions outside the part.
func TestInstitutionsSnapshotPart(t *testing.T) {
	f, err := os.Open(sharedData(t, "openalex", "institutions_updated_2023-09-04_part_000.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	g, st, err := ParseInstitutionsStats(z, "institutions_part_000.gz")
	if err != nil {
		t.Fatal(err)
	}
	if st.Institutions != 678 || st.Stubs != 60 || len(g.Entities) != 738 || len(g.Ties) != 60 {
		t.Errorf("stats %+v, %d entities, %d ties; want 678 + 60 stubs and 60 ties", st, len(g.Entities), len(g.Ties))
	}
}

func TestInstitutionErrors(t *testing.T) {
	const ok = `{"id":"https://openalex.org/I1","display_name":"A"}`
	for _, c := range []struct {
		in, field, msg string
		line           int
	}{
		{ok + "\n" + `{"id":"https://openalex.org/W2","display_name":"B"}`, "id", "invalid OpenAlex institution id", 2},
		{ok + "\n" + `{"id":"https://openalex.org/I2","display_name":""}`, "display_name", "no display name", 2},
		{ok + "\n" + `{"id":"https://openalex.org/I2","ror":"https://ror.org/a/b","display_name":"B"}`, "ror", "invalid ROR id", 2},
		{ok + "\n" + ok, "id", "duplicate institution", 2},
		{ok + "\n" + `{"id":"https://openalex.org/I2","display_name":"B","associated_institutions":[{"id":"x","display_name":"C","relationship":"parent"}]}`, "associated_institutions[0]", "invalid OpenAlex institution id", 2},
		{ok + "\n{", "", "", 2},
	} {
		_, err := ParseInstitutions(strings.NewReader(c.in), "f.json")
		var se *sources.Error
		if !errors.As(err, &se) || se.File != "f.json" || se.Line != c.line || se.Field != c.field || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%.60q: %v; want line %d field %q with %q", c.in, err, c.line, c.field, c.msg)
		}
	}
}

func FuzzInstitutions(f *testing.F) {
	f.Add(`{"id":"https://openalex.org/I1","ror":"https://ror.org/0a","display_name":"A","associated_institutions":[{"id":"https://openalex.org/I2","display_name":"B","relationship":"child"}]}`)
	f.Add(`[{"id":"I1","display_name":"A","international":{"display_name":{"ru":"Б"}}}]`)
	f.Fuzz(func(t *testing.T, in string) {
		g, err := ParseInstitutions(strings.NewReader(in), "f")
		if err != nil {
			var se *sources.Error
			if !errors.As(err, &se) {
				t.Fatalf("error %v is not a *sources.Error", err)
			}
			return
		}
		ids := map[string]bool{}
		for _, e := range g.Entities {
			if ids[e.ID] || e.PrimaryName() == "" {
				t.Fatalf("duplicate or nameless entity %+v", e)
			}
			ids[e.ID] = true
		}
		for _, tie := range g.Ties {
			if !ids[tie.From] || !ids[tie.To] || tie.From == tie.To {
				t.Fatalf("tie %+v to an unknown entity", tie)
			}
		}
	})
}
