// Package csl reads the trade.gov Consolidated Screening List (CSL), in its
// CSV download form and in the JSON form of the trade.gov API. It does no
// I/O beyond the reader it is given.
//
// Each CSV row (or JSON result) becomes one ties.Record with one
// designation. The same entity may appear on several CSL sources (an SDN
// entry is often also on the SSI or CAPTA list, with the same _id): each row
// then yields its own record with the same entity ID "csl:<_id>" and a
// designation on its own list, for the store to merge.
package csl

import (
	"strings"

	"ties"
)

// row is one CSL entry with its multi-valued fields already split; the CSV
// and JSON readers both fill it.
type row struct {
	id, source, entityNumber, kind, programs, name, title string
	fedReg, start, end, licensePolicy, callSign           string
	remarks, sourceListURL, sourceInfoURL                 string
	addresses                                             []ties.Address
	altNames, citizenships, datesOfBirth, nationalities   []string
	ids                                                   []ties.Identifier
}

// build turns a row into a record. Field errors (bad dates) are returned
// with the CSV column name so callers can say where.
func (r *row) build() (ties.Record, string, error) {
	list := ParseSource(r.source)
	e := ties.Entity{ID: "csl:" + r.id, Kind: entityKind(r.kind, list.ID), Remarks: r.remarks}

	name, rest := cleanPrimary(r.name)
	// The boilerplate cut from the name and the title (an SDN person's
	// post) go in front of the remarks, so nothing the list says is lost.
	for _, s := range []string{r.title, rest} {
		if s == "" {
			continue
		}
		if e.Remarks != "" {
			e.Remarks = s + "; " + e.Remarks
		} else {
			e.Remarks = s
		}
	}
	if name != "" {
		e.Names = append(e.Names, ties.Name{Text: name, Type: ties.NamePrimary})
	}
	primaryHasLower := strings.ToUpper(name) != name
	seen := map[string]bool{name: true}
	for _, a := range r.altNames {
		if seen[a] || a == "" {
			continue
		}
		seen[a] = true
		t := ties.NameAlias
		if primaryHasLower && isAbbreviation(a) {
			t = ties.NameAbbreviation
		}
		e.Names = append(e.Names, ties.Name{Text: a, Type: t})
	}

	countries := map[string]bool{}
	addCountry := func(c string) {
		c = strings.TrimSpace(c)
		if len(c) == 2 && isUpperASCII(c) && !countries[c] {
			countries[c] = true
			e.Countries = append(e.Countries, c)
		}
	}
	for _, c := range r.citizenships {
		addCountry(c)
	}
	for _, c := range r.nationalities {
		addCountry(c)
	}
	for _, a := range r.addresses {
		addCountry(a.Country)
	}
	e.Addresses = r.addresses
	e.Identifiers = r.ids
	if r.callSign != "" {
		e.Identifiers = append(e.Identifiers, ties.Identifier{Scheme: "Call Sign", Value: r.callSign})
	}
	if r.entityNumber != "" && r.entityNumber != r.id {
		e.Identifiers = append(e.Identifiers, ties.Identifier{Scheme: "entity_number", Value: r.entityNumber})
	}
	for _, d := range r.datesOfBirth {
		d = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(d), "circa "))
		if _, err := ties.ParseDate(d); err == nil && d != "" {
			e.Dates = append(e.Dates, ties.EntityDate{Type: "birth", Value: d})
		}
	}

	des := ties.Designation{
		EntityID:      e.ID,
		ListID:        list.ID,
		SourceID:      r.id,
		Authority:     strings.TrimSpace(r.fedReg),
		Program:       r.programs,
		LicensePolicy: strings.TrimSpace(r.licensePolicy),
		SourceURL:     r.sourceListURL,
	}
	if des.SourceURL == "" {
		des.SourceURL = r.sourceInfoURL
	}
	var err error
	if des.Start, err = ties.ParseDate(r.start); err != nil {
		return ties.Record{}, "start_date", err
	}
	if des.End, err = ties.ParseDate(r.end); err != nil {
		return ties.Record{}, "end_date", err
	}
	return ties.Record{Entity: e, Designations: []ties.Designation{des}, Lists: []ties.List{list}}, "", nil
}

// ParseSource reads a CSL source label such as "Entity List (EL) - Bureau
// of Industry and Security" into a List {EL, Entity List, Bureau of
// Industry and Security}. The code is the parenthesized part, without a
// trailing " List" ("NS-MBS List" -> "NS-MBS").
func ParseSource(s string) ties.List {
	s = strings.TrimSpace(s)
	name, authority := s, ""
	if i := strings.LastIndex(s, " - "); i >= 0 {
		name, authority = strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+3:])
	}
	id := ""
	if open := strings.LastIndexByte(name, '('); open >= 0 {
		if close := strings.IndexByte(name[open:], ')'); close > 0 {
			id = strings.TrimSuffix(strings.TrimSpace(name[open+1:open+close]), " List")
			name = strings.Join(strings.Fields(name[:open]+" "+name[open+close+1:]), " ")
		}
	}
	if id == "" {
		id = name
	}
	return ties.List{ID: id, Name: name, Authority: authority}
}

// entityKind maps the CSL type column. BIS and State lists leave it empty:
// the Entity List, MEU and Unverified List name organizations, while the
// Denied Persons and ITAR Debarred lists mix people and firms (other).
func entityKind(t, listID string) ties.EntityKind {
	switch strings.ToLower(strings.TrimSpace(t)) {
	case "individual":
		return ties.KindPerson
	case "entity":
		return ties.KindOrganization
	case "vessel":
		return ties.KindVessel
	case "aircraft":
		return ties.KindAircraft
	case "":
		switch listID {
		case "DPL", "DTC":
			return ties.KindOther
		}
		return ties.KindOrganization
	}
	return ties.KindOther
}

// cleanPrimary splits off the boilerplate some lists append to a name
// ("X; and any successor, sub-unit, or subsidiary thereof").
func cleanPrimary(s string) (name, rest string) {
	s = strings.TrimSpace(s)
	if i := strings.Index(s, "; and any successor"); i >= 0 {
		return strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+2:])
	}
	return s, ""
}

// splitList splits a "; "-separated CSL cell; the last item may start with
// "and " ("A; B; and C").
func splitList(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	parts := strings.Split(s, ";")
	out := parts[:0]
	for i, p := range parts {
		p = strings.TrimSpace(p)
		if i == len(parts)-1 && i > 0 {
			p = strings.TrimSpace(strings.TrimPrefix(p, "and "))
		}
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// isAbbreviation is true for a single short all-capitals token such as
// "ICT" or "CETC"; it is only asked when the primary name is in mixed
// case, since SDN names are all capitals throughout.
func isAbbreviation(s string) bool {
	if len(s) < 2 || len(s) > 8 {
		return false
	}
	letters := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z':
			letters++
		case c >= '0' && c <= '9', c == '-', c == '&':
		default:
			return false
		}
	}
	return letters >= 2
}

func isUpperASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// parseAddresses splits the CSV addresses cell: "street, city, CC; ...".
// The last comma-separated part is the country when it is a two-letter
// code.
func parseAddresses(s string) []ties.Address {
	var out []ties.Address
	for _, a := range splitList(s) {
		addr := ties.Address{Text: a}
		last := a
		if i := strings.LastIndex(a, ","); i >= 0 {
			last = a[i+1:]
		}
		if last = strings.TrimSpace(last); len(last) == 2 && isUpperASCII(last) {
			addr.Country = last
		}
		out = append(out, addr)
	}
	return out
}

// skipIDTypes are "ids" entries that carry sanctions notes or facts
// rather than identifiers.
var skipIDTypes = map[string]bool{
	"Gender": true, "Target Type": true, "Organization Type:": true,
	"Aircraft Model": true, "Aircraft Operator": true, "Issuer Name": true,
}

// parseIDs reads the CSV ids cell: "CC, number, type; number, type; ...".
// The value is the part just before the type; types that end in ":" or
// "-" or name a date are notes, not identifiers, and are skipped.
func parseIDs(s string) []ties.Identifier {
	var out []ties.Identifier
	for _, item := range splitList(s) {
		i := strings.LastIndex(item, ", ")
		if i < 0 {
			continue
		}
		scheme, before := strings.TrimSpace(item[i+2:]), item[:i]
		if skipIDTypes[scheme] || strings.HasSuffix(scheme, ":") || strings.HasSuffix(scheme, "-") ||
			strings.Contains(scheme, "Date") || strings.Contains(scheme, "Information") {
			continue
		}
		value := before
		if j := strings.LastIndex(before, ", "); j >= 0 {
			value = before[j+2:]
		}
		if value = strings.TrimSpace(value); value != "" {
			out = append(out, ties.Identifier{Scheme: scheme, Value: value})
		}
	}
	return out
}
