package exposure

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"

	"ties"
)

// Query asks for the exposure of one organization.
type Query struct {
	Org  string    // graph id of the organization
	AsOf ties.Date // evaluate designations in force and ties begun by this day; zero: ignore dates (pass today explicitly)
	// Depth is the most hops a path may have (default 4, at most 16).
	Depth int
	// Scenarios names the proposed rules to evaluate; "all" names every one.
	Scenarios  []string
	Rules      []Rule // nil: DefaultRules()
	Designated []Designated
	// MaxPaths caps the paths kept per designated entity (default 20).
	MaxPaths int
}

// NullDate is a date that encodes as "YYYY[-MM[-DD]]" or, when zero, null.
type NullDate struct{ ties.Date }

func (d NullDate) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + d.String() + `"`), nil
}

func (d *NullDate) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" {
		*d = NullDate{}
		return nil
	}
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return fmt.Errorf("date %s: want a string or null", s)
	}
	v, err := ties.ParseDate(s[1 : len(s)-1])
	d.Date = v
	return err
}

// Report is the answer to a Query. Findings come from enacted and policy
// rules; ScenarioFindings from the proposed rules the query named, kept
// apart so a proposal is never mistaken for law.
type Report struct {
	Org              string    `json:"org"`
	OrgName          string    `json:"org_name,omitempty"`
	AsOf             NullDate  `json:"as_of"`
	Depth            int       `json:"depth"`
	Findings         []Finding `json:"findings"`
	ScenarioFindings []Finding `json:"scenario_findings,omitempty"`
	Summary          Summary   `json:"summary"`
	Notes            []string  `json:"notes,omitempty"`
}

// Summary counts findings.
type Summary struct {
	Findings         int            `json:"findings"`
	Scenario         int            `json:"scenario"`
	BySeverity       map[string]int `json:"by_severity"` // enacted and policy findings
	AfterDesignation int            `json:"after_designation"`
}

// Finding is the exposure to one designated entity under one rule.
type Finding struct {
	Designated       DesignatedEntity `json:"designated"`
	Rule             RuleRef          `json:"rule"`
	Severity         string           `json:"severity"`
	Score            float64          `json:"score"`
	AfterDesignation bool             `json:"after_designation"`
	// PossiblyAfterDesignation: a tie's dates are too coarse (or it has no
	// end) to rule out that it was active after the designation.
	PossiblyAfterDesignation bool     `json:"possibly_after_designation,omitempty"`
	Distance                 int      `json:"distance"` // hops of the shortest path
	Paths                    [][]Step `json:"paths"`
	Truncated                bool     `json:"truncated,omitempty"` // the path search hit its work limit
}

// DesignatedEntity says who is designated, on which list, since when.
type DesignatedEntity struct {
	EntityID  string   `json:"entity_id"`
	Name      string   `json:"name"`
	List      string   `json:"list"`
	ListedOn  NullDate `json:"listed_on"`
	Authority string   `json:"authority"`
	Via       string   `json:"via,omitempty"` // list link or inheritance chain
}

// Key identifies a finding across reports: designated entity, rule, list.
func (f *Finding) Key() string {
	return f.Designated.EntityID + "\x00" + f.Rule.Name + "\x00" + f.Designated.List
}

// Step is one entity on a path. Tie is the kind of the tie leading into it
// from the previous step ("" for the first); Reverse says the tie points
// the other way (e.g. "msra part_of msft" walked from msft to msra).
type Step struct {
	EntityID         string          `json:"entity_id"`
	Name             string          `json:"name"`
	Kind             ties.EntityKind `json:"kind"`
	Tie              ties.TieKind    `json:"tie"`
	Reverse          bool            `json:"reverse,omitempty"`
	Role             string          `json:"role,omitempty"`
	Via              string          `json:"via,omitempty"`
	Start            NullDate        `json:"start"`
	End              NullDate        `json:"end"`
	ActiveAtAsOf     bool            `json:"active_at_as_of"`
	AfterDesignation bool            `json:"after_designation,omitempty"`
	Evidence         []ties.Evidence `json:"evidence"`
}

// Severity levels, most severe first.
const (
	SeverityCritical = "critical"
	SeverityHigh     = "high"
	SeverityMedium   = "medium"
	SeverityLow      = "low"
)

var severityRank = map[string]int{SeverityCritical: 4, SeverityHigh: 3, SeverityMedium: 2, SeverityLow: 1}

const (
	defaultDepth    = 4
	maxDepth        = 16
	defaultMaxPaths = 20
	// pathWorkLimit bounds the ties examined while enumerating the paths
	// to one designated entity, so a hub cannot stall a query.
	pathWorkLimit = 200_000
)

// Exposure lists the paths from q.Org — and, through the hops to them,
// from its parts — to every entity designated under q's rules on q.AsOf.
// Ties are walked in both directions; a tie counts when it had begun by
// AsOf, even if it has ended (exposure is historical); each step says
// whether its tie was still active on AsOf. A path ends at the first
// designated entity it meets.
func (g *Graph) Exposure(q Query) Report {
	depth := q.Depth
	if depth <= 0 {
		depth = defaultDepth
	}
	depth = min(depth, maxDepth)
	maxPaths := q.MaxPaths
	if maxPaths <= 0 {
		maxPaths = defaultMaxPaths
	}
	rules := q.Rules
	if rules == nil {
		rules = DefaultRules()
	}
	rep := Report{Org: q.Org, AsOf: NullDate{q.AsOf}, Depth: depth, Findings: []Finding{}}
	org, ok := g.index[q.Org]
	if !ok {
		rep.Notes = append(rep.Notes, fmt.Sprintf("organization %q is not in the graph", q.Org))
		rep.Summary = summarize(rep)
		return rep
	}
	rep.OrgName = g.name(org)
	proposed := func(name string) bool {
		for _, s := range q.Scenarios {
			if s == "all" || strings.EqualFold(s, name) {
				return true
			}
		}
		return false
	}
	for _, s := range q.Scenarios {
		if s == "all" {
			continue
		}
		found := false
		for i := range rules {
			if strings.EqualFold(rules[i].Name, s) && rules[i].Status == ties.RuleProposed {
				found = true
			}
		}
		if !found {
			rep.Notes = append(rep.Notes, fmt.Sprintf("scenario %q names no proposed rule", s))
		}
	}
	enacted, scenario, notes := g.resolve(rules, q.Designated, q.AsOf, proposed)
	rep.Notes = append(rep.Notes, notes...)
	rep.Findings = g.findings(org, enacted, q.AsOf, depth, maxPaths)
	if len(scenario) > 0 {
		rep.ScenarioFindings = g.findings(org, scenario, q.AsOf, depth, maxPaths)
	}
	rep.Summary = summarize(rep)
	return rep
}

func summarize(rep Report) Summary {
	s := Summary{Findings: len(rep.Findings), Scenario: len(rep.ScenarioFindings), BySeverity: map[string]int{}}
	for _, f := range rep.Findings {
		s.BySeverity[f.Severity]++
		if f.AfterDesignation {
			s.AfterDesignation++
		}
	}
	return s
}

// findings searches the paths from org to the designated nodes and builds
// one finding per designation.
func (g *Graph) findings(org uint32, ds []designation, asOf ties.Date, depth, maxPaths int) []Finding {
	out := []Finding{}
	if len(ds) == 0 {
		return out
	}
	byNode := map[uint32][]int{}
	targets := make([]uint32, 0, len(ds))
	for i, d := range ds {
		if _, seen := byNode[d.node]; !seen {
			targets = append(targets, d.node)
		}
		byNode[d.node] = append(byNode[d.node], i)
	}
	dn := g.distances(targets, depth)
	s := g.getScratch()
	defer g.putScratch(s)
	reached := g.search(s, org, dn, depth, asOf)
	for _, t := range reached {
		paths, truncated := g.paths(s, org, t, dn, depth, asOf, maxPaths)
		if len(paths) == 0 {
			continue
		}
		for _, di := range byNode[t] {
			out = append(out, g.finding(&ds[di], paths, truncated, asOf))
		}
	}
	slices.SortFunc(out, func(a, b Finding) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return cmp.Compare(a.Key(), b.Key())
	})
	return out
}

// path is a walk from org: nodes[0] is org, ties[i] leads to nodes[i+1].
type path struct {
	nodes []uint32
	ties  []uint32
}

type scoredPath struct {
	steps        []Step
	score        float64
	after, maybe bool
	hops         int
}

func (g *Graph) finding(d *designation, paths []path, truncated bool, asOf ties.Date) Finding {
	f := Finding{
		Designated: DesignatedEntity{
			EntityID: g.ids[d.node], Name: g.name(d.node), List: d.list,
			ListedOn: NullDate{d.listedOn}, Authority: d.authority, Via: d.via,
		},
		Rule:      RuleRef{Name: d.rule.Name, Status: d.rule.Status, Citation: d.rule.Citation},
		Truncated: truncated,
		Distance:  len(paths[0].ties),
	}
	scored := make([]scoredPath, 0, len(paths))
	for _, p := range paths {
		scored = append(scored, g.scorePath(p, d, asOf))
	}
	slices.SortStableFunc(scored, func(a, b scoredPath) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return cmp.Compare(a.hops, b.hops)
	})
	for _, sp := range scored {
		f.Paths = append(f.Paths, sp.steps)
		f.AfterDesignation = f.AfterDesignation || sp.after
		f.PossiblyAfterDesignation = f.PossiblyAfterDesignation || sp.maybe
		f.Distance = min(f.Distance, sp.hops)
	}
	if f.AfterDesignation {
		f.PossiblyAfterDesignation = false
	}
	f.Score = scored[0].score
	f.Severity = severityOf(scored[0])
	return f
}

var statusWeight = map[ties.RuleStatus]float64{
	ties.RuleEnacted:  1.0,
	ties.RulePolicy:   0.9,
	ties.RuleProposed: 0.7,
}

// scorePath rates a path: the rule's status, the weakest tie on it, its
// length, and above all whether a tie on it ran after the designation.
func (g *Graph) scorePath(p path, d *designation, asOf ties.Date) scoredPath {
	sp := scoredPath{hops: len(p.ties)}
	listed := dateKey(d.listedOn)
	strength := float32(1)
	sp.steps = make([]Step, 0, len(p.nodes))
	sp.steps = append(sp.steps, g.step(p.nodes[0]))
	for i, e := range p.ties {
		st := g.step(p.nodes[i+1])
		st.Tie = g.kinds[g.eKind[e]]
		st.Reverse = g.eFrom[e] != p.nodes[i]
		st.Start = NullDate{keyDate(g.eStart[e])}
		st.End = NullDate{keyDate(g.eEnd[e])}
		st.ActiveAtAsOf = g.tieActiveOn(e, asOf)
		if x := g.eExtra[e]; x != 0 {
			ex := &g.extras[x-1]
			st.Role, st.Via, st.Evidence = ex.role, ex.via, ex.evidence
		}
		if st.Evidence == nil {
			st.Evidence = []ties.Evidence{}
		}
		after, maybe := g.afterDesignation(e, listed)
		st.AfterDesignation = after
		sp.after = sp.after || after
		sp.maybe = sp.maybe || maybe
		strength = min(strength, g.kindStrength[g.eKind[e]])
		sp.steps = append(sp.steps, st)
	}
	if sp.after {
		sp.maybe = false
	}
	lengthWeight := max(1-0.15*float64(max(sp.hops-1, 0)), 0.3)
	sp.score = 100 * statusWeight[d.rule.Status] * float64(strength) * lengthWeight
	switch {
	case sp.after:
		sp.score += 100
	case sp.maybe:
		sp.score += 15
	}
	sp.score = float64(int(sp.score*10+0.5)) / 10
	return sp
}

func severityOf(sp scoredPath) string {
	switch {
	case sp.after:
		return SeverityCritical
	case sp.score >= 70:
		return SeverityHigh
	case sp.score >= 40:
		return SeverityMedium
	}
	return SeverityLow
}

// afterDesignation says whether tie e certainly ran after the designation
// day listed (it began on or after that day, or is known to have still run
// later), or possibly did (its dates are too coarse, or it has no end).
// An undated tie says nothing either way.
func (g *Graph) afterDesignation(e uint32, listed uint32) (certain, possible bool) {
	if listed == 0 {
		return false, false
	}
	start, end := g.eStart[e], g.eEnd[e]
	if start == 0 && end == 0 {
		return false, false
	}
	listedLast := lastDay(listed)
	if start != 0 && firstDay(start) >= listedLast {
		return true, false
	}
	if end != 0 && firstDay(end) > listedLast {
		return true, false
	}
	if end == 0 || lastDay(end) >= firstDay(listed) {
		return false, true
	}
	return false, false
}

func (g *Graph) step(n uint32) Step {
	return Step{EntityID: g.ids[n], Name: g.name(n), Kind: g.kindOf(n), Evidence: []ties.Evidence{}}
}

// walkable reports whether tie e may be walked on a query dated asOf.
func (g *Graph) walkable(e uint32, asOf ties.Date) bool {
	return g.kindStrength[g.eKind[e]] > 0 && g.tieStartedBy(e, asOf)
}

const unreached = 255

// search runs a breadth-first search from org, entering a node only when
// a designated node may still be reached from it within the depth left
// (dn is a lower bound on the hops to the nearest designated node). It
// leaves each entered node's distance from org in s.dist and returns the
// designated nodes reached, nearest first.
func (g *Graph) search(s *scratch, org uint32, dn []uint8, depth int, asOf ties.Date) []uint32 {
	var reached []uint32
	s.set(org, 0)
	if dn[org] == 0 {
		reached = append(reached, org)
	}
	frontier := []uint32{org}
	for d := 0; d < depth && len(frontier) > 0; d++ {
		var next []uint32
		left := uint8(depth - d - 1)
		visit := func(v uint32) {
			if s.dist[v] != unreached || dn[v] > left {
				return
			}
			s.set(v, uint8(d+1))
			if dn[v] == 0 {
				reached = append(reached, v)
			} else {
				next = append(next, v)
			}
		}
		for _, u := range frontier {
			for e := g.outOff[u]; e < g.outOff[u+1]; e++ {
				if g.walkable(e, asOf) {
					visit(g.eTo[e])
				}
			}
			for _, e := range g.inTie[g.inOff[u]:g.inOff[u+1]] {
				if g.walkable(e, asOf) {
					visit(g.eFrom[e])
				}
			}
		}
		frontier = next
	}
	return reached
}

// paths enumerates simple paths from org to t, shortest first (by
// iterative deepening, walking back from t and using the distances from
// org as an exact bound), until maxPaths are found or the work limit hits.
// No path passes through another designated node.
func (g *Graph) paths(s *scratch, org, t uint32, dn []uint8, depth int, asOf ties.Date, maxPaths int) ([]path, bool) {
	if t == org {
		return []path{{nodes: []uint32{org}}}, false
	}
	var out []path
	work := 0
	nodes := make([]uint32, 0, depth+1)
	tieStack := make([]uint32, 0, depth)
	var walk func(u uint32, length int) bool
	onPath := func(v uint32) bool { return slices.Contains(nodes, v) }
	// walk extends the backward path ending at u; false stops everything.
	walk = func(u uint32, length int) bool {
		steps := len(tieStack)
		if u == org {
			if steps == length {
				p := path{nodes: make([]uint32, len(nodes)), ties: make([]uint32, len(tieStack))}
				for i := range nodes {
					p.nodes[i] = nodes[len(nodes)-1-i]
				}
				for i := range tieStack {
					p.ties[i] = tieStack[len(tieStack)-1-i]
				}
				out = append(out, p)
			}
			return len(out) < maxPaths
		}
		if u != t && dn[u] == 0 {
			return true // another designated node: paths end there
		}
		left := length - steps - 1
		if left < 0 {
			return true
		}
		try := func(e, v uint32) bool {
			work++
			if work > pathWorkLimit {
				return false
			}
			if s.dist[v] == unreached || int(s.dist[v]) > left || !g.walkable(e, asOf) || onPath(v) {
				return true
			}
			nodes = append(nodes, v)
			tieStack = append(tieStack, e)
			ok := walk(v, length)
			nodes = nodes[:len(nodes)-1]
			tieStack = tieStack[:len(tieStack)-1]
			return ok
		}
		for e := g.outOff[u]; e < g.outOff[u+1]; e++ {
			if !try(e, g.eTo[e]) {
				return false
			}
		}
		for _, e := range g.inTie[g.inOff[u]:g.inOff[u+1]] {
			if !try(e, g.eFrom[e]) {
				return false
			}
		}
		return true
	}
	for length := int(s.dist[t]); length <= depth && len(out) < maxPaths; length++ {
		nodes = append(nodes[:0], t)
		tieStack = tieStack[:0]
		if !walk(t, length) && work > pathWorkLimit {
			return out, true
		}
	}
	return out, false
}

// scratch is per-query working memory, reused through a pool.
type scratch struct {
	dist    []uint8
	touched []uint32
}

func (s *scratch) set(n uint32, d uint8) {
	s.dist[n] = d
	s.touched = append(s.touched, n)
}

func (g *Graph) getScratch() *scratch {
	if s, ok := g.scratch.Get().(*scratch); ok {
		return s
	}
	s := &scratch{dist: make([]uint8, len(g.ids))}
	for i := range s.dist {
		s.dist[i] = unreached
	}
	return s
}

func (g *Graph) putScratch(s *scratch) {
	for _, n := range s.touched {
		s.dist[n] = unreached
	}
	s.touched = s.touched[:0]
	g.scratch.Put(s)
}

type distEntry struct {
	key uint64
	dn  []uint8
}

const distCacheSize = 4

// distances returns, for every node, a lower bound on the hops to the
// nearest target (exact when dates are ignored), capped at depth+1. It is
// a multi-source breadth-first search over every walkable tie, cached per
// target set, so that many queries against the same lists pay for it once.
func (g *Graph) distances(targets []uint32, depth int) []uint8 {
	sorted := slices.Clone(targets)
	slices.Sort(sorted)
	h := fnv.New64a()
	var buf [4]byte
	for _, n := range sorted {
		buf[0], buf[1], buf[2], buf[3] = byte(n), byte(n>>8), byte(n>>16), byte(n>>24)
		h.Write(buf[:])
	}
	buf[0] = byte(depth)
	h.Write(buf[:1])
	key := h.Sum64()
	g.mu.Lock()
	for i, c := range g.distCache {
		if c.key == key {
			// Move to front.
			copy(g.distCache[1:i+1], g.distCache[:i])
			g.distCache[0] = c
			g.mu.Unlock()
			return c.dn
		}
	}
	g.mu.Unlock()

	far := uint8(depth + 1)
	dn := make([]uint8, len(g.ids))
	for i := range dn {
		dn[i] = far
	}
	frontier := make([]uint32, 0, len(sorted))
	for _, n := range sorted {
		dn[n] = 0
		frontier = append(frontier, n)
	}
	for d := uint8(1); d <= uint8(depth) && len(frontier) > 0; d++ {
		var next []uint32
		for _, u := range frontier {
			for e := g.outOff[u]; e < g.outOff[u+1]; e++ {
				if v := g.eTo[e]; dn[v] == far && g.kindStrength[g.eKind[e]] > 0 {
					dn[v] = d
					next = append(next, v)
				}
			}
			for _, e := range g.inTie[g.inOff[u]:g.inOff[u+1]] {
				if v := g.eFrom[e]; dn[v] == far && g.kindStrength[g.eKind[e]] > 0 {
					dn[v] = d
					next = append(next, v)
				}
			}
		}
		frontier = next
	}
	g.mu.Lock()
	g.distCache = append([]distEntry{{key, dn}}, g.distCache...)
	if len(g.distCache) > distCacheSize {
		g.distCache = g.distCache[:distCacheSize]
	}
	g.mu.Unlock()
	return dn
}
