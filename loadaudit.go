package ties

import (
	"context"
	"encoding/json"
	"fmt"
)

// LoadAudit asks a store to write the audit record of a load in the same
// transaction as the load itself: the list version (or graph source) and
// its record commit together or not at all, so a crash just after the
// commit cannot leave a load in force that the trail does not show.
// A load's context carries it (WithLoadAudit); LoadVersion and PutGraph of
// the sqlite and postgres stores honour it.
type LoadAudit struct {
	Actor string // who loaded, as in AuditRecord.Actor
}

type loadAuditKey struct{}

// WithLoadAudit returns ctx carrying a.
func WithLoadAudit(ctx context.Context, a LoadAudit) context.Context {
	return context.WithValue(ctx, loadAuditKey{}, a)
}

// LoadAuditFrom is the LoadAudit ctx carries, if any.
func LoadAuditFrom(ctx context.Context) (LoadAudit, bool) {
	a, ok := ctx.Value(loadAuditKey{}).(LoadAudit)
	return a, ok
}

// VersionRecord is the audit record of list version v (its ID and Rows
// set).
func (a LoadAudit) VersionRecord(v ListVersion) AuditRecord {
	b, _ := json.Marshal(v) // a ListVersion always marshals
	return AuditRecord{Actor: a.Actor, Action: AuditLoad, Query: fmt.Sprintf("load %s: %s version %d, %d rows", v.Origin, v.Dataset, v.ID, v.Rows),
		Versions: []int64{v.ID}, Results: b}
}

// GraphRecord is the audit record of a graph source replaced.
func (a LoadAudit) GraphRecord(source string, g Graph) AuditRecord {
	b, _ := json.Marshal(map[string]any{"graph": source, "nodes": len(g.Entities), "ties": len(g.Ties)})
	return AuditRecord{Actor: a.Actor, Action: AuditLoad, Query: fmt.Sprintf("load graph %s: %d nodes, %d ties", source, len(g.Entities), len(g.Ties)),
		Versions: []int64{}, Results: b}
}
