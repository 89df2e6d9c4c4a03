package assess

import (
	"bytes"
	"strings"
	"testing"

	"ties"
	"ties/exposure"
)

// FuzzParseMatrix: any input is refused with an error or gives a matrix
// whose every factor is complete.
func FuzzParseMatrix(f *testing.F) {
	for _, id := range BuiltinIDs() {
		data, _ := builtin.ReadFile("matrices/" + id + ".yaml")
		f.Add(data)
	}
	f.Add([]byte(strings.NewReplacer("WINDOW", "5y", "AFTER", "2020").Replace(testMatrix)))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseMatrix(bytes.NewReader(data), "fuzz.yaml")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.yaml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for _, fa := range m.Factors {
			if fa.ID == "" || fa.Citation == "" || fa.Effective.IsZero() || fa.Outcome <= NoAction || fa.Outcome > Ineligible || len(fa.Lists) == 0 || fa.MinCount < 1 {
				t.Fatalf("incomplete factor accepted: %+v", fa)
			}
		}
	})
}

var fuzzKinds = []ties.TieKind{ties.TieEmployedBy, ties.TieAffiliatedWith, ties.TieStudentAt, ties.TieCoauthored,
	ties.TieMentored, ties.TieHosted, ties.TieVisited, ties.TieParticipantIn, ties.TieFundedBy, ties.TieFunded,
	ties.TieUsesEquipment, ties.TiePartOf}

// FuzzEvaluate builds a graph from the fuzzer's bytes (ties between a few
// people, organizations, works and a program, with dates) and checks what
// every assessment must hold: the outcome is the most severe fired
// factor's, the factors deciding it fired with it, every hit's path starts
// at the person and ends at an entity designated on one of the factor's
// lists, and a factor fires exactly when its count reaches min_count.
func FuzzEvaluate(f *testing.F) {
	f.Add([]byte{0, 3, 8, 23, 1, 8, 3, 8, 23, 1, 9, 0, 12, 2, 4, 1}, uint16(2026), uint8(11))
	f.Add([]byte{1, 7, 9, 22, 0, 2, 11, 9, 20, 5, 4, 6, 12, 4, 1, 2}, uint16(2024), uint8(2))
	ids := []string{"p0", "p1", "p2", "o0", "o1", "o2", "w0", "w1", "prog", "o3"}
	ents := []ties.Entity{
		person("p0", "P0"), person("p1", "P1"), person("p2", "P2"),
		org("o0", "O0"), org("o1", "O1"), org("o2", "O2"), org("o3", "O3"),
		{ID: "w0", Kind: ties.KindPublication}, {ID: "w1", Kind: ties.KindPublication},
		{ID: "prog", Kind: ties.KindProgram},
	}
	des := []exposure.Designated{
		{EntityID: "o0", Designation: ties.Designation{ListID: "EL", Start: ties.MustDate("2022-12-16")}},
		{EntityID: "o1", Designation: ties.Designation{ListID: "1286", Start: ties.MustDate("2023")}},
		{EntityID: "prog", Designation: ties.Designation{ListID: "1286", Start: ties.MustDate("2019")}},
		{EntityID: "o3", Designation: ties.Designation{ListID: "SDN", Start: ties.MustDate("2020-05"), End: ties.MustDate("2025-01-01")}},
	}
	matrices := []*Matrix{}
	for _, id := range BuiltinIDs() {
		m, err := Builtin(id)
		if err != nil {
			f.Fatal(err)
		}
		matrices = append(matrices, m)
	}
	f.Fuzz(func(t *testing.T, data []byte, year uint16, month uint8) {
		var ts []ties.Tie
		for i := 0; i+4 < len(data) && len(ts) < 64; i += 5 {
			from, to := ids[int(data[i])%len(ids)], ids[int(data[i+1])%len(ids)]
			if from == to {
				continue
			}
			t := ties.Tie{From: from, To: to, Kind: fuzzKinds[int(data[i+2])%len(fuzzKinds)]}
			if y := int(data[i+3]) % 30; y > 0 {
				t.Start = ties.Date{Year: 2000 + y}
				if d := int(data[i+4]) % 8; d > 0 {
					t.End = ties.Date{Year: 2000 + y + d - 1, Month: 1 + int(data[i+4])%12}
				}
			}
			ts = append(ts, t)
		}
		asOf := ties.Date{Year: 2000 + int(year)%40, Month: 1 + int(month)%12}
		for _, m := range matrices {
			in := Input{Graph: exposure.NewGraph(ents, ts), Designated: des, Matrix: m, AsOf: asOf}
			for _, p := range []string{"p0", "p1", "p2"} {
				a := Person(in, p)
				want := NoAction
				for _, r := range a.Factors {
					if r.Fired != (r.Count >= r.MinCount) {
						t.Fatalf("%s %s: fired %v with count %d of %d", p, r.ID, r.Fired, r.Count, r.MinCount)
					}
					if r.Fired {
						want = max(want, r.Outcome)
					} else if r.Outcome != NoAction {
						t.Fatalf("%s: unfired factor %s has outcome %s", p, r.ID, r.Outcome)
					}
					if r.Count > 0 && len(r.Hits) == 0 {
						t.Fatalf("%s %s: count %d without hits", p, r.ID, r.Count)
					}
					for _, h := range r.Hits {
						if len(h.Path) < 2 || h.Path[0].EntityID != p || h.Path[len(h.Path)-1].EntityID != h.Listed.EntityID {
							t.Fatalf("%s %s: bad path %+v to %s", p, r.ID, h.Path, h.Listed.EntityID)
						}
						ok := false
						for _, d := range des {
							if d.EntityID == h.Listed.EntityID && d.Designation.InForce(asOf) && onLists(r.Lists, &d) {
								ok = true
							}
						}
						if !ok {
							t.Fatalf("%s %s: hit on %s which is not designated on %v on %s", p, r.ID, h.Listed.EntityID, r.Lists, asOf)
						}
					}
				}
				if a.Outcome != want {
					t.Fatalf("%s: outcome %s, most severe fired %s", p, a.Outcome, want)
				}
				for _, id := range a.DecidedBy {
					r, _ := factorResult(a, id)
					if !r.Fired || r.Outcome != a.Outcome {
						t.Fatalf("%s: decided by %s which has %s (fired %v)", p, id, r.Outcome, r.Fired)
					}
				}
			}
		}
	})
}
