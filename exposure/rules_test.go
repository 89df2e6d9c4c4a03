package exposure

import (
	"errors"
	"strings"
	"testing"

	"ties"
	"ties/sources"
)

// ownershipGraph: a listed parent, a 60% subsidiary, a company owned 30%
// by each of two listed owners, a 40%-owned one, and a grandchild.
func ownershipGraph() *Graph {
	org := func(id string) ties.Entity {
		return ties.Entity{ID: id, Kind: ties.KindOrganization, Names: []ties.Name{{Text: strings.ToUpper(id), Type: ties.NamePrimary}}}
	}
	entities := []ties.Entity{org("buyer"), org("listed-a"), org("listed-b"), org("sub60"), org("joint"), org("minor40"), org("grandchild"), org("mil-parent"), org("mil-sub")}
	own := func(from, to string, share float64) ties.Tie {
		return ties.Tie{From: from, To: to, Kind: ties.TieOwnedBy, Share: share}
	}
	list := []ties.Tie{
		own("sub60", "listed-a", 0.6),
		own("joint", "listed-a", 0.3),
		own("joint", "listed-b", 0.2),
		own("minor40", "listed-a", 0.4),
		own("grandchild", "sub60", 1),
		{From: "mil-sub", To: "mil-parent", Kind: ties.TieSubsidiaryOf},
		{From: "buyer", To: "sub60", Kind: ties.TieContractsWith, Start: ties.MustDate("2025-10")},
		{From: "buyer", To: "joint", Kind: ties.TieContractsWith},
		{From: "buyer", To: "minor40", Kind: ties.TieContractsWith},
		{From: "buyer", To: "grandchild", Kind: ties.TieContractsWith},
		{From: "buyer", To: "mil-sub", Kind: ties.TieContractsWith},
	}
	return NewGraph(entities, list)
}

func ownershipDesignations() []Designated {
	el := func(id string) Designated {
		return Designated{EntityID: id, Designation: ties.Designation{ListID: "EL", Start: ties.MustDate("2020-01-01"), Authority: "85 FR 1"}}
	}
	return []Designated{el("listed-a"), el("listed-b"), {EntityID: "mil-parent", Designation: ties.Designation{ListID: "1260H", Start: ties.MustDate("2021-01-12")}}}
}

func designatedIDs(fs []Finding, rule string) map[string]bool {
	out := map[string]bool{}
	for _, f := range fs {
		if f.Rule.Name == rule {
			out[f.Designated.EntityID] = true
		}
	}
	return out
}

func TestBIS50(t *testing.T) {
	g := ownershipGraph()
	q := Query{Org: "buyer", Designated: ownershipDesignations()}

	q.AsOf = ties.MustDate("2025-10-15") // affiliates rule in effect
	rep := g.Exposure(q)
	got := designatedIDs(rep.Findings, "BIS50")
	for _, id := range []string{"sub60", "grandchild"} {
		if !got[id] {
			t.Errorf("%s (50%%+ owned, directly or indirectly) not designated under BIS50: %v", id, got)
		}
	}
	if got["minor40"] {
		t.Errorf("minor40 (40%%) designated under BIS50")
	}
	f := findingFor(rep.Findings, "sub60", "BIS50")
	if f == nil {
		t.Fatal("no BIS50 finding for sub60")
	}
	if f.Designated.ListedOn.String() != "2025-09-29" {
		t.Errorf("inherited listed_on = %s, want the rule's effective date 2025-09-29", f.Designated.ListedOn)
	}
	if !strings.Contains(f.Designated.Via, "listed-a") || !strings.Contains(f.Designated.Authority, "90 FR 47201") {
		t.Errorf("designated = %+v", f.Designated)
	}
	if !f.AfterDesignation {
		t.Errorf("contract from 2025-10 is after the 2025-09-29 inheritance")
	}

	q.AsOf = ties.MustDate("2025-06-01") // before the rule
	if got := designatedIDs(g.Exposure(q).Findings, "BIS50"); len(got) != 0 {
		t.Errorf("BIS50 before its effective date: %v", got)
	}
	q.AsOf = ties.MustDate("2026-03-01") // suspended
	if got := designatedIDs(g.Exposure(q).Findings, "BIS50"); len(got) != 0 {
		t.Errorf("BIS50 during its suspension: %v", got)
	}
	q.AsOf = ties.MustDate("2026-11-22") // suspension over
	if got := designatedIDs(g.Exposure(q).Findings, "BIS50"); !got["sub60"] {
		t.Errorf("BIS50 after the suspension ended: %v", got)
	}
}

func TestBIS50Aggregate(t *testing.T) {
	g := ownershipGraph()
	q := Query{Org: "buyer", AsOf: ties.MustDate("2025-10-15"), Designated: ownershipDesignations()}
	if got := designatedIDs(g.Exposure(q).Findings, "BIS50"); !got["joint"] {
		t.Errorf("30%% + 20%% held by two listed owners is 50%% in the aggregate: %v", got)
	}
	q.Designated = q.Designated[:1] // listed-b no longer listed: 30% alone
	if got := designatedIDs(g.Exposure(q).Findings, "BIS50"); got["joint"] {
		t.Errorf("30%% held by one listed owner designated joint")
	}
}

func Test1260HSubsidiaries(t *testing.T) {
	g := ownershipGraph()
	rep := g.Exposure(Query{Org: "buyer", AsOf: ties.MustDate("2025-01-01"), Designated: ownershipDesignations()})
	if got := designatedIDs(rep.Findings, "1260H"); !got["mil-sub"] || len(got) != 1 {
		t.Errorf("1260H designated %v, want only mil-sub", got)
	}
	// The listed parent lies behind its designated subsidiary: paths end
	// at the first designated entity.
	if got := designatedIDs(rep.Findings, "direct"); got["mil-parent"] || !got["listed-a"] {
		t.Errorf("direct: %v", got)
	}
}

func TestRuleAppliesOn(t *testing.T) {
	r := Rule{Effective: ties.MustDate("2025-09-29"), Suspended: []Period{{ties.MustDate("2025-11-10"), ties.MustDate("2026-11-09")}}}
	cases := map[string]bool{
		"2025-09-28": false, "2025-09-29": true, "2025-11-09": true, "2025-11-10": false,
		"2026-11-09": false, "2026-11-10": true, "2025": true, "": true,
	}
	for d, want := range cases {
		if got := r.AppliesOn(ties.MustDate(d)); got != want {
			t.Errorf("AppliesOn(%q) = %v, want %v", d, got, want)
		}
	}
}

const rulesFile = `# rules for the reference case
rule direct status enacted kind direct citation "the list's own designation"
rule BIS50 status=enacted kind=inherit ties=owned_by min_share=50% lists=EL,MEU effective=2025-09-29 suspended=2025-11-10..2026-11-09 citation="90 FR 47201"
rule HR1516 status proposed kind scenario root ror:034t30j35   # proposed, not law
`

func TestParseRules(t *testing.T) {
	rules, err := ParseRules(strings.NewReader(rulesFile), "rules.conf")
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) != 3 {
		t.Fatalf("got %d rules", len(rules))
	}
	b := rules[1]
	if b.Name != "BIS50" || b.Kind != RuleInherit || b.MinShare != 0.5 || len(b.Lists) != 2 ||
		b.Effective.String() != "2025-09-29" || len(b.Suspended) != 1 || b.Suspended[0].To.String() != "2026-11-09" ||
		len(b.Ties) != 1 || b.Ties[0] != ties.TieOwnedBy || b.Citation != "90 FR 47201" {
		t.Errorf("BIS50 = %+v", b)
	}
	h := rules[2]
	if h.Status != ties.RuleProposed || h.Root != CASRoot || len(h.Ties) != 2 {
		t.Errorf("HR1516 = %+v", h)
	}
	if rules[0].Citation != "the list's own designation" {
		t.Errorf("quoted citation = %q", rules[0].Citation)
	}
}

func TestParseRulesErrors(t *testing.T) {
	cases := []struct{ in, want, field string }{
		{"rule x status enacted kind direct\nrule x status enacted kind direct", "rules.conf:2", ""},
		{"\n\nrule y status law kind direct", "rules.conf:3", "status"},
		{"rule y status enacted kind inherit", "rules.conf:1", "ties"},
		{"rule y status enacted kind inherit ties owns", "rules.conf:1", "ties"},
		{"rule y status proposed kind scenario", "rules.conf:1", "root"},
		{"rule y status enacted kind direct min_share 2", "rules.conf:1", "min_share"},
		{"rule y status enacted kind direct effective 2025-13-01", "rules.conf:1", "effective"},
		{"rule y status enacted kind direct suspended 2025", "rules.conf:1", "suspended"},
		{"rule y status enacted kind direct colour blue", "rules.conf:1", "colour"},
		{"rule y kind direct", "rules.conf:1", "status"},
		{"rule y status enacted kind direct citation \"open", "rules.conf:1", ""},
		{"rule y status enacted kind", "rules.conf:1", ""},
		{"policy z", "rules.conf:1", ""},
	}
	for _, c := range cases {
		_, err := ParseRules(strings.NewReader(c.in), "rules.conf")
		if err == nil {
			t.Errorf("%q: no error", c.in)
			continue
		}
		var se *sources.Error
		if !errors.As(err, &se) {
			t.Errorf("%q: error %T is not *sources.Error", c.in, err)
		}
		if !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%q: error %q does not start with %q", c.in, err, c.want)
		}
		if c.field != "" && (se == nil || se.Field != c.field) {
			t.Errorf("%q: field = %v, want %q", c.in, se, c.field)
		}
	}
}

func FuzzParseRules(f *testing.F) {
	f.Add(rulesFile)
	f.Add("rule a status enacted kind direct lists=\"Entity List\"")
	f.Add("rule a status=policy kind=inherit ties=part_of,owned_by max_depth=3 min_share=0.25")
	f.Add("rule \"a b\" status proposed kind scenario root x suspended 2020..")
	f.Fuzz(func(t *testing.T, in string) {
		rules, err := ParseRules(strings.NewReader(in), "f")
		if err != nil {
			var se *sources.Error
			if !errors.As(err, &se) || se.Line < 1 {
				t.Fatalf("error without a line: %v", err)
			}
			return
		}
		for _, r := range rules {
			if r.Status == "" || r.Kind == "" {
				t.Fatalf("rule without status or kind: %+v", r)
			}
			if r.Kind == RuleScenario && r.Root == "" {
				t.Fatalf("scenario without root: %+v", r)
			}
		}
	})
}
