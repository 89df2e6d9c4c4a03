package postgres

import (
	"context"
	"path/filepath"
	"sync/atomic"
	"testing"
	"ties/internal/testdata"
	"time"

	"ties"
	"ties/ingest"
	"ties/match"
	"ties/postgres/pgtest"
)

// sharedData is ../shared/data next to the repository, or a skip.
func sharedData(tb testing.TB) string {
	tb.Helper()
	return testdata.Dir(tb)
}

// replica is the part of a server that matters here: an index rebuilt
// from the store whenever Subscribe says something changed, swapped in
// whole.
type replica struct {
	st    *Store
	index atomic.Pointer[match.Index]
}

func (r *replica) rebuild(ctx context.Context) error {
	var entries []ties.Entry
	for e, err := range r.st.InForceEntries(ctx) {
		if err != nil {
			return err
		}
		entries = append(entries, e)
	}
	r.index.Store(match.Build(entries))
	return nil
}

// TestReplicaSeesLoadThroughAnother: a list loaded through replica A is
// screened by replica B within 5 s, B having learned of it by NOTIFY.
func TestReplicaSeesLoadThroughAnother(t *testing.T) {
	file := filepath.Join(sharedData(t), "csl", "el-cas-rows-2025.csv")
	url := pgtest.NewDatabase(t)
	a, err := Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	bst, err := Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer bst.Close()
	b := &replica{st: bst}
	if err := b.rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	changes, err := bst.Subscribe(sctx)
	if err != nil {
		t.Fatal(err)
	}
	rebuilt := make(chan error, 16)
	go func() {
		for range changes {
			rebuilt <- b.rebuild(sctx)
		}
	}()
	screen := func() []match.Match { return b.index.Load().Search(match.Query{Text: "ICT CAS"}) }
	if got := screen(); len(got) != 0 {
		t.Fatalf("B finds %+v before any load", got)
	}

	start := time.Now()
	if _, err := ingest.Load(ctx, a, []string{file}, ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	deadline := time.After(5 * time.Second)
	for {
		select {
		case err := <-rebuilt:
			if err != nil {
				t.Fatal(err)
			}
			if got := screen(); len(got) > 0 {
				t.Logf("B screens %q → %s (%s) %.0f ms after the load began", "ICT CAS", got[0].EntityID, got[0].Name, float64(time.Since(start).Microseconds())/1000)
				return
			}
		case <-deadline:
			t.Fatal("B did not find ICT CAS within 5 s of the load through A")
		}
	}
}
