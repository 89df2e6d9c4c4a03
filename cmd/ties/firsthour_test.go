package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSinceEverywhere: --since takes a version id or a date in both
// commands that have it, and refuses anything else the same way.
func TestSinceEverywhere(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ties.db")
	mustRun(t, db, "load", caseFile)
	tomorrow := time.Now().UTC().AddDate(0, 0, 1).Format("2006-01-02")

	// A date after every load compares with the lists in force: nothing
	// changed.
	var rep struct {
		Since   int64 `json:"since_version"`
		Changes struct {
			New     []json.RawMessage `json:"new"`
			Gone    []json.RawMessage `json:"gone"`
			Changed []json.RawMessage `json:"changed"`
		} `json:"changes"`
	}
	out := mustRun(t, db, "exposure", "msft", "--json", "--since", tomorrow)
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if rep.Since < 1 || len(rep.Changes.New)+len(rep.Changes.Gone)+len(rep.Changes.Changed) != 0 {
		t.Errorf("exposure --since %s: %+v; want the newest version and no change", tomorrow, rep)
	}
	byVersion := mustRun(t, db, "exposure", "msft", "--json", "--since", "1")
	if !strings.Contains(byVersion, `"since_version": 1`) {
		t.Errorf("exposure --since 1: %s", byVersion)
	}
	if _, err := runTies(t, db, "exposure", "msft", "--since", "2000-01-01"); err == nil || !strings.Contains(err.Error(), "no list version was loaded before that day") {
		t.Errorf("exposure --since before any load: %v", err)
	}
	for _, cmd := range [][]string{{"exposure", "msft"}, {"changes"}} {
		_, err := runTies(t, db, append(cmd, "--since", "last week")...)
		if err == nil || !strings.Contains(err.Error(), `--since "last week": want a list version id (see ties lists) or a date YYYY-MM-DD`) {
			t.Errorf("%s --since 'last week': %v", cmd[0], err)
		}
	}
	if out := mustRun(t, db, "changes", "--since", tomorrow); strings.Contains(out, "version 1") {
		t.Errorf("changes --since %s lists older versions: %s", tomorrow, out)
	}
}

// TestFirstHourMessages: the webhook placeholder is refused, and a token
// created without a name says so.
func TestFirstHourMessages(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ties.db")
	mustRun(t, db, "load", caseFile)
	_, err := runTies(t, db, "watch", "add", "--org", "msft", "--sink", "webhook:https://...", "--secret", "S")
	if err == nil || !strings.Contains(err.Error(), "is not a host name") {
		t.Errorf("watch add with the placeholder URL: %v", err)
	}
	out, err := runTies(t, db, "token", "create", "--role", "viewer")
	if err != nil || !strings.Contains(out, "(viewer, unnamed) created") {
		t.Errorf("token create without a name: %v\n%s", err, out)
	}
	if out := mustRun(t, db, "token", "list"); !strings.Contains(out, "unnamed") {
		t.Errorf("token list: %s", out)
	}
}

// TestSyncOffline: without a reachable host, sync fails at once with one
// line per source and a last line naming every failed source.
func TestSyncOffline(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ties.db")
	start := time.Now()
	out, err := runTies(t, db, "sync", "--source", "csl", "--source", "un", "--source", "1260h",
		"--base-url", "csl=http://csl.ties-test.invalid/v1", "--base-url", "un=http://un.ties-test.invalid/xml",
		"--base-url", "1260h=http://gh.ties-test.invalid/1260h")
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("offline sync took %s", took)
	}
	if err == nil || err.Error() != "sync failed for 3 of 3 sources: csl, un, 1260h" {
		t.Errorf("error %v", err)
	}
	failed := 0
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, ": FAILED: ") {
			failed++
			if strings.Count(line, "ties-test.invalid/") != 1 {
				t.Errorf("line names the URL more than once: %s", line)
			}
		}
	}
	if failed != 3 || strings.Contains(out, "retrying") {
		t.Errorf("output:\n%s", out)
	}
}
