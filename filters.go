package ties

import (
	"fmt"
	"slices"
	"strings"
)

// ScreenKinds are the kinds a list entry has, the ones a screening may be
// narrowed to.
var ScreenKinds = []EntityKind{KindPerson, KindOrganization, KindVessel, KindAircraft, KindOther}

// Filters are the values a screening can be narrowed by: the list ids
// (designations) and country codes (entity countries and address
// countries) that the entries in force hold. A filter on any other value
// can only ever answer "no match", which a compliance check must not
// mistake for a clean result: Check refuses it.
type Filters struct {
	Lists     []string `json:"lists"`
	Countries []string `json:"countries"`
}

// FiltersOf collects the filter values of entries, sorted.
func FiltersOf(entries []Entry) Filters {
	lists, countries := map[string]bool{}, map[string]bool{}
	for i := range entries {
		for _, d := range entries[i].Designations {
			if d.ListID != "" {
				lists[strings.ToUpper(d.ListID)] = true
			}
		}
		for _, c := range entries[i].Entity.Countries {
			if c = strings.ToUpper(strings.TrimSpace(c)); c != "" {
				countries[c] = true
			}
		}
		for _, a := range entries[i].Entity.Addresses {
			if c := strings.ToUpper(strings.TrimSpace(a.Country)); c != "" {
				countries[c] = true
			}
		}
	}
	f := Filters{Lists: make([]string, 0, len(lists)), Countries: make([]string, 0, len(countries))}
	for l := range lists {
		f.Lists = append(f.Lists, l)
	}
	for c := range countries {
		f.Countries = append(f.Countries, c)
	}
	slices.Sort(f.Lists)
	slices.Sort(f.Countries)
	return f
}

// FilterError is a filter value no entry in force can match.
type FilterError struct {
	Field string // "list", "country" or "kind"
	Value string
	Known []string
}

func (e *FilterError) Error() string {
	known := "none (no lists loaded)"
	if len(e.Known) > 0 {
		known = strings.Join(e.Known, ", ")
	}
	return fmt.Sprintf("unknown %s %q: known values are %s", e.Field, e.Value, known)
}

// Check refuses list ids and countries that no entry in force holds
// (compared without regard to case) and kinds that are not ScreenKinds
// (synonyms as ParseEntityKind takes them), with a *FilterError naming the
// value and the known ones. It returns the kind parsed ("" for none).
func (f Filters) Check(lists, countries []string, kind string) (EntityKind, error) {
	for _, l := range lists {
		if !slices.Contains(f.Lists, strings.ToUpper(strings.TrimSpace(l))) {
			return "", &FilterError{Field: "list", Value: l, Known: f.Lists}
		}
	}
	for _, c := range countries {
		if !slices.Contains(f.Countries, strings.ToUpper(strings.TrimSpace(c))) {
			return "", &FilterError{Field: "country", Value: c, Known: f.Countries}
		}
	}
	if strings.TrimSpace(kind) == "" {
		return "", nil
	}
	k, err := ParseEntityKind(kind)
	if err != nil || !slices.Contains(ScreenKinds, k) {
		known := make([]string, len(ScreenKinds))
		for i, sk := range ScreenKinds {
			known[i] = string(sk)
		}
		return "", &FilterError{Field: "kind", Value: kind, Known: known}
	}
	return k, nil
}
