package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// PollInterval is how often Subscribe asks SQLite whether another
// connection committed (PRAGMA data_version: one page-cache check, no I/O
// when nothing changed).
var PollInterval = 250 * time.Millisecond

// Subscribe reports changes committed by other processes (a `ties load`
// from the command line while `ties serve` runs) or other connections:
// the channel yields 0 whenever the list versions in force, the graph or
// the links changed, as the PostgreSQL store's Subscribe does, so a
// server swaps its index the same way on both stores. Appends to the
// audit trail, tokens and the like change nothing it reports. The channel
// closes when ctx ends.
//
// It holds one connection of the pool for PRAGMA data_version, which
// changes when any other connection commits, then compares a fingerprint
// of what the index is built from, so audit appends cost no rebuild.
func (s *Store) Subscribe(ctx context.Context) (<-chan int64, error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %s: subscribe: %w", s.path, err)
	}
	dv, err := dataVersion(ctx, conn)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("sqlite: %s: subscribe: %w", s.path, err)
	}
	fp, err := s.IndexFingerprint(ctx)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("sqlite: %s: subscribe: %w", s.path, err)
	}
	ch := make(chan int64, 16)
	go func() {
		defer close(ch)
		defer conn.Close()
		tick := time.NewTicker(PollInterval)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			v, err := dataVersion(ctx, conn)
			if err != nil || v == dv {
				continue // a locked or busy database: try on the next tick
			}
			f, err := s.IndexFingerprint(ctx)
			if err != nil {
				continue
			}
			dv = v
			if f == fp {
				continue
			}
			fp = f
			select {
			case ch <- 0:
			default: // a rebuild is pending anyway
			}
		}
	}()
	return ch, nil
}

func dataVersion(ctx context.Context, conn *sql.Conn) (int64, error) {
	var v int64
	err := conn.QueryRowContext(ctx, `PRAGMA data_version`).Scan(&v)
	return v, err
}

// IndexFingerprint changes when what the screening index and the analysis
// model are built from changes: the versions in force, the graph sources
// (each PutGraph bumps put_seq) and the links and their status. A server
// compares it with the one its index was built from to skip a rebuild
// that would change nothing (after its own writes, which it has already
// rebuilt for).
func (s *Store) IndexFingerprint(ctx context.Context) (string, error) {
	var inForce, graph, links string
	err := s.db.QueryRowContext(ctx, `SELECT
		(SELECT coalesce(group_concat(dataset || '=' || version_id, ','), '') FROM (SELECT dataset, version_id FROM dataset_in_force ORDER BY dataset)),
		(SELECT count(*) || ':' || coalesce(sum(put_seq), 0) || ':' || coalesce(max(put_at), '') FROM graph_sources),
		(SELECT count(*) || ':' || coalesce(max(id), 0) || ':' || coalesce(sum(CASE status WHEN 'confirmed' THEN 2 * id WHEN 'rejected' THEN 3 * id ELSE id END), 0) || ':' || coalesce(sum(length(reason)), 0) FROM links)`).
		Scan(&inForce, &graph, &links)
	return inForce + "|" + graph + "|" + links, err
}
