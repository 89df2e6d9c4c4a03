// Package exposure finds the paths from an organization to designated
// entities in the ties graph, evaluates designation rules (direct listing,
// inheritance along ownership, proposed scenarios) and checks policies. It
// is pure: it works on values it is given and does no I/O beyond the
// io.Reader handed to its parsers.
package exposure

import (
	"cmp"
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

	// Ties, sorted by from node.
	eFrom, eTo     []uint32
	eKind          []uint8
	eStart, eEnd   []uint32 // dateKey: yyyymmdd with 00 for unknown month/day
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
	distCache []distEntry // most recent first
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
// entities the first one wins. The entities slice is kept, not copied; ties
// may be dropped by the caller afterwards.
func NewGraph(entities []ties.Entity, tieList []ties.Tie) *Graph {
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
	node := func(id string) uint32 {
		if n, ok := g.index[id]; ok {
			return n
		}
		n := uint32(len(g.ids))
		g.index[id] = n
		g.ids = append(g.ids, id)
		g.entPos = append(g.entPos, -1)
		return n
	}
	kindCode := map[ties.TieKind]uint8{}
	for _, k := range ties.TieKinds {
		g.addKind(kindCode, k)
	}

	m := len(tieList)
	order := make([]uint32, m)
	from := make([]uint32, m)
	for i := range tieList {
		order[i] = uint32(i)
		from[i] = node(tieList[i].From)
	}
	slices.SortStableFunc(order, func(a, b uint32) int { return cmp.Compare(from[a], from[b]) })

	g.eFrom = make([]uint32, m)
	g.eTo = make([]uint32, m)
	g.eKind = make([]uint8, m)
	g.eStart = make([]uint32, m)
	g.eEnd = make([]uint32, m)
	g.eShare = make([]float32, m)
	g.eExtra = make([]uint32, m)
	for e, src := range order {
		t := &tieList[src]
		g.eFrom[e] = from[src]
		g.eTo[e] = node(t.To)
		g.eKind[e] = g.addKind(kindCode, t.Kind)
		g.eStart[e] = dateKey(t.Start)
		g.eEnd[e] = dateKey(t.End)
		g.eShare[e] = float32(t.Share)
		if t.ID != "" || t.Role != "" || t.Via != "" || t.Source != "" || len(t.Evidence) > 0 {
			g.extras = append(g.extras, tieExtra{t.ID, t.Role, t.Via, t.Source, t.Evidence})
			g.eExtra[e] = uint32(len(g.extras))
		}
	}
	from = nil

	n := len(g.ids)
	g.outOff = make([]uint32, n+1)
	g.inOff = make([]uint32, n+1)
	for e := 0; e < m; e++ {
		g.outOff[g.eFrom[e]+1]++
		g.inOff[g.eTo[e]+1]++
	}
	for i := 0; i < n; i++ {
		g.outOff[i+1] += g.outOff[i]
		g.inOff[i+1] += g.inOff[i]
	}
	// Reuse order as the in-index: a counting sort by target node.
	g.inTie = order
	fill := make([]uint32, n)
	copy(fill, g.inOff[:n])
	for e := 0; e < m; e++ {
		to := g.eTo[e]
		g.inTie[fill[to]] = uint32(e)
		fill[to]++
	}
	return g
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

func (g *Graph) name(n uint32) string {
	if p := g.entPos[n]; p >= 0 {
		if s := g.entities[p].PrimaryName(); s != "" {
			return s
		}
	}
	return g.ids[n]
}

func (g *Graph) kindOf(n uint32) ties.EntityKind {
	if p := g.entPos[n]; p >= 0 {
		return g.entities[p].Kind
	}
	return ""
}

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

// Date keys pack a ties.Date as yyyymmdd, keeping 00 for an unknown month
// or day so the precision survives; 0 is the unknown date.
func dateKey(d ties.Date) uint32 {
	if d.IsZero() || d.Year < 0 || d.Year > 9999 {
		return 0
	}
	return uint32(d.Year*10000 + d.Month*100 + d.Day)
}

func keyDate(k uint32) ties.Date {
	return ties.Date{Year: int(k / 10000), Month: int(k / 100 % 100), Day: int(k % 100)}
}

// firstDay is the key of the earliest day a date key may stand for.
func firstDay(k uint32) uint32 {
	if k == 0 {
		return 0
	}
	if k%10000 == 0 {
		return k + 101
	}
	if k%100 == 0 {
		return k + 1
	}
	return k
}

// lastDay is the key of the latest day a date key may stand for.
func lastDay(k uint32) uint32 {
	if k == 0 {
		return 0
	}
	if k%10000 == 0 {
		return k + 1231
	}
	if k%100 == 0 {
		return dateKey(keyDate(k).Last())
	}
	return k
}
