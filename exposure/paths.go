package exposure

import (
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// pathFinder finds the paths from org to each designated node a search
// reached. It only reads the search's scratch, so targets can be worked on
// concurrently, each by a pathWalker of its own.
type pathFinder struct {
	g        *Graph
	s        *scratch
	org      uint32
	dn       []uint8
	depth    int
	lim      uint32
	maxPaths int
	// Budgets, pathWorkLimit and queryWorkLimit but for tests.
	pathBudget, queryBudget int
	procs                   int // goroutines to use; 0: GOMAXPROCS
}

// targetPaths is what paths found for one target.
type targetPaths struct {
	t         uint32
	paths     []path
	truncated bool
	work      int // ties the longer-path walk examined
}

// minParallelTargets is the report size from which paths are looked for
// on all processors; below it the goroutines cost more than they save.
const minParallelTargets = 32

// all finds the paths to every target into out (as long as targets), in
// order, and calls done(i), if not nil, as soon as out[i] is final. The shortest paths of each target
// are looked for on all processors. The longer-path walks share one work
// budget per query (queryWorkLimit), consumed in target order, so a
// target's walk depends on how much the ones before it used: they run one
// after another (once the budget is spent each costs next to nothing).
func (pf *pathFinder) all(targets []uint32, out []targetPaths, done func(i int)) {
	walkers := pf.walkers(pf.procCount())
	parallelWorkers(len(targets), walkers, func(w *pathWalker, i int) {
		out[i] = w.shortestPaths(targets[i])
	})
	w := walkers[0]
	used := 0
	for i := range out {
		if tp := &out[i]; tp.t != pf.org {
			tp.paths, tp.truncated, tp.work = w.longer(tp.t, tp.paths, min(used+pf.pathBudget, pf.queryBudget)-used)
			used += tp.work
		}
		if done != nil {
			done(i)
		}
	}
}

func (pf *pathFinder) procCount() int {
	if pf.procs == 0 {
		return runtime.GOMAXPROCS(0)
	}
	return pf.procs
}

// allThen calls then(out, i) for every target once its paths are final.
// On several processors, other goroutines call then while the longer-path
// walks, which run in order, go on; the caller's joins them at the end.
func (pf *pathFinder) allThen(targets []uint32, then func(out []targetPaths, i int)) {
	out := make([]targetPaths, len(targets))
	procs := pf.procCount()
	if len(targets) < minParallelTargets || procs == 1 {
		pf.all(targets, out, nil)
		for i := range out {
			then(out, i)
		}
		return
	}
	ready := make(chan int, len(targets))
	var wg sync.WaitGroup
	for range procs - 1 {
		wg.Go(func() {
			for i := range ready {
				then(out, i)
			}
		})
	}
	pf.all(targets, out, func(i int) { ready <- i })
	close(ready)
	for i := range ready {
		then(out, i)
	}
	wg.Wait()
}

// walkers returns n walkers, reusing the scratch's and their arenas: the
// paths of the previous call to all on the same scratch are overwritten.
func (pf *pathFinder) walkers(n int) []*pathWalker {
	s := pf.s
	for len(s.walkers) < n {
		s.walkers = append(s.walkers, &pathWalker{})
	}
	for _, w := range s.walkers[:n] {
		w.pathFinder = pf
		w.arena = w.arena[:0]
	}
	return s.walkers[:n]
}

// pathWalker is one goroutine's working memory for paths.
type pathWalker struct {
	*pathFinder
	nodes    []uint32 // the path being built, from the target back
	tieStack []uint32 // ties[i] joins nodes[i] and nodes[i+1]
	// Paths live in arena, which only grows, so those already handed out
	// stay valid.
	arena []uint32
	out   []path
	// The longer-path walk's state.
	work, workLimit int
	truncated       bool
}

// shortestPaths returns up to maxPaths simple paths from org to t of the
// shortest length, from the parents search recorded; longer adds the
// longer ones. No path passes through another designated node.
func (w *pathWalker) shortestPaths(t uint32) targetPaths {
	if t == w.org {
		return targetPaths{t: t, paths: []path{{nodes: []uint32{t}}}}
	}
	w.nodes = append(w.nodes[:0], t)
	w.tieStack = w.tieStack[:0]
	w.out = nil
	w.back(t, false)
	return targetPaths{t: t, paths: w.out}
}

// record keeps the path on the stacks; checked says it is already known
// not to descend a foreign hierarchy.
func (w *pathWalker) record(checked bool) {
	start := len(w.arena)
	for i := len(w.nodes) - 1; i >= 0; i-- {
		w.arena = append(w.arena, w.nodes[i])
	}
	mid := len(w.arena)
	for i := len(w.tieStack) - 1; i >= 0; i-- {
		w.arena = append(w.arena, w.tieStack[i])
	}
	p := path{nodes: w.arena[start:mid:mid], ties: w.arena[mid:len(w.arena):len(w.arena)]}
	if !checked && w.g.descendsForeignHierarchy(p) {
		w.arena = w.arena[:start]
		return
	}
	w.out = append(w.out, p)
}

// back enumerates the shortest paths: every recorded parent is one layer
// nearer org. It goes backwards, so it drops a branch as soon as a tie
// walked up (or across) comes before one walked down that is already on
// the stack (downAfter): descendsForeignHierarchy would reject every path
// through it, and a hub's parents would otherwise multiply into
// thousands of them.
func (w *pathWalker) back(v uint32, downAfter bool) bool {
	if v == w.org {
		w.record(true)
		return len(w.out) < w.maxPaths
	}
	s := w.s
	for i := s.parHead[v]; i >= 0; i = s.parents[i].next {
		p := &s.parents[i]
		if !p.down && downAfter {
			continue
		}
		w.nodes = append(w.nodes, p.node)
		w.tieStack = append(w.tieStack, p.edge)
		ok := w.back(p.node, downAfter || p.down)
		w.nodes = w.nodes[:len(w.nodes)-1]
		w.tieStack = w.tieStack[:len(w.tieStack)-1]
		if !ok {
			return false
		}
	}
	return true
}

// longer adds the paths longer than the shortest to paths, up to
// maxPaths in all, by iterative deepening: a depth-first walk back from t
// that uses the distances from org as an exact bound, examining at most
// workLimit ties; work is how many it examined (one more than workLimit
// when it ran out, then truncated).
func (w *pathWalker) longer(t uint32, paths []path, workLimit int) (_ []path, truncated bool, work int) {
	w.out = paths
	w.work, w.workLimit, w.truncated = 0, workLimit, false
	for length := int(w.s.dist[t]) + 1; length <= w.depth && len(w.out) < w.maxPaths && !w.truncated; length++ {
		w.nodes = append(w.nodes[:0], t)
		w.tieStack = w.tieStack[:0]
		w.walk(t, t, length)
	}
	return w.out, w.truncated, w.work
}

func (w *pathWalker) walk(t, u uint32, length int) bool {
	steps := len(w.tieStack)
	if u == w.org {
		if steps == length {
			w.record(false)
		}
		return len(w.out) < w.maxPaths
	}
	if u != t && w.dn[u] == 0 {
		return true // another designated node: paths end there
	}
	g := w.g
	left := length - steps - 1
	for e := g.outOff[u]; e < g.outOff[u+1]; e++ {
		if !w.try(t, e, g.eTo[e], left, length) {
			return false
		}
	}
	for _, e := range g.inTie[g.inOff[u]:g.inOff[u+1]] {
		if !w.try(t, e, g.eFrom[e], left, length) {
			return false
		}
	}
	return true
}

func (w *pathWalker) try(t, e, v uint32, left, length int) bool {
	w.work++
	if w.work > w.workLimit {
		w.truncated = true
		return false
	}
	if d := w.s.dist[v]; d == unreached || int(d) > left || !w.g.walkable(e, w.lim) || slices.Contains(w.nodes, v) {
		return true
	}
	w.nodes = append(w.nodes, v)
	w.tieStack = append(w.tieStack, e)
	ok := w.walk(t, v, length)
	w.nodes = w.nodes[:len(w.nodes)-1]
	w.tieStack = w.tieStack[:len(w.tieStack)-1]
	return ok
}

// parallelWorkers calls do(worker, i) for i in [0, n), on one goroutine
// per worker. The calling goroutine works too.
func parallelWorkers[W any](n int, workers []W, do func(W, int)) {
	if n < minParallelTargets || len(workers) == 1 {
		for i := range n {
			do(workers[0], i)
		}
		return
	}
	var next atomic.Int64
	run := func(w W) {
		for {
			i := int(next.Add(1) - 1)
			if i >= n {
				return
			}
			do(w, i)
		}
	}
	var wg sync.WaitGroup
	for _, w := range workers[1:min(len(workers), n)] {
		wg.Go(func() { run(w) })
	}
	run(workers[0])
	wg.Wait()
}
