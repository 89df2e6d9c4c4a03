package exposure

import (
	"fmt"
	"strings"

	"ties"
)

// Designated is a direct designation of a graph entity: the caller has
// linked the graph entity to a list entry (e.g. "csl:..." with a
// confidence) and hands the designation over.
type Designated struct {
	EntityID    string // graph entity id
	Designation ties.Designation
	ListName    string // display name of the list, e.g. "Entity List"
	Via         string // how the graph entity was linked to the list entry
}

// designation is a resolved designation: an entity designated under a rule
// on the query's date.
type designation struct {
	node      uint32
	rule      *Rule
	list      string
	listedOn  ties.Date
	authority string
	via       string
}

func listMatches(filter []string, d *Designated) bool {
	if len(filter) == 0 {
		return true
	}
	for _, f := range filter {
		if strings.EqualFold(f, d.Designation.ListID) || (d.ListName != "" && strings.EqualFold(f, d.ListName)) {
			return true
		}
	}
	return false
}

func listLabel(d *Designated) string {
	if d.ListName != "" {
		return d.ListName
	}
	return d.Designation.ListID
}

// resolve evaluates the rules on asOf. proposed says which proposed rules
// to evaluate. It returns the designations of enacted and policy rules and,
// apart, those of proposed rules, plus notes on what could not be used.
func (g *Graph) resolve(rules []Rule, designated []Designated, asOf ties.Date, proposed func(string) bool) (enacted, scenario []designation, notes []string) {
	inForce := make([]*Designated, 0, len(designated))
	nodes := make([]uint32, 0, len(designated))
	for i := range designated {
		d := &designated[i]
		n, ok := g.index[d.EntityID]
		if !ok {
			notes = append(notes, fmt.Sprintf("designated entity %q is not in the graph", d.EntityID))
			continue
		}
		if !d.Designation.InForce(asOf) {
			continue
		}
		inForce = append(inForce, d)
		nodes = append(nodes, n)
	}
	for ri := range rules {
		r := &rules[ri]
		if r.Status == ties.RuleProposed && !proposed(r.Name) {
			continue
		}
		if !r.AppliesOn(asOf) {
			continue
		}
		var out []designation
		switch r.Kind {
		case RuleDirect:
			for i, d := range inForce {
				if listMatches(r.Lists, d) {
					out = append(out, designation{
						node: nodes[i], rule: r, list: listLabel(d),
						listedOn: d.Designation.Start.Known(), authority: d.Designation.Authority, via: d.Via,
					})
				}
			}
		case RuleInherit:
			out = g.inherit(r, inForce, nodes, asOf)
		case RuleScenario:
			root, ok := g.lookup(r.Root)
			if !ok {
				notes = append(notes, fmt.Sprintf("rule %s: root %q is not in the graph", r.Name, r.Root))
				continue
			}
			out = g.scenario(r, root, asOf)
		}
		if r.Status == ties.RuleProposed {
			scenario = append(scenario, out...)
		} else {
			enacted = append(enacted, out...)
		}
	}
	return enacted, scenario, notes
}

// inherit spreads the designations on r's lists down the ties r follows:
// an entity part of, a subsidiary of, or (with enough aggregate share)
// owned by a designated entity is designated from the later of the two
// dates, the tie's start and the rule's effective date.
func (g *Graph) inherit(r *Rule, inForce []*Designated, nodes []uint32, asOf ties.Date) []designation {
	follow := g.kindSet(r.Ties)
	designatedBy := map[uint32]inheritSource{}
	var frontier []uint32
	for i, d := range inForce {
		if !listMatches(r.Lists, d) {
			continue
		}
		if _, seen := designatedBy[nodes[i]]; seen {
			continue
		}
		designatedBy[nodes[i]] = inheritSource{d.Designation.Start, listLabel(d), d.Designation.Authority, g.ids[nodes[i]]}
		frontier = append(frontier, nodes[i])
	}
	var out []designation
	ownedBy := g.kindCode(ties.TieOwnedBy)
	for level := 0; level < r.maxDepth() && len(frontier) > 0; level++ {
		var next []uint32
		for _, y := range frontier {
			for _, e := range g.inTie[g.inOff[y]:g.inOff[y+1]] {
				if !follow[g.eKind[e]] || !g.tieActiveOn(e, asOf) {
					continue
				}
				x := g.eFrom[e]
				if _, done := designatedBy[x]; done {
					continue
				}
				if g.eKind[e] == ownedBy && r.MinShare > 0 && g.designatedShare(x, ownedBy, designatedBy, asOf) < r.MinShare {
					continue
				}
				src := designatedBy[y]
				on := laterOf(src.listedOn, r.Effective)
				on = laterOf(on, keyDate(g.eStart[e]))
				edge := string(g.kinds[g.eKind[e]])
				if g.eKind[e] == ownedBy && g.eShare[e] > 0 {
					edge = fmt.Sprintf("%s %.0f%%", edge, g.eShare[e]*100)
				}
				path := fmt.Sprintf("%s %s %s", g.ids[x], edge, src.path)
				designatedBy[x] = inheritSource{on, src.list, src.authority, path}
				authority := r.Citation
				if src.authority != "" {
					authority = src.authority + "; " + r.Citation
				}
				out = append(out, designation{node: x, rule: r, list: src.list, listedOn: on, authority: authority, via: path})
				next = append(next, x)
			}
		}
		frontier = next
	}
	return out
}

type inheritSource struct {
	listedOn  ties.Date
	list      string
	authority string
	path      string
}

// designatedShare adds up the shares of x held by designated owners.
func (g *Graph) designatedShare(x uint32, ownedBy uint8, designated map[uint32]inheritSource, asOf ties.Date) float64 {
	var sum float64
	for e := g.outOff[x]; e < g.outOff[x+1]; e++ {
		if g.eKind[e] != ownedBy || !g.tieActiveOn(e, asOf) {
			continue
		}
		if _, ok := designated[g.eTo[e]]; ok {
			sum += float64(g.eShare[e])
		}
	}
	return sum + 1e-6 // shares written as thirds must still reach 0.5 when they add up
}

// scenario designates root and everything under it along r's tie kinds.
func (g *Graph) scenario(r *Rule, root uint32, asOf ties.Date) []designation {
	follow := g.kindSet(r.Ties)
	via := map[uint32]string{root: g.ids[root]}
	list := r.Name
	if r.Designation != "" {
		list = r.Name + ": " + r.Designation
	}
	out := []designation{{node: root, rule: r, list: list, listedOn: r.Effective, authority: r.Citation, via: "root of " + r.Name}}
	frontier := []uint32{root}
	for level := 0; level < r.maxDepth() && len(frontier) > 0; level++ {
		var next []uint32
		for _, y := range frontier {
			for _, e := range g.inTie[g.inOff[y]:g.inOff[y+1]] {
				if !follow[g.eKind[e]] || !g.tieStartedBy(e, asOf) {
					continue
				}
				x := g.eFrom[e]
				if _, done := via[x]; done {
					continue
				}
				via[x] = fmt.Sprintf("%s %s %s", g.ids[x], g.kinds[g.eKind[e]], via[y])
				out = append(out, designation{node: x, rule: r, list: list, listedOn: r.Effective, authority: r.Citation, via: via[x]})
				next = append(next, x)
			}
		}
		frontier = next
	}
	return out
}

func (g *Graph) kindSet(kinds []ties.TieKind) []bool {
	set := make([]bool, len(g.kinds))
	for _, k := range kinds {
		for c, gk := range g.kinds {
			if gk == k {
				set[c] = true
			}
		}
	}
	return set
}

func (g *Graph) kindCode(k ties.TieKind) uint8 {
	for c, gk := range g.kinds {
		if gk == k {
			return uint8(c)
		}
	}
	return 255
}

// tieStartedBy reports whether tie e may have begun by day d (zero d: any).
func (g *Graph) tieStartedBy(e uint32, d ties.Date) bool {
	lim := startLimit(d)
	return lim == 0 || firstDay(g.eStart[e]) <= lim
}

// tieActiveOn reports whether tie e may have been active on day d.
func (g *Graph) tieActiveOn(e uint32, d ties.Date) bool {
	if !g.tieStartedBy(e, d) {
		return false
	}
	if d.IsZero() || g.eEnd[e] == 0 {
		return true
	}
	return lastDay(g.eEnd[e]) >= dayKey(d.First())
}

func laterOf(a, b ties.Date) ties.Date {
	if a.IsZero() {
		return b
	}
	if b.IsZero() || b.Compare(a) <= 0 {
		return a
	}
	return b
}
