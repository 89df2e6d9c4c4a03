package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"ties/exposure"
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

// A portfolio: one combined report, the summary table first, then each
// organization; an organization not in the graph is named, not fatal.
func TestExposurePortfolio(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ties.db")
	if out, code := execTies(t, "demo", "--db", db, "--no-serve"); code != 0 {
		t.Fatalf("demo: %s", out)
	}
	orgs := filepath.Join(t.TempDir(), "orgs.csv")
	if err := os.WriteFile(orgs, []byte("name,owner\nmsft,procurement\nNo Such Org,legal\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, code := execTies(t, "--db", db, "exposure", "--file", orgs)
	if code != 0 {
		t.Fatalf("portfolio: %s", out)
	}
	summary := out[:strings.Index(out, "Exposure of")]
	if !strings.Contains(summary, "Microsoft Corporation") || !strings.Contains(summary, "critical") || !strings.Contains(summary, `no organization "No Such Org"`) {
		t.Errorf("summary table: %s", summary)
	}
	out, _ = execTies(t, "--db", db, "exposure", "--file", orgs, "--json")
	var doc struct {
		Organizations []struct {
			Input  string           `json:"input"`
			Report *exposure.Report `json:"report"`
			Error  string           `json:"error"`
		} `json:"organizations"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.Organizations) != 2 || doc.Organizations[0].Report == nil || doc.Organizations[1].Error == "" {
		t.Errorf("JSON portfolio: %v %s", err, out)
	}
	out, _ = execTies(t, "--db", db, "exposure", "--file", orgs, "--html")
	if !strings.Contains(out, "portfolio of 2 organizations") || !strings.Contains(out, `id="org-2"`) {
		t.Errorf("HTML portfolio lacks its summary or sections")
	}
	if _, code := execTies(t, "--db", db, "exposure", "msft", "--file", orgs); code == 0 {
		t.Error("ORG and --file together accepted")
	}
}
