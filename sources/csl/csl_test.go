package csl

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
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

// sharedData returns ../shared/data next to the repository root, or skips.
func sharedData(t testing.TB) string {
	t.Helper()
	return testdata.Dir(t)
}

func collect(t testing.TB, seq func(func(ties.Record, error) bool)) []ties.Record {
	t.Helper()
	var out []ties.Record
	for rec, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rec)
	}
	return out
}

// firstError runs seq to its end and returns its error.
func firstError(seq func(func(ties.Record, error) bool)) (n int, err error) {
	for _, err := range seq {
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

func readGz(t testing.TB, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sourceCounts reads the expected row counts from the data's SOURCE.txt
// ("14,160 rows:" and "SDN 10026, EL 2001, ...").
func sourceCounts(t *testing.T, dir string) (total int, perList map[string]int) {
	b, err := os.ReadFile(filepath.Join(dir, "SOURCE.txt"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	m := regexp.MustCompile(`([\d,]+) rows:\s*\n\s*(.*)\.`).FindStringSubmatch(text)
	if m == nil {
		t.Fatal("SOURCE.txt: no row counts found")
	}
	total, _ = strconv.Atoi(strings.ReplaceAll(m[1], ",", ""))
	perList = map[string]int{}
	for _, item := range strings.Split(m[2], ", ") {
		i := strings.LastIndexByte(item, ' ')
		n, err := strconv.Atoi(item[i+1:])
		if err != nil {
			t.Fatalf("SOURCE.txt: bad count %q", item)
		}
		perList[item[:i]] = n
	}
	return total, perList
}

func TestParseFull2022(t *testing.T) {
	dir := filepath.Join(sharedData(t), "csl")
	total, perList := sourceCounts(t, dir)
	if total != 14160 || perList["SDN"] != 10026 || perList["EL"] != 2001 || perList["DTC"] != 727 {
		t.Fatalf("SOURCE.txt counts read wrong: %d %v", total, perList)
	}
	recs := collect(t, Parse(bytes.NewReader(readGz(t, filepath.Join(dir, "consolidated-2022-05.csv.gz"))), "consolidated-2022-05.csv.gz"))
	if len(recs) != total {
		t.Errorf("got %d records, want %d", len(recs), total)
	}
	got := map[string]int{}
	kinds := map[ties.EntityKind]int{}
	for _, r := range recs {
		if len(r.Designations) != 1 || len(r.Lists) != 1 {
			t.Fatalf("%s: %d designations, %d lists", r.Entity.ID, len(r.Designations), len(r.Lists))
		}
		d, l := r.Designations[0], r.Lists[0]
		if d.ListID != l.ID || l.Name == "" || l.Authority == "" || strings.ContainsAny(l.Name, "()") {
			t.Errorf("%s: bad list %+v for %+v", r.Entity.ID, l, d)
		}
		if r.Entity.PrimaryName() == "" || !strings.HasPrefix(r.Entity.ID, "csl:") || d.SourceID == "" {
			t.Errorf("bad record %+v", r.Entity)
		}
		got[d.ListID]++
		kinds[r.Entity.Kind]++
	}
	if !maps_equal(got, perList) {
		t.Errorf("per-list counts %v, want %v", got, perList)
	}
	if kinds[ties.KindPerson] == 0 || kinds[ties.KindVessel] == 0 || kinds[ties.KindAircraft] == 0 {
		t.Errorf("kinds: %v", kinds)
	}

	// An SDN individual: LAST, First name, birth date, nationality.
	abbas := find(recs, "csl:21944", "SDN")
	if abbas == nil {
		t.Fatal("csl:21944 not found")
	}
	if abbas.Entity.Kind != ties.KindPerson || abbas.Entity.PrimaryName() != "'ABBAS, Rim" ||
		!slices.Contains(abbas.Entity.Countries, "SY") ||
		!slices.Contains(abbas.Entity.Dates, ties.EntityDate{Type: "birth", Value: "1973-03-25"}) ||
		abbas.Designations[0].Program != "SYRIA" || abbas.Entity.Remarks != "Scientific Studies and Research Center Employee" {
		t.Errorf("csl:21944: %+v %+v", abbas.Entity, abbas.Designations)
	}
}

func maps_equal(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func find(recs []ties.Record, id, list string) *ties.Record {
	for i := range recs {
		if recs[i].Entity.ID == id && recs[i].Designations[0].ListID == list {
			return &recs[i]
		}
	}
	return nil
}

func names(e ties.Entity, types ...ties.NameType) []string {
	var out []string
	for _, n := range e.Names {
		if slices.Contains(types, n.Type) {
			out = append(out, n.Text)
		}
	}
	return out
}

func checkICT(t *testing.T, r *ties.Record) {
	t.Helper()
	if r == nil {
		t.Fatal("ICT row not found")
	}
	e, d := r.Entity, r.Designations[0]
	if e.PrimaryName() != "Chinese Academy of Sciences Institute of Computing Technology" {
		t.Errorf("primary name %q", e.PrimaryName())
	}
	if d.Start != ties.MustDate("2022-12-16") || d.Authority != "87 FR 77505" || d.ListID != "EL" || !d.End.IsZero() {
		t.Errorf("designation %+v", d)
	}
	if r.Lists[0] != (ties.List{ID: "EL", Name: "Entity List", Authority: "Bureau of Industry and Security"}) {
		t.Errorf("list %+v", r.Lists[0])
	}
	aliases := names(e, ties.NameAlias, ties.NameAbbreviation)
	want := []string{"Institute of Computing Technology Chinese Academy of Sciences", "Institute of Computing Technology", "CAS ICT", "ICT CAS"}
	if !slices.Equal(aliases, want) {
		t.Errorf("aliases %q, want %q", aliases, want)
	}
	if e.Kind != ties.KindOrganization || !slices.Contains(e.Countries, "CN") || len(e.Addresses) == 0 || e.Addresses[0].Country != "CN" {
		t.Errorf("entity %+v", e)
	}
	if !strings.HasPrefix(d.LicensePolicy, "Presumption") || !strings.HasPrefix(d.SourceURL, "https://www.bis.doc.gov/") {
		t.Errorf("designation %+v", d)
	}
}

func TestELCASRows2025(t *testing.T) {
	path := filepath.Join(sharedData(t), "csl", "el-cas-rows-2025.csv")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs := collect(t, Parse(f, path))
	if len(recs) != 8 {
		t.Errorf("got %d rows, want 8", len(recs))
	}
	checkICT(t, find(recs, "csl:3c4bb8fa4651902ca8a6704b703dfd52fb7900c41864ac49ff28ed89", "EL"))
	for _, r := range recs {
		if r.Designations[0].Start.Year < 2022 {
			t.Errorf("%s listed %v", r.Entity.PrimaryName(), r.Designations[0].Start)
		}
	}
	// Its 2022 snapshot predates the listing of ICT.
	old := collect(t, Parse(bytes.NewReader(readGz(t, filepath.Join(filepath.Dir(path), "consolidated-2022-05.csv.gz"))), "old"))
	if find(old, recs[0].Entity.ID, "EL") != nil {
		t.Errorf("ICT already in the 2022 snapshot")
	}
}

func TestSample2025(t *testing.T) {
	path := filepath.Join(sharedData(t), "csl", "consolidated-sample-2025-06.csv")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs := collect(t, Parse(f, path))
	if len(recs) != 13 {
		t.Fatalf("got %d rows, want 13", len(recs))
	}
	isn := recs[0]
	if isn.Designations[0].ListID != "ISN" || isn.Entity.PrimaryName() != "Sinobright Import and Export Company" ||
		!strings.HasPrefix(isn.Entity.Remarks, "and any successor") || isn.Designations[0].Program != "INKSNA" {
		t.Errorf("ISN row: %+v %+v", isn.Entity, isn.Designations[0])
	}
}

func TestParseJSON(t *testing.T) {
	raw, err := os.ReadFile("testdata/api-sample.json")
	if err != nil {
		t.Fatal(err)
	}
	recs := collect(t, ParseJSON(bytes.NewReader(raw), "api-sample.json"))
	if len(recs) != 3 {
		t.Fatalf("got %d records, want 3", len(recs))
	}
	checkICT(t, &recs[0])
	abbas := recs[1].Entity
	if abbas.Kind != ties.KindPerson || !slices.Contains(abbas.Identifiers, ties.Identifier{Scheme: "Passport", Value: "N007421"}) ||
		len(abbas.Identifiers) != 1 {
		t.Errorf("SDN entity %+v", abbas)
	}
	for _, id := range abbas.Identifiers {
		if id.Scheme == "Gender" {
			t.Errorf("gender kept as identifier")
		}
	}
	avic := recs[2]
	if avic.Lists[0].ID != "MEU" || avic.Lists[0].Name != "Military End User List" ||
		!slices.Equal(names(avic.Entity, ties.NameAbbreviation), []string{"AVIC"}) ||
		!slices.Equal(names(avic.Entity, ties.NameAlias), []string{"Zhongguo Hangkong Gongye Jituan Gongsi"}) {
		t.Errorf("MEU record %+v %+v", avic.Entity, avic.Lists)
	}

	// The same results as a bare array and as JSON lines.
	var env struct{ Results []any }
	if err := jsonUnmarshal(raw, &env); err != nil {
		t.Fatal(err)
	}
	arr, _ := jsonMarshal(env.Results)
	var lines bytes.Buffer
	for _, r := range env.Results {
		b, _ := jsonMarshal(r)
		lines.Write(b)
		lines.WriteByte('\n')
	}
	for name, in := range map[string][]byte{"array": arr, "lines": lines.Bytes()} {
		got := collect(t, ParseJSON(bytes.NewReader(in), name))
		if len(got) != 3 || got[0].Entity.PrimaryName() != recs[0].Entity.PrimaryName() || !slices.Equal(got[2].Entity.Names, recs[2].Entity.Names) {
			t.Errorf("%s: got %d records", name, len(got))
		}
	}
}

func TestParseSource(t *testing.T) {
	for in, want := range map[string]ties.List{
		"Entity List (EL) - Bureau of Industry and Security":                                      {ID: "EL", Name: "Entity List", Authority: "Bureau of Industry and Security"},
		"Military End User (MEU) List - Bureau of Industry and Security":                          {ID: "MEU", Name: "Military End User List", Authority: "Bureau of Industry and Security"},
		"Non-SDN Menu-Based Sanctions List (NS-MBS List) - Treasury Department":                   {ID: "NS-MBS", Name: "Non-SDN Menu-Based Sanctions List", Authority: "Treasury Department"},
		"Non-SDN Chinese Military-Industrial Complex Companies List (CMIC) - Treasury Department": {ID: "CMIC", Name: "Non-SDN Chinese Military-Industrial Complex Companies List", Authority: "Treasury Department"},
		"Odd List": {ID: "Odd List", Name: "Odd List", Authority: ""},
	} {
		if got := ParseSource(in); got != want {
			t.Errorf("ParseSource(%q) = %+v, want %+v", in, got, want)
		}
	}
}

func TestSplitList(t *testing.T) {
	got := splitList("A B; C; and D E")
	if !slices.Equal(got, []string{"A B", "C", "D E"}) {
		t.Errorf("got %q", got)
	}
	if got := splitList("and Sons Ltd"); !slices.Equal(got, []string{"and Sons Ltd"}) {
		t.Errorf("a single item keeps its leading and: %q", got)
	}
}

const header = "_id,source,type,name,alt_names,start_date\n"

func wantError(t *testing.T, err error, file string, line int, field, msg string) {
	t.Helper()
	var se *sources.Error
	if !errors.As(err, &se) {
		t.Fatalf("error %v (%T) is not a *sources.Error", err, err)
	}
	if se.File != file || se.Line != line || se.Field != field || !strings.Contains(err.Error(), msg) {
		t.Errorf("error %q: want file %q line %d field %q containing %q", err, file, line, field, msg)
	}
}

func TestBadInput(t *testing.T) {
	el := "Entity List (EL) - Bureau of Industry and Security"
	cases := []struct {
		name, in    string
		line        int
		field, text string
		good        int
	}{
		{"empty", "", 0, "", "empty file", 0},
		{"fields", header + "1," + el + ",,A,,\n2," + el + ",,B,,,extra\n", 3, "", "wrong number of fields", 1},
		{"utf8", header + "1," + el + ",,A\xff,,\n", 2, "name", "invalid UTF-8", 0},
		{"date", header + "1," + el + ",,A,,\n\n2," + el + ",,B,,2022-13-01\n", 4, "start_date", "month 13", 1},
		{"no id", header + "," + el + ",,A,,\n", 2, "_id", "empty entry id", 0},
		{"header", "a,b\n1,2\n", 1, "_id", "no \"_id\" column", 0},
		{"quote", header + "1," + el + ",,\"A,,\n", 2, "", "quote", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n, err := firstError(Parse(strings.NewReader(c.in), c.name+".csv"))
			if n != c.good {
				t.Errorf("%d good records before the error, want %d", n, c.good)
			}
			wantError(t, err, c.name+".csv", c.line, c.field, c.text)
		})
	}
}

func TestTruncatedGzip(t *testing.T) {
	path := filepath.Join(sharedData(t), "csl", "consolidated-2022-05.csv.gz")
	gz, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz[:len(gz)/2]))
	if err != nil {
		t.Fatal(err)
	}
	n, err := firstError(Parse(zr, "cut.csv.gz"))
	var se *sources.Error
	if !errors.As(err, &se) || !errors.Is(err, io.ErrUnexpectedEOF) || se.File != "cut.csv.gz" || se.Line < n {
		t.Fatalf("after %d rows: error %v, want unexpected EOF naming the line", n, err)
	}
	if n < 1000 || n >= 14160 {
		t.Errorf("%d rows before the cut", n)
	}
}

func TestBadJSON(t *testing.T) {
	cases := []struct {
		name, in    string
		line        int
		field, text string
	}{
		{"empty", "  \n", 0, "", "empty file"},
		{"cut", `{"results": [{"id": "1", "source": "X (X) - Y", "name": "A"},` + "\n" + `{"id": "2", "sou`, 2, "", "unexpected end"},
		{"utf8", `[{"id": "1", "source": "X (X) - Y", "name": "A` + "\xff" + `"}]`, 1, "name", "invalid UTF-8"},
		{"type", "{\"id\": \"1\", \"source\": \"X (X) - Y\", \"name\": \"A\"}\n{\"id\": \"2\", \"source\": \"X (X) - Y\", \"name\": {}}\n", 2, "name", "want a string"},
		{"scalar", `42`, 1, "", "want an object"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := firstError(ParseJSON(strings.NewReader(c.in), c.name+".json"))
			wantError(t, err, c.name+".json", c.line, c.field, c.text)
		})
	}
}

func FuzzCSL(f *testing.F) {
	f.Add(header + "1,Entity List (EL) - Bureau of Industry and Security,,A,B; and C,2022-01-02\n")
	f.Add("_id,source,name,addresses,ids\n1,X,\"N, M\",\"a, CN; b, US\",\"CN, 1, Passport; Male, Gender\"\n")
	f.Add("")
	f.Add("\ufeff_id,source,name\n\"")
	f.Fuzz(func(t *testing.T, in string) {
		for rec, err := range Parse(strings.NewReader(in), "fuzz.csv") {
			if err == nil && rec.Entity.ID == "" {
				t.Fatal("record without id")
			}
		}
	})
}

func FuzzCSLJSON(f *testing.F) {
	raw, err := os.ReadFile("testdata/api-sample.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(raw))
	f.Add(`[{"id": 1, "source": "X", "name": "A", "addresses": [{"country": "CN"}], "ids": "CN, 1, Passport"}]`)
	f.Add(`{"results": null}`)
	f.Add("{\"id\": \"1\"}\n{")
	f.Fuzz(func(t *testing.T, in string) {
		for rec, err := range ParseJSON(strings.NewReader(in), "fuzz.json") {
			if err == nil && rec.Entity.ID == "" {
				t.Fatal("record without id")
			}
		}
	})
}

func BenchmarkParseCSL(b *testing.B) {
	raw := readGz(b, filepath.Join(sharedData(b), "csl", "consolidated-2022-05.csv.gz"))
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		n := 0
		for _, err := range Parse(bytes.NewReader(raw), "bench") {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 14160 {
			b.Fatalf("%d rows", n)
		}
	}
}
