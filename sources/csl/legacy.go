package csl

//go:generate go run ../../tools/gencslsources -src ../../../shared/data/csl/consolidated-2022-05.csv.gz -out legacy_sources.go

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"ties"
	"ties/sources"
	"ties/sources/internal/country"
)

// The older CSL CSV layout (trade.gov until about 2017, and the per-list
// files BIS published in it: el.csv, meu.csv) has a "Source List" header
// and one row per entity, address and alternate name: an entity with two
// addresses and three aliases takes six rows, each repeating the entity's
// columns. There is no _id column, and BIS lists leave "Entity Number"
// empty.

// legacy columns, by header (lower case).
const (
	lgSource = iota
	lgEntityNumber
	lgType
	lgPrograms
	lgName
	lgTitle
	lgAddress
	lgCity
	lgState
	lgPostal
	lgCountry
	lgFedReg
	lgStart
	lgEnd
	lgLicensePolicy
	lgCallSign
	lgRemarks
	lgAltType
	lgAltName
	lgWebLink
	lgNum
)

var legacyColumns = map[string]int{
	"source list": lgSource, "entity number": lgEntityNumber, "sdn type": lgType,
	"programs": lgPrograms, "name": lgName, "title": lgTitle, "address": lgAddress,
	"city": lgCity, "state/province": lgState, "postal code": lgPostal, "country": lgCountry,
	"federal register notice": lgFedReg, "effective date": lgStart,
	"date lifted/waived/expired": lgEnd, "license policy": lgLicensePolicy,
	"call sign": lgCallSign, "remarks/notes": lgRemarks, "alternate type": lgAltType,
	"alternate name": lgAltName, "web link": lgWebLink,
}

// IsLegacyHeader reports whether a CSV header is the older CSL layout.
func IsLegacyHeader(header []string) bool {
	has := map[int]bool{}
	for _, h := range header {
		if c, ok := legacyColumns[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))]; ok {
			has[c] = true
		}
	}
	return has[lgSource] && has[lgName]
}

// ParseLegacy reads a CSV file in the older CSL layout. Consecutive rows of
// one entity (same list and entity number, or same list and name when the
// number is empty) become one record: addresses and alternate names are
// collected, and each distinct (Federal Register notice, dates, programs)
// is one designation. The entity id is "csl:<list>-<entity number>", or
// "csl:<list>-<name key>" (lower case, runs of other characters than
// letters and digits as "-"): the layout has no _id, so these ids differ
// from those of the current layout. Only one entity is held at a time.
//
// C1 control characters (U+0080-U+009F), which these files hold where a
// Windows-1252 quote was decoded as Latin-1 (Sa\u0092id), are read as the
// Windows-1252 characters they stand for (Sa’id). Iteration stops after the
// first error, a *sources.Error with the line and column.
func ParseLegacy(r io.Reader, file string) iter.Seq2[ties.Record, error] {
	return func(yield func(ties.Record, error) bool) {
		fail := func(line int, field string, err error) {
			yield(ties.Record{}, &sources.Error{File: file, Line: line, Field: field, Err: err})
		}
		cr := csv.NewReader(r)
		cr.FieldsPerRecord = -1
		cr.ReuseRecord = true
		header, err := cr.Read()
		header = slices.Clone(header)
		if errors.Is(err, io.EOF) {
			fail(0, "", errors.New("empty file"))
			return
		}
		if err != nil {
			fail(csvLine(err, 1), "", csvErr(err))
			return
		}
		var pos [lgNum]int
		for i := range pos {
			pos[i] = -1
		}
		for i, h := range header {
			if c, ok := legacyColumns[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))]; ok && pos[c] < 0 {
				pos[c] = i
			}
		}
		for _, c := range []struct {
			col  int
			name string
		}{{lgSource, "Source List"}, {lgName, "Name"}} {
			if pos[c.col] < 0 {
				fail(1, c.name, fmt.Errorf("header has no %q column (is this a CSL CSV file in the older layout?)", c.name))
				return
			}
		}
		var cur *legacyEntity
		line, rows := 1, 0
		for {
			rec, err := cr.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				fail(csvLine(err, line+1), "", csvErr(err))
				return
			}
			line, _ = cr.FieldPos(0)
			if len(rec) > len(header) {
				fail(line, "", fmt.Errorf("%d fields, the header has %d", len(rec), len(header)))
				return
			}
			for i, v := range rec {
				if !utf8.ValidString(v) {
					l, _ := cr.FieldPos(i)
					fail(l, header[i], errors.New("invalid UTF-8"))
					return
				}
			}
			get := func(c int) string {
				if pos[c] < 0 || pos[c] >= len(rec) {
					return ""
				}
				return strings.TrimSpace(fixC1(rec[pos[c]]))
			}
			if strings.Join(rec, "") == "" {
				continue
			}
			rows++
			code, name := get(lgSource), get(lgName)
			if code == "" {
				fail(line, "Source List", errors.New("empty list code"))
				return
			}
			if name == "" {
				fail(line, "Name", errors.New("empty name"))
				return
			}
			key := get(lgEntityNumber)
			if key == "" {
				key = nameKey(name)
			}
			id := "csl:" + code + "-" + key
			if cur != nil && cur.rec.Entity.ID != id {
				if !yield(cur.rec, nil) {
					return
				}
				cur = nil
			}
			if cur == nil {
				cur = newLegacyEntity(id, code, name, get(lgType), key)
			}
			if field, err := cur.add(get); err != nil {
				fail(line, field, err)
				return
			}
		}
		if rows == 0 {
			fail(0, "", errors.New("no rows after the header"))
			return
		}
		if cur != nil {
			yield(cur.rec, nil)
		}
	}
}

// legacyEntity gathers the rows of one entity.
type legacyEntity struct {
	rec       ties.Record
	list      ties.List
	seen      map[string]bool // names, addresses, remarks, designations
	countries map[string]bool
}

func newLegacyEntity(id, code, name, kind, key string) *legacyEntity {
	list := ties.List{ID: code, Name: code}
	if label, ok := legacySources[code]; ok {
		list = ParseSource(label)
	}
	primary, rest := cleanPrimary(name)
	e := ties.Entity{ID: id, Kind: entityKind(kind, list.ID), Remarks: rest}
	e.Names = []ties.Name{{Text: primary, Type: ties.NamePrimary}}
	le := &legacyEntity{
		rec:       ties.Record{Entity: e, Lists: []ties.List{list}},
		list:      list,
		seen:      map[string]bool{"name:" + primary: true},
		countries: map[string]bool{},
	}
	return le
}

// add folds one row into the entity.
func (le *legacyEntity) add(get func(int) string) (string, error) {
	e := &le.rec.Entity
	first := func(key string) bool {
		if le.seen[key] {
			return false
		}
		le.seen[key] = true
		return true
	}
	if alt := get(lgAltName); alt != "" && first("name:"+alt) {
		t := ties.NameAlias
		switch strings.ToLower(strings.Trim(get(lgAltType), ". ")) {
		case "f.k.a", "fka":
			t = ties.NameFormer
		}
		e.Names = append(e.Names, ties.Name{Text: alt, Type: t})
	}
	cc := country.Code(get(lgCountry))
	var parts []string
	for _, c := range []int{lgAddress, lgCity, lgState, lgPostal, lgCountry} {
		if v := get(c); v != "" {
			parts = append(parts, v)
		}
	}
	if text := strings.Join(parts, ", "); text != "" && first("addr:"+text) {
		e.Addresses = append(e.Addresses, ties.Address{Text: text, Country: cc})
	}
	if cc != "" && !le.countries[cc] {
		le.countries[cc] = true
		e.Countries = append(e.Countries, cc)
	}
	for _, s := range []string{get(lgTitle), get(lgRemarks)} {
		if s != "" && first("remark:"+s) {
			if e.Remarks != "" {
				e.Remarks += "; "
			}
			e.Remarks += s
		}
	}
	if cs := get(lgCallSign); cs != "" && first("cs:"+cs) {
		e.Identifiers = append(e.Identifiers, ties.Identifier{Scheme: "Call Sign", Value: cs})
	}
	if n := get(lgEntityNumber); n != "" && first("num:"+n) {
		e.Identifiers = append(e.Identifiers, ties.Identifier{Scheme: "entity_number", Value: n})
	}
	start, err := legacyDate(get(lgStart))
	if err != nil {
		return "Effective Date", err
	}
	end, err := legacyDate(get(lgEnd))
	if err != nil {
		return "Date Lifted/Waived/Expired", err
	}
	d := ties.Designation{
		EntityID:      e.ID,
		ListID:        le.list.ID,
		SourceID:      strings.TrimPrefix(e.ID, "csl:"),
		Start:         start,
		End:           end,
		Authority:     get(lgFedReg),
		Program:       get(lgPrograms),
		LicensePolicy: get(lgLicensePolicy),
		SourceURL:     get(lgWebLink),
	}
	if first(fmt.Sprintf("des:%s|%s|%s|%s", d.Authority, d.Start, d.End, d.Program)) {
		le.rec.Designations = append(le.rec.Designations, d)
	}
	return "", nil
}

// legacyDate reads the layout's M/D/YYYY dates (and ISO dates).
func legacyDate(s string) (ties.Date, error) {
	if s == "" {
		return ties.Date{}, nil
	}
	if t, err := time.Parse("1/2/2006", s); err == nil {
		return ties.ParseDate(t.Format("2006-01-02"))
	}
	d, err := ties.ParseDate(s)
	if err != nil {
		return ties.Date{}, fmt.Errorf("date %q is neither M/D/YYYY nor YYYY[-MM[-DD]]", s)
	}
	return d, nil
}

// nameKey is a name in lower case with runs of anything but letters and
// digits as one "-".
func nameKey(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
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

// c1 holds the Windows-1252 characters of U+0080-U+009F.
var c1 = [32]rune{
	'€', 0x81, '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', 0x8D, 'Ž', 0x8F,
	0x90, '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', 0x9D, 'ž', 'Ÿ',
}

// fixC1 replaces C1 control characters by the Windows-1252 characters
// they were decoded from.
func fixC1(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r >= 0x80 && r < 0xA0 }) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r >= 0x80 && r < 0xA0 {
			return c1[r-0x80]
		}
		return r
	}, s)
}
