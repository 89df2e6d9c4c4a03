package http

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"ties"
)

// topMatch screens a name and returns its best match's entity id.
func (e *testEnv) topMatch(name string) string {
	e.t.Helper()
	var res struct {
		Matches []struct {
			EntityID string `json:"entity_id"`
		} `json:"matches"`
	}
	e.json("POST", "/v1/screen", e.viewer, map[string]string{"name": name}, 200, &res)
	if len(res.Matches) == 0 {
		e.t.Fatalf("%q matches nothing in the reference case", name)
	}
	return res.Matches[0].EntityID
}

func TestViewerCannotReviewOrWatch(t *testing.T) {
	e := newEnv(t, Options{})
	ict := e.topMatch("ICT CAS")
	review := map[string]any{"entity_id": ict, "decision": "false_positive", "reason": "not them"}
	for _, c := range []struct {
		method, path string
		body         any
	}{
		{"POST", "/v1/reviews", review},
		{"POST", "/v1/watches", map[string]any{"roster": []map[string]string{{"name": "ICT CAS"}}}},
		{"DELETE", "/v1/watches/1", nil},
	} {
		b, _ := json.Marshal(c.body)
		status, body := e.do(c.method, c.path, e.viewer, strings.NewReader(string(b)))
		if status != http.StatusForbidden || !strings.Contains(string(body), "analyst") {
			t.Errorf("viewer %s %s: %d %s, want 403 naming the analyst role", c.method, c.path, status, body)
		}
	}
	var rs []ties.Review
	e.json("GET", "/v1/reviews", e.viewer, nil, 200, &rs)
	if len(rs) != 0 {
		t.Errorf("a refused review was stored: %+v", rs)
	}
	// An analyst may not pick a file sink: it writes on the server's disk.
	status, body := e.do("POST", "/v1/watches", e.analyst, strings.NewReader(`{"org": "Microsoft", "sink": "file:/tmp/x.jsonl"}`))
	if status != http.StatusForbidden || !strings.Contains(string(body), "admin") {
		t.Errorf("analyst file sink: %d %s, want 403 naming admin", status, body)
	}
}

func TestReviewRoundTripWithoutWatch(t *testing.T) {
	e := newEnv(t, Options{})
	ict := e.topMatch("ICT CAS")
	var first, second ties.Review
	e.json("POST", "/v1/reviews", e.analyst, map[string]any{"entity_id": ict, "query": "ICT CAS", "decision": "false_positive",
		"reason": "our ICT is the Irish one", "expires": "2030-01-01"}, 201, &first)
	if first.ID == 0 || first.WatchID == 0 || first.EntityID != ict || first.Decision != ties.ReviewFalsePositive ||
		first.EntryHash == "" || !strings.HasPrefix(first.Reviewer, "token:") || first.Expires.String() != "2030-01-01" {
		t.Fatalf("review = %+v", first)
	}
	e.json("POST", "/v1/reviews", e.analyst, map[string]any{"entity_id": ict, "decision": "confirmed", "reason": "it is them after all"}, 201, &second)
	if second.WatchID != first.WatchID {
		t.Errorf("second review under watch %d, first under %d: the ui-reviews watch should be reused", second.WatchID, first.WatchID)
	}
	if second.EntryHash != first.EntryHash {
		t.Errorf("same entry, different hashes: %s, %s", first.EntryHash, second.EntryHash)
	}
	var ws []ties.Watch
	e.json("GET", "/v1/watches", e.viewer, nil, 200, &ws)
	if len(ws) != 1 || ws[0].ID != first.WatchID || ws[0].Label != UIReviewsLabel || ws[0].Kind != ties.WatchRoster {
		t.Errorf("watches = %+v, want one ui-reviews roster watch", ws)
	}
	var rs []ties.Review
	e.json("GET", "/v1/reviews", e.viewer, nil, 200, &rs)
	if len(rs) != 2 || rs[0].ID != first.ID || rs[0].Reason != "our ICT is the Irish one" || rs[0].Query != "ICT CAS" || rs[1].Decision != ties.ReviewConfirmed {
		t.Errorf("reviews = %+v", rs)
	}
	// The JSON has the field names of `ties review list --json`.
	_, raw := e.do("GET", "/v1/reviews", e.viewer, nil)
	for _, f := range []string{`"watch_id"`, `"entity_id"`, `"decision"`, `"reason"`, `"reviewer"`, `"entry_hash"`, `"expires":"2030-01-01"`} {
		if !strings.Contains(string(raw), f) {
			t.Errorf("GET /v1/reviews lacks %s: %s", f, raw)
		}
	}
}

func TestWatchReviewAndRemove(t *testing.T) {
	e := newEnv(t, Options{})
	ict := e.topMatch("ICT CAS")
	var roster ties.Watch
	e.json("POST", "/v1/watches", e.analyst, map[string]any{"roster": []map[string]string{{"name": "ICT CAS", "id": "emp-7"}, {"name": "Nobody In Particular"}}, "label": "hr"}, 201, &roster)
	if roster.ID == 0 || roster.Kind != ties.WatchRoster || len(roster.Roster) != 2 || roster.Roster[0].ID != "emp-7" || roster.EvaluatedAt.IsZero() {
		t.Fatalf("roster watch = %+v (want a baseline evaluated)", roster)
	}
	var org ties.Watch
	e.json("POST", "/v1/watches", e.analyst, map[string]any{"org": "Microsoft"}, 201, &org)
	if org.Kind != ties.WatchOrg || org.Org == "" || org.Label != "Microsoft" {
		t.Fatalf("org watch = %+v", org)
	}
	var rv ties.Review
	e.json("POST", "/v1/reviews", e.analyst, map[string]any{"watch": roster.ID, "entity_id": ict, "query": "ICT CAS", "decision": "confirmed", "reason": "known supplier, licensed"}, 201, &rv)
	if rv.WatchID != roster.ID {
		t.Errorf("review under watch %d, want %d", rv.WatchID, roster.ID)
	}
	// An org watch's review needs a finding about the entity.
	var rep struct {
		Findings []struct {
			Designated struct {
				EntityID string `json:"entity_id"`
			} `json:"designated"`
		} `json:"findings"`
	}
	e.json("GET", "/v1/exposure?org=Microsoft", e.viewer, nil, 200, &rep)
	if len(rep.Findings) == 0 {
		t.Fatal("Microsoft has no findings in the reference case")
	}
	var orgRv ties.Review
	e.json("POST", "/v1/reviews", e.analyst, map[string]any{"watch": org.ID, "entity_id": rep.Findings[0].Designated.EntityID, "decision": "confirmed", "reason": "known tie, reported"}, 201, &orgRv)
	if orgRv.EntryHash == "" {
		t.Errorf("org review not pinned: %+v", orgRv)
	}
	if status, body := e.do("POST", "/v1/reviews", e.analyst, strings.NewReader(fmt.Sprintf(`{"watch": %d, "entity_id": "nobody", "decision": "confirmed", "reason": "x"}`, org.ID))); status != http.StatusNotFound {
		t.Errorf("org review of an entity without finding: %d %s, want 404", status, body)
	}
	var rs []ties.Review
	e.json("GET", fmt.Sprintf("/v1/reviews?watch=%d", roster.ID), e.viewer, nil, 200, &rs)
	if len(rs) != 1 || rs[0].ID != rv.ID {
		t.Errorf("reviews of watch %d = %+v", roster.ID, rs)
	}
	e.json("DELETE", fmt.Sprintf("/v1/watches/%d", roster.ID), e.analyst, nil, 200, nil)
	if status, _ := e.do("DELETE", fmt.Sprintf("/v1/watches/%d", roster.ID), e.analyst, nil); status != http.StatusNotFound {
		t.Errorf("second delete: %d, want 404", status)
	}
	var ws []ties.Watch
	e.json("GET", "/v1/watches", e.viewer, nil, 200, &ws)
	if len(ws) != 1 || ws[0].ID != org.ID {
		t.Errorf("after removal watches = %+v", ws)
	}
	e.json("GET", fmt.Sprintf("/v1/reviews?watch=%d", roster.ID), e.viewer, nil, 200, &rs)
	if len(rs) != 0 {
		t.Errorf("a removed watch keeps reviews: %+v", rs)
	}
}

func TestMonitorBadRequests(t *testing.T) {
	e := newEnv(t, Options{})
	ict := e.topMatch("ICT CAS")
	for _, c := range []struct {
		path, body string
		status     int
		want       string
	}{
		{"/v1/reviews", `{"entity_id": "` + ict + `", "decision": "maybe", "reason": "x"}`, 400, "decision"},
		{"/v1/reviews", `{"entity_id": "` + ict + `", "decision": "confirmed"}`, 400, "reason"},
		{"/v1/reviews", `{"decision": "confirmed", "reason": "x"}`, 400, "entity_id"},
		{"/v1/reviews", `{"entity_id": "` + ict + `", "decision": "confirmed", "reason": "x", "expires": "soon"}`, 400, "expires"},
		{"/v1/reviews", `{"entity_id": "` + ict + `", "decision": "confirmed", "reason": "x", "colour": "red"}`, 400, "colour"},
		{"/v1/reviews", `{"entity_id": "no-such-entry", "decision": "confirmed", "reason": "x"}`, 404, "no-such-entry"},
		{"/v1/reviews", `{"watch": 999, "entity_id": "` + ict + `", "decision": "confirmed", "reason": "x"}`, 404, "999"},
		{"/v1/watches", `{}`, 400, "roster"},
		{"/v1/watches", `{"org": "Microsoft", "roster": [{"name": "x"}]}`, 400, "one of them"},
		{"/v1/watches", `{"roster": [{"name": "  "}]}`, 400, "roster[0]"},
		{"/v1/watches", `{"org": "No Such Org Anywhere"}`, 404, "No Such Org"},
		{"/v1/watches", `{"org": "Microsoft", "sink": "carrier-pigeon"}`, 400, "sink"},
	} {
		status, body := e.do("POST", c.path, e.analyst, strings.NewReader(c.body))
		var eb errorBody
		if status != c.status || json.Unmarshal(body, &eb) != nil || !strings.Contains(eb.Error, c.want) {
			t.Errorf("POST %s %s: %d %s, want %d naming %q", c.path, c.body, status, body, c.status, c.want)
		}
	}
	for _, p := range []string{"/v1/changes?since=yesterday", "/v1/alerts?limit=-1", "/v1/reviews?watch=x"} {
		if status, body := e.do("GET", p, e.viewer, nil); status != http.StatusBadRequest {
			t.Errorf("GET %s: %d %s, want 400", p, status, body)
		}
	}
}

func TestChangeSetsAndAlerts(t *testing.T) {
	e := newEnv(t, Options{})
	var versions []ties.ListVersion
	e.json("GET", "/v1/lists", e.viewer, nil, 200, &versions)
	if len(versions) == 0 {
		t.Fatal("the reference case loads no list version")
	}
	var sets []ties.ChangeSet
	e.json("GET", "/v1/changes", e.viewer, nil, 200, &sets)
	if len(sets) != len(versions) {
		t.Fatalf("%d change sets for %d versions", len(sets), len(versions))
	}
	newest := int64(0)
	for _, cs := range sets {
		newest = max(newest, cs.To)
		if cs.From == 0 && (cs.Added == 0 || cs.Added != len(cs.Changes)) {
			t.Errorf("first version %d of %s: added %d, %d changes", cs.To, cs.Dataset, cs.Added, len(cs.Changes))
		}
	}
	e.json("GET", fmt.Sprintf("/v1/changes?since=%d", newest), e.viewer, nil, 200, &sets)
	if len(sets) != 0 {
		t.Errorf("since the newest version: %+v", sets)
	}
	e.json("GET", "/v1/changes?dataset=no-such-dataset", e.viewer, nil, 200, &sets)
	if len(sets) != 0 {
		t.Errorf("unknown dataset: %+v", sets)
	}

	var ws ties.Watch
	e.json("POST", "/v1/watches", e.analyst, map[string]any{"roster": []map[string]string{{"name": "ICT CAS"}}}, 201, &ws)
	body := json.RawMessage(`{"event":"new_match","reason":"\"ICT CAS\" now matches"}`)
	ctx := context.Background()
	queued, err := e.st.EnqueueAlerts(ctx, []ties.Alert{{WatchID: ws.ID, Sink: ws.Sink, Body: body, NextAttempt: time.Now()}})
	if err != nil {
		t.Fatal(err)
	}
	var as []ties.Alert
	e.json("GET", "/v1/alerts", e.viewer, nil, 200, &as)
	if len(as) != 1 || as[0].ID != queued[0].ID || as[0].WatchID != ws.ID || !strings.Contains(string(as[0].Body), "new_match") {
		t.Errorf("alerts = %+v", as)
	}
}

// bareStore hides the monitoring methods of the store underneath.
type bareStore struct{ Store }

func TestMonitorRoutesNeedAMonitoredStore(t *testing.T) {
	e := newEnv(t, Options{})
	srv, err := New(context.Background(), Options{Store: bareStore{e.st}, Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	for _, p := range []string{"/v1/changes", "/v1/watches", "/v1/alerts", "/v1/reviews"} {
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, httptest.NewRequest("GET", p, nil))
		if rec.Code != http.StatusNotImplemented || !strings.Contains(rec.Body.String(), "monitoring") {
			t.Errorf("GET %s on a store without monitoring: %d %s, want 501", p, rec.Code, rec.Body)
		}
	}
}

// FuzzDecodeReview: any body yields a valid review request or a 400.
func FuzzDecodeReview(f *testing.F) {
	for _, s := range []string{
		`{"entity_id":"el-1","decision":"false_positive","reason":"r"}`,
		`{"watch":3,"entity_id":"el-1","query":"ICT CAS","decision":"confirmed","reason":"r","expires":"2030-01-01"}`,
		`{"entity_id":"el-1","decision":"maybe","reason":"r"}`, `{"watch":-1}`, `{"expires":"2030-13-40"}`, `{}`, `nul`, `{"x":1}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		req, _, err := decodeReview(body)
		if err != nil {
			var ae *apiError
			if !errors.As(err, &ae) || ae.Status != http.StatusBadRequest || ae.Msg == "" {
				t.Fatalf("error %T %v is not a 400 apiError", err, err)
			}
			return
		}
		if req.EntityID == "" || req.Reason == "" || req.Watch < 0 || (req.Decision != ties.ReviewConfirmed && req.Decision != ties.ReviewFalsePositive) {
			t.Fatalf("accepted %+v", req)
		}
	})
}

// FuzzDecodeWatch: any body yields an org or a roster, or a 400.
func FuzzDecodeWatch(f *testing.F) {
	for _, s := range []string{
		`{"org":"Microsoft"}`, `{"roster":[{"name":"ICT CAS","id":"7"}],"label":"hr","sink":"webhook:http://127.0.0.1:1/x","secret":"s"}`,
		`{"org":"x","roster":[{"name":"y"}]}`, `{"roster":[{"name":""}]}`, `{"org":"x","sink":"nowhere"}`, `{}`, `[]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		req, err := decodeWatch(body)
		if err != nil {
			var ae *apiError
			if !errors.As(err, &ae) || ae.Status != http.StatusBadRequest || ae.Msg == "" {
				t.Fatalf("error %T %v is not a 400 apiError", err, err)
			}
			return
		}
		if (req.Org == "") == (len(req.Roster) == 0) || req.Sink == "" {
			t.Fatalf("accepted %+v", req)
		}
		for _, n := range req.Roster {
			if strings.TrimSpace(n.Name) == "" {
				t.Fatalf("accepted an empty name: %+v", req)
			}
		}
	})
}
