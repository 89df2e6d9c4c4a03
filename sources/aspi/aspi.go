// Package aspi reads the ASPI China Defence Universities Tracker as
// published in MISP galaxy form (a JSON object with values[]) into a
// ties.Graph.
//
// Each value becomes an organization "aspi:<uuid>": the English name is
// primary, the Chinese name in the value's trailing parentheses and every
// Han-script alias are native names (lang zh), short capitalised aliases
// abbreviations, other aliases aliases. Country is CN (the tracker covers
// Chinese institutions); the address and the tracker categories are kept.
//
// Supervising agencies become organizations "aspi:agency:<slug>", tied
// from the institution by affiliated_with with role "supervising agency":
// supervision is administrative oversight, not containment, so it is not a
// hierarchical tie along which designations would be inherited (a Ministry
// of Education designation would otherwise reach 54 universities). Major
// defence laboratories become organizations part_of the institution (role
// "defence laboratory"), subsidiaries organizations subsidiary_of it.
package aspi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode"

	"ties"
	"ties/sources"
)

type galaxy struct {
	Name   string  `json:"name"`
	Values []value `json:"values"`
}

type value struct {
	Value       string `json:"value"`
	UUID        string `json:"uuid"`
	Description string `json:"description"`
	Meta        struct {
		Aliases      []string `json:"aliases"`
		Synonyms     []string `json:"synonyms"`
		Categories   []string `json:"categories"`
		Refs         []string `json:"refs"`
		Supervising  []string `json:"supervising agencies"`
		Laboratories []string `json:"major defence laboratories"`
		Subsidiaries []string `json:"subsidiaries"`
		Address      string   `json:"address"`
	} `json:"meta"`
}

var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

type builder struct {
	g      ties.Graph
	index  map[string]int
	tieIDs map[string]bool
}

// Parse reads the tracker; file names the input in errors.
func Parse(r io.Reader, file string) (ties.Graph, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return ties.Graph{}, &sources.Error{File: file, Err: err}
	}
	var gal galaxy
	if err := json.Unmarshal(data, &gal); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return ties.Graph{}, &sources.Error{File: file, Line: lineAt(data, se.Offset), Err: fmt.Errorf("JSON: %w", err)}
		case errors.As(err, &te):
			return ties.Graph{}, &sources.Error{File: file, Line: lineAt(data, te.Offset), Field: te.Field, Err: fmt.Errorf("JSON: %w", err)}
		}
		return ties.Graph{}, &sources.Error{File: file, Err: fmt.Errorf("JSON: %w", err)}
	}
	if gal.Values == nil {
		return ties.Graph{}, &sources.Error{File: file, Line: 1, Field: "values", Err: errors.New("no values[]: not a MISP galaxy cluster")}
	}
	b := &builder{index: map[string]int{}, tieIDs: map[string]bool{}}
	for i, v := range gal.Values {
		if err := b.add(v); err != nil {
			line := 0
			if v.UUID != "" {
				line = uuidLine(data, gal.Values[:i], v.UUID)
			}
			return ties.Graph{}, &sources.Error{File: file, Line: line, Field: fmt.Sprintf("values[%d]", i), Err: err}
		}
	}
	return b.g, nil
}

// uuidLine finds the line of the value with uuid that follows the values
// before it (a duplicate uuid is reported where it repeats).
func uuidLine(data []byte, before []value, uuid string) int {
	nth := 0
	for _, v := range before {
		if v.UUID == uuid {
			nth++
		}
	}
	quoted := []byte(`"` + uuid + `"`)
	var off int
	for {
		at := bytes.Index(data[off:], quoted)
		if at < 0 {
			return 0
		}
		if nth == 0 {
			return lineAt(data, int64(off+at))
		}
		nth--
		off += at + len(quoted)
	}
}

func lineAt(data []byte, off int64) int {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	if off < 0 {
		off = 0
	}
	return bytes.Count(data[:off], []byte("\n")) + 1
}

func (b *builder) add(v value) error {
	if !uuidPattern.MatchString(v.UUID) {
		return fmt.Errorf("invalid uuid %q", v.UUID)
	}
	id := "aspi:" + strings.ToLower(v.UUID)
	if _, dup := b.index[id]; dup {
		return fmt.Errorf("duplicate uuid %s", v.UUID)
	}
	english, native := splitName(v.Value)
	if english == "" && native == "" {
		return fmt.Errorf("value %q has no name", v.Value)
	}
	e := ties.Entity{ID: id, Kind: ties.KindOrganization, Countries: []string{"CN"},
		Identifiers: []ties.Identifier{{Scheme: "aspi", Value: strings.ToLower(v.UUID)}}}
	addNames(&e, english, native)
	for _, a := range append(append([]string{}, v.Meta.Aliases...), v.Meta.Synonyms...) {
		addName(&e, a, aliasType(a))
	}
	for _, ref := range v.Meta.Refs {
		if ref = strings.TrimSpace(ref); ref != "" {
			e.Identifiers = append(e.Identifiers, ties.Identifier{Scheme: "url", Value: ref})
		}
	}
	if a := strings.TrimSpace(v.Meta.Address); a != "" {
		e.Addresses = []ties.Address{{Text: a, Country: "CN"}}
	}
	if len(v.Meta.Categories) > 0 {
		e.Remarks = "ASPI China Defence Universities Tracker category: " + strings.Join(v.Meta.Categories, ", ")
	}
	b.addEntity(e)
	ev := []ties.Evidence{{Title: "ASPI China Defence Universities Tracker: " + e.PrimaryName(), Ref: first(v.Meta.Refs)}}

	for _, s := range v.Meta.Supervising {
		en, nat := splitName(s)
		if en == "" && nat == "" {
			continue
		}
		agencyID := "aspi:agency:" + slug(s)
		agency := ties.Entity{ID: agencyID, Kind: ties.KindOrganization, Countries: []string{"CN"}}
		addNames(&agency, en, nat)
		b.addEntity(agency)
		b.addTie(ties.Tie{From: id, To: agencyID, Kind: ties.TieAffiliatedWith, Role: "supervising agency", Evidence: ev})
	}
	for _, group := range []struct {
		names []string
		part  string
		kind  ties.TieKind
		role  string
	}{
		{v.Meta.Laboratories, "lab", ties.TiePartOf, "defence laboratory"},
		{v.Meta.Subsidiaries, "subsidiary", ties.TieSubsidiaryOf, "subsidiary"},
	} {
		for _, s := range group.names {
			en, nat := splitName(s)
			if en == "" && nat == "" {
				continue
			}
			unitID := id + ":" + group.part + ":" + slug(s)
			unit := ties.Entity{ID: unitID, Kind: ties.KindOrganization}
			if group.kind == ties.TiePartOf {
				unit.Countries = []string{"CN"}
			}
			addNames(&unit, en, nat)
			b.addEntity(unit)
			b.addTie(ties.Tie{From: unitID, To: id, Kind: group.kind, Role: group.role, Evidence: ev})
		}
	}
	return nil
}

func first(s []string) string {
	if len(s) > 0 {
		return s[0]
	}
	return ""
}

func (b *builder) addEntity(e ties.Entity) {
	if _, ok := b.index[e.ID]; ok {
		return // agencies recur; the first reading stands
	}
	b.index[e.ID] = len(b.g.Entities)
	b.g.Entities = append(b.g.Entities, e)
}

func (b *builder) addTie(t ties.Tie) {
	t.ID = t.From + ">" + string(t.Kind) + ">" + t.To
	if b.tieIDs[t.ID] {
		return // a unit listed twice under the same institution
	}
	b.tieIDs[t.ID] = true
	t.Source = "aspi"
	b.g.Ties = append(b.g.Ties, t)
}

// splitName splits "Harbin Institute of Technology (哈尔滨工业大学)" into
// the English and the Chinese name. The trailing parenthesised group may
// itself hold parentheses; a group without Han characters ("(MIIT)",
// "(Austria)") stays part of the English name and is returned as is.
func splitName(s string) (english, native string) {
	s = strings.TrimSpace(s)
	if !strings.HasSuffix(s, ")") {
		if hasHan(s) && !hasLatinLetter(s) {
			return "", s
		}
		return s, ""
	}
	depth := 0
	for i := len(s) - 1; i >= 0; i-- {
		switch s[i] {
		case ')':
			depth++
		case '(':
			depth--
			if depth == 0 {
				inner := s[i+1 : len(s)-1]
				if hasHan(inner) {
					return strings.TrimSpace(s[:i]), strings.TrimSpace(inner)
				}
				return s, ""
			}
		}
	}
	return s, "" // unbalanced: keep the whole text
}

// addNames adds the English name (primary, with "/" alternatives as
// aliases) and the Chinese name (native, with "/" alternatives).
func addNames(e *ties.Entity, english, native string) {
	if english != "" {
		addName(e, english, ties.NamePrimary)
		if parts := strings.Split(english, "/"); len(parts) > 1 && !strings.Contains(english, "(") {
			for _, p := range parts {
				addName(e, p, ties.NameAlias)
			}
		}
	}
	if native != "" {
		typ := ties.NameNative
		if english == "" {
			addName(e, native, ties.NamePrimary)
		}
		for _, p := range strings.Split(native, "/") {
			addName(e, p, typ)
		}
	}
	// Agencies written "Ministry of Education (MOE)": the acronym is an
	// abbreviation too.
	if i := strings.LastIndex(english, " ("); i > 0 && strings.HasSuffix(english, ")") {
		if inner := english[i+2 : len(english)-1]; isAbbreviation(inner) {
			addName(e, inner, ties.NameAbbreviation)
			addName(e, english[:i], ties.NameAlias)
		}
	}
}

func addName(e *ties.Entity, text string, typ ties.NameType) {
	text = strings.TrimSpace(text)
	if text == "" {
		return
	}
	for _, n := range e.Names {
		if n.Text == text {
			return
		}
	}
	if typ == ties.NamePrimary && len(e.Names) > 0 {
		typ = ties.NameAlias
	}
	n := ties.Name{Text: text, Type: typ}
	if typ == ties.NameNative || (typ == ties.NamePrimary && hasHan(text)) {
		n.Lang = "zh"
	}
	e.Names = append(e.Names, n)
}

func aliasType(a string) ties.NameType {
	switch {
	case hasHan(a):
		return ties.NameNative
	case isAbbreviation(a):
		return ties.NameAbbreviation
	}
	return ties.NameAlias
}

// isAbbreviation: one short word of capitals and digits ("HIT", "NUDT",
// "CAS-ICT").
func isAbbreviation(s string) bool {
	if len(s) < 2 || len(s) > 12 || strings.ContainsAny(s, " ") {
		return false
	}
	upper := 0
	for _, r := range s {
		switch {
		case r >= 'A' && r <= 'Z':
			upper++
		case r >= '0' && r <= '9', r == '-', r == '&', r == '.':
		case r >= 'a' && r <= 'z':
		default:
			return false
		}
	}
	return upper >= 2
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

func hasLatinLetter(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Latin, r) {
			return true
		}
	}
	return false
}

// slug makes a stable id part from a name: lower-case ASCII letters and
// digits joined by "-", with the Han characters kept as they are.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || unicode.Is(unicode.Han, r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		} else {
			dash = true
		}
	}
	if b.Len() == 0 {
		return "x"
	}
	return b.String()
}
