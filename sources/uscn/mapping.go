package uscn

import (
	"fmt"
	"slices"
	"strings"

	"ties"
)

// Field is a semantic field a table column can be mapped to.
type Field string

const (
	FieldName        Field = "name"        // primary name; rows with the same name key merge into one entity
	FieldDescription Field = "description" // free text the name is extracted from when there is no name column (FCC)
	FieldAlias       Field = "alias"       // other names, Separator-separated; short all-capital ones become abbreviations
	FieldFormer      Field = "former"      // previous names, Separator-separated
	FieldNative      Field = "native"      // the name in the entity's own script (Chinese name)
	FieldKind        Field = "kind"        // entity kind word: Company, Organization, Person
	FieldCountry     Field = "country"     // ISO code or English country name, Separator-separated
	FieldWikidata    Field = "wikidata"    // Wikidata QID, kept as identifier scheme "wikidata"
	FieldAddress     Field = "address"     // postal address
	FieldNote        Field = "note"        // remarks; distinct notes of merged rows are joined
	FieldProgram     Field = "program"     // Designation.Program (Mapping.Program when unmapped or empty)
	FieldAuthority   Field = "authority"   // Designation.Authority: the body that designated, when it varies by row
	FieldEdition     Field = "edition"     // edition (report) date: Designation.Start when the start column is empty
	FieldStart       Field = "start"       // Designation.Start
	FieldEnd         Field = "end"         // Designation.End
	FieldParent      Field = "parent"      // Designation.Parent: parent company the list names
	FieldSourceURL   Field = "source_url"  // Designation.SourceURL
)

// dateFields are the fields parsed as dates.
var dateFields = []Field{FieldEdition, FieldStart, FieldEnd}

// Mapping says how one table is read: which header column holds which
// field, and which list its rows designate. Mappings are values; Mappings
// returns fresh copies, so changing one does not change the package's.
type Mapping struct {
	Name      string // selector and entity-ID prefix: entity IDs are "<Name>:<name key>"
	ListID    string
	ListName  string
	Authority string // the list's authority (List.Authority)
	Columns   map[Field]string
	Separator string // separates several values in one cell of alias, former and country columns
	// DateLayouts are Go time layouts tried after YYYY[-MM[-DD]] for date
	// cells, e.g. "January 2, 2006" for "March 12, 2021".
	DateLayouts []string
	Kind        ties.EntityKind // kind when there is no kind column or the cell is empty
	Program     string          // program when there is no program column or the cell is empty
	// ProgramContains tells apart mappings of tables that share one header
	// (DoD 1286 and the NDAA 889/5949/154 tables): the program cell of the
	// first data row must contain it.
	ProgramContains string
}

// List returns the list the mapping's rows designate.
func (m Mapping) List() ties.List {
	return ties.List{ID: m.ListID, Name: m.ListName, Authority: m.Authority}
}

// Required returns the header names the mapping needs, sorted.
func (m Mapping) Required() []string {
	var out []string
	for _, c := range m.Columns {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

// ndaaColumns is the header OpenSanctions uses for its hand-kept
// debarment tables (DoD 1286, NDAA 889, 5949, 154).
func ndaaColumns() map[Field]string {
	return map[Field]string{
		FieldKind:      "schema",
		FieldName:      "name",
		FieldAlias:     "aliases",
		FieldProgram:   "program",
		FieldEdition:   "report-date",
		FieldStart:     "start-date",
		FieldEnd:       "end-date",
		FieldCountry:   "country",
		FieldNote:      "notes",
		FieldSourceURL: "source_url",
	}
}

// Mappings returns every known mapping, one per table.
func Mappings() []Mapping {
	textDate := []string{"January 2, 2006"}
	return []Mapping{
		{
			Name:      "1260h",
			ListID:    "1260H",
			ListName:  "Chinese military companies (NDAA FY2021 Section 1260H)",
			Authority: "US Department of Defense",
			Columns: map[Field]string{
				FieldName:      "Clean Name",
				FieldAlias:     "Alias",
				FieldFormer:    "Previous Name",
				FieldParent:    "Parent Name",
				FieldNote:      "Note",
				FieldStart:     "Start date",
				FieldEnd:       "End date",
				FieldSourceURL: "Source Url",
			},
			Separator: ";",
			Kind:      ties.KindOrganization,
			Program:   "Section 1260H of the William M. (Mac) Thornberry National Defense Authorization Act for Fiscal Year 2021",
		},
		{
			Name:            "1286",
			ListID:          "1286",
			ListName:        "Foreign institutions of concern for DoD-funded research (NDAA FY2019 Section 1286)",
			Authority:       "US Department of Defense",
			Columns:         ndaaColumns(),
			Separator:       ";",
			DateLayouts:     textDate,
			Kind:            ties.KindOrganization,
			ProgramContains: "Section 1286",
		},
		{
			Name:            "889",
			ListID:          "NDAA-889",
			ListName:        "Telecommunications and video surveillance companies (NDAA FY2019 Section 889)",
			Authority:       "United States Congress",
			Columns:         ndaaColumns(),
			Separator:       ";",
			DateLayouts:     textDate,
			Kind:            ties.KindOrganization,
			ProgramContains: "Section 889",
		},
		{
			Name:            "5949",
			ListID:          "NDAA-5949",
			ListName:        "Semiconductor companies (NDAA FY2023 Section 5949)",
			Authority:       "United States Congress",
			Columns:         ndaaColumns(),
			Separator:       ";",
			DateLayouts:     textDate,
			Kind:            ties.KindOrganization,
			ProgramContains: "Section 5949",
		},
		{
			Name:            "154",
			ListID:          "NDAA-154",
			ListName:        "Battery manufacturers (NDAA FY2024 Section 154)",
			Authority:       "United States Congress",
			Columns:         ndaaColumns(),
			Separator:       ";",
			DateLayouts:     textDate,
			Kind:            ties.KindOrganization,
			ProgramContains: "Section 154",
		},
		{
			Name:      "fcc",
			ListID:    "FCC-COVERED",
			ListName:  "Covered List (Secure and Trusted Communications Networks Act)",
			Authority: "Federal Communications Commission",
			Columns: map[Field]string{
				FieldDescription: "covered_equipment_or_services",
				FieldStart:       "date_of_inclusion_on_covered_list",
			},
			DateLayouts: textDate,
			Kind:        ties.KindOrganization,
			Program:     "Secure and Trusted Communications Networks Act of 2019",
		},
		{
			Name:      "mieu",
			ListID:    "MIEU",
			ListName:  "Military-Intelligence End-User List",
			Authority: "US Bureau of Industry and Security",
			Columns: map[Field]string{
				FieldKind:      "Type",
				FieldName:      "Name",
				FieldAlias:     "Alias",
				FieldCountry:   "Country",
				FieldProgram:   "Program",
				FieldStart:     "Date",
				FieldEnd:       "End date",
				FieldSourceURL: "Source URL",
			},
			Separator: ";",
			Kind:      ties.KindOrganization,
		},
		{
			Name:      "cn-counter",
			ListID:    "CN-COUNTER",
			ListName:  "China counter-sanctions, export-control and unreliable-entity lists",
			Authority: "People's Republic of China",
			Columns: map[Field]string{
				FieldKind:      "Type",
				FieldWikidata:  "QID",
				FieldName:      "Name",
				FieldAlias:     "Alias",
				FieldNative:    "Chinese name",
				FieldCountry:   "Country",
				FieldNote:      "Summary",
				FieldAuthority: "Body",
				FieldProgram:   "List",
				FieldStart:     "Date",
				FieldEnd:       "End date",
				FieldSourceURL: "Source URL",
				FieldAddress:   "Address",
			},
			Separator:   ";",
			DateLayouts: []string{"02.01.2006", "02.01.06"},
			Kind:        ties.KindOrganization,
		},
	}
}

// MappingByName returns the mapping called name ("1260h", "1286", "889",
// "5949", "154", "fcc", "mieu", "cn-counter"); case is ignored.
func MappingByName(name string) (Mapping, bool) {
	for _, m := range Mappings() {
		if strings.EqualFold(m.Name, strings.TrimSpace(name)) {
			return m, true
		}
	}
	return Mapping{}, false
}

// MappingFor picks the mapping whose columns the header holds; among
// several, the one mapping the most columns. Tables sharing one header are
// told apart by firstRow's program cell (see Mapping.ProgramContains);
// firstRow may be nil when the header alone decides.
func MappingFor(header, firstRow []string) (Mapping, error) {
	var best []Mapping
	bestN := 0
	for _, m := range Mappings() {
		if _, missing := columnIndex(header, m); missing != "" {
			continue
		}
		switch n := len(m.Columns); {
		case n > bestN:
			best, bestN = []Mapping{m}, n
		case n == bestN:
			best = append(best, m)
		}
	}
	switch len(best) {
	case 0:
		return Mapping{}, fmt.Errorf("no column mapping fits header %q", header)
	case 1:
		return best[0], nil
	}
	var names []string
	for _, m := range best {
		names = append(names, m.Name)
		if m.ProgramContains == "" || firstRow == nil {
			continue
		}
		idx, _ := columnIndex(header, m)
		if i, ok := idx[FieldProgram]; ok && i < len(firstRow) && strings.Contains(firstRow[i], m.ProgramContains) {
			return m, nil
		}
	}
	return Mapping{}, fmt.Errorf("header fits mappings %s and the first row's program does not tell them apart", strings.Join(names, ", "))
}

// columnIndex finds the header position of each mapped field, or returns
// the first mapped header name that is missing. Header names compare
// case-insensitively after trimming spaces and a byte-order mark.
func columnIndex(header []string, m Mapping) (map[Field]int, string) {
	idx := make(map[Field]int, len(m.Columns))
	fields := make([]Field, 0, len(m.Columns))
	for f := range m.Columns {
		fields = append(fields, f)
	}
	slices.Sort(fields) // deterministic "missing" column
	for _, f := range fields {
		want := m.Columns[f]
		i := slices.IndexFunc(header, func(h string) bool {
			return strings.EqualFold(cleanHeader(h), want)
		})
		if i < 0 {
			return nil, want
		}
		idx[f] = i
	}
	return idx, ""
}

func cleanHeader(h string) string {
	return strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
}
