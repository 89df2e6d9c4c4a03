package exposure

import (
	"cmp"
	"fmt"
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
	Findings           int            `json:"findings"` // enacted and policy
	Enacted            int            `json:"enacted"`
	Policy             int            `json:"policy"`
	Scenario           int            `json:"scenario"` // proposed
	BySeverity         map[string]int `json:"by_severity"`
	ScenarioBySeverity map[string]int `json:"scenario_by_severity"`
	AfterDesignation   int            `json:"after_designation"`
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

const (
	defaultDepth    = 4
	maxDepth        = 16
	defaultMaxPaths = 20
	// Looking for paths longer than the shortest examines at most
	// pathWorkLimit ties per designated entity and queryWorkLimit per
	// query (nearest entities first), so hubs cannot stall a query; the
	// shortest paths are always found.
	pathWorkLimit  = 10_000
	queryWorkLimit = 200_000
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
	s := Summary{
		Findings: len(rep.Findings), Scenario: len(rep.ScenarioFindings),
		BySeverity: map[string]int{}, ScenarioBySeverity: map[string]int{},
	}
	for _, f := range rep.Findings {
		s.BySeverity[f.Severity]++
		if f.Rule.Status == ties.RulePolicy {
			s.Policy++
		} else {
			s.Enacted++
		}
		if f.AfterDesignation {
			s.AfterDesignation++
		}
	}
	for _, f := range rep.ScenarioFindings {
		s.ScenarioBySeverity[f.Severity]++
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
	ix := g.targetIndex(targets, depth)
	dn := ix.dn
	s := g.getScratch()
	defer g.putScratch(s)
	lim := startLimit(asOf)
	reached := g.search(s, org, ix, depth, lim, min(maxPaths, 255))
	pf := pathFinder{g: g, s: s, org: org, dn: dn, depth: depth, lim: lim, maxPaths: maxPaths,
		pathBudget: pathWorkLimit, queryBudget: queryWorkLimit}
	// Findings are built, on all processors, while paths to later targets
	// are still being looked for.
	perTarget := make([][]Finding, len(reached))
	pf.allThen(reached, func(found []targetPaths, i int) {
		tp := &found[i]
		if len(tp.paths) == 0 {
			return
		}
		for _, di := range byNode[tp.t] {
			perTarget[i] = append(perTarget[i], g.finding(&ds[di], tp.paths, tp.truncated, asOf))
		}
	})
	for _, fs := range perTarget {
		out = append(out, fs...)
	}
	return sortFindings(out)
}

// sortFindings orders findings by score, highest first, then by key. The
// keys are built once, not on every comparison, and the large Finding
// values move once.
func sortFindings(fs []Finding) []Finding {
	type sortKey struct {
		score float64
		key   string
		i     int
	}
	keys := make([]sortKey, len(fs))
	for i := range fs {
		keys[i] = sortKey{fs[i].Score, fs[i].Key(), i}
	}
	slices.SortFunc(keys, func(a, b sortKey) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return cmp.Compare(a.key, b.key)
	})
	sorted := make([]Finding, len(fs))
	for i, k := range keys {
		sorted[i] = fs[k.i]
	}
	return sorted
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
	total := 0
	for _, p := range paths {
		total += len(p.nodes)
	}
	slab := make([]Step, 0, total) // one allocation for every step
	for _, p := range paths {
		var sp scoredPath
		sp, slab = g.scorePath(p, d, asOf, slab)
		scored = append(scored, sp)
	}
	slices.SortStableFunc(scored, func(a, b scoredPath) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return cmp.Compare(a.hops, b.hops)
	})
	scored = mergeParallelPaths(scored)
	f.Paths = make([][]Step, 0, len(scored))
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
func (g *Graph) scorePath(p path, d *designation, asOf ties.Date, slab []Step) (scoredPath, []Step) {
	sp := scoredPath{hops: len(p.ties)}
	first := len(slab)
	listedFirst, listedLast := dayKey(d.listedOn.First()), dayKey(d.listedOn.Last())
	strength := float32(1)
	slab = slab[:first+len(p.nodes)] // the caller sized it; steps are filled in place
	g.fillStep(&slab[first], p.nodes[0])
	for i, e := range p.ties {
		st := &slab[first+i+1]
		g.fillStep(st, p.nodes[i+1])
		st.Tie = g.kinds[g.eKind[e]]
		st.Reverse = g.eFrom[e] != p.nodes[i]
		st.Start = NullDate{keyDate(g.eStart[e])}
		st.End = NullDate{keyDate(g.eEnd[e])}
		st.ActiveAtAsOf = g.tieActiveOn(e, asOf)
		if x := g.eExtra[e]; x != 0 {
			ex := &g.extras[x-1]
			st.Role, st.Via = ex.role, ex.via
			if ex.evidence != nil {
				st.Evidence = ex.evidence
			}
		}
		after, maybe := g.afterDesignation(e, listedFirst, listedLast)
		st.AfterDesignation = after
		sp.after = sp.after || after
		sp.maybe = sp.maybe || maybe
		strength = min(strength, g.kindStrength[g.eKind[e]])
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
	sp.steps = slab[first:len(slab):len(slab)]
	return sp, slab
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
func (g *Graph) afterDesignation(e uint32, listedFirst, listedLast uint32) (certain, possible bool) {
	if listedFirst == 0 {
		return false, false
	}
	start, end := g.eStart[e], g.eEnd[e]
	if start == 0 && end == 0 {
		return false, false
	}
	if start != 0 && firstDay(start) >= listedLast {
		return true, false
	}
	if end != 0 && firstDay(end) > listedLast {
		return true, false
	}
	if end == 0 || lastDay(end) >= listedFirst {
		return false, true
	}
	return false, false
}

// fillStep sets the node fields of a zero Step.
func (g *Graph) fillStep(st *Step, n uint32) {
	shown := &g.shown[n]
	st.EntityID, st.Name, st.Kind, st.Evidence = g.ids[n], shown.name, shown.kind, noEvidence
}

// noEvidence is shared by the steps whose tie has none: encoded as [], not
// null.
var noEvidence = []ties.Evidence{}

// walkable reports whether tie e may be walked by a query whose
// startLimit is lim.
func (g *Graph) walkable(e uint32, lim uint32) bool {
	return g.kindStrength[g.eKind[e]] > 0 && (lim == 0 || g.eStart[e]>>2 <= lim)
}

const unreached = 255

// search runs a breadth-first search from org, entering a node only when
// a designated node may still be reached from it within the depth left
// (dn is a lower bound on the hops to the nearest designated node).
// Designated nodes are entered but not expanded. It leaves each entered
// node's distance from org in s.dist, up to maxParents ties by which it
// was entered from the layer before, and returns the designated nodes
// reached, nearest first.
func (g *Graph) search(s *scratch, org uint32, ix *targetIndex, depth int, lim uint32, maxParents int) []uint32 {
	dn := ix.dn
	reached := s.reached[:0]
	if int(dn[org]) > depth {
		return nil
	}
	s.enter(org, 0)
	if dn[org] == 0 {
		reached = append(reached, org)
	}
	frontier := append(s.frontier[:0], org)
	next := s.next[:0]
	for d := 0; d < depth && len(frontier) > 0; d++ {
		next = next[:0]
		left := uint8(depth - d - 1)
		layer := uint8(d + 1)
		visit := func(e, v, u uint32, down bool) {
			switch s.dist[v] {
			case unreached:
				if dn[v] > left {
					return
				}
				s.enter(v, layer)
				if dn[v] == 0 {
					reached = append(reached, v)
				} else {
					next = append(next, v)
				}
			case layer:
			default:
				return
			}
			if int(s.parCount[v]) < maxParents {
				s.addParent(v, parent{edge: e, node: u, down: down})
			}
		}
		for _, u := range frontier {
			// The index lists u's ties nearest-to-a-target first, so the
			// scan stops at the first neighbour too far from every target.
			// (Its kinds are all walkable; only the date is left to check.)
			adj := ix.adj[2*ix.heads[u].off : 2*ix.heads[u+1].off]
			checkStart := lim != 0 && ix.heads[u].lastStart > lim
			for i := 0; i+1 < len(adj); i += 2 {
				v, e := adj[i], adj[i+1]
				if dn[v] > left {
					break
				}
				down := e&ix.downBit != 0
				e &^= ix.downBit
				if ix.downBit == 0 {
					down = g.walksDown(e, u)
				}
				if !checkStart || firstDay(g.eStart[e]) <= lim {
					visit(e, v, u, down)
				}
			}
		}
		frontier, next = next, frontier
	}
	s.frontier, s.next, s.reached = frontier, next, reached
	return reached
}

// descendsForeignHierarchy reports whether p, once it has left the org's
// own tree (org and the units part of it), walks down a hierarchy: from a
// parent to one of its units. A tie with the Chinese Academy of Sciences
// is not a tie with each of its institutes, so such a path is no exposure
// to the institute; climbing up (a unit to its parent) is.
func (g *Graph) descendsForeignHierarchy(p path) bool {
	own := true
	for i, e := range p.ties {
		if !g.walksDown(e, p.nodes[i]) {
			own = false
		} else if !own {
			return true
		}
	}
	return false
}

// walksDown reports whether walking tie e from node u goes down a
// hierarchy: from a parent to one of its units.
func (g *Graph) walksDown(e, u uint32) bool {
	return g.hierarchyKinds[g.eKind[e]] && g.eFrom[e] != u
}

// scratch is per-query working memory, reused through a pool. Arrays of
// one entry per node are reset through touched, not cleared whole.
type scratch struct {
	dist     []uint8
	parHead  []int32
	parCount []uint8
	touched  []uint32
	parents  []parent
	walkers  []*pathWalker // reused with their arenas
	// Search layers and the designated nodes it reached.
	frontier, next, reached []uint32
}

func (s *scratch) enter(n uint32, d uint8) {
	s.dist[n] = d
	s.parHead[n] = -1
	s.parCount[n] = 0
	s.touched = append(s.touched, n)
}

// parent is a tie by which search entered a node from the layer before:
// the node it came from and whether the tie leads down a hierarchy that
// way, so listing the shortest paths reads no tie array.
type parent struct {
	edge, node uint32
	next       int32 // the node's next parent, -1 for none
	down       bool
}

func (s *scratch) addParent(v uint32, p parent) {
	p.next = s.parHead[v]
	s.parents = append(s.parents, p)
	s.parHead[v] = int32(len(s.parents) - 1)
	s.parCount[v]++
}

func (g *Graph) getScratch() *scratch {
	if s, ok := g.scratch.Get().(*scratch); ok {
		return s
	}
	n := len(g.ids)
	s := &scratch{dist: make([]uint8, n), parHead: make([]int32, n), parCount: make([]uint8, n)}
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
	s.parents = s.parents[:0]
	g.scratch.Put(s)
}

// mergeParallelPaths folds paths that pass the same entities by the same
// kinds of tie into the best scored of them: two sources telling the same
// tie (the reference case and ROR both put Microsoft Research Asia under
// Microsoft) are one path, with the evidence of both on its steps.
func mergeParallelPaths(scored []scoredPath) []scoredPath {
	if len(scored) < 2 {
		return scored
	}
	first := make(map[string]int, len(scored))
	out := scored[:0]
	var b strings.Builder
	for _, sp := range scored {
		b.Reset()
		for _, st := range sp.steps {
			fmt.Fprintf(&b, "%s\x00%s\x00%t\x01", st.EntityID, st.Tie, st.Reverse)
		}
		k := b.String()
		i, dup := first[k]
		if !dup {
			first[k] = len(out)
			out = append(out, sp)
			continue
		}
		kept := out[i].steps
		for j := range kept {
			other := sp.steps[j]
			for _, ev := range other.Evidence {
				if !slices.Contains(kept[j].Evidence, ev) {
					kept[j].Evidence = append(slices.Clip(kept[j].Evidence), ev)
				}
			}
		}
	}
	return out
}
