// Package ftm reads FollowTheMoney (FtM) entity files as published by
// OpenSanctions: JSON lines, one entity per line. Thing schemas (Person,
// Organization, Company, LegalEntity, PublicBody, Vessel, Airplane) become
// records. The relation schemas Ownership, Directorship, Employment and
// Membership become ties when the caller asks for them (ParseWith with
// Options.Ties); every other schema (Payment, Address, Sanction, ...) is
// skipped and counted in Stats, because it describes a detail rather than
// a party one could screen against.
package ftm

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"ties"
	"ties/sources"
)

// IDPrefix starts every entity ID: "ftm:<FtM id>". FtM ids are stable
// across OpenSanctions releases, so ours are too.
const IDPrefix = "ftm:"

// maxLine bounds one JSON line; real entities are a few KB.
const maxLine = 16 << 20

// SchemaKinds maps the FtM schemas read as list entries to entity kinds.
var SchemaKinds = map[string]ties.EntityKind{
	"Person":       ties.KindPerson,
	"Organization": ties.KindOrganization,
	"Company":      ties.KindOrganization,
	"LegalEntity":  ties.KindOrganization,
	"PublicBody":   ties.KindOrganization,
	"Vessel":       ties.KindVessel,
	"Airplane":     ties.KindAircraft,
}

// identifierProps are the FtM properties read as identifiers; the scheme
// is the property name, so it can be traced back to the FtM model.
var identifierProps = []string{
	"registrationNumber", "innCode", "ogrnCode", "okpoCode", "leiCode",
	"taxNumber", "vatCode", "swiftBic", "dunsCode", "idNumber",
	"passportNumber", "imoNumber", "mmsi", "callSign",
	"icaoCode", "serialNumber", "wikidataId",
}

// dateProps are the FtM properties read as entity dates, with our type.
var dateProps = []struct{ prop, typ string }{
	{"birthDate", "birth"},
	{"deathDate", "death"},
	{"incorporationDate", "incorporation"},
	{"dissolutionDate", "dissolution"},
	{"buildDate", "built"},
}

// countryProps are read into Entity.Countries (upper-cased codes).
var countryProps = []string{"country", "nationality", "citizenship", "jurisdiction", "mainCountry", "flag"}

// Stats counts what a parse read and skipped.
type Stats struct {
	Lines   int            // non-blank lines read
	Records int            // records yielded
	Ties    int            // relations passed to Options.Ties
	Skipped map[string]int // entities not yielded, by schema; "<schema> (no name)" for nameless things
}

// Options controls ParseWith.
type Options struct {
	// Stats, when not nil, is filled with what was read and skipped.
	Stats *Stats
	// Ties, when not nil, is called with the tie of each relation entity
	// (Ownership, Directorship, Employment, Membership), in file order;
	// when nil those entities are skipped and counted like other schemas.
	Ties func(ties.Tie)
}

func (s *Stats) skip(reason string) {
	if s == nil {
		return
	}
	if s.Skipped == nil {
		s.Skipped = map[string]int{}
	}
	s.Skipped[reason]++
}

// Parse yields one record per thing entity in r. Iteration stops after the
// first error, a *sources.Error naming file and line.
func Parse(r io.Reader, file string) iter.Seq2[ties.Record, error] {
	return ParseStats(r, file, nil)
}

// ParseStats is Parse that also fills st (when not nil) with what was read
// and skipped.
func ParseStats(r io.Reader, file string, st *Stats) iter.Seq2[ties.Record, error] {
	return ParseWith(r, file, Options{Stats: st})
}

// ParseWith is Parse with options: statistics, and the relations as ties.
func ParseWith(r io.Reader, file string, opt Options) iter.Seq2[ties.Record, error] {
	st := opt.Stats
	return func(yield func(ties.Record, error) bool) {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 0, 64<<10), maxLine)
		line := 0
		for sc.Scan() {
			line++
			b := sc.Bytes()
			if len(strings.TrimSpace(string(b))) == 0 {
				continue
			}
			if st != nil {
				st.Lines++
			}
			rec, ok, err := parseLine(b, file, line, st, opt.Ties)
			if err != nil {
				yield(ties.Record{}, err)
				return
			}
			if !ok {
				continue
			}
			if st != nil {
				st.Records++
			}
			if !yield(rec, nil) {
				return
			}
		}
		if err := sc.Err(); err != nil {
			if errors.Is(err, bufio.ErrTooLong) {
				err = fmt.Errorf("line longer than %d bytes", maxLine)
			}
			yield(ties.Record{}, &sources.Error{File: file, Line: line + 1, Err: err})
		}
	}
}

type entityJSON struct {
	ID         string              `json:"id"`
	Schema     string              `json:"schema"`
	Properties map[string][]string `json:"properties"`
	Datasets   []string            `json:"datasets"`
	FirstSeen  string              `json:"first_seen"`
}

func parseLine(b []byte, file string, line int, st *Stats, onTie func(ties.Tie)) (ties.Record, bool, error) {
	fail := func(field string, err error) (ties.Record, bool, error) {
		return ties.Record{}, false, &sources.Error{File: file, Line: line, Field: field, Err: err}
	}
	if !utf8.Valid(b) {
		return fail("", errors.New("invalid UTF-8"))
	}
	var e entityJSON
	if err := json.Unmarshal(b, &e); err != nil {
		return fail("", fmt.Errorf("not an FtM entity: %w", err))
	}
	if strings.TrimSpace(e.ID) == "" {
		return fail("id", errors.New("missing entity id"))
	}
	if e.Schema == "" {
		return fail("schema", errors.New("missing schema"))
	}
	kind, ok := SchemaKinds[e.Schema]
	if rel, isRel := Relations[e.Schema]; isRel && onTie != nil {
		t, why, field, err := relationTie(&e, rel, file, line)
		switch {
		case err != nil:
			return fail(field, err)
		case why != "":
			st.skip(e.Schema + " (" + why + ")")
		default:
			if st != nil {
				st.Ties++
			}
			onTie(t)
		}
		return ties.Record{}, false, nil
	}
	if !ok {
		st.skip(e.Schema)
		return ties.Record{}, false, nil
	}
	ent := ties.Entity{ID: IDPrefix + e.ID, Kind: kind, Names: names(e.Properties)}
	if len(ent.Names) == 0 {
		st.skip(e.Schema + " (no name)")
		return ties.Record{}, false, nil
	}
	for _, p := range countryProps {
		for _, c := range e.Properties[p] {
			c = strings.ToUpper(strings.TrimSpace(c))
			if c != "" && !slices.Contains(ent.Countries, c) {
				ent.Countries = append(ent.Countries, c)
			}
		}
	}
	seenID := map[ties.Identifier]bool{}
	for _, p := range identifierProps {
		for _, v := range e.Properties[p] {
			id := ties.Identifier{Scheme: p, Value: strings.TrimSpace(v)}
			if id.Value != "" && !seenID[id] {
				seenID[id] = true
				ent.Identifiers = append(ent.Identifiers, id)
			}
		}
	}
	for _, dp := range dateProps {
		for _, v := range e.Properties[dp.prop] {
			d, err := parseDate(v)
			if err != nil {
				return fail("properties."+dp.prop, err)
			}
			if !d.IsZero() {
				ent.Dates = append(ent.Dates, ties.EntityDate{Type: dp.typ, Value: d.String()})
			}
		}
	}
	for _, a := range e.Properties["address"] {
		if a = strings.TrimSpace(a); a != "" {
			ent.Addresses = append(ent.Addresses, ties.Address{Text: a})
		}
	}
	ent.Remarks = strings.Join(nonEmpty(e.Properties["notes"]), "; ")

	// The listing date: createdAt is when the authority listed the entity;
	// first_seen only says when OpenSanctions first saw it, so it is the
	// fallback.
	var start ties.Date
	for _, v := range e.Properties["createdAt"] {
		d, err := parseDate(v)
		if err != nil {
			return fail("properties.createdAt", err)
		}
		if !d.IsZero() && (start.IsZero() || d.Before(start)) {
			start = d
		}
	}
	if start.IsZero() {
		d, err := parseDate(e.FirstSeen)
		if err != nil {
			return fail("first_seen", err)
		}
		start = d
	}
	rec := ties.Record{Entity: ent}
	for _, ds := range nonEmpty(e.Datasets) {
		if slices.ContainsFunc(rec.Lists, func(l ties.List) bool { return l.ID == ds }) {
			continue
		}
		rec.Designations = append(rec.Designations, ties.Designation{
			EntityID: ent.ID, ListID: ds, SourceID: e.ID, Start: start,
		})
		rec.Lists = append(rec.Lists, ties.List{ID: ds, Name: ds})
	}
	return rec, true, nil
}

// parseDate reads an FtM date, which may carry a time ("2023-04-20T18:00:25").
func parseDate(s string) (ties.Date, error) {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, "T "); i >= 0 {
		s = s[:i]
	}
	return ties.ParseDate(s)
}

// names collects the names of an entity. The primary name is the first
// "name" value in Latin script (the first "name" when none is): FtM lists
// names in no particular order, and a Latin primary is what reports show.
func names(props map[string][]string) []ties.Name {
	var out []ties.Name
	seen := map[string]bool{}
	add := func(text string, typ ties.NameType) {
		text = strings.TrimSpace(text)
		if text == "" || seen[text] {
			return
		}
		seen[text] = true
		out = append(out, ties.Name{Text: text, Type: typ})
	}
	given := nonEmpty(props["name"])
	primary := -1
	for i, n := range given {
		if !NonLatin(n) {
			primary = i
			break
		}
	}
	if primary < 0 && len(given) > 0 {
		primary = 0
	}
	if primary >= 0 {
		add(given[primary], ties.NamePrimary)
	}
	for _, prop := range []string{"name", "alias"} {
		for _, n := range props[prop] {
			typ := ties.NameAlias
			if NonLatin(n) {
				typ = ties.NameNative
			}
			add(n, typ)
		}
	}
	for _, n := range props["previousName"] {
		add(n, ties.NameFormer)
	}
	for _, n := range props["weakAlias"] {
		add(n, ties.NameAbbreviation)
	}
	return out
}

// NonLatin reports whether most letters of s are in a script other than
// Latin (Cyrillic, Greek, Han, Arabic, ...).
func NonLatin(s string) bool {
	latin, other := 0, 0
	for _, r := range s {
		switch {
		case !unicode.IsLetter(r):
		case unicode.Is(unicode.Latin, r):
			latin++
		default:
			other++
		}
	}
	return other > latin
}

func nonEmpty(vs []string) []string {
	var out []string
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}
