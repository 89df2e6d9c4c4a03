package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/jackc/pgx/v5"

	"ties"
	"ties/internal/entitycodec"
)

// What package transfer needs to move a whole store in and out; the
// Import methods keep the ids they are given.

// GraphSources lists the graph sources in the order they were put.
func (s *Store) GraphSources(ctx context.Context) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT source FROM graph_sources ORDER BY put_seq`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// GraphSource returns what PutGraph stored under source, in put order.
func (s *Store) GraphSource(ctx context.Context, source string) (ties.Graph, error) {
	var g ties.Graph
	rows, err := s.pool.Query(ctx, `SELECT entity FROM graph_entities WHERE source = $1 ORDER BY seq`, source)
	if err != nil {
		return g, err
	}
	blobs, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
	if err != nil {
		return g, err
	}
	for _, b := range blobs {
		var e ties.Entity
		if err := entitycodec.Decode(b, &e); err != nil {
			return g, fmt.Errorf("graph %s entity: %w", source, err)
		}
		g.Entities = append(g.Entities, e)
	}
	for t, err := range s.ties(ctx, `SELECT tie_id, from_id, to_id, kind, share, role, via,
			start_date, end_date, evidence, tie_source FROM graph_ties WHERE source = $1 ORDER BY seq`, source) {
		if err != nil {
			return g, err
		}
		g.Ties = append(g.Ties, t)
	}
	return g, nil
}

// TokenHashes returns the stored hash of each token's secret, by id.
func (s *Store) TokenHashes(ctx context.Context) (map[int64][]byte, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, hash FROM tokens`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]byte{}
	for rows.Next() {
		var id int64
		var h []byte
		if err := rows.Scan(&id, &h); err != nil {
			return nil, err
		}
		out[id] = h
	}
	return out, rows.Err()
}

// ImportLists stores lists as given.
func (s *Store) ImportLists(ctx context.Context, lists []ties.List) error {
	b := &pgx.Batch{}
	for _, l := range lists {
		b.Queue(`INSERT INTO lists (id, name, authority) VALUES ($1, $2, $3)
			ON CONFLICT (id) DO UPDATE SET name = excluded.name, authority = excluded.authority`, l.ID, l.Name, l.Authority)
	}
	return s.pool.SendBatch(ctx, b).Close()
}

// ImportVersion stores a version with its own id and load time, in force
// only when v.InForce says so.
func (s *Store) ImportVersion(ctx context.Context, v ties.ListVersion, records iter.Seq2[ties.Record, error]) (ties.ListVersion, error) {
	if v.ID <= 0 || v.Dataset == "" {
		return v, fmt.Errorf("postgres: import version: id %d, dataset %q", v.ID, v.Dataset)
	}
	v.LoadedAt = v.LoadedAt.UTC().Truncate(time.Microsecond)
	got, err := s.loadVersion(ctx, v, records, true)
	if err != nil {
		return v, fmt.Errorf("import version %d (%s): %w", v.ID, v.Dataset, err)
	}
	return got, nil
}

// importTx runs fn in a transaction and moves the identity sequence of table
// past the ids fn inserted.
func (s *Store) importTx(ctx context.Context, table string, fn func(tx pgx.Tx) error) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(context.Background())
	if err := fn(tx); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence('`+table+`', 'id'), (SELECT max(id) FROM `+table+`))`); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// ImportLinks stores links with their ids and statuses.
func (s *Store) ImportLinks(ctx context.Context, links []ties.Link) error {
	for _, l := range links {
		if err := checkLinkStatus(l.Status); err != nil {
			return fmt.Errorf("link %d: %w", l.ID, err)
		}
	}
	return s.importTx(ctx, "links", func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		for _, l := range links {
			b.Queue(`INSERT INTO links (id, graph_id, target_id, method, confidence, status, reason)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, l.ID, l.GraphID, l.TargetID, l.Method, l.Confidence, l.Status, l.Reason)
		}
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return fmt.Errorf("import links: %w", err)
		}
		return notify(ctx, tx, 0)
	})
}

// ImportToken stores a token with its id, times and hash.
func (s *Store) ImportToken(ctx context.Context, t ties.Token, hash []byte) error {
	if _, err := ties.ParseRole(string(t.Role)); err != nil {
		return fmt.Errorf("token %d: %w", t.ID, err)
	}
	if len(hash) == 0 {
		return fmt.Errorf("token %d: empty hash", t.ID)
	}
	return s.importTx(ctx, "tokens", func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO tokens (id, name, role, hash, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			t.ID, t.Name, string(t.Role), hash, t.CreatedAt.UTC(), optTime(t.RevokedAt))
		if err != nil {
			return fmt.Errorf("import token %d: %w", t.ID, err)
		}
		return nil
	})
}

// ImportAudit stores records exactly as given; they must continue the
// stored chain.
func (s *Store) ImportAudit(ctx context.Context, records []ties.AuditRecord) error {
	if len(records) == 0 {
		return nil
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(context.Background())
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, lockAudit); err != nil {
		return err
	}
	var seq int64
	var prev string
	err = tx.QueryRow(ctx, `SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1`).Scan(&seq, &prev)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return err
	}
	if _, _, err := ties.VerifyAuditChain(func(yield func(ties.AuditRecord, error) bool) {
		for _, r := range records {
			if !yield(r, nil) {
				return
			}
		}
	}, seq, prev); err != nil {
		return fmt.Errorf("import audit: %w", err)
	}
	rows := make([][]any, len(records))
	for i := range records {
		if rows[i], err = auditRow(&records[i]); err != nil {
			return err
		}
	}
	if err := copyAudit(ctx, tx, rows); err != nil {
		return fmt.Errorf("import audit: %w", err)
	}
	return tx.Commit(ctx)
}

// ImportWatch stores a watch with its id.
func (s *Store) ImportWatch(ctx context.Context, w ties.Watch) error {
	roster, err := json.Marshal(w.Roster)
	if err != nil {
		return err
	}
	return s.importTx(ctx, "watches", func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO watches (id, kind, label, org, roster, sink, secret, created_at, state, evaluated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			w.ID, w.Kind, w.Label, w.Org, string(roster), w.Sink, w.Secret, w.Created.UTC(), nonNil(w.State), optTime(w.EvaluatedAt))
		if err != nil {
			return fmt.Errorf("import watch %d: %w", w.ID, err)
		}
		return nil
	})
}

// ImportAlert stores an alert with its id and delivery state.
func (s *Store) ImportAlert(ctx context.Context, a ties.Alert) error {
	return s.importTx(ctx, "alerts", func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO alerts (id, watch_id, sink, body, created_at, attempts, next_attempt, delivered_at, last_error)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			a.ID, a.WatchID, a.Sink, nonNil(a.Body), a.Created.UTC(), a.Attempts, a.NextAttempt.UTC(), optTime(a.DeliveredAt), a.LastError)
		if err != nil {
			return fmt.Errorf("import alert %d: %w", a.ID, err)
		}
		return nil
	})
}

// ImportReview stores a review with its id.
func (s *Store) ImportReview(ctx context.Context, r ties.Review) error {
	return s.importTx(ctx, "reviews", func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO reviews (id, watch_id, entity_id, query, decision, reason, reviewer, at, expires, entry_hash)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			r.ID, r.WatchID, r.EntityID, r.Query, r.Decision, r.Reason, r.Reviewer, r.At.UTC(), r.Expires.String(), r.EntryHash)
		if err != nil {
			return fmt.Errorf("import review %d: %w", r.ID, err)
		}
		return nil
	})
}
