package assess

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"ties"
	"ties/exposure"
)

// Input is what an assessment is evaluated on: the graph, the
// designations of its entities (exposure.Designated, as analysis.Build
// gives them), the matrix and the review date.
type Input struct {
	Graph      *exposure.Graph
	Designated []exposure.Designated
	Matrix     *Matrix
	AsOf       ties.Date // the review date; zero: every factor, no window
	// Window, when not nil, replaces every factor's look-back window.
	Window *Window
}

// MatrixRef names the matrix (and version) a review used.
type MatrixRef struct {
	ID      string    `json:"id"`
	Title   string    `json:"title"`
	Issuer  string    `json:"issuer"`
	Version ties.Date `json:"version"`
	URL     string    `json:"url,omitempty"`
	File    string    `json:"file"`
	Hash    string    `json:"sha256"`
	Note    string    `json:"note,omitempty"`
}

// Assessment is the review of one person.
type Assessment struct {
	Person      string            `json:"person"`
	Name        string            `json:"name"`
	Identifiers []ties.Identifier `json:"identifiers,omitempty"`
	AsOf        exposure.NullDate `json:"as_of"`
	Matrix      MatrixRef         `json:"matrix"`
	Outcome     Outcome           `json:"outcome"`
	// DecidedBy are the factors whose outcome is the overall outcome.
	DecidedBy []string       `json:"decided_by"`
	Factors   []FactorResult `json:"factors"`
	Notes     []string       `json:"notes,omitempty"`
}

// FactorResult is one factor of the matrix in force on the review date,
// fired or not, with the ties that match it.
type FactorResult struct {
	ID        string    `json:"id"`
	Title     string    `json:"title"`
	Citation  string    `json:"citation"`
	Kind      string    `json:"kind"`
	Lists     []string  `json:"lists"`
	Window    string    `json:"window"`
	From      ties.Date `json:"window_start,omitzero"`
	Timing    string    `json:"timing"`
	Effective ties.Date `json:"effective"`
	Line      int       `json:"line"`
	Fired     bool      `json:"fired"`
	Outcome   Outcome   `json:"outcome"` // the factor's outcome when fired, else no_action
	Count     int       `json:"count"`   // distinct ties of the person that match
	MinCount  int       `json:"min_count"`
	Hits      []Hit     `json:"hits"`
}

// Hit is one tie of the person reaching a listed entity: the path from the
// person to it (each step with its dates and evidence), the work it runs
// through for co-authorships, and the listing.
type Hit struct {
	Path   []exposure.Step           `json:"path"`
	Date   exposure.NullDate         `json:"date"` // the person's tie starts (the work's date)
	Work   *Work                     `json:"work,omitempty"`
	Listed exposure.DesignatedEntity `json:"listed"`
	// AfterListing: the tie began on or after the listing date;
	// PossiblyAfterListing: its dates do not rule that out.
	AfterListing         bool `json:"after_listing"`
	PossiblyAfterListing bool `json:"possibly_after_listing,omitempty"`
}

// Work is a publication a co-authorship runs through.
type Work struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	DOI   string `json:"doi,omitempty"`
	Year  int    `json:"year,omitempty"`
}

// affiliationKinds tie a co-author or collaborator to an institution.
var affiliationKinds = []ties.TieKind{ties.TieEmployedBy, ties.TieAffiliatedWith, ties.TieStudentAt}

// maxClimb is how many part_of / subsidiary_of levels a listed parent may
// be above the entity a tie reaches.
const maxClimb = 4

// maxHits caps the hits kept per factor (the count stays exact).
const maxHits = 200

type evaluator struct {
	in     Input
	listed map[string][]*exposure.Designated
}

func newEvaluator(in Input) *evaluator {
	ev := &evaluator{in: in, listed: map[string][]*exposure.Designated{}}
	for i := range in.Designated {
		d := &in.Designated[i]
		if d.Designation.InForce(in.AsOf) {
			ev.listed[d.EntityID] = append(ev.listed[d.EntityID], d)
		}
	}
	return ev
}

// Person assesses one person (a graph id) under in.Matrix on in.AsOf.
func Person(in Input, person string) Assessment {
	return newEvaluator(in).person(person)
}

func matrixRef(m *Matrix) MatrixRef {
	return MatrixRef{ID: m.ID, Title: m.Title, Issuer: m.Issuer, Version: m.Version, URL: m.URL, File: m.File, Hash: m.Hash, Note: m.Note}
}

func (ev *evaluator) person(person string) Assessment {
	in := ev.in
	a := Assessment{Person: person, Name: person, AsOf: exposure.NullDate{Date: in.AsOf}, Matrix: matrixRef(in.Matrix), DecidedBy: []string{}, Factors: []FactorResult{}}
	e, ok := in.Graph.Entity(person)
	if !ok {
		a.Notes = append(a.Notes, fmt.Sprintf("person %q is not in the graph", person))
		return a
	}
	if n := e.PrimaryName(); n != "" {
		a.Name = n
	}
	a.Identifiers = e.Identifiers
	if e.Kind != ties.KindPerson && e.Kind != "" {
		a.Notes = append(a.Notes, fmt.Sprintf("%s is a %s, not a person: its own ties are assessed", person, e.Kind))
	}
	out, inTies := in.Graph.TiesFrom(person), in.Graph.TiesTo(person)
	for i := range in.Matrix.Factors {
		f := &in.Matrix.Factors[i]
		if !f.AppliesOn(in.AsOf) {
			continue
		}
		a.Factors = append(a.Factors, ev.factor(f, person, out, inTies))
	}
	for _, r := range a.Factors {
		if r.Fired && r.Outcome > a.Outcome {
			a.Outcome = r.Outcome
		}
	}
	for _, r := range a.Factors {
		if r.Fired && r.Outcome == a.Outcome {
			a.DecidedBy = append(a.DecidedBy, r.ID)
		}
	}
	if len(a.Factors) == 0 {
		a.Notes = append(a.Notes, fmt.Sprintf("no factor of matrix %s (version %s) is in effect on %s: nothing was assessed", in.Matrix.ID, in.Matrix.Version, in.AsOf))
	}
	if len(out)+len(inTies) == 0 {
		a.Notes = append(a.Notes, "the person has no ties in the graph: nothing to assess (load their works, appointments and disclosures)")
	}
	return a
}

func (ev *evaluator) factor(f *Factor, person string, out, inTies []ties.Tie) FactorResult {
	w := f.Window
	if ev.in.Window != nil {
		w = *ev.in.Window
	}
	r := FactorResult{ID: f.ID, Title: f.Title, Citation: f.Citation, Kind: f.Kind, Lists: f.Lists,
		Window: w.String(), From: w.Start(ev.in.AsOf), Timing: f.Timing, Effective: f.Effective, Line: f.Line,
		MinCount: f.MinCount, Hits: []Hit{}}
	counted := map[int]bool{}
	seen := map[string]bool{}
	for i, t := range slices.Concat(out, inTies) {
		reverse := i >= len(out)
		kinds := f.Out
		if reverse {
			kinds = f.In
		}
		if !slices.Contains(kinds, t.Kind) || !ev.inTime(f, t, r.From) {
			continue
		}
		for _, h := range ev.reach(f, person, t, reverse) {
			key := pathKey(h.Path) + "\x00" + h.Listed.EntityID + "\x00" + h.Listed.List
			if seen[key] {
				continue
			}
			seen[key] = true
			counted[i] = true
			if len(r.Hits) < maxHits {
				r.Hits = append(r.Hits, h)
			}
		}
	}
	r.Count = len(counted)
	if r.Count >= f.MinCount {
		r.Fired, r.Outcome = true, f.Outcome
	}
	slices.SortStableFunc(r.Hits, func(a, b Hit) int {
		if a.AfterListing != b.AfterListing {
			if a.AfterListing {
				return -1
			}
			return 1
		}
		if c := b.Date.Compare(a.Date.Date); c != 0 {
			return c
		}
		return strings.Compare(pathKey(a.Path), pathKey(b.Path))
	})
	return r
}

// inTime: the tie had begun by the review date, reaches into the window,
// is current when the factor asks for it, and runs past the factor's key
// date.
func (ev *evaluator) inTime(f *Factor, t ties.Tie, from ties.Date) bool {
	asOf := ev.in.AsOf
	if !asOf.IsZero() && !t.Start.IsZero() && asOf.Last().Before(t.Start.First()) {
		return false
	}
	if !from.IsZero() && !t.ActiveAfter(from) {
		return false
	}
	if f.Timing == TimingCurrent && !asOf.IsZero() && !t.ActiveOn(asOf) {
		return false
	}
	if !f.After.IsZero() && !t.ActiveAfter(f.After) {
		return false
	}
	return true
}

// reach follows tie t of the person to the listed entities it leads to:
// directly, through a collaborator's affiliation, or through a work's
// co-authors and theirs.
func (ev *evaluator) reach(f *Factor, person string, t ties.Tie, reverse bool) []Hit {
	g := ev.in.Graph
	first := ev.step(person, "", false, ties.Tie{})
	other := t.To
	if reverse {
		other = t.From
	}
	second := ev.step(other, t.Kind, reverse, t)
	oe, _ := g.Entity(other)
	var hits []Hit
	emit := func(path []exposure.Step, target string, work *Work) {
		for _, l := range ev.listedAs(f, target) {
			p := slices.Concat(path, l.climb)
			h := Hit{Path: p, Date: exposure.NullDate{Date: t.Start}, Work: work, Listed: l.entity}
			h.AfterListing, h.PossiblyAfterListing = afterListing(t, l.d.Designation.Start)
			if f.Timing == TimingAfterList && !h.AfterListing && !h.PossiblyAfterListing {
				continue
			}
			for i := range h.Path {
				h.Path[i].AfterDesignation = h.Path[i].AfterDesignation || (i == 1 && h.AfterListing)
			}
			hits = append(hits, h)
		}
	}
	switch {
	case oe.Kind == ties.KindPublication:
		work := ev.work(oe, t)
		for _, c := range g.TiesTo(other) {
			if c.Kind != ties.TieCoauthored || c.From == person {
				continue
			}
			co, _ := g.Entity(c.From)
			path := []exposure.Step{first, second, ev.step(c.From, c.Kind, true, c)}
			if co.Kind == ties.KindPerson {
				ev.viaAffiliations(path, c.From, t.Start, func(p []exposure.Step, target string) { emit(p, target, work) })
				continue
			}
			emit(path, c.From, work)
		}
	case oe.Kind == ties.KindPerson:
		path := []exposure.Step{first, second}
		ev.viaAffiliations(path, other, t.Start, func(p []exposure.Step, target string) { emit(p, target, nil) })
	default:
		emit([]exposure.Step{first, second}, other, nil)
	}
	return hits
}

// viaAffiliations extends path from a person to each organization the
// person was affiliated with on day (any time when day is zero).
func (ev *evaluator) viaAffiliations(path []exposure.Step, person string, day ties.Date, fn func([]exposure.Step, string)) {
	for _, a := range ev.in.Graph.TiesFrom(person) {
		if !slices.Contains(affiliationKinds, a.Kind) || !a.ActiveOn(day) {
			continue
		}
		fn(slices.Concat(path, []exposure.Step{ev.step(a.To, a.Kind, false, a)}), a.To)
	}
}

type listing struct {
	d      *exposure.Designated
	entity exposure.DesignatedEntity
	climb  []exposure.Step // part_of steps from the entity reached up to the listed one
}

// listedAs returns the designations on f's lists of id or of an entity id
// is part of (or a subsidiary of), nearest first.
func (ev *evaluator) listedAs(f *Factor, id string) []listing {
	var out []listing
	type node struct {
		id    string
		climb []exposure.Step
	}
	frontier := []node{{id: id}}
	visited := map[string]bool{id: true}
	for level := 0; level <= maxClimb && len(frontier) > 0; level++ {
		var next []node
		for _, n := range frontier {
			for _, d := range ev.listed[n.id] {
				if !onLists(f.Lists, d) {
					continue
				}
				name := n.id
				if e, ok := ev.in.Graph.Entity(n.id); ok && e.PrimaryName() != "" {
					name = e.PrimaryName()
				}
				via := d.Via
				if len(n.climb) > 0 {
					via = "part of the listed entity; " + via
				}
				out = append(out, listing{d: d, climb: n.climb, entity: exposure.DesignatedEntity{
					EntityID: n.id, Name: name, List: listLabel(d), ListedOn: exposure.NullDate{Date: d.Designation.Start},
					Authority: d.Designation.Authority, Via: via,
				}})
			}
			for _, t := range ev.in.Graph.TiesFrom(n.id) {
				if !t.Kind.Hierarchical() || t.Kind == ties.TieOwnedBy || visited[t.To] {
					continue
				}
				visited[t.To] = true
				next = append(next, node{id: t.To, climb: slices.Concat(n.climb, []exposure.Step{ev.step(t.To, t.Kind, false, t)})})
			}
		}
		frontier = next
	}
	return out
}

func onLists(lists []string, d *exposure.Designated) bool {
	for _, l := range lists {
		if strings.EqualFold(l, d.Designation.ListID) || (d.ListName != "" && strings.EqualFold(l, d.ListName)) {
			return true
		}
	}
	return false
}

func listLabel(d *exposure.Designated) string {
	if d.ListName != "" {
		return d.ListName
	}
	return d.Designation.ListID
}

// afterListing compares a tie's dates with a listing date: certainly after
// when it began on or after the last day the listing date may stand for;
// possibly when it did not end before the listing.
func afterListing(t ties.Tie, listed ties.Date) (after, possibly bool) {
	if listed.IsZero() {
		return false, true
	}
	if !t.Start.IsZero() && !t.Start.First().Before(listed.Last()) {
		return true, false
	}
	return false, t.ActiveAfter(listed)
}

func (ev *evaluator) step(id string, kind ties.TieKind, reverse bool, t ties.Tie) exposure.Step {
	s := exposure.Step{EntityID: id, Name: id, Tie: kind, Reverse: reverse}
	if e, ok := ev.in.Graph.Entity(id); ok {
		if n := e.PrimaryName(); n != "" {
			s.Name = n
		}
		s.Kind = e.Kind
	}
	if kind != "" {
		s.Role, s.Via = t.Role, t.Via
		s.Start, s.End = exposure.NullDate{Date: t.Start}, exposure.NullDate{Date: t.End}
		s.ActiveAtAsOf = t.ActiveOn(ev.in.AsOf)
		s.Evidence = t.Evidence
	}
	if s.Evidence == nil {
		s.Evidence = []ties.Evidence{}
	}
	return s
}

func (ev *evaluator) work(e ties.Entity, t ties.Tie) *Work {
	w := &Work{ID: e.ID, Title: e.PrimaryName(), Year: t.Start.Year}
	for _, id := range e.Identifiers {
		if strings.EqualFold(id.Scheme, "doi") {
			w.DOI = id.Value
		}
	}
	for _, d := range e.Dates {
		if d.Type == "published" && w.Year == 0 {
			if pd, err := ties.ParseDate(d.Value); err == nil {
				w.Year = pd.Year
			}
		}
	}
	return w
}

func pathKey(p []exposure.Step) string {
	var b strings.Builder
	for _, s := range p {
		b.WriteString(string(s.Tie))
		b.WriteByte('>')
		b.WriteString(s.EntityID)
		b.WriteByte('|')
	}
	return b.String()
}

// Fired returns the factors that fired, most severe first.
func (a *Assessment) Fired() []FactorResult {
	var out []FactorResult
	for _, r := range a.Factors {
		if r.Fired {
			out = append(out, r)
		}
	}
	slices.SortStableFunc(out, func(x, y FactorResult) int { return cmp.Compare(y.Outcome, x.Outcome) })
	return out
}
