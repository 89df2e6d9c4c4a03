package exposure

import (
	"reflect"
	"runtime"
	"slices"
	"sync"
	"testing"

	"ties"
)

// TestParallelPathsMatchSequential checks that looking for the targets'
// paths on several goroutines gives exactly what one goroutine finds,
// including when the shared query budget runs out (small budgets here).
func TestParallelPathsMatchSequential(t *testing.T) {
	const n = 20_000
	entities, seq := Synthetic(n, 10*n, 4)
	g := buildSynthetic(entities, seq)
	des := SyntheticDesignated(n, 0.005, 5)
	asOf := ties.MustDate("2025-06-01")
	enacted, _, _ := g.resolve(DefaultRules(), des, asOf, func(string) bool { return false })
	var targets []uint32
	seen := map[uint32]bool{}
	for _, d := range enacted {
		if !seen[d.node] {
			seen[d.node] = true
			targets = append(targets, d.node)
		}
	}
	const depth = 4
	ix := g.targetIndex(targets, depth)
	lim := startLimit(asOf)
	parallelQueries, budgetRanOut := 0, 0
	for _, org := range SyntheticOrgs(n, 40, 6) {
		s := g.getScratch()
		reached := g.search(s, g.index[org], ix, depth, lim, 20)
		pf := pathFinder{g: g, s: s, org: g.index[org], dn: ix.dn, depth: depth, lim: lim, maxPaths: 20,
			pathBudget: 300, queryBudget: 3000}
		pf.procs = 1
		want := make([]targetPaths, len(reached))
		pf.all(reached, want, nil)
		for i := range want { // the next call reuses the arenas
			for j, p := range want[i].paths {
				want[i].paths[j] = path{nodes: slices.Clone(p.nodes), ties: slices.Clone(p.ties)}
			}
		}
		pf.procs = 4
		got := make([]targetPaths, len(reached))
		pf.all(reached, got, nil)
		for i := range got {
			if !sameTargetPaths(got[i], want[i]) {
				t.Fatalf("org %s target %s: parallel %d paths (truncated %v, work %d), sequential %d (%v, %d)",
					org, g.ids[want[i].t], len(got[i].paths), got[i].truncated, got[i].work, len(want[i].paths), want[i].truncated, want[i].work)
			}
		}
		// allThen hands each target over as soon as it is final.
		handed := make([]targetPaths, len(reached))
		var mu sync.Mutex
		pf.allThen(reached, func(out []targetPaths, i int) {
			mu.Lock()
			handed[i] = out[i]
			mu.Unlock()
		})
		g.putScratch(s)
		if len(reached) >= minParallelTargets {
			parallelQueries++
		}
		used := 0
		for i := range want {
			used += want[i].work
			if !sameTargetPaths(handed[i], want[i]) {
				t.Fatalf("org %s target %s: allThen %d paths (truncated %v, work %d), sequential %d (%v, %d)",
					org, g.ids[want[i].t], len(handed[i].paths), handed[i].truncated, handed[i].work, len(want[i].paths), want[i].truncated, want[i].work)
			}
		}
		if used > pf.queryBudget {
			budgetRanOut++
		}
	}
	if parallelQueries == 0 || budgetRanOut == 0 {
		t.Fatalf("%d queries large enough to go parallel, %d ran out of budget: the test exercises nothing", parallelQueries, budgetRanOut)
	}
}

func sameTargetPaths(a, b targetPaths) bool {
	return a.t == b.t && a.truncated == b.truncated && a.work == b.work && samePaths(a.paths, b.paths)
}

func samePaths(a, b []path) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !reflect.DeepEqual(a[i].nodes, b[i].nodes) || !reflect.DeepEqual(a[i].ties, b[i].ties) {
			return false
		}
	}
	return true
}

// TestExposureSameOnOneProcessor compares whole reports computed on one
// processor and on several: the concurrent path search and report
// building must not change a byte.
func TestExposureSameOnOneProcessor(t *testing.T) {
	const n = 30_000
	entities, seq := Synthetic(n, 10*n, 7)
	g := buildSynthetic(entities, seq)
	des := SyntheticDesignated(n, 0.003, 8)
	asOf := ties.MustDate("2025-06-01")
	orgs := SyntheticOrgs(n, 15, 9)
	run := func(procs int) []Report {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		var out []Report
		for _, org := range orgs {
			out = append(out, g.Exposure(Query{Org: org, AsOf: asOf, Designated: des}))
		}
		return out
	}
	one, many := run(1), run(4)
	large := 0
	for i := range one {
		if len(one[i].Findings) >= minParallelTargets {
			large++
		}
		if !reflect.DeepEqual(one[i], many[i]) {
			t.Errorf("org %s: reports differ on 1 and 4 processors (%d and %d findings)", orgs[i], len(one[i].Findings), len(many[i].Findings))
		}
	}
	if large == 0 {
		t.Fatal("no report large enough to be built concurrently")
	}
}
