package eval

import (
	"compress/gzip"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"ties"
	"ties/match"
	"ties/sources/csl"
)

// LoadLists reads the lists the evaluations screen against from dataDir
// (the shared data folder): CSL 2022-05, OFAC SDN 2021-07 and the UN
// consolidated list, and returns them as entries ready for match.Build.
func LoadLists(dataDir string) ([]ties.Entry, error) {
	var all []ties.Entry
	cslPath := filepath.Join(dataDir, "csl", "consolidated-2022-05.csv.gz")
	recs, err := readCSL(cslPath)
	if err != nil {
		return nil, err
	}
	all = append(all, match.Entries(recs, 1, "csl")...)
	recs, err = readSDN(filepath.Join(dataDir, "ofac", "2021-07"))
	if err != nil {
		return nil, err
	}
	all = append(all, match.Entries(recs, 2, "ofac-sdn")...)
	recs, err = readUN(filepath.Join(dataDir, "un", "UN_consolidated.xml"))
	if err != nil {
		return nil, err
	}
	all = append(all, match.Entries(recs, 3, "un")...)
	return all, nil
}

func readCSL(path string) ([]ties.Record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var recs []ties.Record
	for r, err := range csl.Parse(zr, path) {
		if err != nil {
			return nil, err
		}
		recs = append(recs, r)
	}
	return recs, nil
}

// readSDN reads OFAC's legacy SDN CSV (sdn.csv with alt.csv aliases).
// Interim: replaced by sources/ofac when that lands.
func readSDN(dir string) ([]ties.Record, error) {
	rows, err := readCSVFile(filepath.Join(dir, "sdn.csv"))
	if err != nil {
		return nil, err
	}
	var recs []ties.Record
	byNum := map[string]int{}
	for _, row := range rows {
		if len(row) < 4 {
			continue
		}
		num, name, typ := clean(row[0]), clean(row[1]), strings.ToLower(clean(row[2]))
		kind := ties.KindOrganization
		switch typ {
		case "individual":
			kind = ties.KindPerson
		case "vessel":
			kind = ties.KindVessel
		case "aircraft":
			kind = ties.KindAircraft
		}
		if kind == ties.KindPerson {
			name = lastFirst(name)
		}
		id := "ofac-sdn:" + num
		byNum[num] = len(recs)
		recs = append(recs, ties.Record{
			Entity:       ties.Entity{ID: id, Kind: kind, Names: []ties.Name{{Text: name, Type: ties.NamePrimary}}},
			Designations: []ties.Designation{{EntityID: id, ListID: "SDN", SourceID: num, Program: clean(row[3])}},
		})
	}
	alts, err := readCSVFile(filepath.Join(dir, "alt.csv"))
	if err != nil {
		return nil, err
	}
	for _, row := range alts {
		if len(row) < 4 {
			continue
		}
		i, ok := byNum[clean(row[0])]
		if !ok {
			continue
		}
		name := clean(row[3])
		if recs[i].Entity.Kind == ties.KindPerson {
			name = lastFirst(name)
		}
		recs[i].Entity.Names = append(recs[i].Entity.Names, ties.Name{Text: name, Type: ties.NameAlias})
	}
	return recs, nil
}

// lastFirst turns OFAC's "LAST, First" into "First LAST".
func lastFirst(s string) string {
	if i := strings.Index(s, ", "); i > 0 && strings.Count(s, ",") == 1 {
		return s[i+2:] + " " + s[:i]
	}
	return s
}

func clean(s string) string {
	s = strings.TrimSpace(s)
	if s == "-0-" {
		return ""
	}
	return s
}

func readCSVFile(path string) ([][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	var rows [][]string
	for {
		row, err := r.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		rows = append(rows, row)
	}
}

type unAlias struct {
	Quality string `xml:"QUALITY"`
	Name    string `xml:"ALIAS_NAME"`
}

type unParty struct {
	DataID      string    `xml:"DATAID"`
	First       string    `xml:"FIRST_NAME"`
	Second      string    `xml:"SECOND_NAME"`
	Third       string    `xml:"THIRD_NAME"`
	Fourth      string    `xml:"FOURTH_NAME"`
	Original    string    `xml:"NAME_ORIGINAL_SCRIPT"`
	Reference   string    `xml:"REFERENCE_NUMBER"`
	ListedOn    string    `xml:"LISTED_ON"`
	Individuals []unAlias `xml:"INDIVIDUAL_ALIAS"`
	Entities    []unAlias `xml:"ENTITY_ALIAS"`
}

type unList struct {
	Individuals []unParty `xml:"INDIVIDUALS>INDIVIDUAL"`
	Entities    []unParty `xml:"ENTITIES>ENTITY"`
}

// readUN reads the UN consolidated list XML. Interim: replaced by
// sources/un when that lands.
func readUN(path string) ([]ties.Record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var l unList
	if err := xml.NewDecoder(f).Decode(&l); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var recs []ties.Record
	add := func(p unParty, kind ties.EntityKind) {
		id := "un:" + p.DataID
		primary := strings.Join(strings.Fields(strings.Join([]string{p.First, p.Second, p.Third, p.Fourth}, " ")), " ")
		e := ties.Entity{ID: id, Kind: kind, Names: []ties.Name{{Text: primary, Type: ties.NamePrimary}}}
		if o := strings.TrimSpace(p.Original); o != "" {
			e.Names = append(e.Names, ties.Name{Text: o, Type: ties.NameNative})
		}
		for _, a := range append(p.Individuals, p.Entities...) {
			if n := strings.TrimSpace(a.Name); n != "" {
				e.Names = append(e.Names, ties.Name{Text: n, Type: ties.NameAlias})
			}
		}
		listed, _ := ties.ParseDate(strings.TrimSpace(p.ListedOn))
		recs = append(recs, ties.Record{Entity: e, Designations: []ties.Designation{{EntityID: id, ListID: "UN", SourceID: p.Reference, Start: listed}}})
	}
	for _, p := range l.Individuals {
		add(p, ties.KindPerson)
	}
	for _, p := range l.Entities {
		add(p, ties.KindOrganization)
	}
	return recs, nil
}
