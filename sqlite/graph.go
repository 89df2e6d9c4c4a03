package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"time"

	"ties"
)

// PutGraph replaces everything stored under source with g in one
// transaction. Entity ids are global: when two sources define the same id,
// GraphEntity and GraphEntities return the one put last, but each source
// keeps its own row, so replacing one source never loses the other's
// definition. Ties always keep their own source.
func (s *Store) PutGraph(ctx context.Context, source string, g ties.Graph) error {
	if source == "" {
		return errors.New("sqlite: put graph: empty source")
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return putErr(source, err)
	}
	defer tx.Rollback()
	if err := putGraph(ctx, tx, source, g); err != nil {
		return putErr(source, err)
	}
	if la, ok := ties.LoadAuditFrom(ctx); ok {
		if err := s.auditInTx(ctx, tx, la.GraphRecord(source, g)); err != nil {
			return putErr(source, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return putErr(source, err)
	}
	return nil
}

func putErr(source string, err error) error {
	return fmt.Errorf("put graph %s: %w", source, err)
}

func putGraph(ctx context.Context, tx *sql.Tx, source string, g ties.Graph) error {
	// Deleting the source row cascades to its entities and ties.
	if _, err := tx.ExecContext(ctx, `DELETE FROM graph_sources WHERE source = ?`, source); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO graph_sources (source, put_seq, put_at)
		VALUES (?, (SELECT COALESCE(MAX(put_seq), 0) + 1 FROM graph_sources), ?)`,
		source, time.Now().UTC().Format(time.RFC3339Nano)); err != nil {
		return err
	}
	insEntity, err := tx.PrepareContext(ctx, `INSERT INTO graph_entities (source, id, seq, entity) VALUES (?, ?, ?, ?)
		ON CONFLICT (source, id) DO UPDATE SET seq = excluded.seq, entity = excluded.entity`)
	if err != nil {
		return err
	}
	defer insEntity.Close()
	var blob []byte
	for i := range g.Entities {
		e := &g.Entities[i]
		if err := ctx.Err(); err != nil {
			return err
		}
		blob = encodeEntity(blob, e)
		if _, err := insEntity.ExecContext(ctx, source, e.ID, i, blob); err != nil {
			return fmt.Errorf("entity %s: %w", e.ID, err)
		}
	}
	insTie, err := tx.PrepareContext(ctx, `INSERT INTO graph_ties (source, seq, tie_id, from_id, to_id, kind, share,
		role, via, start_date, end_date, evidence, tie_source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer insTie.Close()
	for i := range g.Ties {
		t := &g.Ties[i]
		if err := ctx.Err(); err != nil {
			return err
		}
		evidence := []byte("[]")
		if len(t.Evidence) > 0 {
			if evidence, err = json.Marshal(t.Evidence); err != nil {
				return fmt.Errorf("tie %d (%s -> %s): %w", i+1, t.From, t.To, err)
			}
		}
		if _, err := insTie.ExecContext(ctx, source, i, t.ID, t.From, t.To, string(t.Kind), t.Share, t.Role, t.Via,
			t.Start.String(), t.End.String(), evidence, t.Source); err != nil {
			return fmt.Errorf("tie %d (%s -> %s): %w", i+1, t.From, t.To, err)
		}
	}
	return nil
}

// latestGraphEntities picks, for each id, the row of the source put last.
const latestGraphEntities = `SELECT e.entity FROM graph_entities e JOIN graph_sources s ON s.source = e.source
WHERE s.put_seq = (SELECT MAX(s2.put_seq) FROM graph_entities e2 JOIN graph_sources s2 ON s2.source = e2.source WHERE e2.id = e.id)`

// GraphEntities yields every graph entity by id.
func (s *Store) GraphEntities(ctx context.Context) iter.Seq2[ties.Entity, error] {
	return func(yield func(ties.Entity, error) bool) {
		rows, err := s.db.QueryContext(ctx, latestGraphEntities+` ORDER BY e.id`)
		if err != nil {
			yield(ties.Entity{}, err)
			return
		}
		defer rows.Close()
		var blob sql.RawBytes
		for rows.Next() {
			if err := rows.Scan(&blob); err != nil {
				yield(ties.Entity{}, err)
				return
			}
			var e ties.Entity
			if err := decodeEntity(blob, &e); err != nil {
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
	err := s.db.QueryRowContext(ctx, `SELECT e.entity FROM graph_entities e JOIN graph_sources s ON s.source = e.source
		WHERE e.id = ? ORDER BY s.put_seq DESC LIMIT 1`, id).Scan(&blob)
	if errors.Is(err, sql.ErrNoRows) {
		return ties.Entity{}, false, nil
	}
	if err != nil {
		return ties.Entity{}, false, err
	}
	var e ties.Entity
	if err := decodeEntity(blob, &e); err != nil {
		return ties.Entity{}, false, fmt.Errorf("graph entity %s: %w", id, err)
	}
	return e, true, nil
}

// Ties yields every tie, source by source in the order they were put.
func (s *Store) Ties(ctx context.Context) iter.Seq2[ties.Tie, error] {
	return func(yield func(ties.Tie, error) bool) {
		rows, err := s.db.QueryContext(ctx, `SELECT tie_id, from_id, to_id, kind, share, role, via,
			start_date, end_date, evidence, tie_source FROM graph_ties ORDER BY source, seq`)
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
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	st, err := tx.PrepareContext(ctx, `INSERT INTO links (graph_id, target_id, method, confidence, status, reason)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (graph_id, target_id) DO UPDATE SET
			method = excluded.method, confidence = excluded.confidence,
			status = excluded.status, reason = excluded.reason
		WHERE links.status = 'proposed'`)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, l := range links {
		status := l.Status
		if status == "" {
			status = LinkProposed
		}
		if _, err := st.ExecContext(ctx, l.GraphID, l.TargetID, l.Method, l.Confidence, status, l.Reason); err != nil {
			return fmt.Errorf("link %s -> %s: %w", l.GraphID, l.TargetID, err)
		}
	}
	return tx.Commit()
}

// Links returns every link by id.
func (s *Store) Links(ctx context.Context) ([]ties.Link, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, graph_id, target_id, method, confidence, status, reason
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
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	res, err := s.db.ExecContext(ctx, `UPDATE links SET status = ?, reason = ? WHERE id = ?`, status, reason, id)
	if err != nil {
		return fmt.Errorf("set link %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("set link %d: %w", id, err)
	}
	if n == 0 {
		return fmt.Errorf("set link %d: no such link", id)
	}
	return nil
}
