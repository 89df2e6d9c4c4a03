package exposure

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"ties"
)

// caseGraph mirrors the Microsoft / CAS reference case
// (../shared/cases/microsoft-cas/FACTS.md) by hand.
func caseGraph(t testing.TB) ([]ties.Entity, []ties.Tie) {
	t.Helper()
	ent := func(id string, kind ties.EntityKind, name string, ids ...ties.Identifier) ties.Entity {
		return ties.Entity{ID: id, Kind: kind, Names: []ties.Name{{Text: name, Type: ties.NamePrimary}}, Identifiers: ids}
	}
	org, person := ties.KindOrganization, ties.KindPerson
	entities := []ties.Entity{
		ent("msft", org, "Microsoft Corporation", ties.Identifier{Scheme: "ror", Value: "00d0nc645"}),
		ent("msr", org, "Microsoft Research (Redmond)"),
		ent("msra", org, "Microsoft Research Asia", ties.Identifier{Scheme: "ror", Value: "0300m5276"}),
		ent("msra-theory", org, "MSRA Theory Center"),
		ent("msft-gcr", org, "Microsoft Greater China Region"),
		ent("cas", org, "Chinese Academy of Sciences", ties.Identifier{Scheme: "ror", Value: "034t30j35"}),
		ent("cas-ict", org, "Institute of Computing Technology, Chinese Academy of Sciences"),
		ent("cas-ia", org, "Institute of Automation, Chinese Academy of Sciences"),
		ent("ucas", org, "University of Chinese Academy of Sciences"),
		ent("cas-vipl", org, "Visual Information Processing and Learning Research Group"),
		ent("liu-guodong", person, "Liu Guodong"),
		ent("yao-di", person, "Yao Di"),
		ent("xiao-li", person, "Xiao Li"),
		ent("miao-houshan", person, "Miao Houshan"),
		ent("saeed-maleki", person, "Saeed Maleki"),
		ent("zhou-ming", person, "Zhou Ming"),
		ent("p-anandan", person, "Padmanabhan Anandan"),
		ent("msra-kcg-chief", person, "MSRA Knowledge Computing Group chief researcher"),
		ent("ucas-author", person, "UCAS co-author (illustrative)"),
		ent("msra-author", person, "MSRA co-author (illustrative)"),
		ent("star-track", ties.KindProgram, "Star Track Program"),
		ent("star-leap", ties.KindProgram, "Star Leap Program"),
		ent("pub-1bit", ties.KindPublication, "The Era of 1-bit LLMs"),
		ent("pub-qsparse", ties.KindPublication, "Q-Sparse: All Large Language Models can be Fully Sparsely-Activated"),
		ent("std-committee", org, "ICT Supply Chain Security Risk Management Guide drafting committee"),
		ent("china", ties.KindPlace, "China"),
	}
	d := ties.MustDate
	tie := func(from string, kind ties.TieKind, to string, start, end string, ev string) ties.Tie {
		t := ties.Tie{From: from, To: to, Kind: kind}
		if start != "" {
			t.Start = d(start)
		}
		if end != "" {
			t.End = d(end)
		}
		if ev != "" {
			t.Evidence = []ties.Evidence{{Title: ev}}
		}
		return t
	}
	list := []ties.Tie{
		tie("msr", ties.TiePartOf, "msft", "", "", ""),
		tie("msra", ties.TiePartOf, "msft", "", "", ""),
		tie("msra-theory", ties.TiePartOf, "msra", "2021", "", ""),
		tie("msft-gcr", ties.TiePartOf, "msft", "", "", ""),
		tie("cas-ict", ties.TiePartOf, "cas", "", "", ""),
		tie("cas-ia", ties.TiePartOf, "cas", "", "", ""),
		tie("ucas", ties.TiePartOf, "cas", "", "", ""),
		tie("cas-vipl", ties.TiePartOf, "cas-ict", "", "", ""),
		tie("star-track", ties.TiePartOf, "msra", "", "", ""),
		tie("star-leap", ties.TiePartOf, "msra", "2021", "", ""),
		tie("msra", ties.TieHosted, "liu-guodong", "2023", "2023", "MSRA press release on the Star Leap Program"),
		tie("liu-guodong", ties.TieStudentAt, "cas-ict", "", "", "MSRA press release on the Star Leap Program"),
		tie("miao-houshan", ties.TieEmployedBy, "msr", "", "", ""),
		tie("miao-houshan", ties.TieMentored, "liu-guodong", "2023", "2023", "MSRA press release"),
		tie("saeed-maleki", ties.TieEmployedBy, "msr", "", "", ""),
		tie("saeed-maleki", ties.TieMentored, "liu-guodong", "2023", "2023", "MSRA press release"),
		tie("msra", ties.TieHosted, "yao-di", "2022", "2022", "Microsoft blog post on program alumni"),
		tie("yao-di", ties.TieEmployedBy, "cas-ict", "", "", ""),
		tie("msra", ties.TieHosted, "xiao-li", "2021", "2021", "Microsoft blog post on program alumni"),
		tie("xiao-li", ties.TieEmployedBy, "cas-ict", "", "", ""),
		tie("msra", ties.TieFunded, "cas-vipl", "2014", "", "CAS web post"),
		tie("zhou-ming", ties.TieEmployedBy, "msra", "", "", ""),
		tie("p-anandan", ties.TieEmployedBy, "msr", "", "", ""),
		tie("zhou-ming", ties.TieVisited, "cas-ict", "2014", "2014", "CAS web post"),
		tie("p-anandan", ties.TieVisited, "cas-ict", "2014", "2014", "CAS web post"),
		tie("msra-kcg-chief", ties.TieEmployedBy, "msra", "", "", ""),
		tie("msra-kcg-chief", ties.TieVisited, "cas-ia", "2017", "2017", "CAS web post"),
		tie("cas", ties.TieAdvisorySeat, "msra-theory", "2021", "", "MSRA Theory Center page"),
		tie("msft", ties.TieCommitteeMember, "std-committee", "2018", "2018", "drafting committee list"),
		tie("cas", ties.TieCommitteeMember, "std-committee", "2018", "2018", "drafting committee list"),
		tie("msra-author", ties.TieEmployedBy, "msra", "", "", ""),
		tie("msra-author", ties.TieCoauthored, "pub-1bit", "2024", "2024", "arXiv"),
		tie("ucas-author", ties.TieCoauthored, "pub-1bit", "2024", "2024", "arXiv"),
		tie("ucas-author", ties.TieStudentAt, "ucas", "", "", ""),
		// Institution-level authorship, as a bibliographic source gives it.
		tie("msra", ties.TieCoauthored, "pub-qsparse", "2024", "2024", "arXiv"),
		tie("ucas", ties.TieCoauthored, "pub-qsparse", "2024", "2024", "arXiv"),
		// A place is not a party: located_in must not connect Microsoft's
		// China unit to every Chinese organization.
		tie("msft-gcr", ties.TieLocatedIn, "china", "", "", ""),
		tie("cas-ia", ties.TieLocatedIn, "china", "", "", ""),
	}
	return entities, list
}

func ictDesignation() []Designated {
	return []Designated{{
		EntityID: "cas-ict",
		Designation: ties.Designation{
			EntityID: "csl:ict", ListID: "EL", Start: ties.MustDate("2022-12-16"), Authority: "87 FR 77505",
		},
		ListName: "Entity List",
		Via:      "csl:ict (identifier, 1.0)",
	}}
}

func caseQuery(asOf string, scenarios ...string) Query {
	return Query{Org: "msft", AsOf: ties.MustDate(asOf), Designated: ictDesignation(), Scenarios: scenarios}
}

func findingFor(fs []Finding, entity, rule string) *Finding {
	for i := range fs {
		if fs[i].Designated.EntityID == entity && fs[i].Rule.Name == rule {
			return &fs[i]
		}
	}
	return nil
}

func pathIDs(p []Step) string {
	var ids []string
	for _, s := range p {
		ids = append(ids, s.EntityID)
	}
	return strings.Join(ids, ">")
}

func findPath(f *Finding, ids string) []Step {
	for _, p := range f.Paths {
		if pathIDs(p) == ids {
			return p
		}
	}
	return nil
}

func TestCaseICTFinding(t *testing.T) {
	g := NewGraph(caseGraph(t))
	rep := g.Exposure(caseQuery("2025-06-01"))
	if len(rep.Notes) > 0 {
		t.Errorf("notes: %v", rep.Notes)
	}
	f := findingFor(rep.Findings, "cas-ict", "direct")
	if f == nil {
		t.Fatalf("no direct finding for cas-ict; findings: %+v", rep.Findings)
	}
	if f.Designated.Authority != "87 FR 77505" || f.Designated.ListedOn.String() != "2022-12-16" || f.Designated.List != "Entity List" {
		t.Errorf("designated = %+v", f.Designated)
	}
	if !f.AfterDesignation || f.Severity != SeverityCritical {
		t.Errorf("after=%v severity=%s, want after designation and critical", f.AfterDesignation, f.Severity)
	}
	// Finding 4: Microsoft -> MSRA -> (hosted) Liu Guodong -> (student at) ICT.
	liu := findPath(f, "msft>msra>liu-guodong>cas-ict")
	if liu == nil {
		t.Fatalf("no Liu Guodong path; paths: %v", allPaths(f))
	}
	if pathIDs(f.Paths[0]) != "msft>msra>liu-guodong>cas-ict" {
		t.Errorf("most severe path = %s, want the Liu Guodong residency first", pathIDs(f.Paths[0]))
	}
	wantTies := []ties.TieKind{"", ties.TiePartOf, ties.TieHosted, ties.TieStudentAt}
	for i, s := range liu {
		if s.Tie != wantTies[i] {
			t.Errorf("step %d tie = %q, want %q", i, s.Tie, wantTies[i])
		}
	}
	if !liu[1].Reverse || liu[2].Reverse {
		t.Errorf("reverse flags: msra %v (want true: msra part_of msft), liu %v (want false)", liu[1].Reverse, liu[2].Reverse)
	}
	if !liu[2].AfterDesignation || liu[3].AfterDesignation {
		t.Errorf("after-designation flags: hosted %v (want true), student_at %v (want false: undated)", liu[2].AfterDesignation, liu[3].AfterDesignation)
	}
	if len(liu[2].Evidence) == 0 || !strings.Contains(liu[2].Evidence[0].Title, "Star Leap") {
		t.Errorf("hosted step evidence = %+v", liu[2].Evidence)
	}
	// Finding 2: the 2021 and 2022 visits came before the listing.
	for _, who := range []string{"yao-di", "xiao-li"} {
		p := findPath(f, "msft>msra>"+who+">cas-ict")
		if p == nil {
			t.Errorf("no path through %s; paths: %v", who, allPaths(f))
			continue
		}
		if p[2].AfterDesignation {
			t.Errorf("%s visit flagged after designation", who)
		}
	}
	// Finding 1: also the VIPL funding and the 2014 visit.
	for _, ids := range []string{"msft>msra>cas-vipl>cas-ict", "msft>msr>p-anandan>cas-ict", "msft>msra>zhou-ming>cas-ict"} {
		if findPath(f, ids) == nil {
			t.Errorf("missing path %s; paths: %v", ids, allPaths(f))
		}
	}
	if len(rep.ScenarioFindings) != 0 {
		t.Errorf("scenario findings without a scenario: %d", len(rep.ScenarioFindings))
	}
	for _, fd := range rep.Findings {
		if fd.Rule.Status != ties.RuleEnacted {
			t.Errorf("enacted findings hold %s rule %s", fd.Rule.Status, fd.Rule.Name)
		}
	}
}

func allPaths(f *Finding) []string {
	var out []string
	for _, p := range f.Paths {
		out = append(out, pathIDs(p))
	}
	return out
}

func TestCaseYaoDiPossiblyAfter(t *testing.T) {
	// Yao Di's 2022 visit is dated only to the year: it may have run past
	// 2022-12-16, which is said apart from a tie certainly after it.
	g := NewGraph(caseGraph(t))
	rep := g.Exposure(caseQuery("2022-12-31"))
	f := findingFor(rep.Findings, "cas-ict", "direct")
	if f == nil {
		t.Fatal("no ICT finding at 2022-12-31")
	}
	if f.AfterDesignation {
		t.Errorf("after designation at 2022-12-31, but the residency began in 2023")
	}
	if !f.PossiblyAfterDesignation {
		t.Errorf("the 2022 visit and the open VIPL funding may have run after 2022-12-16")
	}
	if findPath(f, "msft>msra>liu-guodong>cas-ict") != nil {
		t.Errorf("the 2023 residency is walked before it began")
	}
}

func TestCaseBeforeListing(t *testing.T) {
	g := NewGraph(caseGraph(t))
	rep := g.Exposure(caseQuery("2022-06-01"))
	if f := findingFor(rep.Findings, "cas-ict", "direct"); f != nil {
		t.Errorf("ICT finding on 2022-06-01, before its listing: %+v", f)
	}
}

func TestCaseScenario(t *testing.T) {
	g := NewGraph(caseGraph(t))
	plain := g.Exposure(caseQuery("2025-06-01"))
	rep := g.Exposure(caseQuery("2025-06-01", "HR1516"))
	if got, want := len(rep.Findings), len(plain.Findings); got != want {
		t.Errorf("enacted findings change with a scenario: %d, want %d", got, want)
	}
	for _, id := range []string{"cas", "ucas", "cas-ia", "cas-ict", "cas-vipl"} {
		f := findingFor(rep.ScenarioFindings, id, "HR1516")
		if f == nil {
			t.Errorf("no HR1516 finding for %s", id)
			continue
		}
		if f.Rule.Status != ties.RuleProposed {
			t.Errorf("%s: rule status %s, want proposed", id, f.Rule.Status)
		}
		if f.AfterDesignation {
			t.Errorf("%s: a proposal has no designation date to be after", id)
		}
	}
	if f := findingFor(rep.ScenarioFindings, "ucas", "HR1516"); f != nil {
		if findPath(f, "msft>msra>msra-author>pub-1bit>ucas-author>ucas") != nil {
			t.Errorf("co-authorship path is 5 hops; depth 4 must not find it")
		}
		if p := findPath(f, "msft>msra>pub-qsparse>ucas"); p == nil || p[3].Tie != ties.TieCoauthored || !p[3].Reverse {
			t.Errorf("co-authored paper path missing or wrong: %v", allPaths(f))
		}
	}
	if f := findingFor(rep.ScenarioFindings, "cas-ia", "HR1516"); f != nil && findPath(f, "msft>msra>msra-kcg-chief>cas-ia") == nil {
		t.Errorf("2017 visit path missing: %v", allPaths(f))
	}
	if f := findingFor(rep.ScenarioFindings, "cas", "HR1516"); f != nil {
		if findPath(f, "msft>msra>msra-theory>cas") == nil || findPath(f, "msft>std-committee>cas") == nil {
			t.Errorf("advisory seat or committee path missing: %v", allPaths(f))
		}
		for _, p := range f.Paths {
			for _, s := range p[1 : len(p)-1] {
				if strings.HasPrefix(s.EntityID, "cas") || s.EntityID == "ucas" {
					t.Errorf("path runs through designated %s: %s", s.EntityID, pathIDs(p))
				}
			}
		}
	}
	if rep.Summary.Scenario != len(rep.ScenarioFindings) || rep.Summary.Enacted != len(rep.Findings) || rep.Summary.AfterDesignation != 1 {
		t.Errorf("summary = %+v", rep.Summary)
	}
	n := 0
	for _, c := range rep.Summary.ScenarioBySeverity {
		n += c
	}
	if n != len(rep.ScenarioFindings) {
		t.Errorf("scenario severities add up to %d, want %d", n, len(rep.ScenarioFindings))
	}
	deep := caseQuery("2025-06-01", "all")
	deep.Depth = 5
	rep5 := g.Exposure(deep)
	if f := findingFor(rep5.ScenarioFindings, "ucas", "HR1516"); f == nil || findPath(f, "msft>msra>msra-author>pub-1bit>ucas-author>ucas") == nil {
		t.Errorf("co-authored paper path (5 hops) missing at depth 5")
	}
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"status":"proposed"`) {
		t.Errorf("JSON does not show the proposed status")
	}
}

func TestCaseDepthAndLocatedIn(t *testing.T) {
	g := NewGraph(caseGraph(t))
	q := caseQuery("2025-06-01")
	q.Depth = 2
	if f := findingFor(g.Exposure(q).Findings, "cas-ict", "direct"); f != nil {
		t.Errorf("depth 2 reaches ICT (3 hops away): %v", allPaths(f))
	}
	q.Depth = 3
	f := findingFor(g.Exposure(q).Findings, "cas-ict", "direct")
	if f == nil {
		t.Fatal("depth 3 misses ICT")
	}
	for _, p := range f.Paths {
		if len(p) > 4 {
			t.Errorf("path longer than depth 3: %s", pathIDs(p))
		}
		for _, s := range p {
			if s.Tie == ties.TieLocatedIn {
				t.Errorf("path walks located_in: %s", pathIDs(p))
			}
		}
	}
	// The scenario must not reach cas-ia through the shared country.
	q = caseQuery("2025-06-01", "HR1516")
	q.Depth = 2
	for _, fd := range g.Exposure(q).ScenarioFindings {
		for _, p := range fd.Paths {
			if slices.ContainsFunc(p, func(s Step) bool { return s.EntityID == "china" }) {
				t.Errorf("path through a place: %s", pathIDs(p))
			}
		}
	}
}

func TestCaseDiff(t *testing.T) {
	g := NewGraph(caseGraph(t))
	before := g.Exposure(caseQuery("2022-06-01"))
	after := g.Exposure(caseQuery("2023-06-01"))
	ch := Diff(before, after)
	if len(ch.New) != 1 || ch.New[0].Designated.EntityID != "cas-ict" {
		t.Fatalf("new = %+v, want the ICT finding", ch.New)
	}
	if len(ch.Gone) != 0 || len(ch.Changed) != 0 {
		t.Errorf("gone %d changed %d, want none", len(ch.Gone), len(ch.Changed))
	}
	back := Diff(after, before)
	if len(back.Gone) != 1 || len(back.New) != 0 {
		t.Errorf("reverse diff: new %d gone %d", len(back.New), len(back.Gone))
	}
	later := g.Exposure(caseQuery("2024-06-01"))
	if ch := Diff(after, later); len(ch.New)+len(ch.Gone)+len(ch.Changed) != 0 {
		t.Errorf("no change between 2023-06 and 2024-06 expected, got %+v", ch)
	}
	// A second list load adds a designation (four CAS units in 2024 in the
	// case; here the Institute of Automation stands in for one).
	q := caseQuery("2024-06-01")
	q.Designated = append(q.Designated, Designated{EntityID: "cas-ia", Designation: ties.Designation{ListID: "EL", Start: ties.MustDate("2024-05-09"), Authority: "89 FR 41888"}})
	ch = Diff(later, g.Exposure(q))
	if len(ch.New) != 1 || ch.New[0].Designated.EntityID != "cas-ia" {
		t.Errorf("new after second load = %+v", ch.New)
	}
}

func TestCycleSafety(t *testing.T) {
	entities, list := caseGraph(t)
	list = append(list,
		ties.Tie{From: "msft", Kind: ties.TiePartOf, To: "msra"}, // a cycle msft <-> msra
		ties.Tie{From: "liu-guodong", Kind: ties.TieMentored, To: "yao-di"},
		ties.Tie{From: "yao-di", Kind: ties.TieMentored, To: "xiao-li"},
		ties.Tie{From: "xiao-li", Kind: ties.TieMentored, To: "liu-guodong"},
	)
	g := NewGraph(entities, list)
	q := caseQuery("2025-06-01")
	q.Depth = 8
	q.MaxPaths = 1000
	rep := g.Exposure(q)
	f := findingFor(rep.Findings, "cas-ict", "direct")
	if f == nil {
		t.Fatal("no ICT finding")
	}
	seenPaths := map[string]bool{}
	for _, p := range f.Paths {
		ids := map[string]bool{}
		for _, s := range p {
			if ids[s.EntityID] {
				t.Fatalf("path visits %s twice: %s", s.EntityID, pathIDs(p))
			}
			ids[s.EntityID] = true
		}
		key := strings.Join(pathKeys([][]Step{p}), "")
		if seenPaths[key] {
			t.Errorf("duplicate path %s", pathIDs(p))
		}
		seenPaths[key] = true
		if len(p)-1 > 8 {
			t.Errorf("path longer than depth: %s", pathIDs(p))
		}
	}
	for i := 1; i < len(f.Paths); i++ {
		if f.Paths[i-1][0].EntityID != "msft" || f.Paths[i][len(f.Paths[i])-1].EntityID != "cas-ict" {
			t.Errorf("path does not run msft..cas-ict: %s", pathIDs(f.Paths[i]))
		}
	}
}

func TestUnknownOrgAndDesignated(t *testing.T) {
	g := NewGraph(caseGraph(t))
	rep := g.Exposure(Query{Org: "nope", Designated: ictDesignation()})
	if len(rep.Findings) != 0 || len(rep.Notes) == 0 {
		t.Errorf("unknown org: %+v", rep)
	}
	q := caseQuery("2025-06-01", "NoSuchBill")
	q.Designated = append(q.Designated, Designated{EntityID: "ghost", Designation: ties.Designation{ListID: "EL"}})
	rep = g.Exposure(q)
	if len(rep.Notes) != 2 {
		t.Errorf("notes = %v, want one for the ghost entity and one for the unknown scenario", rep.Notes)
	}
}

func TestDesignatedOrg(t *testing.T) {
	g := NewGraph(caseGraph(t))
	q := caseQuery("2025-06-01")
	q.Org = "cas-ict"
	f := findingFor(g.Exposure(q).Findings, "cas-ict", "direct")
	if f == nil || f.Distance != 0 || len(f.Paths[0]) != 1 {
		t.Fatalf("a listed org is its own finding at distance 0: %+v", f)
	}
}

func TestJSONContract(t *testing.T) {
	g := NewGraph(caseGraph(t))
	b, err := json.Marshal(g.Exposure(caseQuery("2025-06-01")))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"org", "as_of", "findings"} {
		if _, ok := m[k]; !ok {
			t.Errorf("report lacks %q", k)
		}
	}
	f := m["findings"].([]any)[0].(map[string]any)
	for _, k := range []string{"designated", "rule", "severity", "after_designation", "paths"} {
		if _, ok := f[k]; !ok {
			t.Errorf("finding lacks %q", k)
		}
	}
	for _, k := range []string{"entity_id", "name", "list", "listed_on", "authority"} {
		if _, ok := f["designated"].(map[string]any)[k]; !ok {
			t.Errorf("designated lacks %q", k)
		}
	}
	for _, k := range []string{"name", "status"} {
		if _, ok := f["rule"].(map[string]any)[k]; !ok {
			t.Errorf("rule lacks %q", k)
		}
	}
	first := f["paths"].([]any)[0].([]any)
	for _, k := range []string{"entity_id", "name", "kind", "tie", "start", "end", "evidence"} {
		if _, ok := first[0].(map[string]any)[k]; !ok {
			t.Errorf("step lacks %q", k)
		}
	}
	if first[0].(map[string]any)["start"] != nil {
		t.Errorf("first step start = %v, want null", first[0].(map[string]any)["start"])
	}
	if got := first[2].(map[string]any)["start"]; got != "2023" {
		t.Errorf("hosted start = %v, want \"2023\"", got)
	}
	var back Report
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("report does not read back: %v", err)
	}
	if back.AsOf.String() != "2025-06-01" || back.Findings[0].Designated.ListedOn.String() != "2022-12-16" {
		t.Errorf("dates after round trip: %v %v", back.AsOf, back.Findings[0].Designated.ListedOn)
	}
}

func TestConcurrentQueries(t *testing.T) {
	g := NewGraph(caseGraph(t))
	want, _ := json.Marshal(g.Exposure(caseQuery("2025-06-01", "all")))
	done := make(chan string)
	for i := 0; i < 8; i++ {
		go func() {
			asOf := "2025-06-01"
			if i%2 == 1 {
				asOf = "2022-06-01" // another designation set, another index
			}
			for j := 0; j < 20; j++ {
				g.Exposure(caseQuery(asOf, "all"))
			}
			got, _ := json.Marshal(g.Exposure(caseQuery("2025-06-01", "all")))
			done <- string(got)
		}()
	}
	for i := 0; i < 8; i++ {
		if got := <-done; got != string(want) {
			t.Errorf("concurrent query differs")
		}
	}
}

func FuzzNullDate(f *testing.F) {
	for _, s := range []string{`null`, `"2023"`, `"2022-12"`, `"2022-12-16"`, `"2022-13-01"`, `2023`, `""`, `"x"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var d NullDate
		if err := d.UnmarshalJSON([]byte(in)); err != nil {
			return
		}
		out, err := d.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		var back NullDate
		if err := back.UnmarshalJSON(out); err != nil || back != d {
			t.Fatalf("%s -> %s -> %v (%v)", in, out, back, err)
		}
	})
}
