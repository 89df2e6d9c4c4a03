package ingest

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"ties"
	"ties/analysis"
	"ties/examples"
	"ties/exposure"
	"ties/sqlite"
)

func openStore(t *testing.T) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "ties.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func findingFor(rep exposure.Report, entity, rule string) *exposure.Finding {
	for i, f := range rep.Findings {
		if f.Designated.EntityID == entity && f.Rule.Name == rule {
			return &rep.Findings[i]
		}
	}
	return nil
}

// TestParentTiesReal1260H: with the real 1260H table and a real FtM file
// loaded, the "Parent Name" column becomes subsidiary_of ties to the
// listed parents (140 ties, every parent resolved to its list entity),
// and an exposure query on a subsidiary shows the designation it inherits
// under the 1260H rule, with the path through the tie and the list row as
// evidence.
func TestParentTiesReal1260H(t *testing.T) {
	data := sharedData(t)
	st := openStore(t)
	ctx := context.Background()
	res, err := Load(ctx, st, []string{
		filepath.Join(data, "us-cn-lists", "dod-1260h.csv"),
		filepath.Join(data, "ftm", "yente_t1_entities.ftm.json"),
	}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r := res[0]; r.Graph != "list:1260h" || r.Ties != 140 || r.Nodes != 162 || r.Version.Rows != 224 {
		t.Fatalf("1260H: graph %q, %d ties, %d entities, %d rows; want list:1260h, 140, 162, 224", r.Graph, r.Ties, r.Nodes, r.Version.Rows)
	}
	if r := res[1]; r.Version.Dataset != "ftm:yente_t1_entities" || r.Version.Rows != 6 {
		t.Errorf("FtM: %+v", r.Version)
	}
	n := 0
	for tie, err := range st.Ties(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		if tie.Kind != ties.TieSubsidiaryOf || !strings.HasPrefix(tie.From, "1260h:") || !strings.HasPrefix(tie.To, "1260h:") {
			t.Errorf("tie %+v", tie)
		}
		n++
	}
	if n != 140 {
		t.Errorf("%d ties stored, want 140", n)
	}

	m, err := analysis.Build(ctx, st, analysis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := m.Exposure(analysis.Query{Org: "1260h:bgi-americas-corporation", AsOf: ties.MustDate("2026-06-01")})
	if err != nil {
		t.Fatal(err)
	}
	inh := findingFor(rep, "1260h:bgi-americas-corporation", "1260H")
	if inh == nil || inh.Designated.Via != "1260h:bgi-americas-corporation subsidiary_of 1260h:bgi-group" {
		t.Fatalf("no inherited 1260H designation through BGI Group: %+v", rep.Findings)
	}
	parent := findingFor(rep, "1260h:bgi-group", "direct")
	if parent == nil || parent.Distance != 1 || len(parent.Paths) == 0 {
		t.Fatalf("no path to the listed parent: %+v", rep.Findings)
	}
	step := parent.Paths[0][1]
	if step.EntityID != "1260h:bgi-group" || step.Tie != ties.TieSubsidiaryOf || len(step.Evidence) != 1 || step.Evidence[0].Quote != "Parent Name: BGI Group" {
		t.Errorf("path step %+v", step)
	}

	// Reloading a table without the column's parents clears the ties.
	if _, err := Load(ctx, st, []string{filepath.Join(data, "us-cn-lists", "dod-1286.csv")}, Options{Dataset: "1260h", Format: "1286"}); err != nil {
		t.Fatal(err)
	}
	for tie, err := range st.Ties(ctx) {
		t.Fatalf("tie left after the dataset's new version named no parent: %+v %v", tie, err)
	}
}

// TestFtMOwnershipBIS50: FtM Ownership records become owned_by ties with
// their share and start; a company 60 % owned by an Entity List company
// inherits the designation under the BIS 50 % rule while the rule is in
// force (not while it is suspended), one 30 % owned does not, and a
// relation to an entity not in the file is dropped and counted.
func TestFtMOwnershipBIS50(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	res, err := Load(ctx, st, []string{"testdata/bis50.ftm.json"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := res[0]
	if r.Version.Dataset != "ftm:bis50" || r.Version.Rows != 3 || r.Graph != "list:ftm:bis50" || r.Ties != 2 || r.Nodes != 3 || r.DroppedTies != 1 {
		t.Fatalf("result %+v version %+v", r, r.Version)
	}
	var got []ties.Tie
	for tie, err := range st.Ties(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, tie)
	}
	if !slices.ContainsFunc(got, func(x ties.Tie) bool {
		return x.From == "ftm:sub60" && x.To == "ftm:parent" && x.Kind == ties.TieOwnedBy && x.Share == 0.6 && x.Start.String() == "2019-03"
	}) {
		t.Fatalf("ties %+v", got)
	}
	m, err := analysis.Build(ctx, st, analysis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		org, asOf string
		want      bool
	}{
		{"ftm:sub60", "2026-12-01", true},
		{"ftm:sub60", "2025-10-15", true},
		{"ftm:sub60", "2026-01-15", false}, // suspended
		{"ftm:sub30", "2026-12-01", false},
	} {
		rep, err := m.Exposure(analysis.Query{Org: c.org, AsOf: ties.MustDate(c.asOf)})
		if err != nil {
			t.Fatal(err)
		}
		f := findingFor(rep, c.org, "BIS50")
		if (f != nil) != c.want {
			t.Errorf("%s on %s: BIS50 finding %+v, want %v", c.org, c.asOf, f, c.want)
		}
		if f != nil && f.Designated.Via != "ftm:sub60 owned_by 60% ftm:parent" {
			t.Errorf("%s: via %q", c.org, f.Designated.Via)
		}
	}
}

// TestLoadOpenAlexFiles: each real OpenAlex file is detected and read by
// the reader of its entity type; the works snapshot part, whose works have
// no authors, loads as publications instead of stopping.
func TestLoadOpenAlexFiles(t *testing.T) {
	dir := filepath.Join(sharedData(t), "openalex")
	st := openStore(t)
	for _, c := range []struct {
		file, format string
		nodes, ties  int
	}{
		{"institution_I27837315.json", "openalex-institutions", 8, 7},
		{"institutions_updated_2023-09-04_part_000.gz", "openalex-institutions", 738, 60},
		{"works_updated_2023-05-16_part_000.gz", "openalex", 27, 0},
	} {
		res, err := Load(context.Background(), st, []string{filepath.Join(dir, c.file)}, Options{})
		if err != nil {
			t.Errorf("%s: %v", c.file, err)
			continue
		}
		r := res[0]
		if r.Format != c.format || r.Graph != "openalex:"+c.file || r.Nodes != c.nodes || r.Ties != c.ties {
			t.Errorf("%s: format %s graph %s, %d entities, %d ties; want %s, %d, %d", c.file, r.Format, r.Graph, r.Nodes, r.Ties, c.format, c.nodes, c.ties)
		}
	}
}

// TestLoadOpenAlexAuthors: an authors file is detected by content and read
// as persons with affiliation ties.
func TestLoadOpenAlexAuthors(t *testing.T) {
	res, err := Load(context.Background(), openStore(t), []string{"../sources/openalex/testdata/authors.jsonl"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r := res[0]; r.Format != "openalex-authors" || r.Graph != "openalex:authors.jsonl" || r.Nodes != 5 || r.Ties != 3 {
		t.Errorf("result %+v", r)
	}
}

// TestLoadNativeOrigin: data held in memory (the demo's embedded case)
// records the origin it is given, not a path that does not exist.
func TestLoadNativeOrigin(t *testing.T) {
	res, err := LoadNative(context.Background(), openStore(t), examples.MicrosoftCASName, examples.MicrosoftCAS,
		Options{Origin: "embedded: examples/microsoft-cas.ties"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Version == nil || res.Version.Origin != "embedded: examples/microsoft-cas.ties" {
		t.Errorf("version %+v; want the origin given", res.Version)
	}
}

// TestFtMMergeKeepsTies: merging a file without relations into an FtM
// dataset keeps the ties the dataset has.
func TestFtMMergeKeepsTies(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	if _, err := Load(ctx, st, []string{"testdata/bis50.ftm.json"}, Options{}); err != nil {
		t.Fatal(err)
	}
	plain := filepath.Join(t.TempDir(), "more.ftm.json")
	if err := os.WriteFile(plain, []byte(`{"id":"extra","schema":"Company","properties":{"name":["Extra Co"]},"datasets":["registry"]}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Load(ctx, st, []string{plain}, Options{Dataset: "ftm:bis50", Merge: true})
	if err != nil || res[0].Version.Rows != 4 {
		t.Fatalf("merge: %+v %v", res, err)
	}
	n := 0
	for _, err := range st.Ties(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 2 {
		t.Errorf("%d ties after the merge, want the 2 there were", n)
	}
}

func TestFtMDatasetNames(t *testing.T) {
	for path, want := range map[string]string{
		"/data/yente_t1_entities.ftm.json":          "ftm:yente_t1_entities",
		"nomenklatura_donations.ijson":              "ftm:nomenklatura_donations",
		"/mirror/us_ofac_sdn/entities.ftm.json":     "ftm:us_ofac_sdn",
		"/mirror/EU_FSF/entities.ftm.json.gz":       "ftm:eu_fsf",
		"/tmp/ties-upload-123456/entities.ftm.json": "ftm:entities",
		"/tmp/ties-sync-ftm-99/entities.ftm.json":   "ftm:entities",
		"export.jsonl": "ftm:export",
	} {
		if got := defaultDataset("ftm", path); got != want {
			t.Errorf("defaultDataset(ftm, %s) = %s, want %s", path, got, want)
		}
	}
}

// TestUnchangedTableGetsParentTies: a 1260H version in force without its
// parent ties (loaded by an earlier release) gets them on the next
// unchanged sync, without a new version.
func TestUnchangedTableGetsParentTies(t *testing.T) {
	path := filepath.Join(sharedData(t), "us-cn-lists", "dod-1260h.csv")
	st := openStore(t)
	ctx := context.Background()
	first, err := Load(ctx, st, []string{path}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.PutGraph(ctx, ListGraphSource("1260h"), ties.Graph{}); err != nil { // as an older release left it
		t.Fatal(err)
	}
	res, err := Load(ctx, st, []string{path}, Options{})
	if err != nil || !res[0].Skipped || res[0].Version.ID != first[0].Version.ID || res[0].Ties != 140 {
		t.Fatalf("unchanged reload: %+v %v; want skipped, the same version, 140 ties made", res, err)
	}
	again, err := Load(ctx, st, []string{path}, Options{})
	if err != nil || again[0].Ties != 0 {
		t.Errorf("second unchanged reload put the ties again: %+v %v", again, err)
	}
}

// TestLoadOFACXMLFolder: a folder holding OFAC's sdn.xml loads as the CSV
// folder does.
func TestLoadOFACXMLFolder(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(sharedData(t), "formats", "sdn__sdn.xml"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "sdn.xml"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Load(context.Background(), openStore(t), []string{dir}, Options{})
	if err != nil || res[0].Format != "ofac-xml" || res[0].Version.Dataset != "ofac-sdn" || res[0].Version.Rows != 4 {
		t.Fatalf("%+v %v", res, err)
	}
}
