package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	gosync "sync"
	"testing"

	"ties"
	"ties/watch"
)

// TestMonitorCommands drives sync, changes, watch, review and alerts from
// the command line against a local server.
func TestMonitorCommands(t *testing.T) {
	mini, err := os.ReadFile("../../sync/testdata/mini-csl.csv")
	if err != nil {
		t.Fatal(err)
	}
	var mu gosync.Mutex
	body, status := mini, 200
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if status != 200 {
			http.Error(w, "down", status)
			return
		}
		w.Header().Set("Content-Type", "text/csv")
		w.Write(body) //nolint:errcheck // test server
	}))
	defer srv.Close()
	serve := func(b []byte, code int) {
		mu.Lock()
		body, status = b, code
		mu.Unlock()
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "ties.db")
	sync := func() (string, error) {
		return runTies(t, db, "sync", "--source", "csl", "--base-url", "csl="+srv.URL, "--backoff", "1ms", "--attempts", "2")
	}
	if out, err := sync(); err != nil || !strings.Contains(out, "csl: loaded as version 1 (4 rows") {
		t.Fatalf("first sync: %v\n%s", err, out)
	}
	roster := filepath.Join(dir, "visitors.csv")
	os.WriteFile(roster, []byte("id,name\nv1,Northwind Labs Trading\nv2,Jane Q. Public\n"), 0o644) //nolint:errcheck // read below
	alerts := filepath.Join(dir, "alerts.jsonl")
	if out := mustRun(t, db, "watch", "add", "--roster", roster, "--sink", "file:"+alerts); !strings.Contains(out, "watch 1 added: roster") {
		t.Errorf("watch add: %s", out)
	}
	if _, err := runTies(t, db, "watch", "add", "--roster", roster, "--org", "x"); err == nil {
		t.Error("watch add with --org and --roster at once")
	}
	if _, err := runTies(t, db, "watch", "add", "--roster", roster, "--sink", "email:a@b"); err == nil {
		t.Error("watch add with an unknown sink")
	}
	if out := mustRun(t, db, "watch", "list"); !strings.Contains(out, "2 names") || !strings.Contains(out, "file:"+alerts) {
		t.Errorf("watch list: %s", out)
	}

	row := "mini-005,Entity List (EL) - Bureau of Industry and Security,,,,Northwind Labs Trading Co,,\"5 Example Road, Shenzhen, CN\",90 FR 00005,2025-03-25,,,For all items subject to the EAR.,Presumption of denial.,,,,,,,,,NLT,,,,,,\n"
	v2 := append(append([]byte{}, mini...), row...)
	serve(v2, 200)
	if out, err := sync(); err != nil || !strings.Contains(out, "csl 2: +1 -0 ~0") || !strings.Contains(out, "alerts: 1 new, 1 delivered") {
		t.Fatalf("second sync: %v\n%s", err, out)
	}
	var sets []ties.ChangeSet
	if err := json.Unmarshal([]byte(mustRun(t, db, "changes", "--json", "--since", "1")), &sets); err != nil {
		t.Fatal(err)
	}
	if len(sets) != 1 || sets[0].To != 2 || sets[0].Added != 1 || sets[0].Changes[0].EntityID != "csl:mini-005" {
		t.Errorf("changes since 1: %+v", sets)
	}
	if out := mustRun(t, db, "changes", "--list", "SDN", "--since", "1"); !strings.Contains(out, "0 added, 0 removed, 0 amended") {
		t.Errorf("changes of SDN: %s", out)
	}
	if out := mustRun(t, db, "changes", "--since", "2000-01-01"); !strings.Contains(out, "csl version 1 (first version): 4 added") || !strings.Contains(out, "added    EL\tcsl:mini-005") {
		t.Errorf("changes since a date: %s", out)
	}
	if _, err := runTies(t, db, "changes", "--since", "last week"); err == nil {
		t.Error("--since accepted a phrase")
	}

	if _, err := runTies(t, db, "review", "--watch", "1", "--entity", "csl:mini-005", "--false-positive"); err == nil {
		t.Error("a review without a reason")
	}
	if _, err := runTies(t, db, "review", "--watch", "1", "--entity", "csl:nobody", "--confirmed", "--reason", "r"); err == nil {
		t.Error("a review of an entity not in force")
	}
	mustRun(t, db, "review", "--watch", "1", "--entity", "csl:mini-005", "--false-positive", "--reason", "another Northwind", "--query", "Northwind Labs Trading")
	if out := mustRun(t, db, "review", "list"); !strings.Contains(out, "another Northwind") {
		t.Errorf("review list: %s", out)
	}
	serve([]byte(strings.Replace(string(v2), "NLT,", "NLT; Northwind Labs,", 1)), 200)
	if out, err := sync(); err != nil || !strings.Contains(out, "csl 3: +0 -0 ~1") {
		t.Fatalf("third sync: %v\n%s", err, out)
	}
	data, _ := os.ReadFile(alerts)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != 2 {
		t.Fatalf("alerts file: %d lines; want 2\n%s", len(lines), data)
	}
	var b watch.Body
	if err := json.Unmarshal([]byte(lines[1]), &b); err != nil || b.Event != watch.EventReviewOutdated || b.Match.QueryID != "v1" || !strings.Contains(b.Reason, `"Northwind Labs"`) {
		t.Errorf("second alert: %v %+v", err, b)
	}

	serve(nil, 500)
	out, err := sync()
	if err == nil || !strings.Contains(out, "csl: FAILED") || !strings.Contains(err.Error(), "500") {
		t.Errorf("sync against a broken server: %v\n%s", err, out)
	}
	if out := mustRun(t, db, "screen", "Northwind Labs Trading"); !strings.Contains(out, "Northwind Labs Trading Co") {
		t.Errorf("screening after the failure: %s", out)
	}
	var as []ties.Alert
	if err := json.Unmarshal([]byte(mustRun(t, db, "alerts", "--json")), &as); err != nil || len(as) != 2 || as[0].DeliveredAt.IsZero() {
		t.Errorf("alerts: %v %+v", err, as)
	}
	mustRun(t, db, "alerts", "flush")
	mustRun(t, db, "watch", "remove", "1")
	if _, err := runTies(t, db, "watch", "remove", "1"); err == nil {
		t.Error("removed a watch twice")
	}
}
