package sources_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"ties/internal/testdata"

	"ties/sources"
	"ties/sources/csl"
)

func sharedData(t testing.TB) string {
	t.Helper()
	return testdata.Dir(t)
}

// TestDetectRealFiles runs Detect on every file of the shared data. A
// want starting with "!" is an error that must contain the rest.
func TestDetectRealFiles(t *testing.T) {
	data := sharedData(t)
	want := map[string]string{
		"aspi/china-defence-universities.json":                    "aspi",
		"csl/consolidated-2022-05.csv.gz":                         "csl",
		"csl/consolidated-sample-2025-06.csv":                     "csl",
		"csl/el-cas-rows-2025.csv":                                "csl",
		"formats/el__el.csv":                                      "csl-legacy",
		"formats/meu__meu.csv":                                    "csl-legacy",
		"formats/sdn__sdn.xml":                                    "ofac-xml",
		"formats/treasury_consolidated__consolidated.xml":         "ofac-xml",
		"ftm/nomenklatura_donations.ijson":                        "ftm",
		"ftm/yente_parteispenden_entities.ftm.json":               "ftm",
		"ftm/yente_t1_entities.ftm.json":                          "ftm",
		"ftm/nomenklatura_putin_names.txt":                        "!unknown format",
		"name-matching/nomenklatura/entity_bench_checks.yml":      "!unknown format",
		"name-matching/nomenklatura/name_bench_cases.csv":         "!unknown format",
		"name-matching/yente/negatives_us.csv":                    "!unknown format",
		"name-matching/yente/positives_un_treated.csv":            "!unknown format",
		"name-matching/yente/positives_un_untreated.csv":          "!unknown format",
		"name-matching/yente/positives_us_congress_untreated.csv": "!unknown format",
		"ofac/2021-07/sdn.csv":                                    "ofac",
		"ofac/2021-07/alt.csv":                                    "!OFAC alias file",
		"ofac/2021-07/add.csv":                                    "!OFAC address file",
		"ofac/2021-07/sdn_comments.csv":                           "!OFAC comments file",
		"ofac/cons-2025-12/cons_prim.csv":                         "ofac",
		"ofac/cons-2025-12/cons_alt.csv":                          "!OFAC alias file",
		"ofac/cons-2025-12/cons_add.csv":                          "!OFAC address file",
		"ofac/cons-2025-12/cons_comments.csv":                     "!OFAC comments file",
		"openalex/institution_I27837315.json":                     "openalex-institutions",
		"openalex/institutions_updated_2023-09-04_part_000.gz":    "openalex-institutions",
		"openalex/work_W2741809807.json":                          "openalex",
		"openalex/works_updated_2023-05-16_part_000.gz":           "openalex",
		"ror/ror_cas_microsoft_subset.jsonl":                      "ror",
		"ror/index.tsv":                                           "!unknown format",
		"un/UN_consolidated.xml":                                  "un",
		"us-cn-lists/bis-mieu.csv":                                "mieu",
		"us-cn-lists/cn-countersanctions.csv":                     "cn-counter",
		"us-cn-lists/dod-1260h.csv":                               "1260h",
		"us-cn-lists/dod-1286.csv":                                "1286",
		"us-cn-lists/fcc-covered-list.csv":                        "fcc",
		"us-cn-lists/ndaa-154.csv":                                "154",
		"us-cn-lists/ndaa-5949.csv":                               "5949",
		"us-cn-lists/ndaa-889.csv":                                "889",
	}
	seen := 0
	err := filepath.WalkDir(data, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(data, path)
		rel = filepath.ToSlash(rel)
		if strings.HasSuffix(rel, "SOURCE.txt") || strings.HasSuffix(rel, "LICENSE.md") {
			return nil
		}
		w, ok := want[rel]
		if !ok {
			t.Errorf("%s: new file, add it to the table (Detect says %v)", rel, detect(t, path))
			return nil
		}
		seen++
		got, err := sources.Detect(path, head(t, path))
		if strings.HasPrefix(w, "!") {
			var se *sources.Error
			if err == nil || !errors.As(err, &se) || se.File != path || !strings.Contains(err.Error(), w[1:]) {
				t.Errorf("%s: got %q, %v; want an error with %q", rel, got, err, w[1:])
			}
		} else if got != w || err != nil {
			t.Errorf("%s: got %q, %v; want %q", rel, got, err, w)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen != len(want) {
		t.Errorf("checked %d of %d files in the table", seen, len(want))
	}
}

func head(t *testing.T, path string) []byte {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b := make([]byte, 64<<10)
	n, err := io.ReadFull(f, b)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		t.Fatal(err)
	}
	return b[:n]
}

func detect(t *testing.T, path string) any {
	f, err := sources.Detect(path, head(t, path))
	if err != nil {
		return err
	}
	return f
}

func TestDetectSmall(t *testing.T) {
	for _, c := range []struct{ path, head, want string }{
		{"x.ties", "anything", "ties"},
		{"x.txt", "# ties\nentity a", "ties"},
		{"x.txt", "# a comment\n\nties 1\n", "ties"},
		{"x.json", `{"total": 1, "results": [{"id": "1", "source": "Entity List (EL) - Bureau of Industry and Security", "federal_register_notice": "87 FR 1"}]}`, "csl-json"},
		{"x.jsonl", `{"id": "1", "source": "X", "alt_names": []}` + "\n", "csl-json"},
		{"x.json", `{"id":"https://ror.org/0090r4d87","name":"ICT"}`, "ror"},
		{"x.json", `{"id": "abc", "schema": "Person", "properties": {"name": ["A"]}}`, "ftm"},
		{"x.json", `[{"id": "https://openalex.org/W1", "authorships": []}]`, "openalex"},
		{"x.json", `{"id":"https://openalex.org/W1","title":"t","publication_year":2020}`, "openalex"},
		{"x.json", `{"id": "https://openalex.org/A5023888391", "orcid": "https://orcid.org/0000-0001", "display_name": "X"}`, "openalex-authors"},
		{"x.jsonl", `{"last_known_institutions": [{"id": "https://openalex.org/I1"}], "orcid": null, "id": "https://openalex.org/A1"}`, "openalex-authors"},
		{"x.json", `{"id": "https://openalex.org/I27837315", "ror": "https://ror.org/00jmfr291", "display_name": "U"}`, "openalex-institutions"},
		{"x.jsonl", `{"lineage": ["https://openalex.org/I1"], "roles": [{"role": "funder", "id": "https://openalex.org/F1"}], "associated_institutions": []}`, "openalex-institutions"},
		{"x.csv", "\ufeff_id,source,name\n", "csl"},
		{"x.csv", "Name,Clean Name,Alias,Previous Name,Parent Name,Note\n", "1260h"},
		{"x.csv", "schema,name,aliases,topics,program\nCompany,A,,,\"Section 1286 of the NDAA\"\n", "1286"},
		{"sdn.csv", `36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ` + "\r\n", "ofac"},
		{"sdn.xml", "<?xml version=\"1.0\" standalone=\"yes\"?>\n<sdnList xmlns=\"http://tempuri.org/sdnList.xsd\">", "ofac-xml"},
		{"x.xml", "<?xml version=\"1.0\"?>\n<!-- c -->\n<CONSOLIDATED_LIST dateGenerated=\"2026-02-27\">", "un"},
	} {
		got, err := sources.Detect(c.path, []byte(c.head))
		if got != c.want || err != nil {
			t.Errorf("Detect(%q, %.40q) = %q, %v; want %q", c.path, c.head, got, err, c.want)
		}
	}
	for _, c := range []struct{ head, text string }{
		{"", "empty file"},
		{"  \n", "empty file"},
		{"<html><body>", "unknown XML format (root element <html>)"},
		{`{"a": 1}`, "unknown JSON format"},
		{"schema,name,aliases,topics,program\nCompany,A,,,Other\n", "unknown program"},
	} {
		_, err := sources.Detect("f", []byte(c.head))
		if err == nil || !strings.Contains(err.Error(), c.text) {
			t.Errorf("Detect(%q): %v, want an error with %q", c.head, err, c.text)
		}
	}
	// A gzip head is looked into, even when cut.
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("_id,source,name\n" + strings.Repeat("1,Entity List (EL) - Bureau of Industry and Security,A\n", 1000)))
	zw.Close()
	if got, err := sources.Detect("x.gz", gz.Bytes()[:gz.Len()/2]); got != "csl" || err != nil {
		t.Errorf("cut gzip head: %q, %v", got, err)
	}
}

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	text := "_id,source,name\n1,Entity List (EL) - Bureau of Industry and Security,A\n2,Entity List (EL) - Bureau of Industry and Security,B\n"
	plain := filepath.Join(dir, "plain.csv")
	if err := os.WriteFile(plain, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(text))
	zw.Close()
	zipped := filepath.Join(dir, "no-gz-extension.csv")
	if err := os.WriteFile(zipped, gz.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{plain, zipped} {
		rc, err := sources.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		if err != nil || string(b) != text {
			t.Errorf("%s: %q, %v", p, b, err)
		}
		if err := rc.Close(); err != nil {
			t.Error(err)
		}
	}
	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, nil, 0o644)
	rc, err := sources.Open(empty)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := io.ReadAll(rc); len(b) != 0 || err != nil {
		t.Errorf("empty: %q %v", b, err)
	}
	rc.Close()
	if _, err := sources.Open(filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

// A truncated gzip file surfaces as a parse error naming the line reached.
func TestOpenTruncatedGzip(t *testing.T) {
	gz, err := os.ReadFile(filepath.Join(sharedData(t), "csl", "consolidated-2022-05.csv.gz"))
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(t.TempDir(), "cut.csv.gz")
	if err := os.WriteFile(cut, gz[:len(gz)/3], 0o644); err != nil {
		t.Fatal(err)
	}
	rc, err := sources.Open(cut)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	n := 0
	for _, err = range csl.Parse(rc, cut) {
		if err != nil {
			break
		}
		n++
	}
	var se *sources.Error
	if !errors.As(err, &se) || !errors.Is(err, io.ErrUnexpectedEOF) || se.File != cut || se.Line <= n {
		t.Fatalf("after %d rows: %v", n, err)
	}
	t.Logf("%v", err)
}

func TestLineReader(t *testing.T) {
	lr := sources.NewLineReader(strings.NewReader("ab\ncd\n\nef"))
	io.ReadAll(lr)
	for off, want := range map[int64]int{0: 1, 2: 1, 3: 2, 6: 3, 7: 4, 9: 4, 100: 4} {
		if got := lr.Line(off); got != want {
			t.Errorf("Line(%d) = %d, want %d", off, got, want)
		}
	}
}

func FuzzDetect(f *testing.F) {
	for _, s := range []string{"_id,source,name\n", "<CONSOLIDATED_LIST>", `{"id": "https://ror.org/x"}`, "ties 1\n", "\x1f\x8b\x08", `"a`, "<"} {
		f.Add("f.csv", []byte(s))
	}
	f.Fuzz(func(t *testing.T, path string, head []byte) {
		got, err := sources.Detect(path, head)
		if (got == "") == (err == nil) {
			t.Fatalf("Detect = %q, %v: want exactly one of format and error", got, err)
		}
	})
}
