package openalex

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"unicode"

	"ties"
	"ties/sources"
)

// institution is the part of an OpenAlex Institution object that is read.
type institution struct {
	ID                      string   `json:"id"`
	ROR                     string   `json:"ror"`
	DisplayName             string   `json:"display_name"`
	CountryCode             string   `json:"country_code"`
	Type                    string   `json:"type"`
	HomepageURL             string   `json:"homepage_url"`
	DisplayNameAcronyms     []string `json:"display_name_acronyms"`
	DisplayNameAlternatives []string `json:"display_name_alternatives"`
	International           struct {
		DisplayName map[string]string `json:"display_name"`
	} `json:"international"`
	IDs struct {
		Grid     string `json:"grid"`
		Wikidata string `json:"wikidata"`
	} `json:"ids"`
	Geo struct {
		City        string `json:"city"`
		Region      string `json:"region"`
		Country     string `json:"country"`
		CountryCode string `json:"country_code"`
	} `json:"geo"`
	Associated []associated `json:"associated_institutions"`
	Created    string       `json:"created_date"`
}

type associated struct {
	ID           string `json:"id"`
	ROR          string `json:"ror"`
	DisplayName  string `json:"display_name"`
	CountryCode  string `json:"country_code"`
	Relationship string `json:"relationship"`
}

// InstitutionStats counts what ParseInstitutionsStats read.
type InstitutionStats struct {
	Institutions int // institutions read
	Stubs        int // associated institutions not in the file, added by name
}

// ParseInstitutions reads OpenAlex institutions (one object, an array, or
// the JSON lines of a snapshot part; gunzip first) into organizations, with
// the same ids as the works reader gives them ("ror:<id>" when the
// institution has a ROR id, else "openalex:I<n>"), so that institutions
// and works join. Names: display_name (primary), display_name_acronyms
// (abbreviations), display_name_alternatives and the international names
// (aliases, or native names in another script). associated_institutions
// become ties as ROR's relationships do: parent -> this part_of it, child
// -> it part_of this, related -> related (one tie per pair); an associated
// institution not in the file is added with the name the record gives.
// Errors name the file, line and field.
func ParseInstitutions(r io.Reader, file string) (ties.Graph, error) {
	g, _, err := ParseInstitutionsStats(r, file)
	return g, err
}

// ParseInstitutionsStats is ParseInstitutions with counts.
func ParseInstitutionsStats(r io.Reader, file string) (ties.Graph, InstitutionStats, error) {
	b := &builder{file: file, index: map[string]int{}, tie: map[string]int{}}
	var st InstitutionStats
	stubs := map[string]ties.Entity{}
	var stubOrder []string
	read := map[string]bool{}
	err := sources.DecodeObjects(r, file, func(raw json.RawMessage, line int) error {
		var in institution
		if err := json.Unmarshal(raw, &in); err != nil {
			return sources.Errorf(file, line, "OpenAlex institution: %v", err)
		}
		e, err := b.institution(in.ID, in.ROR, in.DisplayName, in.CountryCode, line)
		if err != nil {
			return err
		}
		if read[e.ID] {
			return b.fail(line, "id", "duplicate institution %s", e.ID)
		}
		read[e.ID] = true
		st.Institutions++
		for _, a := range in.DisplayNameAcronyms {
			addName(&e, a, ties.NameAbbreviation, "")
		}
		for _, a := range in.DisplayNameAlternatives {
			addName(&e, a, ties.NameAlias, "")
		}
		for _, lang := range slices.Sorted(maps.Keys(in.International.DisplayName)) {
			addName(&e, in.International.DisplayName[lang], ties.NameAlias, lang)
		}
		if v := strings.TrimSpace(in.IDs.Grid); v != "" {
			e.Identifiers = append(e.Identifiers, ties.Identifier{Scheme: "grid", Value: v})
		}
		if v := strings.TrimPrefix(strings.TrimSpace(in.IDs.Wikidata), "https://www.wikidata.org/wiki/"); v != "" {
			e.Identifiers = append(e.Identifiers, ties.Identifier{Scheme: "wikidata", Value: v})
		}
		var place []string
		for _, p := range []string{in.Geo.City, in.Geo.Region, in.Geo.Country} {
			if p = strings.TrimSpace(p); p != "" {
				place = append(place, p)
			}
		}
		if len(place) > 0 {
			e.Addresses = []ties.Address{{Text: strings.Join(place, ", "), Country: strings.ToUpper(strings.TrimSpace(in.Geo.CountryCode))}}
		}
		var remarks []string
		if in.Type != "" {
			remarks = append(remarks, "OpenAlex type: "+in.Type)
		}
		if in.HomepageURL != "" {
			remarks = append(remarks, "homepage "+in.HomepageURL)
		}
		e.Remarks = strings.Join(remarks, "; ")
		// A stub made for an earlier record's association gives way.
		delete(stubs, e.ID)
		b.addEntity(e)

		oid, _ := shortID(in.ID, "I")
		ev := ties.Evidence{Title: "OpenAlex institution " + oid + ": " + e.PrimaryName(), Ref: "https://openalex.org/" + oid}
		source := fmt.Sprintf("%s:%d", file, line)
		for i, a := range in.Associated {
			other, err := b.institution(a.ID, a.ROR, a.DisplayName, a.CountryCode, line)
			if err != nil {
				err.(*sources.Error).Field = fmt.Sprintf("associated_institutions[%d]", i)
				return err
			}
			if other.ID == e.ID {
				continue
			}
			var t ties.Tie
			switch strings.ToLower(a.Relationship) {
			case "parent":
				t = ties.Tie{From: e.ID, To: other.ID, Kind: ties.TiePartOf}
			case "child":
				t = ties.Tie{From: other.ID, To: e.ID, Kind: ties.TiePartOf}
			case "related":
				t = ties.Tie{From: min(e.ID, other.ID), To: max(e.ID, other.ID), Kind: ties.TieRelated}
			default:
				continue
			}
			if !read[other.ID] {
				if _, ok := stubs[other.ID]; !ok {
					stubs[other.ID] = other
					stubOrder = append(stubOrder, other.ID)
				}
			}
			b.addTie(t, "associated institution in OpenAlex", ev, source)
		}
		return nil
	})
	if err != nil {
		return ties.Graph{}, st, err
	}
	for _, id := range stubOrder {
		if s, ok := stubs[id]; ok && !read[id] {
			b.addEntity(s)
			st.Stubs++
		}
	}
	return b.g, st, nil
}

// institution makes the organization an OpenAlex id, ROR id and name
// stand for, with the works reader's ids.
func (b *builder) institution(id, ror, name, country string, line int) (ties.Entity, error) {
	e := ties.Entity{Kind: ties.KindOrganization}
	iid, ok := shortID(id, "I")
	if !ok {
		return e, b.fail(line, "id", "invalid OpenAlex institution id %q", id)
	}
	if ror != "" {
		short := strings.TrimPrefix(strings.TrimSpace(ror), "https://ror.org/")
		if short == "" || strings.ContainsAny(short, "/: ") {
			return e, b.fail(line, "ror", "invalid ROR id %q", ror)
		}
		e.ID = "ror:" + short
		e.Identifiers = append(e.Identifiers, ties.Identifier{Scheme: "ror", Value: short})
	} else {
		e.ID = "openalex:" + iid
	}
	e.Identifiers = append(e.Identifiers, ties.Identifier{Scheme: "openalex", Value: iid})
	name = strings.TrimSpace(name)
	if name == "" {
		return e, b.fail(line, "display_name", "institution %s has no display name", iid)
	}
	e.Names = []ties.Name{{Text: name, Type: ties.NamePrimary}}
	if c := strings.ToUpper(strings.TrimSpace(country)); len(c) == 2 {
		e.Countries = []string{c}
	}
	return e, nil
}

// addName adds a name once (lang: its language code, when known); a name
// mostly in another script than Latin is a native name.
func addName(e *ties.Entity, text string, t ties.NameType, lang string) {
	text = strings.TrimSpace(text)
	if text == "" || hasName(e.Names, text) {
		return
	}
	if t == ties.NameAlias && nonLatin(text) {
		t = ties.NameNative
	}
	e.Names = append(e.Names, ties.Name{Text: text, Type: t, Lang: lang})
}

// nonLatin reports whether most letters of s are in another script than
// Latin.
func nonLatin(s string) bool {
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
