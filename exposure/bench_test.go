package exposure

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"ties"
)

func TestSynthetic(t *testing.T) {
	entities, seq := Synthetic(10_000, 100_000, 1)
	if len(entities) != 10_000 {
		t.Errorf("%d entities", len(entities))
	}
	count, kinds := 0, map[ties.TieKind]int{}
	var first ties.Tie
	for tie := range seq {
		if count == 0 {
			first = tie
		}
		count++
		kinds[tie.Kind]++
	}
	if count != 100_000 {
		t.Errorf("%d ties, want 100000", count)
	}
	for tie := range seq {
		if tie.From != first.From || tie.To != first.To || tie.Kind != first.Kind {
			t.Errorf("second iteration differs: %+v vs %+v", tie, first)
		}
		break
	}
	for _, k := range []ties.TieKind{ties.TiePartOf, ties.TieOwnedBy, ties.TieEmployedBy, ties.TieCoauthored, ties.TieHosted} {
		if kinds[k] == 0 {
			t.Errorf("no %s ties", k)
		}
	}
	g := buildSynthetic(entities, seq)
	// Degrees are skewed: the busiest node has far more ties than average.
	maxDeg := 0
	for n := range g.ids {
		maxDeg = max(maxDeg, int(g.outOff[n+1]-g.outOff[n]+g.inOff[n+1]-g.inOff[n]))
	}
	if avg := 2 * 100_000 / len(g.ids); maxDeg < 50*avg {
		t.Errorf("max degree %d is not far above the average %d", maxDeg, avg)
	}
	des := SyntheticDesignated(10_000, 0.001, 2)
	if len(des) != 10 {
		t.Errorf("%d designated, want 10", len(des))
	}
	for _, org := range SyntheticOrgs(10_000, 20, 3) {
		rep := g.Exposure(Query{Org: org, AsOf: ties.MustDate("2025-06-01"), Designated: des})
		for _, f := range rep.Findings {
			for _, p := range f.Paths {
				if p[0].EntityID != org || p[len(p)-1].EntityID != f.Designated.EntityID || len(p) > 5 {
					t.Fatalf("bad path %s for %s", pathIDs(p), org)
				}
			}
		}
	}
}

func buildSynthetic(entities []ties.Entity, seq func(func(ties.Tie) bool)) *Graph {
	b := NewBuilder(entities)
	for t := range seq {
		b.Add(&t)
	}
	return b.Build()
}

// TestSearchMatchesBruteForce checks the pruned search against plain
// enumeration of all simple paths on small random graphs.
func TestSearchMatchesBruteForce(t *testing.T) {
	for seed := int64(1); seed <= 20; seed++ {
		entities, seq := Synthetic(300, 900, seed)
		g := buildSynthetic(entities, seq)
		des := SyntheticDesignated(300, 0.03, seed)
		for _, org := range SyntheticOrgs(300, 5, seed) {
			q := Query{Org: org, AsOf: ties.MustDate("2015-06-01"), Depth: 3, Designated: des, MaxPaths: 1 << 30}
			rep := g.Exposure(q)
			got := map[string]int{}
			for _, f := range rep.Findings {
				if f.Rule.Name == "direct" {
					got[f.Designated.EntityID] = len(f.Paths)
				}
			}
			want := bruteForce(g, q)
			if len(got) != len(want) {
				t.Fatalf("seed %d org %s: %d targets, brute force %d", seed, org, len(got), len(want))
			}
			for id, n := range want {
				if got[id] != n {
					t.Errorf("seed %d org %s target %s: %d paths, brute force %d", seed, org, id, got[id], n)
				}
			}
		}
	}
}

// bruteForce counts simple paths of at most q.Depth ties from q.Org to each
// directly designated node, ending at the first designated node and
// never walking down a hierarchy outside the org's own tree. Paths through
// the same nodes by the same kinds of tie count once (parallel ties from
// two sources are one path with both sources' evidence).
func bruteForce(g *Graph, q Query) map[string]int {
	designated := map[uint32]bool{}
	for _, d := range q.Designated {
		if n, ok := g.index[d.EntityID]; ok && d.Designation.InForce(q.AsOf) {
			designated[n] = true
		}
	}
	seen := map[string]map[string]bool{}
	org := g.index[q.Org]
	// own: the path is still inside the org's own tree, the only place it
	// may walk down a hierarchy (see descendsForeignHierarchy).
	var walk func(u uint32, onPath []uint32, own bool, sig string)
	walk = func(u uint32, onPath []uint32, own bool, sig string) {
		if designated[u] {
			if seen[g.ids[u]] == nil {
				seen[g.ids[u]] = map[string]bool{}
			}
			seen[g.ids[u]][sig] = true
			if u != org {
				return
			}
		}
		if len(onPath) > q.Depth {
			return
		}
		step := func(e, v uint32) {
			if !g.walkable(e, startLimit(q.AsOf)) || slices.Contains(onPath, v) || len(onPath) > q.Depth {
				return
			}
			down := g.hierarchyKinds[g.eKind[e]] && g.eFrom[e] != u
			if down && !own {
				return
			}
			walk(v, append(onPath, v), own && down, fmt.Sprintf("%s|%d:%d:%t", sig, v, g.eKind[e], g.eFrom[e] == u))
		}
		for e := g.outOff[u]; e < g.outOff[u+1]; e++ {
			step(e, g.eTo[e])
		}
		for _, e := range g.inTie[g.inOff[u]:g.inOff[u+1]] {
			step(e, g.eFrom[e])
		}
	}
	walk(org, []uint32{org}, true, "")
	counts := map[string]int{}
	for id, sigs := range seen {
		counts[id] = len(sigs)
	}
	return counts
}

var (
	benchOnce  sync.Once
	benchGraph *Graph
	benchHeap  uint64
	benchBuild time.Duration
)

func benchSize() (int, int) {
	n, m := 1_000_000, 10_000_000
	if v, err := strconv.Atoi(os.Getenv("EXPOSURE_BENCH_ENTITIES")); err == nil && v > 0 {
		n, m = v, 10*v
	}
	return n, m
}

// BenchmarkExposureDepth4 runs depth-4 queries from random organizations of
// a synthetic graph of 1,000,000 entities and 10,000,000 ties (set
// EXPOSURE_BENCH_ENTITIES for another size; ties are ten times that).
func BenchmarkExposureDepth4(b *testing.B) {
	if testing.Short() {
		b.Skip("builds a 10M-tie graph")
	}
	n, m := benchSize()
	benchOnce.Do(func() {
		var before runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		start := time.Now()
		entities, seq := Synthetic(n, m, 1)
		benchGraph = buildSynthetic(entities, seq)
		benchBuild = time.Since(start)
		var after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&after)
		benchHeap = after.HeapAlloc - before.HeapAlloc
	})
	g := benchGraph
	des := SyntheticDesignated(n, 0.001, 2)
	orgs := SyntheticOrgs(n, 2000, 3)
	asOf := ties.MustDate("2025-06-01")
	// The first query builds the distance index for the designated set.
	start := time.Now()
	g.Exposure(Query{Org: orgs[0], AsOf: asOf, Designated: des})
	indexTime := time.Since(start)
	var withIndex runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&withIndex)

	var durations, cpu, procCPU []time.Duration
	findings, paths := 0, 0
	i := 0
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.ResetTimer()
	for b.Loop() {
		q := Query{Org: orgs[i%len(orgs)], AsOf: asOf, Designated: des}
		i++
		t0, c0, p0 := time.Now(), threadCPU(), processCPU()
		rep := g.Exposure(q)
		durations = append(durations, time.Since(t0))
		cpu = append(cpu, threadCPU()-c0)
		procCPU = append(procCPU, processCPU()-p0)
		findings += len(rep.Findings)
		for _, f := range rep.Findings {
			paths += len(f.Paths)
		}
	}
	b.StopTimer()
	slices.Sort(durations)
	slices.Sort(cpu)
	slices.Sort(procCPU)
	pct := func(ds []time.Duration, p float64) float64 {
		return float64(ds[min(int(p*float64(len(ds))), len(ds)-1)]) / 1e6
	}
	nodes, tieCount := g.Len()
	b.ReportMetric(pct(durations, 0.50), "p50-ms")
	b.ReportMetric(pct(durations, 0.99), "p99-ms")
	b.ReportMetric(pct(cpu, 0.50), "p50-cpu-ms")
	b.ReportMetric(pct(cpu, 0.99), "p99-cpu-ms")
	// Queries use every processor for large reports: the process's CPU
	// time counts that work (and the garbage collector's) too.
	b.ReportMetric(pct(procCPU, 0.50), "p50-proc-cpu-ms")
	b.ReportMetric(pct(procCPU, 0.99), "p99-proc-cpu-ms")
	b.ReportMetric(float64(durations[len(durations)-1])/1e6, "max-ms")
	b.ReportMetric(float64(findings)/float64(len(durations)), "findings/query")
	b.ReportMetric(float64(paths)/float64(len(durations)), "paths/query")
	b.ReportMetric(float64(benchHeap)/(1<<20), "heap-MB")
	b.ReportMetric(float64(benchHeap)/float64(tieCount), "heap-bytes/tie")
	b.ReportMetric(float64(withIndex.HeapAlloc)/(1<<20), "heap-with-index-MB")
	b.ReportMetric(float64(g.tieBytes())/float64(tieCount), "tie-index-bytes/tie")
	b.ReportMetric(benchBuild.Seconds(), "build-s")
	b.ReportMetric(float64(indexTime)/1e6, "first-query-ms")
	b.Logf("%d nodes, %d ties, %d designated", nodes, tieCount, len(des))
}
