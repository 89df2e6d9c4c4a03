package main

import (
	"encoding/csv"
	"path/filepath"
	"strings"
	"testing"
)

// TestExposureReports checks the HTML and CSV reports on the reference
// case as the demo loads it: the HTML is one self-contained file with the
// path, the designation and the after-designation mark; the CSV has one
// row per path.
func TestExposureReports(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ties.db")
	mustRun(t, db, "demo", "--no-serve")

	html := mustRun(t, db, "exposure", "msft", "--html", "--as-of", "2026-11-01", "--scenario", "HR1516")
	for _, want := range []string{"<!DOCTYPE html>", "Liu Guodong", "87 FR 77505", "2022-12-16", "AFTER the designation date",
		"Scenarios: proposed rules, not law", "HR1516"} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML report lacks %q", want)
		}
	}
	for _, external := range []string{"<script", "<link", "src=\"http", "@import"} {
		if strings.Contains(html, external) {
			t.Errorf("HTML report is not self-contained: it has %q", external)
		}
	}

	rows, err := csv.NewReader(strings.NewReader(mustRun(t, db, "exposure", "msft", "--csv", "--as-of", "2026-11-01"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 2 || rows[0][0] != "org" || rows[0][len(rows[0])-1] != "path" {
		t.Fatalf("CSV: %v", rows)
	}
	found := false
	for _, r := range rows[1:] {
		if strings.Contains(r[len(r)-1], "Liu Guodong") && r[4] == "Entity List" && r[5] == "2022-12-16" && r[10] == "true" {
			found = true
		}
	}
	if !found {
		t.Errorf("no CSV row for the Liu Guodong path to the Entity List listing after designation:\n%v", rows)
	}

	// As of mid-2022 ICT was not yet listed: no Entity List finding.
	early := mustRun(t, db, "exposure", "msft", "--csv", "--as-of", "2022-06-01")
	if strings.Contains(early, "Entity List") {
		t.Errorf("exposure as of 2022-06-01 has an Entity List finding:\n%s", early)
	}
}
