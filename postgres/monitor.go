package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"ties"
)

var _ ties.MonitorStore = (*Store)(nil)

// optTime maps the zero time to NULL.
func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

func fromOpt(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// nonNil: pgx stores a nil slice as NULL.
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// AddWatch stores a new watch.
func (s *Store) AddWatch(ctx context.Context, w ties.Watch) (ties.Watch, error) {
	if w.Kind != ties.WatchOrg && w.Kind != ties.WatchRoster {
		return w, fmt.Errorf("postgres: add watch: kind %q: want org or roster", w.Kind)
	}
	roster, err := json.Marshal(w.Roster)
	if err != nil {
		return w, err
	}
	if w.Created.IsZero() {
		w.Created = time.Now()
	}
	w.Created = w.Created.UTC().Truncate(time.Microsecond)
	err = s.pool.QueryRow(ctx, `INSERT INTO watches (kind, label, org, roster, sink, secret, created_at, state, evaluated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		w.Kind, w.Label, w.Org, string(roster), w.Sink, w.Secret, w.Created, nonNil(w.State), optTime(w.EvaluatedAt)).Scan(&w.ID)
	if err != nil {
		return w, fmt.Errorf("postgres: add watch: %w", err)
	}
	return w, nil
}

// Watches lists every watch, oldest first.
func (s *Store) Watches(ctx context.Context) ([]ties.Watch, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, kind, label, org, roster, sink, secret, created_at, state, evaluated_at FROM watches ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("postgres: watches: %w", err)
	}
	defer rows.Close()
	var out []ties.Watch
	for rows.Next() {
		var w ties.Watch
		var roster, state []byte
		var evaluated *time.Time
		if err := rows.Scan(&w.ID, &w.Kind, &w.Label, &w.Org, &roster, &w.Sink, &w.Secret, &w.Created, &state, &evaluated); err != nil {
			return nil, err
		}
		if err := json.Unmarshal(roster, &w.Roster); err != nil {
			return nil, fmt.Errorf("postgres: watch %d roster: %w", w.ID, err)
		}
		w.Created, w.EvaluatedAt = w.Created.UTC(), fromOpt(evaluated)
		if len(state) > 0 {
			w.State = state
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// RemoveWatch deletes a watch and its reviews.
func (s *Store) RemoveWatch(ctx context.Context, id int64) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM watches WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("postgres: remove watch %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("watch %d: %w", id, ties.ErrNotFound)
	}
	return nil
}

// SetWatchState records what the last evaluation of a watch saw.
func (s *Store) SetWatchState(ctx context.Context, id int64, state json.RawMessage, at time.Time) error {
	tag, err := s.pool.Exec(ctx, `UPDATE watches SET state = $1, evaluated_at = $2 WHERE id = $3`, nonNil(state), optTime(at), id)
	if err != nil {
		return fmt.Errorf("postgres: set watch %d state: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("watch %d: %w", id, ties.ErrNotFound)
	}
	return nil
}

// PutChangeSet stores the change set leading to cs.To, replacing any.
func (s *Store) PutChangeSet(ctx context.Context, cs ties.ChangeSet) error {
	body, err := json.Marshal(cs)
	if err != nil {
		return err
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO change_sets (version_id, dataset, from_version, computed_at, body) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (version_id) DO UPDATE SET dataset = excluded.dataset, from_version = excluded.from_version,
			computed_at = excluded.computed_at, body = excluded.body`,
		cs.To, cs.Dataset, cs.From, cs.ComputedAt.UTC(), body)
	if err != nil {
		return fmt.Errorf("postgres: put change set for version %d: %w", cs.To, err)
	}
	return nil
}

// ChangeSet finds the change set leading to version to.
func (s *Store) ChangeSet(ctx context.Context, to int64) (ties.ChangeSet, bool, error) {
	var body []byte
	err := s.pool.QueryRow(ctx, `SELECT body FROM change_sets WHERE version_id = $1`, to).Scan(&body)
	if errors.Is(err, pgx.ErrNoRows) {
		return ties.ChangeSet{}, false, nil
	}
	if err != nil {
		return ties.ChangeSet{}, false, fmt.Errorf("postgres: change set for version %d: %w", to, err)
	}
	var cs ties.ChangeSet
	if err := json.Unmarshal(body, &cs); err != nil {
		return cs, false, fmt.Errorf("postgres: change set for version %d: %w", to, err)
	}
	return cs, true, nil
}

// EnqueueAlerts adds alerts to the outbox in one transaction.
func (s *Store) EnqueueAlerts(ctx context.Context, alerts []ties.Alert) ([]ties.Alert, error) {
	if len(alerts) == 0 {
		return nil, nil
	}
	out := make([]ties.Alert, len(alerts))
	now := time.Now().UTC().Truncate(time.Microsecond)
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("postgres: enqueue alerts: %w", err)
	}
	defer tx.Rollback(context.Background())
	for i, a := range alerts {
		if a.Created.IsZero() {
			a.Created = now
		}
		if a.NextAttempt.IsZero() {
			a.NextAttempt = a.Created
		}
		a.Created, a.NextAttempt = a.Created.UTC().Truncate(time.Microsecond), a.NextAttempt.UTC().Truncate(time.Microsecond)
		if err := tx.QueryRow(ctx, `INSERT INTO alerts (watch_id, sink, body, created_at, attempts, next_attempt)
			VALUES ($1, $2, $3, $4, 0, $5) RETURNING id`,
			a.WatchID, a.Sink, nonNil(a.Body), a.Created, a.NextAttempt).Scan(&a.ID); err != nil {
			return nil, fmt.Errorf("postgres: enqueue alert: %w", err)
		}
		out[i] = a
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("postgres: enqueue alerts: %w", err)
	}
	return out, nil
}

const alertColumns = `id, watch_id, sink, body, created_at, attempts, next_attempt, delivered_at, last_error`

func (s *Store) queryAlerts(ctx context.Context, query string, args ...any) ([]ties.Alert, error) {
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("postgres: alerts: %w", err)
	}
	defer rows.Close()
	var out []ties.Alert
	for rows.Next() {
		var a ties.Alert
		var body []byte
		var delivered *time.Time
		if err := rows.Scan(&a.ID, &a.WatchID, &a.Sink, &body, &a.Created, &a.Attempts, &a.NextAttempt, &delivered, &a.LastError); err != nil {
			return nil, err
		}
		a.Body = body
		a.Created, a.NextAttempt, a.DeliveredAt = a.Created.UTC(), a.NextAttempt.UTC(), fromOpt(delivered)
		out = append(out, a)
	}
	return out, rows.Err()
}

// PendingAlerts lists undelivered alerts due by now, oldest first.
func (s *Store) PendingAlerts(ctx context.Context, now time.Time) ([]ties.Alert, error) {
	return s.queryAlerts(ctx, `SELECT `+alertColumns+` FROM alerts
		WHERE delivered_at IS NULL AND next_attempt <= $1 ORDER BY id`, now.UTC())
}

// Alerts lists alerts, newest first; limit <= 0 means all.
func (s *Store) Alerts(ctx context.Context, limit int) ([]ties.Alert, error) {
	if limit <= 0 {
		return s.queryAlerts(ctx, `SELECT `+alertColumns+` FROM alerts ORDER BY id DESC`)
	}
	return s.queryAlerts(ctx, `SELECT `+alertColumns+` FROM alerts ORDER BY id DESC LIMIT $1`, limit)
}

// MarkAlert records one delivery attempt.
func (s *Store) MarkAlert(ctx context.Context, id int64, delivered bool, at time.Time, errText string, next time.Time) error {
	var tag pgconn.CommandTag
	var err error
	if delivered {
		tag, err = s.pool.Exec(ctx, `UPDATE alerts SET attempts = attempts + 1, delivered_at = $1, last_error = '' WHERE id = $2`, at.UTC(), id)
	} else {
		tag, err = s.pool.Exec(ctx, `UPDATE alerts SET attempts = attempts + 1, last_error = $1, next_attempt = $2 WHERE id = $3`, errText, next.UTC(), id)
	}
	if err != nil {
		return fmt.Errorf("postgres: mark alert %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("alert %d: %w", id, ties.ErrNotFound)
	}
	return nil
}

// AddReview stores a review decision; ErrNotFound for an unknown watch.
func (s *Store) AddReview(ctx context.Context, r ties.Review) (ties.Review, error) {
	if r.Decision != ties.ReviewFalsePositive && r.Decision != ties.ReviewConfirmed {
		return r, fmt.Errorf("postgres: add review: decision %q: want %s or %s", r.Decision, ties.ReviewFalsePositive, ties.ReviewConfirmed)
	}
	if r.At.IsZero() {
		r.At = time.Now()
	}
	r.At = r.At.UTC().Truncate(time.Microsecond)
	err := s.pool.QueryRow(ctx, `INSERT INTO reviews (watch_id, entity_id, query, decision, reason, reviewer, at, expires, entry_hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		r.WatchID, r.EntityID, r.Query, r.Decision, r.Reason, r.Reviewer, r.At, r.Expires.String(), r.EntryHash).Scan(&r.ID)
	if err != nil {
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "23503" { // foreign_key_violation
			return r, fmt.Errorf("watch %d: %w", r.WatchID, ties.ErrNotFound)
		}
		return r, fmt.Errorf("postgres: add review: %w", err)
	}
	return r, nil
}

// Reviews lists the reviews of a watch (0: all), oldest first.
func (s *Store) Reviews(ctx context.Context, watchID int64) ([]ties.Review, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, watch_id, entity_id, query, decision, reason, reviewer, at, expires, entry_hash
		FROM reviews WHERE $1 = 0 OR watch_id = $1 ORDER BY id`, watchID)
	if err != nil {
		return nil, fmt.Errorf("postgres: reviews: %w", err)
	}
	defer rows.Close()
	var out []ties.Review
	for rows.Next() {
		var r ties.Review
		var expires string
		if err := rows.Scan(&r.ID, &r.WatchID, &r.EntityID, &r.Query, &r.Decision, &r.Reason, &r.Reviewer, &r.At, &expires, &r.EntryHash); err != nil {
			return nil, err
		}
		r.At = r.At.UTC()
		if r.Expires, err = ties.ParseDate(expires); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
