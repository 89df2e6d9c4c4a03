package uscn

import (
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"ties/internal/testdata"

	"ties"
	"ties/sources"
)

// sharedData returns ../shared/data/<sub> next to the repo root, or skips.
func sharedData(t testing.TB, sub string) string {
	t.Helper()
	return testdata.Dir(t, sub)
}

// parseFile reads path with mapping m, or with ParseAuto when m is nil.
func parseFile(t testing.TB, path string, m *Mapping) ([]ties.Record, Stats) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var st Stats
	var recs []ties.Record
	for rec, err := range ParseStats(f, filepath.Base(path), m, &st) {
		if err != nil {
			t.Fatalf("parse %s: %v", path, err)
		}
		recs = append(recs, rec)
	}
	return recs, st
}

func find(t testing.TB, recs []ties.Record, id string) ties.Record {
	t.Helper()
	for _, r := range recs {
		if r.Entity.ID == id {
			return r
		}
	}
	t.Fatalf("no entity %s", id)
	return ties.Record{}
}

func hasName(e ties.Entity, text string, typ ties.NameType) bool {
	return slices.ContainsFunc(e.Names, func(n ties.Name) bool { return n.Text == text && n.Type == typ })
}

func starts(r ties.Record) []string {
	var out []string
	for _, d := range r.Designations {
		out = append(out, d.Start.String()+".."+d.End.String())
	}
	return out
}

func mustMapping(t testing.TB, name string) *Mapping {
	t.Helper()
	m, ok := MappingByName(name)
	if !ok {
		t.Fatalf("no mapping %q", name)
	}
	return &m
}

func TestFixture1260H(t *testing.T) {
	recs, st := parseFile(t, "testdata/1260h.csv", mustMapping(t, "1260h"))
	if st.Rows != 4 || len(recs) != 2 {
		t.Fatalf("%d rows -> %d entities, want 4 -> 2", st.Rows, len(recs))
	}
	aero := find(t, recs, "1260h:example-aero-co")
	if aero.Entity.PrimaryName() != "Example Aero Co." || aero.Entity.Kind != ties.KindOrganization {
		t.Errorf("entity = %+v", aero.Entity)
	}
	if !hasName(aero.Entity, "EXAERO", ties.NameAbbreviation) || !hasName(aero.Entity, "Example Aerospace", ties.NameAlias) ||
		!hasName(aero.Entity, "Old Aero Works", ties.NameFormer) || !hasName(aero.Entity, "Example Aero Co", ties.NameAlias) {
		t.Errorf("names = %+v", aero.Entity.Names)
	}
	if got, want := starts(aero), []string{"2021-06-03..", "2024-01-31..2025-01-07", "2026-06-08.."}; !slices.Equal(got, want) {
		t.Errorf("periods = %q, want %q", got, want)
	}
	d := aero.Designations
	if d[0].Parent != "Example Holding Group" || d[1].Parent != "" || d[2].SourceURL != "https://example.org/2026.pdf" || d[0].ListID != "1260H" || d[0].EntityID != aero.Entity.ID {
		t.Errorf("designations = %+v", d)
	}
	if aero.Entity.Remarks != "No apparent U.S. nexus" || len(aero.Lists) != 1 || aero.Lists[0].ID != "1260H" {
		t.Errorf("remarks %q lists %+v", aero.Entity.Remarks, aero.Lists)
	}
}

func TestFixture1286(t *testing.T) {
	recs, _ := parseFile(t, "testdata/1286.csv", nil)
	if len(recs) != 2 {
		t.Fatalf("%d entities, want 2", len(recs))
	}
	iw := find(t, recs, "1286:example-academy-institute-of-widgets")
	if got := starts(iw); !slices.Equal(got, []string{"2023..", "2024.."}) {
		t.Errorf("editions = %q", got)
	}
	if !hasName(iw.Entity, "Example Academy (EA) – Institute of Widgets (IW)", ties.NameAlias) || !hasName(iw.Entity, "EA IW", ties.NameAbbreviation) ||
		!slices.Equal(iw.Entity.Countries, []string{"CN"}) {
		t.Errorf("entity = %+v", iw.Entity)
	}
	u := find(t, recs, "1286:example-university")
	if got := starts(u); !slices.Equal(got, []string{"2025..2026-07-23"}) || u.Entity.Remarks != "and affiliates" || !slices.Equal(u.Entity.Countries, []string{"RU"}) {
		t.Errorf("university = %+v %q", u.Entity, got)
	}
}

func TestFixtureFCC(t *testing.T) {
	recs, st := parseFile(t, "testdata/fcc.csv", nil)
	if st.Rows != 3 || st.Skipped != 1 || len(recs) != 3 {
		t.Fatalf("stats %+v, %d entities; want 3 rows, 1 skipped, 3 entities", st, len(recs))
	}
	tel := find(t, recs, "fcc:example-telecom-company")
	if tel.Designations[0].Start != ties.MustDate("2021-03-12") || tel.Designations[0].ListID != "FCC-COVERED" {
		t.Errorf("telecom = %+v", tel)
	}
	sub := find(t, recs, "fcc:exnet-llc")
	if sub.Entity.PrimaryName() != "ExNet (USA) LLC" || sub.Designations[0].Parent != "Example Networks Corp" {
		t.Errorf("subsidiary = %+v", sub)
	}
}

func TestFixtureCounterSanctions(t *testing.T) {
	recs, _ := parseFile(t, "testdata/counter.csv", nil)
	if len(recs) != 2 {
		t.Fatalf("%d entities, want 2", len(recs))
	}
	c := find(t, recs, "cn-counter:example-defense-corp")
	if !hasName(c.Entity, "示例防务公司", ties.NameNative) || !hasName(c.Entity, "ExDef", ties.NameAlias) || !hasName(c.Entity, "Example Defence", ties.NameAlias) {
		t.Errorf("names = %+v", c.Entity.Names)
	}
	if got := starts(c); !slices.Equal(got, []string{"2023-02-16..", "2025-01-02.."}) {
		t.Errorf("designations = %q", got)
	}
	if c.Designations[0].Program != "UEL" || c.Designations[0].Authority != "Ministry of Commerce" ||
		!slices.Equal(c.Entity.Identifiers, []ties.Identifier{{Scheme: "wikidata", Value: "Q1"}}) {
		t.Errorf("record = %+v", c)
	}
	p := find(t, recs, "cn-counter:jane-example")
	if p.Entity.Kind != ties.KindPerson || !slices.Equal(p.Entity.Countries, []string{"JP"}) {
		t.Errorf("person = %+v", p.Entity)
	}
}

func TestNameKey(t *testing.T) {
	for _, tc := range []struct{ a, b string }{
		{"Chinese Academy of Sciences – Institute of Computing Technology", "Chinese Academy of Sciences (CAS) – Institute of Computing Technology (ICT)"},
		{"AVIC Xi’an Aircraft Industry Group Company Ltd.", "AVIC Xi'an Aircraft Industry Group Company Ltd."},
		{"Dawning Information Industry Co., Ltd.", "Dawning Information Industry Co., Ltd. (Sugon)"},
		{"Institute of Solid-State Physics", "Institute of Solid State Physics"},
	} {
		if NameKey(tc.a) != NameKey(tc.b) {
			t.Errorf("NameKey(%q)=%q != NameKey(%q)=%q", tc.a, NameKey(tc.a), tc.b, NameKey(tc.b))
		}
	}
	if a, b := NameKey("Semiconductor Manufacturing International (Beijing) Corporation"), NameKey("Semiconductor Manufacturing International Corporation"); a == b {
		t.Errorf("SMIC Beijing and SMIC share key %q", a)
	}
}

func TestMappingForRealHeaders(t *testing.T) {
	dir := sharedData(t, "us-cn-lists")
	for file, want := range map[string]string{
		"dod-1260h.csv": "1260h", "dod-1286.csv": "1286", "fcc-covered-list.csv": "fcc",
		"bis-mieu.csv": "mieu", "cn-countersanctions.csv": "cn-counter",
		"ndaa-889.csv": "889", "ndaa-5949.csv": "5949", "ndaa-154.csv": "154",
	} {
		f, err := os.Open(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		cr := csv.NewReader(f)
		head, err1 := cr.Read()
		first, err2 := cr.Read()
		f.Close()
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		m, err := MappingFor(head, first)
		if err != nil || m.Name != want {
			t.Errorf("%s: mapping %q, %v; want %q", file, m.Name, err, want)
		}
	}
}

func TestMappingForAmbiguous(t *testing.T) {
	m := mustMapping(t, "1286")
	var head []string
	for _, c := range ndaaColumns() {
		head = append(head, c)
	}
	if _, err := MappingFor(head, nil); err == nil || !strings.Contains(err.Error(), "889") {
		t.Errorf("shared header without row: %v, want an ambiguity error naming 889", err)
	}
	if _, err := MappingFor([]string{"foo", "bar"}, nil); err == nil {
		t.Error("unknown header: no error")
	}
	if m.List().ID != "1286" {
		t.Errorf("list = %+v", m.List())
	}
}

func TestRealTables(t *testing.T) {
	dir := sharedData(t, "us-cn-lists")
	for _, tc := range []struct {
		file                    string
		rows, entities, skipped int
	}{
		{"dod-1260h.csv", 397, 224, 0},
		{"dod-1286.csv", 443, 184, 0},
		{"fcc-covered-list.csv", 16, 13, 4},
		{"bis-mieu.csv", 13, 13, 0},
		{"cn-countersanctions.csv", 610, 457, 0},
		{"ndaa-889.csv", 5, 5, 0},
		{"ndaa-5949.csv", 3, 3, 0},
		{"ndaa-154.csv", 6, 6, 0},
	} {
		recs, st := parseFile(t, filepath.Join(dir, tc.file), nil)
		if st.Rows != tc.rows || len(recs) != tc.entities || st.Skipped != tc.skipped {
			t.Errorf("%s: %d rows -> %d entities (%d skipped), want %d -> %d (%d)", tc.file, st.Rows, len(recs), st.Skipped, tc.rows, tc.entities, tc.skipped)
		}
		designations := 0
		ids := map[string]bool{}
		for _, r := range recs {
			designations += len(r.Designations)
			if ids[r.Entity.ID] {
				t.Errorf("%s: duplicate id %s", tc.file, r.Entity.ID)
			}
			ids[r.Entity.ID] = true
		}
		// Every row is one designation unless it named no entity or
		// repeated another row exactly.
		if designations > tc.rows-tc.skipped+1 || designations < len(recs) {
			t.Errorf("%s: %d designations for %d rows", tc.file, designations, tc.rows)
		}
	}
}

func TestReal1260H(t *testing.T) {
	recs, _ := parseFile(t, sharedData(t, "us-cn-lists/dod-1260h.csv"), mustMapping(t, "1260h"))
	costar := find(t, recs, "1260h:costar-group-co-ltd")
	if got, want := starts(costar), []string{"2021-06-03..", "2025-01-07..2026-02-17"}; !slices.Equal(got, want) {
		t.Errorf("Costar periods %q, want %q", got, want)
	}
	if costar.Designations[0].Parent != "China South Industries Group Corporation" || costar.Designations[1].Parent != "" ||
		!hasName(costar.Entity, "Costar", ties.NameAlias) {
		t.Errorf("Costar = %+v", costar)
	}
	hitech := find(t, recs, "1260h:avic-aviation-high-technology-company-limited")
	if got, want := starts(hitech), []string{"2021-06-03..", "2025-01-07..", "2026-06-08.."}; !slices.Equal(got, want) {
		t.Errorf("AVIC Hi-Tech periods %q, want %q", got, want)
	}
	if hitech.Designations[0].Parent != "Aviation Industry Corporation of China Ltd." || hitech.Designations[2].Parent != "Aviation Industry Corporation of China, Ltd." {
		t.Errorf("AVIC Hi-Tech parents = %+v", hitech.Designations)
	}
	// Renamed in 2026: the new name's row carries the old names as former
	// names; the old name's rows stay a separate entity (names differ).
	chengdu := find(t, recs, "1260h:avic-chengdu-aircraft-co-ltd")
	if !hasName(chengdu.Entity, "Zhonghang Electronic Measuring Instruments Company Limited", ties.NameFormer) || !hasName(chengdu.Entity, "ZEMIC", ties.NameFormer) {
		t.Errorf("AVIC Chengdu names = %+v", chengdu.Entity.Names)
	}
	if zemic := find(t, recs, "1260h:zhonghang-electronic-measuring-instruments-company-limited"); len(zemic.Designations) != 2 {
		t.Errorf("ZEMIC designations = %+v", zemic.Designations)
	}
}

func TestReal1286ICT(t *testing.T) {
	recs, _ := parseFile(t, sharedData(t, "us-cn-lists/dod-1286.csv"), nil)
	ict := find(t, recs, "1286:chinese-academy-of-sciences-institute-of-computing-technology")
	if got, want := starts(ict), []string{"2023..", "2024..", "2025.."}; !slices.Equal(got, want) {
		t.Errorf("ICT editions %q, want %q", got, want)
	}
	if ict.Entity.PrimaryName() != "Chinese Academy of Sciences – Institute of Computing Technology" ||
		!hasName(ict.Entity, "Chinese Academy of Sciences (CAS) – Institute of Computing Technology (ICT)", ties.NameAlias) ||
		!hasName(ict.Entity, "CAS ICT", ties.NameAbbreviation) ||
		!hasName(ict.Entity, "Institute of Computing Technology Chinese Academy of Sciences", ties.NameAlias) {
		t.Errorf("ICT names = %+v", ict.Entity.Names)
	}
	if !strings.Contains(ict.Designations[0].Program, "Section 1286") || ict.Designations[0].ListID != "1286" {
		t.Errorf("ICT designation = %+v", ict.Designations[0])
	}
}

func TestRealCounterSanctions(t *testing.T) {
	recs, _ := parseFile(t, sharedData(t, "us-cn-lists/cn-countersanctions.csv"), nil)
	ned := find(t, recs, "cn-counter:national-endowment-for-democracy")
	if !hasName(ned.Entity, "美国国家民主基金会", ties.NameNative) || ned.Designations[0].Start != ties.MustDate("2019-12-02") {
		t.Errorf("NED = %+v", ned)
	}
	if snc := find(t, recs, "cn-counter:sierra-nevada-corporation"); len(snc.Designations) < 2 {
		t.Errorf("Sierra Nevada has %d designations, want several", len(snc.Designations))
	}
}

func TestBadInput(t *testing.T) {
	head := "Name,Clean Name,Alias,Previous Name,Parent Name,Note,Start date,End date,Source Url\n"
	good := "A (A),A,,,,,2021-06-03,,\n"
	for _, tc := range []struct {
		name, input string
		line        int
		field       string
	}{
		{"wrong field count", head + good + "B,B,,,\n", 3, ""},
		{"invalid utf8", head + good + good + "C,C\xff,,,,,2021-06-03,,\n", 4, "Clean Name"},
		{"bad start date", head + good + "B,B,,,,,2023-13-01,,\n", 3, "Start date"},
		{"bad end date", head + "B,B,,,,,2023-01-01,someday,\n", 2, "End date"},
		{"empty name", head + "B,,,,,,2023-01-01,,\n", 2, "Clean Name"},
		{"unknown header", "foo,bar\n1,2\n", 1, ""},
		{"empty file", "", 1, ""},
		{"bad quote", head + "\"B,B,,,,,2023-01-01,,\n", 2, ""},
		{"bad kind", "Type,Name,Alias,Country,Topics,Program,Date,End date,Source URL\nSpaceship,X,,,,,2021-03-16,,\n", 2, "Type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var gotErr error
			n := 0
			for _, err := range ParseAuto(strings.NewReader(tc.input), "bad.csv") {
				if err != nil {
					gotErr = err
					continue
				}
				n++
			}
			var se *sources.Error
			if !errors.As(gotErr, &se) {
				t.Fatalf("error = %v, want *sources.Error", gotErr)
			}
			if se.File != "bad.csv" || se.Line != tc.line || se.Field != tc.field {
				t.Errorf("error at %s:%d field %q, want line %d field %q (%v)", se.File, se.Line, se.Field, tc.line, tc.field, se)
			}
			if n != 0 {
				t.Errorf("%d records yielded before the error, want none", n)
			}
		})
	}
}

func TestWrongMapping(t *testing.T) {
	f, err := os.Open("testdata/1260h.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var se *sources.Error
	for _, err := range Parse(f, "1260h.csv", *mustMapping(t, "1286")) {
		if !errors.As(err, &se) || se.Line != 1 || se.Field == "" {
			t.Errorf("error = %v, want a header error naming the missing column", err)
		}
	}
	if se == nil {
		t.Error("no error")
	}
}

func TestHeaderOnly(t *testing.T) {
	for rec, err := range ParseAuto(strings.NewReader("covered_equipment_or_services,date_of_inclusion_on_covered_list\n"), "h.csv") {
		t.Errorf("header-only table yielded %+v, %v", rec, err)
	}
}

func TestMappingsAreCopies(t *testing.T) {
	m := mustMapping(t, "1260h")
	m.Columns[FieldName] = "changed"
	if again := mustMapping(t, "1260h"); again.Columns[FieldName] != "Clean Name" {
		t.Error("changing a returned mapping changed the package's")
	}
}

func FuzzUSCN(f *testing.F) {
	for _, name := range []string{"1260h.csv", "1286.csv", "fcc.csv", "counter.csv"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("Name,Clean Name,Alias,Previous Name,Parent Name,Note,Start date,End date,Source Url\nB,B,,,,,2023-13-01,,\n"))
	f.Add([]byte(""))
	f.Add([]byte("foo\n\xff\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for rec, err := range ParseAuto(strings.NewReader(string(data)), "fuzz.csv") {
			if err != nil {
				var se *sources.Error
				if !errors.As(err, &se) || se.File != "fuzz.csv" {
					t.Fatalf("error %v is not a *sources.Error naming the file", err)
				}
				continue
			}
			if rec.Entity.ID == "" || rec.Entity.PrimaryName() == "" || len(rec.Designations) == 0 {
				t.Fatalf("incomplete record %+v", rec)
			}
			for _, d := range rec.Designations {
				if d.EntityID != rec.Entity.ID {
					t.Fatalf("designation of %s in record %s", d.EntityID, rec.Entity.ID)
				}
			}
		}
	})
}
