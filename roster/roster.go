// Package roster reads the lists of people and organizations that users
// screen in a batch: a CSV or Excel (.xlsx) file with a header row, or a
// text file with one name a line. Besides the name, a roster may carry
// each party's date of birth, country and identifier, which screening
// weighs as evidence, and any other columns, which results keep.
package roster

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"ties/match"
)

// Columns name the roster's columns; an empty field picks the column by
// its usual names (see Read).
type Columns struct {
	Name, BirthDate, Country, Identifier string
	// Key names the roster's own id column, copied to results as "id".
	Key string
	// Sheet names the sheet of an .xlsx roster; "" takes the first.
	Sheet string
}

// Roster is a read roster: its header (empty for a text file) and rows.
type Roster struct {
	Header []string
	Rows   []Row
}

// Row is one party to screen.
type Row struct {
	Line       int    // line (or spreadsheet row) in the file, for errors and reports
	Name       string // the name to screen
	Key        string // the roster's own id of the row, when Columns.Key names it
	Attributes match.Attributes
	Fields     []string // every cell of the row, in header order
}

// usual names of the columns, compared without case.
var (
	nameColumns       = []string{"name", "full_name"}
	birthColumns      = []string{"dob", "date_of_birth", "birth_date", "birthdate"}
	countryColumns    = []string{"country", "nationality", "citizenship"}
	identifierColumns = []string{"identifier", "passport", "id_number", "national_id"}
)

// Read reads a roster. In a .csv or .xlsx file the names are in the column
// cols.Name ("name" or "full_name" when not given, else the first column);
// dates of birth in "dob", "date_of_birth", "birth_date" or "birthdate";
// countries in "country", "nationality" or "citizenship"; identifiers in
// "identifier", "passport", "id_number" or "national_id". A column named
// "id" is not taken as an identifier: rosters use it for their own key
// (name it with cols.Key). A .txt file (or one without an extension)
// holds one name a line. Blank names are skipped. countryCode turns a
// country name into its ISO code. An unreadable value stops the read
// with the file, line and column; a file of another kind (a PDF, a zip, a
// legacy .xls) is refused.
func Read(path string, cols Columns, countryCode func(string) string) (*Roster, error) {
	ext := strings.ToLower(filepath.Ext(path))
	if ext == ".xlsx" || ext == ".xlsm" {
		return readXLSX(path, cols, countryCode)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if err := plainText(path, data); err != nil {
		return nil, err
	}
	if cols.Sheet != "" {
		return nil, fmt.Errorf("--sheet applies to .xlsx files, not %s", path)
	}
	if ext == ".csv" {
		cr := csv.NewReader(bytes.NewReader(data))
		cr.FieldsPerRecord = 0
		header, err := cr.Read()
		if err != nil {
			return nil, fmt.Errorf("%s:1: %w", path, err)
		}
		return fromTable(path, header, func() ([]string, int, error) {
			rec, err := cr.Read()
			if err != nil {
				var pe *csv.ParseError
				if errors.As(err, &pe) {
					return nil, 0, fmt.Errorf("%s:%d: %w", path, pe.Line, pe.Err)
				}
				return nil, 0, err
			}
			line, _ := cr.FieldPos(0)
			return rec, line, nil
		}, cols, countryCode)
	}
	if cols.Name != "" || cols.BirthDate != "" || cols.Country != "" || cols.Identifier != "" || cols.Key != "" {
		return nil, fmt.Errorf("column flags apply to .csv and .xlsx files, not %s", path)
	}
	return readText(bytes.NewReader(data), path)
}

// plainText refuses what is not text: a spreadsheet or archive under
// another name, a PDF, a legacy Excel file.
func plainText(path string, data []byte) error {
	head := data[:min(len(data), 8)]
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return fmt.Errorf("%s: a zip archive (an .xlsx workbook?): name it .xlsx, or save it as CSV", path)
	case bytes.HasPrefix(head, []byte("\xd0\xcf\x11\xe0")):
		return fmt.Errorf("%s: a legacy Excel (.xls) or Office file: save it as .xlsx or CSV", path)
	case bytes.HasPrefix(head, []byte("%PDF")):
		return fmt.Errorf("%s: a PDF: export the roster as CSV, .xlsx or text", path)
	case bytes.IndexByte(data[:min(len(data), 4096)], 0) >= 0:
		return fmt.Errorf("%s: binary content (NUL bytes): want CSV, .xlsx or text with one name a line", path)
	case !utf8.Valid(data):
		return fmt.Errorf("%s: not UTF-8 text: save the roster as UTF-8", path)
	}
	return nil
}

func readText(r io.Reader, path string) (*Roster, error) {
	var rows []Row
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		if s := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\ufeff")); s != "" {
			rows = append(rows, Row{Line: line, Name: s, Fields: []string{s}})
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", path, line+1, err)
	}
	return &Roster{Header: []string{"name"}, Rows: rows}, nil
}

func readXLSX(path string, cols Columns, countryCode func(string) string) (*Roster, error) {
	f, err := excelize.OpenFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: not a readable .xlsx workbook: %w", path, err)
	}
	defer f.Close()
	sheet := cols.Sheet
	if sheet == "" {
		sheets := f.GetSheetList()
		if len(sheets) == 0 {
			return nil, fmt.Errorf("%s: the workbook has no sheet", path)
		}
		sheet = sheets[0]
	} else if idx, err := f.GetSheetIndex(sheet); err != nil || idx < 0 {
		return nil, fmt.Errorf("%s: --sheet %q: no such sheet (sheets: %s)", path, sheet, strings.Join(f.GetSheetList(), ", "))
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, fmt.Errorf("%s: sheet %q: %w", path, sheet, err)
	}
	defer rows.Close()
	line := 0
	next := func() ([]string, int, error) {
		if !rows.Next() {
			if err := rows.Error(); err != nil {
				return nil, 0, fmt.Errorf("%s: sheet %q: %w", path, sheet, err)
			}
			return nil, 0, io.EOF
		}
		line++
		rec, err := rows.Columns()
		if err != nil {
			return nil, 0, fmt.Errorf("%s: sheet %q row %d: %w", path, sheet, line, err)
		}
		return rec, line, nil
	}
	header, _, err := next()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: sheet %q is empty", path, sheet)
		}
		return nil, err
	}
	return fromTable(path+" sheet "+sheet, header, next, cols, countryCode)
}

// fromTable reads the rows of a table with a header, from next (which
// returns io.EOF after the last row).
func fromTable(where string, header []string, next func() ([]string, int, error), cols Columns, countryCode func(string) string) (*Roster, error) {
	for i := range header {
		header[i] = strings.TrimSpace(strings.TrimPrefix(header[i], "\ufeff"))
	}
	find := func(flag, given string, usual []string) (int, error) {
		if given != "" {
			for i, h := range header {
				if strings.EqualFold(h, given) {
					return i, nil
				}
			}
			return -1, fmt.Errorf("%s:1: %s: no column %q in header %q", where, flag, given, strings.Join(header, ","))
		}
		for _, u := range usual {
			for i, h := range header {
				if strings.EqualFold(h, u) {
					return i, nil
				}
			}
		}
		return -1, nil
	}
	var idx [5]int
	for k, c := range []struct {
		flag, given string
		usual       []string
	}{
		{"--column", cols.Name, nameColumns},
		{"--dob-column", cols.BirthDate, birthColumns},
		{"--country-column", cols.Country, countryColumns},
		{"--identifier-column", cols.Identifier, identifierColumns},
		{"--id-column", cols.Key, nil},
	} {
		i, err := find(c.flag, c.given, c.usual)
		if err != nil {
			return nil, err
		}
		idx[k] = i
	}
	nameCol, dobCol, countryCol, idCol, keyCol := idx[0], idx[1], idx[2], idx[3], idx[4]
	if nameCol < 0 {
		nameCol = 0
	}
	r := &Roster{Header: header}
	for {
		rec, line, err := next()
		if errors.Is(err, io.EOF) {
			return r, nil
		}
		if err != nil {
			return nil, err
		}
		get := func(i int) string {
			if i < 0 || i >= len(rec) {
				return ""
			}
			return strings.TrimSpace(rec[i])
		}
		name := get(nameCol)
		if name == "" {
			continue
		}
		var countries, ids []string
		if c := get(countryCol); c != "" {
			countries = splitValues(c)
		}
		if id := get(idCol); id != "" {
			ids = splitValues(id)
		}
		attrs, err := match.ParseAttributes(get(dobCol), countries, ids, countryCode)
		if err != nil {
			var ae *match.AttributeError
			col := ""
			if errors.As(err, &ae) {
				col = header[map[string]int{"dob": dobCol, "country": countryCol, "id": idCol}[ae.Field]]
			}
			return nil, fmt.Errorf("%s:%d: column %q: %w", where, line, col, err)
		}
		fields := make([]string, len(header))
		copy(fields, rec)
		r.Rows = append(r.Rows, Row{Line: line, Name: name, Key: get(keyCol), Attributes: attrs, Fields: fields})
	}
}

// splitValues splits a cell holding several values ("FR; DE").
func splitValues(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '|' })
}
