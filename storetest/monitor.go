package storetest

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"ties"
)

// RunMonitor runs the suite of ties.MonitorStore: watches, the alerts
// outbox, reviews and change sets. open must return a new, empty store
// for each call; RunMonitor closes it.
func RunMonitor(t *testing.T, open func(t *testing.T) ties.MonitoredStore) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s ties.MonitoredStore)
	}{
		{"Watches", testWatches},
		{"AlertsOutbox", testAlertsOutbox},
		{"Reviews", testReviews},
		{"ChangeSets", testChangeSets},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			tc.fn(t, s)
		})
	}
}

func testWatches(t *testing.T, s ties.MonitoredStore) {
	org, err := s.AddWatch(ctx, ties.Watch{Kind: ties.WatchOrg, Org: "msft", Label: "Microsoft", Sink: "stdout"})
	if err != nil {
		t.Fatal(err)
	}
	roster, err := s.AddWatch(ctx, ties.Watch{Kind: ties.WatchRoster, Label: "visitors", Sink: "webhook:https://example.org/h", Secret: "k",
		Roster: []ties.RosterName{{Name: "ICT CAS", ID: "v1"}, {Name: "Yao Di"}}, Created: loadedAt})
	if err != nil {
		t.Fatal(err)
	}
	if org.ID == 0 || roster.ID == org.ID {
		t.Fatalf("watch ids %d, %d", org.ID, roster.ID)
	}
	if _, err := s.AddWatch(ctx, ties.Watch{Kind: "person", Sink: "stdout"}); err == nil {
		t.Error("a watch of unknown kind was stored")
	}
	ws, err := s.Watches(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ws) != 2 || ws[0].ID != org.ID || ws[1].ID != roster.ID {
		t.Fatalf("watches: %+v", ws)
	}
	got := ws[1]
	if got.Kind != ties.WatchRoster || got.Label != "visitors" || got.Secret != "k" || got.Sink != roster.Sink ||
		len(got.Roster) != 2 || got.Roster[0] != (ties.RosterName{Name: "ICT CAS", ID: "v1"}) || !got.Created.Equal(loadedAt) {
		t.Errorf("roster watch read back: %+v", got)
	}
	if len(got.State) != 0 || !got.EvaluatedAt.IsZero() {
		t.Errorf("a new watch has state %q evaluated %v", got.State, got.EvaluatedAt)
	}
	state := json.RawMessage(`{"matches":{"a":"b"}}`)
	if err := s.SetWatchState(ctx, roster.ID, state, loadedAt); err != nil {
		t.Fatal(err)
	}
	ws, _ = s.Watches(ctx)
	if string(ws[1].State) != string(state) || !ws[1].EvaluatedAt.Equal(loadedAt) || len(ws[0].State) != 0 {
		t.Errorf("state after SetWatchState: %q at %v (other watch %q)", ws[1].State, ws[1].EvaluatedAt, ws[0].State)
	}
	if err := s.SetWatchState(ctx, 9999, state, loadedAt); !errors.Is(err, ties.ErrNotFound) {
		t.Errorf("state of an unknown watch: %v; want ErrNotFound", err)
	}
	if err := s.RemoveWatch(ctx, org.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveWatch(ctx, org.ID); !errors.Is(err, ties.ErrNotFound) {
		t.Errorf("removing a removed watch: %v; want ErrNotFound", err)
	}
	if ws, _ := s.Watches(ctx); len(ws) != 1 || ws[0].ID != roster.ID {
		t.Errorf("watches after remove: %+v", ws)
	}
}

func testAlertsOutbox(t *testing.T, s ties.MonitoredStore) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	in := []ties.Alert{
		{WatchID: 1, Sink: "stdout", Body: json.RawMessage(`{"n":1}`), Created: now, NextAttempt: now},
		{WatchID: 2, Sink: "file:/tmp/x", Body: json.RawMessage(`{"n":2}`), Created: now, NextAttempt: now.Add(time.Hour)},
	}
	out, err := s.EnqueueAlerts(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 2 || out[0].ID == 0 || out[1].ID <= out[0].ID {
		t.Fatalf("enqueued: %+v", out)
	}
	due, err := s.PendingAlerts(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(due) != 1 || due[0].ID != out[0].ID || string(due[0].Body) != `{"n":1}` || due[0].Sink != "stdout" || due[0].WatchID != 1 {
		t.Fatalf("due now: %+v; want the first alert only", due)
	}
	if due, _ := s.PendingAlerts(ctx, now.Add(2*time.Hour)); len(due) != 2 {
		t.Errorf("due in two hours: %d; want 2", len(due))
	}
	next := now.Add(30 * time.Second)
	if err := s.MarkAlert(ctx, out[0].ID, false, now, "connection refused", next); err != nil {
		t.Fatal(err)
	}
	if due, _ := s.PendingAlerts(ctx, now); len(due) != 0 {
		t.Errorf("a failed alert is due again before its next attempt: %+v", due)
	}
	due, _ = s.PendingAlerts(ctx, next)
	if len(due) != 1 || due[0].Attempts != 1 || due[0].LastError != "connection refused" || !due[0].NextAttempt.Equal(next) {
		t.Fatalf("after a failed attempt: %+v", due)
	}
	if err := s.MarkAlert(ctx, out[0].ID, true, next, "", time.Time{}); err != nil {
		t.Fatal(err)
	}
	if due, _ := s.PendingAlerts(ctx, now.Add(24*time.Hour)); len(due) != 1 || due[0].ID != out[1].ID {
		t.Errorf("pending after delivery: %+v", due)
	}
	all, err := s.Alerts(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].ID != out[1].ID || all[1].Attempts != 2 || !all[1].DeliveredAt.Equal(next) || all[1].LastError != "" {
		t.Errorf("all alerts, newest first: %+v", all)
	}
	if one, _ := s.Alerts(ctx, 1); len(one) != 1 {
		t.Errorf("limit 1: %d alerts", len(one))
	}
	if err := s.MarkAlert(ctx, 9999, true, now, "", time.Time{}); !errors.Is(err, ties.ErrNotFound) {
		t.Errorf("marking an unknown alert: %v; want ErrNotFound", err)
	}
	if got, err := s.EnqueueAlerts(ctx, nil); err != nil || len(got) != 0 {
		t.Errorf("enqueue nothing: %v %v", got, err)
	}
}

func testReviews(t *testing.T, s ties.MonitoredStore) {
	w, err := s.AddWatch(ctx, ties.Watch{Kind: ties.WatchRoster, Sink: "stdout", Roster: []ties.RosterName{{Name: "x"}}})
	if err != nil {
		t.Fatal(err)
	}
	w2, err := s.AddWatch(ctx, ties.Watch{Kind: ties.WatchOrg, Org: "o", Sink: "stdout"})
	if err != nil {
		t.Fatal(err)
	}
	r1, err := s.AddReview(ctx, ties.Review{WatchID: w.ID, EntityID: "csl:1", Query: "x", Decision: ties.ReviewFalsePositive,
		Reason: "other person", Reviewer: "ana", At: loadedAt, Expires: ties.MustDate("2027-01-31"), EntryHash: "h1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddReview(ctx, ties.Review{WatchID: w2.ID, EntityID: "cas-ict", Decision: ties.ReviewConfirmed, Reason: "yes", EntryHash: "h2"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddReview(ctx, ties.Review{WatchID: w.ID, EntityID: "e", Decision: "maybe", Reason: "r"}); err == nil {
		t.Error("a review with an unknown decision was stored")
	}
	if _, err := s.AddReview(ctx, ties.Review{WatchID: 9999, EntityID: "e", Decision: ties.ReviewConfirmed, Reason: "r"}); !errors.Is(err, ties.ErrNotFound) {
		t.Errorf("a review of an unknown watch: %v; want ErrNotFound", err)
	}
	rs, err := s.Reviews(ctx, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 {
		t.Fatalf("reviews of watch %d: %+v", w.ID, rs)
	}
	r := rs[0]
	if r.ID != r1.ID || r.EntityID != "csl:1" || r.Query != "x" || r.Decision != ties.ReviewFalsePositive || r.Reason != "other person" ||
		r.Reviewer != "ana" || !r.At.Equal(loadedAt) || r.Expires != ties.MustDate("2027-01-31") || r.EntryHash != "h1" {
		t.Errorf("review read back: %+v", r)
	}
	if !r.ActiveOn(ties.MustDate("2027-01-30")) || r.ActiveOn(ties.MustDate("2027-01-31")) {
		t.Error("a review should hold until the day before it expires")
	}
	if all, _ := s.Reviews(ctx, 0); len(all) != 2 {
		t.Errorf("all reviews: %d; want 2", len(all))
	}
	if err := s.RemoveWatch(ctx, w.ID); err != nil {
		t.Fatal(err)
	}
	if all, _ := s.Reviews(ctx, 0); len(all) != 1 || all[0].WatchID != w2.ID {
		t.Errorf("reviews after removing their watch: %+v", all)
	}
}

func testChangeSets(t *testing.T, s ties.MonitoredStore) {
	v1 := load(t, s, "csl", "h1", Records("csl", 3))
	v2 := load(t, s, "csl", "h2", Records("csl", 4))
	if _, ok, err := s.ChangeSet(ctx, v2.ID); err != nil || ok {
		t.Fatalf("change set before any was stored: %v %v", ok, err)
	}
	cs := ties.ChangeSet{Dataset: "csl", From: v1.ID, To: v2.ID, ComputedAt: loadedAt.UTC(), Added: 1,
		Changes: []ties.Change{{Kind: ties.ChangeAdded, EntityID: "csl:3", Name: "n", List: "EL", EntryHash: "x",
			Fields: []ties.FieldChange{{Field: "names", Detail: "alias", Added: []string{"a"}}}}}}
	if err := s.PutChangeSet(ctx, cs); err != nil {
		t.Fatal(err)
	}
	got, ok, err := s.ChangeSet(ctx, v2.ID)
	if err != nil || !ok {
		t.Fatalf("change set: %v %v", ok, err)
	}
	a, _ := json.Marshal(cs)
	b, _ := json.Marshal(got)
	if string(a) != string(b) {
		t.Errorf("change set read back:\n%s\nwant\n%s", b, a)
	}
	cs.Added, cs.Changes = 0, []ties.Change{}
	if err := s.PutChangeSet(ctx, cs); err != nil {
		t.Fatal(err)
	}
	if got, _, _ := s.ChangeSet(ctx, v2.ID); got.Added != 0 || len(got.Changes) != 0 {
		t.Errorf("a change set put twice keeps the first: %+v", got)
	}
	if err := s.PutChangeSet(ctx, ties.ChangeSet{Dataset: "csl", To: 9999}); err == nil {
		t.Error("a change set for an unknown version was stored")
	}
}
