package ofac

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"ties"
	"ties/changes"
	"ties/internal/testdata"
	"ties/sources"
)

func collectXML(t testing.TB, path string) ([]string, map[string]ties.Record) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	out := map[string]ties.Record{}
	for rec, err := range ParseXMLFile(bytes.NewReader(b), path) {
		if err != nil {
			t.Fatal(err)
		}
		if _, dup := out[rec.Entity.ID]; dup {
			t.Fatalf("duplicate %s", rec.Entity.ID)
		}
		order = append(order, rec.Entity.ID)
		out[rec.Entity.ID] = rec
	}
	return order, out
}

// TestXMLSDN reads the real SDN XML excerpt (2014): four entries, one of
// each kind the file has, with names, aliases, identifiers and addresses.
func TestXMLSDN(t *testing.T) {
	path := filepath.Join(sharedData(t), "formats", "sdn__sdn.xml")
	order, recs := collectXML(t, path)
	if want := []string{"ofac:306", "ofac:6982", "ofac:11043", "ofac:521"}; !slices.Equal(order, want) {
		t.Fatalf("entries %v, want %v", order, want)
	}
	bnc := recs["ofac:306"]
	if bnc.Entity.Kind != ties.KindOrganization || bnc.Entity.PrimaryName() != "BANCO NACIONAL DE CUBA" {
		t.Errorf("306: %+v", bnc.Entity)
	}
	if got := names(bnc.Entity, ties.NameAbbreviation); !slices.Equal(got, []string{"BNC"}) {
		t.Errorf("306 abbreviations %v, want [BNC]", got)
	}
	if len(bnc.Entity.Addresses) != 4 || bnc.Entity.Addresses[0].Text != "Zweierstrasse 35, Zurich CH-8022, Switzerland" || bnc.Entity.Addresses[0].Country != "CH" {
		t.Errorf("306 addresses %+v", bnc.Entity.Addresses)
	}
	d := bnc.Designations[0]
	if d.ListID != "SDN" || d.Program != "CUBA" || d.SourceID != "306" || len(bnc.Lists) != 1 || bnc.Lists[0].ID != "SDN" {
		t.Errorf("306 designation %+v lists %+v", d, bnc.Lists)
	}
	p := recs["ofac:6982"].Entity
	if p.Kind != ties.KindPerson || p.PrimaryName() != "JIM'ALE, Ahmed Nur Ali" {
		t.Errorf("6982: kind %s name %q", p.Kind, p.PrimaryName())
	}
	if !slices.Contains(p.Identifiers, ties.Identifier{Scheme: "Passport", Value: "A0181988"}) {
		t.Errorf("6982 identifiers %+v", p.Identifiers)
	}
	if !slices.Contains(names(p, ties.NameAlias), "JUMALI, Ahmed Ali") {
		t.Errorf("6982 aliases %v", names(p, ties.NameAlias))
	}
	v := recs["ofac:11043"].Entity
	if v.Kind != ties.KindVessel || len(names(v, ties.NameFormer)) != 3 {
		t.Errorf("11043: %+v", v)
	}
	// Facts without a field of their own are kept in the remarks.
	if !strings.Contains(v.Remarks, "Vessel Type General Cargo; Flag Iran; Vessel Owner IRISL; Tonnage 24065") {
		t.Errorf("11043 remarks %q", v.Remarks)
	}
	if r := recs["ofac:521"].Entity.Remarks; r != "Title: Executive Director, Havana International Bank; Might have something to do with Cuba." {
		t.Errorf("521 remarks %q", r)
	}
	if r := p.Remarks; !strings.Contains(r, "POB Eilbur, Somalia") || !strings.Contains(r, "Additional Djiboutian passport issued in 2010.") {
		t.Errorf("6982 remarks %q", r)
	}
}

// TestXMLConsolidated reads the real consolidated (non-SDN) XML excerpt:
// 24 entries, of which uid 15268 twice (561List and 561-Related), become
// 23 records on the non-SDN lists their programs stand for (CCMC-EO13959,
// IRAN and PEESA say no list: OFAC-NONSDN, as in the CSV loader).
func TestXMLConsolidated(t *testing.T) {
	path := filepath.Join(sharedData(t), "formats", "treasury_consolidated__consolidated.xml")
	order, recs := collectXML(t, path)
	if len(order) != 23 {
		t.Fatalf("%d records, want 23", len(order))
	}
	lists := map[string]int{}
	for _, r := range recs {
		lists[r.Designations[0].ListID]++
		if r.Designations[0].ListID == "SDN" {
			t.Errorf("%s on SDN in the non-SDN file", r.Entity.ID)
		}
	}
	want := map[string]int{"SSI": 4, "PLC": 6, "CAP": 1, "OFAC-NONSDN": 5, "FSE": 3, "NS-MBS": 1, "CMIC": 3}
	for k, n := range want {
		if lists[k] != n {
			t.Errorf("list %s: %d entries, want %d (all: %v)", k, lists[k], n, lists)
		}
	}
	kunlun := recs["ofac:15268"]
	if kunlun.Designations[0].Program != "561List; 561-Related" || kunlun.Designations[0].ListID != "CAP" {
		t.Errorf("15268: %+v", kunlun.Designations)
	}
	panda := recs["ofac:30950"]
	if panda.Designations[0].Start.String() != "2021-06-03" {
		t.Errorf("30950 listing date %v, want 2021-06-03 (from its Listing Date (CMIC) id)", panda.Designations[0].Start)
	}
	if !slices.Contains(panda.Entity.Identifiers, ties.Identifier{Scheme: "Unified Social Credit Code (USCC)", Value: "913201921348831521"}) {
		t.Errorf("30950 identifiers %+v", panda.Entity.Identifiers)
	}
	for _, id := range panda.Entity.Identifiers {
		if strings.Contains(id.Scheme, "Date") || id.Scheme == "Target Type" {
			t.Errorf("30950: note kept as identifier: %+v", id)
		}
	}
}

// TestXMLSameIDsAsCSV: an entry present in both the XML and the CSV form
// of the same list gets the same entity id, kind and list, so switching
// form keeps reviews and links. The files are of different dates: only
// the entries both hold are compared (1 SDN entry, 17 non-SDN ones).
func TestXMLSameIDsAsCSV(t *testing.T) {
	data := sharedData(t)
	for _, c := range []struct {
		xml, csv string
		overlap  int
	}{
		{"formats/sdn__sdn.xml", "ofac/2021-07/sdn.csv", 1},
		{"formats/treasury_consolidated__consolidated.xml", "ofac/cons-2025-12/cons_prim.csv", 17},
	} {
		_, fromXML := collectXML(t, filepath.Join(data, c.xml))
		fromCSV := collect(t, openSet(t, filepath.Join(data, c.csv)))
		n := 0
		for id, x := range fromXML {
			v, ok := fromCSV[id]
			if !ok {
				continue
			}
			n++
			if x.Entity.Kind != v.Entity.Kind {
				t.Errorf("%s: kind %s from XML, %s from CSV", id, x.Entity.Kind, v.Entity.Kind)
			}
			if x.Designations[0].SourceID != v.Designations[0].SourceID || x.Designations[0].SourceURL != v.Designations[0].SourceURL {
				t.Errorf("%s: designation %+v from XML, %+v from CSV", id, x.Designations[0], v.Designations[0])
			}
			// The list follows the programs, which changed for some
			// entries between the files' dates; compare it where they
			// agree.
			if x.Designations[0].Program == v.Designations[0].Program && x.Designations[0].ListID != v.Designations[0].ListID {
				t.Errorf("%s: list %s from XML, %s from CSV", id, x.Designations[0].ListID, v.Designations[0].ListID)
			}
		}
		if n != c.overlap {
			t.Errorf("%s: %d entries also in %s, want %d", c.xml, n, c.csv, c.overlap)
		}
	}
	// The one SDN entry in both is written the same way in both forms.
	_, x := collectXML(t, filepath.Join(data, "formats/sdn__sdn.xml"))
	v := collect(t, openSet(t, filepath.Join(data, "ofac/2021-07/sdn.csv")))
	if a, b := x["ofac:306"].Entity, v["ofac:306"].Entity; a.PrimaryName() != b.PrimaryName() || !slices.Equal(a.Addresses, b.Addresses) {
		t.Errorf("306 differs:\nXML %+v\nCSV %+v", a, b)
	}
	// What a reviewer judged (names and designations) hashes the same, so
	// a review made on the CSV form still holds on the XML form.
	if a, b := changes.EntryHash(x["ofac:306"]), changes.EntryHash(v["ofac:306"]); a != b {
		t.Errorf("306: entry hash %s from XML, %s from CSV:\nXML %+v %+v\nCSV %+v %+v", a, b,
			x["ofac:306"].Entity.Names, x["ofac:306"].Designations, v["ofac:306"].Entity.Names, v["ofac:306"].Designations)
	}
}

func TestXMLBadInput(t *testing.T) {
	const head = "<?xml version=\"1.0\"?>\n<sdnList xmlns=\"http://tempuri.org/sdnList.xsd\">\n"
	entry := func(uid, typ, last string) string {
		return "<sdnEntry>\n<uid>" + uid + "</uid>\n<lastName>" + last + "</lastName>\n<sdnType>" + typ + "</sdnType>\n</sdnEntry>\n"
	}
	for _, c := range []struct {
		name, in   string
		line       int
		field, msg string
	}{
		{"bad type", head + entry("1", "Entity", "A") + entry("2", "Robot", "B") + "</sdnList>", 11, "sdnType", `unknown entry type "Robot"`},
		{"bad uid", head + entry("x1", "Entity", "A") + "</sdnList>", 4, "uid", "not a number"},
		{"no name", head + entry("1", "Entity", "") + "</sdnList>", 5, "lastName", "empty name"},
		{"truncated", head + entry("1", "Entity", "A") + "<sdnEntry>\n<uid>2</u", 9, "", "XML syntax"},
		{"wrong root", "<?xml version=\"1.0\"?>\n<CONSOLIDATED_LIST>", 2, "", "want <sdnList>"},
		{"no entries", head + "</sdnList>", 0, "", "no <sdnEntry>"},
		{"empty", "", 0, "", "no <sdnEntry>"},
		{"bad alias", head + "<sdnEntry>\n<uid>1</uid>\n<lastName>A</lastName>\n<akaList>\n<aka><type>x.y.z.</type><lastName>B</lastName></aka>\n</akaList>\n</sdnEntry>\n</sdnList>", 7, "aka/type", "unknown alias type"},
	} {
		var err error
		n := 0
		for _, err = range ParseXML(strings.NewReader(c.in), "f.xml", false) {
			if err != nil {
				break
			}
			n++
		}
		var se *sources.Error
		if !errors.As(err, &se) || se.File != "f.xml" || se.Line != c.line || se.Field != c.field || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: after %d records: %v (line %d field %q); want line %d field %q with %q", c.name, n, err, lineOf(se), fieldOf(se), c.line, c.field, c.msg)
		}
	}
}

func lineOf(se *sources.Error) int {
	if se == nil {
		return -1
	}
	return se.Line
}

func fieldOf(se *sources.Error) string {
	if se == nil {
		return "?"
	}
	return se.Field
}

func TestXMLPublishDate(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(sharedData(t), "formats", "sdn__sdn.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if d, ok := XMLPublishDate(b); !ok || d.String() != "2014-07-16" {
		t.Errorf("publish date %v %v, want 2014-07-16", d, ok)
	}
}

func FuzzParseXML(f *testing.F) {
	// The real files seed the corpus, with a small consolidated-style
	// entry. Interesting inputs this large take the engine long to
	// minimize: run with -fuzzminimizetime 1s to see executions go on.
	for _, p := range []string{"formats/sdn__sdn.xml", "formats/treasury_consolidated__consolidated.xml"} {
		if root := sharedDataRoot(); root != "" {
			if b, err := os.ReadFile(filepath.Join(root, p)); err == nil {
				f.Add(b, false)
			}
		}
	}
	f.Add([]byte("<sdnList><sdnEntry><uid>1</uid><lastName>A</lastName><sdnType>Individual</sdnType></sdnEntry></sdnList>"), true)
	f.Add([]byte(`<?xml version="1.0"?><sdnList xmlns="http://tempuri.org/sdnList.xsd"><publshInformation><Publish_Date>12/17/2014</Publish_Date></publshInformation>
<sdnEntry><uid>15268</uid><lastName>BANK</lastName><nspType>Entity</nspType><programList><program>561List</program></programList>
<idList><id><uid>1</uid><idType>Listing Date (CMIC)</idType><idNumber>03 Jun 2021</idNumber></id></idList></sdnEntry>
<sdnEntry><uid>15268</uid><lastName>BANK</lastName><programList><program>561-Related</program></programList><akaList><aka><uid>2</uid><type>f.k.a.</type><lastName>OLD</lastName></aka></akaList></sdnEntry></sdnList>`), true)
	f.Fuzz(func(t *testing.T, in []byte, nonSDN bool) {
		for rec, err := range ParseXML(bytes.NewReader(in), "f.xml", nonSDN) {
			if err != nil {
				var se *sources.Error
				if !errors.As(err, &se) {
					t.Fatalf("error without position: %v", err)
				}
				break
			}
			if !strings.HasPrefix(rec.Entity.ID, "ofac:") || rec.Entity.PrimaryName() == "" || len(rec.Designations) != 1 || len(rec.Lists) != 1 {
				t.Fatalf("bad record %+v", rec)
			}
		}
	})
}

func sharedDataRoot() string { return testdata.Root() }
