package openalex

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"ties"
	"ties/sources"
)

// oaInstitution is an institution as an author record names it.
type oaInstitution struct {
	ID          string `json:"id"`
	ROR         string `json:"ror"`
	DisplayName string `json:"display_name"`
	CountryCode string `json:"country_code"`
}

type author struct {
	ID                      string          `json:"id"`
	ORCID                   string          `json:"orcid"`
	DisplayName             string          `json:"display_name"`
	DisplayNameAlternatives []string        `json:"display_name_alternatives"`
	LastKnownInstitution    *oaInstitution  `json:"last_known_institution"`
	LastKnownInstitutions   []oaInstitution `json:"last_known_institutions"`
	Affiliations            []struct {
		Institution oaInstitution `json:"institution"`
		Years       []int         `json:"years"`
	} `json:"affiliations"`
}

// ParseAuthors reads OpenAlex authors (one object, an array, or a snapshot
// part) into persons "openalex:A<n>", the ids the works reader gives them,
// with their ORCID and alternative names. Each affiliation becomes one
// affiliated_with tie to the institution (ror:<id> when it has one),
// dated from its first to its last year; an author with no affiliation
// list is tied to the last known institution(s) without dates. Errors
// name the file, line and field.
func ParseAuthors(r io.Reader, file string) (ties.Graph, error) {
	b := &builder{file: file, index: map[string]int{}, tie: map[string]int{}}
	read := map[string]bool{}
	err := sources.DecodeObjects(r, file, func(raw json.RawMessage, line int) error {
		var a author
		if err := json.Unmarshal(raw, &a); err != nil {
			return sources.Errorf(file, line, "OpenAlex author: %v", err)
		}
		aid, ok := shortID(a.ID, "A")
		if !ok {
			return b.fail(line, "id", "invalid OpenAlex author id %q", a.ID)
		}
		id := "openalex:" + aid
		if read[id] {
			return b.fail(line, "id", "duplicate author %s", aid)
		}
		read[id] = true
		name := strings.TrimSpace(a.DisplayName)
		if name == "" {
			return b.fail(line, "display_name", "author %s has no display name", aid)
		}
		p := ties.Entity{ID: id, Kind: ties.KindPerson, Names: []ties.Name{{Text: name, Type: ties.NamePrimary}},
			Identifiers: []ties.Identifier{{Scheme: "openalex", Value: aid}}}
		if orcid := strings.TrimPrefix(strings.TrimSpace(a.ORCID), "https://orcid.org/"); orcid != "" {
			p.Identifiers = append(p.Identifiers, ties.Identifier{Scheme: "orcid", Value: orcid})
		}
		for _, n := range a.DisplayNameAlternatives {
			addName(&p, n, ties.NameAlias, "")
		}
		b.addEntity(p)

		ev := ties.Evidence{Title: "OpenAlex author " + aid + ": " + name, Ref: "https://openalex.org/" + aid}
		source := fmt.Sprintf("%s:%d", file, line)
		tie := func(in oaInstitution, field string, years []int, role string) error {
			org, err := b.institution(in.ID, in.ROR, in.DisplayName, in.CountryCode, line)
			if err != nil {
				err.(*sources.Error).Field = field
				return err
			}
			b.addEntity(org)
			t := ties.Tie{From: id, To: org.ID, Kind: ties.TieAffiliatedWith}
			if len(years) > 0 {
				first, last := slices.Min(years), slices.Max(years)
				if first < 1000 || last > 9999 {
					return b.fail(line, field, "author %s: year out of range in %v", aid, years)
				}
				t.Start, t.End = ties.Date{Year: first}, ties.Date{Year: last}
			}
			b.addTie(t, role, ev, source)
			return nil
		}
		if len(a.Affiliations) > 0 {
			for i, af := range a.Affiliations {
				if err := tie(af.Institution, fmt.Sprintf("affiliations[%d]", i), af.Years, "affiliation in OpenAlex author profile"); err != nil {
					return err
				}
			}
			return nil
		}
		last := a.LastKnownInstitutions
		if a.LastKnownInstitution != nil {
			last = append(last, *a.LastKnownInstitution)
		}
		for i, in := range last {
			if err := tie(in, fmt.Sprintf("last_known_institutions[%d]", i), nil, "last known institution in OpenAlex"); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return ties.Graph{}, err
	}
	return b.g, nil
}
