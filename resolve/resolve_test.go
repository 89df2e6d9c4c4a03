package resolve

import (
	"slices"
	"strings"
	"testing"

	"ties"
)

func org(id, name string, country string, ids ...ties.Identifier) ties.Entity {
	e := ties.Entity{ID: id, Kind: ties.KindOrganization, Names: []ties.Name{{Text: name, Type: ties.NamePrimary}}, Identifiers: ids}
	if country != "" {
		e.Countries = []string{country}
	}
	return e
}

func withNames(e ties.Entity, ns ...ties.Name) ties.Entity {
	e.Names = append(e.Names, ns...)
	return e
}

func rorID(v string) ties.Identifier { return ties.Identifier{Scheme: "ror", Value: v} }

func listEntry(id, name, country string, aliases ...string) ties.Entry {
	e := ties.Entity{ID: id, Kind: ties.KindOrganization, Names: []ties.Name{{Text: name, Type: ties.NamePrimary}},
		Addresses: []ties.Address{{Text: "somewhere", Country: country}}}
	for _, a := range aliases {
		e.Names = append(e.Names, ties.Name{Text: a, Type: ties.NameAlias})
	}
	return ties.Entry{Record: ties.Record{Entity: e, Designations: []ties.Designation{{EntityID: id, ListID: "EL"}}}, Dataset: "csl"}
}

// fixtureGraph is the CAS / Microsoft case in miniature: a hand-written
// organization and its ROR record share ROR 0090r4d87.
func fixtureGraph() []ties.Entity {
	return []ties.Entity{
		withNames(org("cas-ict", "Institute of Computing Technology, Chinese Academy of Sciences", "CN", rorID("0090r4d87")),
			ties.Name{Text: "ICT CAS", Type: ties.NameAbbreviation}, ties.Name{Text: "中国科学院计算技术研究所", Type: ties.NameNative}),
		withNames(org("ror:0090r4d87", "Institute of Computing Technology", "CN", rorID("https://ror.org/0090r4d87"), ties.Identifier{Scheme: "grid", Value: "grid.1.a"}),
			ties.Name{Text: "ICT", Type: ties.NameAbbreviation}),
		withNames(org("cas", "Chinese Academy of Sciences", "CN", rorID("034t30j35")), ties.Name{Text: "CAS", Type: ties.NameAbbreviation}),
		org("ror:034t30j35", "Chinese Academy of Sciences", "CN", rorID("034t30j35")),
		org("msft", "Microsoft Corporation", "US", rorID("00d0nc645")),
		org("msra", "Microsoft Research Asia", "CN", rorID("0300m5276")),
		// Same URL, different things: URLs are not identities.
		org("aspi:1", "Harbin Institute of Technology", "CN", ties.Identifier{Scheme: "url", Value: "https://example.org/x"}),
		org("aspi:2", "Harbin Engineering University", "CN", ties.Identifier{Scheme: "url", Value: "https://example.org/x"}),
		// Two ROR records sharing an ISNI stay two organizations.
		org("ror:aaaaaaa11", "One", "CN", rorID("aaaaaaa11"), ties.Identifier{Scheme: "isni", Value: "0000 0001"}),
		org("ror:bbbbbbb22", "Two", "CN", rorID("bbbbbbb22"), ties.Identifier{Scheme: "ISNI", Value: "00000001"}),
		// Same ROR id but a person: kinds must agree.
		{ID: "p1", Kind: ties.KindPerson, Names: []ties.Name{{Text: "Some One"}}, Identifiers: []ties.Identifier{rorID("0090r4d87")}},
	}
}

func TestSameAs(t *testing.T) {
	links := SameAs(fixtureGraph())
	got := map[string]string{}
	for _, l := range links {
		if l.Method != MethodSameAs || l.Confidence != 1 || l.Status != StatusProposed || !strings.HasPrefix(l.Reason, "same identifier ") {
			t.Errorf("link %+v: want a proposed same_as link with confidence 1 and a reason", l)
		}
		got[l.GraphID] = l.TargetID
	}
	want := map[string]string{"ror:0090r4d87": "cas-ict", "ror:034t30j35": "cas"}
	if len(got) != len(want) {
		t.Fatalf("SameAs = %v, want %v", links, want)
	}
	for g, tgt := range want {
		if got[g] != tgt {
			t.Errorf("SameAs links %s to %q, want %q", g, got[g], tgt)
		}
	}
	// Deterministic whatever the input order.
	g := fixtureGraph()
	slices.Reverse(g)
	if again := SameAs(g); !slices.Equal(again, links) {
		t.Errorf("SameAs depends on input order:\n%v\n%v", again, links)
	}
}

func TestCanonical(t *testing.T) {
	links := []ties.Link{
		{GraphID: "ror:0090r4d87", TargetID: "cas-ict", Method: MethodSameAs, Status: StatusProposed},
		{GraphID: "aspi:abc", TargetID: "ror:0090r4d87", Method: MethodSameAs, Status: StatusConfirmed},
		{GraphID: "ror:aaaaaaa11", TargetID: "aspi:def", Method: MethodSameAs, Status: StatusProposed},
		{GraphID: "ror:bbbbbbb22", TargetID: "cas", Method: MethodSameAs, Status: StatusRejected},
		{GraphID: "cas-ict", TargetID: "csl:3c4b", Method: MethodName, Status: StatusConfirmed},
	}
	c := Canonical(links)
	for id, want := range map[string]string{
		"ror:0090r4d87": "cas-ict", "aspi:abc": "cas-ict", "cas-ict": "cas-ict",
		"aspi:def": "ror:aaaaaaa11", "ror:aaaaaaa11": "ror:aaaaaaa11",
	} {
		if c[id] != want {
			t.Errorf("Canonical[%s] = %q, want %q", id, c[id], want)
		}
	}
	for _, id := range []string{"ror:bbbbbbb22", "cas", "csl:3c4b"} {
		if v, ok := c[id]; ok {
			t.Errorf("Canonical[%s] = %q: rejected and list links must not merge", id, v)
		}
	}
	// Order of links does not matter.
	slices.Reverse(links)
	c2 := Canonical(links)
	for id, v := range c {
		if c2[id] != v {
			t.Errorf("Canonical depends on link order: %s -> %s / %s", id, v, c2[id])
		}
	}
}

func fixtureEntries() []ties.Entry {
	return []ties.Entry{
		listEntry("csl:3c4b", "Chinese Academy of Sciences Institute of Computing Technology", "CN",
			"Institute of Computing Technology Chinese Academy of Sciences", "Institute of Computing Technology", "CAS ICT"),
		listEntry("csl:hit", "Harbin Institute of Technology", "CN"),
		listEntry("csl:heu", "Harbin Engineering University", "CN"),
		listEntry("csl:ms", "Microsoft Research Asia", "RU"), // same name, other country
		listEntry("csl:phys", "Chinese Academy of Sciences Institute of Physics", "CN"),
		// A native "listed" row: the graph entity itself.
		listEntry("cas-ict", "Institute of Computing Technology, Chinese Academy of Sciences", "CN"),
		{Record: ties.Record{Entity: ties.Entity{ID: "csl:lei", Kind: ties.KindOrganization,
			Names:       []ties.Name{{Text: "Totally Different Name Ltd"}},
			Identifiers: []ties.Identifier{{Scheme: "ROR", Value: "034T30J35"}}}}},
	}
}

func TestLinkToLists(t *testing.T) {
	links := LinkToLists(fixtureGraph(), fixtureEntries(), Options{})
	got := map[[2]string]ties.Link{}
	for _, l := range links {
		got[[2]string{l.GraphID, l.TargetID}] = l
		if l.Status != StatusProposed || l.Reason == "" {
			t.Errorf("link %+v: want proposed with a reason", l)
		}
	}
	for _, pair := range [][2]string{{"cas-ict", "csl:3c4b"}, {"ror:0090r4d87", "csl:3c4b"}, {"aspi:1", "csl:hit"}, {"aspi:2", "csl:heu"}} {
		l, ok := got[pair]
		if !ok {
			t.Errorf("no link %s -> %s; links: %v", pair[0], pair[1], links)
			continue
		}
		if l.Method != MethodName || l.Confidence < LinkThreshold {
			t.Errorf("link %v: method %s confidence %v", pair, l.Method, l.Confidence)
		}
	}
	if l := got[[2]string{"ror:0090r4d87", "csl:3c4b"}]; !strings.Contains(l.Reason, "Institute of Computing Technology") {
		t.Errorf("reason %q does not say which name matched", l.Reason)
	}
	for _, pair := range [][2]string{{"cas", "csl:lei"}, {"ror:034t30j35", "csl:lei"}} {
		if l := got[pair]; l.Method != MethodIdentifier || l.Confidence != 1 {
			t.Errorf("link %v = %+v, want an identifier link", pair, l)
		}
	}
	for _, l := range links {
		switch {
		case strings.HasPrefix(l.GraphID, "ms"):
			t.Errorf("Microsoft linked: %+v (country RU vs CN/US must not link)", l)
		case l.TargetID == "csl:phys":
			t.Errorf("a sibling institute linked: %+v", l)
		case l.GraphID == "aspi:1" && l.TargetID != "csl:hit", l.GraphID == "aspi:2" && l.TargetID != "csl:heu":
			t.Errorf("Harbin universities confused: %+v", l)
		case l.TargetID == "cas-ict":
			t.Errorf("linked to a list row that is a graph entity: %+v", l)
		case l.GraphID == "p1":
			t.Errorf("person linked to an organization: %+v", l)
		}
	}
	// People: a shared name alone does not link; the same birth year does.
	person := func(id, name, born string) ties.Entity {
		e := ties.Entity{ID: id, Kind: ties.KindPerson, Names: []ties.Name{{Text: name, Type: ties.NamePrimary}}}
		if born != "" {
			e.Dates = []ties.EntityDate{{Type: "birth", Value: born}}
		}
		return e
	}
	listedPerson := ties.Entry{Record: ties.Record{Entity: person("sdn:1", "ZHOU, Ming", "1970-05-01")}}
	for _, c := range []struct {
		g    ties.Entity
		want bool
	}{
		{person("zhou-ming", "Zhou Ming", ""), false},
		{person("zhou-ming", "Zhou Ming", "1968"), false},
		{person("zhou-ming", "Zhou Ming", "1970"), true},
		{person("zhou-ming", "Zhou Mingyu", "1970"), false},
	} {
		got := LinkToLists([]ties.Entity{c.g}, []ties.Entry{listedPerson}, Options{})
		if (len(got) == 1) != c.want {
			t.Errorf("person %v born %v: links %+v, want linked=%v", c.g.Names, c.g.Dates, got, c.want)
		}
	}

	// A higher threshold drops name links, not identifier links.
	strict := LinkToLists(fixtureGraph(), fixtureEntries(), Options{Threshold: 1.01})
	for _, l := range strict {
		if l.Method != MethodIdentifier {
			t.Errorf("threshold 1.01 still links by name: %+v", l)
		}
	}
	if len(strict) != 2 {
		t.Errorf("threshold 1.01: %d links, want the 2 identifier links", len(strict))
	}
}

func TestAugment(t *testing.T) {
	graph := fixtureGraph()
	entries := fixtureEntries()
	links := append(SameAs(graph),
		ties.Link{GraphID: "ror:0090r4d87", TargetID: "csl:3c4b", Method: MethodName, Confidence: 1, Status: StatusProposed},
		ties.Link{GraphID: "aspi:1", TargetID: "csl:hit", Method: MethodName, Confidence: 1, Status: StatusRejected},
		ties.Link{GraphID: "aspi:2", TargetID: "csl:heu", Method: MethodName, Confidence: 0.85, Status: StatusProposed},
		ties.Link{GraphID: "msra", TargetID: "csl:phys", Method: MethodName, Confidence: 0.5, Status: StatusConfirmed},
	)
	before := len(entries[0].Entity.Names)
	out := Augment(entries, graph, links)
	if len(entries[0].Entity.Names) != before {
		t.Fatal("Augment changed its input")
	}
	byID := map[string]ties.Entity{}
	for _, e := range out {
		byID[e.Entity.ID] = e.Entity
	}
	ict := byID["csl:3c4b"]
	var han *ties.Name
	sources := map[string]bool{}
	for i, n := range ict.Names {
		if n.Source != "" {
			sources[n.Source] = true
		}
		if n.Text == "中国科学院计算技术研究所" {
			han = &ict.Names[i]
		}
		if n.Source != "" && n.Type == ties.NamePrimary {
			t.Errorf("gained name %+v is primary", n)
		}
	}
	if han == nil || han.Source != "cas-ict" {
		t.Errorf("ICT row lacks the native name from its same-as partner cas-ict: %+v", ict.Names)
	}
	if !sources["ror:0090r4d87"] {
		t.Errorf("ICT row has no name from ror:0090r4d87: %+v", ict.Names)
	}
	if ict.PrimaryName() != "Chinese Academy of Sciences Institute of Computing Technology" {
		t.Errorf("primary name changed to %q", ict.PrimaryName())
	}
	seen := map[string]bool{}
	for _, n := range ict.Names {
		k := strings.ToLower(n.Text)
		if seen[k] {
			t.Errorf("name %q repeated", n.Text)
		}
		seen[k] = true
	}
	if n := len(byID["csl:hit"].Names); n != 1 {
		t.Errorf("rejected link augmented HIT: %v", byID["csl:hit"].Names)
	}
	if n := len(byID["csl:heu"].Names); n != 1 {
		t.Errorf("proposed link under the threshold augmented HEU: %v", byID["csl:heu"].Names)
	}
	if n := len(byID["csl:phys"].Names); n != 2 {
		t.Errorf("confirmed link did not augment: %v", byID["csl:phys"].Names)
	}
}

func TestSegments(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"Institute of Computing Technology, CAS, Beijing 100190, China", []string{"Institute of Computing Technology", "CAS"}},
		{"University of Chinese Academy of Sciences, Beijing 100049, P.R. China", []string{"University of Chinese Academy of Sciences"}},
		{"State Key Laboratory of Computer Architecture, Institute of Computing Technology, Chinese Academy of Sciences, Beijing, China",
			[]string{"State Key Laboratory of Computer Architecture", "Institute of Computing Technology", "Chinese Academy of Sciences"}},
		{"Information School, University of Washington, Seattle, WA, USA", []string{"Information School", "University of Washington", "Seattle"}},
		{"Dept. of CS (liu@ict.ac.cn); Haidian District, Beijing 100190 CN-100190", []string{"Dept. of CS"}},
		{"中国科学院计算技术研究所，北京 100190", []string{"中国科学院计算技术研究所"}},
		{"University of Hong Kong, Hong Kong", []string{"University of Hong Kong"}},
		{"", nil},
		{" , ; 12345 ", nil},
	} {
		if got := Segments(c.in); !slices.Equal(got, c.want) {
			t.Errorf("Segments(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func fixtureResolver() *Resolver {
	graph := append(fixtureGraph(),
		withNames(org("ror:022c3hy66", "Institute of Automation", "CN", rorID("022c3hy66")), ties.Name{Text: "CASIA", Type: ties.NameAbbreviation}),
		withNames(org("ror:05qbk4x57", "University of Chinese Academy of Sciences", "CN", rorID("05qbk4x57")), ties.Name{Text: "UCAS", Type: ties.NameAbbreviation}),
		org("ror:02pq9w205", "State Key Laboratory of Computer Architecture", "CN", rorID("02pq9w205")),
	)
	tieList := []ties.Tie{
		{From: "ror:0090r4d87", To: "ror:034t30j35", Kind: ties.TiePartOf},
		{From: "ror:022c3hy66", To: "ror:034t30j35", Kind: ties.TiePartOf},
		{From: "ror:05qbk4x57", To: "ror:034t30j35", Kind: ties.TieRelated},
		{From: "ror:02pq9w205", To: "ror:0090r4d87", Kind: ties.TiePartOf},
	}
	return NewResolver(graph, tieList, SameAs(graph))
}

func TestResolveFixture(t *testing.T) {
	r := fixtureResolver()
	for _, c := range []struct {
		text      string
		first     string // id
		firstROR  string
		thenAbove [2]string // first ranks above second, when set
	}{
		{"Institute of Computing Technology, CAS, Beijing 100190, China", "cas-ict", "0090r4d87", [2]string{"cas-ict", "cas"}},
		{"State Key Laboratory of Computer Architecture, Institute of Computing Technology, Chinese Academy of Sciences, Beijing, China", "ror:02pq9w205", "02pq9w205", [2]string{"cas-ict", "cas"}},
		{"University of Chinese Academy of Sciences, Beijing 100049, China", "ror:05qbk4x57", "05qbk4x57", [2]string{}},
		{"Institute of Automation, Chinese Academy of Sciences, Beijing", "ror:022c3hy66", "022c3hy66", [2]string{"ror:022c3hy66", "cas"}},
		{"CASIA, Beijing, China", "ror:022c3hy66", "022c3hy66", [2]string{}},
		{"Chinese Academy of Sciences, Beijing", "cas", "034t30j35", [2]string{}},
		{"中国科学院计算技术研究所，北京", "cas-ict", "0090r4d87", [2]string{}},
	} {
		got := r.Resolve(c.text, 5)
		if len(got) == 0 {
			t.Errorf("Resolve(%q): no candidates", c.text)
			continue
		}
		if got[0].ID != c.first || got[0].ROR != c.firstROR {
			t.Errorf("Resolve(%q) first = %+v, want %s (ROR %s); all: %+v", c.text, got[0], c.first, c.firstROR, got)
		}
		if c.thenAbove[0] != "" {
			i, j := indexOf(got, c.thenAbove[0]), indexOf(got, c.thenAbove[1])
			if i < 0 || j < 0 || i > j {
				t.Errorf("Resolve(%q): want %s above %s: %+v", c.text, c.thenAbove[0], c.thenAbove[1], got)
			}
		}
	}
	for _, text := range []string{"Impactstory, Sanford, NC, USA", "Department of Physics, University of Oxford, Oxford, UK", "", "Beijing, China"} {
		if got := r.Resolve(text, 5); len(got) > 0 {
			t.Errorf("Resolve(%q) = %+v, want nothing", text, got)
		}
	}
	if got := r.Resolve("Institute of Computing Technology, Chinese Academy of Sciences", 1); len(got) != 1 {
		t.Errorf("limit 1 gave %d candidates", len(got))
	}
}

func indexOf(cs []Candidate, id string) int {
	for i, c := range cs {
		if c.ID == id {
			return i
		}
	}
	return -1
}

func FuzzResolve(f *testing.F) {
	for _, s := range []string{
		"Institute of Computing Technology, CAS, Beijing 100190, China",
		"State Key Laboratory of Computer Architecture, Institute of Computing Technology, Chinese Academy of Sciences, Beijing, China",
		"University of Chinese Academy of Sciences, Beijing 100049, China",
		"中国科学院计算技术研究所，北京 100190",
		"a@b.c; (www.example.org) [P.R. China]",
		"and , & ,,;;()",
		"\xff\xfe, CAS",
	} {
		f.Add(s)
	}
	r := fixtureResolver()
	f.Fuzz(func(t *testing.T, text string) {
		segs := Segments(text)
		if len(segs) > maxSegments {
			t.Fatalf("%d segments", len(segs))
		}
		for _, s := range segs {
			if s == "" || strings.ContainsAny(s, ",;") || postalPattern.MatchString(s) {
				t.Fatalf("Segments(%q) gave %q", text, s)
			}
		}
		got := r.Resolve(text, 3)
		if len(got) > 3 {
			t.Fatalf("limit 3 gave %d", len(got))
		}
		seen := map[string]bool{}
		for _, c := range got {
			if seen[c.ID] || c.Score < ResolveThreshold || c.Score > 1 {
				t.Fatalf("bad candidate %+v in %+v", c, got)
			}
			seen[c.ID] = true
		}
	})
}
