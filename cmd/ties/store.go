package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"ties"
	"ties/match"
	"ties/postgres"
	"ties/screening"
	"ties/sqlite"
)

// dbPath is --db, else $TIES_DB, else the default file in the user's data
// directory.
func (g *globalFlags) dbPath() string {
	if g.db != "" {
		return g.db
	}
	if p := os.Getenv("TIES_DB"); p != "" {
		return p
	}
	return sqlite.DefaultPath()
}

// isPostgresURL says whether --db names a PostgreSQL server rather than a
// file.
func isPostgresURL(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

func (g *globalFlags) openStore() (ties.Store, error) {
	key, err := auditKey()
	if err != nil {
		return nil, err
	}
	path := g.dbPath()
	if isPostgresURL(path) {
		// postgres.Open's errors name host, port and database, never the password.
		st, err := postgres.Open(context.Background(), path)
		if err != nil {
			return nil, fmt.Errorf("open store: %w", err)
		}
		st.SetAuditKey(key)
		return st, nil
	}
	st, err := sqlite.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	st.SetAuditKey(key)
	return st, nil
}

// auditKey is the key of the audit chain's hashes, kept outside the store:
// $TIES_AUDIT_KEY, or the contents of the file $TIES_AUDIT_KEY_FILE names
// (surrounding white space dropped). None: unkeyed hashes.
func auditKey() ([]byte, error) {
	if k := os.Getenv("TIES_AUDIT_KEY"); k != "" {
		return []byte(k), nil
	}
	if f := os.Getenv("TIES_AUDIT_KEY_FILE"); f != "" {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("TIES_AUDIT_KEY_FILE: %w", err)
		}
		if k := strings.TrimSpace(string(b)); k != "" {
			return []byte(k), nil
		}
		return nil, fmt.Errorf("TIES_AUDIT_KEY_FILE %s is empty", f)
	}
	return nil, nil
}

// buildIndex reads every entry in force and builds the screening index.
func buildIndex(ctx context.Context, st ties.Store) (*match.Index, []ties.ListVersion, error) {
	ix, _, versions, err := screening.Load(ctx, st)
	return ix, versions, err
}

// buildIndexFilters is buildIndex with the list ids and countries the
// entries in force hold (the values --list and --only-country may take).
func buildIndexFilters(ctx context.Context, st ties.Store) (*match.Index, []ties.ListVersion, ties.Filters, error) {
	ix, listed, versions, err := screening.Load(ctx, st)
	if err != nil {
		return nil, nil, ties.Filters{}, err
	}
	return ix, versions, ties.FiltersOf(listed), nil
}
