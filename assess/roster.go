package assess

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"ties"
)

// RosterRow is one researcher of a department roster.
type RosterRow struct {
	Line       int    `json:"line"`
	Name       string `json:"name,omitempty"`
	ORCID      string `json:"orcid,omitempty"`
	OpenAlex   string `json:"openalex,omitempty"`
	Department string `json:"department,omitempty"`
}

// Refs are the ways to find the row's person in the graph, strongest
// first: ORCID, OpenAlex author id, name.
func (r RosterRow) Refs() []string {
	var refs []string
	if r.ORCID != "" {
		refs = append(refs, "orcid:"+r.ORCID)
	}
	if r.OpenAlex != "" {
		refs = append(refs, "openalex:"+r.OpenAlex)
	}
	if r.Name != "" {
		refs = append(refs, r.Name)
	}
	return refs
}

// ParseRoster reads a CSV roster of researchers with a header row naming
// some of the columns name, orcid, openalex and department (case-insensitive;
// other columns are ignored). ORCID and OpenAlex ids may be given as URLs.
// A row with neither name nor identifier is an error naming file and line.
func ParseRoster(r io.Reader, file string) ([]RosterRow, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, &ties.InputError{File: file, Line: 1, Err: fmt.Errorf("want a header row (name, orcid, openalex, department): %w", err)}
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		switch h {
		case "full_name", "researcher":
			h = "name"
		case "openalex_id", "openalex_author":
			h = "openalex"
		case "dept", "unit":
			h = "department"
		}
		if _, dup := col[h]; !dup {
			col[h] = i
		}
	}
	_, hasName := col["name"]
	_, hasORCID := col["orcid"]
	_, hasOA := col["openalex"]
	if !hasName && !hasORCID && !hasOA {
		return nil, &ties.InputError{File: file, Line: 1, Err: fmt.Errorf("no name, orcid or openalex column in header %q", strings.Join(header, ","))}
	}
	get := func(rec []string, name string) string {
		i, ok := col[name]
		if !ok || i >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	var rows []RosterRow
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			return nil, &ties.InputError{File: file, Line: line, Err: err}
		}
		row := RosterRow{Line: line, Name: get(rec, "name"), Department: get(rec, "department"),
			ORCID:    strings.TrimPrefix(strings.TrimPrefix(get(rec, "orcid"), "https://orcid.org/"), "http://orcid.org/"),
			OpenAlex: strings.TrimPrefix(get(rec, "openalex"), "https://openalex.org/")}
		if len(rec) == 1 && rec[0] == "" {
			continue // blank line
		}
		if len(row.Refs()) == 0 {
			return nil, &ties.InputError{File: file, Line: line, Field: "name", Err: errors.New("the row names no researcher (no name, orcid or openalex id)")}
		}
		rows = append(rows, row)
	}
}
