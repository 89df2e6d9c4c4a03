package eval

import (
	_ "embed"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"ties"
	"ties/match"
)

// unlistedOrganizations are real companies and universities on no list,
// written for the project (data/unlisted-organizations.txt): negatives for
// organization screening, split into halves like the other sets.
//
//go:embed data/unlisted-organizations.txt
var unlistedOrganizations string

// Summary is every measurement `ties eval` prints, each labelled with the
// part of its set: the development half (tuned on) or the test half
// (reported). Sets marked test-only were never tuned on at all.
type Summary struct {
	IndexSize  int
	IndexBuild time.Duration

	BenchDev, BenchTest   Report // nomenklatura name pairs, match.Compare
	EntityChecks          Report // nomenklatura entity checks, test-only
	RecallDev, RecallTest Report // treated UN positives against the UN list

	// The 50,000 yente negatives against CSL 2022 + OFAC SDN 2021 + UN:
	NegDev, NegTest             Report // names only, no kind filter (as a user screens)
	NegPersonDev, NegPersonTest Report // names only, --kind person
	NegAttrDev, NegAttrTest     Report // no kind filter, with each row's birth date and nationality
	NegBatch                    time.Duration

	Congress          Report // US Congress members as negatives, test-only
	OrgsDev, OrgsTest Report // unlisted companies and universities
}

// Run measures everything on the shared data folder dataDir.
func Run(dataDir string, countryCode func(string) string) (*Summary, error) {
	var s Summary
	nm := filepath.Join(dataDir, "name-matching")
	bench := filepath.Join(nm, "nomenklatura", "name_bench_cases.csv")
	var err error
	if s.BenchDev, err = NameBench(bench, Dev); err != nil {
		return nil, err
	}
	if s.BenchTest, err = NameBench(bench, Test); err != nil {
		return nil, err
	}
	if s.EntityChecks, err = EntityChecks(filepath.Join(nm, "nomenklatura", "entity_bench_checks.yml")); err != nil {
		return nil, err
	}
	start := time.Now()
	entries, err := LoadLists(dataDir)
	if err != nil {
		return nil, err
	}
	ix := match.Build(entries)
	s.IndexSize, s.IndexBuild = ix.Len(), time.Since(start)
	// The positives are people of the UN list: recall@1 is measured
	// against the UN list alone (the same people are on the CSL and SDN
	// under other ids).
	var unEntries []ties.Entry
	for _, e := range entries {
		if e.Dataset == "un" {
			unEntries = append(unEntries, e)
		}
	}
	unIx := match.Build(unEntries)
	yente := filepath.Join(nm, "yente")
	treated, untreated := filepath.Join(yente, "positives_un_treated.csv"), filepath.Join(yente, "positives_un_untreated.csv")
	if s.RecallDev, err = Recall(unIx, treated, untreated, Dev); err != nil {
		return nil, err
	}
	if s.RecallTest, err = Recall(unIx, treated, untreated, Test); err != nil {
		return nil, err
	}
	negPath := filepath.Join(yente, "negatives_us.csv")
	negatives, err := ReadRows(negPath)
	if err != nil {
		return nil, err
	}
	neg := func(label string, opt NegativeOptions) Report {
		opt.CountryCode = countryCode
		r, took := FalsePositives(ix, "false positives "+negPath+" ("+label+")", negatives, opt)
		s.NegBatch += took
		return r
	}
	s.NegDev = neg("names only, no kind", NegativeOptions{Part: Dev})
	s.NegTest = neg("names only, no kind", NegativeOptions{Part: Test})
	s.NegPersonDev = neg("names only, --kind person", NegativeOptions{Part: Dev, Kind: ties.KindPerson})
	s.NegPersonTest = neg("names only, --kind person", NegativeOptions{Part: Test, Kind: ties.KindPerson})
	s.NegAttrDev = neg("no kind, with birth date and nationality", NegativeOptions{Part: Dev, Attributes: true})
	s.NegAttrTest = neg("no kind, with birth date and nationality", NegativeOptions{Part: Test, Attributes: true})

	congressPath := filepath.Join(yente, "positives_us_congress_untreated.csv")
	congress, err := ReadRows(congressPath)
	if err != nil {
		return nil, err
	}
	s.Congress, _ = FalsePositives(ix, "false positives "+congressPath+" (US Congress, on no list; names only, no kind)", congress, NegativeOptions{Part: All})
	s.Congress.Part = Test
	orgs, err := readEmbeddedList()
	if err != nil {
		return nil, err
	}
	orgName := "false positives eval/data/unlisted-organizations.txt (names only, no kind)"
	s.OrgsDev, _ = FalsePositives(ix, orgName, orgs, NegativeOptions{Part: Dev})
	s.OrgsTest, _ = FalsePositives(ix, orgName, orgs, NegativeOptions{Part: Test})
	return &s, nil
}

func readEmbeddedList() ([]Row, error) {
	var out []Row
	for _, l := range strings.Split(unlistedOrganizations, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, Row{Name: l})
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("eval/data/unlisted-organizations.txt: no names")
	}
	return out, nil
}

// Print writes the summary, headline (test) figures first.
func (s *Summary) Print(w io.Writer) {
	fmt.Fprintf(w, "Headline figures: the test half of each set (never tuned on) and the test-only sets, at threshold %.2f.\n\n", match.DefaultThreshold)
	fmt.Fprintf(w, "  %-52s %8s %8s\n", "", "test", "dev")
	fmt.Fprintf(w, "  %-52s %8.3f %8.3f\n", "name bench F1", s.BenchTest.F1, s.BenchDev.F1)
	fmt.Fprintf(w, "  %-52s %8.3f %8.3f\n", "name bench precision", s.BenchTest.Precision, s.BenchDev.Precision)
	fmt.Fprintf(w, "  %-52s %8.3f %8.3f\n", "name bench recall", s.BenchTest.Recall, s.BenchDev.Recall)
	fmt.Fprintf(w, "  %-52s %8.3f %8.3f\n", "recall@1 treated UN positives vs UN", s.RecallTest.Rate, s.RecallDev.Rate)
	fmt.Fprintf(w, "  %-52s %7.3f%% %7.3f%%\n", "FPR 50k negatives, no kind", 100*s.NegTest.Rate, 100*s.NegDev.Rate)
	fmt.Fprintf(w, "  %-52s %7.3f%% %7.3f%%\n", "FPR 50k negatives, --kind person", 100*s.NegPersonTest.Rate, 100*s.NegPersonDev.Rate)
	fmt.Fprintf(w, "  %-52s %7.3f%% %7.3f%%\n", "FPR 50k negatives, no kind, with birth date+nationality", 100*s.NegAttrTest.Rate, 100*s.NegAttrDev.Rate)
	fmt.Fprintf(w, "  %-52s %8.3f %8s\n", "entity checks F1 (test-only)", s.EntityChecks.F1, "-")
	fmt.Fprintf(w, "  %-52s %7.3f%% %8s\n", "FPR US Congress members (test-only)", 100*s.Congress.Rate, "-")
	fmt.Fprintf(w, "  %-52s %7.3f%% %7.3f%%\n", "FPR unlisted organizations, no kind", 100*s.OrgsTest.Rate, 100*s.OrgsDev.Rate)
	fmt.Fprintf(w, "\nindex: %d entities from CSL 2022 + OFAC SDN 2021 + UN, built in %s; negatives screened in %s\n\n",
		s.IndexSize, s.IndexBuild.Round(time.Millisecond), s.NegBatch.Round(time.Millisecond))
	for _, r := range []Report{s.BenchTest, s.BenchDev, s.EntityChecks, s.RecallTest, s.RecallDev,
		s.NegTest, s.NegDev, s.NegPersonTest, s.NegPersonDev, s.NegAttrTest, s.NegAttrDev, s.Congress, s.OrgsTest, s.OrgsDev} {
		fmt.Fprintln(w, r.String())
	}
}
