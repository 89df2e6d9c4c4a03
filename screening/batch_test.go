package screening

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"ties"
	"ties/match"
)

func smallIndex() *match.Index {
	var recs []ties.Record
	for i := range 50 {
		id := fmt.Sprintf("x:%d", i)
		recs = append(recs, ties.Record{Entity: ties.Entity{ID: id, Kind: ties.KindOrganization,
			Names: []ties.Name{{Text: fmt.Sprintf("Acme Widget Works %d", i), Type: ties.NamePrimary}}},
			Designations: []ties.Designation{{EntityID: id, ListID: "EL", SourceID: id}}})
	}
	return match.Build(match.Entries(recs, 1, "test"))
}

func TestBatchKeepsInputOrder(t *testing.T) {
	ix := smallIndex()
	names := make([]string, 500)
	for i := range names {
		names[i] = fmt.Sprintf("Acme Widget Works %d", i%50)
	}
	next := 0
	err := Batch(context.Background(), ix, len(names), func(i int) match.Query { return match.Query{Text: names[i], Limit: 1} },
		func(i int, ms []match.Match) error {
			if i != next {
				return fmt.Errorf("result %d emitted when %d was due", i, next)
			}
			next++
			if want := fmt.Sprintf("x:%d", i%50); len(ms) == 0 || ms[0].EntityID != want {
				return fmt.Errorf("query %d: %+v, want %s", i, ms, want)
			}
			return nil
		})
	if err != nil || next != len(names) {
		t.Fatalf("err %v after %d results", err, next)
	}
}

func TestBatchStops(t *testing.T) {
	ix := smallIndex()
	q := func(i int) match.Query { return match.Query{Text: "Acme Widget Works 7"} }
	stop := errors.New("disk full")
	n := 0
	if err := Batch(context.Background(), ix, 1000, q, func(i int, _ []match.Match) error {
		n++
		if i == 9 {
			return stop
		}
		return nil
	}); !errors.Is(err, stop) || n != 10 {
		t.Errorf("emit error: err %v after %d results, want %v after 10", err, n, stop)
	}
	ctx, cancel := context.WithCancel(context.Background())
	n = 0
	err := Batch(ctx, ix, 100000, q, func(i int, _ []match.Match) error {
		n++
		if i == 99 {
			cancel() // the client went away
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || n >= 100000 {
		t.Errorf("cancelled: err %v after %d results", err, n)
	}
}
