package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"time"

	"ties"
)

// LoadVersion stores the records as a new version of v.Dataset and puts it
// in force, all in one transaction. If records yields an error or ctx ends
// first, nothing is stored and the previous version stays in force. It
// always loads, even when the content hash is already known; callers that
// want to skip unchanged content ask VersionByHash first.
//
// v.LoadedAt defaults to now; ID, Rows and InForce are set by the store.
// Lists named by the records are upserted (non-empty fields win); list ids
// that designations use without describing them are added with empty names.
func (s *Store) LoadVersion(ctx context.Context, v ties.ListVersion, records iter.Seq2[ties.Record, error]) (ties.ListVersion, error) {
	if v.Dataset == "" {
		return ties.ListVersion{}, errors.New("sqlite: load version: empty dataset name")
	}
	if v.LoadedAt.IsZero() {
		v.LoadedAt = time.Now()
	}
	v.LoadedAt = v.LoadedAt.UTC()

	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return ties.ListVersion{}, loadErr(v.Dataset, err)
	}
	defer tx.Rollback()

	res, err := tx.ExecContext(ctx,
		`INSERT INTO versions (dataset, format, hash, loaded_at, data_date, origin, rows) VALUES (?, ?, ?, ?, ?, ?, 0)`,
		v.Dataset, v.Format, v.Hash, v.LoadedAt.Format(time.RFC3339Nano), v.DataDate.String(), v.Origin)
	if err != nil {
		return ties.ListVersion{}, loadErr(v.Dataset, err)
	}
	if v.ID, err = res.LastInsertId(); err != nil {
		return ties.ListVersion{}, loadErr(v.Dataset, err)
	}

	w, err := newEntryWriter(ctx, tx, v.ID)
	if err != nil {
		return ties.ListVersion{}, loadErr(v.Dataset, err)
	}
	defer w.close()
	rows := 0
	for rec, err := range records {
		if err != nil {
			return ties.ListVersion{}, loadErr(v.Dataset, err)
		}
		if err := ctx.Err(); err != nil {
			return ties.ListVersion{}, loadErr(v.Dataset, err)
		}
		if rec.Entity.ID == "" {
			return ties.ListVersion{}, loadErr(v.Dataset, fmt.Errorf("record %d has no entity id", rows+1))
		}
		if err := w.write(ctx, rows, &rec); err != nil {
			return ties.ListVersion{}, loadErr(v.Dataset, fmt.Errorf("record %d (%s): %w", rows+1, rec.Entity.ID, err))
		}
		rows++
	}
	if err := ctx.Err(); err != nil {
		return ties.ListVersion{}, loadErr(v.Dataset, err)
	}
	v.Rows = rows
	if _, err := tx.ExecContext(ctx, `UPDATE versions SET rows = ? WHERE id = ?`, rows, v.ID); err != nil {
		return ties.ListVersion{}, loadErr(v.Dataset, err)
	}
	if _, err := tx.ExecContext(ctx,
		`INSERT INTO dataset_in_force (dataset, version_id) VALUES (?, ?)
		 ON CONFLICT (dataset) DO UPDATE SET version_id = excluded.version_id`, v.Dataset, v.ID); err != nil {
		return ties.ListVersion{}, loadErr(v.Dataset, err)
	}
	w.close()
	v.InForce = true
	if la, ok := ties.LoadAuditFrom(ctx); ok {
		if err := s.auditInTx(ctx, tx, la.VersionRecord(v)); err != nil {
			return ties.ListVersion{}, loadErr(v.Dataset, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return ties.ListVersion{}, loadErr(v.Dataset, err)
	}
	return v, nil
}

func loadErr(dataset string, err error) error {
	return fmt.Errorf("load %s: %w", dataset, err)
}

// entryWriter holds the prepared statements of one load.
type entryWriter struct {
	versionID   int64
	entry       *sql.Stmt
	designation *sql.Stmt
	upsertList  *sql.Stmt
	ensureList  *sql.Stmt
	lists       map[ties.List]bool // lists already upserted in this load
	listIDs     map[string]bool    // list ids known to exist
	buf         []byte             // reused for each entity blob
}

func newEntryWriter(ctx context.Context, tx *sql.Tx, versionID int64) (*entryWriter, error) {
	w := &entryWriter{versionID: versionID, lists: map[ties.List]bool{}, listIDs: map[string]bool{}}
	var err error
	prepare := func(q string) *sql.Stmt {
		if err != nil {
			return nil
		}
		var st *sql.Stmt
		st, err = tx.PrepareContext(ctx, q)
		return st
	}
	w.entry = prepare(`INSERT INTO entries (version_id, seq, entity_id, entity) VALUES (?, ?, ?, ?)`)
	w.designation = prepare(`INSERT INTO designations (version_id, entry_seq, idx, entity_id, list_id, source_id,
		start_date, end_date, authority, program, license_policy, source_url, parent)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	w.upsertList = prepare(`INSERT INTO lists (id, name, authority) VALUES (?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET
			name = CASE WHEN excluded.name <> '' THEN excluded.name ELSE lists.name END,
			authority = CASE WHEN excluded.authority <> '' THEN excluded.authority ELSE lists.authority END`)
	w.ensureList = prepare(`INSERT INTO lists (id, name, authority) VALUES (?, '', '') ON CONFLICT (id) DO NOTHING`)
	if err != nil {
		w.close()
		return nil, err
	}
	return w, nil
}

func (w *entryWriter) close() {
	for _, st := range []*sql.Stmt{w.entry, w.designation, w.upsertList, w.ensureList} {
		if st != nil {
			st.Close()
		}
	}
}

func (w *entryWriter) write(ctx context.Context, seq int, rec *ties.Record) error {
	for _, l := range rec.Lists {
		if l.ID == "" || w.lists[l] {
			continue
		}
		if _, err := w.upsertList.ExecContext(ctx, l.ID, l.Name, l.Authority); err != nil {
			return fmt.Errorf("list %s: %w", l.ID, err)
		}
		w.lists[l] = true
		w.listIDs[l.ID] = true
	}
	w.buf = encodeEntity(w.buf, &rec.Entity)
	if _, err := w.entry.ExecContext(ctx, w.versionID, seq, rec.Entity.ID, w.buf); err != nil {
		return err
	}
	for i := range rec.Designations {
		d := &rec.Designations[i]
		if !w.listIDs[d.ListID] {
			if _, err := w.ensureList.ExecContext(ctx, d.ListID); err != nil {
				return fmt.Errorf("list %s: %w", d.ListID, err)
			}
			w.listIDs[d.ListID] = true
		}
		if _, err := w.designation.ExecContext(ctx, w.versionID, seq, i, d.EntityID, d.ListID, d.SourceID,
			d.Start.String(), d.End.String(), d.Authority, d.Program, d.LicensePolicy, d.SourceURL, d.Parent); err != nil {
			return fmt.Errorf("designation %d: %w", i+1, err)
		}
	}
	return nil
}

const versionColumns = `v.id, v.dataset, v.format, v.hash, v.loaded_at, v.data_date, v.origin, v.rows,
	EXISTS (SELECT 1 FROM dataset_in_force f WHERE f.version_id = v.id)`

func scanVersion(sc interface{ Scan(...any) error }) (ties.ListVersion, error) {
	var (
		v                  ties.ListVersion
		loadedAt, dataDate string
	)
	if err := sc.Scan(&v.ID, &v.Dataset, &v.Format, &v.Hash, &loadedAt, &dataDate, &v.Origin, &v.Rows, &v.InForce); err != nil {
		return v, err
	}
	var err error
	if v.LoadedAt, err = time.Parse(time.RFC3339Nano, loadedAt); err != nil {
		return v, fmt.Errorf("version %d: loaded_at: %w", v.ID, err)
	}
	if v.DataDate, err = ties.ParseDate(dataDate); err != nil {
		return v, fmt.Errorf("version %d: data_date: %w", v.ID, err)
	}
	return v, nil
}

func (s *Store) queryVersions(ctx context.Context, query string, args ...any) ([]ties.ListVersion, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
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
		FROM dataset_in_force f JOIN versions v ON v.id = f.version_id ORDER BY v.dataset`)
}

// Version returns the version with the given id.
func (s *Store) Version(ctx context.Context, id int64) (ties.ListVersion, bool, error) {
	v, err := scanVersion(s.db.QueryRowContext(ctx, `SELECT `+versionColumns+` FROM versions v WHERE v.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return ties.ListVersion{}, false, nil
	}
	return v, err == nil, err
}

// VersionByHash returns the newest version of dataset whose content hash is
// hash; its InForce says whether loading the same content again would
// change anything.
func (s *Store) VersionByHash(ctx context.Context, dataset, hash string) (ties.ListVersion, bool, error) {
	v, err := scanVersion(s.db.QueryRowContext(ctx, `SELECT `+versionColumns+` FROM versions v
		WHERE v.dataset = ? AND v.hash = ? ORDER BY v.id DESC LIMIT 1`, dataset, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return ties.ListVersion{}, false, nil
	}
	return v, err == nil, err
}

// Lists returns every list known to the store, by id.
func (s *Store) Lists(ctx context.Context) ([]ties.List, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, name, authority FROM lists ORDER BY id`)
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

// entriesQuery joins each entry to its designations; rows of one entry are
// adjacent and ordered, so one pass rebuilds the records.
const entriesQuery = `SELECT e.version_id, v.dataset, e.seq, e.entity, d.idx,
	COALESCE(d.entity_id, ''), COALESCE(d.list_id, ''), COALESCE(d.source_id, ''),
	COALESCE(d.start_date, ''), COALESCE(d.end_date, ''), COALESCE(d.authority, ''),
	COALESCE(d.program, ''), COALESCE(d.license_policy, ''), COALESCE(d.source_url, ''),
	COALESCE(d.parent, '')
FROM entries e
JOIN versions v ON v.id = e.version_id
LEFT JOIN designations d ON d.version_id = e.version_id AND d.entry_seq = e.seq
`

const entriesOfVersion = entriesQuery + `WHERE e.version_id = ? ORDER BY e.seq, d.idx`

// Entries yields the entries of the given version in load order. Entry.Lists
// is left empty; Lists describes every list. An unknown version yields an
// error.
func (s *Store) Entries(ctx context.Context, versionID int64) iter.Seq2[ties.Entry, error] {
	return func(yield func(ties.Entry, error) bool) {
		if _, ok, err := s.Version(ctx, versionID); err != nil || !ok {
			if err == nil {
				err = fmt.Errorf("list version %d not found", versionID)
			}
			yield(ties.Entry{}, err)
			return
		}
		s.streamEntries(ctx, yield, entriesOfVersion, versionID)
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
			if !s.streamEntries(ctx, yield, entriesOfVersion, v.ID) {
				return
			}
		}
	}
}

// streamEntries yields the entries query returns; false means stop (the
// consumer stopped or an error was yielded).
func (s *Store) streamEntries(ctx context.Context, yield func(ties.Entry, error) bool, query string, args ...any) bool {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		yield(ties.Entry{}, err)
		return false
	}
	defer rows.Close()
	var (
		cur     ties.Entry
		curSeq  int64 = -1
		curVer  int64 = -1
		have    bool
		entity  sql.RawBytes
		idx     sql.NullInt64
		d       ties.Designation
		start   string
		end     string
		verID   int64
		dataset string
		seq     int64
	)
	for rows.Next() {
		if err := rows.Scan(&verID, &dataset, &seq, &entity, &idx, &d.EntityID, &d.ListID, &d.SourceID,
			&start, &end, &d.Authority, &d.Program, &d.LicensePolicy, &d.SourceURL, &d.Parent); err != nil {
			yield(ties.Entry{}, err)
			return false
		}
		if seq != curSeq || verID != curVer {
			if have && !yield(cur, nil) {
				return false
			}
			cur = ties.Entry{VersionID: verID, Dataset: dataset}
			if err := decodeEntity(entity, &cur.Entity); err != nil {
				yield(ties.Entry{}, fmt.Errorf("version %d entry %d: %w", verID, seq, err))
				return false
			}
			curSeq, curVer, have = seq, verID, true
		}
		if !idx.Valid {
			continue
		}
		if d.Start, err = ties.ParseDate(start); err == nil {
			d.End, err = ties.ParseDate(end)
		}
		if err != nil {
			yield(ties.Entry{}, fmt.Errorf("version %d entry %d designation %d: %w", verID, seq, idx.Int64, err))
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
