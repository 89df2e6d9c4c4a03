package watch

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"ties"
	"ties/sources"
)

// ParseRoster reads the names a roster watch screens: a text file with one
// name a line (blank lines and lines starting with # skipped), or a CSV
// file whose header names a "name" column (else the first column is the
// name) and optionally an "id" column. A file that holds no name is an
// error, as is a line that is not UTF-8.
func ParseRoster(r io.Reader, file string) ([]ties.RosterName, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, &sources.Error{File: file, Err: err}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var out []ties.RosterName
	if isCSV(file, data) {
		out, err = parseRosterCSV(data, file)
	} else {
		out, err = parseRosterText(data, file)
	}
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, &sources.Error{File: file, Err: errors.New("no names: the roster is empty")}
	}
	return out, nil
}

func isCSV(file string, data []byte) bool {
	if strings.HasSuffix(strings.ToLower(file), ".csv") {
		return true
	}
	first, _, _ := bytes.Cut(data, []byte("\n"))
	h := strings.ToLower(strings.TrimSpace(string(first)))
	return strings.HasPrefix(h, "name,") || strings.HasPrefix(h, `"name",`) || strings.HasPrefix(h, "id,name") || strings.HasPrefix(h, `"id","name"`)
}

func parseRosterText(data []byte, file string) ([]ties.RosterName, error) {
	var out []ties.RosterName
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		if !utf8.Valid(sc.Bytes()) {
			return nil, sources.Errorf(file, line, "not UTF-8 text")
		}
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		out = append(out, ties.RosterName{Name: s})
	}
	if err := sc.Err(); err != nil {
		return nil, &sources.Error{File: file, Line: line + 1, Err: err}
	}
	return out, nil
}

func parseRosterCSV(data []byte, file string) ([]ties.RosterName, error) {
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, nil
	}
	if err != nil {
		return nil, csvError(file, err)
	}
	nameCol, idCol := 0, -1
	for i, h := range header {
		switch strings.ToLower(strings.TrimSpace(h)) {
		case "name":
			nameCol = i
		case "id":
			idCol = i
		}
	}
	var out []ties.RosterName
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, csvError(file, err)
		}
		line, _ := cr.FieldPos(0)
		if nameCol >= len(rec) {
			return nil, &sources.Error{File: file, Line: line, Field: header[nameCol], Err: errors.New("missing: the row is shorter than the header")}
		}
		name := strings.TrimSpace(rec[nameCol])
		if !utf8.ValidString(name) {
			return nil, &sources.Error{File: file, Line: line, Field: header[nameCol], Err: errors.New("not UTF-8 text")}
		}
		if name == "" {
			continue
		}
		rn := ties.RosterName{Name: name}
		if idCol >= 0 && idCol < len(rec) {
			rn.ID = strings.TrimSpace(rec[idCol])
		}
		out = append(out, rn)
	}
}

func csvError(file string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &sources.Error{File: file, Line: pe.Line, Err: pe.Err}
	}
	return &sources.Error{File: file, Err: err}
}
