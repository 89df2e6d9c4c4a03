// Package exposure finds the paths from an organization to designated
// entities in the ties graph, evaluates designation rules (direct listing,
// inheritance along ownership, proposed scenarios) and checks policies. It
// is pure: it works on values it is given and does no I/O beyond the
// io.Reader handed to its parsers.
package exposure

import (
	"slices"
	"sync"

	"ties"
)

// Graph is an immutable, compact in-memory index of entities and dated
// ties. Entity ids are interned to uint32 node numbers; ties are stored as
// parallel arrays sorted by source node (so the outgoing adjacency is a
// CSR range) plus a second CSR index of tie numbers sorted by target node.
// Text a tie carries (id, role, via, evidence, source) lives in a side
// table only for the ties that have any, so a bare tie costs ~29 bytes.
// Queries may run concurrently.
type Graph struct {
	ids      []string
	index    map[string]uint32
	entities []ties.Entity // the caller's slice, not copied
	entPos   []int32       // node -> index in entities, -1 for ids seen only in ties
	// shown copies what paths show of each node, side by side, so building
	// a report does not chase each entity's Names slice (a cache miss each).
	shown []shownNode

	// Ties, sorted by from node.
	eFrom, eTo     []uint32
	eKind          []uint8
	eStart, eEnd   []uint32 // dateKey
	eShare         []float32
	eExtra         []uint32 // 0: none, else 1 + index into extras
	extras         []tieExtra
	outOff         []uint32 // node i's ties are [outOff[i], outOff[i+1])
	inOff          []uint32
	inTie          []uint32 // tie numbers sorted by to node
	kinds          []ties.TieKind
	kindStrength   []float32 // per kind code; 0: not walked by exposure queries
	hierarchyKinds []bool

	identOnce  sync.Once
	identIndex map[string]uint32

	mu        sync.Mutex
	distCache []*targetIndex // most recent first
	scratch   sync.Pool
}

type tieExtra struct {
	id, role, via, source string
	evidence              []ties.Evidence
}

// tieStrength ranks how strong a tie is for exposure: an institution that
// hosts, employs, teaches or funds someone is more exposed than one whose
// researcher co-wrote a paper. Kinds absent from the table (located_in) are
// not walked: sharing a country is not a tie between parties.
var tieStrength = map[ties.TieKind]float32{
	ties.TiePartOf:           1.0,
	ties.TieSubsidiaryOf:     1.0,
	ties.TieOwnedBy:          1.0,
	ties.TieHosted:           1.0,
	ties.TieEmployedBy:       1.0,
	ties.TieStudentAt:        1.0,
	ties.TieFunded:           1.0,
	ties.TieFundedBy:         1.0,
	ties.TieParticipantIn:    0.8,
	ties.TieUsesEquipment:    0.6,
	ties.TieContractsWith:    1.0,
	ties.TieSupportsContract: 1.0,
	ties.TieAffiliatedWith:   0.8,
	ties.TieMentored:         0.8,
	ties.TieVisited:          0.8,
	ties.TieAdvisorySeat:     0.8,
	ties.TieCommitteeMember:  0.8,
	ties.TieCoauthored:       0.6,
	ties.TieRelated:          0.3,
}

// unknownKindStrength applies to kinds outside the vocabulary.
const unknownKindStrength = 0.5

// NewGraph indexes entities and ties. A tie endpoint that names no entity
// becomes a bare node (its name is its id). When an id occurs twice in
// entities the first one wins. The entities slice is kept, not copied; the
// ties are copied into compact arrays, so the caller may drop them.
func NewGraph(entities []ties.Entity, tieList []ties.Tie) *Graph {
	b := NewBuilder(entities)
	b.Grow(len(tieList))
	for i := range tieList {
		b.Add(&tieList[i])
	}
	return b.Build()
}

// Builder builds a Graph from ties added one at a time, so a large graph
// never needs its ties as []ties.Tie (192 bytes each) in memory.
type Builder struct {
	g        *Graph
	kindCode map[ties.TieKind]uint8
	from, to []uint32
	kind     []uint8
	start    []uint32
	end      []uint32
	share    []float32
	extra    []uint32
}

// NewBuilder starts a graph of the given entities (kept, not copied).
func NewBuilder(entities []ties.Entity) *Builder {
	g := &Graph{
		index:    make(map[string]uint32, len(entities)),
		entities: entities,
		ids:      make([]string, 0, len(entities)),
		entPos:   make([]int32, 0, len(entities)),
	}
	for i := range entities {
		id := entities[i].ID
		if _, dup := g.index[id]; dup {
			continue
		}
		g.index[id] = uint32(len(g.ids))
		g.ids = append(g.ids, id)
		g.entPos = append(g.entPos, int32(i))
	}
	b := &Builder{g: g, kindCode: map[ties.TieKind]uint8{}}
	for _, k := range ties.TieKinds {
		g.addKind(b.kindCode, k)
	}
	return b
}

// Grow makes room for n more ties.
func (b *Builder) Grow(n int) {
	b.from = slices.Grow(b.from, n)
	b.to = slices.Grow(b.to, n)
	b.kind = slices.Grow(b.kind, n)
	b.start = slices.Grow(b.start, n)
	b.end = slices.Grow(b.end, n)
	b.share = slices.Grow(b.share, n)
	b.extra = slices.Grow(b.extra, n)
}

func (b *Builder) node(id string) uint32 {
	g := b.g
	if n, ok := g.index[id]; ok {
		return n
	}
	n := uint32(len(g.ids))
	g.index[id] = n
	g.ids = append(g.ids, id)
	g.entPos = append(g.entPos, -1)
	return n
}

// Add adds one tie.
func (b *Builder) Add(t *ties.Tie) {
	g := b.g
	b.from = append(b.from, b.node(t.From))
	b.to = append(b.to, b.node(t.To))
	b.kind = append(b.kind, g.addKind(b.kindCode, t.Kind))
	b.start = append(b.start, dateKey(t.Start))
	b.end = append(b.end, dateKey(t.End))
	b.share = append(b.share, float32(t.Share))
	var x uint32
	if t.ID != "" || t.Role != "" || t.Via != "" || t.Source != "" || len(t.Evidence) > 0 {
		g.extras = append(g.extras, tieExtra{t.ID, t.Role, t.Via, t.Source, t.Evidence})
		x = uint32(len(g.extras))
	}
	b.extra = append(b.extra, x)
}

// Build sorts the ties into the adjacency index. The Builder must not be
// used afterwards.
func (b *Builder) Build() *Graph {
	g := b.g
	n, m := len(g.ids), len(b.from)
	g.outOff = make([]uint32, n+1)
	g.inOff = make([]uint32, n+1)
	for e := 0; e < m; e++ {
		g.outOff[b.from[e]+1]++
		g.inOff[b.to[e]+1]++
	}
	for i := 0; i < n; i++ {
		g.outOff[i+1] += g.outOff[i]
		g.inOff[i+1] += g.inOff[i]
	}
	// Counting sort by source node; ties from one node keep their order.
	pos := make([]uint32, m)
	fill := make([]uint32, n)
	copy(fill, g.outOff[:n])
	for e := 0; e < m; e++ {
		f := b.from[e]
		pos[e] = fill[f]
		fill[f]++
	}
	g.eFrom = permute(b.from, pos)
	b.from = nil
	g.eTo = permute(b.to, pos)
	b.to = nil
	g.eKind = permute(b.kind, pos)
	b.kind = nil
	g.eStart = permute(b.start, pos)
	b.start = nil
	g.eEnd = permute(b.end, pos)
	b.end = nil
	g.eShare = permute(b.share, pos)
	b.share = nil
	g.eExtra = permute(b.extra, pos)
	b.extra = nil
	// The in-index: tie numbers by target node, reusing pos.
	g.inTie = pos
	copy(fill, g.inOff[:n])
	for e := 0; e < m; e++ {
		to := g.eTo[e]
		g.inTie[fill[to]] = uint32(e)
		fill[to]++
	}
	g.shown = make([]shownNode, n)
	for i := range n {
		g.shown[i].name = g.ids[i]
		if p := g.entPos[i]; p >= 0 {
			if s := g.entities[p].PrimaryName(); s != "" {
				g.shown[i].name = s
			}
			g.shown[i].kind = g.entities[p].Kind
		}
	}
	b.g = nil
	return g
}

// permute returns a copy of s with s[i] at index pos[i].
func permute[T any](s []T, pos []uint32) []T {
	out := make([]T, len(s))
	for i, v := range s {
		out[pos[i]] = v
	}
	return out
}

func (g *Graph) addKind(codes map[ties.TieKind]uint8, k ties.TieKind) uint8 {
	if c, ok := codes[k]; ok {
		return c
	}
	if len(g.kinds) == 255 {
		// More than 255 distinct kinds: fold the rest into "related".
		return codes[ties.TieRelated]
	}
	c := uint8(len(g.kinds))
	codes[k] = c
	g.kinds = append(g.kinds, k)
	s, ok := tieStrength[k]
	if !ok && k != ties.TieLocatedIn {
		s = unknownKindStrength
	}
	g.kindStrength = append(g.kindStrength, s)
	g.hierarchyKinds = append(g.hierarchyKinds, k.Hierarchical())
	return c
}

// Len returns the number of nodes and ties.
func (g *Graph) Len() (nodes, tieCount int) { return len(g.ids), len(g.eFrom) }

// Has reports whether id is an entity or tie endpoint of the graph.
func (g *Graph) Has(id string) bool { _, ok := g.index[id]; return ok }

// Entity returns the entity with the given id; ok is false when the id is
// unknown. For an id seen only as a tie endpoint it returns a bare entity.
func (g *Graph) Entity(id string) (ties.Entity, bool) {
	n, ok := g.index[id]
	if !ok {
		return ties.Entity{}, false
	}
	return g.entity(n), true
}

func (g *Graph) entity(n uint32) ties.Entity {
	if p := g.entPos[n]; p >= 0 {
		return g.entities[p]
	}
	return ties.Entity{ID: g.ids[n]}
}

// shownNode is a node's name (its id when it has none) and kind.
type shownNode struct {
	name string
	kind ties.EntityKind
}

func (g *Graph) name(n uint32) string { return g.shown[n].name }

func (g *Graph) kindOf(n uint32) ties.EntityKind { return g.shown[n].kind }

// tie rebuilds tie e as a ties.Tie.
func (g *Graph) tie(e uint32) ties.Tie {
	t := ties.Tie{
		From:  g.ids[g.eFrom[e]],
		To:    g.ids[g.eTo[e]],
		Kind:  g.kinds[g.eKind[e]],
		Share: float64(g.eShare[e]),
		Start: keyDate(g.eStart[e]),
		End:   keyDate(g.eEnd[e]),
	}
	if x := g.eExtra[e]; x != 0 {
		ex := &g.extras[x-1]
		t.ID, t.Role, t.Via, t.Source, t.Evidence = ex.id, ex.role, ex.via, ex.source, ex.evidence
	}
	return t
}

// lookup finds a node by id or, failing that, by an identifier written
// "scheme:value" (e.g. "ror:034t30j35"), so rules can name entities
// independently of the keys a particular input file uses.
func (g *Graph) lookup(ref string) (uint32, bool) {
	if n, ok := g.index[ref]; ok {
		return n, true
	}
	g.identOnce.Do(func() {
		g.identIndex = map[string]uint32{}
		for i := range g.entities {
			for _, id := range g.entities[i].Identifiers {
				key := id.Scheme + ":" + id.Value
				if _, dup := g.identIndex[key]; !dup {
					g.identIndex[key] = g.index[g.entities[i].ID]
				}
			}
		}
	})
	n, ok := g.identIndex[ref]
	return n, ok
}

// Date keys pack a ties.Date as (first day as yyyymmdd) << 2 | precision,
// so the first day is one shift away (ties are filtered by their start on
// every step of a search) and the precision survives; 0 is unknown.
func dateKey(d ties.Date) uint32 {
	if d.IsZero() || d.Year < 0 || d.Year > 9999 {
		return 0
	}
	return dayKey(d.First())<<2 | uint32(d.Precision())
}

func keyDate(k uint32) ties.Date {
	if k == 0 {
		return ties.Date{}
	}
	fd := k >> 2
	d := ties.Date{Year: int(fd / 10000), Month: int(fd / 100 % 100), Day: int(fd % 100)}
	switch ties.Precision(k & 3) {
	case ties.PrecisionYear:
		d.Month, d.Day = 0, 0
	case ties.PrecisionMonth:
		d.Day = 0
	}
	return d
}

// dayKey is yyyymmdd of a day-precision date (0 for the zero date).
func dayKey(d ties.Date) uint32 {
	if d.IsZero() {
		return 0
	}
	return uint32(d.Year*10000 + d.Month*100 + d.Day)
}

// firstDay is the yyyymmdd of the earliest day a date key may stand for.
func firstDay(k uint32) uint32 { return k >> 2 }

// lastDay is the yyyymmdd of the latest day a date key may stand for.
func lastDay(k uint32) uint32 {
	if k == 0 || ties.Precision(k&3) == ties.PrecisionDay {
		return k >> 2
	}
	return dayKey(keyDate(k).Last())
}

// startLimit is what walkable compares tie starts with: the last day of
// asOf, or 0 for no limit.
func startLimit(asOf ties.Date) uint32 { return dayKey(asOf.Last()) }

// tieBytes is the memory the tie arrays and adjacency index take.
func (g *Graph) tieBytes() int {
	m := len(g.eFrom)
	return m*(4+4+1+4+4+4+4+4) + (len(g.outOff)+len(g.inOff))*4
}
