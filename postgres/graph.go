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

// PutGraph replaces everything stored under source with g in one
// transaction. Entity ids are global: when two sources define the same id,
// GraphEntity and GraphEntities return the one put last, but each source
// keeps its own row, so replacing one source never loses the other's
// definition. Within one source the last definition of an id wins.
func (s *Store) PutGraph(ctx context.Context, source string, g ties.Graph) error {
	if source == "" {
		return errors.New("postgres: put graph: empty source")
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return putErr(source, err)
	}
	defer tx.Rollback(context.Background())
	if err := putGraph(ctx, tx, source, g); err != nil {
		return putErr(source, err)
	}
	if err := notify(ctx, tx, 0); err != nil {
		return putErr(source, err)
	}
	if la, ok := ties.LoadAuditFrom(ctx); ok {
		if err := s.auditInTx(ctx, tx, la.GraphRecord(source, g)); err != nil {
			return putErr(source, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return putErr(source, err)
	}
	return nil
}

func putErr(source string, err error) error {
	return fmt.Errorf("put graph %s: %w", source, err)
}

func putGraph(ctx context.Context, tx pgx.Tx, source string, g ties.Graph) error {
	// The lock orders puts across processes, so put_seq follows commit order.
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, lockGraph); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM graph_sources WHERE source = $1`, source); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO graph_sources (source, put_seq, put_at)
		VALUES ($1, (SELECT COALESCE(MAX(put_seq), 0) + 1 FROM graph_sources), $2)`, source, time.Now().UTC()); err != nil {
		return err
	}
	last := make(map[string]int, len(g.Entities))
	for i := range g.Entities {
		last[g.Entities[i].ID] = i
	}
	entityRows := make([][]any, 0, len(last))
	for i := range g.Entities {
		e := &g.Entities[i]
		if last[e.ID] != i {
			continue
		}
		entityRows = append(entityRows, []any{source, e.ID, int32(i), entitycodec.Encode(nil, e)})
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"graph_entities"}, []string{"source", "id", "seq", "entity"},
		pgx.CopyFromRows(entityRows)); err != nil {
		return fmt.Errorf("copy entities: %w", err)
	}
	tieRows := make([][]any, 0, len(g.Ties))
	for i := range g.Ties {
		t := &g.Ties[i]
		evidence := []byte("[]")
		if len(t.Evidence) > 0 {
			var err error
			if evidence, err = json.Marshal(t.Evidence); err != nil {
				return fmt.Errorf("tie %d (%s -> %s): %w", i+1, t.From, t.To, err)
			}
		}
		tieRows = append(tieRows, []any{source, int32(i), t.ID, t.From, t.To, string(t.Kind), t.Share, t.Role, t.Via,
			t.Start.String(), t.End.String(), json.RawMessage(evidence), t.Source})
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"graph_ties"}, []string{"source", "seq", "tie_id", "from_id", "to_id",
		"kind", "share", "role", "via", "start_date", "end_date", "evidence", "tie_source"}, pgx.CopyFromRows(tieRows)); err != nil {
		return fmt.Errorf("copy ties: %w", err)
	}
	return nil
}

// GraphEntities yields every graph entity by id; an id defined by several
// sources comes from the source put last.
func (s *Store) GraphEntities(ctx context.Context) iter.Seq2[ties.Entity, error] {
	return func(yield func(ties.Entity, error) bool) {
		rows, err := s.pool.Query(ctx, `SELECT entity FROM (
				SELECT DISTINCT ON (e.id) e.id, e.entity FROM graph_entities e
				JOIN graph_sources s ON s.source = e.source ORDER BY e.id, s.put_seq DESC
			) latest ORDER BY id COLLATE "C"`)
		if err != nil {
			yield(ties.Entity{}, err)
			return
		}
		defer rows.Close()
		var blob []byte
		for rows.Next() {
			if err := rows.Scan(&blob); err != nil {
				yield(ties.Entity{}, err)
				return
			}
			var e ties.Entity
			if err := entitycodec.Decode(blob, &e); err != nil {
				yield(ties.Entity{}, fmt.Errorf("graph entity: %w", err))
				return
			}
			if !yield(e, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(ties.Entity{}, err)
		}
	}
}

// GraphEntity returns the graph entity with the given id.
func (s *Store) GraphEntity(ctx context.Context, id string) (ties.Entity, bool, error) {
	var blob []byte
	err := s.pool.QueryRow(ctx, `SELECT e.entity FROM graph_entities e JOIN graph_sources s ON s.source = e.source
		WHERE e.id = $1 ORDER BY s.put_seq DESC LIMIT 1`, id).Scan(&blob)
	if errors.Is(err, pgx.ErrNoRows) {
		return ties.Entity{}, false, nil
	}
	if err != nil {
		return ties.Entity{}, false, err
	}
	var e ties.Entity
	if err := entitycodec.Decode(blob, &e); err != nil {
		return ties.Entity{}, false, fmt.Errorf("graph entity %s: %w", id, err)
	}
	return e, true, nil
}

// Ties yields every tie, source by source (by source name) in the order
// they were put.
func (s *Store) Ties(ctx context.Context) iter.Seq2[ties.Tie, error] {
	return s.ties(ctx, `SELECT tie_id, from_id, to_id, kind, share, role, via,
			start_date, end_date, evidence, tie_source FROM graph_ties ORDER BY source COLLATE "C", seq`)
}

func (s *Store) ties(ctx context.Context, query string, args ...any) iter.Seq2[ties.Tie, error] {
	return func(yield func(ties.Tie, error) bool) {
		rows, err := s.pool.Query(ctx, query, args...)
		if err != nil {
			yield(ties.Tie{}, err)
			return
		}
		defer rows.Close()
		var (
			kind, start, end string
			evidence         []byte
		)
		for rows.Next() {
			var t ties.Tie
			if err := rows.Scan(&t.ID, &t.From, &t.To, &kind, &t.Share, &t.Role, &t.Via,
				&start, &end, &evidence, &t.Source); err != nil {
				yield(ties.Tie{}, err)
				return
			}
			t.Kind = ties.TieKind(kind)
			if t.Start, err = ties.ParseDate(start); err == nil {
				t.End, err = ties.ParseDate(end)
			}
			if err == nil && string(evidence) != "[]" {
				err = json.Unmarshal(evidence, &t.Evidence)
			}
			if err != nil {
				yield(ties.Tie{}, fmt.Errorf("tie %s -> %s: %w", t.From, t.To, err))
				return
			}
			if !yield(t, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(ties.Tie{}, err)
		}
	}
}

// Link statuses.
const (
	LinkProposed  = "proposed"
	LinkConfirmed = "confirmed"
	LinkRejected  = "rejected"
)

func checkLinkStatus(status string) error {
	switch status {
	case LinkProposed, LinkConfirmed, LinkRejected:
		return nil
	}
	return fmt.Errorf("unknown link status %q (want proposed, confirmed or rejected)", status)
}

// PutLinks adds links (status "proposed" when empty). For a pair
// (GraphID, TargetID) already stored: a rejected or confirmed link is kept
// as it is, so a rejected link is never proposed again; a proposed one takes
// the new method, confidence, status and reason.
func (s *Store) PutLinks(ctx context.Context, links []ties.Link) error {
	for _, l := range links {
		if l.Status == "" {
			continue
		}
		if err := checkLinkStatus(l.Status); err != nil {
			return fmt.Errorf("link %s -> %s: %w", l.GraphID, l.TargetID, err)
		}
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(context.Background())
	b := &pgx.Batch{}
	for _, l := range links {
		status := l.Status
		if status == "" {
			status = LinkProposed
		}
		b.Queue(`INSERT INTO links (graph_id, target_id, method, confidence, status, reason)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (graph_id, target_id) DO UPDATE SET
				method = excluded.method, confidence = excluded.confidence,
				status = excluded.status, reason = excluded.reason
			WHERE links.status = 'proposed'`, l.GraphID, l.TargetID, l.Method, l.Confidence, status, l.Reason)
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("put links: %w", err)
	}
	if err := notify(ctx, tx, 0); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// Links returns every link by id.
func (s *Store) Links(ctx context.Context) ([]ties.Link, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, graph_id, target_id, method, confidence, status, reason
		FROM links ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ties.Link
	for rows.Next() {
		var l ties.Link
		if err := rows.Scan(&l.ID, &l.GraphID, &l.TargetID, &l.Method, &l.Confidence, &l.Status, &l.Reason); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// SetLinkStatus sets the status ("proposed", "confirmed" or "rejected") and
// the reason of link id. An unknown id is an error.
func (s *Store) SetLinkStatus(ctx context.Context, id int64, status, reason string) error {
	if err := checkLinkStatus(status); err != nil {
		return fmt.Errorf("set link %d: %w", id, err)
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("set link %d: %w", id, err)
	}
	defer tx.Rollback(context.Background())
	tag, err := tx.Exec(ctx, `UPDATE links SET status = $1, reason = $2 WHERE id = $3`, status, reason, id)
	if err != nil {
		return fmt.Errorf("set link %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("set link %d: no such link", id)
	}
	if err := notify(ctx, tx, 0); err != nil {
		return fmt.Errorf("set link %d: %w", id, err)
	}
	return tx.Commit(ctx)
}
