package exposure

import (
	"cmp"
	"fmt"
	"slices"
)

// Changes is what differs between two reports of the same organization.
type Changes struct {
	New     []Finding `json:"new"`
	Gone    []Finding `json:"gone"`
	Changed []Finding `json:"changed"` // as in the new report
}

// Diff compares two reports finding by finding, keyed by designated
// entity, rule and list (Finding.Key), over both enacted and scenario
// findings. A finding changed when its severity, after-designation flag,
// listing date or set of paths differs.
func Diff(old, new Report) Changes {
	before := map[string]*Finding{}
	for _, fs := range [][]Finding{old.Findings, old.ScenarioFindings} {
		for i := range fs {
			before[fs[i].Key()] = &fs[i]
		}
	}
	var ch Changes
	seen := map[string]bool{}
	for _, fs := range [][]Finding{new.Findings, new.ScenarioFindings} {
		for _, f := range fs {
			k := f.Key()
			seen[k] = true
			o, ok := before[k]
			switch {
			case !ok:
				ch.New = append(ch.New, f)
			case o.Severity != f.Severity || o.AfterDesignation != f.AfterDesignation ||
				o.Designated.ListedOn != f.Designated.ListedOn || !slices.Equal(pathKeys(o.Paths), pathKeys(f.Paths)):
				ch.Changed = append(ch.Changed, f)
			}
		}
	}
	for _, fs := range [][]Finding{old.Findings, old.ScenarioFindings} {
		for _, f := range fs {
			if !seen[f.Key()] {
				ch.Gone = append(ch.Gone, f)
			}
		}
	}
	return ch
}

// pathKeys names each path by its entities and ties, sorted.
func pathKeys(paths [][]Step) []string {
	keys := make([]string, 0, len(paths))
	for _, p := range paths {
		k := ""
		for _, s := range p {
			k += fmt.Sprintf("%s/%v>%s|%s|", s.Tie, s.Reverse, s.EntityID, s.Start)
		}
		keys = append(keys, k)
	}
	slices.SortFunc(keys, cmp.Compare[string])
	return keys
}
