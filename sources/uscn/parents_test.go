package uscn

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ties"
	"ties/internal/testdata"
)

func parseAllAuto(t *testing.T, in, file string) []ties.Record {
	t.Helper()
	var recs []ties.Record
	for r, err := range ParseAuto(strings.NewReader(in), file) {
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, r)
	}
	return recs
}

func TestParentGraph(t *testing.T) {
	const in = "Name,Clean Name,Alias,Previous Name,Parent Name,Note,Start date,End date,Source Url\n" +
		"Example Holding Group (EHG),Example Holding Group,EHG,,,,2021-06-03,,\n" +
		"Example Aero Co. Ltd.,Example Aero Co. Ltd.,,,\"Example Holding Group, Ltd.\",,2022-10-05,,https://example.org/2022.pdf\n" +
		"Example Aero Co. Ltd.,Example Aero Co. Ltd.,,,Example Holding Group Ltd,,2024-01-31,,\n" +
		"Example Net (USA) LLC,Example Net (USA) LLC,,,Unlisted Parent Corp.,,2024-01-31,,\n" +
		"Example Net 2 LLC,Example Net 2 LLC,,,Unlisted Parent Corp,,2025-01-07,,\n" +
		"Self Named Co.,Self Named Co.,,,Self Named Co.,,2025-01-07,,\n"
	g := ParentGraph(parseAllAuto(t, in, "1260h.csv"))
	type edge struct{ from, to string }
	var got []edge
	for _, tie := range g.Ties {
		if tie.Kind != ties.TieSubsidiaryOf {
			t.Errorf("tie kind %s", tie.Kind)
		}
		got = append(got, edge{tie.From, tie.To})
	}
	want := []edge{
		{"1260h:example-aero-co-ltd", "1260h:example-holding-group"},   // two rows, two spellings: one tie
		{"1260h:example-net-llc", "1260h-parent:unlisted-parent-corp"}, // "(USA)" is dropped from the key as an acronym
		{"1260h:example-net-2-llc", "1260h-parent:unlisted-parent-corp"},
	}
	if len(got) != len(want) {
		t.Fatalf("ties %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("tie %d: %v, want %v", i, got[i], want[i])
		}
	}
	if ev := g.Ties[0].Evidence; len(ev) != 1 || ev[0].Ref != "https://example.org/2022.pdf" || !strings.Contains(ev[0].Title, "listing of 2022-10-05") {
		t.Errorf("evidence %+v", ev)
	}
	ids := map[string]ties.Entity{}
	for _, e := range g.Entities {
		ids[e.ID] = e
	}
	if len(ids) != 5 || len(g.Entities) != 5 {
		t.Errorf("entities %v", ids)
	}
	up := ids["1260h-parent:unlisted-parent-corp"]
	if up.Kind != ties.KindOrganization || len(up.Names) != 2 || up.Names[0].Text != "Unlisted Parent Corp." || up.Names[1].Text != "Unlisted Parent Corp" {
		t.Errorf("unlisted parent %+v", up)
	}
	if len(ParentGraph(nil).Ties) != 0 {
		t.Error("ties from nothing")
	}
}

// TestParentGraphReal: on the real 1260H table every parent the column
// names is itself listed, so all 140 ties end at list entities.
func TestParentGraphReal(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(testdata.Dir(t), "us-cn-lists", "dod-1260h.csv"))
	if err != nil {
		t.Fatal(err)
	}
	g := ParentGraph(parseAllAuto(t, string(b), "dod-1260h.csv"))
	unlisted := 0
	for _, tie := range g.Ties {
		if strings.Contains(tie.To, "-parent:") {
			unlisted++
		}
	}
	if len(g.Ties) != 140 || len(g.Entities) != 162 || unlisted != 0 {
		t.Errorf("%d ties (%d to unlisted parents), %d entities; want 140, 0, 162", len(g.Ties), unlisted, len(g.Entities))
	}
}
