// Package roster reads the lists of people and organizations that users
// screen in a batch: a CSV file with a header row, or a text file with one
// name a line. Besides the name, a CSV roster may carry each party's date
// of birth, country and identifier, which screening weighs as evidence.
package roster

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"ties/match"
)

// Columns name the roster's columns; an empty field picks the column by
// its usual names (see Read).
type Columns struct {
	Name, BirthDate, Country, Identifier string
}

// Row is one party to screen.
type Row struct {
	Line       int    // line in the file, for errors and reports
	Name       string // the name to screen
	Attributes match.Attributes
}

// usual names of the columns, compared without case.
var (
	nameColumns       = []string{"name", "full_name"}
	birthColumns      = []string{"dob", "date_of_birth", "birth_date", "birthdate"}
	countryColumns    = []string{"country", "nationality", "citizenship"}
	identifierColumns = []string{"identifier", "passport", "id_number", "national_id"}
)

// Read reads a roster. In a .csv file the names are in the column cols.Name
// ("name" or "full_name" when not given, else the first column); dates of
// birth in "dob", "date_of_birth", "birth_date" or "birthdate"; countries in
// "country", "nationality" or "citizenship"; identifiers in "identifier",
// "passport", "id_number" or "national_id". A column named "id" is not
// taken as an identifier: rosters use it for their own key. Any other file
// holds one name a line. Blank names are skipped. countryCode turns a
// country name into its ISO code. An unreadable value stops the read with
// the file, line and column.
func Read(path string, cols Columns, countryCode func(string) string) ([]Row, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if !strings.EqualFold(filepath.Ext(path), ".csv") {
		if cols != (Columns{}) {
			return nil, fmt.Errorf("column flags apply to .csv files, not %s", path)
		}
		return readText(f, path)
	}
	return readCSV(f, path, cols, countryCode)
}

func readText(r io.Reader, path string) ([]Row, error) {
	var rows []Row
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		if s := strings.TrimSpace(sc.Text()); s != "" {
			rows = append(rows, Row{Line: line, Name: s})
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", path, line+1, err)
	}
	return rows, nil
}

func readCSV(r io.Reader, path string, cols Columns, countryCode func(string) string) ([]Row, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 0
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s:1: %w", path, err)
	}
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
			return -1, fmt.Errorf("%s:1: %s: no column %q in header %q", path, flag, given, strings.Join(header, ","))
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
	nameCol, err := find("--column", cols.Name, nameColumns)
	if err != nil {
		return nil, err
	}
	if nameCol < 0 {
		nameCol = 0
	}
	dobCol, err := find("--dob-column", cols.BirthDate, birthColumns)
	if err != nil {
		return nil, err
	}
	countryCol, err := find("--country-column", cols.Country, countryColumns)
	if err != nil {
		return nil, err
	}
	idCol, err := find("--identifier-column", cols.Identifier, identifierColumns)
	if err != nil {
		return nil, err
	}
	get := func(rec []string, i int) string {
		if i < 0 {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	var rows []Row
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		line, _ := cr.FieldPos(0)
		name := get(rec, nameCol)
		if name == "" {
			continue
		}
		var countries, ids []string
		if c := get(rec, countryCol); c != "" {
			countries = splitValues(c)
		}
		if id := get(rec, idCol); id != "" {
			ids = splitValues(id)
		}
		attrs, err := match.ParseAttributes(get(rec, dobCol), countries, ids, countryCode)
		if err != nil {
			var ae *match.AttributeError
			col := ""
			if errors.As(err, &ae) {
				col = header[map[string]int{"dob": dobCol, "country": countryCol, "id": idCol}[ae.Field]]
			}
			return nil, fmt.Errorf("%s:%d: column %q: %w", path, line, col, err)
		}
		rows = append(rows, Row{Line: line, Name: name, Attributes: attrs})
	}
}

// splitValues splits a cell holding several values ("FR; DE").
func splitValues(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '|' })
}
