package openalex

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"ties"
	"ties/sources"
)

// TestAuthors reads hand-written author records (the shared data has no
// authors file): persons with the works reader's ids and ORCID, one dated
// affiliated_with tie per affiliation, and the last known institution when
// there is no affiliation list.
func TestAuthors(t *testing.T) {
	f, err := os.Open("testdata/authors.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	g, err := ParseAuthors(f, "authors.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]ties.Entity{}
	for _, e := range g.Entities {
		ids[e.ID] = e
	}
	ann := ids["openalex:A5000000001"]
	if ann.Kind != ties.KindPerson || ann.PrimaryName() != "Ann Lee" || !slices.Contains(ann.Identifiers, ties.Identifier{Scheme: "orcid", Value: "0000-0002-1825-0097"}) {
		t.Errorf("Ann Lee: %+v", ann)
	}
	if !slices.ContainsFunc(ann.Names, func(n ties.Name) bool { return n.Text == "李安" && n.Type == ties.NameNative }) {
		t.Errorf("Ann Lee names %+v", ann.Names)
	}
	ict, labX := ids["ror:0090r4d87"], ids["openalex:I99"]
	if len(g.Entities) != 5 || ict.PrimaryName() != "Institute of Computing Technology" || labX.PrimaryName() != "Lab X" {
		t.Errorf("entities %v", ids)
	}
	type tie struct{ from, to, start, end string }
	var got []tie
	for _, x := range g.Ties {
		if x.Kind != ties.TieAffiliatedWith {
			t.Errorf("kind %s", x.Kind)
		}
		got = append(got, tie{x.From, x.To, x.Start.String(), x.End.String()})
	}
	want := []tie{
		{"openalex:A5000000001", "ror:0300m5276", "2021", "2023"},
		{"openalex:A5000000001", "ror:0090r4d87", "2018", "2019"},
		{"openalex:A5000000002", "openalex:I99", "", ""},
	}
	if !slices.Equal(got, want) {
		t.Errorf("ties %v, want %v", got, want)
	}
}

func TestAuthorErrors(t *testing.T) {
	for _, c := range []struct{ in, field, msg string }{
		{`{"id":"https://openalex.org/W1","display_name":"x"}`, "id", "invalid OpenAlex author id"},
		{`{"id":"https://openalex.org/A1","display_name":""}`, "display_name", "no display name"},
		{`{"id":"https://openalex.org/A1","display_name":"x","affiliations":[{"institution":{"id":"bad","display_name":"y"},"years":[2020]}]}`, "affiliations[0]", "invalid OpenAlex institution id"},
		{`{"id":"https://openalex.org/A1","display_name":"x","affiliations":[{"institution":{"id":"I2","display_name":"y"},"years":[20]}]}`, "affiliations[0]", "year out of range"},
	} {
		_, err := ParseAuthors(strings.NewReader(`{"id":"A7","display_name":"ok"}`+"\n"+c.in), "a.json")
		var se *sources.Error
		if !errors.As(err, &se) || se.Line != 2 || se.Field != c.field || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: %v; want line 2 field %s with %q", c.in, err, c.field, c.msg)
		}
	}
}

func FuzzAuthors(f *testing.F) {
	seed, err := os.ReadFile("testdata/authors.jsonl")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(seed))
	f.Fuzz(func(t *testing.T, in string) {
		g, err := ParseAuthors(strings.NewReader(in), "f")
		if err != nil {
			var se *sources.Error
			if !errors.As(err, &se) {
				t.Fatalf("error %v is not a *sources.Error", err)
			}
			return
		}
		ids := map[string]bool{}
		for _, e := range g.Entities {
			ids[e.ID] = true
		}
		for _, x := range g.Ties {
			if !ids[x.From] || !ids[x.To] {
				t.Fatalf("tie %+v to an unknown entity", x)
			}
		}
	})
}
