// Package sqlite keeps ties' lists, list versions and ties graph in an
// embedded SQLite database (modernc.org/sqlite, pure Go).
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"ties"
)

// Store is a ties.Store in one SQLite file. It is safe for concurrent use:
// reads run in parallel on the connection pool, writes are serialized.
type Store struct {
	db   *sql.DB
	path string
	// writeMu serializes writers inside this process so they queue here
	// instead of spinning on SQLite's busy handler.
	writeMu sync.Mutex
	// auditKey keys audit hashes (SetAuditKey); set before use.
	auditKey []byte
}

var _ ties.Store = (*Store)(nil)

// Open opens (creating if needed) the database at path and brings its
// schema up to date. It refuses a database written by a newer ties.
//
// The connection runs in WAL mode (readers never block the writer) with
// synchronous=FULL: writes are few and large (one commit per list load), so
// the extra fsync per commit costs nothing noticeable, and in exchange a
// load that reported success survives a power cut — screening results cite
// version ids, which must not vanish.
func Open(path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("sqlite: empty database path")
	}
	if strings.ContainsRune(path, '?') {
		return nil, fmt.Errorf("sqlite: database path %q must not contain '?'", path)
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("sqlite: create directory for %s: %w", path, err)
		}
	}
	dsn := path + "?_busy_timeout=10000&_journal_mode=WAL&_foreign_keys=1&_synchronous=FULL&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	s := &Store{db: db, path: path}
	if err := s.migrate(context.Background()); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: %s: %w", path, err)
	}
	return s, nil
}

// Path is the file the store was opened on.
func (s *Store) Path() string { return s.path }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// SchemaVersion is the schema version this binary writes.
func SchemaVersion() int { return len(migrations) }

// ErrSchemaTooNew is returned (wrapped) by Open for a database written by a
// newer ties.
var ErrSchemaTooNew = errors.New("database schema is newer than this ties binary supports")

type schemaTooNewError struct{ have, want int }

func (e schemaTooNewError) Error() string {
	return fmt.Sprintf("database schema version %d is newer than this ties binary supports (%d); upgrade ties", e.have, e.want)
}

func (e schemaTooNewError) Is(target error) bool { return target == ErrSchemaTooNew }

// migrate applies the missing migrations in one transaction. _txlock=immediate
// makes BEGIN take the write lock, so two processes opening a fresh file at
// once do not both try to create the schema.
func (s *Store) migrate(ctx context.Context) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var have int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&have); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if have > len(migrations) {
		return schemaTooNewError{have, len(migrations)}
	}
	if have == len(migrations) {
		return nil
	}
	for i := have; i < len(migrations); i++ {
		if _, err := tx.ExecContext(ctx, migrations[i]); err != nil {
			return fmt.Errorf("migrate schema to version %d: %w", i+1, err)
		}
	}
	// PRAGMA takes no parameters; the value is our own integer.
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", len(migrations))); err != nil {
		return fmt.Errorf("set schema version: %w", err)
	}
	return tx.Commit()
}
