package postgres

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"ties"
	"ties/internal/entitycodec"
)

// copyBatch is how many records a load buffers before it COPYs them: large
// enough to amortize a round trip, small enough to keep memory flat.
const copyBatch = 2000

// LoadVersion stores the records as a new version of v.Dataset and puts it
// in force, all in one transaction: entries and designations go in by COPY
// in batches, and the in-force pointer moves in the last statement, so
// readers (who go through dataset_in_force) see the whole version or none
// of it. If records yields an error, ctx ends or the process dies first,
// nothing is stored and the previous version stays in force. At commit,
// NotifyChannel carries the new version id.
//
// v.LoadedAt defaults to now; ID, Rows and InForce are set by the store.
// Lists named by the records are upserted (non-empty fields win); list ids
// that designations use without describing them are added with empty names.
func (s *Store) LoadVersion(ctx context.Context, v ties.ListVersion, records iter.Seq2[ties.Record, error]) (ties.ListVersion, error) {
	if v.Dataset == "" {
		return ties.ListVersion{}, errors.New("postgres: load version: empty dataset name")
	}
	if v.LoadedAt.IsZero() {
		v.LoadedAt = time.Now()
	}
	v.LoadedAt = v.LoadedAt.UTC().Truncate(time.Microsecond)
	v, err := s.loadVersion(ctx, v, records, false)
	if err != nil {
		return ties.ListVersion{}, fmt.Errorf("load %s: %w", v.Dataset, err)
	}
	return v, nil
}

// loadVersion runs a load; keep (used by import) stores v with its own
// ID and Rows and puts it in force only when v.InForce says so.
func (s *Store) loadVersion(ctx context.Context, v ties.ListVersion, records iter.Seq2[ties.Record, error], keep bool) (ties.ListVersion, error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return v, err
	}
	defer tx.Rollback(context.Background())
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, lockClassLoad, v.Dataset); err != nil {
		return v, err
	}
	// Designations refer to lists, whose upserts come last (below); the
	// check waits for commit.
	if _, err := tx.Exec(ctx, `SET CONSTRAINTS designations_list_id_fkey DEFERRED`); err != nil {
		return v, err
	}
	if keep {
		_, err = tx.Exec(ctx, `INSERT INTO versions (id, dataset, format, hash, loaded_at, data_date, origin, rows)
			VALUES ($1, $2, $3, $4, $5, $6, $7, 0)`, v.ID, v.Dataset, v.Format, v.Hash, v.LoadedAt, v.DataDate.String(), v.Origin)
		if err == nil {
			_, err = tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence('versions', 'id'), (SELECT max(id) FROM versions))`)
		}
	} else {
		err = tx.QueryRow(ctx, `INSERT INTO versions (dataset, format, hash, loaded_at, data_date, origin, rows)
			VALUES ($1, $2, $3, $4, $5, $6, 0) RETURNING id`,
			v.Dataset, v.Format, v.Hash, v.LoadedAt, v.DataDate.String(), v.Origin).Scan(&v.ID)
	}
	if err != nil {
		return v, err
	}
	w := &entryLoader{tx: tx, versionID: v.ID, lists: map[string]ties.List{}}
	rows := 0
	for rec, err := range records {
		if err != nil {
			return v, err
		}
		if err := ctx.Err(); err != nil {
			return v, err
		}
		if rec.Entity.ID == "" {
			return v, fmt.Errorf("record %d has no entity id", rows+1)
		}
		w.add(rows, &rec)
		rows++
		if len(w.entries) >= copyBatch {
			if err := w.flush(ctx); err != nil {
				return v, err
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return v, err
	}
	if err := w.flush(ctx); err != nil {
		return v, err
	}
	if err := w.upsertLists(ctx); err != nil {
		return v, err
	}
	v.Rows = rows
	if _, err := tx.Exec(ctx, `UPDATE versions SET rows = $1 WHERE id = $2`, rows, v.ID); err != nil {
		return v, err
	}
	if !keep || v.InForce {
		if _, err := tx.Exec(ctx, `INSERT INTO dataset_in_force (dataset, version_id) VALUES ($1, $2)
			ON CONFLICT (dataset) DO UPDATE SET version_id = excluded.version_id`, v.Dataset, v.ID); err != nil {
			return v, err
		}
		if err := notify(ctx, tx, v.ID); err != nil {
			return v, err
		}
	}
	v.InForce = !keep || v.InForce
	if la, ok := ties.LoadAuditFrom(ctx); ok {
		if err := s.auditInTx(ctx, tx, la.VersionRecord(v)); err != nil {
			return v, err
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return v, err
	}
	return v, nil
}

// entryLoader buffers the rows of one load for COPY.
type entryLoader struct {
	tx           pgx.Tx
	versionID    int64
	entries      [][]any
	designations [][]any
	lists        map[string]ties.List // by id: described lists merged, bare ids with empty fields
}

func (w *entryLoader) add(seq int, rec *ties.Record) {
	for _, l := range rec.Lists {
		if l.ID == "" {
			continue
		}
		have := w.lists[l.ID]
		if l.Name != "" {
			have.Name = l.Name
		}
		if l.Authority != "" {
			have.Authority = l.Authority
		}
		have.ID = l.ID
		w.lists[l.ID] = have
	}
	w.entries = append(w.entries, []any{w.versionID, int32(seq), rec.Entity.ID, entitycodec.Encode(nil, &rec.Entity)})
	for i := range rec.Designations {
		d := &rec.Designations[i]
		if _, ok := w.lists[d.ListID]; !ok {
			w.lists[d.ListID] = ties.List{ID: d.ListID}
		}
		w.designations = append(w.designations, []any{w.versionID, int32(seq), int32(i), d.EntityID, d.ListID, d.SourceID,
			d.Start.String(), d.End.String(), d.Authority, d.Program, d.LicensePolicy, d.SourceURL, d.Parent})
	}
}

var (
	entryColumns       = []string{"version_id", "seq", "entity_id", "entity"}
	designationColumns = []string{"version_id", "entry_seq", "idx", "entity_id", "list_id", "source_id",
		"start_date", "end_date", "authority", "program", "license_policy", "source_url", "parent"}
)

func (w *entryLoader) flush(ctx context.Context) error {
	if len(w.entries) > 0 {
		if _, err := w.tx.CopyFrom(ctx, pgx.Identifier{"entries"}, entryColumns, pgx.CopyFromRows(w.entries)); err != nil {
			return fmt.Errorf("copy entries: %w", err)
		}
	}
	if len(w.designations) > 0 {
		if _, err := w.tx.CopyFrom(ctx, pgx.Identifier{"designations"}, designationColumns, pgx.CopyFromRows(w.designations)); err != nil {
			return fmt.Errorf("copy designations: %w", err)
		}
	}
	w.entries, w.designations = w.entries[:0], w.designations[:0]
	return nil
}

// upsertLists writes the lists of the load in id order, so two loads that
// share lists lock their rows in the same order and cannot deadlock.
func (w *entryLoader) upsertLists(ctx context.Context) error {
	ids := make([]string, 0, len(w.lists))
	for id := range w.lists {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		l := w.lists[id]
		if _, err := w.tx.Exec(ctx, `INSERT INTO lists (id, name, authority) VALUES ($1, $2, $3)
			ON CONFLICT (id) DO UPDATE SET
				name = CASE WHEN excluded.name <> '' THEN excluded.name ELSE lists.name END,
				authority = CASE WHEN excluded.authority <> '' THEN excluded.authority ELSE lists.authority END
			WHERE excluded.name <> '' OR excluded.authority <> ''`, l.ID, l.Name, l.Authority); err != nil {
			return fmt.Errorf("list %s: %w", l.ID, err)
		}
	}
	return nil
}

const versionColumns = `v.id, v.dataset, v.format, v.hash, v.loaded_at, v.data_date, v.origin, v.rows,
	EXISTS (SELECT 1 FROM dataset_in_force f WHERE f.version_id = v.id)`

func scanVersion(sc pgx.Row) (ties.ListVersion, error) {
	var (
		v        ties.ListVersion
		dataDate string
	)
	if err := sc.Scan(&v.ID, &v.Dataset, &v.Format, &v.Hash, &v.LoadedAt, &dataDate, &v.Origin, &v.Rows, &v.InForce); err != nil {
		return v, err
	}
	v.LoadedAt = v.LoadedAt.UTC()
	var err error
	if v.DataDate, err = ties.ParseDate(dataDate); err != nil {
		return v, fmt.Errorf("version %d: data_date: %w", v.ID, err)
	}
	return v, nil
}

func (s *Store) queryVersions(ctx context.Context, query string, args ...any) ([]ties.ListVersion, error) {
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ties.ListVersion
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Versions lists every version, newest first.
func (s *Store) Versions(ctx context.Context) ([]ties.ListVersion, error) {
	return s.queryVersions(ctx, `SELECT `+versionColumns+` FROM versions v ORDER BY v.id DESC`)
}

// InForce lists the version in force of each dataset, by dataset name.
func (s *Store) InForce(ctx context.Context) ([]ties.ListVersion, error) {
	return s.queryVersions(ctx, `SELECT `+versionColumns+`
		FROM dataset_in_force f JOIN versions v ON v.id = f.version_id ORDER BY v.dataset COLLATE "C"`)
}

// Version returns the version with the given id.
func (s *Store) Version(ctx context.Context, id int64) (ties.ListVersion, bool, error) {
	v, err := scanVersion(s.pool.QueryRow(ctx, `SELECT `+versionColumns+` FROM versions v WHERE v.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return ties.ListVersion{}, false, nil
	}
	return v, err == nil, err
}

// VersionByHash returns the newest version of dataset whose content hash is
// hash.
func (s *Store) VersionByHash(ctx context.Context, dataset, hash string) (ties.ListVersion, bool, error) {
	v, err := scanVersion(s.pool.QueryRow(ctx, `SELECT `+versionColumns+` FROM versions v
		WHERE v.dataset = $1 AND v.hash = $2 ORDER BY v.id DESC LIMIT 1`, dataset, hash))
	if errors.Is(err, pgx.ErrNoRows) {
		return ties.ListVersion{}, false, nil
	}
	return v, err == nil, err
}

// Lists returns every list known to the store, by id.
func (s *Store) Lists(ctx context.Context) ([]ties.List, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, name, authority FROM lists ORDER BY id COLLATE "C"`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ties.List
	for rows.Next() {
		var l ties.List
		if err := rows.Scan(&l.ID, &l.Name, &l.Authority); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// entriesOfVersion joins each entry to its designations; rows of one entry
// are adjacent and ordered, so one pass rebuilds the records.
const entriesOfVersion = `SELECT e.seq, e.entity, d.idx,
	COALESCE(d.entity_id, ''), COALESCE(d.list_id, ''), COALESCE(d.source_id, ''),
	COALESCE(d.start_date, ''), COALESCE(d.end_date, ''), COALESCE(d.authority, ''),
	COALESCE(d.program, ''), COALESCE(d.license_policy, ''), COALESCE(d.source_url, ''),
	COALESCE(d.parent, '')
FROM entries e
LEFT JOIN designations d ON d.version_id = e.version_id AND d.entry_seq = e.seq
WHERE e.version_id = $1 ORDER BY e.seq, d.idx`

// Entries yields the entries of the given version in load order. An
// unknown version yields an error.
func (s *Store) Entries(ctx context.Context, versionID int64) iter.Seq2[ties.Entry, error] {
	return func(yield func(ties.Entry, error) bool) {
		v, ok, err := s.Version(ctx, versionID)
		if err != nil || !ok {
			if err == nil {
				err = fmt.Errorf("list version %d not found", versionID)
			}
			yield(ties.Entry{}, err)
			return
		}
		s.streamEntries(ctx, yield, v)
	}
}

// InForceEntries yields the entries of every version in force, dataset by
// dataset, in load order. The versions are those in force when iteration
// starts; each is immutable, so a load meanwhile changes nothing yielded.
func (s *Store) InForceEntries(ctx context.Context) iter.Seq2[ties.Entry, error] {
	return func(yield func(ties.Entry, error) bool) {
		inForce, err := s.InForce(ctx)
		if err != nil {
			yield(ties.Entry{}, err)
			return
		}
		for _, v := range inForce {
			if !s.streamEntries(ctx, yield, v) {
				return
			}
		}
	}
}

// streamEntries yields the entries of v; false means stop (the consumer
// stopped or an error was yielded).
func (s *Store) streamEntries(ctx context.Context, yield func(ties.Entry, error) bool, v ties.ListVersion) bool {
	rows, err := s.pool.Query(ctx, entriesOfVersion, v.ID)
	if err != nil {
		yield(ties.Entry{}, err)
		return false
	}
	defer rows.Close()
	var (
		cur        ties.Entry
		curSeq     int32 = -1
		have       bool
		seq        int32
		entity     []byte
		idx        *int32
		d          ties.Designation
		start, end string
	)
	for rows.Next() {
		if err := rows.Scan(&seq, &entity, &idx, &d.EntityID, &d.ListID, &d.SourceID,
			&start, &end, &d.Authority, &d.Program, &d.LicensePolicy, &d.SourceURL, &d.Parent); err != nil {
			yield(ties.Entry{}, err)
			return false
		}
		if seq != curSeq || !have {
			if have && !yield(cur, nil) {
				return false
			}
			cur = ties.Entry{VersionID: v.ID, Dataset: v.Dataset}
			if err := entitycodec.Decode(entity, &cur.Entity); err != nil {
				yield(ties.Entry{}, fmt.Errorf("version %d entry %d: %w", v.ID, seq, err))
				return false
			}
			curSeq, have = seq, true
		}
		if idx == nil {
			continue
		}
		if d.Start, err = ties.ParseDate(start); err == nil {
			d.End, err = ties.ParseDate(end)
		}
		if err != nil {
			yield(ties.Entry{}, fmt.Errorf("version %d entry %d designation %d: %w", v.ID, seq, *idx, err))
			return false
		}
		cur.Designations = append(cur.Designations, d)
	}
	if err := rows.Err(); err != nil {
		yield(ties.Entry{}, err)
		return false
	}
	return !have || yield(cur, nil)
}
