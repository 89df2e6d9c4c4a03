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

var _ ties.AuditStore = (*Store)(nil)

// AppendAudit appends records to the hash chain in one transaction. The
// transaction begins IMMEDIATE (the DSN's _txlock), so it holds SQLite's
// write lock from the moment it reads the last hash until it commits: two
// processes appending at once queue instead of forking the chain.
func (s *Store) AppendAudit(ctx context.Context, records []ties.AuditRecord) ([]ties.AuditRecord, error) {
	if len(records) == 0 {
		return nil, nil
	}
	out := make([]ties.AuditRecord, len(records))
	now := time.Now()
	for i, r := range records {
		if r.At.IsZero() {
			r.At = now
		}
		if r.Action == "" {
			return nil, fmt.Errorf("sqlite: append audit: record %d has no action", i)
		}
		if err := r.Normalize(); err != nil {
			return nil, fmt.Errorf("sqlite: append audit: %w", err)
		}
		out[i] = r
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("sqlite: append audit: %w", err)
	}
	defer tx.Rollback()
	if err := appendAuditTx(ctx, tx, s.auditKey, out); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("sqlite: append audit: %w", err)
	}
	return out, nil
}

const auditColumns = `seq, at, actor, action, query, versions, results, ref, decision, note, prev_hash, hash`

// scanAudit reads a stored record as it is, without checking it: a record
// that no longer parses still comes back so verification can name it.
func scanAudit(sc interface{ Scan(...any) error }) (ties.AuditRecord, error) {
	var r ties.AuditRecord
	var at, versions, results string
	if err := sc.Scan(&r.Seq, &at, &r.Actor, &r.Action, &r.Query, &versions, &results, &r.Ref, &r.Decision, &r.Note, &r.PrevHash, &r.Hash); err != nil {
		return r, err
	}
	var err error
	if r.At, err = time.Parse(ties.AuditTimeFormat, at); err != nil {
		return r, &ties.AuditChainError{Seq: r.Seq, Reason: fmt.Sprintf("at %q is not a %s time", at, ties.AuditTimeFormat)}
	}
	if err := json.Unmarshal([]byte(versions), &r.Versions); err != nil {
		return r, &ties.AuditChainError{Seq: r.Seq, Reason: fmt.Sprintf("versions %q: %v", versions, err)}
	}
	if r.Versions == nil {
		r.Versions = []int64{}
	}
	r.Results = json.RawMessage(results)
	return r, nil
}

// AuditRecords yields records with seq > after in seq order.
func (s *Store) AuditRecords(ctx context.Context, after int64, limit int) iter.Seq2[ties.AuditRecord, error] {
	return func(yield func(ties.AuditRecord, error) bool) {
		q := `SELECT ` + auditColumns + ` FROM audit WHERE seq > ? ORDER BY seq`
		args := []any{after}
		if limit > 0 {
			q += ` LIMIT ?`
			args = append(args, limit)
		}
		rows, err := s.db.QueryContext(ctx, q, args...)
		if err != nil {
			yield(ties.AuditRecord{}, fmt.Errorf("sqlite: audit records: %w", err))
			return
		}
		defer rows.Close()
		for rows.Next() {
			r, err := scanAudit(rows)
			if !yield(r, err) || err != nil {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(ties.AuditRecord{}, fmt.Errorf("sqlite: audit records: %w", err))
		}
	}
}

// AuditRecord finds one record.
func (s *Store) AuditRecord(ctx context.Context, seq int64) (ties.AuditRecord, error) {
	r, err := scanAudit(s.db.QueryRowContext(ctx, `SELECT `+auditColumns+` FROM audit WHERE seq = ?`, seq))
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("audit record %d: %w", seq, ties.ErrNotFound)
	}
	return r, err
}

// VerifyAudit checks the whole chain; see ties.VerifyAuditChain.
func (s *Store) VerifyAudit(ctx context.Context) (lastSeq int64, err error) {
	lastSeq, _, err = ties.VerifyAuditChain(s.AuditRecords(ctx, 0, 0), 0, "")
	return lastSeq, err
}

// appendAuditTx chains normalized records onto the trail inside tx (which
// holds the write lock: SQLite has one writer), setting Seq, PrevHash and
// Hash.
func appendAuditTx(ctx context.Context, tx *sql.Tx, key []byte, out []ties.AuditRecord) error {
	var seq int64
	var prev string
	err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1`).Scan(&seq, &prev)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("sqlite: append audit: read last record: %w", err)
	}
	ins, err := tx.PrepareContext(ctx, `INSERT INTO audit (seq, at, actor, action, query, versions, results, ref, decision, note, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("sqlite: append audit: %w", err)
	}
	defer ins.Close()
	for i := range out {
		r := &out[i]
		seq++
		r.Seq, r.PrevHash = seq, prev
		r.Hash = r.SealHash(key)
		versions, err := json.Marshal(r.Versions)
		if err != nil {
			return err
		}
		if _, err := ins.ExecContext(ctx, r.Seq, r.At.Format(ties.AuditTimeFormat), r.Actor, r.Action, r.Query,
			string(versions), string(r.Results), r.Ref, r.Decision, r.Note, r.PrevHash, r.Hash); err != nil {
			return fmt.Errorf("sqlite: append audit record %d: %w", r.Seq, err)
		}
		prev = r.Hash
	}
	return nil
}

// auditInTx appends rec inside tx: the audit record of a load commits
// with the load (ties.LoadAudit).
func (s *Store) auditInTx(ctx context.Context, tx *sql.Tx, rec ties.AuditRecord) error {
	rec.At = time.Now()
	if err := rec.Normalize(); err != nil {
		return fmt.Errorf("sqlite: audit the load: %w", err)
	}
	return appendAuditTx(ctx, tx, s.auditKey, []ties.AuditRecord{rec})
}

// SetAuditKey keys the hashes of the audit records appended from now on
// (ties.AuditRecord.SealHash). The key stays in memory only: keep it
// outside the database (TIES_AUDIT_KEY). Call it before serving.
func (s *Store) SetAuditKey(key []byte) { s.auditKey = append([]byte(nil), key...) }
