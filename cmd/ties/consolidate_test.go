package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"ties/exposure"
	"ties/match"
	"ties/postgres/pgtest"
)

// With the reference case and the ROR data loaded, the same organization
// is told by two sources; each distinct path is shown once, with the
// evidence of both.
func TestExposurePathsOnceWithROR(t *testing.T) {
	data := needShared(t)
	db := filepath.Join(t.TempDir(), "ties.db")
	if out, code := execTies(t, "demo", "--db", db, "--no-serve"); code != 0 {
		t.Fatalf("demo: %s", out)
	}
	if out, code := execTies(t, "--db", db, "load", filepath.Join(data, "ror", "ror_cas_microsoft_subset.jsonl")); code != 0 {
		t.Fatalf("load ROR: %s", out)
	}
	out, code := execTies(t, "--db", db, "exposure", "msft", "--json")
	if code != 0 {
		t.Fatalf("exposure: %s", out)
	}
	var rep exposure.Report
	if err := json.Unmarshal([]byte(out[strings.Index(out, "{"):]), &rep); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	paths, rorEvidence := 0, false
	for _, f := range rep.Findings {
		seen := map[string]bool{}
		for _, p := range f.Paths {
			var b strings.Builder
			for _, s := range p {
				fmt.Fprintf(&b, "%s/%s/%t>", s.EntityID, s.Tie, s.Reverse)
				for _, ev := range s.Evidence {
					rorEvidence = rorEvidence || strings.Contains(ev.Title+ev.Ref, "ror.org")
				}
			}
			if seen[b.String()] {
				t.Errorf("finding %s: path %s shown twice", f.Designated.EntityID, b.String())
			}
			seen[b.String()] = true
			paths++
		}
	}
	if paths == 0 || !rorEvidence {
		t.Errorf("%d paths, ROR evidence on a step: %v", paths, rorEvidence)
	}
}

// The lists of the README loaded together: each real-world entity comes
// back once, with every designation.
func TestScreenOneResultPerEntity(t *testing.T) {
	data := needShared(t)
	db := filepath.Join(t.TempDir(), "ties.db")
	for _, args := range [][]string{
		{"load", filepath.Join(data, "csl", "consolidated-2022-05.csv.gz"), filepath.Join(data, "ofac", "2021-07"),
			filepath.Join(data, "un", "UN_consolidated.xml"), filepath.Join(data, "us-cn-lists", "dod-1286.csv"),
			filepath.Join(data, "us-cn-lists", "dod-1260h.csv")},
		{"load", "--merge", filepath.Join(data, "csl", "el-cas-rows-2025.csv")},
	} {
		if out, code := execTies(t, append([]string{"--db", db}, args...)...); code != 0 {
			t.Fatalf("%v: %s", args, out)
		}
	}
	out, code := execTies(t, "--db", db, "screen", "--json", "ICT CAS", "Kim Jong Un", "Huawei Technologies Co., Ltd.")
	if code != 0 {
		t.Fatalf("screen: %s", out)
	}
	rs := decodeScreen(t, out)
	if len(rs) != 3 {
		t.Fatalf("%d results", len(rs))
	}
	lists := func(m matchJSON) map[string][]string {
		l := map[string][]string{}
		for _, d := range m.Designations {
			on := ""
			if d.ListedOn != nil {
				on = *d.ListedOn
			}
			l[d.List] = append(l[d.List], on+" "+d.Authority)
		}
		return l
	}
	ict := rs[0].Matches
	if len(ict) != 1 {
		t.Fatalf("ICT CAS: %d results, want 1: %+v", len(ict), ict)
	}
	l := lists(ict[0])
	if len(l["1286"]) == 0 || len(l["EL"]) == 0 || !strings.Contains(strings.Join(l["EL"], ";"), "2022-12-16 87 FR 77505") {
		t.Errorf("ICT CAS designations: %v", l)
	}
	if kim := rs[1].Matches; len(kim) != 1 || len(kim[0].Records) < 2 {
		t.Errorf("Kim Jong Un: %d results (records %v), want one made of the CSL and OFAC rows", len(kim), kim)
	}
	hw := rs[2].Matches
	if len(hw) == 0 {
		t.Fatal("Huawei: no match")
	}
	l = lists(hw[0])
	if len(l["EL"]) == 0 || len(l["CMIC"]) == 0 || len(l["1260H"]) == 0 || hw[0].Score < 1 {
		t.Errorf("Huawei: %s %.3f with %v", hw[0].Name, hw[0].Score, l)
	}
	if hw[0].List == "1260H" && (hw[0].ListedOn == nil || *hw[0].ListedOn != "2021-06-03") {
		t.Errorf("Huawei's 1260H first listing: %v", hw[0].ListedOn)
	}
	for _, m := range hw[1:] {
		if m.EntityID == hw[0].EntityID || lists(m)["1260H"] != nil {
			t.Errorf("Huawei twice: %s %s", m.EntityID, m.Name)
		}
	}
}

type matchJSON = match.MatchJSON

// An analyst's split and merge round trip on both stores, survive a new
// list version and are audited.
func TestMergeSplitRoundTrip(t *testing.T) {
	data := needShared(t)
	for _, store := range []struct {
		name string
		db   func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "ties.db") }},
		{"postgres", func(t *testing.T) string { return pgtest.NewDatabase(t) }},
	} {
		t.Run(store.name, func(t *testing.T) {
			db := store.db(t)
			run := func(args ...string) string {
				t.Helper()
				out, code := execTies(t, append([]string{"--db", db}, args...)...)
				if code != 0 {
					t.Fatalf("%v: %s", args, out)
				}
				return out
			}
			kim := func() int {
				return len(decodeScreen(t, run("screen", "--json", "--kind", "person", "Kim Jong Un"))[0].Matches)
			}
			run("load", filepath.Join(data, "csl", "consolidated-2022-05.csv.gz"), filepath.Join(data, "ofac", "2021-07"))
			if n := kim(); n != 1 {
				t.Fatalf("before any decision: %d results for Kim Jong Un, want 1 (CSL and OFAC rows of SDN 20157)", n)
			}
			run("split", "ofac:20157", "csl:20157", "--reason", "test")
			if n := kim(); n != 2 {
				t.Errorf("after split: %d results, want 2", n)
			}
			run("load", "--reload", filepath.Join(data, "ofac", "2021-07"))
			if n := kim(); n != 2 {
				t.Errorf("split lost with a new version: %d results", n)
			}
			if out := run("merge"); !strings.Contains(out, "split\tcsl:20157\tofac:20157\ttest") {
				t.Errorf("decisions: %s", out)
			}
			run("merge", "csl:20157", "ofac:20157")
			if n := kim(); n != 1 {
				t.Errorf("after merge: %d results, want 1", n)
			}
			audit := run("audit", "export")
			if !strings.Contains(audit, `"decision":"split"`) || !strings.Contains(audit, `"decision":"merged"`) {
				t.Errorf("decisions not audited: %s", audit)
			}
		})
	}
}
