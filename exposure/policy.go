package exposure

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"ties"
)

// PolicyKind says what a policy checks.
type PolicyKind string

const (
	// PolicyPersonnelLocation: no person located in one of Countries may
	// support a contract whose customer is Customer (or part of it).
	PolicyPersonnelLocation PolicyKind = "personnel_location"
	// PolicyEscortQualification: an escort's qualification level is at
	// least that of the person escorted.
	PolicyEscortQualification PolicyKind = "escort_qualification"
)

// CountriesOfConcern are the foreign adversaries of 15 CFR 791.4 (China
// including Hong Kong, Cuba, Iran, North Korea, Russia, Venezuela), the
// default of a personnel_location policy.
var CountriesOfConcern = []string{"CN", "HK", "CU", "IR", "KP", "RU", "VE"}

// Policy is an internal or contractual rule checked against the graph and
// the personnel facts; see docs/rules.md.
type Policy struct {
	Name      string
	Kind      PolicyKind
	Countries []string // personnel_location; empty: CountriesOfConcern
	Customer  string   // personnel_location: graph id or "scheme:value"
	Citation  string
}

// Person is what policy checks need about a person that ties.Entity has
// no field for.
type Person struct {
	ID            string
	Located       []string // ISO 3166-1 alpha-2 countries the person works from
	Qualification int      // 0: not stated
	Source        string   // file:line
}

// Access is one line of an access log: a person worked on a contract on a
// day, maybe under an escort, from a country (empty: where the person is
// located).
type Access struct {
	Date     ties.Date
	Person   string
	Contract string
	Escort   string
	Location string
	Note     string
	Source   string // file:line
}

// PolicyInput holds the facts about people that policies check.
type PolicyInput struct {
	Personnel []Person
	Access    []Access
}

// Violation is one breach of a policy, with what shows it.
type Violation struct {
	Policy   string     `json:"policy"`
	Kind     PolicyKind `json:"kind"`
	Citation string     `json:"citation,omitempty"`
	Message  string     `json:"message"`
	Person   string     `json:"person"`
	Contract string     `json:"contract,omitempty"`
	Escort   string     `json:"escort,omitempty"`
	Country  string     `json:"country,omitempty"`
	// Unverified: a fact the policy needs (a qualification) is missing,
	// so compliance cannot be shown.
	Unverified bool `json:"unverified,omitempty"`
	// Ongoing: a tie or access involved was still active on the day
	// checked; false means the breach is historical.
	Ongoing  bool       `json:"ongoing"`
	Dates    []NullDate `json:"dates,omitempty"` // days of the access log lines involved
	Entities []string   `json:"entities"`        // every entity involved
	Ties     []ties.Tie `json:"ties"`            // the ties that show it
	Sources  []string   `json:"sources,omitempty"`
}

// CheckPolicies checks every policy on asOf (zero: every date): ties and
// access log lines count when they began on or before asOf.
func CheckPolicies(g *Graph, in PolicyInput, policies []Policy, asOf ties.Date) []Violation {
	people := map[string]*Person{}
	for i := range in.Personnel {
		people[in.Personnel[i].ID] = &in.Personnel[i]
	}
	var out []Violation
	for i := range policies {
		p := &policies[i]
		switch p.Kind {
		case PolicyPersonnelLocation:
			out = append(out, checkLocation(g, in, people, p, asOf)...)
		case PolicyEscortQualification:
			out = append(out, checkEscorts(g, in, people, p, asOf)...)
		}
	}
	return out
}

// pairKey groups violations by person and contract (or escort).
type pairKey struct{ a, b string }

func checkLocation(g *Graph, in PolicyInput, people map[string]*Person, p *Policy, asOf ties.Date) []Violation {
	countries := p.Countries
	if len(countries) == 0 {
		countries = CountriesOfConcern
	}
	customer, ok := g.lookup(p.Customer)
	if !ok {
		return nil
	}
	lim := startLimit(asOf)
	started := func(e uint32) bool { return lim == 0 || firstDay(g.eStart[e]) <= lim }
	supports := g.kindCode(ties.TieSupportsContract)
	located := g.kindCode(ties.TieLocatedIn)

	// Contracts whose customer is the customer or a part of it.
	customerTies := map[uint32]uint32{} // contract -> the contracts_with tie
	under := g.descendants(customer)
	contractsWith := g.kindCode(ties.TieContractsWith)
	for node := range under {
		edges := append(slices.Collect(g.outTies(node)), slices.Collect(g.inTiesOf(node))...)
		for _, e := range edges {
			if g.eKind[e] != contractsWith || !started(e) || strings.EqualFold(g.role(e), "contractor") {
				continue
			}
			k := g.eFrom[e] ^ g.eTo[e] ^ node
			if g.kindOf(k) == ties.KindContract {
				customerTies[k] = e
			}
		}
	}

	// Where each person works from: personnel facts, located_in ties.
	whereFrom := func(person uint32) (string, []uint32, string) {
		id := g.ids[person]
		if pp := people[id]; pp != nil {
			for _, c := range pp.Located {
				if slices.Contains(countries, c) {
					return c, nil, pp.Source
				}
			}
		}
		for e := range g.outTies(person) {
			if g.eKind[e] != located || !g.tieActiveOn(e, asOf) {
				continue
			}
			if c := g.placeCountry(g.eTo[e], countries); c != "" {
				return c, []uint32{e}, ""
			}
		}
		return "", nil, ""
	}

	found := map[pairKey]*Violation{}
	var order []pairKey
	add := func(person, contract uint32, country string, evidence []uint32, date ties.Date, source string) {
		k := pairKey{g.ids[person], g.ids[contract]}
		v := found[k]
		if v == nil {
			v = &Violation{
				Policy: p.Name, Kind: p.Kind, Citation: p.Citation,
				Person: k.a, Contract: k.b, Country: country,
				Message: fmt.Sprintf("%s, located in %s, supports %s, a contract of %s",
					g.name(person), country, g.name(contract), g.name(customer)),
				Entities: []string{k.a, k.b, g.ids[customer]},
			}
			v.Ties = append(v.Ties, g.tie(customerTies[contract]))
			found[k] = v
			order = append(order, k)
		}
		for _, e := range evidence {
			if g.tieActiveOn(e, asOf) && g.eKind[e] == supports {
				v.Ongoing = true
			}
			t := g.tie(e)
			if !slices.ContainsFunc(v.Ties, func(x ties.Tie) bool {
				return x.From == t.From && x.To == t.To && x.Kind == t.Kind && x.Start == t.Start
			}) {
				v.Ties = append(v.Ties, t)
			}
		}
		if !date.IsZero() {
			v.Dates = append(v.Dates, NullDate{date})
			if !asOf.IsZero() && !date.Last().Before(asOf.First()) {
				v.Ongoing = true
			}
		}
		if source != "" && !slices.Contains(v.Sources, source) {
			v.Sources = append(v.Sources, source)
		}
	}
	for contract := range customerTies {
		for e := range g.inTiesOf(contract) {
			if g.eKind[e] != supports || !started(e) {
				continue
			}
			person := g.eFrom[e]
			if c, ev, src := whereFrom(person); c != "" {
				add(person, contract, c, append([]uint32{e}, ev...), ties.Date{}, src)
			}
		}
	}
	for _, a := range in.Access {
		if !asOf.IsZero() && asOf.Last().Before(a.Date.First()) {
			continue
		}
		person, ok1 := g.index[a.Person]
		contract, ok2 := g.index[a.Contract]
		if !ok1 || !ok2 {
			continue
		}
		if _, isCustomers := customerTies[contract]; !isCustomers {
			continue
		}
		country, ev, src := a.Location, []uint32(nil), a.Source
		if country == "" {
			var where string
			country, ev, where = whereFrom(person)
			if where != "" {
				src = src + "; " + where
			}
		}
		if slices.Contains(countries, country) {
			add(person, contract, country, ev, a.Date, src)
		}
	}
	out := make([]Violation, 0, len(order))
	for _, k := range sortedPairs(order) {
		out = append(out, *found[k])
	}
	return out
}

func checkEscorts(g *Graph, in PolicyInput, people map[string]*Person, p *Policy, asOf ties.Date) []Violation {
	level := func(id string) (int, string) {
		if pp := people[id]; pp != nil && pp.Qualification > 0 {
			return pp.Qualification, pp.Source
		}
		if e, ok := g.Entity(id); ok {
			for _, x := range e.Identifiers {
				if x.Scheme == "attr:qualification" || x.Scheme == "qualification" {
					if n, err := strconv.Atoi(x.Value); err == nil {
						return n, ""
					}
				}
			}
		}
		return 0, ""
	}
	found := map[pairKey]*Violation{}
	var order []pairKey
	check := func(escort, person string, date ties.Date, tie *ties.Tie, source string) {
		qe, srcE := level(escort)
		qp, srcP := level(person)
		if qe != 0 && qp != 0 && qe >= qp {
			return
		}
		k := pairKey{person, escort}
		v := found[k]
		if v == nil {
			v = &Violation{Policy: p.Name, Kind: p.Kind, Citation: p.Citation, Person: person, Escort: escort,
				Entities: []string{person, escort}, Ties: []ties.Tie{}}
			switch {
			case qe == 0 || qp == 0:
				v.Unverified = true
				v.Message = fmt.Sprintf("qualification of %s or of escort %s is not stated", displayName(g, person), displayName(g, escort))
			default:
				v.Message = fmt.Sprintf("escort %s (level %d) is less qualified than %s (level %d)", displayName(g, escort), qe, displayName(g, person), qp)
			}
			for _, s := range []string{srcP, srcE} {
				if s != "" {
					v.Sources = append(v.Sources, s)
				}
			}
			found[k] = v
			order = append(order, k)
		}
		if !date.IsZero() {
			v.Dates = append(v.Dates, NullDate{date})
		}
		if tie != nil {
			v.Ties = append(v.Ties, *tie)
		}
		if source != "" && !slices.Contains(v.Sources, source) {
			v.Sources = append(v.Sources, source)
		}
	}
	for _, a := range in.Access {
		if a.Escort == "" || (!asOf.IsZero() && asOf.Last().Before(a.Date.First())) {
			continue
		}
		check(a.Escort, a.Person, a.Date, nil, a.Source)
		if v := found[pairKey{a.Person, a.Escort}]; v != nil && a.Contract != "" && !slices.Contains(v.Entities, a.Contract) {
			v.Entities = append(v.Entities, a.Contract)
			v.Contract = a.Contract
		}
	}
	// Escort relations in the graph: "<escort> mentored <person>" with
	// role "escort".
	mentored := g.kindCode(ties.TieMentored)
	lim := startLimit(asOf)
	for e := range uint32(len(g.eFrom)) {
		if g.eKind[e] != mentored || !strings.EqualFold(g.role(e), "escort") || (lim != 0 && firstDay(g.eStart[e]) > lim) {
			continue
		}
		t := g.tie(e)
		check(t.From, t.To, ties.Date{}, &t, t.Source)
	}
	out := make([]Violation, 0, len(order))
	for _, k := range sortedPairs(order) {
		out = append(out, *found[k])
	}
	return out
}

func displayName(g *Graph, id string) string {
	if n, ok := g.index[id]; ok {
		return g.name(n)
	}
	return id
}

func sortedPairs(keys []pairKey) []pairKey {
	return slices.SortedFunc(slices.Values(keys), func(x, y pairKey) int {
		if c := cmp.Compare(x.a, y.a); c != 0 {
			return c
		}
		return cmp.Compare(x.b, y.b)
	})
}

// placeCountry returns the country of concern a place stands for: its id
// ("CN", "country:cn"), an iso3166 identifier, or its countries.
func (g *Graph) placeCountry(place uint32, countries []string) string {
	id := strings.ToUpper(strings.TrimPrefix(strings.ToLower(g.ids[place]), "country:"))
	if slices.Contains(countries, id) {
		return id
	}
	e := g.entity(place)
	for _, x := range e.Identifiers {
		if (x.Scheme == "iso3166" || x.Scheme == "country") && slices.Contains(countries, strings.ToUpper(x.Value)) {
			return strings.ToUpper(x.Value)
		}
	}
	for _, c := range e.Countries {
		if slices.Contains(countries, strings.ToUpper(c)) {
			return strings.ToUpper(c)
		}
	}
	return ""
}

// descendants is root and every node part of or a subsidiary of it.
func (g *Graph) descendants(root uint32) map[uint32]bool {
	set := map[uint32]bool{root: true}
	frontier := []uint32{root}
	for level := 0; level < 10 && len(frontier) > 0; level++ {
		var next []uint32
		for _, y := range frontier {
			for e := range g.inTiesOf(y) {
				if k := g.kinds[g.eKind[e]]; (k == ties.TiePartOf || k == ties.TieSubsidiaryOf) && !set[g.eFrom[e]] {
					set[g.eFrom[e]] = true
					next = append(next, g.eFrom[e])
				}
			}
		}
		frontier = next
	}
	return set
}

func (g *Graph) outTies(n uint32) func(func(uint32) bool) {
	return func(yield func(uint32) bool) {
		for e := g.outOff[n]; e < g.outOff[n+1]; e++ {
			if !yield(e) {
				return
			}
		}
	}
}

func (g *Graph) inTiesOf(n uint32) func(func(uint32) bool) {
	return func(yield func(uint32) bool) {
		for _, e := range g.inTie[g.inOff[n]:g.inOff[n+1]] {
			if !yield(e) {
				return
			}
		}
	}
}

func (g *Graph) role(e uint32) string {
	if x := g.eExtra[e]; x != 0 {
		return g.extras[x-1].role
	}
	return ""
}

// ParsePolicies reads policy lines:
//
//	policy <name> kind personnel_location [countries CN,RU,...] customer <id> [citation "..."]
//	policy <name> kind escort_qualification [citation "..."]
//
// Settings may also be written key=value. Errors name file and line.
func ParsePolicies(r io.Reader, file string) ([]Policy, error) {
	return parseStatements(r, file, "policy", "kind <kind>", NewPolicy)
}

// NewPolicy builds a policy from its settings (kind, countries, customer,
// citation; status and title are accepted and must be "policy" if given),
// as ParsePolicies reads them or as a native "rule ... status policy"
// line holds them.
func NewPolicy(name string, params map[string]string) (Policy, error) {
	p := Policy{Name: name}
	for _, k := range slices.Sorted(maps.Keys(params)) {
		v := params[k]
		switch k {
		case "kind":
			switch pk := PolicyKind(v); pk {
			case PolicyPersonnelLocation, PolicyEscortQualification:
				p.Kind = pk
			default:
				return p, fieldErr(k, "%q: want personnel_location or escort_qualification", v)
			}
		case "countries":
			for _, c := range splitList(v) {
				c = strings.ToUpper(c)
				if len(c) != 2 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z' {
					return p, fieldErr(k, "%q is not an ISO 3166-1 alpha-2 code such as CN", c)
				}
				p.Countries = append(p.Countries, c)
			}
		case "customer":
			p.Customer = v
		case "citation", "title":
			if p.Citation == "" || k == "citation" {
				p.Citation = v
			}
		case "status":
			if v != string(ties.RulePolicy) {
				return p, fieldErr(k, "%q: a policy's status is policy", v)
			}
		default:
			return p, fieldErr(k, "unknown policy setting (want kind, countries, customer or citation)")
		}
	}
	switch p.Kind {
	case "":
		return p, fieldErr("kind", "missing: want personnel_location or escort_qualification")
	case PolicyPersonnelLocation:
		if p.Customer == "" {
			return p, fieldErr("customer", "a personnel_location policy needs the customer (e.g. customer dod)")
		}
	}
	return p, nil
}
