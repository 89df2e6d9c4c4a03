package assess

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"ties"
	"ties/exposure"
	"ties/sources"
)

func org(id, name string) ties.Entity {
	return ties.Entity{ID: id, Kind: ties.KindOrganization, Names: []ties.Name{{Text: name, Type: ties.NamePrimary}}}
}

func person(id, name string) ties.Entity {
	return ties.Entity{ID: id, Kind: ties.KindPerson, Names: []ties.Name{{Text: name, Type: ties.NamePrimary}}}
}

func tie(from string, kind ties.TieKind, to, start, end string) ties.Tie {
	return ties.Tie{From: from, To: to, Kind: kind, Start: ties.MustDate(start), End: ties.MustDate(end),
		Evidence: []ties.Evidence{{Title: "source of " + from + " " + string(kind) + " " + to}}}
}

// fixture is a small research graph: a Microsoft researcher (ana) who
// co-wrote a 2023 paper with an ICT researcher (chen) and a 2016 paper
// with a UCAS one; bo who took part in a talent program; ICT on the Entity
// List (2022-12-16) and the 1286 list (2023); the program on the 1286 list.
func fixture() Input {
	pub := ties.Entity{ID: "w2023", Kind: ties.KindPublication, Names: []ties.Name{{Text: "Sparse models", Type: ties.NamePrimary}},
		Identifiers: []ties.Identifier{{Scheme: "doi", Value: "10.1/sparse"}}}
	old := ties.Entity{ID: "w2016", Kind: ties.KindPublication, Names: []ties.Name{{Text: "Old paper", Type: ties.NamePrimary}}}
	ents := []ties.Entity{
		org("msr", "Microsoft Research"), org("cas", "Chinese Academy of Sciences"),
		org("ict", "Institute of Computing Technology"), org("ucas", "University of Chinese Academy of Sciences"),
		org("vipl", "VIPL group"),
		{ID: "ttp", Kind: ties.KindProgram, Names: []ties.Name{{Text: "Thousand Talents Plan", Type: ties.NamePrimary}}},
		person("ana", "Ana Author"), person("bo", "Bo Participant"), person("chen", "Chen Coauthor"),
		person("dai", "Dai Student"), person("eve", "Eve Clean"),
		pub, old,
	}
	ts := []ties.Tie{
		tie("ict", ties.TiePartOf, "cas", "", ""),
		tie("ucas", ties.TiePartOf, "cas", "", ""),
		tie("vipl", ties.TiePartOf, "ict", "", ""),
		tie("ana", ties.TieEmployedBy, "msr", "2015", ""),
		tie("ana", ties.TieCoauthored, "w2023", "2023-03", "2023-03"),
		tie("chen", ties.TieCoauthored, "w2023", "2023-03", "2023-03"),
		tie("chen", ties.TieEmployedBy, "vipl", "2019", ""),
		tie("ana", ties.TieCoauthored, "w2016", "2016", "2016"),
		tie("dai", ties.TieCoauthored, "w2016", "2016", "2016"),
		tie("dai", ties.TieStudentAt, "ucas", "2014", "2019"),
		tie("bo", ties.TieParticipantIn, "ttp", "2022", ""),
		tie("bo", ties.TieEmployedBy, "msr", "2010", ""),
		tie("eve", ties.TieEmployedBy, "msr", "2020", ""),
	}
	des := []exposure.Designated{
		{EntityID: "ict", ListName: "Entity List", Designation: ties.Designation{ListID: "EL", Start: ties.MustDate("2022-12-16"), Authority: "87 FR 77505"}},
		{EntityID: "ict", ListName: "1286 list", Designation: ties.Designation{ListID: "1286", Start: ties.MustDate("2023")}},
		{EntityID: "ttp", ListName: "1286 list", Designation: ties.Designation{ListID: "1286", Start: ties.MustDate("2022")}},
	}
	m, err := Builtin(DefaultMatrix)
	if err != nil {
		panic(err)
	}
	return Input{Graph: exposure.NewGraph(ents, ts), Designated: des, Matrix: m, AsOf: ties.MustDate("2026-11-01")}
}

func factorResult(a Assessment, id string) (FactorResult, bool) {
	for _, r := range a.Factors {
		if r.ID == id {
			return r, true
		}
	}
	return FactorResult{}, false
}

func TestBuiltinMatrices(t *testing.T) {
	ids := BuiltinIDs()
	if !slices.Equal(ids, []string{"dod-fundamental-research", "institution-strict"}) {
		t.Fatalf("built-in matrices: %v", ids)
	}
	for _, id := range ids {
		m, err := Builtin(id)
		if err != nil {
			t.Fatal(err)
		}
		if m.ID != id || m.Version.IsZero() || m.Hash == "" || len(m.Factors) < 5 {
			t.Errorf("%s: %+v", id, m)
		}
		for _, f := range m.Factors {
			if f.Citation == "" || f.Effective.IsZero() || f.Outcome == NoAction || len(f.Out)+len(f.In) == 0 || f.Line == 0 {
				t.Errorf("%s factor %s incomplete: %+v", id, f.ID, f)
			}
		}
	}
	if _, err := Builtin("nope"); err == nil || !strings.Contains(err.Error(), "dod-fundamental-research") {
		t.Errorf("unknown matrix: %v", err)
	}
}

func TestCoauthorshipAfterListing(t *testing.T) {
	in := fixture()
	a := Person(in, "ana")
	if a.Outcome != RequiredMitigation || !slices.Equal(a.DecidedBy, []string{"coauthor-restricted"}) {
		t.Fatalf("ana: outcome %s by %v\n%+v", a.Outcome, a.DecidedBy, a.Factors)
	}
	r, _ := factorResult(a, "coauthor-restricted")
	// One paper, ICT on two of the factor's lists: two hits, one tie.
	if r.Count != 1 || len(r.Hits) != 2 || r.Window != "5y" || r.From.String() != "2021-11-01" {
		t.Fatalf("coauthor-restricted: count %d hits %d window %s from %s", r.Count, len(r.Hits), r.Window, r.From)
	}
	var el *Hit
	for i := range r.Hits {
		if r.Hits[i].Listed.List == "Entity List" {
			el = &r.Hits[i]
		}
	}
	if el == nil {
		t.Fatalf("no Entity List hit: %+v", r.Hits)
	}
	var ids []string
	for _, s := range el.Path {
		ids = append(ids, s.EntityID)
	}
	if !slices.Equal(ids, []string{"ana", "w2023", "chen", "vipl", "ict"}) {
		t.Errorf("path %v", ids)
	}
	if el.Work == nil || el.Work.DOI != "10.1/sparse" || el.Work.Year != 2023 || !el.AfterListing {
		t.Errorf("hit: work %+v after %v", el.Work, el.AfterListing)
	}
	if el.Listed.EntityID != "ict" || el.Listed.ListedOn.String() != "2022-12-16" || el.Listed.Authority != "87 FR 77505" || !strings.Contains(el.Listed.Via, "part of") {
		t.Errorf("listed %+v", el.Listed)
	}
	if len(el.Path[1].Evidence) == 0 || !el.Path[1].AfterDesignation {
		t.Errorf("the person's tie carries no evidence or no after-designation mark: %+v", el.Path[1])
	}
	// The 2016 paper with a UCAS student is outside the window and UCAS is
	// not listed: no hit names it.
	for _, h := range r.Hits {
		if h.Work.ID == "w2016" {
			t.Errorf("2016 paper counted: %+v", h)
		}
	}
	if e := Person(in, "eve"); e.Outcome != NoAction || len(e.DecidedBy) != 0 {
		t.Errorf("eve: %s %v", e.Outcome, e.DecidedBy)
	}
}

func TestEditionsByReviewDate(t *testing.T) {
	in := fixture()
	// Before the March 2026 update takes effect: the 2023 co-authorship
	// factor (1286 list only, suggested mitigation) applies.
	in.AsOf = ties.MustDate("2026-01-15")
	a := Person(in, "ana")
	if a.Outcome != SuggestedMitigation || !slices.Equal(a.DecidedBy, []string{"coauthor-1286"}) {
		t.Fatalf("ana in January 2026: %s %v", a.Outcome, a.DecidedBy)
	}
	if _, ok := factorResult(a, "coauthor-restricted"); ok {
		t.Error("the 2026 factor applies before its effective date")
	}
	// In July 2023 the 2023 edition applies, ICT is on the 1286 list
	// (2023) and the paper (2023-03) came possibly after: suggested.
	in.AsOf = ties.MustDate("2023-07-15")
	if a := Person(in, "ana"); a.Outcome != SuggestedMitigation || len(a.Factors) == 0 {
		t.Errorf("ana in July 2023: %s %v (%d factors)", a.Outcome, a.DecidedBy, len(a.Factors))
	}
	// Before the first edition, no factor is in effect, and the review
	// says so rather than reporting a clean record.
	in.AsOf = ties.MustDate("2023-01-01")
	if a := Person(in, "ana"); len(a.Factors) != 0 || len(a.Notes) != 1 || !strings.Contains(a.Notes[0], "no factor of matrix dod-fundamental-research") {
		t.Errorf("ana before the matrix: %d factors, notes %v", len(a.Factors), a.Notes)
	}
}

func TestTalentProgram(t *testing.T) {
	in := fixture()
	a := Person(in, "bo")
	if a.Outcome != Ineligible || !slices.Contains(a.DecidedBy, "mftrp-prohibited") {
		t.Fatalf("bo: %s %v", a.Outcome, a.DecidedBy)
	}
	// Before the CHIPS Act prohibition: required mitigation.
	in.AsOf = ties.MustDate("2024-01-01")
	if a := Person(in, "bo"); a.Outcome != RequiredMitigation || !slices.Contains(a.DecidedBy, "mftrp-current") {
		t.Errorf("bo in 2024: %s %v", a.Outcome, a.DecidedBy)
	}
}

const testMatrix = `matrix: test
title: Test
issuer: ties tests
version: 2026-01-01
factors:
  - id: coauthor
    citation: test factor
    kind: coauthorship
    lists: [EL]
    window: WINDOW
    after: AFTER
    effective: 2020-01-01
    outcome: required_mitigation
`

func parseTest(t *testing.T, window, after string) *Matrix {
	t.Helper()
	m, err := ParseMatrix(strings.NewReader(strings.NewReplacer("WINDOW", window, "AFTER", after).Replace(testMatrix)), "test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestWindowAndKeyDateChangeOutcome: the same record, the same day, a
// factor's window or key date changed in the file, another outcome.
func TestWindowAndKeyDateChangeOutcome(t *testing.T) {
	in := fixture()
	for _, c := range []struct {
		window, after string
		want          Outcome
	}{
		{"5y", "2020-01-01", RequiredMitigation},
		{"3y", "2020-01-01", NoAction}, // 2023-03 is more than three years before 2026-11-01
		{"5y", "2023-06-01", NoAction}, // the paper came before the key date
		{"0", "2023-01-01", RequiredMitigation},
	} {
		in.Matrix = parseTest(t, c.window, c.after)
		if got := Person(in, "ana").Outcome; got != c.want {
			t.Errorf("window %s after %s: %s, want %s", c.window, c.after, got, c.want)
		}
	}
	in.Matrix = parseTest(t, "5y", "2020-01-01")
	w := Window{Months: 24}
	in.Window = &w
	if got := Person(in, "ana").Outcome; got != NoAction {
		t.Errorf("--window 2y: %s", got)
	}
}

func TestMatrixErrors(t *testing.T) {
	for _, c := range []struct {
		name, old, new string
		line           int
		field, msg     string
	}{
		{"unknown list", "lists: [EL]", "lists: [EL, NOPE]", 9, "lists", `unknown list "NOPE"`},
		{"bad window", "window: 5y", "window: 5 years", 10, "window", "want a"},
		{"missing outcome", "    outcome: required_mitigation\n", "", 6, "outcome", "missing outcome"},
		{"bad outcome", "outcome: required_mitigation", "outcome: maybe", 13, "outcome", "unknown outcome"},
		{"unknown setting", "    kind: coauthorship\n", "    kind: coauthorship\n    colour: red\n", 9, "colour", "unknown factor setting"},
		{"no version", "version: 2026-01-01\n", "", 1, "version", "missing"},
		{"bad kind", "kind: coauthorship", "kind: gossip", 8, "kind", "unknown factor kind"},
		{"until before effective", "    effective: 2020-01-01\n", "    effective: 2020-01-01\n    until: 2019-01-01\n", 6, "until", "not after"},
	} {
		text := strings.NewReplacer("WINDOW", "5y", "AFTER", "2020-01-01").Replace(testMatrix)
		text = strings.Replace(text, c.old, c.new, 1)
		_, err := ParseMatrix(strings.NewReader(text), "m.yaml")
		var se *sources.Error
		if !errors.As(err, &se) {
			t.Errorf("%s: error %v, want a sources.Error", c.name, err)
			continue
		}
		if se.File != "m.yaml" || se.Line != c.line || se.Field != c.field || !strings.Contains(se.Error(), c.msg) {
			t.Errorf("%s: %v (line %d field %q), want line %d field %q %q", c.name, err, se.Line, se.Field, c.line, c.field, c.msg)
		}
	}
	if _, err := ParseMatrix(strings.NewReader("matrix: [\n"), "bad.yaml"); err == nil || !strings.Contains(err.Error(), "bad.yaml:") {
		t.Errorf("syntax error: %v", err)
	}
}

func TestProposal(t *testing.T) {
	in := fixture()
	p, err := ParseProposal(strings.NewReader(`proposal: P-1
title: Test proposal
submitted: 2026-11-01
key_personnel:
  - person: eve
    role: PI
  - person: Ana Author
    role: co-PI
`), "p.yaml")
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{"eve": "eve", "Ana Author": "ana"}
	resolve := func(ref string) (string, error) {
		if id, ok := names[ref]; ok {
			return id, nil
		}
		return "", errors.New("no such person")
	}
	pa, err := AssessProposal(in, p, resolve)
	if err != nil {
		t.Fatal(err)
	}
	if pa.Outcome != RequiredMitigation || !slices.Equal(pa.DecidedBy, []string{"ana: coauthor-restricted"}) || len(pa.People) != 2 || pa.People[0].Role != "PI" {
		t.Errorf("proposal: %s %v %d", pa.Outcome, pa.DecidedBy, len(pa.People))
	}
	p.Personnel = append(p.Personnel, KeyPerson{Ref: "Nobody", Line: 9})
	_, err = AssessProposal(in, p, resolve)
	if err == nil || !strings.Contains(err.Error(), "p.yaml:9: field person: no such person") {
		t.Errorf("unknown person: %v", err)
	}
	if _, err := ParseProposal(strings.NewReader("proposal: P\nkey_personnel: []\n"), "e.yaml"); err == nil || !strings.Contains(err.Error(), "e.yaml:1") {
		t.Errorf("empty personnel: %v", err)
	}
}

func TestWindowStart(t *testing.T) {
	for _, c := range []struct{ w, asOf, want string }{
		{"5y", "2026-11-01", "2021-11-01"},
		{"1y", "2024-02-29", "2023-02-28"},
		{"18m", "2026", "2025-06-30"},
		{"0", "2026-11-01", ""},
	} {
		w, err := ParseWindow(c.w)
		if err != nil {
			t.Fatal(err)
		}
		if got := w.Start(ties.MustDate(c.asOf)).String(); got != c.want {
			t.Errorf("%s before %s: %s, want %s", c.w, c.asOf, got, c.want)
		}
	}
	for _, bad := range []string{"", "y", "-1y", "5", "5d", "101y"} {
		if _, err := ParseWindow(bad); err == nil {
			t.Errorf("window %q accepted", bad)
		}
	}
}

func TestParseRoster(t *testing.T) {
	rows, err := ParseRoster(strings.NewReader("\ufeffName,ORCID,OpenAlex,Department,notes\nAna Author,https://orcid.org/0000-0002-1825-0097,,CS,x\n\nBo,,https://openalex.org/A5023888391,EE\n"), "r.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].ORCID != "0000-0002-1825-0097" || rows[0].Line != 2 || rows[1].OpenAlex != "A5023888391" || rows[1].Line != 4 ||
		!slices.Equal(rows[0].Refs(), []string{"orcid:0000-0002-1825-0097", "Ana Author"}) {
		t.Fatalf("rows: %+v", rows)
	}
	if _, err := ParseRoster(strings.NewReader("name,department\nAna,CS\n,EE\n"), "r.csv"); err == nil || !strings.Contains(err.Error(), "r.csv:3: field name") {
		t.Errorf("empty row: %v", err)
	}
	if _, err := ParseRoster(strings.NewReader("email,phone\n"), "r.csv"); err == nil || !strings.Contains(err.Error(), "r.csv:1") {
		t.Errorf("no usable column: %v", err)
	}
}
