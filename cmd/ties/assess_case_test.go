package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"ties/assess"
)

const researchFile = "../../examples/microsoft-cas-research.ties"

func assessJSON(t *testing.T, db string, args ...string) assess.Assessment {
	t.Helper()
	var a assess.Assessment
	out := mustRun(t, db, append([]string{"assess", "--json"}, args...)...)
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatalf("assess JSON: %v\n%s", err, out)
	}
	return a
}

func fired(a assess.Assessment, id string) (assess.FactorResult, bool) {
	for _, r := range a.Factors {
		if r.ID == id && r.Fired {
			return r, true
		}
	}
	return assess.FactorResult{}, false
}

// TestAssessReferenceCase assesses the reference case's Microsoft
// researchers with the real list files (the May 2022 CSL, the 2025 Entity
// List rows, the DoD 1286 list, the ROR subset) and the hand-written graph
// without its own list rows: the mentors of the ICT PhD student, the
// (illustrative) co-authors of the case's eight papers, and an
// illustrative disclosure.
func TestAssessReferenceCase(t *testing.T) {
	data := needShared(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "ties.db")
	mustRun(t, db, "load", filepath.Join(data, "csl", "consolidated-2022-05.csv.gz"))
	mustRun(t, db, "load", "--graph-only", caseFile, researchFile)
	mustRun(t, db, "load", "--merge", filepath.Join(data, "csl", "el-cas-rows-2025.csv"))
	mustRun(t, db, "load", filepath.Join(data, "ror", "ror_cas_microsoft_subset.jsonl"), filepath.Join(data, "us-cn-lists", "dod-1286.csv"))
	const asOf = "2026-11-01"

	// The mentors of Liu Guodong: the 2023 mentorship came after ICT was
	// put on the Entity List (2022-12-16), within five years.
	for _, mentor := range []string{"miao-houshan", "saeed-maleki"} {
		a := assessJSON(t, db, mentor, "--as-of", asOf)
		if a.Outcome != assess.RequiredMitigation || !slices.Equal(a.DecidedBy, []string{"collaboration-restricted"}) {
			t.Errorf("%s: %s by %v", mentor, a.Outcome, a.DecidedBy)
			continue
		}
		r, _ := fired(a, "collaboration-restricted")
		lists := map[string]assess.Hit{}
		for _, h := range r.Hits {
			if len(h.Path) == 3 && h.Path[1].EntityID == "liu-guodong" && h.Path[1].Tie == "mentored" && h.Path[2].EntityID == "cas-ict" {
				lists[h.Listed.List] = h
			}
		}
		el, ok := lists["Entity List"]
		if !ok || !el.AfterListing || el.Listed.ListedOn.String() != "2022-12-16" || el.Listed.Authority != "87 FR 77505" || !el.Path[1].AfterDesignation {
			t.Errorf("%s: the mentorship is not flagged after ICT's Entity List designation: %+v", mentor, el)
		}
		if h, ok := lists["Foreign institutions of concern for DoD-funded research (NDAA FY2019 Section 1286)"]; !ok || h.AfterListing || !h.PossiblyAfterListing {
			t.Errorf("%s: the 1286 listing (2023, a year) is not 'possibly after': %+v", mentor, h)
		}
	}

	// Researcher A co-wrote five of the papers with an ICT researcher: the
	// ones from 2022 on, after the listing, within five years, count; the
	// 2021 paper came before ICT was listed.
	a := assessJSON(t, db, "msr-researcher-a", "--as-of", asOf)
	r, ok := fired(a, "coauthor-restricted")
	if !ok || a.Outcome != assess.RequiredMitigation || r.Count != 4 {
		t.Fatalf("researcher A: %s by %v, coauthor-restricted %v count %d", a.Outcome, a.DecidedBy, ok, r.Count)
	}
	works := map[string]assess.Hit{}
	for _, h := range r.Hits {
		if h.Listed.List == "Entity List" {
			works[h.Work.Title] = h
		}
	}
	oneBit := works["The Era of 1-bit LLMs: All Large Language Models are in 1.58 Bits"]
	if oneBit.Work == nil || oneBit.Work.DOI != "10.48550/arXiv.2402.17764" || oneBit.Work.Year != 2024 || !oneBit.AfterListing ||
		oneBit.Path[2].EntityID != "ict-coauthor" || oneBit.Listed.EntityID != "cas-ict" {
		t.Errorf("1-bit LLMs hit: %+v", oneBit)
	}
	if h := works["Introduction to the Multimedia Intelligence (special issue)"]; h.Work == nil || h.AfterListing || !h.PossiblyAfterListing {
		t.Errorf("the 2022 paper is not 'possibly after' the 2022-12-16 listing: %+v", h)
	}
	if _, ok := works["Correlation-Aware Heuristic Search for Intelligent Virtual Machine Provisioning in Cloud Systems"]; ok {
		t.Error("the 2021 paper, before the listing, counts")
	}

	// Researcher B's co-authors are UCAS people: UCAS is on none of the
	// matrix's lists, so no factor fires.
	if b := assessJSON(t, db, "msr-researcher-b", "--as-of", asOf); b.Outcome != assess.NoAction {
		t.Errorf("researcher B: %s by %v", b.Outcome, b.DecidedBy)
	}

	// Researcher C's disclosure: the Thousand Talents Plan (on the 1286
	// list, linked by name) makes them ineligible, as does the equipment.
	c := assessJSON(t, db, "Researcher C (illustrative), Microsoft Research", "--as-of", asOf)
	if c.Outcome != assess.Ineligible || !slices.Equal(c.DecidedBy, []string{"mftrp-prohibited", "equipment-listed"}) {
		t.Errorf("researcher C: %s by %v", c.Outcome, c.DecidedBy)
	}
	if r, ok := fired(c, "mftrp-prohibited"); !ok || r.Hits[0].Listed.EntityID != "ttp" || !strings.Contains(r.Hits[0].Listed.Via, "1286:thousand-talents-plan") {
		t.Errorf("talent program: %+v", r)
	}
	if _, ok := fired(c, "funding-restricted"); !ok {
		t.Error("researcher C's grant from ICT does not fire the funding factor")
	}

	// Under the 2025 edition (reviewed June 2025) only the 1286 list
	// counts for co-authorship, and it calls for suggested mitigation.
	if a := assessJSON(t, db, "msr-researcher-a", "--as-of", "2025-06-01"); a.Outcome != assess.SuggestedMitigation || !slices.Equal(a.DecidedBy, []string{"coauthor-1286"}) {
		t.Errorf("researcher A in June 2025: %s by %v", a.Outcome, a.DecidedBy)
	}
	// The stricter internal matrix escalates three or more papers.
	if a := assessJSON(t, db, "msr-researcher-a", "--as-of", asOf, "--matrix", "institution-strict"); a.Outcome != assess.RequiredMitigation || !slices.Contains(a.DecidedBy, "coauthor-repeated") {
		t.Errorf("researcher A, strict matrix: %s by %v", a.Outcome, a.DecidedBy)
	}
	// Zhou Ming's 2014 visit is outside every window.
	if z := assessJSON(t, db, "zhou-ming", "--as-of", asOf); z.Outcome != assess.NoAction {
		t.Errorf("Zhou Ming: %s by %v", z.Outcome, z.DecidedBy)
	}

	// A proposal with a mentor as PI and researcher B gets the PI's outcome.
	prop := filepath.Join(dir, "proposal.yaml")
	if err := os.WriteFile(prop, []byte("proposal: P-2026-1\nsubmitted: 2026-11-01\nkey_personnel:\n  - person: Miao Houshan\n    role: PI\n  - person: msr-researcher-b\n    role: co-PI\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var pa assess.ProposalAssessment
	if err := json.Unmarshal([]byte(mustRun(t, db, "assess", "--proposal", prop, "--json")), &pa); err != nil {
		t.Fatal(err)
	}
	if pa.Outcome != assess.RequiredMitigation || !slices.Equal(pa.DecidedBy, []string{"miao-houshan: collaboration-restricted"}) {
		t.Errorf("proposal: %s by %v", pa.Outcome, pa.DecidedBy)
	}
	html := mustRun(t, db, "assess", "--proposal", prop, "--html")
	for _, want := range []string{"Proposal P-2026-1", "Miao Houshan", "Liu Guodong", "87 FR 77505", "dod-1286.csv", "tie AFTER the listing"} {
		if !strings.Contains(html, want) {
			t.Errorf("proposal HTML lacks %q", want)
		}
	}
}
