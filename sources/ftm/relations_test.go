package ftm

import (
	"errors"
	"os"
	"strings"
	"testing"

	"ties"
	"ties/sources"
)

// TestRelations reads Ownership, Directorship, Employment and Membership
// as ties, with their dates, share and role; a relation missing an end is
// skipped and counted, and other schemas (Payment) stay skipped.
func TestRelations(t *testing.T) {
	f, err := os.Open("testdata/relations.ftm.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var st Stats
	var got []ties.Tie
	n := 0
	for _, err := range ParseWith(f, "relations.ftm.json", Options{Stats: &st, Ties: func(t ties.Tie) { got = append(got, t) }}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 3 || st.Ties != 4 || len(got) != 4 {
		t.Fatalf("%d records, %d ties (%d counted); want 3 records and 4 ties", n, len(got), st.Ties)
	}
	if st.Skipped["Ownership (no asset)"] != 1 || st.Skipped["Payment"] != 1 {
		t.Errorf("skipped %v", st.Skipped)
	}
	own := got[0]
	if own.From != "ftm:co-sub" || own.To != "ftm:co-parent" || own.Kind != ties.TieOwnedBy || own.Share != 0.6 ||
		own.Start.String() != "2019-05" || own.Role != "shareholder" || own.ID != "ftm:own-1" || own.Source != "relations.ftm.json:3" {
		t.Errorf("ownership tie %+v", own)
	}
	if len(own.Evidence) != 1 || own.Evidence[0].Ref != "https://registry.example/co-sub" || own.Evidence[0].Retrieved.String() != "2024-01-03" {
		t.Errorf("ownership evidence %+v", own.Evidence)
	}
	dir := got[1]
	if dir.From != "ftm:p-dir" || dir.To != "ftm:co-sub" || dir.Kind != ties.TieAffiliatedWith || dir.Role != "Chair of the board" ||
		dir.Start.String() != "2020-01-01" || dir.End.String() != "2022-12-31" {
		t.Errorf("directorship tie %+v", dir)
	}
	if emp := got[2]; emp.Kind != ties.TieEmployedBy || emp.From != "ftm:p-dir" || emp.To != "ftm:co-parent" || emp.Start.String() != "2015" {
		t.Errorf("employment tie %+v", emp)
	}
	if mem := got[3]; mem.Kind != ties.TieAffiliatedWith || mem.Role != "member" || mem.To != "ftm:org-assoc" {
		t.Errorf("membership tie %+v", mem)
	}
	// Without Options.Ties the relations are skipped as before.
	f.Seek(0, 0)
	var plain Stats
	for _, err := range ParseStats(f, "relations.ftm.json", &plain) {
		if err != nil {
			t.Fatal(err)
		}
	}
	if plain.Skipped["Ownership"] != 2 || plain.Ties != 0 {
		t.Errorf("without Ties: skipped %v", plain.Skipped)
	}
}

func TestRelationErrors(t *testing.T) {
	for _, c := range []struct{ line, field, msg string }{
		{`{"id":"o","schema":"Ownership","properties":{"owner":["a"],"asset":["b"],"percentage":["lots"]}}`, "properties.percentage", "not a number"},
		{`{"id":"o","schema":"Ownership","properties":{"owner":["a"],"asset":["b"],"percentage":["150"]}}`, "properties.percentage", "not in (0, 100]"},
		{`{"id":"o","schema":"Employment","properties":{"employee":["a"],"employer":["b"],"startDate":["2020-13-01"]}}`, "properties.startDate", ""},
		{`{"id":"o","schema":"Directorship","properties":{"director":["a"],"organization":["b"],"startDate":["2021"],"endDate":["2020"]}}`, "properties.endDate", "before start"},
	} {
		in := `{"id":"x","schema":"Person","properties":{"name":["X"]}}` + "\n" + c.line + "\n"
		var err error
		for _, err = range ParseWith(strings.NewReader(in), "f.json", Options{Ties: func(ties.Tie) {}}) {
			if err != nil {
				break
			}
		}
		var se *sources.Error
		if !errors.As(err, &se) || se.Line != 2 || se.Field != c.field || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: %v; want line 2 field %s with %q", c.line, err, c.field, c.msg)
		}
	}
}

func TestParseShare(t *testing.T) {
	for in, want := range map[string]float64{"51": 0.51, "51%": 0.51, "50,5": 0.505, "100": 1, "0.5": 0.005} {
		if got, err := ParseShare(in); err != nil || got != want {
			t.Errorf("ParseShare(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "-5", "101", "x"} {
		if _, err := ParseShare(in); err == nil {
			t.Errorf("ParseShare(%q): no error", in)
		}
	}
}

func FuzzRelations(f *testing.F) {
	seed, err := os.ReadFile("testdata/relations.ftm.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	for _, line := range strings.Split(string(seed), "\n") {
		f.Add([]byte(line))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		check := func(tie ties.Tie) {
			if tie.From == "" || tie.To == "" || tie.From == tie.To || tie.Share < 0 || tie.Share > 1 {
				t.Fatalf("bad tie %+v", tie)
			}
			if !tie.Start.IsZero() && !tie.End.IsZero() && tie.End.Before(tie.Start) {
				t.Fatalf("tie ends before it starts: %+v", tie)
			}
		}
		for _, err := range ParseWith(strings.NewReader(string(data)), "fuzz", Options{Ties: check}) {
			if err != nil {
				var se *sources.Error
				if !errors.As(err, &se) || se.File != "fuzz" || se.Line < 1 {
					t.Fatalf("error %v is not a *sources.Error with file and line", err)
				}
				break
			}
		}
	})
}
