package postgres

import (
	"context"
	"testing"
	"time"

	"ties"
	"ties/postgres/pgtest"
	"ties/storetest"
)

func receive(t *testing.T, ch <-chan int64, what string) int64 {
	t.Helper()
	select {
	case id, ok := <-ch:
		if !ok {
			t.Fatalf("%s: subscription closed", what)
		}
		return id
	case <-time.After(5 * time.Second):
		t.Fatalf("%s: no notification within 5 s", what)
	}
	return 0
}

// TestSubscribe: a replica hears of a load, a graph put and a link change
// made through another; after losing its listening connection it says so
// with a 0 and keeps hearing.
func TestSubscribe(t *testing.T) {
	url := pgtest.NewDatabase(t)
	a, err := Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	sctx, cancel := context.WithCancel(ctx)
	ch, err := b.Subscribe(sctx)
	if err != nil {
		t.Fatal(err)
	}

	v, err := a.LoadVersion(ctx, ties.ListVersion{Dataset: "csl"}, storetest.Records("csl", 10))
	if err != nil {
		t.Fatal(err)
	}
	if got := receive(t, ch, "load"); got != v.ID {
		t.Fatalf("notified %d, want version %d", got, v.ID)
	}
	// A failed load says nothing.
	if _, err := a.LoadVersion(ctx, ties.ListVersion{Dataset: "csl"}, func(yield func(ties.Record, error) bool) {
		yield(storetest.Record("csl", 1), nil)
		yield(ties.Record{}, context.DeadlineExceeded)
	}); err == nil {
		t.Fatal("failing load succeeded")
	}
	if err := a.PutGraph(ctx, "g", ties.Graph{Entities: []ties.Entity{{ID: "x", Kind: ties.KindOrganization}}}); err != nil {
		t.Fatal(err)
	}
	if got := receive(t, ch, "graph put"); got != 0 {
		t.Fatalf("graph put notified %d, want 0 (the failed load must not notify)", got)
	}
	if err := a.PutLinks(ctx, []ties.Link{{GraphID: "x", TargetID: "csl:1"}}); err != nil {
		t.Fatal(err)
	}
	if got := receive(t, ch, "links"); got != 0 {
		t.Fatalf("links notified %d, want 0", got)
	}

	// Kill the listening session from outside: Subscribe reconnects.
	if _, err := a.pool.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE datname = current_database() AND query LIKE 'LISTEN%'`); err != nil {
		t.Fatal(err)
	}
	if got := receive(t, ch, "reconnect"); got != 0 {
		t.Fatalf("after reconnecting notified %d, want 0 (may have missed changes)", got)
	}
	v2, err := a.LoadVersion(ctx, ties.ListVersion{Dataset: "un"}, storetest.Records("un", 1))
	if err != nil {
		t.Fatal(err)
	}
	if got := receive(t, ch, "load after reconnect"); got != v2.ID {
		t.Fatalf("notified %d, want %d", got, v2.ID)
	}
	cancel()
	for range ch {
	}
}
