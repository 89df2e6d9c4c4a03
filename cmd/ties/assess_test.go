package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ties/assess"
)

// TestAssessCommand runs `ties assess` on the reference case as the demo
// loads it (the case file with its own Entity List rows): a person, the
// JSON, the HTML report, a proposal, and the errors.
func TestAssessCommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "ties.db")
	mustRun(t, db, "demo", "--no-serve")

	var a assess.Assessment
	out := mustRun(t, db, "assess", "Miao Houshan", "--as-of", "2026-11-01", "--json")
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if a.Person != "miao-houshan" || a.Outcome != assess.RequiredMitigation || len(a.DecidedBy) != 1 || a.DecidedBy[0] != "collaboration-restricted" {
		t.Fatalf("Miao Houshan: %s %s by %v", a.Person, a.Outcome, a.DecidedBy)
	}
	if a.Matrix.ID != assess.DefaultMatrix || a.Matrix.Hash == "" {
		t.Errorf("the review does not record its matrix: %+v", a.Matrix)
	}
	var hit *assess.Hit
	for _, r := range a.Factors {
		for i, h := range r.Hits {
			if h.Listed.EntityID == "cas-ict" && h.Listed.List == "Entity List" {
				hit = &r.Hits[i]
			}
		}
	}
	if hit == nil || !hit.AfterListing || hit.Listed.ListedOn.String() != "2022-12-16" || hit.Listed.Authority != "87 FR 77505" ||
		len(hit.Path) != 3 || hit.Path[1].EntityID != "liu-guodong" || hit.Path[1].Tie != "mentored" {
		t.Fatalf("the mentorship of Liu Guodong after ICT's listing is not the evidence: %+v", hit)
	}

	// In January 2026 the March 2026 update was not yet in effect and the
	// demo holds no 1286 rows: the 2025 factors find nothing.
	out = mustRun(t, db, "assess", "miao-houshan", "--as-of", "2026-01-15")
	if !strings.Contains(out, "Outcome: NO ACTION") {
		t.Errorf("as of 2026-01-15:\n%s", out)
	}
	// A two-year window ends after the 2023 mentorship.
	out = mustRun(t, db, "assess", "miao-houshan", "--as-of", "2026-11-01", "--window", "2y")
	if !strings.Contains(out, "Outcome: NO ACTION") {
		t.Errorf("--window 2y:\n%s", out)
	}
	out = mustRun(t, db, "assess", "miao-houshan", "--as-of", "2026-11-01")
	for _, want := range []string{"Outcome: REQUIRED MITIGATION by collaboration-restricted", "Miao Houshan → (mentored 2023, AFTER DESIGNATION) Liu Guodong → (student_at) Institute of Computing Technology",
		"listed 2022-12-16 under 87 FR 77505", "** AFTER LISTING **", "look-back 5y (since 2021-11-01)"} {
		if !strings.Contains(out, want) {
			t.Errorf("text lacks %q:\n%s", want, out)
		}
	}

	html := mustRun(t, db, "assess", "miao-houshan", "saeed-maleki", "--as-of", "2026-11-01", "--html")
	for _, want := range []string{"<!DOCTYPE html>", "Saeed Maleki", "Liu Guodong", "87 FR 77505", "tie AFTER the listing", "REQUIRED MITIGATION", "dod-fundamental-research"} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML report lacks %q", want)
		}
	}
	for _, external := range []string{"<script", "<link", "src=\"http", "@import"} {
		if strings.Contains(html, external) {
			t.Errorf("HTML report is not self-contained: it has %q", external)
		}
	}

	prop := filepath.Join(dir, "proposal.yaml")
	os.WriteFile(prop, []byte("proposal: N00014-26-1-0001\ntitle: Distributed training\nsubmitted: 2026-11-01\nkey_personnel:\n  - person: Padmanabhan Anandan\n    role: PI\n  - person: saeed-maleki\n    role: co-PI\n"), 0o644) //nolint:errcheck // read back below
	var pa assess.ProposalAssessment
	if err := json.Unmarshal([]byte(mustRun(t, db, "assess", "--proposal", prop, "--json")), &pa); err != nil {
		t.Fatal(err)
	}
	if pa.AsOf.String() != "2026-11-01" || pa.Outcome != assess.RequiredMitigation || len(pa.People) != 2 ||
		pa.People[0].Assessment.Outcome != assess.NoAction || len(pa.DecidedBy) != 1 || pa.DecidedBy[0] != "saeed-maleki: collaboration-restricted" {
		t.Errorf("proposal: as of %s %s %v", pa.AsOf.String(), pa.Outcome, pa.DecidedBy)
	}
	if out := mustRun(t, db, "assess", "--proposal", prop); !strings.Contains(out, "Proposal N00014-26-1-0001 \"Distributed training\" as of 2026-11-01: REQUIRED MITIGATION") {
		t.Errorf("proposal text:\n%s", out)
	}

	os.WriteFile(prop, []byte("proposal: P\nkey_personnel:\n  - person: miao-houshan\n  - person: Nobody Known\n"), 0o644) //nolint:errcheck // read back below
	if out, err := runTies(t, db, "assess", "--proposal", prop); err == nil || !strings.Contains(err.Error(), "proposal.yaml:4: field person: no person \"Nobody Known\"") {
		t.Errorf("unknown key person: %v\n%s", err, out)
	}
	bad := filepath.Join(dir, "matrix.yaml")
	os.WriteFile(bad, []byte("matrix: m\ntitle: t\nissuer: i\nversion: 2026\nfactors:\n  - id: f\n    citation: c\n    kind: coauthorship\n    lists: [XYZ]\n    effective: 2020\n    outcome: ineligible\n"), 0o644) //nolint:errcheck // read back below
	if _, err := runTies(t, db, "assess", "miao-houshan", "--matrix", bad); err == nil || !strings.Contains(err.Error(), "matrix.yaml:9: field lists: unknown list \"XYZ\"") {
		t.Errorf("bad matrix: %v", err)
	}
	roster := filepath.Join(dir, "roster.csv")
	os.WriteFile(roster, []byte("Name,ORCID,Department\nMiao Houshan,,Systems\nZhou Ming,,Vision\nNobody Known,0000-0000-0000-0000,Math\n"), 0o644) //nolint:errcheck // read back below
	var rr struct {
		People     []assess.PersonRole `json:"people"`
		Unresolved []struct {
			Line int `json:"line"`
		} `json:"unresolved"`
	}
	if err := json.Unmarshal([]byte(mustRun(t, db, "assess", "--roster", roster, "--as-of", "2026-11-01", "--json")), &rr); err != nil {
		t.Fatal(err)
	}
	if len(rr.People) != 2 || rr.People[0].Role != "Systems" || rr.People[0].Assessment.Outcome != assess.RequiredMitigation ||
		rr.People[1].Assessment.Outcome != assess.NoAction || len(rr.Unresolved) != 1 || rr.Unresolved[0].Line != 4 {
		t.Errorf("roster: %+v", rr)
	}
	csvOut := mustRun(t, db, "assess", "--roster", roster, "--as-of", "2026-11-01", "--csv")
	if !strings.Contains(csvOut, "miao-houshan,Miao Houshan,Systems,2026-11-01,dod-fundamental-research,2026-03-09,required_mitigation,collaboration-restricted,") ||
		!strings.Contains(csvOut, "zhou-ming,Zhou Ming,Vision,2026-11-01,dod-fundamental-research,2026-03-09,no_action,") {
		t.Errorf("roster CSV:\n%s", csvOut)
	}
	if _, err := runTies(t, db, "assess"); err == nil {
		t.Error("assess without a person or proposal succeeded")
	}
}
