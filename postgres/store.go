// Package postgres keeps everything ties keeps (list versions, the ties
// graph, links, tokens, the audit trail) in PostgreSQL through pgx, so that
// several `ties serve` replicas can share one database. It behaves like
// the embedded sqlite store (the storetest suite runs against both) and
// adds Subscribe: a replica learns through LISTEN/NOTIFY that another one
// loaded a list and rebuilds its index.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"ties"
)

// Store is a ties.Store on a PostgreSQL database. It is safe for
// concurrent use, also by several processes on the same database.
type Store struct {
	pool *pgxpool.Pool
	name string // host/database, for messages (never the password)
	// auditKey keys audit hashes (SetAuditKey); set before use.
	auditKey []byte
}

var (
	_ ties.Store      = (*Store)(nil)
	_ ties.TokenStore = (*Store)(nil)
	_ ties.AuditStore = (*Store)(nil)
)

// NotifyChannel is the channel a change is announced on: the payload is
// the id of a list version put in force, or 0 after a graph or link change.
const NotifyChannel = "ties_versions"

// Advisory lock keys. Loads of one dataset take (lockClassLoad,
// hashtext(dataset)) so their versions go in force in id order; the others
// serialize what must be serialized across processes.
const (
	lockMigrate   int64 = 0x7469_6573_0001 // "ties" 1
	lockAudit     int64 = 0x7469_6573_0002
	lockGraph     int64 = 0x7469_6573_0003
	lockClassLoad int32 = 0x7469_6504
)

// Open connects to the database at url (postgres://user@host:port/db?...)
// and brings its schema up to date. It refuses a database written by a
// newer ties.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	name := fmt.Sprintf("%s:%d/%s", cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %s: %w", name, err)
	}
	s := &Store{pool: pool, name: name}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: %s: %w", name, err)
	}
	return s, nil
}

// Close closes every connection.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Name says which database the store is on (host:port/database).
func (s *Store) Name() string { return s.name }

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

// migrate applies the missing migrations in one transaction. The advisory
// lock makes replicas that start at once take turns: the first migrates,
// the others then find the schema current.
func (s *Store) migrate(ctx context.Context) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(context.Background())
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, lockMigrate); err != nil {
		return fmt.Errorf("lock schema: %w", err)
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS ties_schema (version integer NOT NULL)`); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	var have int
	err = tx.QueryRow(ctx, `SELECT version FROM ties_schema`).Scan(&have)
	if errors.Is(err, pgx.ErrNoRows) {
		_, err = tx.Exec(ctx, `INSERT INTO ties_schema (version) VALUES (0)`)
	}
	if err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if have > len(migrations) {
		return schemaTooNewError{have, len(migrations)}
	}
	for i := have; i < len(migrations); i++ {
		if _, err := tx.Exec(ctx, migrations[i]); err != nil {
			return fmt.Errorf("migrate schema to version %d: %w", i+1, err)
		}
	}
	if _, err := tx.Exec(ctx, `UPDATE ties_schema SET version = $1`, len(migrations)); err != nil {
		return fmt.Errorf("set schema version: %w", err)
	}
	return tx.Commit(ctx)
}

// StoredSchemaVersion reads the schema version of the database.
func (s *Store) StoredSchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.pool.QueryRow(ctx, `SELECT version FROM ties_schema`).Scan(&v)
	return v, err
}

// notify announces a change at commit of tx (NOTIFY is transactional:
// listeners hear nothing if tx rolls back).
func notify(ctx context.Context, tx pgx.Tx, versionID int64) error {
	_, err := tx.Exec(ctx, `SELECT pg_notify($1, $2)`, NotifyChannel, strconv.FormatInt(versionID, 10))
	return err
}

// Subscribe listens for changes made by any process on the database. The
// channel yields the id of each list version put in force, and 0 when the
// graph or the links changed or when notifications may have been missed
// (after the listening connection was lost and re-established): on any
// value, a server rebuilds its index from the store. Values are dropped
// while the channel is full, since a rebuild is pending then anyway. The
// channel closes when ctx ends.
func (s *Store) Subscribe(ctx context.Context) (<-chan int64, error) {
	conn, err := s.listen(ctx)
	if err != nil {
		return nil, fmt.Errorf("postgres: %s: listen: %w", s.name, err)
	}
	ch := make(chan int64, 16)
	send := func(id int64) {
		select {
		case ch <- id:
		default:
		}
	}
	go func() {
		defer close(ch)
		for {
			n, err := conn.WaitForNotification(ctx)
			if err == nil {
				id, _ := strconv.ParseInt(n.Payload, 10, 64)
				send(id)
				continue
			}
			conn.Close(context.Background())
			backoff := 100 * time.Millisecond
			for {
				select {
				case <-ctx.Done():
					return
				case <-time.After(backoff):
				}
				if conn, err = s.listen(ctx); err == nil {
					break
				}
				backoff = min(2*backoff, 5*time.Second)
			}
			send(0)
		}
	}()
	return ch, nil
}

// listen opens a connection of its own (outside the pool: LISTEN belongs to
// a session) and listens on NotifyChannel.
func (s *Store) listen(ctx context.Context) (*pgx.Conn, error) {
	conn, err := pgx.ConnectConfig(ctx, s.pool.Config().ConnConfig.Copy())
	if err != nil {
		return nil, err
	}
	if _, err := conn.Exec(ctx, `LISTEN `+NotifyChannel); err != nil {
		conn.Close(context.Background())
		return nil, err
	}
	return conn, nil
}
