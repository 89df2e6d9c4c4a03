package csl

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"ties"
	"ties/internal/testdata"
)

// TestLegacyRealFiles reads the two files in the older CSL layout: 18 rows
// each (one per entity, address and alternate name) become 5 entities on
// EL and MEU respectively.
func TestLegacyRealFiles(t *testing.T) {
	data := sharedData(t)
	for _, c := range []struct {
		file, list, listName, authority string
	}{
		{"el__el.csv", "EL", "Entity List", "Bureau of Industry and Security"},
		{"meu__meu.csv", "MEU", "Military End User List", "Bureau of Industry and Security"},
	} {
		path := filepath.Join(data, "formats", c.file)
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		recs := collect(t, ParseLegacy(bytes.NewReader(b), path))
		var ids []string
		for _, r := range recs {
			ids = append(ids, r.Entity.ID)
			if len(r.Lists) != 1 || r.Lists[0].ID != c.list || r.Lists[0].Name != c.listName || r.Lists[0].Authority != c.authority {
				t.Errorf("%s %s: lists %+v", c.file, r.Entity.ID, r.Lists)
			}
		}
		want := []string{
			"csl:" + c.list + "-fazal-rahim-farid",
			"csl:" + c.list + "-fazel-khalil-construction-company",
			"csl:" + c.list + "-zurmat-construction-company-offices",
			"csl:" + c.list + "-murat-peker",
			"csl:" + c.list + "-qazi-abdallah",
		}
		if !slices.Equal(ids, want) {
			t.Fatalf("%s: ids %v, want %v", c.file, ids, want)
		}
		farid := recs[0]
		if got := names(farid.Entity, ties.NameAlias); !slices.Equal(got, []string{"Fazel Rahim Farid", "Farid", "Engineer Idris"}) {
			t.Errorf("%s Farid aliases %v", c.file, got)
		}
		if len(farid.Entity.Addresses) != 2 || farid.Entity.Addresses[0].Text != "Microrayan 3rd Apt. 45, block #21, Kabul, Afghanistan" || farid.Entity.Addresses[0].Country != "AF" {
			t.Errorf("%s Farid addresses %+v", c.file, farid.Entity.Addresses)
		}
		if len(farid.Designations) != 1 {
			t.Fatalf("%s Farid designations %+v", c.file, farid.Designations)
		}
		d := farid.Designations[0]
		if d.ListID != c.list || d.Start.String() != "2011-11-21" || d.Authority != "76 FR 71867" || d.LicensePolicy != "Presumption of denial." || d.SourceURL != "http://www.bis.doc.gov/entities/default.htm" {
			t.Errorf("%s Farid designation %+v", c.file, d)
		}
		if z := recs[2].Entity; len(z.Addresses) != 7 || !slices.Contains(z.Addresses, ties.Address{Text: "Tarin Cot City, Afghanistan", Country: "AF"}) {
			t.Errorf("%s Zurmat addresses %+v", c.file, z.Addresses)
		}
		// Qazi Abdallah's three rows give three designations (two notices,
		// two dates), his titles the remarks, and the alias its real
		// quotes (the file has U+0092 and U+0091 for them).
		q := recs[4]
		if len(q.Designations) != 3 || q.Entity.Remarks != "Title 1; Title 2" {
			t.Errorf("%s Qazi Abdallah: %d designations, remarks %q", c.file, len(q.Designations), q.Entity.Remarks)
		}
		if got := names(q.Entity, ties.NameAlias); !slices.Equal(got, []string{"Jawid, Sa’id Jan ‘Abd-al-Salam"}) {
			t.Errorf("%s Qazi Abdallah aliases %q", c.file, got)
		}
	}
}

func TestLegacyBadInput(t *testing.T) {
	const h = "Source List,Entity Number,SDN Type,Programs,Name,Effective Date\n"
	for _, c := range []struct {
		in, field, msg string
		line           int
	}{
		{h + "EL,,,,A,1/2/2010\nEL,,,,B,13/40/2010\n", "Effective Date", "M/D/YYYY", 3},
		{h + "EL,,,,A,\n,,,,B,\n", "Source List", "empty list code", 3},
		{h + "EL,,,,,\n", "Name", "empty name", 2},
		{h + "EL,,,,A,,x,y\n", "", "8 fields, the header has 6", 2},
		{h + "EL,,,,\"A\xff\",\n", "Name", "invalid UTF-8", 2},
		{h, "", "no rows", 0},
		{"", "", "empty file", 0},
		{"Name,Alias\nA,B\n", "Source List", "older layout", 1},
		{h + "EL,,,,\"A,\n", "", "quote", 2},
	} {
		_, err := firstError(ParseLegacy(strings.NewReader(c.in), "f.csv"))
		wantError(t, err, "f.csv", c.line, c.field, c.msg)
	}
}

func FuzzCSLLegacy(f *testing.F) {
	if root := testdata.Root(); root != "" {
		if b, err := os.ReadFile(filepath.Join(root, "formats", "el__el.csv")); err == nil {
			f.Add(string(b))
		}
	}
	f.Add("Source List,Entity Number,Name,Alternate Name\nSDN,12,A,B\nSDN,12,A,C\n")
	f.Fuzz(func(t *testing.T, in string) {
		for rec, err := range ParseLegacy(strings.NewReader(in), "f.csv") {
			if err != nil {
				break
			}
			if !strings.HasPrefix(rec.Entity.ID, "csl:") || rec.Entity.PrimaryName() == "" || len(rec.Designations) == 0 {
				t.Fatalf("bad record %+v", rec)
			}
		}
	})
}

// TestLegacySourcesTable: the generated table (go generate ./sources/csl)
// holds every list of the real CSL with the label the current layout uses,
// so an older-layout row gets the same list as a current-layout row.
func TestLegacySourcesTable(t *testing.T) {
	b := readGz(t, filepath.Join(sharedData(t), "csl", "consolidated-2022-05.csv.gz"))
	seen := map[string]bool{}
	for _, r := range collect(t, Parse(bytes.NewReader(b), "consolidated-2022-05.csv.gz")) {
		for _, l := range r.Lists {
			if seen[l.ID] {
				continue
			}
			seen[l.ID] = true
			label, ok := legacySources[l.ID]
			if !ok {
				t.Errorf("list %s (%s) is not in legacySources: run go generate ./sources/csl", l.ID, l.Name)
				continue
			}
			if got := ParseSource(label); got != l {
				t.Errorf("legacySources[%s] gives %+v, the CSL %+v", l.ID, got, l)
			}
		}
	}
	if len(seen) != len(legacySources) || len(seen) != 13 {
		t.Errorf("%d lists in the CSL, %d in the table; want 13 in both", len(seen), len(legacySources))
	}
}
