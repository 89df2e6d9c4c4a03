package main

import (
	"context"
	"fmt"
	"os"

	"ties"
	"ties/match"
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

func (g *globalFlags) openStore() (ties.Store, error) {
	path := g.dbPath()
	st, err := sqlite.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return st, nil
}

// buildIndex reads every entry in force and builds the screening index.
func buildIndex(ctx context.Context, st ties.Store) (*match.Index, []ties.ListVersion, error) {
	versions, err := st.InForce(ctx)
	if err != nil {
		return nil, nil, err
	}
	var entries []ties.Entry
	for e, err := range st.InForceEntries(ctx) {
		if err != nil {
			return nil, nil, err
		}
		entries = append(entries, e)
	}
	return match.Build(entries), versions, nil
}
