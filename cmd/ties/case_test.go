package main

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"ties/exposure"
	"ties/postgres/pgtest"
)

const caseFile = "../../examples/microsoft-cas.ties"

func exposureReport(t *testing.T, db string, args ...string) exposure.Report {
	t.Helper()
	var rep exposure.Report
	out := mustRun(t, db, append([]string{"exposure", "--json", "--as-of", "2026-11-01"}, args...)...)
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("exposure JSON: %v\n%s", err, out)
	}
	return rep
}

func findingsFor(fs []exposure.Finding, entityID, list string) []exposure.Finding {
	var out []exposure.Finding
	for _, f := range fs {
		if f.Designated.EntityID == entityID && (list == "" || f.Designated.List == list) {
			out = append(out, f)
		}
	}
	return out
}

func pathIDs(p []exposure.Step) []string {
	var ids []string
	for _, s := range p {
		ids = append(ids, s.EntityID)
	}
	return ids
}

// stepInto finds the step entering entity id from a tie of kind (any path).
func stepInto(f exposure.Finding, id, kind string) (exposure.Step, bool) {
	for _, p := range f.Paths {
		for _, s := range p {
			if s.EntityID == id && string(s.Tie) == kind {
				return s, true
			}
		}
	}
	return exposure.Step{}, false
}

func anyPath(f exposure.Finding, pred func(exposure.Step) bool) bool {
	for _, p := range f.Paths {
		if slices.ContainsFunc(p, pred) {
			return true
		}
	}
	return false
}

// TestReferenceCase reproduces the six findings of
// ../shared/cases/microsoft-cas/FACTS.md with the real list files: the
// hand-written graph (without its own list rows), the May 2022 CSL, then
// the 2025 Entity List rows, the ROR subset and the DoD 1286 list.
func TestReferenceCase(t *testing.T) {
	referenceCase(t, filepath.Join(t.TempDir(), "ties.db"))
}

// TestReferenceCasePostgres runs the same case on a PostgreSQL store.
func TestReferenceCasePostgres(t *testing.T) {
	needShared(t)
	referenceCase(t, pgtest.NewDatabase(t))
}

func referenceCase(t *testing.T, db string) {
	data := needShared(t)
	mustRun(t, db, "load", filepath.Join(data, "csl", "consolidated-2022-05.csv.gz"))
	mustRun(t, db, "load", "--graph-only", caseFile)

	// Finding 5, before: the May 2022 list names no CAS unit on the Entity List.
	before := exposureReport(t, db, "msft")
	for _, f := range before.Findings {
		if f.Designated.List == "Entity List" {
			t.Errorf("with the 2022 list, Microsoft already has an Entity List finding: %+v", f.Designated)
		}
	}
	var versions []struct {
		ID      int64  `json:"id"`
		Dataset string `json:"dataset"`
	}
	json.Unmarshal([]byte(mustRun(t, db, "lists", "--json")), &versions) //nolint:errcheck // checked below
	if len(versions) != 1 {
		t.Fatalf("versions after the first load: %+v", versions)
	}
	first := versions[0].ID

	mustRun(t, db, "load", "--merge", filepath.Join(data, "csl", "el-cas-rows-2025.csv"))
	mustRun(t, db, "load", filepath.Join(data, "ror", "ror_cas_microsoft_subset.jsonl"), filepath.Join(data, "us-cn-lists", "dod-1286.csv"))

	rep := exposureReport(t, db, "msft")
	ict := findingsFor(rep.Findings, "cas-ict", "Entity List")
	if len(ict) != 1 {
		t.Fatalf("Entity List findings for ICT: %d; want 1\n%+v", len(ict), rep.Findings)
	}
	f := ict[0]

	// Finding 4: the path and the designation it ends at.
	if f.Designated.ListedOn.String() != "2022-12-16" || f.Designated.Authority != "87 FR 77505" || f.Rule.Status != "enacted" {
		t.Errorf("ICT designation: %+v rule %+v", f.Designated, f.Rule)
	}
	want := []string{"msft", "msra", "liu-guodong", "cas-ict"}
	wantTies := []string{"", "part_of", "hosted", "student_at"}
	found := false
	for _, p := range f.Paths {
		if slices.Equal(pathIDs(p), want) {
			found = true
			for i, s := range p {
				if string(s.Tie) != wantTies[i] {
					t.Errorf("step %d of the Liu Guodong path: tie %q, want %q", i, s.Tie, wantTies[i])
				}
			}
		}
	}
	if !found {
		t.Errorf("no path %v among %d paths", want, len(f.Paths))
	}

	// Finding 1: the ties run through Star Leap, Star Track, the VIPL
	// funding and the 2014 visit.
	if s, ok := stepInto(f, "liu-guodong", "hosted"); !ok || s.Via != "star-leap" {
		t.Errorf("Star Leap residency step: %+v (found %v)", s, ok)
	}
	if s, ok := stepInto(f, "yao-di", "hosted"); !ok || s.Via != "star-track" {
		t.Errorf("Star Track visit of Yao Di: %+v (found %v)", s, ok)
	}
	if _, ok := stepInto(f, "cas-vipl", "funded"); !ok {
		t.Error("no path through the funding of VIPL")
	}
	if !anyPath(f, func(s exposure.Step) bool { return s.Tie == "visited" && s.Start.String() == "2014" }) {
		t.Error("no path through the 2014 visit")
	}

	// Finding 2: the 2023 residency is after the designation, the 2021 and
	// 2022 visits before it.
	if !f.AfterDesignation || f.Severity != exposure.SeverityCritical {
		t.Errorf("ICT finding: after_designation %v severity %s; want true, critical", f.AfterDesignation, f.Severity)
	}
	for id, after := range map[string]bool{"liu-guodong": true, "yao-di": false, "xiao-li": false} {
		s, ok := stepInto(f, id, "hosted")
		if !ok || s.AfterDesignation != after {
			t.Errorf("hosted %s: after_designation %v (found %v), want %v", id, s.AfterDesignation, ok, after)
		}
	}

	// Finding 3: H.R.1516 is a scenario, kept apart and labelled proposed.
	for _, f := range rep.Findings {
		if f.Rule.Status == "proposed" {
			t.Errorf("a proposed rule among the enacted findings: %+v", f.Rule)
		}
		if anyPath(f, func(s exposure.Step) bool { return s.Tie == "coauthored" || s.Tie == "advisory_seat" }) {
			t.Errorf("enacted finding for %s reached through a co-authored paper or the advisory seat", f.Designated.Name)
		}
	}
	if len(rep.ScenarioFindings) != 0 {
		t.Errorf("scenario findings without --scenario: %d", len(rep.ScenarioFindings))
	}
	scen := exposureReport(t, db, "msft", "--scenario", "HR1516")
	designated := map[string]exposure.Finding{}
	for _, f := range scen.ScenarioFindings {
		if f.Rule.Status != "proposed" || f.Rule.Name != "HR1516" {
			t.Errorf("scenario finding under rule %+v", f.Rule)
		}
		designated[f.Designated.EntityID] = f
	}
	for _, id := range []string{"cas", "cas-ict", "cas-ia", "cas-vipl"} {
		if _, ok := designated[id]; !ok {
			t.Errorf("H.R.1516 scenario: no finding for %s (have %v)", id, keys(designated))
		}
	}
	if c, ok := designated["cas"]; ok {
		if !anyPath(c, func(s exposure.Step) bool { return s.Tie == "coauthored" }) {
			t.Error("scenario finding for CAS does not show the co-authored papers")
		}
		if !anyPath(c, func(s exposure.Step) bool { return s.Tie == "advisory_seat" }) {
			t.Error("scenario finding for CAS does not show the advisory seat")
		}
	}
	if ia, ok := designated["cas-ia"]; ok && !anyPath(ia, func(s exposure.Step) bool { return s.Tie == "visited" && s.Start.String() == "2017" }) {
		t.Error("scenario finding for the Institute of Automation does not show the 2017 visit")
	}
	if len(scen.Findings) != len(rep.Findings) {
		t.Errorf("adding the scenario changed the enacted findings: %d, before %d", len(scen.Findings), len(rep.Findings))
	}

	// Finding 5, after: what is new since the May 2022 list.
	var changes struct {
		Changes exposure.Changes `json:"changes"`
	}
	out := mustRun(t, db, "exposure", "msft", "--json", "--as-of", "2026-11-01", "--since", strconv.FormatInt(first, 10))
	if err := json.Unmarshal([]byte(out), &changes); err != nil {
		t.Fatal(err)
	}
	newEL := map[string]string{}
	for _, f := range changes.Changes.New {
		if f.Designated.List == "Entity List" {
			newEL[f.Designated.EntityID] = f.Designated.ListedOn.String()
		}
	}
	if newEL["cas-ict"] != "2022-12-16" {
		t.Errorf("new Entity List exposures since version %d: %v; want ICT listed 2022-12-16", first, newEL)
	}
	// The four CAS units listed in 2024 are on the list now, but Microsoft
	// has no tie to them (only to CAS, their parent): no new exposure.
	for _, id := range []string{"cas-iop", "cas-klqi", "cas-qiqp", "cas-simit"} {
		if _, ok := newEL[id]; ok {
			t.Errorf("new exposure to %s, reached only through its parent CAS", id)
		}
	}
	for _, name := range []string{"CAS Institute of Physics", "Chinese Academy of Sciences Key Laboratory for Quantum Information",
		"Center for Excellence in Quantum Information and Quantum Physics", "Shanghai Institute of Microsystem and Information Technology"} {
		rs := decodeScreen(t, mustRun(t, db, "screen", "--json", "--list", "EL", name))
		if len(rs[0].Matches) == 0 || rs[0].Matches[0].ListedOn == nil || *rs[0].Matches[0].ListedOn != "2024-05-09" {
			t.Errorf("screen %q after the 2025 rows: %+v; want an Entity List row listed 2024-05-09", name, rs[0].Matches)
		}
	}

	// Finding 6: the policy violations.
	out, err := runTies(t, db, "check", "--json", caseFile)
	if err == nil {
		t.Error("check found no violation (want exit status 3)")
	}
	var vs struct {
		Violations []exposure.Violation `json:"violations"`
	}
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		t.Fatalf("check JSON: %v\n%s", err, out)
	}
	got := map[string]bool{}
	for _, v := range vs.Violations {
		got[string(v.Kind)+":"+v.Person+":"+v.Escort] = true
		if len(v.Sources) == 0 && len(v.Ties) == 0 {
			t.Errorf("violation without evidence: %+v", v)
		}
	}
	for _, k := range []string{"personnel_location:eng-chen:", "personnel_location:eng-zhang:", "escort_qualification:eng-chen:escort-doe", "escort_qualification:eng-chen:escort-roe"} {
		if !got[k] {
			t.Errorf("missing violation %s (got %v)", k, got)
		}
	}
	if got["personnel_location:eng-parker:"] || got["escort_qualification:eng-zhang:escort-roe"] {
		t.Errorf("violation reported for a compliant person: %v", got)
	}
}

func keys[V any](m map[string]V) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
