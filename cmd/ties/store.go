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
	path := g.dbPath()
	if isPostgresURL(path) {
		// postgres.Open's errors name host, port and database, never the password.
		st, err := postgres.Open(context.Background(), path)
		if err != nil {
			return nil, fmt.Errorf("open store: %w", err)
		}
		return st, nil
	}
	st, err := sqlite.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return st, nil
}

// buildIndex reads every entry in force and builds the screening index.
func buildIndex(ctx context.Context, st ties.Store) (*match.Index, []ties.ListVersion, error) {
	ix, _, versions, err := screening.Load(ctx, st)
	return ix, versions, err
}
