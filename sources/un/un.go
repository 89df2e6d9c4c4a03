// Package un reads the UN Security Council Consolidated List XML. It
// streams the file with encoding/xml, decoding one INDIVIDUAL or ENTITY
// at a time, and does no I/O beyond the reader it is given.
//
// The list's generation date (the dateGenerated attribute of the root
// element) is the date of the data: ParseWithInfo reports it in Info as
// soon as the root element has been read, and DataDate finds it in the
// first bytes of a file.
package un

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"

	"ties"
	"ties/sources"
	"ties/sources/internal/country"
)

// List is the UN consolidated list.
var List = ties.List{ID: "UN", Name: "UN Security Council Consolidated List", Authority: "United Nations Security Council"}

// Info is what the file says about itself.
type Info struct {
	DataDate      ties.Date // from dateGenerated, day precision
	DateGenerated string    // the attribute as written
}

// Parse reads the UN consolidated list XML. Iteration stops after the
// first error, a *sources.Error with line and byte offset.
func Parse(r io.Reader, file string) iter.Seq2[ties.Record, error] {
	seq, _ := ParseWithInfo(r, file)
	return seq
}

// ParseWithInfo is Parse that also fills info from the root element; info
// is complete once the first record (or the end) has been reached.
func ParseWithInfo(r io.Reader, file string) (iter.Seq2[ties.Record, error], *Info) {
	info := &Info{}
	seq := func(yield func(ties.Record, error) bool) {
		dec := xml.NewDecoder(r)
		fail := func(err error) {
			line, _ := dec.InputPos()
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				line = se.Line
				if se.Msg == "unexpected EOF" {
					err = errors.New("unexpected EOF: the file ends inside an element (truncated?)")
				} else {
					err = errors.New(se.Msg) // the line is already in the sources.Error
				}
			}
			if errors.Is(err, io.ErrUnexpectedEOF) {
				err = fmt.Errorf("file ends inside an element: %w", err)
			}
			yield(ties.Record{}, &sources.Error{File: file, Line: line, Offset: dec.InputOffset(), Err: err})
		}
		root := false
		for {
			tok, err := dec.Token()
			if errors.Is(err, io.EOF) {
				if !root {
					if dec.InputOffset() == 0 {
						yield(ties.Record{}, &sources.Error{File: file, Err: errors.New("empty file")})
					} else {
						fail(errors.New("no CONSOLIDATED_LIST element: not a UN consolidated list"))
					}
				}
				return
			}
			if err != nil {
				fail(err)
				return
			}
			start, ok := tok.(xml.StartElement)
			if !ok {
				continue
			}
			switch start.Name.Local {
			case "CONSOLIDATED_LIST":
				root = true
				for _, a := range start.Attr {
					if a.Name.Local == "dateGenerated" {
						info.DateGenerated = a.Value
						info.DataDate = isoDay(a.Value)
					}
				}
			case "INDIVIDUALS", "ENTITIES":
			case "INDIVIDUAL", "ENTITY":
				if !root {
					fail(fmt.Errorf("%s outside CONSOLIDATED_LIST", start.Name.Local))
					return
				}
				line, _ := dec.InputPos()
				off := dec.InputOffset()
				var e entry
				if err := dec.DecodeElement(&e, &start); err != nil {
					fail(err)
					return
				}
				rec, field, err := e.record(start.Name.Local == "INDIVIDUAL")
				if err != nil {
					yield(ties.Record{}, &sources.Error{File: file, Line: line, Offset: off, Field: field, Err: err})
					return
				}
				if !yield(rec, nil) {
					return
				}
			default:
				if !root {
					fail(fmt.Errorf("root element is %s, want CONSOLIDATED_LIST: not a UN consolidated list", start.Name.Local))
					return
				}
				if err := dec.Skip(); err != nil {
					fail(err)
					return
				}
			}
		}
	}
	return seq, info
}

// DataDate finds the dateGenerated attribute in the first bytes of a UN
// list file.
func DataDate(head []byte) (ties.Date, bool) {
	i := bytes.Index(head, []byte(`dateGenerated="`))
	if i < 0 {
		return ties.Date{}, false
	}
	rest := head[i+len(`dateGenerated="`):]
	j := bytes.IndexByte(rest, '"')
	if j < 0 {
		return ties.Date{}, false
	}
	d := isoDay(string(rest[:j]))
	return d, !d.IsZero()
}

// isoDay reads the day of "2026-02-27T00:00:09.554Z" or "2015-04-07-04:00".
func isoDay(s string) ties.Date {
	s = strings.TrimSpace(s)
	if len(s) > 10 && s[4] == '-' && s[7] == '-' {
		s = s[:10]
	}
	d, err := ties.ParseDate(s)
	if err != nil {
		return ties.Date{}
	}
	return d
}

type values struct {
	Value []string `xml:"VALUE"`
}

type alias struct {
	Quality string `xml:"QUALITY"`
	Name    string `xml:"ALIAS_NAME"`
}

type address struct {
	Street  string `xml:"STREET"`
	City    string `xml:"CITY"`
	State   string `xml:"STATE_PROVINCE"`
	Zip     string `xml:"ZIP_CODE"`
	Country string `xml:"COUNTRY"`
}

type birthDate struct {
	Type     string `xml:"TYPE_OF_DATE"`
	Date     string `xml:"DATE"`
	Year     string `xml:"YEAR"`
	FromYear string `xml:"FROM_YEAR"`
	ToYear   string `xml:"TO_YEAR"`
}

type document struct {
	Type    string `xml:"TYPE_OF_DOCUMENT"`
	Type2   string `xml:"TYPE_OF_DOCUMENT2"`
	Number  string `xml:"NUMBER"`
	Country string `xml:"ISSUING_COUNTRY"`
}

// entry is one INDIVIDUAL or ENTITY element.
type entry struct {
	DataID       string      `xml:"DATAID"`
	First        string      `xml:"FIRST_NAME"`
	Second       string      `xml:"SECOND_NAME"`
	Third        string      `xml:"THIRD_NAME"`
	Fourth       string      `xml:"FOURTH_NAME"`
	ListType     string      `xml:"UN_LIST_TYPE"`
	Reference    string      `xml:"REFERENCE_NUMBER"`
	ListedOn     string      `xml:"LISTED_ON"`
	Comments     string      `xml:"COMMENTS1"`
	Original     []string    `xml:"NAME_ORIGINAL_SCRIPT"`
	Nationality  values      `xml:"NATIONALITY"`
	Aliases      []alias     `xml:"INDIVIDUAL_ALIAS"`
	EntAliases   []alias     `xml:"ENTITY_ALIAS"`
	Addresses    []address   `xml:"INDIVIDUAL_ADDRESS"`
	EntAddresses []address   `xml:"ENTITY_ADDRESS"`
	Births       []birthDate `xml:"INDIVIDUAL_DATE_OF_BIRTH"`
	Documents    []document  `xml:"INDIVIDUAL_DOCUMENT"`
}

func (e *entry) record(individual bool) (ties.Record, string, error) {
	id := strings.TrimSpace(e.DataID)
	if id == "" || strings.Trim(id, "0123456789") != "" {
		return ties.Record{}, "DATAID", fmt.Errorf("DATAID %q is not a number", id)
	}
	ent := ties.Entity{ID: "un:" + id, Kind: ties.KindOrganization, Remarks: strings.TrimSpace(e.Comments)}
	seen := map[string]bool{}
	add := func(text string, t ties.NameType) {
		text = strings.Join(strings.Fields(text), " ")
		if text == "" || seen[text] {
			return
		}
		seen[text] = true
		ent.Names = append(ent.Names, ties.Name{Text: text, Type: t})
	}
	if individual {
		ent.Kind = ties.KindPerson
		add(strings.Join([]string{e.First, e.Second, e.Third, e.Fourth}, " "), ties.NamePrimary)
	} else {
		// "COMPAGNIE AERIENNE DES GRANDS LACS (CAGL) ; GREAT LAKES BUSINESS COMPANY (GLBC)"
		for i, part := range strings.Split(e.First, ";") {
			t := ties.NameAlias
			if i == 0 {
				t = ties.NamePrimary
			}
			add(part, t)
			if abbr := trailingAbbreviation(part); abbr != "" {
				add(abbr, ties.NameAbbreviation)
			}
		}
	}
	if len(ent.Names) == 0 {
		return ties.Record{}, "FIRST_NAME", errors.New("entry has no name")
	}
	for _, a := range append(e.Aliases, e.EntAliases...) {
		t := ties.NameAlias
		if strings.EqualFold(strings.TrimSpace(a.Quality), "f.k.a.") {
			t = ties.NameFormer
		}
		add(a.Name, t)
	}
	for _, n := range e.Original {
		add(n, ties.NameNative)
	}

	have := map[string]bool{}
	addCountry := func(c string) {
		if c != "" && !have[c] {
			have[c] = true
			ent.Countries = append(ent.Countries, c)
		}
	}
	for _, n := range e.Nationality.Value {
		addCountry(country.Code(n))
	}
	for _, a := range append(e.Addresses, e.EntAddresses...) {
		var parts []string
		for _, p := range []string{a.Street, a.City, a.State, a.Zip, a.Country} {
			if p = strings.TrimSpace(p); p != "" {
				parts = append(parts, p)
			}
		}
		if len(parts) == 0 {
			continue
		}
		c := country.Code(a.Country)
		ent.Addresses = append(ent.Addresses, ties.Address{Text: strings.Join(parts, ", "), Country: c})
		addCountry(c)
	}
	for _, b := range e.Births {
		for _, v := range []string{b.Date, b.Year, b.FromYear, b.ToYear} {
			if d := isoDay(v); !d.IsZero() {
				ent.Dates = append(ent.Dates, ties.EntityDate{Type: "birth", Value: d.String()})
			}
		}
	}
	for _, d := range e.Documents {
		num := strings.TrimSpace(d.Number)
		scheme := strings.TrimSpace(d.Type)
		if t2 := strings.TrimSpace(d.Type2); t2 != "" {
			scheme = strings.TrimSpace(scheme + " " + t2)
		}
		if num != "" {
			if scheme == "" {
				scheme = "Document"
			}
			ent.Identifiers = append(ent.Identifiers, ties.Identifier{Scheme: scheme, Value: num})
		}
	}

	des := ties.Designation{
		EntityID:  ent.ID,
		ListID:    List.ID,
		SourceID:  id,
		Authority: strings.TrimSpace(e.Reference),
		Program:   strings.TrimSpace(e.ListType),
	}
	if s := strings.TrimSpace(e.ListedOn); s != "" {
		if des.Start = isoDay(s); des.Start.IsZero() {
			return ties.Record{}, "LISTED_ON", fmt.Errorf("invalid date %q", s)
		}
	}
	return ties.Record{Entity: ent, Designations: []ties.Designation{des}, Lists: []ties.List{List}}, "", nil
}

// trailingAbbreviation returns "BAL" for "BUTEMBO AIRLINES (BAL)".
func trailingAbbreviation(name string) string {
	name = strings.TrimSpace(name)
	if !strings.HasSuffix(name, ")") {
		return ""
	}
	open := strings.LastIndexByte(name, '(')
	if open <= 0 {
		return ""
	}
	abbr := name[open+1 : len(name)-1]
	if len(abbr) < 2 || len(abbr) > 10 {
		return ""
	}
	for i := 0; i < len(abbr); i++ {
		if c := abbr[i]; (c < 'A' || c > 'Z') && (c < '0' || c > '9') && c != '-' {
			return ""
		}
	}
	return abbr
}
