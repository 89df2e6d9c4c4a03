package un

import (
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"ties/internal/testdata"

	"ties"
	"ties/sources"
)

func sharedData(t testing.TB) string {
	t.Helper()
	return testdata.Dir(t)
}

func names(e ties.Entity, t ties.NameType) []string {
	var out []string
	for _, n := range e.Names {
		if n.Type == t {
			out = append(out, n.Text)
		}
	}
	return out
}

func TestFullList(t *testing.T) {
	dir := filepath.Join(sharedData(t), "un")
	src, err := os.ReadFile(filepath.Join(dir, "SOURCE.txt"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`dateGenerated (\S+) \((\d+) individuals, (\d+) entities\)`).FindSubmatch(src)
	if m == nil {
		t.Fatal("SOURCE.txt: no counts")
	}
	wantPeople, _ := strconv.Atoi(string(m[2]))
	wantOrgs, _ := strconv.Atoi(string(m[3]))

	f, err := os.Open(filepath.Join(dir, "UN_consolidated.xml"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seq, info := ParseWithInfo(f, "UN_consolidated.xml")
	kinds := map[ties.EntityKind]int{}
	byID := map[string]ties.Record{}
	native := 0
	for rec, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		kinds[rec.Entity.Kind]++
		byID[rec.Entity.ID] = rec
		d := rec.Designations[0]
		if d.ListID != "UN" || d.Authority == "" || d.Program == "" || d.Start.IsZero() || rec.Entity.PrimaryName() == "" {
			t.Errorf("%s: %+v %+v", rec.Entity.ID, rec.Entity.Names, d)
		}
		if len(names(rec.Entity, ties.NameNative)) > 0 {
			native++
		}
	}
	if kinds[ties.KindPerson] != wantPeople || kinds[ties.KindOrganization] != wantOrgs || wantPeople != 730 || wantOrgs != 273 {
		t.Errorf("kinds %v, want %d people, %d organizations", kinds, wantPeople, wantOrgs)
	}
	if len(byID) != wantPeople+wantOrgs {
		t.Errorf("%d distinct ids", len(byID))
	}
	if info.DataDate.String() != string(m[1]) || info.DataDate != ties.MustDate("2026-02-27") {
		t.Errorf("data date %v (%q), SOURCE.txt says %s", info.DataDate, info.DateGenerated, m[1])
	}
	if native < 300 {
		t.Errorf("%d entries with a native-script name", native)
	}

	badege := byID["un:6907993"]
	d := badege.Designations[0]
	if badege.Entity.PrimaryName() != "ERIC BADEGE" || d.Authority != "CDi.001" || d.Program != "DRC" ||
		d.Start != ties.MustDate("2012-12-31") || d.SourceID != "6907993" ||
		!slices.Equal(badege.Entity.Countries, []string{"CD", "RW"}) ||
		!slices.Equal(badege.Entity.Dates, []ties.EntityDate{{Type: "birth", Value: "1971"}}) {
		t.Errorf("un:6907993: %+v %+v", badege.Entity, d)
	}
	kakolele := byID["un:6907994"]
	if !slices.Contains(names(kakolele.Entity, ties.NameAlias), "AIGLE BLANC") {
		t.Errorf("un:6907994 names %+v", kakolele.Entity.Names)
	}
	// LISTED_ON with a time zone ("2015-04-07-04:00") still gives the day.
	for _, r := range byID {
		if r.Designations[0].Start.Precision() != ties.PrecisionDay {
			t.Errorf("%s listed %v", r.Entity.ID, r.Designations[0].Start)
		}
	}

	// The yente benchmark's UN people are drawn from this list: their
	// names must be found among the primary names and aliases.
	pf, err := os.Open(filepath.Join(sharedData(t), "name-matching", "yente", "positives_un_untreated.csv"))
	if err != nil {
		t.Skip(err)
	}
	defer pf.Close()
	rows, err := csv.NewReader(pf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	all := map[string]bool{}
	for _, r := range byID {
		for _, n := range r.Entity.Names {
			all[strings.ToUpper(n.Text)] = true
		}
	}
	found := 0
	for _, r := range rows[1:] {
		if all[strings.ToUpper(strings.Join(strings.Fields(r[0]), " "))] {
			found++
		}
	}
	if found < len(rows[1:])*9/10 {
		t.Errorf("%d of %d yente UN names found", found, len(rows)-1)
	}
	t.Logf("%d of %d yente UN names found", found, len(rows)-1)
}

func TestSmall(t *testing.T) {
	f, err := os.Open("testdata/small.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var recs []ties.Record
	for rec, err := range Parse(f, "small.xml") {
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, rec)
	}
	if len(recs) != 2 {
		t.Fatalf("got %d records", len(recs))
	}
	p, o := recs[0].Entity, recs[1].Entity
	if p.PrimaryName() != "SADDAM HUSSEIN AL-TIKRITI" || !slices.Equal(names(p, ties.NameNative), []string{"صدام حسين التكريتي"}) ||
		!slices.Equal(names(p, ties.NameAlias), []string{"Abu Ali"}) || !slices.Equal(names(p, ties.NameFormer), []string{"OLD NAME"}) ||
		!slices.Equal(p.Countries, []string{"IQ"}) || p.Dates[0].Value != "1937-04-28" ||
		p.Identifiers[0] != (ties.Identifier{Scheme: "Passport", Value: "X1"}) || p.Addresses[0] != (ties.Address{Text: "Baghdad, Iraq", Country: "IQ"}) {
		t.Errorf("person %+v", p)
	}
	if o.PrimaryName() != "COMPAGNIE AERIENNE DES GRANDS LACS (CAGL)" ||
		!slices.Equal(names(o, ties.NameAlias), []string{"GREAT LAKES BUSINESS COMPANY (GLBC)"}) ||
		!slices.Equal(names(o, ties.NameAbbreviation), []string{"CAGL", "GLBC"}) ||
		recs[1].Designations[0].Start != ties.MustDate("2007-03-29") || o.Countries[0] != "RW" {
		t.Errorf("entity %+v %+v", o, recs[1].Designations)
	}
}

func TestDataDate(t *testing.T) {
	head, err := os.ReadFile("testdata/small.xml")
	if err != nil {
		t.Fatal(err)
	}
	if d, ok := DataDate(head[:200]); !ok || d != ties.MustDate("2026-02-27") {
		t.Errorf("DataDate = %v, %v", d, ok)
	}
	if _, ok := DataDate([]byte("<CONSOLIDATED_LIST>")); ok {
		t.Error("DataDate without the attribute")
	}
}

func TestBadInput(t *testing.T) {
	small, err := os.ReadFile("testdata/small.xml")
	if err != nil {
		t.Fatal(err)
	}
	s := string(small)
	cut := strings.Index(s, "<ENTITY_ALIAS>") + 8 // inside the entity's alias start tag
	cases := []struct {
		name, in    string
		line        int
		field, text string
		good        int
	}{
		{"empty", "", 0, "", "empty file", 0},
		{"cut", s[:cut], 28, "", "unexpected EOF", 1},
		{"cut between entries", s[:strings.Index(s, "<ENTITIES>")], 21, "", "unexpected EOF", 1},
		{"utf8", strings.Replace(s, "Abu Ali", "Abu \xffAli", 1), 14, "", "invalid UTF-8", 0},
		{"dataid", strings.Replace(s, "6908026", "x", 1), 22, "DATAID", "not a number", 1},
		{"listed", strings.Replace(s, "2003-06-27", "2003-13-27", 1), 4, "LISTED_ON", "invalid date", 0},
		{"other xml", "<?xml version=\"1.0\"?>\n<sdnList></sdnList>", 2, "", "not a UN consolidated list", 0},
		{"mismatch", strings.Replace(s, "</FIRST_NAME>", "</FIRSTNAME>", 1), 6, "", "element <FIRST_NAME> closed by </FIRSTNAME>", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := 0
			var err error
			for _, e := range Parse(strings.NewReader(c.in), c.name+".xml") {
				if e != nil {
					err = e
					break
				}
				n++
			}
			var se *sources.Error
			if !errors.As(err, &se) {
				t.Fatalf("error %v is not a *sources.Error", err)
			}
			if se.File != c.name+".xml" || se.Line != c.line || se.Field != c.field || !strings.Contains(err.Error(), c.text) || n != c.good {
				t.Errorf("after %d records: error %q (line %d, offset %d): want line %d field %q with %q", n, err, se.Line, se.Offset, c.line, c.field, c.text)
			}
			if c.name != "empty" && se.Offset <= 0 {
				t.Errorf("no byte offset in %q", err)
			}
		})
	}
}

func FuzzUN(f *testing.F) {
	small, err := os.ReadFile("testdata/small.xml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(small))
	f.Add(`<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>A</FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>`)
	f.Add(`<CONSOLIDATED_LIST dateGenerated="x"><ENTITIES><ENTITY><DATAID>2</DATAID><FIRST_NAME>(AB) ; ()</FIRST_NAME><LISTED_ON>2001-01-01-04:00</LISTED_ON></ENTITY>`)
	f.Fuzz(func(t *testing.T, in string) {
		for rec, err := range Parse(strings.NewReader(in), "fuzz.xml") {
			if err == nil && (rec.Entity.ID == "" || rec.Entity.PrimaryName() == "") {
				t.Fatalf("bad record %+v", rec)
			}
		}
	})
}

func BenchmarkParseUN(b *testing.B) {
	raw, err := os.ReadFile(filepath.Join(sharedData(b), "un", "UN_consolidated.xml"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		for _, err := range Parse(strings.NewReader(string(raw)), "bench") {
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}
