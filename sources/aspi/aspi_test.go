package aspi

import (
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

func hasName(e ties.Entity, n ties.Name) bool {
	for _, x := range e.Names {
		if x == n {
			return true
		}
	}
	return false
}

func TestTracker(t *testing.T) {
	f, err := os.Open(sharedData(t, "aspi", "china-defence-universities.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	g, err := Parse(f, "china-defence-universities.json")
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]ties.Entity{}
	var institutions int
	for _, e := range g.Entities {
		byID[e.ID] = e
		if strings.Count(e.ID, ":") == 1 {
			institutions++
		}
	}
	if institutions != 159 {
		t.Errorf("%d institutions, SOURCE.txt says 159", institutions)
	}
	hit, ok := byID["aspi:7e1827c7-cc6b-4b73-a557-8bd2b9a7f65d"]
	if !ok {
		t.Fatal("Harbin Institute of Technology missing")
	}
	if hit.PrimaryName() != "Harbin Institute of Technology" ||
		!hasName(hit, ties.Name{Text: "哈尔滨工业大学", Type: ties.NameNative, Lang: "zh"}) ||
		!hasName(hit, ties.Name{Text: "HIT", Type: ties.NameAbbreviation}) {
		t.Errorf("HIT names %+v", hit.Names)
	}
	if !strings.Contains(hit.Remarks, "Seven sons of national defence") {
		t.Errorf("HIT remarks %q", hit.Remarks)
	}
	var miit, labs int
	for _, tie := range g.Ties {
		if !ok {
			break
		}
		if _, ok := byID[tie.From]; !ok {
			t.Fatalf("tie %s from a missing entity", tie.ID)
		}
		if _, ok := byID[tie.To]; !ok {
			t.Fatalf("tie %s to a missing entity", tie.ID)
		}
		if tie.From == hit.ID && tie.Kind == ties.TieAffiliatedWith && tie.Role == "supervising agency" {
			agency := byID[tie.To]
			if agency.PrimaryName() == "Ministry of Industry and Information Technology (MIIT)" &&
				hasName(agency, ties.Name{Text: "MIIT", Type: ties.NameAbbreviation}) {
				miit++
			}
		}
		if tie.To == hit.ID && tie.Kind == ties.TiePartOf {
			labs++
			lab := byID[tie.From]
			var native bool
			for _, n := range lab.Names {
				native = native || n.Type == ties.NameNative
			}
			if !native || lab.PrimaryName() == "" {
				t.Errorf("lab %+v lacks its Chinese name", lab)
			}
		}
	}
	if miit != 1 {
		t.Errorf("HIT supervised by MIIT %d times, want 1", miit)
	}
	if labs < 5 {
		t.Errorf("HIT has %d defence laboratories, want several", labs)
	}
	// Agencies are shared: the Ministry of Education supervises many.
	var moe int
	for _, tie := range g.Ties {
		if tie.To == "aspi:agency:ministry-of-education-moe" {
			moe++
		}
	}
	if moe < 10 {
		t.Errorf("Ministry of Education supervises %d institutions, want many", moe)
	}
}

func TestSplitName(t *testing.T) {
	cases := []struct{ in, en, zh string }{
		{"Harbin Institute of Technology (哈尔滨工业大学)", "Harbin Institute of Technology", "哈尔滨工业大学"},
		{"Ministry of Education (MOE)", "Ministry of Education (MOE)", ""},
		{"National Key Laboratory of Science and Technology on Tunable Laser (可调谐(气体)激光国防科技重点实验室/可调谐(气体)激光技术国家级重点实验室)",
			"National Key Laboratory of Science and Technology on Tunable Laser", "可调谐(气体)激光国防科技重点实验室/可调谐(气体)激光技术国家级重点实验室"},
		{"FACC AG (Austria)", "FACC AG (Austria)", ""},
		{"国防科技大学", "", "国防科技大学"},
		{"Broken (name", "Broken (name", ""},
	}
	for _, c := range cases {
		en, zh := splitName(c.in)
		if en != c.en || zh != c.zh {
			t.Errorf("splitName(%q) = %q, %q; want %q, %q", c.in, en, zh, c.en, c.zh)
		}
	}
}

const small = `{"name": "China Defence Universities Tracker", "values": [
  {"value": "Harbin Institute of Technology (哈尔滨工业大学)", "uuid": "7e1827c7-cc6b-4b73-a557-8bd2b9a7f65d",
   "meta": {"aliases": ["哈尔滨工业大学", "HIT"], "supervising agencies": ["Ministry of Industry and Information Technology (MIIT)"],
            "major defence laboratories": ["Lab A (实验室甲)"], "subsidiaries": ["Company B (公司乙)"]}}
]}`

const hitValue = `{"value": "HIT", "uuid": "7e1827c7-cc6b-4b73-a557-8bd2b9a7f65d"}`

func TestErrors(t *testing.T) {
	cases := []struct {
		name, input string
		line        int
		want        string
	}{
		{"syntax", "{\n\"values\": [\n{oops}]}", 3, "JSON"},
		{"no values", `{"name": "x"}`, 1, "no values"},
		{"bad uuid", strings.Replace(small, "7e1827c7-cc6b-4b73-a557-8bd2b9a7f65d", "nope", 1), 2, "invalid uuid"},
		{"duplicate", "{\"values\": [\n" + hitValue + ",\n" + hitValue + "]}", 3, "duplicate uuid"},
		{"no name", strings.Replace(small, "Harbin Institute of Technology (哈尔滨工业大学)", " ", 1), 2, "has no name"},
		{"wrong type", `{"values": [{"value": 5}]}`, 1, "JSON"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(c.input), "bad.json")
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

func TestSmall(t *testing.T) {
	g, err := Parse(strings.NewReader(small), "small.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Entities) != 4 || len(g.Ties) != 3 {
		t.Fatalf("%d entities, %d ties; want 4 and 3: %+v", len(g.Entities), len(g.Ties), g)
	}
	kinds := map[ties.TieKind]string{}
	for _, tie := range g.Ties {
		kinds[tie.Kind] = tie.From + " -> " + tie.To
	}
	hit := "aspi:7e1827c7-cc6b-4b73-a557-8bd2b9a7f65d"
	if kinds[ties.TiePartOf] != hit+":lab:lab-a-实验室甲 -> "+hit ||
		kinds[ties.TieSubsidiaryOf] != hit+":subsidiary:company-b-公司乙 -> "+hit ||
		kinds[ties.TieAffiliatedWith] != hit+" -> aspi:agency:ministry-of-industry-and-information-technology-miit" {
		t.Errorf("ties %v", kinds)
	}
}

func FuzzASPI(f *testing.F) {
	f.Add(small)
	f.Add(`{"values": []}`)
	f.Add(`{"values": [{"value": "(()", "uuid": "7e1827c7-cc6b-4b73-a557-8bd2b9a7f65d"}]}`)
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
			if !ids[tie.From] || !ids[tie.To] {
				t.Fatalf("dangling tie %+v", tie)
			}
		}
	})
}
