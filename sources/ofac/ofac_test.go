package ofac

import (
	"bytes"
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

// openSet opens a primary file and whichever companions exist.
func openSet(t testing.TB, primary string) Files {
	t.Helper()
	set := Files{PrimaryName: primary}
	set.AltName, set.AddrName, set.CommentsName = Companions(primary)
	open := func(name string, required bool) *bytes.Reader {
		b, err := os.ReadFile(name)
		if err != nil {
			if required {
				t.Fatal(err)
			}
			return nil
		}
		return bytes.NewReader(b)
	}
	set.Primary = open(primary, true)
	if r := open(set.AltName, false); r != nil {
		set.Alt = r
	}
	if r := open(set.AddrName, false); r != nil {
		set.Addr = r
	}
	if r := open(set.CommentsName, false); r != nil {
		set.Comments = r
	}
	return set
}

func collect(t testing.TB, set Files) map[string]ties.Record {
	t.Helper()
	out := map[string]ties.Record{}
	for rec, err := range Parse(set) {
		if err != nil {
			t.Fatal(err)
		}
		if _, dup := out[rec.Entity.ID]; dup {
			t.Fatalf("duplicate %s", rec.Entity.ID)
		}
		out[rec.Entity.ID] = rec
	}
	return out
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

func TestSDN2021(t *testing.T) {
	data := sharedData(t)
	src, err := os.ReadFile(filepath.Join(data, "ofac", "SOURCE.txt"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`sdn\.csv \(([\d,]+) rows\)`).FindSubmatch(src)
	if m == nil {
		t.Fatal("SOURCE.txt: no sdn.csv row count")
	}
	want, _ := strconv.Atoi(strings.ReplaceAll(string(m[1]), ",", ""))

	recs := collect(t, openSet(t, filepath.Join(data, "ofac", "2021-07", "sdn.csv")))
	if len(recs) != want || want != 8976 {
		t.Errorf("got %d records, want %d", len(recs), want)
	}
	kinds := map[ties.EntityKind]int{}
	withAlias, withAddr := 0, 0
	for _, r := range recs {
		if r.Designations[0].ListID != "SDN" || r.Lists[0].ID != "SDN" || r.Designations[0].Program == "" {
			t.Fatalf("%s: %+v", r.Entity.ID, r.Designations)
		}
		kinds[r.Entity.Kind]++
		if len(r.Entity.Names) > 1 {
			withAlias++
		}
		if len(r.Entity.Addresses) > 0 {
			withAddr++
		}
	}
	if kinds[ties.KindPerson] != 4620 || kinds[ties.KindVessel] != 406 || kinds[ties.KindAircraft] != 277 || kinds[ties.KindOrganization] != 3673 {
		t.Errorf("kinds %v", kinds)
	}
	if withAlias < 4000 || withAddr < 6000 {
		t.Errorf("%d entries with aliases, %d with addresses: joins look broken", withAlias, withAddr)
	}

	bnc := recs["ofac:306"]
	if bnc.Entity.PrimaryName() != "BANCO NACIONAL DE CUBA" || bnc.Entity.Kind != ties.KindOrganization ||
		!slices.Equal(names(bnc.Entity, ties.NameAlias), []string{"NATIONAL BANK OF CUBA"}) ||
		!slices.Equal(names(bnc.Entity, ties.NameAbbreviation), []string{"BNC"}) ||
		len(bnc.Entity.Addresses) != 4 || bnc.Entity.Addresses[0] != (ties.Address{Text: "Zweierstrasse 35, Zurich CH-8022, Switzerland", Country: "CH"}) ||
		bnc.Designations[0].Program != "CUBA" || bnc.Designations[0].SourceID != "306" {
		t.Errorf("ofac:306: %+v %+v", bnc.Entity, bnc.Designations)
	}
	abbas := recs["ofac:21944"]
	if abbas.Entity.Kind != ties.KindPerson || !slices.Equal(abbas.Entity.Dates, []ties.EntityDate{{Type: "birth", Value: "1973-03-25"}}) ||
		!slices.Equal(abbas.Entity.Countries, []string{"SY"}) {
		t.Errorf("ofac:21944: %+v", abbas.Entity)
	}
	rauf := recs["ofac:12329"]
	if !slices.Contains(rauf.Entity.Identifiers, ties.Identifier{Scheme: "Passport", Value: "CM1074131"}) {
		t.Errorf("ofac:12329 identifiers %+v", rauf.Entity.Identifiers)
	}
	for _, r := range recs {
		if p := r.Designations[0].Program; strings.ContainsAny(p, "[]") {
			t.Fatalf("program %q", p)
		}
	}
}

func TestCons2025(t *testing.T) {
	dir := filepath.Join(sharedData(t), "ofac", "cons-2025-12")
	recs := collect(t, openSet(t, filepath.Join(dir, "cons_prim.csv")))
	if len(recs) != 442 {
		t.Errorf("got %d records, want 442", len(recs))
	}
	lists := map[string]int{}
	for _, r := range recs {
		lists[r.Designations[0].ListID]++
		if r.Designations[0].ListID == "SDN" {
			t.Fatalf("%s on SDN", r.Entity.ID)
		}
	}
	// Every CMIC entry says its listing date in the remarks.
	for _, r := range recs {
		d := r.Designations[0]
		if strings.Contains(d.Program, "CMIC") && (d.ListID != "CMIC" || d.Start.IsZero()) {
			t.Errorf("%s: %+v", r.Entity.PrimaryName(), d)
		}
	}
	if lists["CMIC"] < 60 || lists["PLC"] < 70 || lists["SSI"] < 250 {
		t.Errorf("lists %v", lists)
	}
	hw := recs["ofac:30947"]
	if hw.Entity.PrimaryName() != "HUAWEI TECHNOLOGIES CO., LTD." || hw.Designations[0].Start != ties.MustDate("2021-06-03") ||
		!slices.Contains(hw.Entity.Countries, "CN") ||
		!slices.Contains(hw.Entity.Identifiers, ties.Identifier{Scheme: "Unified Social Credit Code (USCC)", Value: "914403001922038216"}) ||
		hw.Lists[0].Name != "Non-SDN Chinese Military-Industrial Complex Companies List" {
		t.Errorf("Huawei: %+v %+v", hw.Entity, hw.Designations)
	}
	// Remarks cut off in cons_prim.csv continue in cons_comments.csv.
	rusag := recs["ofac:17014"]
	if !strings.HasSuffix(rusag.Entity.Remarks, "a.k.a. 'RUSAG'.") || !slices.Contains(names(rusag.Entity, ties.NameAlias), "RUSAG") {
		t.Errorf("ofac:17014 remarks %q names %+v", rusag.Entity.Remarks, rusag.Entity.Names)
	}
}

func TestCompanions(t *testing.T) {
	for in, want := range map[string][3]string{
		"a/sdn.csv":       {"a/alt.csv", "a/add.csv", "a/sdn_comments.csv"},
		"b/cons_prim.csv": {"b/cons_alt.csv", "b/cons_add.csv", "b/cons_comments.csv"},
		"SDN.CSV":         {"alt.CSV", "add.CSV", "sdn_comments.CSV"},
	} {
		a, b, c := Companions(in)
		if [3]string{a, b, c} != want {
			t.Errorf("Companions(%q) = %q %q %q", in, a, b, c)
		}
	}
}

func TestRemarks(t *testing.T) {
	info := parseRemarks("DOB 1962; alt. DOB circa Mar 1960; DOB 01 Jan 1960 to 31 Dec 1962; DOB 31 Feb 1960; nationality Korea, North; citizen Iran; f.k.a. 'OLD NAME'; Listing Date (CMIC) 03 Jun 2021; Passport X1 (Egypt) issued 2004")
	wantDates := []ties.EntityDate{{Type: "birth", Value: "1962"}, {Type: "birth", Value: "1960-03"}, {Type: "birth", Value: "1960-01-01"}}
	if !slices.Equal(info.dates, wantDates) || !slices.Equal(info.countries, []string{"KP", "IR"}) ||
		!slices.Equal(info.names, []ties.Name{{Text: "OLD NAME", Type: ties.NameFormer}}) ||
		info.listed != ties.MustDate("2021-06-03") || !slices.Equal(info.ids, []ties.Identifier{{Scheme: "Passport", Value: "X1"}}) {
		t.Errorf("%+v", info)
	}
}

const goodRow = `36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ` + "\r\n"

func TestBadInput(t *testing.T) {
	cases := []struct {
		name        string
		set         Files
		file        string
		line        int
		field, text string
	}{
		{"empty", Files{Primary: strings.NewReader(""), PrimaryName: "sdn.csv"}, "sdn.csv", 0, "", "empty file"},
		{"ctrl-z only", Files{Primary: strings.NewReader("\x1a"), PrimaryName: "sdn.csv"}, "sdn.csv", 0, "", "empty file"},
		{"fields", Files{Primary: strings.NewReader(goodRow + "37,\"X\",-0-\r\n"), PrimaryName: "sdn.csv"}, "sdn.csv", 2, "", "wrong number of fields: 3, want 12"},
		{"utf8", Files{Primary: strings.NewReader(goodRow + strings.Replace(goodRow, "AERO", "A\xe9RO", 1)), PrimaryName: "sdn.csv"}, "sdn.csv", 2, "SDN_Name", "invalid UTF-8"},
		{"ent_num", Files{Primary: strings.NewReader("x" + goodRow), PrimaryName: "sdn.csv"}, "sdn.csv", 1, "ent_num", "not a number"},
		{"type", Files{Primary: strings.NewReader(strings.Replace(goodRow, "-0- ", `"ship"`, 1)), PrimaryName: "sdn.csv"}, "sdn.csv", 1, "SDN_Type", "unknown entry type"},
		{"alt fields", Files{Primary: strings.NewReader(goodRow), PrimaryName: "sdn.csv", Alt: strings.NewReader("36,12,\"aka\"\r\n"), AltName: "alt.csv"}, "alt.csv", 1, "", "wrong number of fields"},
		{"alt type", Files{Primary: strings.NewReader(goodRow), PrimaryName: "sdn.csv", Alt: strings.NewReader("36,12,\"xka\",\"A\",-0-\r\n"), AltName: "alt.csv"}, "alt.csv", 1, "alt_type", "unknown alias type"},
		{"quote", Files{Primary: strings.NewReader(goodRow + "37,\"X,-0-\r\n"), PrimaryName: "sdn.csv"}, "sdn.csv", 2, "", "quote"},
		{"empty alt is fine, empty primary is not", Files{Primary: strings.NewReader("\x1a"), PrimaryName: "sdn.csv", Alt: strings.NewReader(""), AltName: "alt.csv"}, "sdn.csv", 0, "", "empty file"},
		{"no primary", Files{PrimaryName: "sdn.csv"}, "sdn.csv", 0, "", "no primary file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var err error
			for _, e := range Parse(c.set) {
				if e != nil {
					err = e
				}
			}
			var se *sources.Error
			if !errors.As(err, &se) {
				t.Fatalf("error %v is not a *sources.Error", err)
			}
			if se.File != c.file || se.Line != c.line || se.Field != c.field || !strings.Contains(err.Error(), c.text) {
				t.Errorf("error %q: want %s line %d field %q with %q", err, c.file, c.line, c.field, c.text)
			}
		})
	}
}

func TestLatin1(t *testing.T) {
	row := strings.Replace(goodRow, "AEROCARIBBEAN", "A\xe9RO \x80 \x93X\x94", 1)
	var got []ties.Record
	for rec, err := range Parse(Files{Primary: strings.NewReader(row), PrimaryName: "sdn.csv", Latin1: true}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, rec)
	}
	if len(got) != 1 || got[0].Entity.PrimaryName() != "AéRO € “X” AIRLINES" {
		t.Errorf("got %+v", got)
	}
}

func TestTruncated(t *testing.T) {
	path := filepath.Join(sharedData(t), "ofac", "2021-07", "sdn.csv")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Cut inside a quoted field: the csv reader reports the open quote.
	cut := b[:bytes.Index(b, []byte(`"BANCO NACIONAL`))+5]
	n := 0
	for _, err = range Parse(Files{Primary: bytes.NewReader(cut), PrimaryName: "cut.csv"}) {
		if err != nil {
			break
		}
		n++
	}
	var se *sources.Error
	if !errors.As(err, &se) || se.Line != 3 || n != 2 {
		t.Errorf("after %d rows: %v", n, err)
	}
}

func FuzzOFAC(f *testing.F) {
	f.Add(goodRow+"306,\"BANCO NACIONAL DE CUBA\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"a.k.a. 'BNC'; DOB 25 Mar 1973; nationality Cuba.\"\r\n\x1a",
		"36,12,\"aka\",\"AERO-CARIBBEAN\",-0- \r\n", "36,25,-0- ,\"Havana\",\"Cuba\",-0- \r\n", "36,\"more\"\r\n", false)
	f.Add("1,\"A\",\"individual\",\"X] [Y\",-0-,-0-,-0-,-0-,-0-,-0-,-0-,\"Listing Date (CMIC) 03 Jun 2021\"", "", "", "", true)
	f.Fuzz(func(t *testing.T, prim, alt, addr, comments string, latin1 bool) {
		set := Files{Primary: strings.NewReader(prim), Alt: strings.NewReader(alt), Addr: strings.NewReader(addr),
			Comments: strings.NewReader(comments), PrimaryName: "p", AltName: "a", AddrName: "d", CommentsName: "c", Latin1: latin1}
		for rec, err := range Parse(set) {
			if err == nil && (rec.Entity.ID == "" || rec.Entity.PrimaryName() == "") {
				t.Fatalf("bad record %+v", rec)
			}
		}
	})
}

func BenchmarkParseSDN(b *testing.B) {
	dir := filepath.Join(sharedData(b), "ofac", "2021-07")
	for b.Loop() {
		for _, err := range Parse(openSet(b, filepath.Join(dir, "sdn.csv"))) {
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}
