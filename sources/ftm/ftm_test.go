package ftm

import (
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

// sharedData returns ../shared/data next to the repo root, or skips.
func sharedData(t testing.TB, sub string) string {
	t.Helper()
	return testdata.Dir(t, sub)
}

func parseAll(t testing.TB, path string) ([]ties.Record, Stats) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var st Stats
	var recs []ties.Record
	for rec, err := range ParseStats(f, filepath.Base(path), &st) {
		if err != nil {
			t.Fatalf("parse %s: %v", path, err)
		}
		recs = append(recs, rec)
	}
	return recs, st
}

func byID(recs []ties.Record) map[string]ties.Record {
	m := map[string]ties.Record{}
	for _, r := range recs {
		m[r.Entity.ID] = r
	}
	return m
}

func namesOf(e ties.Entity, typ ties.NameType) []string {
	var out []string
	for _, n := range e.Names {
		if n.Type == typ {
			out = append(out, n.Text)
		}
	}
	return out
}

func TestFixture(t *testing.T) {
	recs, st := parseAll(t, "testdata/sample.ftm.json")
	if len(recs) != 3 {
		t.Fatalf("got %d records, want 3 (person, company, vessel)", len(recs))
	}
	if st.Lines != 6 || st.Records != 3 || st.Skipped["Payment"] != 1 || st.Skipped["Address"] != 1 || st.Skipped["Organization (no name)"] != 1 {
		t.Errorf("stats = %+v", st)
	}
	m := byID(recs)

	p := m["ftm:p-1"]
	if p.Entity.Kind != ties.KindPerson || p.Entity.PrimaryName() != "Ivan Petrov" {
		t.Errorf("person = %+v", p.Entity)
	}
	if got := namesOf(p.Entity, ties.NameNative); !slices.Equal(got, []string{"Иван Петров"}) {
		t.Errorf("native names = %q", got)
	}
	if got := namesOf(p.Entity, ties.NameAlias); !slices.Equal(got, []string{"Vanya"}) {
		t.Errorf("aliases = %q", got)
	}
	if !slices.Equal(p.Entity.Countries, []string{"RU"}) || len(p.Entity.Dates) != 1 || p.Entity.Dates[0].Value != "1970-05-01" {
		t.Errorf("person details = %+v", p.Entity)
	}
	if len(p.Designations) != 2 || p.Designations[0].ListID != "eu_fsf" || p.Designations[1].ListID != "gb_hmt_sanctions" {
		t.Fatalf("person designations = %+v", p.Designations)
	}
	if p.Designations[0].Start != ties.MustDate("2023-01-02") || p.Designations[0].EntityID != "ftm:p-1" || p.Designations[0].SourceID != "p-1" {
		t.Errorf("person designation = %+v (start from first_seen)", p.Designations[0])
	}

	c := m["ftm:c-1"]
	if c.Entity.Kind != ties.KindOrganization || c.Entity.PrimaryName() != "Acme Trading LLC" {
		t.Errorf("company = %+v", c.Entity)
	}
	if got := namesOf(c.Entity, ties.NameFormer); !slices.Equal(got, []string{"Acme Old Ltd"}) {
		t.Errorf("former = %q", got)
	}
	if got := namesOf(c.Entity, ties.NameAbbreviation); !slices.Equal(got, []string{"ACME"}) {
		t.Errorf("abbreviations = %q", got)
	}
	if !slices.Contains(c.Entity.Identifiers, ties.Identifier{Scheme: "innCode", Value: "7700000000"}) {
		t.Errorf("identifiers = %+v", c.Entity.Identifiers)
	}
	if len(c.Designations) != 1 || c.Designations[0].Start != ties.MustDate("2022-03-15") {
		t.Errorf("company designations = %+v (start from createdAt)", c.Designations)
	}

	v := m["ftm:v-1"]
	if v.Entity.Kind != ties.KindVessel || !slices.Contains(v.Entity.Identifiers, ties.Identifier{Scheme: "imoNumber", Value: "IMO9123456"}) || !slices.Equal(v.Entity.Countries, []string{"PA"}) {
		t.Errorf("vessel = %+v", v.Entity)
	}
}

func TestYenteT1(t *testing.T) {
	recs, st := parseAll(t, sharedData(t, "ftm/yente_t1_entities.ftm.json"))
	if len(recs) != 6 || st.Skipped["Address"] != 1 || st.Lines != 7 {
		t.Fatalf("got %d records, stats %+v; want 6 records and 1 skipped Address of 7 lines", len(recs), st)
	}
	m := byID(recs)
	want := []struct {
		id, primary string
		kind        ties.EntityKind
		start       string
		other       string // another name the entity must carry
		otherType   ties.NameType
	}{
		{"NK-2GdmHtZTeNXjNVrBGEXZNj", "LLC “Inter Tobacco”", ties.KindOrganization, "2022-06-03", "Общество с ограниченной ответственностью “Интер Тобако”", ties.NameNative},
		{"NK-2Ka3UvopqbpZmVDFjWd4LA", "Vitalij Kuzmenko", ties.KindPerson, "2024-02-23", "Vitaly Yurievich KUZMENKO", ties.NameAlias},
		{"NK-2KeUB68qUJtykm3BuAcazG", "Tatyana Vladimirovna ZHURAVLEVA", ties.KindPerson, "2022-04-08", "Татьяна Владимировна ЖУРАВЛЕВА", ties.NameNative},
		{"NK-2Mht2rqBeravCTdyQAWc4o", "Svjatlana Pachodavová", ties.KindPerson, "2023-08-03", "Святлана Паўлаўна ПАХОДАВА", ties.NameNative},
		{"NK-2Myxbs6wX9xFKGoQn3sLaY", "Viktar Uladzimiravitj Sojka", ties.KindPerson, "2022-09-15", "Victor Vladimirovich SOYKO", ties.NameAlias},
		{"NK-2PacmNpiLUmoz4XD2mSt7A", "IRGC", ties.KindOrganization, "2012-03-24", "Iranian Revolutionary Guard Corps", ties.NameAlias},
	}
	for _, w := range want {
		r, ok := m["ftm:"+w.id]
		if !ok {
			t.Errorf("%s missing", w.id)
			continue
		}
		if r.Entity.PrimaryName() != w.primary || r.Entity.Kind != w.kind {
			t.Errorf("%s: primary %q kind %s, want %q %s", w.id, r.Entity.PrimaryName(), r.Entity.Kind, w.primary, w.kind)
		}
		if !slices.Contains(r.Entity.Names, ties.Name{Text: w.other, Type: w.otherType}) {
			t.Errorf("%s: no %s name %q in %+v", w.id, w.otherType, w.other, r.Entity.Names)
		}
		if len(r.Designations) != 1 || r.Designations[0].ListID != "eu_fsf" || r.Designations[0].Start != ties.MustDate(w.start) {
			t.Errorf("%s: designations %+v, want one eu_fsf from %s", w.id, r.Designations, w.start)
		}
	}
	inter := m["ftm:NK-2GdmHtZTeNXjNVrBGEXZNj"].Entity
	if len(inter.Names) != 12 || !slices.Equal(inter.Countries, []string{"BY"}) ||
		!slices.Contains(inter.Identifiers, ties.Identifier{Scheme: "registrationNumber", Value: "808000714"}) {
		t.Errorf("Inter Tobacco = %+v", inter)
	}
	soyko := m["ftm:NK-2Myxbs6wX9xFKGoQn3sLaY"].Entity
	if !slices.Contains(soyko.Dates, ties.EntityDate{Type: "birth", Value: "1971-07-03"}) {
		t.Errorf("Soyko dates = %+v", soyko.Dates)
	}
}

func TestDonations(t *testing.T) {
	for _, tc := range []struct {
		file           string
		lines, records int
	}{
		{"ftm/nomenklatura_donations.ijson", 474, 95},
		{"ftm/yente_parteispenden_entities.ftm.json", 475, 96},
	} {
		recs, st := parseAll(t, sharedData(t, tc.file))
		if st.Lines != tc.lines || len(recs) != tc.records || st.Skipped["Payment"] != 290 || st.Skipped["Address"] != 89 {
			t.Errorf("%s: %d records, stats %+v; want %d of %d lines, 290 Payment and 89 Address skipped", tc.file, len(recs), st, tc.records, tc.lines)
		}
		m := byID(recs)
		if r := m["ftm:f9c295f21b233ac878fbac4d271bb6fd13d7952a"]; r.Entity.PrimaryName() != "Frau Lina Dachner" || r.Entity.Kind != ties.KindPerson || len(r.Designations) != 0 {
			t.Errorf("%s: Lina Dachner = %+v", tc.file, r)
		}
	}
}

func TestBadInput(t *testing.T) {
	good := `{"id":"a","schema":"Person","properties":{"name":["A B"]}}` + "\n"
	for _, tc := range []struct {
		name, input string
		line        int
		field       string
	}{
		{"not json", good + "this is not json\n", 2, ""},
		{"invalid utf8", good + good + "{\"id\":\"x\",\"schema\":\"Person\",\"properties\":{\"name\":[\"\xff\"]}}\n", 3, ""},
		{"missing id", `{"schema":"Person","properties":{"name":["A"]}}`, 1, "id"},
		{"missing schema", `{"id":"x","properties":{"name":["A"]}}`, 1, "schema"},
		{"bad birth date", `{"id":"x","schema":"Person","properties":{"name":["A"],"birthDate":["2023-13-01"]}}`, 1, "properties.birthDate"},
		{"bad createdAt", `{"id":"x","schema":"Person","properties":{"name":["A"],"createdAt":["20x3"]}}`, 1, "properties.createdAt"},
		{"bad first_seen", `{"id":"x","schema":"Person","properties":{"name":["A"]},"first_seen":"yesterday"}`, 1, "first_seen"},
		{"property not a list", `{"id":"x","schema":"Person","properties":{"name":"A"}}`, 1, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var gotErr error
			n := 0
			for _, err := range Parse(strings.NewReader(tc.input), "bad.json") {
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
			if se.File != "bad.json" || se.Line != tc.line || se.Field != tc.field {
				t.Errorf("error at %s:%d field %q, want line %d field %q (%v)", se.File, se.Line, se.Field, tc.line, tc.field, se)
			}
			if n != tc.line-1 {
				t.Errorf("%d records before the error, want %d", n, tc.line-1)
			}
		})
	}
}

func TestEmptyInput(t *testing.T) {
	for _, err := range Parse(strings.NewReader("\n\n"), "empty.json") {
		t.Fatalf("empty input yielded %v", err)
	}
}

func TestStopEarly(t *testing.T) {
	f, err := os.Open("testdata/sample.ftm.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	for range Parse(f, "sample") {
		n++
		break
	}
	if n != 1 {
		t.Fatal("break did not stop iteration")
	}
}

func FuzzFTM(f *testing.F) {
	seed, err := os.ReadFile("testdata/sample.ftm.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	for _, line := range strings.Split(string(seed), "\n") {
		f.Add([]byte(line))
	}
	f.Add([]byte(`{"id":"x","schema":"Person","properties":{"name":["A"],"birthDate":["2023-13-01"]}}`))
	f.Add([]byte("not json\n"))
	f.Add([]byte("{\"id\":\"\xff\"}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for rec, err := range Parse(strings.NewReader(string(data)), "fuzz") {
			if err != nil {
				var se *sources.Error
				if !errors.As(err, &se) || se.File != "fuzz" || se.Line < 1 {
					t.Fatalf("error %v is not a *sources.Error with file and line", err)
				}
				continue
			}
			if !strings.HasPrefix(rec.Entity.ID, IDPrefix) || len(rec.Entity.Names) == 0 {
				t.Fatalf("record without id or names: %+v", rec.Entity)
			}
			for _, d := range rec.Designations {
				if d.EntityID != rec.Entity.ID || d.ListID == "" {
					t.Fatalf("bad designation %+v", d)
				}
			}
		}
	})
}
