package exposure

import (
	"errors"
	"strings"
	"testing"

	"ties"
	"ties/sources"
)

// cloudCase adds to the reference case a DoD cloud contract with an
// illustrative support roster (FACTS.md "Cloud support and personnel").
func cloudCase(t *testing.T) (*Graph, PolicyInput) {
	entities, list := caseGraph(t)
	person := func(id, name string) ties.Entity {
		return ties.Entity{ID: id, Kind: ties.KindPerson, Names: []ties.Name{{Text: name, Type: ties.NamePrimary}}}
	}
	entities = append(entities,
		ties.Entity{ID: "dod", Kind: ties.KindOrganization, Names: []ties.Name{{Text: "Department of Defense", Type: ties.NamePrimary}}},
		ties.Entity{ID: "disa", Kind: ties.KindOrganization, Names: []ties.Name{{Text: "Defense Information Systems Agency", Type: ties.NamePrimary}}},
		ties.Entity{ID: "jwcc", Kind: ties.KindContract, Names: []ties.Name{{Text: "Joint Warfighting Cloud Capability", Type: ties.NamePrimary}}},
		ties.Entity{ID: "retail-cloud", Kind: ties.KindContract, Names: []ties.Name{{Text: "Retail cloud contract (illustrative)", Type: ties.NamePrimary}}},
		ties.Entity{ID: "acme", Kind: ties.KindOrganization, Names: []ties.Name{{Text: "Acme Retail (illustrative)", Type: ties.NamePrimary}}},
		person("eng-wang", "Engineer Wang (illustrative)"),
		person("eng-zhao", "Engineer Zhao (illustrative)"),
		person("eng-smith", "Engineer Smith (illustrative)"),
		person("escort-jones", "Escort Jones (illustrative)"),
		person("escort-brown", "Escort Brown (illustrative)"),
		person("escort-lee", "Escort Lee (illustrative)"),
	)
	d := ties.MustDate
	list = append(list,
		ties.Tie{From: "disa", To: "dod", Kind: ties.TiePartOf},
		ties.Tie{From: "jwcc", To: "disa", Kind: ties.TieContractsWith, Role: "customer", Start: d("2022-12-07")},
		ties.Tie{From: "jwcc", To: "msft", Kind: ties.TieContractsWith, Role: "contractor", Start: d("2022-12-07")},
		ties.Tie{From: "retail-cloud", To: "acme", Kind: ties.TieContractsWith, Role: "customer", Start: d("2022")},
		ties.Tie{From: "eng-wang", To: "jwcc", Kind: ties.TieSupportsContract, Start: d("2023")},
		ties.Tie{From: "eng-zhao", To: "jwcc", Kind: ties.TieSupportsContract, Start: d("2023")},
		ties.Tie{From: "eng-zhao", To: "china", Kind: ties.TieLocatedIn},
		ties.Tie{From: "eng-smith", To: "jwcc", Kind: ties.TieSupportsContract, Start: d("2023")},
		ties.Tie{From: "eng-wang", To: "retail-cloud", Kind: ties.TieSupportsContract, Start: d("2022")},
		ties.Tie{From: "escort-lee", To: "eng-smith", Kind: ties.TieMentored, Role: "escort", Start: d("2023")},
	)
	for i := range entities {
		if entities[i].ID == "china" {
			entities[i].Countries = []string{"CN"}
		}
	}
	in := PolicyInput{
		Personnel: []Person{
			{ID: "eng-wang", Located: []string{"CN"}, Qualification: 6, Source: "roster:1"},
			{ID: "eng-zhao", Qualification: 5, Source: "roster:2"},
			{ID: "eng-smith", Located: []string{"US"}, Qualification: 4, Source: "roster:3"},
			{ID: "escort-jones", Located: []string{"US"}, Qualification: 2, Source: "roster:4"},
			{ID: "escort-brown", Located: []string{"US"}, Qualification: 5, Source: "roster:5"},
			{ID: "escort-lee", Located: []string{"US"}, Qualification: 3, Source: "roster:6"},
		},
		Access: []Access{
			{Date: d("2023-03-01"), Person: "eng-wang", Contract: "jwcc", Escort: "escort-jones", Source: "log:1"},
			{Date: d("2023-03-02"), Person: "eng-wang", Contract: "jwcc", Escort: "escort-jones", Source: "log:2"},
			{Date: d("2023-03-02"), Person: "eng-zhao", Contract: "jwcc", Escort: "escort-brown", Source: "log:3"},
			{Date: d("2023-04-01"), Person: "eng-smith", Contract: "jwcc", Escort: "escort-brown", Location: "RU", Source: "log:4"},
			{Date: d("2023-04-02"), Person: "eng-smith", Contract: "jwcc", Source: "log:5"},
		},
	}
	return NewGraph(entities, list), in
}

const policyFile = `# policies from the cloud support case
policy no-adversary-dod-support kind personnel_location countries CN,HK,RU,IR,KP customer dod citation "DoD review of cloud contracts, July 2025"
policy escort-qualified kind=escort_qualification
`

func TestPolicies(t *testing.T) {
	g, in := cloudCase(t)
	policies, err := ParsePolicies(strings.NewReader(policyFile), "policies.conf")
	if err != nil {
		t.Fatal(err)
	}
	vs := CheckPolicies(g, in, policies, ties.MustDate("2025-06-01"))
	byKey := map[string]Violation{}
	for _, v := range vs {
		other := v.Contract
		if v.Escort != "" {
			other = v.Escort
		}
		byKey[v.Policy+"|"+v.Person+"|"+other] = v
	}
	wang, ok := byKey["no-adversary-dod-support|eng-wang|jwcc"]
	if !ok {
		t.Fatalf("no location violation for eng-wang; got %+v", vs)
	}
	if wang.Country != "CN" || len(wang.Dates) != 2 || !containsTie(wang.Ties, "eng-wang", ties.TieSupportsContract, "jwcc") || !containsTie(wang.Ties, "jwcc", ties.TieContractsWith, "disa") {
		t.Errorf("eng-wang violation = %+v", wang)
	}
	zhao, ok := byKey["no-adversary-dod-support|eng-zhao|jwcc"]
	if !ok || !containsTie(zhao.Ties, "eng-zhao", ties.TieLocatedIn, "china") {
		t.Errorf("eng-zhao (located_in a place in CN) violation = %+v (found %v)", zhao, ok)
	}
	smith, ok := byKey["no-adversary-dod-support|eng-smith|jwcc"]
	if !ok || smith.Country != "RU" || len(smith.Dates) != 1 || smith.Dates[0].String() != "2023-04-01" {
		t.Errorf("eng-smith worked on jwcc from RU once: %+v (found %v)", smith, ok)
	}
	if _, bad := byKey["no-adversary-dod-support|eng-wang|retail-cloud"]; bad {
		t.Errorf("a contract whose customer is not the DoD is flagged")
	}
	if v, ok := byKey["escort-qualified|eng-wang|escort-jones"]; !ok || v.Unverified || !strings.Contains(v.Message, "level 2") {
		t.Errorf("escort-jones (2) escorting eng-wang (6): %+v (found %v)", v, ok)
	}
	if _, bad := byKey["escort-qualified|eng-zhao|escort-brown"]; bad {
		t.Errorf("escort-brown (5) may escort eng-zhao (5)")
	}
	if _, bad := byKey["escort-qualified|eng-smith|escort-brown"]; bad {
		t.Errorf("escort-brown (5) may escort eng-smith (4)")
	}
	if v, ok := byKey["escort-qualified|eng-smith|escort-lee"]; !ok || len(v.Ties) != 1 {
		t.Errorf("escort tie escort-lee (3) -> eng-smith (4) not flagged: %+v", v)
	}
	if len(vs) != 5 {
		t.Errorf("%d violations, want 5: %+v", len(vs), vs)
	}

	before := CheckPolicies(g, in, policies, ties.MustDate("2022-06-01"))
	if len(before) != 0 {
		t.Errorf("violations before the contract existed: %+v", before)
	}
}

func TestEscortUnverified(t *testing.T) {
	g, in := cloudCase(t)
	in.Access = append(in.Access, Access{Date: ties.MustDate("2023-05-01"), Person: "eng-zhao", Contract: "jwcc", Escort: "zhou-ming"})
	vs := CheckPolicies(g, in, []Policy{{Name: "esc", Kind: PolicyEscortQualification}}, ties.Date{})
	found := false
	for _, v := range vs {
		if v.Escort == "zhou-ming" {
			found = true
			if !v.Unverified {
				t.Errorf("escort without a stated qualification: %+v", v)
			}
		}
	}
	if !found {
		t.Errorf("no violation for an escort of unknown qualification")
	}
}

func containsTie(ts []ties.Tie, from string, kind ties.TieKind, to string) bool {
	for _, t := range ts {
		if t.From == from && t.Kind == kind && t.To == to {
			return true
		}
	}
	return false
}

func TestParsePoliciesErrors(t *testing.T) {
	cases := []struct{ in, want, field string }{
		{"policy a kind personnel_location", "p.conf:1", "customer"},
		{"\npolicy a kind nope", "p.conf:2", "kind"},
		{"policy a kind personnel_location customer dod countries China", "p.conf:1", "countries"},
		{"policy a customer dod", "p.conf:1", "kind"},
		{"policy a kind escort_qualification status enacted", "p.conf:1", "status"},
		{"policy a kind escort_qualification\npolicy a kind escort_qualification", "p.conf:2", ""},
		{"rule a", "p.conf:1", ""},
		{"policy a kind escort_qualification extra", "p.conf:1", ""},
	}
	for _, c := range cases {
		_, err := ParsePolicies(strings.NewReader(c.in), "p.conf")
		var se *sources.Error
		if err == nil || !errors.As(err, &se) {
			t.Errorf("%q: error %v, want a *sources.Error", c.in, err)
			continue
		}
		if !strings.HasPrefix(err.Error(), c.want) || (c.field != "" && se.Field != c.field) {
			t.Errorf("%q: error %q (field %q), want %s field %q", c.in, err, se.Field, c.want, c.field)
		}
	}
}

func FuzzParsePolicies(f *testing.F) {
	f.Add(policyFile)
	f.Add("policy x kind=personnel_location customer=ror:0 countries=cn,ru")
	f.Fuzz(func(t *testing.T, in string) {
		ps, err := ParsePolicies(strings.NewReader(in), "f")
		if err != nil {
			var se *sources.Error
			if !errors.As(err, &se) || se.Line < 1 {
				t.Fatalf("error without a line: %v", err)
			}
			return
		}
		for _, p := range ps {
			if p.Kind == "" || (p.Kind == PolicyPersonnelLocation && p.Customer == "") {
				t.Fatalf("incomplete policy %+v", p)
			}
		}
	})
}
