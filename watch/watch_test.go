package watch

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"iter"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ties"
	"ties/changes"
	"ties/ingest"
	"ties/sources"
	"ties/sqlite"
)

func TestParseRoster(t *testing.T) {
	for _, tc := range []struct {
		file, text string
		want       []ties.RosterName
	}{
		{"r.txt", "# visitors 2026\nICT CAS\n\n  Yao Di  \n", []ties.RosterName{{Name: "ICT CAS"}, {Name: "Yao Di"}}},
		{"r.csv", "id,name,notes\nv1,ICT CAS,x\nv2,,empty name skipped\nv3,\"Liu, Guodong\",\n", []ties.RosterName{{Name: "ICT CAS", ID: "v1"}, {Name: "Liu, Guodong", ID: "v3"}}},
		{"r.csv", "\xef\xbb\xbfOrganisation\nHuawei\n", []ties.RosterName{{Name: "Huawei"}}},
		{"roster", "name,id\nICT CAS,7\n", []ties.RosterName{{Name: "ICT CAS", ID: "7"}}},
	} {
		got, err := ParseRoster(strings.NewReader(tc.text), tc.file)
		if err != nil {
			t.Errorf("%s %q: %v", tc.file, tc.text, err)
			continue
		}
		if len(got) != len(tc.want) {
			t.Errorf("%q: %+v; want %+v", tc.text, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%q: %+v; want %+v", tc.text, got, tc.want)
			}
		}
	}
}

func TestParseRosterErrors(t *testing.T) {
	for _, tc := range []struct{ file, text, want string }{
		{"empty.txt", "# only a comment\n\n", "empty.txt: no names"},
		{"bad.txt", "ok\nbad \xff name\n", "bad.txt:2: not UTF-8"},
		{"bad.csv", "name\n\"unclosed\n", "bad.csv:2:"},
		{"short.csv", "id,x,name\n1\n", "short.csv:2: field name: missing"},
	} {
		_, err := ParseRoster(strings.NewReader(tc.text), tc.file)
		var se *sources.Error
		if !errors.As(err, &se) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v; want a *sources.Error with %q", tc.file, err, tc.want)
		}
	}
}

func FuzzParseRoster(f *testing.F) {
	f.Add("r.txt", "ICT CAS\n# c\nYao Di\n")
	f.Add("r.csv", "id,name\n1,ICT CAS\n")
	f.Add("r.csv", "name\n\"a\"\"b\",x\n")
	f.Add("r", "name,id\n\xff\n")
	f.Fuzz(func(t *testing.T, file, text string) {
		got, err := ParseRoster(strings.NewReader(text), file)
		if err != nil {
			var se *sources.Error
			if !errors.As(err, &se) {
				t.Fatalf("error %v is not a *sources.Error", err)
			}
			return
		}
		if len(got) == 0 {
			t.Fatal("no names and no error")
		}
		for _, n := range got {
			if n.Name == "" || strings.TrimSpace(n.Name) != n.Name {
				t.Fatalf("name %q not trimmed or empty", n.Name)
			}
		}
	})
}

func TestParseSink(t *testing.T) {
	for s, want := range map[string]string{"stdout": "stdout", "file:/tmp/a.jsonl": "file", "webhook:https://h.example/x": "webhook",
		"webhook:http://127.0.0.1:8080/hook": "webhook", "webhook:http://[::1]/h": "webhook", "webhook:https://alerts-1.corp.example.:8443/x?t=1": "webhook"} {
		if k, _, err := ParseSink(s); err != nil || k != want {
			t.Errorf("ParseSink(%q) = %q, %v", s, k, err)
		}
	}
	// "webhook:https://..." is the README's placeholder: it parses as a URL
	// with host "...", which no alert could reach.
	for _, s := range []string{"", "file:", "webhook:ftp://x", "webhook:nohost", "email:a@b", "stderr",
		"webhook:https://...", "webhook:https://.../hook", "webhook:https://-bad-.example/", "webhook:https://a..b/", "webhook:https://<host>/x"} {
		if _, _, err := ParseSink(s); err == nil {
			t.Errorf("ParseSink(%q) accepted", s)
		}
	}
}

func TestSignAndBackoff(t *testing.T) {
	body := []byte(`{"event":"new_match"}`)
	sig := Sign("k", body)
	if !strings.HasPrefix(sig, "sha256=") || len(sig) != 7+64 || !Verify("k", body, sig) || Verify("k2", body, sig) || Verify("k", append(body, ' '), sig) {
		t.Errorf("signature %q", sig)
	}
	for n, want := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 10: 5 * time.Second} {
		if got := Backoff(time.Second, 5*time.Second, n); got != want {
			t.Errorf("Backoff(%d) = %v; want %v", n, got, want)
		}
	}
}

func openStore(t *testing.T) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "ties.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestFlushRetriesAndKeepsPending(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	fails := 5
	var got [][]byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if fails > 0 {
			fails--
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		if !Verify("k", b, r.Header.Get(SignatureHeader)) || r.Header.Get(AlertIDHeader) == "" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		got = append(got, b)
	}))
	defer srv.Close()
	file := filepath.Join(t.TempDir(), "alerts.jsonl")
	w, _ := st.AddWatch(ctx, ties.Watch{Kind: ties.WatchRoster, Sink: "webhook:" + srv.URL, Secret: "k"})
	st.EnqueueAlerts(ctx, []ties.Alert{ //nolint:errcheck // checked through Flush
		{WatchID: w.ID, Sink: "webhook:" + srv.URL, Body: json.RawMessage(`{"n":1}`)},
		{WatchID: w.ID, Sink: "file:" + file, Body: json.RawMessage(`{"n":2}`)},
		{WatchID: w.ID, Sink: "stdout", Body: json.RawMessage(`{"n":3}`)},
	})
	var stdout bytes.Buffer
	opt := DeliverOptions{Attempts: 2, Backoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond, Stdout: &stdout}
	res, err := Flush(ctx, st, opt)
	if err != nil {
		t.Fatal(err)
	}
	if res.Delivered != 2 || res.Pending != 1 || len(res.Errors) != 1 || !strings.Contains(res.Errors[0], "502") {
		t.Fatalf("first flush: %+v", res)
	}
	if data, _ := os.ReadFile(file); string(data) != "{\"n\":2}\n" || stdout.String() != "{\"n\":3}\n" {
		t.Errorf("file sink %q, stdout %q", data, stdout.String())
	}
	// Not due yet: a scheduled flush leaves it; --all sends it.
	opt.Now = func() time.Time { return time.Now().Add(-time.Hour) }
	if res, _ := Flush(ctx, st, opt); res.Delivered+res.Pending != 0 {
		t.Errorf("a flush before the next attempt is due: %+v", res)
	}
	opt.Now, opt.Attempts = func() time.Time { return time.Now().Add(time.Minute) }, 4
	if res, _ := Flush(ctx, st, opt); res.Delivered != 1 || len(got) != 1 || string(got[0]) != `{"n":1}` {
		t.Errorf("second flush: %+v, received %q", res, got)
	}
	as, _ := st.Alerts(ctx, 0)
	for _, a := range as {
		if a.DeliveredAt.IsZero() {
			t.Errorf("alert %d still pending", a.ID)
		}
		if a.Sink == "webhook:"+srv.URL && a.Attempts != 6 {
			t.Errorf("webhook alert: %d attempts; want 6 (5 failures, then delivered)", a.Attempts)
		}
	}
}

func records(rs ...ties.Record) iter.Seq2[ties.Record, error] {
	return func(yield func(ties.Record, error) bool) {
		for _, r := range rs {
			if !yield(r, nil) {
				return
			}
		}
	}
}

func rec(id, name string, aliases ...string) ties.Record {
	r := ties.Record{Entity: ties.Entity{ID: id, Kind: ties.KindOrganization, Names: []ties.Name{{Text: name, Type: ties.NamePrimary}}},
		Designations: []ties.Designation{{EntityID: id, ListID: "EL", SourceID: id, Start: ties.MustDate("2022-12-16"), Authority: "87 FR 77505"}}}
	for _, a := range aliases {
		r.Entity.Names = append(r.Entity.Names, ties.Name{Text: a, Type: ties.NameAlias})
	}
	return r
}

// TestRosterReview: a new match alerts; a cleared one stays silent until
// its entry changes, then alerts once, saying why.
func TestRosterReview(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	file := filepath.Join(t.TempDir(), "a.jsonl")
	load := func(rs ...ties.Record) ties.ListVersion {
		t.Helper()
		v, err := st.LoadVersion(ctx, ties.ListVersion{Dataset: "csl", Hash: time.Now().String()}, records(rs...))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	other := rec("csl:other", "Northwind Traders Limited")
	load(other)
	w, err := st.AddWatch(ctx, ties.Watch{Kind: ties.WatchRoster, Roster: []ties.RosterName{{Name: "Zhongke Yuda Instruments"}}, Sink: "file:" + file})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Evaluate(ctx, st, nil, Options{Baseline: true}); err != nil {
		t.Fatal(err)
	}
	step := func(rs ...ties.Record) []Body {
		t.Helper()
		v := load(rs...)
		if _, err := AfterLoad(ctx, st, []ties.ListVersion{v}, Options{}, DeliverOptions{Stdout: io.Discard}); err != nil {
			t.Fatal(err)
		}
		var out []Body
		data, _ := os.ReadFile(file)
		for _, line := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
			if len(line) == 0 {
				continue
			}
			var b Body
			if err := json.Unmarshal(line, &b); err != nil {
				t.Fatal(err)
			}
			out = append(out, b)
		}
		return out
	}
	target := rec("csl:zy", "Zhongke Yuda Instruments Co Ltd")
	got := step(other, target)
	if len(got) != 1 || got[0].Event != EventNewMatch || got[0].Match.EntityID != "csl:zy" || got[0].Cause == nil || got[0].Cause.Change.Kind != ties.ChangeAdded {
		t.Fatalf("after the listing: %+v", got)
	}
	if _, err := st.AddReview(ctx, ties.Review{WatchID: w.ID, EntityID: "csl:zy", Decision: ties.ReviewFalsePositive, Reason: "a namesake",
		EntryHash: changes.EntryHash(target)}); err != nil {
		t.Fatal(err)
	}
	if got := step(rec("csl:other", "Northwind Traders Ltd"), target); len(got) != 1 {
		t.Errorf("cleared match alerted again: %+v", got[1:])
	}
	amended := rec("csl:zy", "Zhongke Yuda Instruments Co Ltd", "ZKYD")
	got = step(other, amended)
	if len(got) != 2 || got[1].Event != EventReviewOutdated || got[1].Review == nil || !strings.Contains(got[1].Reason, `"ZKYD"`) {
		t.Fatalf("after a new alias: %+v", got)
	}
	if got := step(rec("csl:other", "Northwind"), amended); len(got) != 2 {
		t.Errorf("re-alerted twice for one change: %+v", got[2:])
	}
}

// TestAfterIngest: what `ties load` runs after a load records the change
// set and alerts.
func TestAfterIngest(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	mini, err := os.ReadFile("../sync/testdata/mini-csl.csv")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	load := func(name string, data []byte) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		rs, err := ingest.Load(ctx, st, []string{p}, ingest.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := AfterIngest(ctx, st, rs, &out); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	if out := load("v1.csv", mini); !strings.Contains(out, "csl version 1: 4 added, 0 removed, 0 amended since version 0") {
		t.Errorf("after the first load: %q", out)
	}
	if _, err := st.AddWatch(ctx, ties.Watch{Kind: ties.WatchRoster, Roster: []ties.RosterName{{Name: "Northwind Labs Trading"}}, Sink: "stdout"}); err != nil {
		t.Fatal(err)
	}
	if _, err := Evaluate(ctx, st, nil, Options{Baseline: true}); err != nil {
		t.Fatal(err)
	}
	row := "mini-005,Entity List (EL) - Bureau of Industry and Security,,,,Northwind Labs Trading Co,,,90 FR 00005,2025-03-25,,,,,,,,,,,,,,,,,,,\n"
	out := load("v2.csv", append(append([]byte{}, mini...), row...))
	if !strings.Contains(out, "csl version 2: 1 added") || !strings.Contains(out, `"event":"new_match"`) || !strings.Contains(out, "alerts: 1 new, 1 delivered, 0 pending") {
		t.Errorf("after the second load: %s", out)
	}
	if cs, ok, _ := st.ChangeSet(ctx, 2); !ok || cs.Added != 1 || cs.Changes[0].EntityID != "csl:mini-005" {
		t.Errorf("stored change set: %+v", cs)
	}
}

// TestFlushSkipsDeadSink: a receiver that fails every attempt is not tried
// again for the other alerts of the same flush.
func TestFlushSkipsDeadSink(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	var requests int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests++
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer srv.Close()
	sink := "webhook:" + srv.URL
	st.EnqueueAlerts(ctx, []ties.Alert{{WatchID: 1, Sink: sink, Body: json.RawMessage(`{}`)}, {WatchID: 1, Sink: sink, Body: json.RawMessage(`{}`)}}) //nolint:errcheck // checked through Flush
	res, err := Flush(ctx, st, DeliverOptions{Attempts: 2, Backoff: time.Millisecond, Stdout: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	if requests != 2 || res.Pending != 2 || res.Delivered != 0 || !strings.Contains(res.Errors[1], "not tried") {
		t.Errorf("%d requests, %+v; want 2 requests, both alerts pending", requests, res)
	}
}

func FuzzParseSink(f *testing.F) {
	for _, s := range []string{"stdout", "file:/tmp/a", "webhook:https://h/x", "webhook:ftp://x", "file:", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		kind, target, err := ParseSink(s)
		if err != nil {
			return
		}
		switch kind {
		case SinkStdout:
			if s != "stdout" {
				t.Fatalf("%q parsed as stdout", s)
			}
		case SinkFile, SinkWebhook:
			if target == "" || kind+":"+target != s {
				t.Fatalf("%q parsed as %q %q", s, kind, target)
			}
		default:
			t.Fatalf("%q: kind %q", s, kind)
		}
	})
}
