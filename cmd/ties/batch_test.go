package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
