package resolve

import (
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"ties/internal/testdata"
	"time"

	"ties"
	"ties/sources/aspi"
	"ties/sources/csl"
	"ties/sources/native"
	"ties/sources/ror"
)

// sharedData returns ../shared/data beside the repository root, skipping
// the test when it is absent.
func sharedData(t testing.TB) string {
	t.Helper()
	return testdata.Dir(t)
}

func openData(t testing.TB, path string) io.Reader {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	if strings.HasSuffix(path, ".gz") {
		z, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		return z
	}
	return f
}

func rorGraph(t testing.TB) ties.Graph {
	t.Helper()
	p := filepath.Join(sharedData(t), "ror", "ror_cas_microsoft_subset.jsonl")
	g, err := ror.Parse(openData(t, p), p)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func nativeGraph(t testing.TB) ties.Graph {
	t.Helper()
	p := filepath.Join("..", "examples", "microsoft-cas.ties")
	doc, err := native.Parse(openData(t, p), p)
	if err != nil {
		t.Fatal(err)
	}
	return doc.Graph
}

func aspiGraph(t testing.TB) ties.Graph {
	t.Helper()
	p := filepath.Join(sharedData(t), "aspi", "china-defence-universities.json")
	g, err := aspi.Parse(openData(t, p), p)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func cslEntries(t testing.TB, name string) []ties.Entry {
	t.Helper()
	p := filepath.Join(sharedData(t), "csl", name)
	var out []ties.Entry
	for r, err := range csl.Parse(openData(t, p), p) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, ties.Entry{Record: r, Dataset: "csl", VersionID: 1})
	}
	return out
}

func entryNamed(t testing.TB, entries []ties.Entry, name string) ties.Entry {
	t.Helper()
	for _, e := range entries {
		if e.Entity.PrimaryName() == name {
			return e
		}
	}
	t.Fatalf("no entry named %q", name)
	return ties.Entry{}
}

func linked(links []ties.Link, graphID, target string) (ties.Link, bool) {
	for _, l := range links {
		if l.GraphID == graphID && l.TargetID == target {
			return l, true
		}
	}
	return ties.Link{}, false
}

func TestRealLinksICT(t *testing.T) {
	entries := cslEntries(t, "el-cas-rows-2025.csv")
	rg, ng := rorGraph(t), nativeGraph(t)
	graph := append(append([]ties.Entity{}, ng.Entities...), rg.Entities...)
	ict := entryNamed(t, entries, "Chinese Academy of Sciences Institute of Computing Technology")

	same := SameAs(graph)
	if _, ok := linked(same, "ror:0090r4d87", "cas-ict"); !ok {
		t.Errorf("SameAs does not link ror:0090r4d87 to cas-ict: %v", same)
	}
	canon := Canonical(same)
	if canon["ror:034t30j35"] != "cas" || canon["ror:05qbk4x57"] != "ucas" {
		t.Errorf("Canonical: CAS -> %q, UCAS -> %q", canon["ror:034t30j35"], canon["ror:05qbk4x57"])
	}

	links := LinkToLists(graph, entries, Options{})
	for _, g := range []string{"cas-ict", "ror:0090r4d87"} {
		l, ok := linked(links, g, ict.Entity.ID)
		if !ok {
			t.Errorf("%s not linked to the Entity List row %s", g, ict.Entity.ID)
			continue
		}
		if l.Confidence < LinkThreshold || l.Reason == "" {
			t.Errorf("link %+v", l)
		}
	}
	byGraph := map[string]bool{}
	for _, l := range links {
		byGraph[l.GraphID] = true
		if l.GraphID == "cas" || l.GraphID == "ror:034t30j35" || strings.Contains(l.GraphID, "msft") || strings.Contains(l.GraphID, "msr") ||
			l.GraphID == "ror:00d0nc645" || l.GraphID == "ror:0300m5276" {
			t.Errorf("unexpected link %+v", l)
		}
	}
	t.Logf("%d links from %d graph entities to %d entries", len(links), len(byGraph), len(entries))
	for _, l := range links {
		t.Logf("  %s -> %s %.2f %s", l.GraphID, l.TargetID, l.Confidence, l.Reason)
	}

	aug := Augment(entries, graph, append(same, links...))
	for _, e := range aug {
		if e.Entity.ID != ict.Entity.ID {
			continue
		}
		found := false
		for _, n := range e.Entity.Names {
			if n.Text == "中国科学院计算技术研究所" && n.Source != "" {
				found = true
			}
		}
		if !found {
			t.Errorf("ICT row gained no Han name: %+v", e.Entity.Names)
		}
	}
}

func TestRealLinksHarbin(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the 2022 consolidated list")
	}
	entries := cslEntries(t, "consolidated-2022-05.csv.gz")
	ag := aspiGraph(t)
	graph := append(append(append([]ties.Entity{}, ag.Entities...), nativeGraph(t).Entities...), rorGraph(t).Entities...)
	hit := ties.Entry{}
	for _, e := range entries {
		if e.Entity.PrimaryName() == "Harbin Institute of Technology" && len(e.Designations) > 0 && e.Designations[0].ListID == "EL" {
			hit = e
		}
	}
	if hit.Entity.ID == "" {
		t.Fatal("no Entity List row named Harbin Institute of Technology in the 2022 list")
	}
	var aspiHIT string
	for _, e := range ag.Entities {
		if e.PrimaryName() == "Harbin Institute of Technology" {
			aspiHIT = e.ID
		}
	}
	if aspiHIT == "" {
		t.Fatal("ASPI has no Harbin Institute of Technology")
	}
	start := time.Now()
	links := LinkToLists(graph, entries, Options{})
	t.Logf("LinkToLists: %d graph entities x %d entries -> %d links in %v", len(graph), len(entries), len(links), time.Since(start))
	if _, ok := linked(links, aspiHIT, hit.Entity.ID); !ok {
		t.Errorf("ASPI %s not linked to %s", aspiHIT, hit.Entity.ID)
	}
	targets := map[string]string{}
	for _, e := range entries {
		targets[e.Entity.ID] = e.Entity.PrimaryName()
	}
	for _, l := range links {
		if l.GraphID == "msft" || l.GraphID == "msra" || l.GraphID == "msr" || l.GraphID == "ror:00d0nc645" || strings.Contains(strings.ToLower(targets[l.TargetID]), "microsoft") {
			t.Errorf("Microsoft linked: %+v", l)
		}
		if aspiName(ag, l.GraphID) == "Harbin Institute of Technology" && l.TargetID != hit.Entity.ID && strings.Contains(targets[l.TargetID], "Engineering") {
			t.Errorf("HIT linked to %s (%s)", l.TargetID, targets[l.TargetID])
		}
	}
	if testing.Verbose() {
		for _, l := range links {
			t.Logf("  %.2f %s (%s) -> %s: %s", l.Confidence, l.GraphID, aspiName(ag, l.GraphID), targets[l.TargetID], l.Reason)
		}
	}
}

func aspiName(g ties.Graph, id string) string {
	for _, e := range g.Entities {
		if e.ID == id {
			return e.PrimaryName()
		}
	}
	return ""
}

// TestRealResolve resolves affiliations written from the case file
// (FACTS.md) and OpenAlex affiliation strings against the ROR subset as the
// graph. The OpenAlex samples name no CAS institute: they serve as strings
// that must not resolve to CAS.
func TestRealResolve(t *testing.T) {
	g := rorGraph(t)
	r := NewResolver(g.Entities, g.Ties, SameAs(g.Entities))
	for _, c := range []struct {
		text string
		ror  string // first candidate
		also string // ranks below the first, when set
	}{
		{"Institute of Computing Technology, CAS, Beijing 100190, China", "0090r4d87", "034t30j35"},
		{"Institute of Computing Technology, Chinese Academy of Sciences, Beijing, China", "0090r4d87", "034t30j35"},
		{"State Key Laboratory of Computer Architecture, Institute of Computing Technology, Chinese Academy of Sciences, Beijing, China", "02pq9w205", "0090r4d87"},
		{"University of Chinese Academy of Sciences, Beijing 100049, China", "05qbk4x57", ""},
		{"School of Computer Science and Technology, University of Chinese Academy of Sciences, Beijing, China", "05qbk4x57", ""},
		{"Institute of Automation, Chinese Academy of Sciences, Beijing 100190, China", "022c3hy66", "034t30j35"},
		{"National Laboratory of Pattern Recognition, Institute of Automation, Chinese Academy of Sciences (CASIA), Beijing, China", "", "022c3hy66"},
		{"Chinese Academy of Sciences, Beijing, China", "034t30j35", ""},
		{"中国科学院计算技术研究所，北京 100190", "0090r4d87", ""},
		{"Microsoft Research Asia, Beijing, China", "0300m5276", ""},
	} {
		got := r.Resolve(c.text, 5)
		if len(got) == 0 {
			t.Errorf("Resolve(%q): nothing", c.text)
			continue
		}
		if c.ror != "" && got[0].ROR != c.ror {
			t.Errorf("Resolve(%q) first = %+v, want ROR %s; all %+v", c.text, got[0], c.ror, got)
		}
		if c.also != "" {
			i := -1
			for k, cand := range got {
				if cand.ROR == c.also {
					i = k
				}
			}
			if c.ror != "" && i <= 0 || c.ror == "" && i < 0 {
				t.Errorf("Resolve(%q): want %s listed (below %s): %+v", c.text, c.also, c.ror, got)
			}
		}
	}

	// OpenAlex: raw affiliation strings of the sample work. None names a
	// CAS organization; each must resolve to nothing from CAS.
	p := filepath.Join(sharedData(t), "openalex", "work_W2741809807.json")
	data, err := io.ReadAll(openData(t, p))
	if err != nil {
		t.Fatal(err)
	}
	raws := rawAffiliations(t, data)
	if len(raws) == 0 {
		t.Fatal("no raw_affiliation_strings in the sample work")
	}
	for _, s := range raws {
		for _, c := range r.Resolve(s, 5) {
			t.Errorf("OpenAlex affiliation %q resolved to %+v", s, c)
		}
	}
}

// rawAffiliations returns the raw_affiliation_strings of an OpenAlex work.
func rawAffiliations(t *testing.T, data []byte) []string {
	var w struct {
		Authorships []struct {
			Raw []string `json:"raw_affiliation_strings"`
		} `json:"authorships"`
	}
	if err := json.Unmarshal(data, &w); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range w.Authorships {
		out = append(out, a.Raw...)
	}
	return out
}

// TestRealResolveOwnNames resolves the name of every ROR record of the
// subset, with a city and country added: the record itself (or a record of
// exactly the same name) must come first, so that the preference for parts
// over wholes never displaces an exact whole.
func TestRealResolveOwnNames(t *testing.T) {
	g := rorGraph(t)
	r := NewResolver(g.Entities, g.Ties, SameAs(g.Entities))
	byName := map[string][]string{}
	for _, e := range g.Entities {
		byName[strings.ToLower(e.PrimaryName())] = append(byName[strings.ToLower(e.PrimaryName())], e.ID)
	}
	tried, wrong := 0, 0
	for _, e := range g.Entities {
		if e.Kind != ties.KindOrganization || e.Remarks == ror.StubRemark {
			continue
		}
		tried++
		text := e.PrimaryName() + ", Beijing 100190, China"
		got := r.Resolve(text, 3)
		if len(got) == 0 || !slices.Contains(byName[strings.ToLower(got[0].Name)], e.ID) {
			wrong++
			t.Errorf("Resolve(%q) = %+v, want %s first", text, got, e.ID)
		}
	}
	t.Logf("%d of %d names resolved to another organization first", wrong, tried)
}
