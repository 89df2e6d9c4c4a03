package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"ties"
)

var _ ties.MonitorStore = (*Store)(nil)

func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func parseTimeText(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.RFC3339Nano, s)
}

// nonNil: the driver stores a nil slice as NULL.
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// AddWatch stores a new watch.
func (s *Store) AddWatch(ctx context.Context, w ties.Watch) (ties.Watch, error) {
	if w.Kind != ties.WatchOrg && w.Kind != ties.WatchRoster {
		return w, fmt.Errorf("sqlite: add watch: kind %q: want org or roster", w.Kind)
	}
	roster, err := json.Marshal(w.Roster)
	if err != nil {
		return w, err
	}
	if w.Created.IsZero() {
		w.Created = time.Now()
	}
	w.Created = w.Created.UTC().Truncate(time.Microsecond)
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	res, err := s.db.ExecContext(ctx, `INSERT INTO watches (kind, label, org, roster, sink, secret, created_at, state, evaluated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		w.Kind, w.Label, w.Org, string(roster), w.Sink, w.Secret, timeText(w.Created), nonNil(w.State), timeText(w.EvaluatedAt))
	if err != nil {
		return w, fmt.Errorf("sqlite: add watch: %w", err)
	}
	w.ID, err = res.LastInsertId()
	return w, err
}

// Watches lists every watch, oldest first.
func (s *Store) Watches(ctx context.Context) ([]ties.Watch, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, kind, label, org, roster, sink, secret, created_at, state, evaluated_at FROM watches ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: watches: %w", err)
	}
	defer rows.Close()
	var out []ties.Watch
	for rows.Next() {
		var w ties.Watch
		var roster, created, evaluated string
		var state []byte
		if err := rows.Scan(&w.ID, &w.Kind, &w.Label, &w.Org, &roster, &w.Sink, &w.Secret, &created, &state, &evaluated); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(roster), &w.Roster); err != nil {
			return nil, fmt.Errorf("sqlite: watch %d roster: %w", w.ID, err)
		}
		if w.Created, err = parseTimeText(created); err != nil {
			return nil, err
		}
		if w.EvaluatedAt, err = parseTimeText(evaluated); err != nil {
			return nil, err
		}
		if len(state) > 0 {
			w.State = state
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// RemoveWatch deletes a watch and its reviews.
func (s *Store) RemoveWatch(ctx context.Context, id int64) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	res, err := s.db.ExecContext(ctx, `DELETE FROM watches WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("sqlite: remove watch %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("watch %d: %w", id, ties.ErrNotFound)
	}
	return nil
}

// SetWatchState records what the last evaluation of a watch saw.
func (s *Store) SetWatchState(ctx context.Context, id int64, state json.RawMessage, at time.Time) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	res, err := s.db.ExecContext(ctx, `UPDATE watches SET state = ?, evaluated_at = ? WHERE id = ?`, nonNil(state), timeText(at), id)
	if err != nil {
		return fmt.Errorf("sqlite: set watch %d state: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
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
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	_, err = s.db.ExecContext(ctx, `INSERT INTO change_sets (version_id, dataset, from_version, computed_at, body) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (version_id) DO UPDATE SET dataset = excluded.dataset, from_version = excluded.from_version,
			computed_at = excluded.computed_at, body = excluded.body`,
		cs.To, cs.Dataset, cs.From, timeText(cs.ComputedAt), body)
	if err != nil {
		return fmt.Errorf("sqlite: put change set for version %d: %w", cs.To, err)
	}
	return nil
}

// ChangeSet finds the change set leading to version to.
func (s *Store) ChangeSet(ctx context.Context, to int64) (ties.ChangeSet, bool, error) {
	var body []byte
	err := s.db.QueryRowContext(ctx, `SELECT body FROM change_sets WHERE version_id = ?`, to).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return ties.ChangeSet{}, false, nil
	}
	if err != nil {
		return ties.ChangeSet{}, false, fmt.Errorf("sqlite: change set for version %d: %w", to, err)
	}
	var cs ties.ChangeSet
	if err := json.Unmarshal(body, &cs); err != nil {
		return cs, false, fmt.Errorf("sqlite: change set for version %d: %w", to, err)
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
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("sqlite: enqueue alerts: %w", err)
	}
	defer tx.Rollback()
	for i, a := range alerts {
		if a.Created.IsZero() {
			a.Created = now
		}
		if a.NextAttempt.IsZero() {
			a.NextAttempt = a.Created
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO alerts (watch_id, sink, body, created_at, attempts, next_attempt) VALUES (?, ?, ?, ?, 0, ?)`,
			a.WatchID, a.Sink, nonNil(a.Body), timeText(a.Created), timeText(a.NextAttempt))
		if err != nil {
			return nil, fmt.Errorf("sqlite: enqueue alert: %w", err)
		}
		if a.ID, err = res.LastInsertId(); err != nil {
			return nil, err
		}
		out[i] = a
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("sqlite: enqueue alerts: %w", err)
	}
	return out, nil
}

const alertColumns = `id, watch_id, sink, body, created_at, attempts, next_attempt, delivered_at, last_error`

func (s *Store) queryAlerts(ctx context.Context, query string, args ...any) ([]ties.Alert, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: alerts: %w", err)
	}
	defer rows.Close()
	var out []ties.Alert
	for rows.Next() {
		var a ties.Alert
		var body []byte
		var created, next, delivered string
		if err := rows.Scan(&a.ID, &a.WatchID, &a.Sink, &body, &created, &a.Attempts, &next, &delivered, &a.LastError); err != nil {
			return nil, err
		}
		a.Body = body
		for _, t := range []struct {
			s string
			t *time.Time
		}{{created, &a.Created}, {next, &a.NextAttempt}, {delivered, &a.DeliveredAt}} {
			if *t.t, err = parseTimeText(t.s); err != nil {
				return nil, fmt.Errorf("sqlite: alert %d: %w", a.ID, err)
			}
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// PendingAlerts lists undelivered alerts due by now, oldest first. Times
// are stored as RFC 3339 UTC text with a fixed layout up to the fraction,
// so they are compared after parsing rather than as strings.
func (s *Store) PendingAlerts(ctx context.Context, now time.Time) ([]ties.Alert, error) {
	all, err := s.queryAlerts(ctx, `SELECT `+alertColumns+` FROM alerts WHERE delivered_at = '' ORDER BY id`)
	if err != nil {
		return nil, err
	}
	var due []ties.Alert
	for _, a := range all {
		if !a.NextAttempt.After(now) {
			due = append(due, a)
		}
	}
	return due, nil
}

// Alerts lists alerts, newest first.
func (s *Store) Alerts(ctx context.Context, limit int) ([]ties.Alert, error) {
	if limit <= 0 {
		limit = -1
	}
	return s.queryAlerts(ctx, `SELECT `+alertColumns+` FROM alerts ORDER BY id DESC LIMIT ?`, limit)
}

// MarkAlert records one delivery attempt.
func (s *Store) MarkAlert(ctx context.Context, id int64, delivered bool, at time.Time, errText string, next time.Time) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	var res sql.Result
	var err error
	if delivered {
		res, err = s.db.ExecContext(ctx, `UPDATE alerts SET attempts = attempts + 1, delivered_at = ?, last_error = '' WHERE id = ?`, timeText(at), id)
	} else {
		res, err = s.db.ExecContext(ctx, `UPDATE alerts SET attempts = attempts + 1, last_error = ?, next_attempt = ? WHERE id = ?`, errText, timeText(next), id)
	}
	if err != nil {
		return fmt.Errorf("sqlite: mark alert %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("alert %d: %w", id, ties.ErrNotFound)
	}
	return nil
}

// AddReview stores a review decision.
func (s *Store) AddReview(ctx context.Context, r ties.Review) (ties.Review, error) {
	if r.Decision != ties.ReviewFalsePositive && r.Decision != ties.ReviewConfirmed {
		return r, fmt.Errorf("sqlite: add review: decision %q: want %s or %s", r.Decision, ties.ReviewFalsePositive, ties.ReviewConfirmed)
	}
	if r.At.IsZero() {
		r.At = time.Now()
	}
	r.At = r.At.UTC().Truncate(time.Microsecond)
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	res, err := s.db.ExecContext(ctx, `INSERT INTO reviews (watch_id, entity_id, query, decision, reason, reviewer, at, expires, entry_hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.WatchID, r.EntityID, r.Query, r.Decision, r.Reason, r.Reviewer, timeText(r.At), r.Expires.String(), r.EntryHash)
	if err != nil {
		if isForeignKey(err) {
			return r, fmt.Errorf("watch %d: %w", r.WatchID, ties.ErrNotFound)
		}
		return r, fmt.Errorf("sqlite: add review: %w", err)
	}
	r.ID, err = res.LastInsertId()
	return r, err
}

func isForeignKey(err error) bool {
	return err != nil && strings.Contains(strings.ToUpper(err.Error()), "FOREIGN KEY")
}

// Reviews lists the reviews of a watch (0: all), oldest first.
func (s *Store) Reviews(ctx context.Context, watchID int64) ([]ties.Review, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, watch_id, entity_id, query, decision, reason, reviewer, at, expires, entry_hash
		FROM reviews WHERE ? = 0 OR watch_id = ? ORDER BY id`, watchID, watchID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: reviews: %w", err)
	}
	defer rows.Close()
	var out []ties.Review
	for rows.Next() {
		var r ties.Review
		var at, expires string
		if err := rows.Scan(&r.ID, &r.WatchID, &r.EntityID, &r.Query, &r.Decision, &r.Reason, &r.Reviewer, &at, &expires, &r.EntryHash); err != nil {
			return nil, err
		}
		if r.At, err = parseTimeText(at); err != nil {
			return nil, err
		}
		if r.Expires, err = ties.ParseDate(expires); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
