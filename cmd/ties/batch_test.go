package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"ties/roster"

	"github.com/xuri/excelize/v2"
)

// TestScreenBatch screens a CSV roster by column on all cores and checks
// the results come back in input order, as CSV and as JSON lines.
func TestScreenBatch(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "ties.db")
	mustRun(t, db, "load", "testdata/fixture-list.csv")
	var roster strings.Builder
	roster.WriteString("id,who\n")
	var want []string
	for i := range 200 {
		name := []string{"Jane Roe", "Northwind Quantum Institute", "Ivan Petrovich Example", "北风量子研究所"}[i%4]
		want = append(want, name)
		fmt.Fprintf(&roster, "r%03d,%s\n", i, name)
	}
	rosterPath := filepath.Join(dir, "roster.csv")
	if err := os.WriteFile(rosterPath, []byte(roster.String()), 0o644); err != nil {
		t.Fatal(err)
	}

	out := filepath.Join(dir, "results.csv")
	mustRun(t, db, "screen", "--file", rosterPath, "--column", "who", "--out", out)
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, r := range rows[1:] {
		if r[1] == "0" || r[1] == "1" { // first row of each query
			order = append(order, r[0])
		}
		if r[0] == "Northwind Quantum Institute" && r[1] == "1" && r[7] != "fx-001" {
			t.Errorf("row for the listed institute: %v", r)
		}
		if r[0] == "Jane Roe" && r[1] != "0" {
			t.Errorf("Jane Roe matched: %v", r)
		}
	}
	if strings.Join(order, "|") != strings.Join(want, "|") {
		t.Errorf("results are not in input order")
	}

	// JSON lines on stdout, one object per name, in order.
	got := decodeScreen(t, mustRun(t, db, "screen", "--file", rosterPath, "--column", "who"))
	if len(got) != len(want) {
		t.Fatalf("%d results for %d names", len(got), len(want))
	}
	for i, r := range got {
		if r.Query != want[i] {
			t.Fatalf("result %d is for %q, want %q", i, r.Query, want[i])
		}
	}
	if _, err := runTies(t, db, "screen", "--file", rosterPath, "--column", "nope"); err == nil || !strings.Contains(err.Error(), "roster.csv:1") {
		t.Errorf("unknown column: %v; want an error naming the file and line", err)
	}
	b, _ := json.Marshal(got[1].Matches)
	if !strings.Contains(string(b), `"source_id":"fx-001"`) {
		t.Errorf("JSON result for the institute: %s", b)
	}
}

// An .xlsx roster screens like the same roster in CSV; results keep the
// roster's columns and name the list versions, as CSV, JSON lines or .xlsx.
func TestBatchXLSXLikeCSV(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ties.db")
	mustRun(t, db, "load", "testdata/fixture-list.csv")
	dir := t.TempDir()
	rows := [][]any{{"id", "who", "dept"}, {"r1", "Jane Roe", "HR"}, {"r2", "Northwind Quantum Institute", "R&D"}, {"r3", "北风量子研究所", "R&D"}}
	var csvText strings.Builder
	x := excelize.NewFile()
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&csvText, "%s,%s,%s\n", row...)
	}
	xlsxPath, csvPath := filepath.Join(dir, "roster.xlsx"), filepath.Join(dir, "roster.csv")
	if err := x.SaveAs(xlsxPath); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(csvPath, []byte(csvText.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	fromCSV := mustRun(t, db, "screen", "--file", csvPath, "--column", "who", "--id-column", "id")
	fromXLSX := mustRun(t, db, "screen", "--file", xlsxPath, "--column", "who", "--id-column", "id")
	if fromCSV != fromXLSX {
		t.Errorf("xlsx results differ from CSV:\n%s\n%s", fromXLSX, fromCSV)
	}
	var first roster.Result
	if err := json.Unmarshal([]byte(strings.SplitN(fromXLSX, "\n", 2)[0]), &first); err != nil {
		t.Fatal(err)
	}
	if first.ID != "r1" || first.Input["dept"] != "HR" || first.Versions == "" {
		t.Errorf("first result: %+v", first)
	}
	out := filepath.Join(dir, "results.xlsx")
	mustRun(t, db, "screen", "--file", xlsxPath, "--column", "who", "--out", out)
	res, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	got, err := res.GetRows("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	head := strings.Join(got[0], ",")
	if !strings.HasPrefix(head, "query,rank,score,entity_id") || !strings.HasSuffix(head, "list_versions,id,who,dept") || len(got) < 4 {
		t.Errorf("xlsx results: header %q, %d rows", head, len(got))
	}
	for _, r := range got[1:] {
		if r[0] == "Northwind Quantum Institute" && (r[7] != "fx-001" || r[len(r)-1] != "R&D") {
			t.Errorf("row: %v", r)
		}
	}
	if _, err := runTies(t, db, "screen", "--file", filepath.Join(dir, "roster.csv"), "--sheet", "x"); err == nil || !strings.Contains(err.Error(), "--sheet applies to .xlsx") {
		t.Errorf("--sheet on a CSV: %v", err)
	}
}
