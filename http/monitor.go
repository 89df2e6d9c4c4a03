package http

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"ties"
	"ties/analysis"
	"ties/changes"
	"ties/watch"
)

// Monitoring routes: change sets, watches, alerts and reviews, with the
// same JSON as `ties changes --json`, `ties watch list --json`, `ties
// alerts --json` and `ties review list --json`.

// UIReviewsLabel is the roster watch that holds reviews taken on ad-hoc
// screenings (the web page's Screen results), which belong to no watch:
// the store ties every review to a watch. Its roster stays empty, so it
// never alerts; it only keeps the decisions.
const UIReviewsLabel = "ui-reviews"

// uiReviewsMu makes sure two first reviews do not create two ui-reviews
// watches.
var uiReviewsMu sync.Mutex

// monitorStore is the store's monitoring side, or 501 when it has none.
func (s *Server) monitorStore() (ties.MonitoredStore, error) {
	ms, ok := s.st.(ties.MonitoredStore)
	if !ok {
		return nil, errorf(http.StatusNotImplemented, "this store keeps no change sets, watches, alerts or reviews: monitoring needs the sqlite or postgres store")
	}
	return ms, nil
}

// changeSets lists stored change sets: ?dataset= (e.g. csl), ?since= a
// version id (those after it) or a date YYYY-MM-DD (loaded on or after),
// ?list= only entries of one list (e.g. EL). As `ties changes`, versions
// without a stored change set get theirs computed and stored.
func (s *Server) changeSets(w http.ResponseWriter, r *http.Request) error {
	ms, err := s.monitorStore()
	if err != nil {
		return err
	}
	q := r.URL.Query()
	afterID, since, err := parseSince(q.Get("since"))
	if err != nil {
		return err
	}
	sets, _, err := watch.ChangeSetsSince(r.Context(), ms, q.Get("dataset"), afterID, since)
	if err != nil {
		return err
	}
	out := make([]ties.ChangeSet, 0, len(sets))
	for _, cs := range sets {
		cs = changes.Filter(cs, q.Get("list"))
		if cs.Changes == nil {
			cs.Changes = []ties.Change{}
		}
		out = append(out, cs)
	}
	return writeJSON(w, http.StatusOK, out)
}

// parseSince reads ?since= as `ties changes --since` does: digits are a
// version id, a date with dashes a day.
func parseSince(since string) (int64, time.Time, error) {
	if since == "" {
		return 0, time.Time{}, nil
	}
	if n, err := strconv.ParseInt(since, 10, 64); err == nil && n >= 0 {
		return n, time.Time{}, nil
	}
	if d, err := ties.ParseDate(since); err == nil && strings.Contains(since, "-") {
		f := d.First()
		return 0, time.Date(f.Year, time.Month(f.Month), f.Day, 0, 0, 0, 0, time.UTC), nil
	}
	return 0, time.Time{}, errorf(http.StatusBadRequest, "since %q: want a version id or a date YYYY-MM-DD", since)
}

func (s *Server) watchList(w http.ResponseWriter, r *http.Request) error {
	ms, err := s.monitorStore()
	if err != nil {
		return err
	}
	ws, err := ms.Watches(r.Context())
	if err != nil {
		return err
	}
	if ws == nil {
		ws = []ties.Watch{}
	}
	return writeJSON(w, http.StatusOK, ws)
}

// watchRequest is POST /v1/watches: an org, or a roster of names.
type watchRequest struct {
	Org    string            `json:"org"`
	Roster []ties.RosterName `json:"roster"`
	Label  string            `json:"label"`
	Sink   string            `json:"sink"`
	Secret string            `json:"secret"`
}

const maxRosterNames = 100_000

func decodeWatch(body []byte) (watchRequest, error) {
	var req watchRequest
	if err := decodeStrict(strings.NewReader(string(body)), &req); err != nil {
		return req, err
	}
	req.Org = strings.TrimSpace(req.Org)
	if (req.Org == "") == (len(req.Roster) == 0) {
		return req, errorf(http.StatusBadRequest, `give "org" (a graph id, name or ror:ID) or "roster" ([{"name": ..., "id": ...}]), one of them`)
	}
	if len(req.Roster) > maxRosterNames {
		return req, errorf(http.StatusBadRequest, "roster of %d names: at most %d", len(req.Roster), maxRosterNames)
	}
	for i, n := range req.Roster {
		if strings.TrimSpace(n.Name) == "" {
			return req, errorf(http.StatusBadRequest, "roster[%d]: empty name", i)
		}
		if err := ties.CheckName(n.Name); err != nil {
			return req, errorf(http.StatusBadRequest, `field "roster[%d].name": %v`, i, err)
		}
		req.Roster[i].Name = strings.TrimSpace(n.Name)
	}
	if req.Sink == "" {
		req.Sink = "stdout"
	}
	if _, _, err := watch.ParseSink(req.Sink); err != nil {
		return req, errorf(http.StatusBadRequest, "sink: %v", err)
	}
	return req, nil
}

// watchAdd adds a watch and records its baseline, as `ties watch add`
// does: what it sees now does not alert, only what later versions bring.
func (s *Server) watchAdd(w http.ResponseWriter, r *http.Request) error {
	ms, err := s.monitorStore()
	if err != nil {
		return err
	}
	body, err := readAll(r)
	if err != nil {
		return err
	}
	req, err := decodeWatch(body)
	if err != nil {
		return err
	}
	kind, target, _ := watch.ParseSink(req.Sink)
	// A file sink writes where the server runs: only an admin may choose one.
	if kind == watch.SinkFile && !principalOf(r.Context()).Role.Allows(ties.RoleAdmin) {
		return errorf(http.StatusForbidden, "a file: sink writes on the server's disk and needs the admin role; use stdout or webhook:URL")
	}
	// A webhook may not reach into the server's own network (SSRF), for
	// any role, unless the server's admin setting allows the destination.
	if kind == watch.SinkWebhook {
		policy := s.opt.WebhookPolicy
		if policy == nil {
			policy = &watch.WebhookPolicy{}
		}
		if err := policy.Check(r.Context(), target); err != nil {
			return errorf(http.StatusBadRequest, "sink: %v", err)
		}
	}
	wt := ties.Watch{Label: req.Label, Sink: req.Sink, Secret: req.Secret}
	if req.Org != "" {
		id, err := s.snap.Load().model.FindOrg(req.Org)
		if err != nil {
			return errorf(http.StatusNotFound, "org %q: %v", req.Org, err)
		}
		wt.Kind, wt.Org = ties.WatchOrg, id
		if wt.Label == "" {
			wt.Label = req.Org
		}
	} else {
		wt.Kind, wt.Roster = ties.WatchRoster, req.Roster
		if wt.Label == "" {
			wt.Label = fmt.Sprintf("roster of %d names", len(req.Roster))
		}
	}
	wt, err = ms.AddWatch(r.Context(), wt)
	if err != nil {
		return err
	}
	if _, err := watch.Evaluate(r.Context(), ms, nil, watch.Options{Only: []int64{wt.ID}, Baseline: true}); err != nil {
		return fmt.Errorf("watch %d added, but its baseline failed: %w", wt.ID, err)
	}
	if ws, err := ms.Watches(r.Context()); err == nil {
		for _, x := range ws {
			if x.ID == wt.ID {
				wt = x // with evaluated_at
			}
		}
	}
	return writeJSON(w, http.StatusCreated, wt)
}

func (s *Server) watchRemove(w http.ResponseWriter, r *http.Request) error {
	ms, err := s.monitorStore()
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return errorf(http.StatusBadRequest, "watch id %q: want a positive number (GET /v1/watches)", r.PathValue("id"))
	}
	if err := ms.RemoveWatch(r.Context(), id); errors.Is(err, ties.ErrNotFound) {
		return errorf(http.StatusNotFound, "no watch %d", id)
	} else if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"removed": id})
}

// alertList lists alerts newest first: ?limit= [50; 0 means all].
func (s *Server) alertList(w http.ResponseWriter, r *http.Request) error {
	ms, err := s.monitorStore()
	if err != nil {
		return err
	}
	limit := 50
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return errorf(http.StatusBadRequest, "limit %q: want a number, 0 for all", v)
		}
		limit = n
	}
	as, err := ms.Alerts(r.Context(), limit)
	if err != nil {
		return err
	}
	if as == nil {
		as = []ties.Alert{}
	}
	return writeJSON(w, http.StatusOK, as)
}

// reviewList lists reviews oldest first: ?watch= one watch's only.
func (s *Server) reviewList(w http.ResponseWriter, r *http.Request) error {
	ms, err := s.monitorStore()
	if err != nil {
		return err
	}
	var watchID int64
	if v := r.URL.Query().Get("watch"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return errorf(http.StatusBadRequest, "watch %q: want a watch id", v)
		}
		watchID = n
	}
	rs, err := ms.Reviews(r.Context(), watchID)
	if err != nil {
		return err
	}
	if rs == nil {
		rs = []ties.Review{}
	}
	return writeJSON(w, http.StatusOK, rs)
}

// reviewRequest is POST /v1/reviews. Without a watch the review is kept
// under the ui-reviews watch (see UIReviewsLabel).
type reviewRequest struct {
	Watch    int64  `json:"watch"`
	EntityID string `json:"entity_id"`
	Query    string `json:"query"`
	Decision string `json:"decision"`
	Reason   string `json:"reason"`
	Expires  string `json:"expires"`
}

func decodeReview(body []byte) (reviewRequest, ties.Date, error) {
	var req reviewRequest
	if err := decodeStrict(strings.NewReader(string(body)), &req); err != nil {
		return req, ties.Date{}, err
	}
	req.EntityID, req.Reason, req.Query = strings.TrimSpace(req.EntityID), strings.TrimSpace(req.Reason), strings.TrimSpace(req.Query)
	switch {
	case req.Decision != ties.ReviewFalsePositive && req.Decision != ties.ReviewConfirmed:
		return req, ties.Date{}, errorf(http.StatusBadRequest, "decision %q: want %s or %s", req.Decision, ties.ReviewFalsePositive, ties.ReviewConfirmed)
	case req.EntityID == "":
		return req, ties.Date{}, errorf(http.StatusBadRequest, "give entity_id: the matched list entry (or, for an org watch, the designated entity)")
	case req.Reason == "":
		return req, ties.Date{}, errorf(http.StatusBadRequest, "give reason: why the match is (not) the listed party")
	case len(req.Reason) > 4000 || len(req.Query) > 1000:
		return req, ties.Date{}, errorf(http.StatusBadRequest, "reason or query too long: keep the reason under 4000 bytes and the query under 1000")
	case req.Watch < 0:
		return req, ties.Date{}, errorf(http.StatusBadRequest, "watch %d: want a watch id, or leave it out", req.Watch)
	}
	exp, err := ties.ParseDate(req.Expires)
	if err != nil {
		return req, ties.Date{}, errorf(http.StatusBadRequest, "expires %q: %v", req.Expires, err)
	}
	return req, exp, nil
}

// reviewAdd records a reviewer's decision, pinned (as `ties review` does)
// to the hash of the list entry as it is now, so the match alerts again
// once the entry changes.
func (s *Server) reviewAdd(w http.ResponseWriter, r *http.Request) error {
	ms, err := s.monitorStore()
	if err != nil {
		return err
	}
	body, err := readAll(r)
	if err != nil {
		return err
	}
	req, exp, err := decodeReview(body)
	if err != nil {
		return err
	}
	ctx := r.Context()
	var wt ties.Watch
	if req.Watch == 0 {
		if wt, err = uiReviewsWatch(ctx, ms); err != nil {
			return err
		}
	} else {
		ws, err := ms.Watches(ctx)
		if err != nil {
			return err
		}
		found := false
		for _, x := range ws {
			if x.ID == req.Watch {
				wt, found = x, true
			}
		}
		if !found {
			return errorf(http.StatusNotFound, "no watch %d (GET /v1/watches)", req.Watch)
		}
	}
	rv := ties.Review{WatchID: wt.ID, EntityID: req.EntityID, Query: req.Query, Decision: req.Decision,
		Reason: req.Reason, Reviewer: principalOf(ctx).Actor, Expires: exp}
	if wt.Kind == ties.WatchRoster {
		if rv.EntryHash, err = inForceEntryHash(ctx, ms, req.EntityID); err != nil {
			return err
		}
	} else {
		rep, err := s.snap.Load().model.Exposure(analysis.Query{Org: wt.Org, AsOf: today()})
		if err != nil {
			return errorf(http.StatusNotFound, "watch %d: %v", wt.ID, err)
		}
		if rv.EntryHash = watch.OrgEntityHash(rep, req.EntityID); rv.EntryHash == "" {
			return errorf(http.StatusNotFound, "%s has no finding about %s: give the designated entity_id an alert shows", wt.Org, req.EntityID)
		}
	}
	rv, err = ms.AddReview(ctx, rv)
	if errors.Is(err, ties.ErrNotFound) {
		return errorf(http.StatusNotFound, "watch %d was removed meanwhile", wt.ID)
	}
	if err != nil {
		return err
	}
	s.log.Info("review", "id", rv.ID, "watch", rv.WatchID, "entity", rv.EntityID, "decision", rv.Decision, "actor", rv.Reviewer)
	return writeJSON(w, http.StatusCreated, rv)
}

// uiReviewsWatch finds the ui-reviews watch, creating it on first use.
func uiReviewsWatch(ctx context.Context, ms ties.MonitoredStore) (ties.Watch, error) {
	uiReviewsMu.Lock()
	defer uiReviewsMu.Unlock()
	ws, err := ms.Watches(ctx)
	if err != nil {
		return ties.Watch{}, err
	}
	for _, x := range ws {
		if x.Kind == ties.WatchRoster && x.Label == UIReviewsLabel {
			return x, nil
		}
	}
	return ms.AddWatch(ctx, ties.Watch{Kind: ties.WatchRoster, Label: UIReviewsLabel, Sink: "stdout"})
}

// inForceEntryHash is the hash a roster review is pinned to: that of the
// entry as listed (without the names links add, as package watch sees it).
func inForceEntryHash(ctx context.Context, st ties.Store, entityID string) (string, error) {
	for e, err := range st.InForceEntries(ctx) {
		if err != nil {
			return "", err
		}
		if e.Entity.ID == entityID {
			return changes.EntryHash(e.Record), nil
		}
	}
	return "", errorf(http.StatusNotFound, "no list entry %s in force: give the entity_id a screening or an alert shows", entityID)
}

func today() ties.Date {
	return ties.MustDate(time.Now().UTC().Format("2006-01-02"))
}
