// Package uscn reads the CSV tables OpenSanctions keeps of US lists about
// Chinese entities (DoD 1260H and 1286, FCC Covered List, BIS MIEU, NDAA
// 889/5949/154) and of China's counter-sanctions. Each table is read
// through a Mapping from its header columns to semantic fields
// (docs/column-mappings.md).
//
// These tables have one row per listing period or edition, so rows with
// the same name key are merged into one entity with one designation per
// row. Merging needs the whole table: Parse reads all rows before it
// yields the first record (the tables are under 200 KB). A bad row
// therefore stops the parse before anything is yielded.
package uscn

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"ties"
	"ties/sources"
)

// Stats counts what a parse read.
type Stats struct {
	Rows    int // data rows read
	Records int // entities yielded
	Skipped int // rows naming no entity (FCC rows that cover a product class)
}

// Parse reads a table with mapping m and yields one record per entity.
func Parse(r io.Reader, file string, m Mapping) iter.Seq2[ties.Record, error] {
	return ParseStats(r, file, &m, nil)
}

// ParseAuto picks the mapping from the table's header (MappingFor) and
// reads the table with it.
func ParseAuto(r io.Reader, file string) iter.Seq2[ties.Record, error] {
	return ParseStats(r, file, nil, nil)
}

// ParseStats is Parse (m not nil) or ParseAuto (m nil) that also fills st
// when it is not nil.
func ParseStats(r io.Reader, file string, m *Mapping, st *Stats) iter.Seq2[ties.Record, error] {
	return func(yield func(ties.Record, error) bool) {
		recs, err := parseTable(r, file, m, st)
		if err != nil {
			yield(ties.Record{}, err)
			return
		}
		for _, rec := range recs {
			if st != nil {
				st.Records++
			}
			if !yield(rec, nil) {
				return
			}
		}
	}
}

type table struct {
	file  string
	m     Mapping
	cr    *csv.Reader
	head  []string
	index map[Field]int
}

func parseTable(r io.Reader, file string, m *Mapping, st *Stats) ([]ties.Record, error) {
	t := &table{file: file, cr: csv.NewReader(r)}
	head, err := t.cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, &sources.Error{File: file, Line: 1, Err: errors.New("empty file: no header")}
	}
	if err != nil {
		return nil, t.csvError(err)
	}
	if err := t.checkUTF8(head, 1); err != nil {
		return nil, err
	}
	t.head = head
	var first []string
	if m == nil {
		// The first data row may be needed to tell tables apart.
		first, err = t.cr.Read()
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, t.csvError(err)
		}
		found, err := MappingFor(head, first)
		if err != nil {
			return nil, &sources.Error{File: file, Line: 1, Err: err}
		}
		m = &found
	}
	t.m = *m
	idx, missing := columnIndex(head, t.m)
	if missing != "" {
		return nil, &sources.Error{File: file, Line: 1, Field: missing,
			Err: fmt.Errorf("header lacks column %q of mapping %s", missing, t.m.Name)}
	}
	t.index = idx

	m2 := newMerger(t.m)
	for {
		var row []string
		if first != nil {
			row, first = first, nil
		} else if row, err = t.cr.Read(); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, t.csvError(err)
		}
		line, _ := t.cr.FieldPos(0)
		if st != nil {
			st.Rows++
		}
		if err := t.checkUTF8(row, line); err != nil {
			return nil, err
		}
		parsed, err := t.row(row, line)
		if err != nil {
			return nil, err
		}
		if len(parsed) == 0 && st != nil {
			st.Skipped++
		}
		for _, p := range parsed {
			m2.add(p)
		}
	}
	return m2.records(), nil
}

func (t *table) csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		// pe.Column is a byte position, not a field index, so it goes
		// into the message rather than Field.
		se := &sources.Error{File: t.file, Line: pe.Line, Err: fmt.Errorf("column %d: %w", pe.Column, pe.Err)}
		if errors.Is(pe.Err, csv.ErrFieldCount) {
			se.Err = fmt.Errorf("%w: header has %d columns", pe.Err, len(t.head))
		}
		return se
	}
	return &sources.Error{File: t.file, Err: err}
}

func (t *table) checkUTF8(row []string, line int) error {
	for i, c := range row {
		if !utf8.ValidString(c) {
			field := ""
			if i < len(t.head) {
				field = cleanHeader(t.head[i])
			}
			return &sources.Error{File: t.file, Line: line, Field: field, Err: errors.New("invalid UTF-8")}
		}
	}
	return nil
}

// cell returns the trimmed value of field f, "" when unmapped.
func (t *table) cell(row []string, f Field) string {
	i, ok := t.index[f]
	if !ok || i >= len(row) {
		return ""
	}
	return strings.TrimSpace(row[i])
}

func (t *table) split(row []string, f Field) []string {
	v := t.cell(row, f)
	if v == "" {
		return nil
	}
	parts := []string{v}
	if t.m.Separator != "" {
		parts = strings.Split(v, t.m.Separator)
	}
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// rowEntity is one entity read from one row, before merging.
type rowEntity struct {
	key     string
	entity  ties.Entity
	desig   ties.Designation
	sortKey ties.Date
}

// row reads one data row; it names no entity, one, or (FCC, a company and
// its subsidiary) several.
func (t *table) row(row []string, line int) ([]rowEntity, error) {
	fail := func(f Field, err error) ([]rowEntity, error) {
		return nil, &sources.Error{File: t.file, Line: line, Field: t.m.Columns[f], Err: err}
	}
	var names []string
	var parent string
	if _, ok := t.index[FieldName]; ok {
		n := t.cell(row, FieldName)
		if n == "" {
			return fail(FieldName, errors.New("empty name"))
		}
		names = []string{n}
	} else {
		names = CoveredEntities(t.cell(row, FieldDescription))
		if len(names) == 0 {
			return nil, nil
		}
	}
	kind := t.m.Kind
	if k := t.cell(row, FieldKind); k != "" {
		var err error
		if kind, err = ties.ParseEntityKind(k); err != nil {
			return fail(FieldKind, err)
		}
	}
	dates := map[Field]ties.Date{}
	for _, f := range dateFields {
		d, err := t.date(t.cell(row, f))
		if err != nil {
			return fail(f, err)
		}
		dates[f] = d
	}
	start := dates[FieldStart]
	if start.IsZero() {
		start = dates[FieldEdition]
	}
	program := t.cell(row, FieldProgram)
	if program == "" {
		program = t.m.Program
	}
	parent = t.cell(row, FieldParent)

	var out []rowEntity
	for i, name := range names {
		key := NameKey(name)
		if key == "" {
			return fail(FieldName, fmt.Errorf("name %q has no letters or digits", name))
		}
		e := ties.Entity{ID: t.m.Name + ":" + key, Kind: kind}
		e.Names = append(e.Names, ties.Name{Text: name, Type: ties.NamePrimary})
		if i == 0 {
			for _, a := range t.split(row, FieldAlias) {
				e.Names = append(e.Names, ties.Name{Text: a, Type: aliasType(a)})
			}
			for _, a := range t.split(row, FieldFormer) {
				e.Names = append(e.Names, ties.Name{Text: a, Type: ties.NameFormer})
			}
			if n := t.cell(row, FieldNative); n != "" {
				e.Names = append(e.Names, ties.Name{Text: n, Type: ties.NameNative, Lang: nativeLang(n)})
			}
			for _, c := range t.split(row, FieldCountry) {
				e.Countries = append(e.Countries, countryCode(c))
			}
			if q := t.cell(row, FieldWikidata); q != "" {
				e.Identifiers = append(e.Identifiers, ties.Identifier{Scheme: "wikidata", Value: q})
			}
			if a := t.cell(row, FieldAddress); a != "" {
				e.Addresses = append(e.Addresses, ties.Address{Text: a})
			}
			e.Remarks = t.cell(row, FieldNote)
		}
		d := ties.Designation{
			EntityID:  e.ID,
			ListID:    t.m.ListID,
			SourceID:  name, // these tables have no ids: the name as the row gives it
			Start:     start,
			End:       dates[FieldEnd],
			Authority: t.cell(row, FieldAuthority),
			Program:   program,
			SourceURL: t.cell(row, FieldSourceURL),
			Parent:    parent,
		}
		if i > 0 {
			d.Parent = names[0] // FCC: "X and its wholly-owned subsidiary Y"
		}
		out = append(out, rowEntity{key: key, entity: e, desig: d, sortKey: start})
	}
	return out, nil
}

// date reads a date cell: YYYY[-MM[-DD]] or one of the mapping's layouts.
// FCC cells append amendments ("December 22, 2025Updated:January 7,
// 2026"); the first date is the inclusion date.
func (t *table) date(s string) (ties.Date, error) {
	s, _, _ = strings.Cut(s, "Updated:")
	s = strings.TrimSpace(s)
	d, err := ties.ParseDate(s)
	if err == nil {
		return d, nil
	}
	for _, layout := range t.m.DateLayouts {
		if tm, perr := time.Parse(layout, s); perr == nil {
			return ties.Date{Year: tm.Year(), Month: int(tm.Month()), Day: tm.Day()}, nil
		}
	}
	return ties.Date{}, err
}

// merger collects row entities by name key, in order of first appearance.
type merger struct {
	m     Mapping
	order []string
	byKey map[string]*ties.Record
}

func newMerger(m Mapping) *merger {
	return &merger{m: m, byKey: map[string]*ties.Record{}}
}

func (mg *merger) add(p rowEntity) {
	rec, ok := mg.byKey[p.key]
	if !ok {
		rec = &ties.Record{Entity: p.entity, Lists: []ties.List{mg.m.List()}}
		mg.byKey[p.key] = rec
		mg.order = append(mg.order, p.key)
	} else {
		e := &rec.Entity
		for _, n := range p.entity.Names {
			if n.Type == ties.NamePrimary {
				n.Type = ties.NameAlias // another spelling of the name in a later edition
			}
			if !slices.ContainsFunc(e.Names, func(o ties.Name) bool { return o.Text == n.Text }) {
				e.Names = append(e.Names, n)
			}
		}
		for _, c := range p.entity.Countries {
			if !slices.Contains(e.Countries, c) {
				e.Countries = append(e.Countries, c)
			}
		}
		for _, id := range p.entity.Identifiers {
			if !slices.Contains(e.Identifiers, id) {
				e.Identifiers = append(e.Identifiers, id)
			}
		}
		for _, a := range p.entity.Addresses {
			if !slices.Contains(e.Addresses, a) {
				e.Addresses = append(e.Addresses, a)
			}
		}
		if r := p.entity.Remarks; r != "" && !strings.Contains(e.Remarks, r) {
			if e.Remarks != "" {
				e.Remarks += "; "
			}
			e.Remarks += r
		}
	}
	if !slices.Contains(rec.Designations, p.desig) {
		rec.Designations = append(rec.Designations, p.desig)
	}
}

func (mg *merger) records() []ties.Record {
	out := make([]ties.Record, 0, len(mg.order))
	for _, k := range mg.order {
		rec := mg.byKey[k]
		rec.Entity.Names = dedupeNames(rec.Entity.Names)
		slices.SortStableFunc(rec.Designations, func(a, b ties.Designation) int { return a.Start.Compare(b.Start) })
		out = append(out, *rec)
	}
	return out
}

// dedupeNames drops repeated texts, keeping the first role given.
func dedupeNames(ns []ties.Name) []ties.Name {
	var out []ties.Name
	for _, n := range ns {
		if !slices.ContainsFunc(out, func(o ties.Name) bool { return o.Text == n.Text }) {
			out = append(out, n)
		}
	}
	return out
}

var (
	apostrophes = strings.NewReplacer("’", "", "‘", "", "'", "", "`", "")
	parenthesis = regexp.MustCompile(`\s*\(([^()]*)\)`)
)

// NameKey is the merge key and ID part of a name: lower case, letters and
// digits joined by "-", apostrophes dropped, and a parenthesised part
// dropped when it ends the name or is an acronym ("(CAS)", "(ICT)"), as
// editions add or omit those. A parenthesised place inside a name, as in
// "Semiconductor Manufacturing International (Beijing) Corporation", is
// kept: it tells subsidiaries apart.
func NameKey(name string) string {
	s := strings.TrimSpace(apostrophes.Replace(name))
	s = strings.TrimRight(s, "*. ")
	locs := parenthesis.FindAllStringSubmatchIndex(s, -1)
	for i := len(locs) - 1; i >= 0; i-- {
		l := locs[i]
		inner := s[l[2]:l[3]]
		atEnd := strings.TrimRight(s[l[1]:], "*. ") == ""
		if atEnd || isAcronym(inner) {
			s = s[:l[0]] + " " + s[l[1]:]
		}
	}
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		} else {
			dash = true
		}
	}
	return b.String()
}

// isAcronym: no lower-case letters, at most 12 runes, at least one letter.
func isAcronym(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" || utf8.RuneCountInString(s) > 12 {
		return false
	}
	letters := 0
	for _, r := range s {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsLetter(r) {
			if !unicode.Is(unicode.Latin, r) {
				return false
			}
			letters++
		}
	}
	return letters > 0
}

// aliasType: acronyms ("AMEC", "CAS ICT") are abbreviations, names in
// another script native names, the rest aliases.
func aliasType(a string) ties.NameType {
	switch {
	case isAcronym(a):
		return ties.NameAbbreviation
	case nativeLang(a) != "":
		return ties.NameNative
	}
	return ties.NameAlias
}

// nativeLang returns "zh" for names written mostly in Han characters,
// "und" for other non-Latin scripts, "" for Latin-script names.
func nativeLang(s string) string {
	latin, han, other := 0, 0, 0
	for _, r := range s {
		switch {
		case !unicode.IsLetter(r):
		case unicode.Is(unicode.Latin, r):
			latin++
		case unicode.Is(unicode.Han, r):
			han++
		default:
			other++
		}
	}
	switch {
	case han+other <= latin:
		return ""
	case han >= other:
		return "zh"
	}
	return "und"
}

// countryNames maps the English country names the tables use to ISO codes.
var countryNames = map[string]string{
	"china": "CN", "russia": "RU", "iran": "IR", "japan": "JP", "germany": "DE",
	"belgium": "BE", "czech republic": "CZ", "czechia": "CZ", "united states": "US",
	"taiwan": "TW", "north korea": "KP", "cuba": "CU", "venezuela": "VE",
	"myanmar": "MM", "burma": "MM", "cambodia": "KH", "belarus": "BY", "syria": "SY",
	"united kingdom": "GB", "canada": "CA", "france": "FR", "lithuania": "LT",
}

// countryCode returns the ISO code of an ISO code or known English name,
// else the text as given.
func countryCode(c string) string {
	if code, ok := countryNames[strings.ToLower(c)]; ok {
		return code
	}
	if len(c) == 2 {
		return strings.ToUpper(c)
	}
	return c
}

var coveredBy = regexp.MustCompile(`\b(?:produced|provided|supplied)(?:,? directly or indirectly,)?(?: or provided)? by (.+?)(?:,? including\b|,? to the extent\b|,? subject to\b| or any of\b|\.?$)`)

// CoveredEntities extracts the company names from an FCC Covered List
// entry ("Telecommunications equipment produced by Huawei Technologies
// Company, including ..."). It returns none for entries covering a class
// of products ("Routers produced in a foreign country"), and the company
// first, its subsidiary second for "X and its wholly-owned subsidiary Y".
func CoveredEntities(desc string) []string {
	m := coveredBy.FindStringSubmatch(strings.TrimSpace(desc))
	if m == nil {
		return nil
	}
	var out []string
	for _, n := range strings.Split(m[1], " and its wholly-owned subsidiary ") {
		if n = strings.TrimSpace(n); n != "" {
			out = append(out, n)
		}
	}
	return out
}
