package exposure

import (
	"hash/fnv"
	"slices"
)

// targetIndex is what the search needs to know about one set of
// designated nodes: a lower bound on every node's hops to the nearest of
// them, and each node's walkable ties ordered by that distance of the
// neighbour they lead to (nearest first), keeping only ties that can lie
// on a path of at most depth hops. Building it costs a pass over the
// graph; it is cached per target set, so queries against the same lists
// share it.
type targetIndex struct {
	key   uint64
	dn    []uint8   // hops to the nearest target, ignoring dates; depth+1: farther
	heads []adjHead // node u's entries are adj[2*heads[u].off:2*heads[u+1].off]
	adj   []uint32  // pairs (neighbour, tie number | down), so a scan reads one array
	// downBit is set in a tie number of adj when walking the tie from the
	// node whose entry it is goes down a hierarchy (see walksDown); 0 when
	// tie numbers need every bit.
	downBit uint32
}

// adjHead is where a node's entries start in targetIndex.adj, and the
// first day of the latest-starting tie among them: when a query's date is
// on or after it, none of them needs its start checked (the check would
// read the tie's start, a cache miss for each).
type adjHead struct {
	off, lastStart uint32
}

const targetIndexCacheSize = 2

func targetKey(targets []uint32, depth int) uint64 {
	sorted := slices.Clone(targets)
	slices.Sort(sorted)
	h := fnv.New64a()
	var buf [4]byte
	for _, n := range sorted {
		buf[0], buf[1], buf[2], buf[3] = byte(n), byte(n>>8), byte(n>>16), byte(n>>24)
		h.Write(buf[:])
	}
	buf[0] = byte(depth)
	h.Write(buf[:1])
	return h.Sum64()
}

func (g *Graph) targetIndex(targets []uint32, depth int) *targetIndex {
	key := targetKey(targets, depth)
	g.mu.Lock()
	for i, c := range g.distCache {
		if c.key == key {
			copy(g.distCache[1:i+1], g.distCache[:i])
			g.distCache[0] = c
			g.mu.Unlock()
			return c
		}
	}
	g.mu.Unlock()
	ix := g.buildTargetIndex(targets, depth)
	ix.key = key
	g.mu.Lock()
	g.distCache = append([]*targetIndex{ix}, g.distCache...)
	if len(g.distCache) > targetIndexCacheSize {
		g.distCache = g.distCache[:targetIndexCacheSize]
	}
	g.mu.Unlock()
	return ix
}

func (g *Graph) buildTargetIndex(targets []uint32, depth int) *targetIndex {
	n := len(g.ids)
	far := uint8(depth + 1)
	dn := make([]uint8, n)
	for i := range dn {
		dn[i] = far
	}
	frontier := make([]uint32, 0, len(targets))
	for _, t := range targets {
		if dn[t] != 0 {
			dn[t] = 0
			frontier = append(frontier, t)
		}
	}
	// Multi-source breadth-first search over every walkable tie, both ways.
	for d := uint8(1); d <= uint8(depth) && len(frontier) > 0; d++ {
		var next []uint32
		for _, u := range frontier {
			for e := g.outOff[u]; e < g.outOff[u+1]; e++ {
				if v := g.eTo[e]; dn[v] == far && g.kindStrength[g.eKind[e]] > 0 {
					dn[v] = d
					next = append(next, v)
				}
			}
			for _, e := range g.inTie[g.inOff[u]:g.inOff[u+1]] {
				if v := g.eFrom[e]; dn[v] == far && g.kindStrength[g.eKind[e]] > 0 {
					dn[v] = d
					next = append(next, v)
				}
			}
		}
		frontier = next
	}

	// A tie u-v is useful from u when u can be entered (dn[u] <= depth) and
	// v can still lead to a target (dn[v] < depth).
	useful := func(u, e uint32) bool {
		v := g.eFrom[e] ^ g.eTo[e] ^ u
		return g.kindStrength[g.eKind[e]] > 0 && dn[v] < far-1 && v != u
	}
	ix := &targetIndex{dn: dn, heads: make([]adjHead, n+1)}
	if len(g.eFrom) < 1<<31 {
		ix.downBit = 1 << 31
	}
	tieWord := func(e, u uint32) uint32 {
		if g.walksDown(e, u) {
			return e | ix.downBit
		}
		return e
	}
	total := 0
	for u := range uint32(n) {
		if dn[u] < far {
			for e := g.outOff[u]; e < g.outOff[u+1]; e++ {
				if useful(u, e) {
					total++
				}
			}
			for _, e := range g.inTie[g.inOff[u]:g.inOff[u+1]] {
				if useful(u, e) {
					total++
				}
			}
		}
		ix.heads[u+1].off = uint32(total)
	}
	ix.adj = make([]uint32, 0, 2*total)
	for u := range uint32(n) {
		if dn[u] >= far {
			continue
		}
		for e := g.outOff[u]; e < g.outOff[u+1]; e++ {
			if useful(u, e) {
				ix.heads[u].lastStart = max(ix.heads[u].lastStart, firstDay(g.eStart[e]))
			}
		}
		for _, e := range g.inTie[g.inOff[u]:g.inOff[u+1]] {
			if useful(u, e) {
				ix.heads[u].lastStart = max(ix.heads[u].lastStart, firstDay(g.eStart[e]))
			}
		}
		// A counting sort of u's useful ties by the neighbour's distance.
		for level := uint8(0); level < far-1; level++ {
			for e := g.outOff[u]; e < g.outOff[u+1]; e++ {
				if v := g.eTo[e]; useful(u, e) && dn[v] == level {
					ix.adj = append(ix.adj, v, tieWord(e, u))
				}
			}
			for _, e := range g.inTie[g.inOff[u]:g.inOff[u+1]] {
				if v := g.eFrom[e]; useful(u, e) && dn[v] == level {
					ix.adj = append(ix.adj, v, tieWord(e, u))
				}
			}
		}
	}
	return ix
}
