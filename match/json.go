package match

import (
	"fmt"
	"strings"

	"ties"
)

// Screening results as JSON: the contract of `ties screen --json` and of
// POST /v1/screen. Other tools rely on these field names.

// ResultJSON is one screened name and its matches.
type ResultJSON struct {
	Query   string      `json:"query"`
	Matches []MatchJSON `json:"matches"`
}

// MatchJSON is one match; ListedOn is YYYY-MM-DD (or coarser) or null.
type MatchJSON struct {
	EntityID    string  `json:"entity_id"`
	Name        string  `json:"name"`
	MatchedName string  `json:"matched_name"`
	Score       float64 `json:"score"`
	List        string  `json:"list"`
	SourceID    string  `json:"source_id"`
	ListedOn    *string `json:"listed_on"`
	// ListedOnInvalid flags a listing date the source gives that cannot
	// be meant ("0097-06-30"): shown as written, never used.
	ListedOnInvalid bool     `json:"listed_on_invalid,omitempty"`
	Authority       string   `json:"authority"`
	Explanation     string   `json:"explanation"`
	Kind            string   `json:"kind,omitempty"`
	Program         string   `json:"program,omitempty"`
	Dataset         string   `json:"dataset,omitempty"`
	VersionID       int64    `json:"version_id,omitempty"`
	NameSource      string   `json:"name_source,omitempty"`
	Penalties       []string `json:"penalties,omitempty"` // what lowered the name score, in words
	Evidence        []string `json:"evidence,omitempty"`  // the attributes compared and what each did
	// Every designation of the consolidated entity, and the source
	// records (list rows) it was made of.
	Designations []DesignationJSON `json:"designations,omitempty"`
	Records      []string          `json:"records,omitempty"`
}

// DesignationJSON is one designation of a matched entity; dates are
// YYYY-MM-DD (or coarser) or null.
type DesignationJSON struct {
	List     string  `json:"list"`
	SourceID string  `json:"source_id"`
	ListedOn *string `json:"listed_on"`
	EndedOn  *string `json:"ended_on"`
	// Invalid flags a start or end date of the source that cannot be
	// meant: shown as written, never used.
	Invalid   bool   `json:"invalid_date,omitempty"`
	Authority string `json:"authority,omitempty"`
	Program   string `json:"program,omitempty"`
	Dataset   string `json:"dataset,omitempty"`
	VersionID int64  `json:"version_id,omitempty"`
}

func dateJSON(d ties.Date) *string {
	if d.IsZero() {
		return nil
	}
	s := d.String()
	return &s
}

// ToJSON turns matches into their JSON form.
func ToJSON(ms []Match) []MatchJSON {
	out := make([]MatchJSON, 0, len(ms))
	for _, m := range ms {
		listed := dateJSON(m.ListedOn)
		var ds []DesignationJSON
		for _, d := range m.Designations {
			ds = append(ds, DesignationJSON{List: d.ListID, SourceID: d.SourceID, ListedOn: dateJSON(d.Start), EndedOn: dateJSON(d.End),
				Invalid:   !d.Start.Plausible() || !d.End.Plausible(),
				Authority: d.Authority, Program: d.Program, Dataset: d.Dataset, VersionID: d.VersionID})
		}
		var recs []string
		for _, r := range m.Records {
			recs = append(recs, r.EntityID)
		}
		out = append(out, MatchJSON{
			EntityID: m.EntityID, Name: m.Name, MatchedName: m.MatchedName, Score: m.Score,
			List: m.ListID, SourceID: m.SourceID, ListedOn: listed, ListedOnInvalid: !m.ListedOn.Plausible(), Authority: m.Authority,
			Explanation: m.Explanation, Kind: string(m.Kind), Program: m.Program, Dataset: m.Dataset,
			VersionID: m.VersionID, NameSource: m.NameSource, Penalties: m.Penalties, Evidence: m.Evidence,
			Designations: ds, Records: recs,
		})
	}
	return out
}

// OtherLists says in a few words on which lists besides the one shown the
// matched entity is designated, each with its first listing date: "EL
// (3 entries, first listed 2019-05-21), CMIC".
func OtherLists(m Match) string {
	type agg struct {
		n     int
		first ties.Date
	}
	var order []string
	byList := map[string]*agg{}
	for _, d := range m.Designations {
		if strings.EqualFold(d.ListID, m.ListID) {
			continue
		}
		a := byList[d.ListID]
		if a == nil {
			a = &agg{}
			byList[d.ListID] = a
			order = append(order, d.ListID)
		}
		a.n++
		if !d.Start.IsZero() && (a.first.IsZero() || d.Start.Before(a.first)) {
			a.first = d.Start
		}
	}
	parts := make([]string, 0, len(order))
	for _, l := range order {
		a := byList[l]
		var extra []string
		if a.n > 1 {
			extra = append(extra, fmt.Sprintf("%d entries", a.n))
		}
		if !a.first.IsZero() {
			extra = append(extra, "first listed "+a.first.String())
		}
		if len(extra) > 0 {
			l += " (" + strings.Join(extra, ", ") + ")"
		}
		parts = append(parts, l)
	}
	return strings.Join(parts, ", ")
}
