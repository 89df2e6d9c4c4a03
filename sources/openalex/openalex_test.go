package openalex

import (
	"compress/gzip"
	"errors"
	"os"
	"strings"
	"testing"
	"ties/internal/testdata"

	"ties"
	"ties/sources"
)

func sharedData(t testing.TB, parts ...string) string {
	t.Helper()
	return testdata.Dir(t, parts...)
}

func count(g ties.Graph) map[string]int {
	c := map[string]int{}
	for _, e := range g.Entities {
		c[string(e.Kind)]++
	}
	for _, t := range g.Ties {
		c[string(t.Kind)]++
	}
	return c
}

func find(g ties.Graph, from string, kind ties.TieKind, to string) *ties.Tie {
	for i, t := range g.Ties {
		if t.From == from && t.Kind == kind && t.To == to {
			return &g.Ties[i]
		}
	}
	return nil
}

func TestSingleWork(t *testing.T) {
	f, err := os.Open(sharedData(t, "openalex", "work_W2741809807.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	g, err := Parse(f, "work_W2741809807.json")
	if err != nil {
		t.Fatal(err)
	}
	// The work has 9 authorships naming 7 distinct institutions, all with
	// ROR ids; 14 author-institution pairs.
	c := count(g)
	want := map[string]int{"publication": 1, "person": 9, "organization": 7, "coauthored": 9 + 7, "affiliated_with": 14}
	for k, v := range want {
		if c[k] != v {
			t.Errorf("%s: %d, want %d (all: %v)", k, c[k], v, c)
		}
	}
	pub := g.Entities[0]
	if pub.ID != "openalex:W2741809807" || !strings.HasPrefix(pub.PrimaryName(), "The state of OA") {
		t.Errorf("publication %+v", pub)
	}
	var doi bool
	for _, id := range pub.Identifiers {
		doi = doi || (id.Scheme == "doi" && id.Value == "10.7717/peerj.4375")
	}
	if !doi {
		t.Errorf("publication identifiers %+v", pub.Identifiers)
	}
	co := find(g, "openalex:A5048491430", ties.TieCoauthored, "openalex:W2741809807")
	if co == nil || co.Start != ties.MustDate("2018-02-13") {
		t.Errorf("Piwowar coauthored tie %+v", co)
	}
	aff := find(g, "openalex:A5048491430", ties.TieAffiliatedWith, "ror:05ppvf150")
	if aff == nil || aff.Start != ties.MustDate("2018") || aff.End != ties.MustDate("2018") {
		t.Errorf("Piwowar affiliation %+v", aff)
	}
	if find(g, "ror:00cvxb145", ties.TieCoauthored, "openalex:W2741809807") == nil {
		t.Error("University of Washington has no coauthored tie to the work")
	}
}

func TestSnapshotPart(t *testing.T) {
	open := func() *gzip.Reader {
		f, err := os.Open(sharedData(t, "openalex", "works_updated_2023-05-16_part_000.gz"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		z, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		return z
	}
	// Every work of this part (mostly grants) has an empty authorships
	// list: strict parsing stops at the first, lenient parsing skips all 27.
	_, err := Parse(open(), "works_part_000")
	var se *sources.Error
	if !errors.As(err, &se) || se.Line != 1 || !strings.Contains(err.Error(), "work W4206759534 has no authorships") {
		t.Errorf("strict parse error = %v", err)
	}
	g, st, err := ParseOptions(open(), "works_part_000", Options{SkipUnauthored: true})
	if err != nil {
		t.Fatal(err)
	}
	if st.Works != 27 || st.Skipped != 27 || len(g.Entities) != 0 {
		t.Errorf("stats %+v with %d entities, want 27 works all skipped", st, len(g.Entities))
	}
	// The snapshot reader keeps them as publications without ties, so a
	// part loads and nothing in it is lost.
	g, st, err = ParseOptions(open(), "works_part_000", Options{KeepUnauthored: true})
	if err != nil || st.Works != 27 || st.Unauthored != 27 || len(g.Entities) != 27 || len(g.Ties) != 0 {
		t.Errorf("keep unauthored: stats %+v, %d entities, %d ties, error %v; want 27 publications, no ties", st, len(g.Entities), len(g.Ties), err)
	}
	if g.Entities[1].ID != "openalex:W4312233861" || g.Entities[1].Kind != ties.KindPublication || g.Entities[1].Remarks != "OpenAlex type: grant" {
		t.Errorf("second work %+v", g.Entities[1])
	}
	if g, err := ParseSnapshot(open(), "works_part_000"); err != nil || len(g.Entities) != 27 {
		t.Errorf("ParseSnapshot: %d entities, error %v", len(g.Entities), err)
	}
}

const twoWorks = `{"id":"https://openalex.org/W1","title":"Paper one","publication_date":"2023-04-02","authorships":[{"author":{"id":"https://openalex.org/A1","display_name":"Ann Lee"},"institutions":[{"id":"https://openalex.org/I1","display_name":"Microsoft Research Asia","ror":"https://ror.org/0300m5276","country_code":"CN"}]},{"author":{"id":"https://openalex.org/A2","display_name":"Bo Wang"},"institutions":[{"id":"https://openalex.org/I2","display_name":"Lab X","country_code":"CN"}]}]}
{"id":"https://openalex.org/W2","title":"Paper two","publication_year":2023,"authorships":[{"author":{"id":"https://openalex.org/A1","display_name":"Ann Lee"},"institutions":[{"id":"https://openalex.org/I1","display_name":"Microsoft Research Asia","ror":"https://ror.org/0300m5276"}]}]}
`

func TestPathShape(t *testing.T) {
	g, err := Parse(strings.NewReader(twoWorks), "two.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	// Org -> (affiliated author) -> publication <- author -> other institution.
	if find(g, "openalex:A1", ties.TieAffiliatedWith, "ror:0300m5276") == nil ||
		find(g, "openalex:A1", ties.TieCoauthored, "openalex:W1") == nil ||
		find(g, "openalex:A2", ties.TieCoauthored, "openalex:W1") == nil ||
		find(g, "openalex:A2", ties.TieAffiliatedWith, "openalex:I2") == nil {
		t.Errorf("path ties missing: %+v", g.Ties)
	}
	// One affiliation tie for 2023 with both works as evidence.
	aff := find(g, "openalex:A1", ties.TieAffiliatedWith, "ror:0300m5276")
	if len(aff.Evidence) != 2 || aff.Source != "two.jsonl:1" {
		t.Errorf("affiliation %+v", aff)
	}
	if w2 := find(g, "openalex:A1", ties.TieCoauthored, "openalex:W2"); w2 == nil || w2.Start != ties.MustDate("2023") {
		t.Errorf("W2 tie %+v", w2)
	}
}

func TestErrors(t *testing.T) {
	cases := []struct {
		name, input string
		line        int
		want        string
	}{
		{"no authorships", twoWorks + `{"id":"https://openalex.org/W9","title":"x","authorships":[]}`, 3, "work W9 has no authorships"},
		{"bad date", `{"id":"W5","publication_date":"2023-13-01","authorships":[{"author":{"id":"A1","display_name":"x"}}]}`, 1, "month 13"},
		{"bad id", "\n" + `{"id":"https://openalex.org/X5","authorships":[]}`, 2, "invalid OpenAlex work id"},
		{"syntax", twoWorks + "{oops}\n", 3, "JSON"},
		{"duplicate", twoWorks + strings.SplitN(twoWorks, "\n", 2)[0], 3, "duplicate work W1"},
		{"nameless author", `{"id":"W5","authorships":[{"author":{"id":"A1"}}]}`, 1, "has no name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(c.input), "bad.jsonl")
			var se *sources.Error
			if !errors.As(err, &se) {
				t.Fatalf("error %v is not a *sources.Error", err)
			}
			if se.Line != c.line || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q at line %d, want line %d containing %q", err, se.Line, c.line, c.want)
			}
		})
	}
}

func FuzzOpenAlex(f *testing.F) {
	f.Add(twoWorks)
	f.Add(`[{"id":"W1","authorships":[{"author":{"display_name":"x"},"institutions":[{"display_name":"y"}]}]}]`)
	f.Add(`{"id":"W1","authorships":[]}`)
	f.Fuzz(func(t *testing.T, input string) {
		g, err := Parse(strings.NewReader(input), "fuzz.json")
		if err != nil {
			var se *sources.Error
			if !errors.As(err, &se) {
				t.Fatalf("error is not a *sources.Error: %v", err)
			}
			return
		}
		ids := map[string]bool{}
		for _, e := range g.Entities {
			if ids[e.ID] || e.PrimaryName() == "" {
				t.Fatalf("duplicate or unnamed entity %+v", e)
			}
			ids[e.ID] = true
		}
		for _, tie := range g.Ties {
			if !ids[tie.From] || !ids[tie.To] || tie.From == tie.To {
				t.Fatalf("bad tie %+v", tie)
			}
		}
	})
}
