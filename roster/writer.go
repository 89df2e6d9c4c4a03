package roster

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"ties/match"
)

// resultColumns come first in CSV and XLSX results, then "also_on" and
// "list_versions", then the roster's own columns.
var resultColumns = []string{"query", "rank", "score", "entity_id", "name", "matched_name", "list", "source_id", "listed_on", "authority", "explanation"}

// Writer writes the results of a screened roster as CSV, XLSX or JSON
// lines: each result row keeps every column of its roster row and names
// the list versions screened against.
type Writer struct {
	format   string // "csv", "xlsx" or "jsonl"
	out      io.Writer
	header   []string // the roster's columns, as written in results
	versions string
	csv      *csv.Writer
	enc      *json.Encoder
	xlsx     *excelize.File
	stream   *excelize.StreamWriter
	row      int
}

// Format is the results format for an output file name: .csv, .xlsx, or
// JSON lines for anything else.
func Format(path string) string {
	switch l := strings.ToLower(path); {
	case strings.HasSuffix(l, ".csv"):
		return "csv"
	case strings.HasSuffix(l, ".xlsx"):
		return "xlsx"
	}
	return "jsonl"
}

// NewWriter starts results for a roster with header, screened against
// list versions.
func NewWriter(out io.Writer, format string, header []string, versions []int64) (*Writer, error) {
	versions = slices.Sorted(slices.Values(versions))
	vs := make([]string, len(versions))
	for i, v := range versions {
		vs[i] = strconv.FormatInt(v, 10)
	}
	w := &Writer{format: format, out: out, versions: strings.Join(vs, " ")}
	for _, h := range header {
		if slices.Contains(resultColumns, strings.ToLower(h)) || h == "also_on" || h == "list_versions" {
			h = "input_" + h
		}
		w.header = append(w.header, h)
	}
	head := append(append(slices.Clone(resultColumns), "also_on", "list_versions"), w.header...)
	switch format {
	case "csv":
		w.csv = csv.NewWriter(out)
		return w, w.csv.Write(head)
	case "xlsx":
		w.xlsx = excelize.NewFile()
		sw, err := w.xlsx.NewStreamWriter("Sheet1")
		if err != nil {
			return nil, err
		}
		w.stream = sw
		return w, w.writeXLSX(head)
	case "jsonl":
		w.enc = json.NewEncoder(out)
		return w, nil
	}
	return nil, fmt.Errorf("results format %q: want csv, xlsx or jsonl", format)
}

// Result is the JSON-lines form of one screened roster row: the
// screening's JSON (match.ResultJSON) with the row's line, key, cells and
// the list versions.
type Result struct {
	match.ResultJSON
	Line     int               `json:"line,omitempty"`
	ID       string            `json:"id,omitempty"`
	Input    map[string]string `json:"input,omitempty"`
	Versions string            `json:"list_versions"`
}

// Write writes the matches of one roster row.
func (w *Writer) Write(r Row, ms []match.Match) error {
	if w.enc != nil {
		in := map[string]string{}
		for i, h := range w.header {
			if i < len(r.Fields) {
				in[h] = r.Fields[i]
			}
		}
		return w.enc.Encode(Result{ResultJSON: match.ResultJSON{Query: r.Name, Matches: match.ToJSON(ms)},
			Line: r.Line, ID: r.Key, Input: in, Versions: w.versions})
	}
	rows := [][]string{}
	if len(ms) == 0 {
		rows = append(rows, []string{r.Name, "0", "", "", "", "", "", "", "", "", "no match", "", w.versions})
	}
	for i, m := range ms {
		rows = append(rows, []string{r.Name, strconv.Itoa(i + 1), strconv.FormatFloat(m.Score, 'f', 3, 64), m.EntityID, m.Name,
			m.MatchedName, m.ListID, m.SourceID, m.ListedOn.String(), m.Authority, m.Explanation, match.OtherLists(m), w.versions})
	}
	for _, row := range rows {
		row = append(row, r.Fields...)
		var err error
		if w.csv != nil {
			err = w.csv.Write(row)
		} else {
			err = w.writeXLSX(row)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (w *Writer) writeXLSX(row []string) error {
	w.row++
	cells := make([]any, len(row))
	for i, c := range row {
		cells[i] = c
	}
	cell, err := excelize.CoordinatesToCellName(1, w.row)
	if err != nil {
		return err
	}
	return w.stream.SetRow(cell, cells)
}

// Close finishes the results (an .xlsx workbook is written only now).
func (w *Writer) Close() error {
	switch {
	case w.csv != nil:
		w.csv.Flush()
		return w.csv.Error()
	case w.xlsx != nil:
		if err := w.stream.Flush(); err != nil {
			return err
		}
		if _, err := w.xlsx.WriteTo(w.out); err != nil {
			return err
		}
		return w.xlsx.Close()
	}
	return nil
}
