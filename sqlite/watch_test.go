package sqlite

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"ties"
	"ties/storetest"
)

// TestSubscribeSeesOtherConnections: a version loaded through another
// handle on the same file (as `ties load` from another process) is
// reported; an audit append is not (it changes nothing the index holds).
func TestSubscribeSeesOtherConnections(t *testing.T) {
	old := PollInterval
	PollInterval = 20 * time.Millisecond
	defer func() { PollInterval = old }()
	path := filepath.Join(t.TempDir(), "ties.db")
	a, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch, err := a.Subscribe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.AppendAudit(ctx, []ties.AuditRecord{{Actor: "t", Action: ties.AuditScreen, Query: "x"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.AppendAudit(ctx, []ties.AuditRecord{{Actor: "t", Action: ties.AuditScreen, Query: "y"}}); err != nil {
		t.Fatal(err)
	}
	// Several polls pass; an audit append must not be reported.
	select {
	case <-ch:
		t.Fatal("an audit append was reported as an index change")
	case <-time.After(10 * PollInterval):
	}
	if _, err := b.LoadVersion(ctx, ties.ListVersion{Dataset: "csl", Hash: "h1"}, storetest.Records("csl", 3)); err != nil {
		t.Fatal(err)
	}
	select {
	case id := <-ch:
		if id != 0 {
			t.Errorf("reported %d, want 0 (rebuild)", id)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("a load through another connection was not reported")
	}
	cancel()
	for range ch { // closes when ctx ends
	}
}
