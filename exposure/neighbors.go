package exposure

import "ties"

// TiesFrom returns the ties that start at id, as stored (nil when id is
// not in the graph). Assessments read a person's record through it.
func (g *Graph) TiesFrom(id string) []ties.Tie {
	n, ok := g.index[id]
	if !ok {
		return nil
	}
	var out []ties.Tie
	for e := g.outOff[n]; e < g.outOff[n+1]; e++ {
		out = append(out, g.tie(e))
	}
	return out
}

// TiesTo returns the ties that end at id (nil when id is not in the graph).
func (g *Graph) TiesTo(id string) []ties.Tie {
	n, ok := g.index[id]
	if !ok {
		return nil
	}
	var out []ties.Tie
	for i := g.inOff[n]; i < g.inOff[n+1]; i++ {
		out = append(out, g.tie(g.inTie[i]))
	}
	return out
}
