package ties

import (
	"context"
	"iter"
)

// Graph is a set of graph entities and ties read from one source (a native
// file, a ROR dump, OpenAlex works, ...).
type Graph struct {
	Entities []Entity
	Ties     []Tie
}

// GraphStore keeps the ties graph. Each source (e.g. "examples/microsoft-cas.ties"
// or "ror") is replaced whole in one transaction, so a failed load leaves
// the previous content of that source in place.
type GraphStore interface {
	// PutGraph replaces everything previously stored under source with g.
	PutGraph(ctx context.Context, source string, g Graph) error
	GraphEntities(ctx context.Context) iter.Seq2[Entity, error]
	GraphEntity(ctx context.Context, id string) (Entity, bool, error)
	Ties(ctx context.Context) iter.Seq2[Tie, error]
	// PutLinks adds proposed links; a link already rejected (same GraphID
	// and TargetID) is never proposed again, and a confirmed one is kept.
	PutLinks(ctx context.Context, links []Link) error
	Links(ctx context.Context) ([]Link, error)
	SetLinkStatus(ctx context.Context, id int64, status, reason string) error
}

// Store is everything ties keeps.
type Store interface {
	ListStore
	GraphStore
}
