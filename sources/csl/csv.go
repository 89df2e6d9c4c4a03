package csl

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"strings"
	"unicode/utf8"

	"ties"
	"ties/sources"
)

// columns of the CSL CSV that the parser reads; the file's header decides
// where they are, since the column set has changed over the years.
const (
	colID = iota
	colSource
	colEntityNumber
	colType
	colPrograms
	colName
	colTitle
	colAddresses
	colFedReg
	colStart
	colEnd
	colLicensePolicy
	colCallSign
	colRemarks
	colSourceListURL
	colAltNames
	colCitizenships
	colDatesOfBirth
	colNationalities
	colSourceInfoURL
	colIDs
	numCols
)

var columnNames = map[string]int{
	"_id": colID, "id": colID, "source": colSource, "entity_number": colEntityNumber,
	"type": colType, "programs": colPrograms, "name": colName, "title": colTitle,
	"addresses": colAddresses, "federal_register_notice": colFedReg,
	"start_date": colStart, "end_date": colEnd, "license_policy": colLicensePolicy,
	"call_sign": colCallSign, "remarks": colRemarks, "source_list_url": colSourceListURL,
	"alt_names": colAltNames, "citizenships": colCitizenships,
	"dates_of_birth": colDatesOfBirth, "nationalities": colNationalities,
	"source_information_url": colSourceInfoURL, "ids": colIDs,
}

var headerOf [numCols]string

func init() {
	for name, c := range columnNames {
		if headerOf[c] == "" || name[0] == '_' {
			headerOf[c] = name
		}
	}
}

// Parse reads the CSL CSV (with header) from r; file names the input in
// errors. Iteration stops after the first error, a *sources.Error with
// the line and, when known, the column.
func Parse(r io.Reader, file string) iter.Seq2[ties.Record, error] {
	return func(yield func(ties.Record, error) bool) {
		fail := func(line int, field string, err error) {
			yield(ties.Record{}, &sources.Error{File: file, Line: line, Field: field, Err: err})
		}
		cr := csv.NewReader(r)
		cr.ReuseRecord = true
		header, err := cr.Read()
		header = slices.Clone(header) // ReuseRecord would overwrite it
		if errors.Is(err, io.EOF) {
			fail(0, "", errors.New("empty file"))
			return
		}
		if err != nil {
			fail(csvLine(err, 1), "", csvErr(err))
			return
		}
		var pos [numCols]int
		for i := range pos {
			pos[i] = -1
		}
		for i, h := range header {
			h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
			if c, ok := columnNames[h]; ok && pos[c] < 0 {
				pos[c] = i
			}
		}
		for _, c := range []int{colID, colSource, colName} {
			if pos[c] < 0 {
				fail(1, headerOf[c], fmt.Errorf("header has no %q column (is this a CSL CSV file?)", headerOf[c]))
				return
			}
		}
		line := 1
		for {
			rec, err := cr.Read()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				fail(csvLine(err, line+1), "", csvErr(err))
				return
			}
			line, _ = cr.FieldPos(0)
			for i, v := range rec {
				if !utf8.ValidString(v) {
					l, _ := cr.FieldPos(i)
					fail(l, header[i], errors.New("invalid UTF-8"))
					return
				}
			}
			get := func(c int) string {
				if pos[c] < 0 {
					return ""
				}
				return strings.TrimSpace(rec[pos[c]])
			}
			rw := row{
				id: get(colID), source: get(colSource), entityNumber: get(colEntityNumber),
				kind: get(colType), programs: get(colPrograms), name: get(colName),
				title: get(colTitle), fedReg: get(colFedReg), start: get(colStart), end: get(colEnd),
				licensePolicy: get(colLicensePolicy), callSign: get(colCallSign),
				remarks: get(colRemarks), sourceListURL: get(colSourceListURL),
				sourceInfoURL: get(colSourceInfoURL),
				addresses:     parseAddresses(get(colAddresses)),
				altNames:      splitList(get(colAltNames)),
				citizenships:  splitList(get(colCitizenships)),
				datesOfBirth:  splitList(get(colDatesOfBirth)),
				nationalities: splitList(get(colNationalities)),
				ids:           parseIDs(get(colIDs)),
			}
			if rw.id == "" {
				rw.id = rw.entityNumber
			}
			if rw.id == "" {
				fail(line, headerOf[colID], errors.New("empty entry id"))
				return
			}
			if rw.source == "" {
				fail(line, "source", errors.New("empty source"))
				return
			}
			out, field, err := rw.build()
			if err != nil {
				fail(line, field, err)
				return
			}
			if !yield(out, nil) {
				return
			}
		}
	}
}

// csvLine is the line a csv error happened on, or fallback when the error
// is a plain read error (e.g. a truncated gzip stream).
func csvLine(err error, fallback int) int {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Line
	}
	return fallback
}

// csvErr drops the position that csv.ParseError repeats, since
// sources.Error already says where.
func csvErr(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		if errors.Is(pe.Err, csv.ErrFieldCount) {
			return fmt.Errorf("wrong number of fields (the header has a different count)")
		}
		return pe.Err
	}
	return fmt.Errorf("reading: %w", err)
}
