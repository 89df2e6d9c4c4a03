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
)

// AppendAudit appends records to the hash chain in one transaction. An
// advisory lock held from reading the last hash until commit makes
// appenders in every process on the database take turns, so replicas
// writing at once extend one chain instead of forking it.
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
			return nil, fmt.Errorf("postgres: append audit: record %d has no action", i)
		}
		if err := r.Normalize(); err != nil {
			return nil, fmt.Errorf("postgres: append audit: %w", err)
		}
		// PostgreSQL text holds no NUL and no bad UTF-8: refuse such a
		// record here, by name, before it can fail the whole COPY.
		for _, f := range []struct{ name, v string }{{"actor", r.Actor}, {"query", r.Query}, {"decision", r.Decision}, {"note", r.Note}, {"results", string(r.Results)}} {
			if err := ties.CheckText(f.v); err != nil {
				return nil, fmt.Errorf("postgres: append audit: record %d: %s %w", i, f.name, err)
			}
		}
		out[i] = r
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("postgres: append audit: %w", err)
	}
	defer tx.Rollback(context.Background())
	if err := appendAuditTx(ctx, tx, s.auditKey, out); err != nil {
		return nil, err
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("postgres: append audit: %w", err)
	}
	return out, nil
}

func auditRow(r *ties.AuditRecord) ([]any, error) {
	versions, err := json.Marshal(r.Versions)
	if err != nil {
		return nil, err
	}
	return []any{r.Seq, r.At.UTC().Format(ties.AuditTimeFormat), r.Actor, r.Action, r.Query,
		string(versions), string(r.Results), r.Ref, r.Decision, r.Note, r.PrevHash, r.Hash}, nil
}

func copyAudit(ctx context.Context, tx pgx.Tx, rows [][]any) error {
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"audit"}, []string{"seq", "at", "actor", "action", "query", "versions",
		"results", "ref", "decision", "note", "prev_hash", "hash"}, pgx.CopyFromRows(rows))
	return err
}

const auditColumns = `seq, at, actor, action, query, versions, results, ref, decision, note, prev_hash, hash`

// scanAudit reads a stored record as it is, without checking it: a record
// that no longer parses still comes back so verification can name it.
func scanAudit(sc pgx.Row) (ties.AuditRecord, error) {
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

// AuditRecords yields records with seq > after in seq order; limit <= 0
// means all.
func (s *Store) AuditRecords(ctx context.Context, after int64, limit int) iter.Seq2[ties.AuditRecord, error] {
	return func(yield func(ties.AuditRecord, error) bool) {
		q := `SELECT ` + auditColumns + ` FROM audit WHERE seq > $1 ORDER BY seq`
		args := []any{after}
		if limit > 0 {
			q += ` LIMIT $2`
			args = append(args, limit)
		}
		rows, err := s.pool.Query(ctx, q, args...)
		if err != nil {
			yield(ties.AuditRecord{}, fmt.Errorf("postgres: audit records: %w", err))
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
			yield(ties.AuditRecord{}, fmt.Errorf("postgres: audit records: %w", err))
		}
	}
}

// AuditRecord finds one record.
func (s *Store) AuditRecord(ctx context.Context, seq int64) (ties.AuditRecord, error) {
	r, err := scanAudit(s.pool.QueryRow(ctx, `SELECT `+auditColumns+` FROM audit WHERE seq = $1`, seq))
	if errors.Is(err, pgx.ErrNoRows) {
		return r, fmt.Errorf("audit record %d: %w", seq, ties.ErrNotFound)
	}
	return r, err
}

// VerifyAudit checks the whole chain; see ties.VerifyAuditChain.
func (s *Store) VerifyAudit(ctx context.Context) (lastSeq int64, err error) {
	lastSeq, _, err = ties.VerifyAuditChain(s.AuditRecords(ctx, 0, 0), 0, "")
	return lastSeq, err
}

// appendAuditTx chains normalized records onto the trail inside tx,
// setting Seq, PrevHash and Hash. An advisory lock held from reading the
// last hash until tx ends makes appenders in every process take turns.
func appendAuditTx(ctx context.Context, tx pgx.Tx, key []byte, out []ties.AuditRecord) error {
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, lockAudit); err != nil {
		return fmt.Errorf("postgres: append audit: lock: %w", err)
	}
	var seq int64
	var prev string
	err := tx.QueryRow(ctx, `SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1`).Scan(&seq, &prev)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("postgres: append audit: read last record: %w", err)
	}
	rows := make([][]any, len(out))
	for i := range out {
		r := &out[i]
		seq++
		r.Seq, r.PrevHash = seq, prev
		r.Hash = r.SealHash(key)
		row, err := auditRow(r)
		if err != nil {
			return err
		}
		rows[i] = row
		prev = r.Hash
	}
	if err := copyAudit(ctx, tx, rows); err != nil {
		return fmt.Errorf("postgres: append audit: %w", err)
	}
	return nil
}

// auditInTx appends rec inside tx: the audit record of a load commits
// with the load (ties.LoadAudit).
func (s *Store) auditInTx(ctx context.Context, tx pgx.Tx, rec ties.AuditRecord) error {
	rec.At = time.Now()
	if err := rec.Normalize(); err != nil {
		return fmt.Errorf("postgres: audit the load: %w", err)
	}
	return appendAuditTx(ctx, tx, s.auditKey, []ties.AuditRecord{rec})
}

// SetAuditKey keys the hashes of the audit records appended from now on
// (ties.AuditRecord.SealHash). The key stays in memory only: keep it
// outside the database (TIES_AUDIT_KEY). Call it before serving.
func (s *Store) SetAuditKey(key []byte) { s.auditKey = append([]byte(nil), key...) }
