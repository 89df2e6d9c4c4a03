package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"ties"
)

// TestBadInputKeepsPreviousVersion loads a good list, then each kind of
// broken file. Each must fail with the file and the line (or offset), exit
// non-zero, and leave the good version in force and screening.
func TestBadInputKeepsPreviousVersion(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "ties.db")
	good, err := os.ReadFile("testdata/fixture-list.csv")
	if err != nil {
		t.Fatal(err)
	}
	mustRun(t, db, "load", "testdata/fixture-list.csv")

	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(bytes.Repeat(good, 50))
	zw.Close()
	lines := strings.SplitAfter(string(good), "\n")
	wrongFields := lines[0] + lines[1] + "fx-003,Entity List (EL) - Bureau of Industry and Security,,,,Short Row\n"
	badUTF8 := strings.Replace(string(good), "Northwind Quantum Institute", "Northwind \xff\xfe Institute", 1)
	xmlCut := `<?xml version="1.0" encoding="UTF-8"?>
<CONSOLIDATED_LIST dateGenerated="2026-02-27T00:00:00">
<INDIVIDUALS>
<INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>IVAN</FIRST_NAME><SECOND_NAME>EXAMPLE</SECOND_NAME>
<LISTED_ON>2001-01-01</LISTED_ON></INDIVIDUAL>
<INDIVIDUAL><DATAID>2</DATAID><FIRST_NAME>PET`

	cases := []struct {
		name, file, content string
		args                []string
		where               *regexp.Regexp // how the error says where
	}{
		{"truncated gzip", "list.csv.gz", string(gz.Bytes()[:gz.Len()/2]), nil, regexp.MustCompile(`list\.csv\.gz:\d+`)},
		{"wrong field count", "short.csv", wrongFields, nil, regexp.MustCompile(`short\.csv:3`)},
		{"invalid UTF-8", "latin.csv", badUTF8, nil, regexp.MustCompile(`latin\.csv:2`)},
		{"XML cut mid-element", "un.xml", xmlCut, nil, regexp.MustCompile(`un\.xml:(\d+|.*offset \d+)`)},
		{"empty file", "empty.csv", "", []string{"--format", "csl"}, regexp.MustCompile(`empty\.csv`)},
		{"empty file, detected", "empty2.csv", "", nil, regexp.MustCompile(`empty2\.csv`)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, c.file)
			if err := os.WriteFile(path, []byte(c.content), 0o644); err != nil {
				t.Fatal(err)
			}
			args := append([]string{"--db", db, "load"}, c.args...)
			out, code := execTies(t, append(args, path)...)
			if code == 0 {
				t.Fatalf("load of %s succeeded; want an error\n%s", c.name, out)
			}
			if !c.where.MatchString(out) {
				t.Errorf("error does not say where (want %s):\n%s", c.where, out)
			}
			assertFixtureInForce(t, db)
		})
	}
}

func assertFixtureInForce(t *testing.T, db string) {
	t.Helper()
	var versions []ties.ListVersion
	if err := json.Unmarshal([]byte(mustRun(t, db, "lists", "--json")), &versions); err != nil {
		t.Fatal(err)
	}
	inForce := 0
	for _, v := range versions {
		if v.InForce {
			inForce++
			if v.Dataset != "csl" || v.ID != 1 || v.Rows != 2 {
				t.Errorf("in force: %+v; want the fixture, csl version 1 with 2 rows", v)
			}
		}
	}
	if len(versions) != 1 || inForce != 1 {
		t.Errorf("versions after a failed load: %+v; want only the first", versions)
	}
	rs := decodeScreen(t, mustRun(t, db, "screen", "--json", "Northwind Quantum Institute", "北风量子研究所"))
	for _, r := range rs {
		if len(r.Matches) == 0 || r.Matches[0].SourceID != "fx-001" {
			t.Errorf("screen %q after a failed load: %+v; want fx-001", r.Query, r.Matches)
		}
	}
}

func TestLoadRealCSLAndScreenICT(t *testing.T) {
	data := needShared(t)
	db := filepath.Join(t.TempDir(), "ties.db")
	out := mustRun(t, db, "load", filepath.Join(data, "csl", "consolidated-2022-05.csv.gz"))
	if !strings.Contains(out, "14160 rows") {
		t.Errorf("load of the 2022 CSL: %s; want 14160 rows", out)
	}
	rs := decodeScreen(t, mustRun(t, db, "screen", "--json", "ICT CAS"))
	for _, m := range rs[0].Matches {
		if strings.Contains(m.Name, "Institute of Computing Technology") {
			t.Errorf("the 2022 CSL predates the ICT listing, yet screening found %+v", m)
		}
	}
	mustRun(t, db, "load", "--merge", filepath.Join(data, "csl", "el-cas-rows-2025.csv"))
	rs = decodeScreen(t, mustRun(t, db, "screen", "--json", "ICT CAS"))
	if len(rs) != 1 || len(rs[0].Matches) == 0 {
		t.Fatalf("screen ICT CAS: %+v", rs)
	}
	m := rs[0].Matches[0]
	if m.Name != "Chinese Academy of Sciences Institute of Computing Technology" || m.List != "EL" ||
		m.ListedOn == nil || *m.ListedOn != "2022-12-16" || m.Authority != "87 FR 77505" || m.Explanation == "" {
		t.Errorf("top match for ICT CAS: %+v", m)
	}
	// The merge kept the 2022 rows.
	rs = decodeScreen(t, mustRun(t, db, "screen", "--json", "--list", "SDN", "BANCO NACIONAL DE CUBA"))
	if len(rs[0].Matches) == 0 {
		t.Errorf("SDN row of the 2022 CSL lost by the merge")
	}
}

// TestLoadPrintsListTies: loading the real 1260H table and an FtM file
// with relations says what ties they gave, and what was left out.
func TestLoadPrintsListTies(t *testing.T) {
	data := needShared(t)
	db := filepath.Join(t.TempDir(), "ties.db")
	out := mustRun(t, db, "load", filepath.Join(data, "us-cn-lists", "dod-1260h.csv"), "../../ingest/testdata/bis50.ftm.json")
	for _, want := range []string{
		"as 1260h version 1 (224 rows",
		"graph list:1260h: 162 entities, 140 ties",
		"as ftm:bis50 version 2 (3 rows",
		"graph list:ftm:bis50: 3 entities, 2 ties",
		"1 relations left out: an end is not an entity of the file",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("load output lacks %q:\n%s", want, out)
		}
	}
}
