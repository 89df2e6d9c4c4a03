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

// What package transfer needs to move a whole store in and out; the
// Import methods keep the ids they are given.

// GraphSources lists the graph sources in the order they were put.
func (s *Store) GraphSources(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT source FROM graph_sources ORDER BY put_seq`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var src string
		if err := rows.Scan(&src); err != nil {
			return nil, err
		}
		out = append(out, src)
	}
	return out, rows.Err()
}

// GraphSource returns what PutGraph stored under source, in put order.
func (s *Store) GraphSource(ctx context.Context, source string) (ties.Graph, error) {
	var g ties.Graph
	rows, err := s.db.QueryContext(ctx, `SELECT entity FROM graph_entities WHERE source = ? ORDER BY seq`, source)
	if err != nil {
		return g, err
	}
	defer rows.Close()
	for rows.Next() {
		var blob []byte
		if err := rows.Scan(&blob); err != nil {
			return g, err
		}
		var e ties.Entity
		if err := decodeEntity(blob, &e); err != nil {
			return g, fmt.Errorf("graph %s entity: %w", source, err)
		}
		g.Entities = append(g.Entities, e)
	}
	if err := rows.Err(); err != nil {
		return g, err
	}
	trows, err := s.db.QueryContext(ctx, `SELECT tie_id, from_id, to_id, kind, share, role, via,
		start_date, end_date, evidence, tie_source FROM graph_ties WHERE source = ? ORDER BY seq`, source)
	if err != nil {
		return g, err
	}
	defer trows.Close()
	for trows.Next() {
		var t ties.Tie
		var kind, start, end string
		var evidence []byte
		if err := trows.Scan(&t.ID, &t.From, &t.To, &kind, &t.Share, &t.Role, &t.Via, &start, &end, &evidence, &t.Source); err != nil {
			return g, err
		}
		t.Kind = ties.TieKind(kind)
		if t.Start, err = ties.ParseDate(start); err == nil {
			t.End, err = ties.ParseDate(end)
		}
		if err == nil && string(evidence) != "[]" {
			err = json.Unmarshal(evidence, &t.Evidence)
		}
		if err != nil {
			return g, fmt.Errorf("graph %s tie %s -> %s: %w", source, t.From, t.To, err)
		}
		g.Ties = append(g.Ties, t)
	}
	return g, trows.Err()
}

// TokenHashes returns the stored hash of each token's secret, by id.
func (s *Store) TokenHashes(ctx context.Context) (map[int64][]byte, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, hash FROM tokens`)
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

// importTx runs fn in one write transaction.
func (s *Store) importTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// ImportLists stores lists as given.
func (s *Store) ImportLists(ctx context.Context, lists []ties.List) error {
	return s.importTx(ctx, func(tx *sql.Tx) error {
		for _, l := range lists {
			if _, err := tx.ExecContext(ctx, `INSERT INTO lists (id, name, authority) VALUES (?, ?, ?)
				ON CONFLICT (id) DO UPDATE SET name = excluded.name, authority = excluded.authority`, l.ID, l.Name, l.Authority); err != nil {
				return fmt.Errorf("import list %s: %w", l.ID, err)
			}
		}
		return nil
	})
}

// ImportVersion stores a version with its own id and load time, in force
// only when v.InForce says so, in one transaction.
func (s *Store) ImportVersion(ctx context.Context, v ties.ListVersion, records iter.Seq2[ties.Record, error]) (ties.ListVersion, error) {
	if v.ID <= 0 || v.Dataset == "" {
		return v, fmt.Errorf("sqlite: import version: id %d, dataset %q", v.ID, v.Dataset)
	}
	v.LoadedAt = v.LoadedAt.UTC()
	err := s.importTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO versions (id, dataset, format, hash, loaded_at, data_date, origin, rows)
			VALUES (?, ?, ?, ?, ?, ?, ?, 0)`, v.ID, v.Dataset, v.Format, v.Hash, v.LoadedAt.Format(time.RFC3339Nano), v.DataDate.String(), v.Origin); err != nil {
			return err
		}
		w, err := newEntryWriter(ctx, tx, v.ID)
		if err != nil {
			return err
		}
		defer w.close()
		rows := 0
		for rec, err := range records {
			if err != nil {
				return err
			}
			if rec.Entity.ID == "" {
				return fmt.Errorf("record %d has no entity id", rows+1)
			}
			if err := w.write(ctx, rows, &rec); err != nil {
				return fmt.Errorf("record %d (%s): %w", rows+1, rec.Entity.ID, err)
			}
			rows++
		}
		v.Rows = rows
		if _, err := tx.ExecContext(ctx, `UPDATE versions SET rows = ? WHERE id = ?`, rows, v.ID); err != nil {
			return err
		}
		if v.InForce {
			if _, err := tx.ExecContext(ctx, `INSERT INTO dataset_in_force (dataset, version_id) VALUES (?, ?)
				ON CONFLICT (dataset) DO UPDATE SET version_id = excluded.version_id`, v.Dataset, v.ID); err != nil {
				return err
			}
		}
		w.close()
		return nil
	})
	if err != nil {
		return v, fmt.Errorf("import version %d (%s): %w", v.ID, v.Dataset, err)
	}
	return v, nil
}

// ImportLinks stores links with their ids and statuses.
func (s *Store) ImportLinks(ctx context.Context, links []ties.Link) error {
	return s.importTx(ctx, func(tx *sql.Tx) error {
		for _, l := range links {
			if err := checkLinkStatus(l.Status); err != nil {
				return fmt.Errorf("link %d: %w", l.ID, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO links (id, graph_id, target_id, method, confidence, status, reason)
				VALUES (?, ?, ?, ?, ?, ?, ?)`, l.ID, l.GraphID, l.TargetID, l.Method, l.Confidence, l.Status, l.Reason); err != nil {
				return fmt.Errorf("import link %d: %w", l.ID, err)
			}
		}
		return nil
	})
}

func rfc3339OrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// ImportToken stores a token with its id, times and hash.
func (s *Store) ImportToken(ctx context.Context, t ties.Token, hash []byte) error {
	if _, err := ties.ParseRole(string(t.Role)); err != nil {
		return fmt.Errorf("token %d: %w", t.ID, err)
	}
	if len(hash) == 0 {
		return fmt.Errorf("token %d: empty hash", t.ID)
	}
	return s.importTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO tokens (id, name, role, hash, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)`,
			t.ID, t.Name, string(t.Role), hash, t.CreatedAt.UTC().Format(time.RFC3339Nano), rfc3339OrEmpty(t.RevokedAt)); err != nil {
			return fmt.Errorf("import token %d: %w", t.ID, err)
		}
		return nil
	})
}

// ImportAudit stores records exactly as given; they must continue the
// stored chain.
func (s *Store) ImportAudit(ctx context.Context, records []ties.AuditRecord) error {
	return s.importTx(ctx, func(tx *sql.Tx) error {
		var seq int64
		var prev string
		err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1`).Scan(&seq, &prev)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
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
		for _, r := range records {
			versions, err := json.Marshal(r.Versions)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO audit (seq, at, actor, action, query, versions, results, ref, decision, note, prev_hash, hash)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.Seq, r.At.UTC().Format(ties.AuditTimeFormat), r.Actor, r.Action, r.Query,
				string(versions), string(r.Results), r.Ref, r.Decision, r.Note, r.PrevHash, r.Hash); err != nil {
				return fmt.Errorf("import audit record %d: %w", r.Seq, err)
			}
		}
		return nil
	})
}

// ImportWatch stores a watch with its id.
func (s *Store) ImportWatch(ctx context.Context, w ties.Watch) error {
	roster, err := json.Marshal(w.Roster)
	if err != nil {
		return err
	}
	state := []byte(w.State)
	if state == nil {
		state = []byte{}
	}
	return s.importTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO watches (id, kind, label, org, roster, sink, secret, created_at, state, evaluated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, w.ID, w.Kind, w.Label, w.Org, string(roster), w.Sink, w.Secret,
			rfc3339OrEmpty(w.Created), state, rfc3339OrEmpty(w.EvaluatedAt)); err != nil {
			return fmt.Errorf("import watch %d: %w", w.ID, err)
		}
		return nil
	})
}

// ImportAlert stores an alert with its id and delivery state.
func (s *Store) ImportAlert(ctx context.Context, a ties.Alert) error {
	body := []byte(a.Body)
	if body == nil {
		body = []byte{}
	}
	return s.importTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO alerts (id, watch_id, sink, body, created_at, attempts, next_attempt, delivered_at, last_error)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.ID, a.WatchID, a.Sink, body, rfc3339OrEmpty(a.Created), a.Attempts,
			rfc3339OrEmpty(a.NextAttempt), rfc3339OrEmpty(a.DeliveredAt), a.LastError); err != nil {
			return fmt.Errorf("import alert %d: %w", a.ID, err)
		}
		return nil
	})
}

// ImportReview stores a review with its id.
func (s *Store) ImportReview(ctx context.Context, r ties.Review) error {
	return s.importTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO reviews (id, watch_id, entity_id, query, decision, reason, reviewer, at, expires, entry_hash)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.ID, r.WatchID, r.EntityID, r.Query, r.Decision, r.Reason, r.Reviewer,
			rfc3339OrEmpty(r.At), r.Expires.String(), r.EntryHash); err != nil {
			return fmt.Errorf("import review %d: %w", r.ID, err)
		}
		return nil
	})
}
