package sync

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	gosync "sync"
	"sync/atomic"
	"testing"
	"ties/internal/testdata"
	"time"

	"ties"
	"ties/changes"
	"ties/examples"
	"ties/ingest"
	"ties/match"
	"ties/sqlite"
	"ties/watch"
)

// sharedData is ../shared/data beside the repository root; the test skips
// without it.
func sharedData(t *testing.T) string {
	t.Helper()
	return testdata.Dir(t)
}

// listServer serves one CSL file, or a fault.
type listServer struct {
	mu          gosync.Mutex
	body        []byte
	contentType string
	fault       string // "", "timeout", "500", "truncated"
	hits        atomic.Int64
}

func (s *listServer) set(body []byte, contentType, fault string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.body, s.contentType, s.fault = body, contentType, fault
}

func (s *listServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.hits.Add(1)
	s.mu.Lock()
	body, ct, fault := s.body, s.contentType, s.fault
	s.mu.Unlock()
	if r.URL.Path != "/csl/consolidated.csv" {
		http.NotFound(w, r)
		return
	}
	switch fault {
	case "timeout":
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
		return
	case "500":
		http.Error(w, "upstream broke", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	if fault == "truncated" {
		w.Write(body[:len(body)/2]) //nolint:errcheck // the client sees the short body
		return
	}
	w.Write(body) //nolint:errcheck // test server
}

// webhook receives alerts; it answers 503 to its first `down` requests.
type webhook struct {
	mu       gosync.Mutex
	down     int
	requests int
	received [][]byte
	sigs     []string
	ids      []string
}

func (h *webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.requests++
	if h.requests <= h.down {
		http.Error(w, "down", http.StatusServiceUnavailable)
		return
	}
	h.received = append(h.received, body)
	h.sigs = append(h.sigs, r.Header.Get(watch.SignatureHeader))
	h.ids = append(h.ids, r.Header.Get(watch.AlertIDHeader))
}

func readBodies(t *testing.T, path string) []watch.Body {
	t.Helper()
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []watch.Body
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var b watch.Body
		if err := json.Unmarshal(sc.Bytes(), &b); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, b)
	}
	return out
}

func cslVersion(t *testing.T, st ties.Store) ties.ListVersion {
	t.Helper()
	vs, err := st.InForce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		if v.Dataset == "csl" {
			return v
		}
	}
	t.Fatal("no csl version in force")
	return ties.ListVersion{}
}

func screens(t *testing.T, st ties.Store, name, wantID string) bool {
	t.Helper()
	ix, _, err := watch.BuildIndex(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ix.Search(match.Query{Text: name}) {
		if m.EntityID == wantID {
			return true
		}
	}
	return false
}

// TestAcceptance runs the monitoring story of issue 6 against a local
// server: the 2022 CSL, then the 2025 Entity List rows added, faults, a
// webhook that is down, and a reviewer's decision.
func TestAcceptance(t *testing.T) {
	data := sharedData(t)
	if testing.Short() {
		t.Skip("loads the full 2022 CSL several times")
	}
	ctx := context.Background()
	gz, err := os.Open(filepath.Join(data, "csl", "consolidated-2022-05.csv.gz"))
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(gz)
	if err != nil {
		t.Fatal(err)
	}
	v1, err := io.ReadAll(zr)
	gz.Close()
	if err != nil {
		t.Fatal(err)
	}
	rows, err := os.ReadFile(filepath.Join(data, "csl", "el-cas-rows-2025.csv"))
	if err != nil {
		t.Fatal(err)
	}
	_, rowsData, _ := bytes.Cut(rows, []byte("\n"))
	if !bytes.HasSuffix(v1, []byte("\n")) {
		v1 = append(v1, '\n')
	}
	v2 := append(slices.Clip(v1), rowsData...)
	var addedIDs []string
	rr := csv.NewReader(bytes.NewReader(rows))
	recs, err := rr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs[1:] {
		addedIDs = append(addedIDs, "csl:"+r[0])
	}

	srv := &listServer{}
	srv.set(v1, "text/csv; charset=utf-8", "")
	ts := httptest.NewServer(srv)
	defer ts.Close()
	hook := &webhook{down: 3}
	hs := httptest.NewServer(hook)
	defer hs.Close()

	dir := t.TempDir()
	dbPath := filepath.Join(dir, "ties.db")
	st, err := sqlite.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { st.Close() }()
	opt := RunOptions{
		Fetch: Options{
			Sources: []string{"csl"}, BaseURLs: map[string]string{"csl": ts.URL + "/csl/"},
			Timeout: 2 * time.Second, Attempts: 3, Backoff: 5 * time.Millisecond, MaxBackoff: 20 * time.Millisecond,
		},
		// Two tries per flush: the webhook, down three times, is still
		// down when this run ends.
		Deliver: watch.DeliverOptions{Attempts: 2, Backoff: 5 * time.Millisecond, MaxBackoff: 10 * time.Millisecond, Stdout: io.Discard},
	}
	run := func(want bool) Outcome {
		t.Helper()
		o := Run(ctx, st, opt)
		if o.OK != want {
			t.Fatalf("run OK %v, want %v: %+v", o.OK, want, o)
		}
		return o
	}

	// Version 1: the 2022 CSL; then the reference case's graph, linked.
	o := run(true)
	if o.Sources[0].Status != "loaded" || o.Sources[0].Rows != 14160 {
		t.Fatalf("first sync: %+v", o.Sources)
	}
	first := cslVersion(t, st)
	if first.Origin != ts.URL+"/csl/consolidated.csv" {
		t.Errorf("origin %q: want the URL", first.Origin)
	}
	if _, err := ingest.LoadNative(ctx, st, examples.MicrosoftCASName, examples.MicrosoftCAS, ingest.Options{GraphOnly: true}); err != nil {
		t.Fatal(err)
	}
	if err := ProposeLinks(ctx, st); err != nil {
		t.Fatal(err)
	}
	orgFile, rosterFile := filepath.Join(dir, "org.jsonl"), filepath.Join(dir, "roster.jsonl")
	const secret = "s3cret"
	var watches []ties.Watch
	for _, w := range []ties.Watch{
		{Kind: ties.WatchOrg, Org: "msft", Label: "Microsoft", Sink: "file:" + orgFile},
		{Kind: ties.WatchRoster, Roster: []ties.RosterName{{Name: "ICT CAS", ID: "v-17"}}, Label: "visitors", Sink: "file:" + rosterFile},
		{Kind: ties.WatchRoster, Roster: []ties.RosterName{{Name: "ICT CAS"}}, Label: "hooked", Sink: "webhook:" + hs.URL, Secret: secret},
	} {
		w, err := st.AddWatch(ctx, w)
		if err != nil {
			t.Fatal(err)
		}
		watches = append(watches, w)
	}
	if _, err := watch.Evaluate(ctx, st, nil, watch.Options{Baseline: true}); err != nil {
		t.Fatal(err)
	}
	if pend, _ := st.PendingAlerts(ctx, time.Now().Add(time.Hour)); len(pend) != 0 {
		t.Fatalf("the baseline alerted: %d alerts", len(pend))
	}

	// Version 2: the same CSL plus the 8 Entity List rows of 2025.
	srv.set(v2, "text/csv", "")
	o = run(true)
	second := cslVersion(t, st)
	if second.ID == first.ID || o.Sources[0].Status != "loaded" {
		t.Fatalf("second sync loaded no new version: %+v", o.Sources)
	}
	cs, ok, err := st.ChangeSet(ctx, second.ID)
	if err != nil || !ok {
		t.Fatalf("no change set recorded for version %d (%v)", second.ID, err)
	}
	var gotAdded []string
	for _, c := range cs.Changes {
		if c.Kind != ties.ChangeAdded {
			t.Errorf("change other than an addition: %+v", c)
		}
		gotAdded = append(gotAdded, c.EntityID)
	}
	slices.Sort(gotAdded)
	slices.Sort(addedIDs)
	if cs.From != first.ID || cs.Added != 8 || cs.Removed != 0 || cs.Amended != 0 || !slices.Equal(gotAdded, addedIDs) {
		t.Errorf("change set %d->%d: +%d -%d ~%d %v; want exactly the 8 added rows %v", cs.From, cs.To, cs.Added, cs.Removed, cs.Amended, gotAdded, addedIDs)
	}
	ictID := ""
	for _, c := range cs.Changes {
		if strings.Contains(c.Name, "Institute of Computing Technology") {
			ictID = c.EntityID
		}
	}
	orgAlerts := readBodies(t, orgFile)
	var ict *watch.Body
	for i, b := range orgAlerts {
		if b.Exposure != nil && b.Exposure.Designated.EntityID == "cas-ict" && b.Exposure.Designated.List == "Entity List" {
			ict = &orgAlerts[i]
		}
	}
	if ict == nil {
		t.Fatalf("no alert on Microsoft's new exposure to ICT among %d alerts", len(orgAlerts))
	}
	if ict.Event != watch.EventNewExposure || ict.Watch.ID != watches[0].ID || ict.Cause == nil || ict.Cause.Change.EntityID != ictID ||
		ict.Cause.Version != second.ID || len(ict.Evidence) < 2 || len(ict.Exposure.Paths) == 0 {
		t.Errorf("ICT alert: event %s watch %+v cause %+v, %d evidence, %d paths", ict.Event, ict.Watch, ict.Cause, len(ict.Evidence), len(ict.Exposure.Paths))
	}
	for _, b := range orgAlerts {
		t.Logf("org alert: %s: %s", b.Event, b.Reason)
	}
	roster := readBodies(t, rosterFile)
	if len(roster) != 1 || roster[0].Match == nil || roster[0].Match.EntityID != ictID || roster[0].Event != watch.EventNewMatch ||
		roster[0].Match.QueryID != "v-17" || roster[0].Cause == nil || roster[0].Cause.Change.Kind != ties.ChangeAdded {
		t.Fatalf("roster alerts: %+v; want one new match of ICT CAS to %s", roster, ictID)
	}
	if len(hook.received) != 0 || o.AlertsPending != 1 {
		t.Errorf("webhook down: %d received, %d pending; want 0 and 1", len(hook.received), o.AlertsPending)
	}

	// "Restart": close the store, open it again, flush the outbox.
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if st, err = sqlite.Open(dbPath); err != nil {
		t.Fatal(err)
	}
	fr, err := watch.Flush(ctx, st, watch.DeliverOptions{All: true, Attempts: 3, Backoff: 5 * time.Millisecond, Stdout: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	if fr.Delivered != 1 || fr.Pending != 0 || hook.requests != 4 || len(hook.received) != 1 {
		t.Fatalf("flush after restart: %+v; webhook %d requests, %d received; want the 4th request to deliver", fr, hook.requests, len(hook.received))
	}
	if !watch.Verify(secret, hook.received[0], hook.sigs[0]) || watch.Verify("other", hook.received[0], hook.sigs[0]) {
		t.Errorf("signature %q does not verify", hook.sigs[0])
	}
	if fr, _ := watch.Flush(ctx, st, watch.DeliverOptions{All: true, Stdout: io.Discard}); fr.Delivered != 0 || len(hook.received) != 1 {
		t.Errorf("a second flush delivered again: %+v", fr)
	}
	opt.Deliver.Attempts = 3

	// The same content again: no version, no alert.
	o = run(true)
	if o.Sources[0].Status != "unchanged" || cslVersion(t, st).ID != second.ID || o.Alerts != 0 || len(readBodies(t, rosterFile)) != 1 ||
		len(readBodies(t, orgFile)) != len(orgAlerts) {
		t.Errorf("unchanged sync: %+v", o)
	}
	if vs, _ := st.Versions(ctx); len(vs) != 2 {
		t.Errorf("%d versions after an unchanged sync; want 2", len(vs))
	}

	// Faults: each is reported and version 2 stays in force and screens.
	var half bytes.Buffer
	cw := csv.NewWriter(&half)
	all, err := csv.NewReader(bytes.NewReader(v2)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	cw.WriteAll(all[:len(all)/2]) //nolint:errcheck // a bytes.Buffer
	for _, f := range []struct {
		name, contentType, fault, want string
		body                           []byte
	}{
		{"timeout", "text/csv", "timeout", "Client.Timeout", v2},
		{"500", "text/csv", "500", "500 Internal Server Error", v2},
		{"truncated", "text/csv", "truncated", "cut short", v2},
		{"html page", "text/html", "", "content type", []byte("<html><body>Service unavailable</body></html>")},
		{"not a list", "text/csv", "", `consolidated.csv:1: field _id: header has no "_id" column`, []byte("this is not\na list at all\n")},
		{"half the size", "text/csv", "", "fewer than 50% of the 14168 rows", half.Bytes()},
	} {
		t.Run(f.name, func(t *testing.T) {
			opt.Fetch.Timeout = 2 * time.Second
			if f.fault == "timeout" {
				opt.Fetch.Client = &http.Client{Timeout: 200 * time.Millisecond}
				defer func() { opt.Fetch.Client = nil }()
			}
			srv.set(f.body, f.contentType, f.fault)
			o := Run(ctx, st, opt)
			if o.OK || o.Sources[0].Status != "failed" || !strings.Contains(o.Error, f.want) {
				t.Errorf("outcome: ok %v, %+v; want a failure saying %q", o.OK, o.Sources, f.want)
			}
			t.Logf("%s: %s", f.name, o.Error)
			if v := cslVersion(t, st); v.ID != second.ID {
				t.Errorf("version %d in force after the fault; want %d", v.ID, second.ID)
			}
			if !screens(t, st, "ICT CAS", ictID) {
				t.Error("ICT CAS does not screen against the version in force")
			}
		})
	}
	if hits := srv.hits.Load(); hits < 10 {
		t.Errorf("%d requests: retries did not happen", hits)
	}

	// A reviewer clears the roster match: the next version does not alert
	// on it; a version where the entry gains an alias does.
	var ictEntry ties.Entry
	for e, err := range st.InForceEntries(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		if e.Entity.ID == ictID {
			ictEntry = e
		}
	}
	if _, err := st.AddReview(ctx, ties.Review{WatchID: watches[1].ID, EntityID: ictID, Decision: ties.ReviewFalsePositive,
		Reason: "our visitor list means another ICT", EntryHash: changes.EntryHash(ictEntry.Record)}); err != nil {
		t.Fatal(err)
	}
	v3 := bytes.Replace(v2, []byte("Cambricon Technologies Corporation Limited"), []byte("Cambricon Technologies Corp. Ltd."), 1)
	srv.set(v3, "text/csv", "")
	o = run(true)
	if cs := o.ChangeSets; len(cs) != 1 || !strings.HasSuffix(cs[0], "+0 -0 ~1") {
		t.Errorf("version 3 change sets: %v; want one amended entry", cs)
	}
	if got := readBodies(t, rosterFile); len(got) != 1 {
		t.Errorf("the cleared match alerted again without a change to its entry: %+v", got[1:])
	}
	v4 := bytes.Replace(v3, []byte("CAS ICT; and ICT CAS"), []byte("CAS ICT; ICT CAS; and ICT Beijing"), 1)
	if bytes.Equal(v4, v3) {
		t.Fatal("the ICT row's aliases are not where the test expects them")
	}
	srv.set(v4, "text/csv", "")
	run(true)
	got := readBodies(t, rosterFile)
	if len(got) != 2 {
		t.Fatalf("roster alerts after the new alias: %d; want 2", len(got))
	}
	re := got[1]
	t.Logf("re-alert: %s", re.Reason)
	if re.Event != watch.EventReviewOutdated || re.Review == nil || re.Cause == nil || re.Cause.Change.Kind != ties.ChangeAmended ||
		!strings.Contains(re.Reason, "ICT Beijing") || re.Match.EntityID != ictID {
		t.Errorf("re-alert: %+v; want review_outdated naming the new alias", re)
	}
	// The hooked watch had no review: the amended match alerts as changed.
	hook.mu.Lock()
	n := len(hook.received)
	hook.mu.Unlock()
	if n != 2 {
		t.Errorf("webhook received %d alerts; want 2 (new match, then amended)", n)
	}
	run(true)
	if got := readBodies(t, rosterFile); len(got) != 2 {
		t.Errorf("an unchanged sync after the re-alert alerted again: %d", len(got))
	}
}
