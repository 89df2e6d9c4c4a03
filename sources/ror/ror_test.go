package ror

import (
	"errors"
	"os"
	"strings"
	"testing"
	"ties/internal/testdata"

	"ties"
	"ties/sources"
)

// sharedData finds ../shared/data next to the repository root, or skips.
func sharedData(t testing.TB, parts ...string) string {
	t.Helper()
	return testdata.Dir(t, parts...)
}

func loadSubset(t *testing.T) ties.Graph {
	t.Helper()
	f, err := os.Open(sharedData(t, "ror", "ror_cas_microsoft_subset.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	g, err := Parse(f, "ror_cas_microsoft_subset.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func entity(g ties.Graph, id string) (ties.Entity, bool) {
	for _, e := range g.Entities {
		if e.ID == id {
			return e, true
		}
	}
	return ties.Entity{}, false
}

func TestSubset(t *testing.T) {
	g := loadSubset(t)
	// index.tsv lists every record of the subset, one a line after a header.
	index, err := os.ReadFile(sharedData(t, "ror", "index.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(index)), "\n")[1:]
	var v1, v2 int
	for _, l := range lines {
		cols := strings.Split(l, "\t")
		e, ok := entity(g, "ror:"+cols[0])
		if !ok {
			t.Errorf("record %s (%s) not read", cols[0], cols[3])
			continue
		}
		if e.Remarks == StubRemark {
			t.Errorf("record %s read as a stub", cols[0])
		}
		if e.PrimaryName() != cols[3] {
			t.Errorf("%s: primary name %q, index says %q", cols[0], e.PrimaryName(), cols[3])
		}
		switch cols[2] {
		case "v1":
			v1++
		case "v2":
			v2++
		}
	}
	if len(lines) != 195 || v1 == 0 || v2 == 0 {
		t.Errorf("index has %d records (%d v1, %d v2), want 195 of both schemas", len(lines), v1, v2)
	}
	var full int
	for _, e := range g.Entities {
		if e.Remarks != StubRemark {
			full++
		}
	}
	if full != len(lines) {
		t.Errorf("%d full records, index lists %d", full, len(lines))
	}

	children := map[string]bool{}
	pairs := map[[2]string]bool{}
	ids := map[string]bool{}
	for _, e := range g.Entities {
		ids[e.ID] = true
	}
	for _, tie := range g.Ties {
		if !ids[tie.From] || !ids[tie.To] {
			t.Errorf("tie %s has a missing endpoint", tie.ID)
		}
		key := [2]string{tie.From + " " + string(tie.Kind), tie.To}
		if pairs[key] {
			t.Errorf("tie %s appears twice", tie.ID)
		}
		pairs[key] = true
		if tie.Kind == ties.TiePartOf && tie.To == "ror:034t30j35" {
			children[tie.From] = true
		}
	}
	t.Logf("%d entities (%d records), %d ties, %d part_of CAS", len(g.Entities), full, len(g.Ties), len(children))
	if len(children) < 100 {
		t.Errorf("CAS has %d child organizations, want at least 100", len(children))
	}
	if !children["ror:0090r4d87"] || !children["ror:05qbk4x57"] {
		t.Error("ICT and UCAS should be part_of CAS")
	}

	ict, _ := entity(g, "ror:0090r4d87")
	want := ties.Name{Text: "中国科学院计算技术研究所", Type: ties.NameNative, Lang: "zh"}
	if !hasName(ict, want) || !hasName(ict, ties.Name{Text: "ICT", Type: ties.NameAbbreviation}) {
		t.Errorf("ICT names %+v", ict.Names)
	}
	if len(ict.Countries) != 1 || ict.Countries[0] != "CN" {
		t.Errorf("ICT countries %v", ict.Countries)
	}
	// v2 record: UCAS.
	ucas, _ := entity(g, "ror:05qbk4x57")
	if ucas.PrimaryName() != "University of Chinese Academy of Sciences" ||
		!hasName(ucas, ties.Name{Text: "中国科学院大学", Type: ties.NameNative, Lang: "zh"}) ||
		!hasName(ucas, ties.Name{Text: "UCAS", Type: ties.NameAbbreviation}) {
		t.Errorf("UCAS names %+v", ucas.Names)
	}
	if !hasIdentifier(ucas, "grid", "grid.410726.6") || !hasIdentifier(ucas, "ror", "05qbk4x57") {
		t.Errorf("UCAS identifiers %+v", ucas.Identifiers)
	}
	msra, _ := entity(g, "ror:0300m5276")
	if len(msra.Countries) != 1 || msra.Countries[0] != "CN" {
		t.Errorf("MSRA countries %v", msra.Countries)
	}
	if !pairs[[2]string{"ror:0300m5276 part_of", "ror:00d0nc645"}] {
		t.Error("MSRA is not part_of Microsoft")
	}
}

func hasName(e ties.Entity, n ties.Name) bool {
	for _, x := range e.Names {
		if x == n {
			return true
		}
	}
	return false
}

func hasIdentifier(e ties.Entity, scheme, value string) bool {
	for _, x := range e.Identifiers {
		if x.Scheme == scheme && x.Value == value {
			return true
		}
	}
	return false
}

const v1Parent = `{"id":"https://ror.org/0090r4d87","name":"Institute of Computing Technology","aliases":[],"acronyms":["ICT"],"labels":[{"label":"中国科学院计算技术研究所","iso639":"zh"}],"country":{"country_code":"CN"},"relationships":[{"type":"Parent","id":"https://ror.org/034t30j35","label":"Chinese Academy of Sciences"}],"external_ids":{"GRID":{"preferred":"grid.424936.e","all":"grid.424936.e"}}}`
const v2Child = `{"id":"https://ror.org/034t30j35","names":[{"value":"Chinese Academy of Sciences","types":["ror_display","label"],"lang":"en"},{"value":"CAS","types":["acronym"],"lang":null}],"locations":[{"geonames_details":{"country_code":"CN"}}],"relationships":[{"type":"child","id":"https://ror.org/0090r4d87","label":"Institute of Computing Technology"},{"type":"related","id":"https://ror.org/05qbk4x57","label":"University of Chinese Academy of Sciences"}],"external_ids":[{"type":"wikidata","all":["Q530471"]}]}`

func TestParseSmallAndStubs(t *testing.T) {
	for _, input := range []string{
		v1Parent + "\n" + v2Child + "\n",
		"[" + v1Parent + ",\n" + v2Child + "]",
	} {
		g, err := Parse(strings.NewReader(input), "small.jsonl")
		if err != nil {
			t.Fatal(err)
		}
		if len(g.Entities) != 3 {
			t.Fatalf("%d entities, want 2 records and 1 stub", len(g.Entities))
		}
		stub := g.Entities[2]
		if stub.ID != "ror:05qbk4x57" || stub.Remarks != StubRemark || stub.PrimaryName() != "University of Chinese Academy of Sciences" {
			t.Errorf("stub %+v", stub)
		}
		if len(g.Ties) != 2 {
			t.Fatalf("ties %+v, want the part_of once and one related", g.Ties)
		}
		if g.Ties[0].From != "ror:0090r4d87" || g.Ties[0].To != "ror:034t30j35" || g.Ties[0].Kind != ties.TiePartOf {
			t.Errorf("part_of tie %+v", g.Ties[0])
		}
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name, input string
		line        int
		want        string
	}{
		{"bad id", v1Parent + "\n" + `{"id":"https://ror.org/xyz","name":"X"}` + "\n", 2, "invalid ROR id"},
		{"no name", v1Parent + "\n\n" + `{"id":"https://ror.org/034t30j35","names":[]}` + "\n", 3, "no display name"},
		{"syntax", v1Parent + "\n" + `{"id": oops}` + "\n", 2, "JSON"},
		{"truncated", v1Parent + "\n" + `{"id": "https://ror.org/034t30j35",`, 2, "unexpected EOF"},
		{"duplicate", v1Parent + "\n" + v1Parent + "\n", 2, "duplicate ROR record"},
		{"wrong type", v1Parent + "\n" + `{"id":"https://ror.org/034t30j35","name":["x"]}` + "\n", 2, "ROR record"},
		{"not an object", "42\n", 1, "want a JSON object"},
		{"bad relationship", `{"id":"https://ror.org/034t30j35","name":"X","relationships":[{"type":"Parent","id":"nope"}]}`, 1, "relationships"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(c.input), "bad.jsonl")
			var se *sources.Error
			if !errors.As(err, &se) {
				t.Fatalf("error %v is not a *sources.Error", err)
			}
			if se.Line != c.line || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "bad.jsonl:") {
				t.Errorf("error %q at line %d, want line %d containing %q", err, se.Line, c.line, c.want)
			}
		})
	}
}

func FuzzROR(f *testing.F) {
	f.Add(v1Parent + "\n" + v2Child)
	f.Add("[" + v2Child + "]")
	f.Add(`{"id":"0090r4d87","name":"x","external_ids":{"A":{"all":5}}}`)
	f.Add("\ufeff" + v1Parent)
	f.Fuzz(func(t *testing.T, input string) {
		g, err := Parse(strings.NewReader(input), "fuzz.jsonl")
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
			if !ids[tie.From] || !ids[tie.To] {
				t.Fatalf("dangling tie %+v", tie)
			}
		}
	})
}
