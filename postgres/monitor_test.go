package postgres

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"ties"
	"ties/storetest"
)

func TestMonitorStore(t *testing.T) {
	s := openTemp(t)
	defer s.Close()
	w, err := s.AddWatch(ctx, ties.Watch{Kind: ties.WatchRoster, Label: "staff", Sink: "stdout", Secret: "k",
		Roster: []ties.RosterName{{Name: "Zhang Wei", ID: "e1"}, {Name: "ICT"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddWatch(ctx, ties.Watch{Kind: "nope"}); err == nil {
		t.Error("AddWatch accepted kind nope")
	}
	at := time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC)
	if err := s.SetWatchState(ctx, w.ID, json.RawMessage(`{"seen": [1, 2]}`), at); err != nil {
		t.Fatal(err)
	}
	ws, err := s.Watches(ctx)
	if err != nil || len(ws) != 1 {
		t.Fatalf("Watches = %+v, %v", ws, err)
	}
	got := ws[0]
	if !reflect.DeepEqual(got.Roster, w.Roster) || got.Secret != "k" || !got.Created.Equal(w.Created) ||
		string(got.State) != `{"seen": [1, 2]}` || !got.EvaluatedAt.Equal(at) {
		t.Errorf("watch read back as %+v, want %+v", got, w)
	}
	if err := s.SetWatchState(ctx, w.ID+9, nil, at); !errors.Is(err, ties.ErrNotFound) {
		t.Errorf("SetWatchState(unknown) = %v", err)
	}

	v, err := s.LoadVersion(ctx, ties.ListVersion{Dataset: "csl"}, storetest.Records("csl", 2))
	if err != nil {
		t.Fatal(err)
	}
	cs := ties.ChangeSet{Dataset: "csl", To: v.ID, ComputedAt: at, Added: 2,
		Changes: []ties.Change{{Kind: ties.ChangeAdded, EntityID: "csl:0", Name: "Acme", EntryHash: "h"}}}
	if err := s.PutChangeSet(ctx, cs); err != nil {
		t.Fatal(err)
	}
	if got, ok, err := s.ChangeSet(ctx, v.ID); err != nil || !ok || !reflect.DeepEqual(got, cs) {
		t.Errorf("ChangeSet = %+v, %v, %v; want %+v", got, ok, err, cs)
	}
	if _, ok, err := s.ChangeSet(ctx, v.ID+1); ok || err != nil {
		t.Errorf("ChangeSet(unknown) = %v, %v", ok, err)
	}

	now := time.Now().UTC().Truncate(time.Microsecond)
	alerts, err := s.EnqueueAlerts(ctx, []ties.Alert{
		{WatchID: w.ID, Sink: "stdout", Body: json.RawMessage(`{"a":1}`)},
		{WatchID: w.ID, Sink: "stdout", Body: json.RawMessage(`{"a":2}`), NextAttempt: now.Add(time.Hour)},
	})
	if err != nil || len(alerts) != 2 || alerts[0].ID == 0 {
		t.Fatalf("EnqueueAlerts = %+v, %v", alerts, err)
	}
	pending, err := s.PendingAlerts(ctx, now.Add(time.Minute))
	if err != nil || len(pending) != 1 || pending[0].ID != alerts[0].ID || string(pending[0].Body) != `{"a":1}` {
		t.Fatalf("PendingAlerts = %+v, %v; want the first alert only", pending, err)
	}
	if err := s.MarkAlert(ctx, alerts[0].ID, false, now, "timeout", now.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if pending, _ := s.PendingAlerts(ctx, now.Add(time.Minute)); len(pending) != 0 {
		t.Errorf("after a failed attempt PendingAlerts = %+v", pending)
	}
	if err := s.MarkAlert(ctx, alerts[1].ID, true, now, "", time.Time{}); err != nil {
		t.Fatal(err)
	}
	all, err := s.Alerts(ctx, 0)
	if err != nil || len(all) != 2 || all[0].ID != alerts[1].ID || !all[0].DeliveredAt.Equal(now) ||
		all[1].Attempts != 1 || all[1].LastError != "timeout" || !all[1].DeliveredAt.IsZero() {
		t.Errorf("Alerts = %+v, %v", all, err)
	}
	if one, _ := s.Alerts(ctx, 1); len(one) != 1 {
		t.Errorf("Alerts(1) = %d alerts", len(one))
	}
	if err := s.MarkAlert(ctx, 999, true, now, "", now); !errors.Is(err, ties.ErrNotFound) {
		t.Errorf("MarkAlert(unknown) = %v", err)
	}

	r, err := s.AddReview(ctx, ties.Review{WatchID: w.ID, EntityID: "csl:0", Decision: ties.ReviewFalsePositive,
		Reason: "other person", Expires: ties.MustDate("2027-01"), EntryHash: "h"})
	if err != nil || r.ID == 0 {
		t.Fatalf("AddReview = %+v, %v", r, err)
	}
	if _, err := s.AddReview(ctx, ties.Review{WatchID: w.ID + 9, Decision: ties.ReviewConfirmed}); !errors.Is(err, ties.ErrNotFound) {
		t.Errorf("AddReview(unknown watch) = %v, want ErrNotFound", err)
	}
	if _, err := s.AddReview(ctx, ties.Review{WatchID: w.ID, Decision: "maybe"}); err == nil {
		t.Error("AddReview accepted decision maybe")
	}
	rs, err := s.Reviews(ctx, 0)
	if err != nil || len(rs) != 1 || !reflect.DeepEqual(rs[0], r) {
		t.Errorf("Reviews = %+v, %v; want %+v", rs, err, r)
	}
	if rs, _ := s.Reviews(ctx, w.ID+9); len(rs) != 0 {
		t.Errorf("Reviews(other watch) = %+v", rs)
	}
	// Removing the watch removes its reviews; its alerts stay.
	if err := s.RemoveWatch(ctx, w.ID); err != nil {
		t.Fatal(err)
	}
	if rs, _ := s.Reviews(ctx, 0); len(rs) != 0 {
		t.Errorf("reviews of a removed watch: %+v", rs)
	}
	if all, _ := s.Alerts(ctx, 0); len(all) != 2 {
		t.Errorf("alerts after removing the watch: %d", len(all))
	}
	if err := s.RemoveWatch(ctx, w.ID); !errors.Is(err, ties.ErrNotFound) {
		t.Errorf("RemoveWatch twice = %v", err)
	}
}
