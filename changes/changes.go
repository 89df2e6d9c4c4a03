// Package changes computes, entry by entry, what changed in a dataset from
// one list version to the next: entries added, removed, and amended with
// the fields that changed (a new alias, a new Federal Register notice, an
// end date, an address...). It is pure: callers hand it the entries.
package changes

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"ties"
)

// Compute compares the entries of version from (old) with those of version
// to (new), by entity id. Changes come in the order of the new version,
// then the removed entries in the order of the old one. An entity id
// given twice in one version keeps its last entry.
func Compute(dataset string, from, to int64, old, new []ties.Entry, now time.Time) ties.ChangeSet {
	cs := ties.ChangeSet{Dataset: dataset, From: from, To: to, ComputedAt: now.UTC(), Changes: []ties.Change{}}
	oldOrder, oldBy := index(old)
	newOrder, newBy := index(new)
	for _, id := range newOrder {
		b := newBy[id]
		a, ok := oldBy[id]
		if !ok {
			cs.Changes = append(cs.Changes, change(ties.ChangeAdded, b, nil))
			cs.Added++
			continue
		}
		if fs := Fields(a, b); len(fs) > 0 {
			cs.Changes = append(cs.Changes, change(ties.ChangeAmended, b, fs))
			cs.Amended++
		}
	}
	for _, id := range oldOrder {
		if _, ok := newBy[id]; !ok {
			cs.Changes = append(cs.Changes, change(ties.ChangeRemoved, oldBy[id], nil))
			cs.Removed++
		}
	}
	return cs
}

func index(es []ties.Entry) ([]string, map[string]*ties.Entry) {
	by := make(map[string]*ties.Entry, len(es))
	var order []string
	for i := range es {
		id := es[i].Entity.ID
		if _, dup := by[id]; !dup {
			order = append(order, id)
		}
		by[id] = &es[i]
	}
	return order, by
}

func change(kind ties.ChangeKind, e *ties.Entry, fields []ties.FieldChange) ties.Change {
	c := ties.Change{Kind: kind, EntityID: e.Entity.ID, Name: e.Entity.PrimaryName(), Fields: fields, EntryHash: EntryHash(e.Record)}
	if len(e.Designations) > 0 {
		c.List, c.SourceID = e.Designations[0].ListID, e.Designations[0].SourceID
	}
	return c
}

// FieldNames lists the fields a change touches, once each, in order
// (e.g. "names", "designations").
func FieldNames(c ties.Change) []string {
	var out []string
	for _, f := range c.Fields {
		if !slices.Contains(out, f.Field) {
			out = append(out, f.Field)
		}
	}
	return out
}

// Fields lists what differs between two entries of the same entity.
func Fields(a, b *ties.Entry) []ties.FieldChange {
	x, y := &a.Entity, &b.Entity
	var fs []ties.FieldChange
	scalar := func(field, old, new string) {
		if old != new {
			fs = append(fs, ties.FieldChange{Field: field, Old: old, New: new})
		}
	}
	set := func(field, detail string, old, new []string) {
		added, removed := diffSets(old, new)
		if len(added)+len(removed) > 0 {
			fs = append(fs, ties.FieldChange{Field: field, Detail: detail, Added: added, Removed: removed})
		}
	}
	scalar("kind", string(x.Kind), string(y.Kind))
	// Names by role, so a new alias reads as one: a primary name that
	// became an alias shows as removed from one and added to the other.
	roles := nameRoles(x.Names, y.Names)
	for _, role := range roles {
		set("names", string(role), namesOf(x.Names, role), namesOf(y.Names, role))
	}
	set("countries", "", x.Countries, y.Countries)
	set("addresses", "", mapTo(x.Addresses, addressText), mapTo(y.Addresses, addressText))
	set("identifiers", "", mapTo(x.Identifiers, identifierText), mapTo(y.Identifiers, identifierText))
	set("dates", "", mapTo(x.Dates, dateText), mapTo(y.Dates, dateText))
	scalar("remarks", x.Remarks, y.Remarks)
	fs = append(fs, designationChanges(a.Designations, b.Designations)...)
	return fs
}

func nameRoles(a, b []ties.Name) []ties.NameType {
	var roles []ties.NameType
	for _, ns := range [][]ties.Name{a, b} {
		for _, n := range ns {
			if !slices.Contains(roles, n.Type) {
				roles = append(roles, n.Type)
			}
		}
	}
	return roles
}

func namesOf(ns []ties.Name, role ties.NameType) []string {
	var out []string
	for _, n := range ns {
		if n.Type == role {
			t := n.Text
			if n.Lang != "" {
				t += " [" + n.Lang + "]"
			}
			out = append(out, t)
		}
	}
	return out
}

func mapTo[T any](xs []T, f func(T) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

func addressText(a ties.Address) string {
	if a.Country == "" {
		return a.Text
	}
	return a.Text + " (" + a.Country + ")"
}

func identifierText(id ties.Identifier) string { return id.Scheme + ":" + id.Value }
func dateText(d ties.EntityDate) string        { return d.Type + " " + d.Value }

// diffSets says which strings are in new and not old, and the reverse,
// counting repeats (a name listed twice and then once was removed once).
func diffSets(old, new []string) (added, removed []string) {
	count := map[string]int{}
	for _, s := range old {
		count[s]++
	}
	for _, s := range new {
		if count[s] > 0 {
			count[s]--
			continue
		}
		added = append(added, s)
	}
	left := map[string]int{}
	for _, s := range new {
		left[s]++
	}
	for _, s := range old {
		if left[s] > 0 {
			left[s]--
			continue
		}
		removed = append(removed, s)
	}
	return added, removed
}

func designationKey(d ties.Designation) string {
	return d.ListID + " " + d.SourceID
}

// designationChanges pairs designations by list and source id: one that
// appears is "added", one that goes is "removed", and a field of one kept
// (start, end, authority, program, ...) is reported with its detail.
func designationChanges(old, new []ties.Designation) []ties.FieldChange {
	var fs []ties.FieldChange
	oldBy := map[string]ties.Designation{}
	for _, d := range old {
		oldBy[designationKey(d)] = d
	}
	newBy := map[string]bool{}
	for _, d := range new {
		k := designationKey(d)
		newBy[k] = true
		o, ok := oldBy[k]
		if !ok {
			fs = append(fs, ties.FieldChange{Field: "designations", Detail: k, Added: []string{designationText(d)}})
			continue
		}
		for _, f := range []struct{ name, old, new string }{
			{"start", o.Start.String(), d.Start.String()},
			{"end", o.End.String(), d.End.String()},
			{"authority", o.Authority, d.Authority},
			{"program", o.Program, d.Program},
			{"license_policy", o.LicensePolicy, d.LicensePolicy},
			{"source_url", o.SourceURL, d.SourceURL},
			{"parent", o.Parent, d.Parent},
		} {
			if f.old != f.new {
				fs = append(fs, ties.FieldChange{Field: "designations", Detail: k + ": " + f.name, Old: f.old, New: f.new})
			}
		}
	}
	for _, d := range old {
		if k := designationKey(d); !newBy[k] {
			fs = append(fs, ties.FieldChange{Field: "designations", Detail: k, Removed: []string{designationText(d)}})
			newBy[k] = true // report a repeated key once
		}
	}
	return fs
}

func designationText(d ties.Designation) string {
	parts := []string{d.ListID}
	if !d.Start.IsZero() {
		parts = append(parts, "from "+d.Start.String())
	}
	if !d.End.IsZero() {
		parts = append(parts, "until "+d.End.String())
	}
	if d.Authority != "" {
		parts = append(parts, d.Authority)
	}
	return strings.Join(parts, " ")
}

// EntryHash is a hash of what a reviewer judged: the entry's names and its
// designations (list, source id, dates, authority, program), insensitive
// to their order. A reviewer's decision holds until it changes.
func EntryHash(r ties.Record) string {
	var lines []string
	for _, n := range r.Entity.Names {
		lines = append(lines, fmt.Sprintf("n\x00%s\x00%s\x00%s", n.Type, n.Text, n.Lang))
	}
	for _, d := range r.Designations {
		lines = append(lines, fmt.Sprintf("d\x00%s\x00%s\x00%s\x00%s\x00%s\x00%s", d.ListID, d.SourceID, d.Start, d.End, d.Authority, d.Program))
	}
	slices.SortFunc(lines, cmp.Compare[string])
	h := sha256.New()
	for _, l := range lines {
		h.Write([]byte(l))
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// Describe says in a line what changed in an entry, e.g. `added alias
// "ICT CAS"; designations EL 3c4b...: end "" -> "2025-01-01"`.
func Describe(c ties.Change) string {
	if c.Kind != ties.ChangeAmended {
		return string(c.Kind)
	}
	var parts []string
	for _, f := range c.Fields {
		what := f.Field
		if f.Detail != "" {
			what += " " + f.Detail
		}
		switch {
		case len(f.Added)+len(f.Removed) > 0:
			var p []string
			if len(f.Added) > 0 {
				p = append(p, "added "+quoteAll(f.Added))
			}
			if len(f.Removed) > 0 {
				p = append(p, "removed "+quoteAll(f.Removed))
			}
			parts = append(parts, what+": "+strings.Join(p, ", "))
		default:
			parts = append(parts, fmt.Sprintf("%s: %q -> %q", what, f.Old, f.New))
		}
	}
	return "amended: " + strings.Join(parts, "; ")
}

func quoteAll(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = fmt.Sprintf("%q", x)
	}
	return strings.Join(q, ", ")
}

// Filter keeps the changes of cs that concern list (a list id such as EL,
// compared case-insensitively; "" keeps all), updating the counts.
func Filter(cs ties.ChangeSet, list string) ties.ChangeSet {
	if list == "" {
		return cs
	}
	out := cs
	out.Changes, out.Added, out.Removed, out.Amended = []ties.Change{}, 0, 0, 0
	for _, c := range cs.Changes {
		if !strings.EqualFold(c.List, list) {
			continue
		}
		out.Changes = append(out.Changes, c)
		switch c.Kind {
		case ties.ChangeAdded:
			out.Added++
		case ties.ChangeRemoved:
			out.Removed++
		default:
			out.Amended++
		}
	}
	return out
}
