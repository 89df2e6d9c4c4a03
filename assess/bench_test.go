package assess

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"ties"
	"ties/exposure"
)

// department builds a synthetic research graph: researchers people of a
// department, each on works/researchers works with coauthors-1 external
// co-authors drawn from a pool (each employed by one of orgs
// organizations, one in fifty listed on the Entity List and the 1286
// list, every tenth one a lab part of another), dated 2015-2026.
func department(researchers, works, coauthors, pool, orgs int) ([]ties.Entity, *exposure.Graph, []exposure.Designated) {
	ents := make([]ties.Entity, 0, researchers+pool+orgs+works)
	for i := range orgs {
		ents = append(ents, ties.Entity{ID: fmt.Sprintf("o%d", i), Kind: ties.KindOrganization})
	}
	for i := range researchers {
		ents = append(ents, ties.Entity{ID: fmt.Sprintf("r%d", i), Kind: ties.KindPerson})
	}
	for i := range pool {
		ents = append(ents, ties.Entity{ID: fmt.Sprintf("x%d", i), Kind: ties.KindPerson})
	}
	for i := range works {
		ents = append(ents, ties.Entity{ID: fmt.Sprintf("w%d", i), Kind: ties.KindPublication})
	}
	b := exposure.NewBuilder(ents)
	b.Grow(works*coauthors + pool + orgs + researchers)
	var des []exposure.Designated
	for i := range orgs {
		if i%10 == 9 {
			b.Add(&ties.Tie{From: fmt.Sprintf("o%d", i), To: fmt.Sprintf("o%d", i-1), Kind: ties.TiePartOf})
		}
		if i%50 == 0 {
			id := fmt.Sprintf("o%d", i)
			des = append(des,
				exposure.Designated{EntityID: id, Designation: ties.Designation{ListID: "EL", Start: ties.MustDate("2020-06-01")}},
				exposure.Designated{EntityID: id, Designation: ties.Designation{ListID: "1286", Start: ties.MustDate("2022")}})
		}
	}
	for i := range researchers {
		b.Add(&ties.Tie{From: fmt.Sprintf("r%d", i), To: "o1", Kind: ties.TieEmployedBy, Start: ties.Date{Year: 2010 + i%10}})
	}
	for i := range pool {
		b.Add(&ties.Tie{From: fmt.Sprintf("x%d", i), To: fmt.Sprintf("o%d", mix(uint64(i))%uint64(orgs)), Kind: ties.TieEmployedBy, Start: ties.Date{Year: 2012}})
	}
	for w := range works {
		day := ties.Date{Year: 2015 + w%12, Month: 1 + w%12}
		wid := fmt.Sprintf("w%d", w)
		b.Add(&ties.Tie{From: fmt.Sprintf("r%d", w%researchers), To: wid, Kind: ties.TieCoauthored, Start: day, End: day})
		for c := 1; c < coauthors; c++ {
			b.Add(&ties.Tie{From: fmt.Sprintf("x%d", mix(uint64(w*coauthors+c))%uint64(pool)), To: wid, Kind: ties.TieCoauthored, Start: day, End: day})
		}
	}
	return ents, b.Build(), des
}

// BenchmarkDepartment assesses a department of 1,000 researchers with
// 200,000 works and 1,000,000 authorships under the DoD matrix (docs/benchmarks.md):
//
//	go test ./assess -run XXX -bench Department -benchtime 1x
func BenchmarkDepartment(b *testing.B) {
	start := time.Now()
	_, g, des := department(1000, 200_000, 5, 20_000, 2_000)
	built := time.Since(start)
	m, err := Builtin(DefaultMatrix)
	if err != nil {
		b.Fatal(err)
	}
	in := Input{Graph: g, Designated: des, Matrix: m, AsOf: ties.MustDate("2026-11-01")}
	b.ResetTimer()
	for range b.N {
		ev := newEvaluator(in)
		outcomes := map[Outcome]int{}
		for i := range 1000 {
			outcomes[ev.person(fmt.Sprintf("r%d", i)).Outcome]++
		}
		if outcomes[RequiredMitigation] == 0 {
			b.Fatalf("no researcher needs mitigation: %v", outcomes)
		}
		b.ReportMetric(float64(outcomes[RequiredMitigation]), "required")
	}
	b.StopTimer()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(built.Seconds(), "build-s")
	b.ReportMetric(float64(ms.Sys)/(1<<20), "sys-MiB")
}

// TestDepartmentSmall runs the benchmark's graph at a small size, so the
// generator and the evaluation on it are tested.
func TestDepartmentSmall(t *testing.T) {
	_, g, des := department(20, 400, 5, 200, 100)
	m, _ := Builtin(DefaultMatrix)
	in := Input{Graph: g, Designated: des, Matrix: m, AsOf: ties.MustDate("2026-11-01")}
	fired := 0
	for i := range 20 {
		a := Person(in, fmt.Sprintf("r%d", i))
		if r, ok := factorResult(a, "coauthor-restricted"); ok && r.Fired {
			fired++
			for _, h := range r.Hits {
				if y := h.Work.Year; y < 2021 {
					t.Errorf("r%d: a %d work counts in a five-year window from 2026-11-01", i, y)
				}
			}
		}
	}
	if fired == 0 {
		t.Error("no researcher of the synthetic department co-wrote with a listed organization")
	}
}

// mix is splitmix64's finalizer: a fixed, well-spread choice.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}
