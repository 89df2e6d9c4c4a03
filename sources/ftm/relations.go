package ftm

import (
	"fmt"
	"strconv"
	"strings"

	"ties"
)

// Relation says how an FtM relation schema becomes a tie: From is the
// property naming the entity the tie starts at, To the one it points to.
type Relation struct {
	From, To string
	Kind     ties.TieKind
	// Role is the tie's role when the entity gives none.
	Role string
}

// Relations are the FtM relation schemas read as ties. The tie runs from
// the owned to the owner, from the director, employee or member to the
// organization, as docs/ties-format.md has it (owned_by: owned → owner).
// A directorship or a membership is not employment: both become
// affiliated_with, with the role saying which.
var Relations = map[string]Relation{
	"Ownership":    {From: "asset", To: "owner", Kind: ties.TieOwnedBy},
	"Directorship": {From: "director", To: "organization", Kind: ties.TieAffiliatedWith, Role: "director"},
	"Employment":   {From: "employee", To: "employer", Kind: ties.TieEmployedBy},
	"Membership":   {From: "member", To: "organization", Kind: ties.TieAffiliatedWith, Role: "member"},
}

// relationTie makes the tie of a relation entity. A relation without both
// ends is skipped (why says so); a bad date or share is an error naming the
// property.
func relationTie(e *entityJSON, rel Relation, file string, line int) (t ties.Tie, why, field string, err error) {
	from, to := first(e.Properties[rel.From]), first(e.Properties[rel.To])
	switch {
	case from == "":
		return t, "no " + rel.From, "", nil
	case to == "":
		return t, "no " + rel.To, "", nil
	case from == to:
		return t, "self", "", nil
	}
	t = ties.Tie{
		ID:     IDPrefix + e.ID,
		From:   IDPrefix + from,
		To:     IDPrefix + to,
		Kind:   rel.Kind,
		Role:   rel.Role,
		Source: fmt.Sprintf("%s:%d", file, line),
	}
	for _, p := range []string{"role", "ownershipType"} {
		if r := first(e.Properties[p]); r != "" {
			t.Role = r
			break
		}
	}
	if t.Start, err = earliest(e.Properties["startDate"]); err != nil {
		return t, "", "properties.startDate", err
	}
	if t.End, err = earliest(e.Properties["endDate"]); err != nil {
		return t, "", "properties.endDate", err
	}
	if !t.Start.IsZero() && !t.End.IsZero() && t.End.Before(t.Start) {
		return t, "", "properties.endDate", fmt.Errorf("end %s is before start %s", t.End, t.Start)
	}
	if rel.Kind == ties.TieOwnedBy {
		if p := first(e.Properties["percentage"]); p != "" {
			if t.Share, err = ParseShare(p); err != nil {
				return t, "", "properties.percentage", err
			}
		}
	}
	ev := ties.Evidence{Title: e.Schema + " " + e.ID}
	if len(e.Datasets) > 0 {
		ev.Title += " (" + strings.Join(nonEmpty(e.Datasets), ", ") + ")"
	}
	for _, p := range []string{"sourceUrl", "publisher"} {
		if v := first(e.Properties[p]); v != "" {
			ev.Ref = v
			break
		}
	}
	if d, err := parseDate(e.FirstSeen); err == nil {
		ev.Retrieved = d
	}
	ev.Quote = first(e.Properties["summary"])
	t.Evidence = []ties.Evidence{ev}
	return t, "", "", nil
}

// ParseShare reads an FtM percentage ("51", "51.5", "51%", "51,5"): FtM
// gives percent, so "0.51" is 0.51 %. The share returned is a fraction in
// (0, 1].
func ParseShare(s string) (float64, error) {
	v := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	v = strings.ReplaceAll(v, ",", ".")
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return 0, fmt.Errorf("percentage %q is not a number", s)
	}
	if f <= 0 || f > 100 {
		return 0, fmt.Errorf("percentage %q is not in (0, 100]", s)
	}
	return f / 100, nil
}

// earliest is the earliest of a property's dates (zero when none).
func earliest(vs []string) (ties.Date, error) {
	var out ties.Date
	for _, v := range vs {
		d, err := parseDate(v)
		if err != nil {
			return ties.Date{}, err
		}
		if !d.IsZero() && (out.IsZero() || d.Before(out)) {
			out = d
		}
	}
	return out, nil
}

func first(vs []string) string {
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}
