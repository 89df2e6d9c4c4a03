package native

import (
	"fmt"
	"strings"

	"ties"
)

// finish checks what needs the whole file (references, cycles, duplicate
// designations) and assembles the Doc.
func (p *parser) finish() error {
	for _, r := range p.refs {
		if err := p.checkRef(r); err != nil {
			return err
		}
	}
	if err := p.checkTies(); err != nil {
		return err
	}
	if err := p.checkCycles(); err != nil {
		return err
	}
	if err := p.buildRecords(); err != nil {
		return err
	}
	for _, id := range p.order {
		p.doc.Graph.Entities = append(p.doc.Graph.Entities, *p.entities[id])
		if pp, ok := p.persons[id]; ok {
			p.doc.Personnel = append(p.doc.Personnel, *pp)
		}
	}
	for _, t := range p.ties {
		p.doc.Graph.Ties = append(p.doc.Graph.Ties, t.tie)
	}
	p.doc.Access = p.access
	for _, r := range p.doc.Rules {
		if r.Status == "" || r.Kind == "" {
			return p.errorf(r.Line, "rule %s needs both status and kind", r.Name)
		}
	}
	return nil
}

func (p *parser) checkRef(r entityRef) error {
	e, ok := p.entities[r.id]
	if !ok {
		return p.errorf(r.line, "%s %q is not declared in this file", r.what, r.id)
	}
	if r.kind != "" && e.Kind != r.kind {
		return p.errorf(r.line, "%s %q is a %s, want a %s", r.what, r.id, e.Kind, r.kind)
	}
	return nil
}

// tieKindRules constrains the endpoints of some tie kinds so that obvious
// slips (a person part_of a publication) fail at parse time.
var tieKindRules = map[ties.TieKind]struct{ from, to ties.EntityKind }{
	ties.TieSupportsContract: {ties.KindPerson, ties.KindContract},
	ties.TieCoauthored:       {"", ties.KindPublication},
	ties.TieStudentAt:        {ties.KindPerson, ""},
	ties.TieEmployedBy:       {ties.KindPerson, ""},
	ties.TieLocatedIn:        {"", ties.KindPlace},
}

func (p *parser) checkTies() error {
	for i := range p.ties {
		pt := &p.ties[i]
		t := &pt.tie
		for _, r := range []entityRef{{t.From, pt.line, "tie endpoint", ""}, {t.To, pt.line, "tie endpoint", ""}} {
			if err := p.checkRef(r); err != nil {
				return err
			}
		}
		if t.From == t.To {
			return p.errorf(pt.line, "tie from %s to itself", t.From)
		}
		if rule, ok := tieKindRules[t.Kind]; ok {
			if rule.from != "" && p.entities[t.From].Kind != rule.from {
				return p.errorf(pt.line, "%s tie must start at a %s, %s is a %s", t.Kind, rule.from, t.From, p.entities[t.From].Kind)
			}
			if rule.to != "" && p.entities[t.To].Kind != rule.to {
				return p.errorf(pt.line, "%s tie must end at a %s, %s is a %s", t.Kind, rule.to, t.To, p.entities[t.To].Kind)
			}
		}
		if t.Via != "" {
			if err := p.checkRef(entityRef{t.Via, pt.line, "via", ""}); err != nil {
				return err
			}
			switch k := p.entities[t.Via].Kind; k {
			case ties.KindProgram, ties.KindPublication, ties.KindContract:
			default:
				return p.errorf(pt.line, "via %s is a %s, want a program, publication or contract", t.Via, k)
			}
		}
		if t.Share != 0 && t.Kind != ties.TieOwnedBy {
			return p.errorf(pt.line, "share applies to owned_by ties, not %s", t.Kind)
		}
		if !t.Start.IsZero() && !t.End.IsZero() && t.End.Last().Before(t.Start.First()) {
			return p.errorf(pt.line, "tie ends (%s) before it starts (%s)", t.End, t.Start)
		}
		if t.ID == "" {
			base := t.From + ">" + string(t.Kind) + ">" + t.To
			p.tieCount[base]++
			t.ID = base
			if c := p.tieCount[base]; c > 1 {
				t.ID = fmt.Sprintf("%s#%d", base, c)
			}
		}
		if prev, dup := p.tieIDs[t.ID]; dup {
			return p.errorf(pt.line, "duplicate key: tie id %q (first used on line %d)", t.ID, prev)
		}
		p.tieIDs[t.ID] = pt.line
	}
	return nil
}

// checkCycles rejects hierarchical ties (part_of, subsidiary_of, owned_by)
// that close a loop. Ties are added in file order; the one whose addition
// closes a loop is reported with the loop's entities.
func (p *parser) checkCycles() error {
	up := map[string][]string{}
	for _, pt := range p.ties {
		t := pt.tie
		if !t.Kind.Hierarchical() {
			continue
		}
		if path := findPath(up, t.To, t.From); path != nil {
			cycle := append([]string{t.From}, path...)
			return p.errorf(pt.line, "cycle in part_of/subsidiary_of/owned_by: %s", strings.Join(cycle, " -> "))
		}
		up[t.From] = append(up[t.From], t.To)
	}
	return nil
}

// findPath returns a path from a to b along edges, or nil.
func findPath(edges map[string][]string, a, b string) []string {
	seen := map[string]bool{}
	var walk func(n string) []string
	walk = func(n string) []string {
		if n == b {
			return []string{n}
		}
		if seen[n] {
			return nil
		}
		seen[n] = true
		for _, m := range edges[n] {
			if rest := walk(m); rest != nil {
				return append([]string{n}, rest...)
			}
		}
		return nil
	}
	return walk(a)
}

// buildRecords turns listed lines into one Record per listed entity.
func (p *parser) buildRecords() error {
	byEntity := map[string]int{}
	seen := map[string]int{}
	for _, pl := range p.listed {
		if err := p.checkRef(entityRef{pl.entity, pl.line, "listed entity", ""}); err != nil {
			return err
		}
		li, ok := p.lists[pl.d.ListID]
		if !ok {
			return p.errorf(pl.line, "list %q is not declared (add: list %s \"<name>\" \"<authority>\")", pl.d.ListID, pl.d.ListID)
		}
		d := pl.d
		if !d.Start.IsZero() && !d.End.IsZero() && d.End.Before(d.Start) {
			return p.errorf(pl.line, "designation ends (%s) before it starts (%s)", d.End, d.Start)
		}
		if d.SourceID == "" {
			d.SourceID = fmt.Sprintf("%s:%d", p.file, pl.line)
		}
		key := d.EntityID + "\x00" + d.ListID + "\x00" + d.Start.String()
		if prev, dup := seen[key]; dup {
			return p.errorf(pl.line, "duplicate key: %s is already listed on %s from %q (line %d)", d.EntityID, d.ListID, d.Start, prev)
		}
		seen[key] = pl.line
		idx, ok := byEntity[pl.entity]
		if !ok {
			idx = len(p.doc.Records)
			byEntity[pl.entity] = idx
			p.doc.Records = append(p.doc.Records, ties.Record{Entity: *p.entities[pl.entity]})
		}
		rec := &p.doc.Records[idx]
		rec.Designations = append(rec.Designations, d)
		if !hasList(rec.Lists, d.ListID) {
			rec.Lists = append(rec.Lists, p.doc.Lists[li])
		}
	}
	return nil
}

func hasList(ls []ties.List, id string) bool {
	for _, l := range ls {
		if l.ID == id {
			return true
		}
	}
	return false
}
