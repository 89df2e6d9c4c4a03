// Package ror reads Research Organization Registry records (schema v1 and
// v2, as JSON lines, one object or an array) into a ties.Graph of
// organizations "ror:<short id>" and the part_of / related ties between
// them. A relationship to a record missing from the input keeps its tie and
// gets a stub organization named by the relationship's label, so every tie
// has both ends.
package ror

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"ties"
	"ties/sources"
)

// StubRemark marks organizations known only from another record's
// relationship.
const StubRemark = "stub: not in this ROR file"

type record struct {
	ID   string `json:"id"`
	Name string `json:"name"` // v1
	// v1
	Aliases  []string `json:"aliases"`
	Acronyms []string `json:"acronyms"`
	Labels   []struct {
		Label  string `json:"label"`
		ISO639 string `json:"iso639"`
	} `json:"labels"`
	Country *struct {
		CountryCode string `json:"country_code"`
	} `json:"country"`
	// v2
	Names []struct {
		Value string   `json:"value"`
		Types []string `json:"types"`
		Lang  *string  `json:"lang"`
	} `json:"names"`
	Locations []struct {
		GeonamesDetails struct {
			CountryCode string `json:"country_code"`
		} `json:"geonames_details"`
	} `json:"locations"`
	// both
	Relationships []struct {
		Type  string `json:"type"`
		ID    string `json:"id"`
		Label string `json:"label"`
	} `json:"relationships"`
	Status      string          `json:"status"`
	Established json.RawMessage `json:"established"`
	ExternalIDs json.RawMessage `json:"external_ids"`
}

var shortIDPattern = regexp.MustCompile(`^0[a-z0-9]{6}[0-9]{2}$`)

// ShortID returns the 9-character ROR id of "https://ror.org/0090r4d87",
// "ror.org/0090r4d87" or "0090r4d87".
func ShortID(s string) (string, error) {
	s = strings.TrimSpace(s)
	for _, p := range []string{"https://ror.org/", "http://ror.org/", "ror.org/", "ror:"} {
		s = strings.TrimPrefix(s, p)
	}
	if !shortIDPattern.MatchString(s) {
		return "", fmt.Errorf("invalid ROR id %q", s)
	}
	return s, nil
}

// EntityID is the graph id of the organization with ROR id short.
func EntityID(short string) string { return "ror:" + short }

type builder struct {
	file     string
	g        ties.Graph
	index    map[string]int // entity id -> index in g.Entities
	stubs    map[string]string
	order    []string // stub ids in first-seen order
	seenTies map[string]bool
}

// Parse reads ROR records from r; file names the input in errors.
func Parse(r io.Reader, file string) (ties.Graph, error) {
	b := &builder{file: file, index: map[string]int{}, stubs: map[string]string{}, seenTies: map[string]bool{}}
	err := sources.DecodeObjects(r, file, func(raw json.RawMessage, line int) error {
		var rec record
		if err := json.Unmarshal(raw, &rec); err != nil {
			return sources.Errorf(file, line, "ROR record: %v", err)
		}
		return b.add(&rec, line)
	})
	if err != nil {
		return ties.Graph{}, err
	}
	for _, id := range b.order {
		if _, ok := b.index[id]; ok {
			continue
		}
		short := strings.TrimPrefix(id, "ror:")
		name := b.stubs[id]
		if name == "" {
			name = short
		}
		b.g.Entities = append(b.g.Entities, ties.Entity{
			ID: id, Kind: ties.KindOrganization,
			Names:       []ties.Name{{Text: name, Type: ties.NamePrimary}},
			Identifiers: []ties.Identifier{{Scheme: "ror", Value: short}},
			Remarks:     StubRemark,
		})
	}
	return b.g, nil
}

func (b *builder) add(rec *record, line int) error {
	short, err := ShortID(rec.ID)
	if err != nil {
		return &sources.Error{File: b.file, Line: line, Field: "id", Err: err}
	}
	id := EntityID(short)
	if _, dup := b.index[id]; dup {
		return sources.Errorf(b.file, line, "duplicate ROR record %s", short)
	}
	e := ties.Entity{ID: id, Kind: ties.KindOrganization,
		Identifiers: []ties.Identifier{{Scheme: "ror", Value: short}}}
	addName := func(text string, typ ties.NameType, lang string) {
		text = strings.TrimSpace(text)
		if text == "" {
			return
		}
		for _, n := range e.Names {
			if n.Text == text && (n.Type == typ || typ != ties.NamePrimary) {
				return
			}
		}
		e.Names = append(e.Names, ties.Name{Text: text, Type: typ, Lang: lang})
	}
	label := func(text, lang string) {
		if lang == "zh" || lang == "ja" || lang == "ko" || nonLatin(text) {
			addName(text, ties.NameNative, lang)
		} else {
			addName(text, ties.NameAlias, lang)
		}
	}
	if rec.Names != nil { // schema v2
		for _, n := range rec.Names {
			lang := ""
			if n.Lang != nil {
				lang = *n.Lang
			}
			if has(n.Types, "ror_display") {
				addName(n.Value, ties.NamePrimary, lang)
			}
		}
		for _, n := range rec.Names {
			lang := ""
			if n.Lang != nil {
				lang = *n.Lang
			}
			switch {
			case has(n.Types, "ror_display"):
			case has(n.Types, "acronym"):
				addName(n.Value, ties.NameAbbreviation, lang)
			case has(n.Types, "alias"):
				addName(n.Value, ties.NameAlias, lang)
			case has(n.Types, "label"):
				label(n.Value, lang)
			}
		}
		for _, l := range rec.Locations {
			if c := l.GeonamesDetails.CountryCode; c != "" && !has(e.Countries, c) {
				e.Countries = append(e.Countries, c)
			}
		}
	} else { // schema v1
		addName(rec.Name, ties.NamePrimary, "")
		for _, a := range rec.Aliases {
			addName(a, ties.NameAlias, "")
		}
		for _, a := range rec.Acronyms {
			addName(a, ties.NameAbbreviation, "")
		}
		for _, l := range rec.Labels {
			label(l.Label, l.ISO639)
		}
		if rec.Country != nil && rec.Country.CountryCode != "" {
			e.Countries = append(e.Countries, rec.Country.CountryCode)
		}
	}
	if len(e.Names) == 0 || e.Names[0].Type != ties.NamePrimary {
		return &sources.Error{File: b.file, Line: line, Field: "name", Err: fmt.Errorf("ROR record %s has no display name", short)}
	}
	ext, err := externalIDs(rec.ExternalIDs)
	if err != nil {
		return &sources.Error{File: b.file, Line: line, Field: "external_ids", Err: err}
	}
	e.Identifiers = append(e.Identifiers, ext...)
	if y := strings.TrimSpace(string(rec.Established)); y != "" && y != "null" {
		if n, err := strconv.Atoi(y); err == nil && n > 0 && n < 10000 {
			e.Dates = append(e.Dates, ties.EntityDate{Type: "established", Value: fmt.Sprintf("%04d", n)})
		}
	}
	if rec.Status != "" && rec.Status != "active" {
		e.Remarks = "ROR status: " + rec.Status
	}
	b.index[id] = len(b.g.Entities)
	b.g.Entities = append(b.g.Entities, e)

	source := fmt.Sprintf("%s:%d", b.file, line)
	for _, rel := range rec.Relationships {
		otherShort, err := ShortID(rel.ID)
		if err != nil {
			return &sources.Error{File: b.file, Line: line, Field: "relationships", Err: err}
		}
		other := EntityID(otherShort)
		if other == id {
			continue
		}
		var t ties.Tie
		switch strings.ToLower(rel.Type) {
		case "parent":
			t = ties.Tie{From: id, To: other, Kind: ties.TiePartOf}
		case "child":
			t = ties.Tie{From: other, To: id, Kind: ties.TiePartOf}
		case "related":
			from, to := id, other
			if to < from { // one tie per unordered pair
				from, to = to, from
			}
			t = ties.Tie{From: from, To: to, Kind: ties.TieRelated}
		default: // predecessor / successor: not a present-day tie
			continue
		}
		t.ID = t.From + ">" + string(t.Kind) + ">" + t.To
		if _, known := b.stubs[other]; !known {
			b.stubs[other] = strings.TrimSpace(rel.Label)
			b.order = append(b.order, other)
		}
		if b.seenTies[t.ID] {
			continue
		}
		b.seenTies[t.ID] = true
		t.Source = source
		t.Evidence = []ties.Evidence{{Title: "ROR record " + short, Ref: "https://ror.org/" + short}}
		b.g.Ties = append(b.g.Ties, t)
	}
	return nil
}

// externalIDs reads v1 ({"GRID": {"all": "x" | ["x"]}}) and v2
// ([{"type": "grid", "all": ["x"]}]) external ids.
func externalIDs(raw json.RawMessage) ([]ties.Identifier, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	type entry struct {
		Type string          `json:"type"`
		All  json.RawMessage `json:"all"`
	}
	var entries []entry
	if raw[0] == '[' {
		if err := json.Unmarshal(raw, &entries); err != nil {
			return nil, err
		}
	} else {
		var m map[string]entry
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, err
		}
		for k, v := range m {
			v.Type = k
			entries = append(entries, v)
		}
		sortEntries(entries, func(e entry) string { return e.Type })
	}
	var out []ties.Identifier
	for _, e := range entries {
		var values []string
		all := bytes.TrimSpace(e.All)
		switch {
		case len(all) == 0 || string(all) == "null":
		case all[0] == '"':
			var s string
			if err := json.Unmarshal(all, &s); err != nil {
				return nil, err
			}
			values = []string{s}
		default:
			if err := json.Unmarshal(all, &values); err != nil {
				return nil, fmt.Errorf("external id %s: %v", e.Type, err)
			}
		}
		for _, v := range values {
			if v = strings.TrimSpace(v); v != "" {
				out = append(out, ties.Identifier{Scheme: strings.ToLower(e.Type), Value: v})
			}
		}
	}
	return out, nil
}

func sortEntries[T any](s []T, key func(T) string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && key(s[j]) < key(s[j-1]); j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func has(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// nonLatin reports whether s has letters outside the Latin script.
func nonLatin(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) && !unicode.Is(unicode.Latin, r) {
			return true
		}
	}
	return false
}
