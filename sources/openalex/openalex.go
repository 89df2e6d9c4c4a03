// Package openalex reads OpenAlex works (one object, JSON lines as in the
// snapshot parts, or an array; gunzip first) into a ties.Graph: works
// become publications, authors persons, institutions organizations. An
// institution with a ROR id gets the graph id "ror:<id>" so it joins the
// organizations read by package ror.
//
// Ties (so exposure finds Org <- author -> publication <- author -> listed
// institution, and the shorter Org -> publication <- listed institution):
//   - author coauthored publication, dated the publication date;
//   - author affiliated_with institution, dated the publication year, one
//     tie per author, institution and year with each work as evidence;
//   - institution coauthored publication, dated the publication date.
package openalex

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"ties"
	"ties/sources"
)

type work struct {
	ID              string `json:"id"`
	DOI             string `json:"doi"`
	Title           string `json:"title"`
	DisplayName     string `json:"display_name"`
	PublicationDate string `json:"publication_date"`
	PublicationYear int    `json:"publication_year"`
	Type            string `json:"type"`
	Authorships     []struct {
		Author struct {
			ID          string `json:"id"`
			DisplayName string `json:"display_name"`
			ORCID       string `json:"orcid"`
		} `json:"author"`
		RawAuthorName string `json:"raw_author_name"`
		Institutions  []struct {
			ID          string `json:"id"`
			DisplayName string `json:"display_name"`
			ROR         string `json:"ror"`
			CountryCode string `json:"country_code"`
			Type        string `json:"type"`
		} `json:"institutions"`
	} `json:"authorships"`
}

// Options changes how Parse treats works it cannot tie to anyone.
type Options struct {
	// SkipUnauthored skips works without authorships (snapshot parts hold
	// many, e.g. grants) instead of failing on them.
	SkipUnauthored bool
	// KeepUnauthored reads a work without authorships as a publication
	// with no ties (counted in Stats.Unauthored) instead of failing on it.
	KeepUnauthored bool
}

// Stats counts what a parse read.
type Stats struct {
	Works      int // works read, including skipped ones
	Skipped    int // works without authorships, skipped
	Unauthored int // works without authorships, kept without ties
}

// Parse reads works strictly: a work without authorships is an error
// naming the file and line.
func Parse(r io.Reader, file string) (ties.Graph, error) {
	g, _, err := ParseOptions(r, file, Options{})
	return g, err
}

// ParseSnapshot reads a snapshot part, in which many works (grants,
// datasets) have no authorships: those are kept as publications without
// ties (it has Parse's signature, for format tables).
func ParseSnapshot(r io.Reader, file string) (ties.Graph, error) {
	g, _, err := ParseOptions(r, file, Options{KeepUnauthored: true})
	return g, err
}

type builder struct {
	file           string
	keepUnauthored bool
	g              ties.Graph
	index          map[string]int // entity id -> index in g.Entities
	tie            map[string]int // tie id -> index in g.Ties
}

// ParseOptions reads works with the given options.
func ParseOptions(r io.Reader, file string, opt Options) (ties.Graph, Stats, error) {
	b := &builder{file: file, index: map[string]int{}, tie: map[string]int{}, keepUnauthored: opt.KeepUnauthored}
	var st Stats
	err := sources.DecodeObjects(r, file, func(raw json.RawMessage, line int) error {
		var w work
		if err := json.Unmarshal(raw, &w); err != nil {
			return sources.Errorf(file, line, "OpenAlex work: %v", err)
		}
		st.Works++
		if len(w.Authorships) == 0 && opt.SkipUnauthored {
			st.Skipped++
			return nil
		}
		if len(w.Authorships) == 0 && opt.KeepUnauthored {
			st.Unauthored++
		}
		return b.add(&w, line)
	})
	if err != nil {
		return ties.Graph{}, st, err
	}
	return b.g, st, nil
}

// shortID strips the OpenAlex URL prefix and checks the letter.
func shortID(s, letter string) (string, bool) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "https://openalex.org/")
	if len(s) < 2 || !strings.HasPrefix(s, letter) {
		return "", false
	}
	for _, c := range s[1:] {
		if c < '0' || c > '9' {
			return "", false
		}
	}
	return s, true
}

func (b *builder) fail(line int, field, format string, args ...any) error {
	return &sources.Error{File: b.file, Line: line, Field: field, Err: fmt.Errorf(format, args...)}
}

func (b *builder) add(w *work, line int) error {
	wid, ok := shortID(w.ID, "W")
	if !ok {
		return b.fail(line, "id", "invalid OpenAlex work id %q", w.ID)
	}
	if len(w.Authorships) == 0 && !b.keepUnauthored {
		return b.fail(line, "authorships", "work %s has no authorships", wid)
	}
	pubID := "openalex:" + wid
	if _, dup := b.index[pubID]; dup {
		return b.fail(line, "id", "duplicate work %s", wid)
	}
	date, err := ties.ParseDate(w.PublicationDate)
	if err != nil {
		return b.fail(line, "publication_date", "work %s: %v", wid, err)
	}
	year := ties.Date{Year: date.Year}
	if date.IsZero() && w.PublicationYear > 0 && w.PublicationYear < 10000 {
		date = ties.Date{Year: w.PublicationYear}
		year = date
	}
	title := strings.TrimSpace(w.Title)
	if title == "" {
		title = strings.TrimSpace(w.DisplayName)
	}
	if title == "" {
		title = "untitled work " + wid
	}
	pub := ties.Entity{ID: pubID, Kind: ties.KindPublication,
		Names:       []ties.Name{{Text: title, Type: ties.NamePrimary}},
		Identifiers: []ties.Identifier{{Scheme: "openalex", Value: wid}}}
	ref := "https://openalex.org/" + wid
	if doi := strings.TrimPrefix(strings.TrimSpace(w.DOI), "https://doi.org/"); doi != "" {
		pub.Identifiers = append(pub.Identifiers, ties.Identifier{Scheme: "doi", Value: doi})
		ref = "https://doi.org/" + doi
	}
	if !date.IsZero() {
		pub.Dates = []ties.EntityDate{{Type: "published", Value: date.String()}}
	}
	if w.Type != "" {
		pub.Remarks = "OpenAlex type: " + w.Type
	}
	b.addEntity(pub)
	ev := ties.Evidence{Title: "OpenAlex work " + wid + ": " + title, Ref: ref}
	source := fmt.Sprintf("%s:%d", b.file, line)

	for i, a := range w.Authorships {
		name := strings.TrimSpace(a.Author.DisplayName)
		raw := strings.TrimSpace(a.RawAuthorName)
		if name == "" {
			name = raw
		}
		var personID string
		var ids []ties.Identifier
		if aid, ok := shortID(a.Author.ID, "A"); ok {
			personID = "openalex:" + aid
			ids = append(ids, ties.Identifier{Scheme: "openalex", Value: aid})
		} else if a.Author.ID != "" {
			return b.fail(line, "authorships", "work %s: invalid author id %q", wid, a.Author.ID)
		} else {
			// No author id: the person is known only on this work.
			personID = fmt.Sprintf("%s/author%d", pubID, i+1)
		}
		if name == "" {
			return b.fail(line, "authorships", "work %s: author %d has no name", wid, i+1)
		}
		if orcid := strings.TrimPrefix(strings.TrimSpace(a.Author.ORCID), "https://orcid.org/"); orcid != "" {
			ids = append(ids, ties.Identifier{Scheme: "orcid", Value: orcid})
		}
		person := ties.Entity{ID: personID, Kind: ties.KindPerson,
			Names: []ties.Name{{Text: name, Type: ties.NamePrimary}}, Identifiers: ids}
		if raw != "" && raw != name {
			person.Names = append(person.Names, ties.Name{Text: raw, Type: ties.NameAlias})
		}
		b.addEntity(person)
		b.addTie(ties.Tie{From: personID, To: pubID, Kind: ties.TieCoauthored, Start: date, End: date}, "", ev, source)

		for _, inst := range a.Institutions {
			var instID string
			var ids []ties.Identifier
			iid, hasIID := shortID(inst.ID, "I")
			if inst.ROR != "" {
				short := strings.TrimPrefix(strings.TrimSpace(inst.ROR), "https://ror.org/")
				if short == "" || strings.ContainsAny(short, "/: ") {
					return b.fail(line, "authorships", "work %s: invalid ROR id %q", wid, inst.ROR)
				}
				instID = "ror:" + short
				ids = append(ids, ties.Identifier{Scheme: "ror", Value: short})
			}
			if hasIID {
				if instID == "" {
					instID = "openalex:" + iid
				}
				ids = append(ids, ties.Identifier{Scheme: "openalex", Value: iid})
			} else if inst.ID != "" {
				return b.fail(line, "authorships", "work %s: invalid institution id %q", wid, inst.ID)
			}
			iname := strings.TrimSpace(inst.DisplayName)
			if instID == "" || iname == "" {
				continue // an affiliation string OpenAlex could not resolve
			}
			org := ties.Entity{ID: instID, Kind: ties.KindOrganization,
				Names: []ties.Name{{Text: iname, Type: ties.NamePrimary}}, Identifiers: ids}
			if c := strings.ToUpper(strings.TrimSpace(inst.CountryCode)); len(c) == 2 {
				org.Countries = []string{c}
			}
			b.addEntity(org)
			b.addTie(ties.Tie{From: personID, To: instID, Kind: ties.TieAffiliatedWith, Start: year, End: year},
				"affiliation in OpenAlex works", ev, source)
			b.addTie(ties.Tie{From: instID, To: pubID, Kind: ties.TieCoauthored, Start: date, End: date},
				"institution of authors", ev, source)
		}
	}
	return nil
}

// addEntity adds e, or merges its names and identifiers into the entity
// already read under the same id.
func (b *builder) addEntity(e ties.Entity) {
	i, ok := b.index[e.ID]
	if !ok {
		b.index[e.ID] = len(b.g.Entities)
		b.g.Entities = append(b.g.Entities, e)
		return
	}
	old := &b.g.Entities[i]
	for _, n := range e.Names {
		if !hasName(old.Names, n.Text) {
			if n.Type == ties.NamePrimary {
				n.Type = ties.NameAlias
			}
			old.Names = append(old.Names, n)
		}
	}
	for _, id := range e.Identifiers {
		if !hasIdentifier(old.Identifiers, id) {
			old.Identifiers = append(old.Identifiers, id)
		}
	}
	for _, c := range e.Countries {
		if !contains(old.Countries, c) {
			old.Countries = append(old.Countries, c)
		}
	}
}

// addTie adds t once per from, kind, to and dates; a repeat adds its
// evidence to the tie already there.
func (b *builder) addTie(t ties.Tie, role string, ev ties.Evidence, source string) {
	t.ID = t.From + ">" + string(t.Kind) + ">" + t.To
	if !t.Start.IsZero() {
		t.ID += "@" + t.Start.String()
	}
	if i, ok := b.tie[t.ID]; ok {
		old := &b.g.Ties[i]
		for _, e := range old.Evidence {
			if e == ev {
				return
			}
		}
		old.Evidence = append(old.Evidence, ev)
		return
	}
	t.Role = role
	t.Source = source
	t.Evidence = []ties.Evidence{ev}
	b.tie[t.ID] = len(b.g.Ties)
	b.g.Ties = append(b.g.Ties, t)
}

func hasName(ns []ties.Name, text string) bool {
	for _, n := range ns {
		if n.Text == text {
			return true
		}
	}
	return false
}

func hasIdentifier(ids []ties.Identifier, id ties.Identifier) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
