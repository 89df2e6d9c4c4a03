package sync

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	gosync "sync"
	"sync/atomic"
	"testing"
	"time"

	"ties"
	"ties/sqlite"
)

func openStore(t *testing.T) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "ties.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func fastOptions(base string) Options {
	return Options{Sources: []string{"csl"}, BaseURLs: map[string]string{"csl": base}, Timeout: time.Second,
		Attempts: 3, Backoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond}
}

// TestFetchVerifies: every check of a download, on a hand-written list.
func TestFetchVerifies(t *testing.T) {
	ctx := context.Background()
	mini, err := os.ReadFile("testdata/mini-csl.csv")
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu      gosync.Mutex
		handler http.HandlerFunc
		hits    atomic.Int64
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		mu.Lock()
		h := handler
		mu.Unlock()
		h(w, r)
	}))
	defer srv.Close()
	serve := func(h http.HandlerFunc) {
		mu.Lock()
		handler = h
		mu.Unlock()
		hits.Store(0)
	}
	csv := func(body []byte) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/csv")
			w.Write(body) //nolint:errcheck // test server
		}
	}
	st := openStore(t)
	fetch := func(opt Options) Result {
		t.Helper()
		rs, err := Fetch(ctx, st, opt)
		if err != nil || len(rs) != 1 {
			t.Fatalf("Fetch: %v %+v", err, rs)
		}
		return rs[0]
	}
	opt := fastOptions(srv.URL)

	serve(csv(mini))
	r := fetch(opt)
	if !r.New() || r.Version.Rows != 4 || r.Version.Dataset != "csl" || r.Version.Origin != srv.URL+"/consolidated.csv" || r.Attempts != 1 {
		t.Fatalf("first fetch: %+v %+v", r, r.Version)
	}
	first := r.Version.ID
	if r := fetch(opt); r.New() || !r.Skipped || r.Version.ID != first {
		t.Errorf("same content: %+v", r)
	}

	// A 503 then the list: retried and loaded.
	var n atomic.Int64
	changed := []byte(strings.Replace(string(mini), "SWM", "SWM; Southwind", 1))
	serve(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		csv(changed)(w, r)
	})
	if r := fetch(opt); !r.New() || r.Attempts != 2 {
		t.Errorf("503 then OK: %+v", r)
	}

	for _, tc := range []struct {
		name     string
		h        http.HandlerFunc
		opt      func(*Options)
		want     string
		attempts int64
	}{
		{"404 is not retried", http.NotFound, nil, "404 Not Found", 1},
		{"500 is retried", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "x", 500) }, nil, "gave up after 3 attempts", 3},
		{"announced size over the limit", csv(mini), func(o *Options) { o.MaxBytes = 100 }, "more than the limit of 100", 1},
		{"streamed size over the limit", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/csv")
			w.(http.Flusher).Flush() // chunked: no Content-Length
			w.Write(mini)            //nolint:errcheck // test server
		}, func(o *Options) { o.MaxBytes = 100 }, "larger than the limit of 100", 1},
		{"JSON is not a CSV list", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"results":[]}`)) //nolint:errcheck // test server
		}, nil, `content type "application/json"`, 1},
		{"empty list", csv([]byte(strings.SplitAfter(string(mini), "\n")[0])), nil, "no records", 1},
		{"a quarter of the rows", csv([]byte(strings.Join(strings.SplitAfter(string(mini), "\n")[:2], ""))), nil, "1 rows, fewer than 50% of the 4 rows", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := opt
			if tc.opt != nil {
				tc.opt(&o)
			}
			serve(tc.h)
			before := inForce(t, st)
			r := fetch(o)
			if r.Err == nil || !strings.Contains(r.Err.Error(), tc.want) {
				t.Errorf("error %v; want %q", r.Err, tc.want)
			}
			if got := hits.Load(); got != tc.attempts {
				t.Errorf("%d requests; want %d", got, tc.attempts)
			}
			if after := inForce(t, st); after != before {
				t.Errorf("version in force %d after the failure; want %d", after, before)
			}
		})
	}
	// The guard is configurable.
	opt.MinRatio = -1
	serve(csv([]byte(strings.Join(strings.SplitAfter(string(mini), "\n")[:2], ""))))
	if r := fetch(opt); !r.New() || r.Version.Rows != 1 {
		t.Errorf("with the guard off: %+v", r)
	}
	if _, err := Fetch(ctx, st, Options{Sources: []string{"nope"}}); err == nil {
		t.Error("an unknown source was accepted")
	}
	if _, err := Fetch(ctx, st, Options{BaseURLs: map[string]string{"nope": "x"}}); err == nil {
		t.Error("a base URL for an unknown source was accepted")
	}
}

func inForce(t *testing.T, st ties.Store) int64 {
	t.Helper()
	vs, err := st.InForce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		if v.Dataset == "csl" {
			return v.ID
		}
	}
	return 0
}

// TestOFACCompanionsOptional: a missing companion file is left out, the
// primary file is required.
func TestOFACCompanionsOptional(t *testing.T) {
	row := `36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ` + "\r\n"
	alt := `36,12,"aka","AERO-CARIBBEAN",-0- ` + "\r\n"
	var paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		paths = append(paths, r.URL.Path)
		w.Header().Set("Content-Type", "application/octet-stream")
		switch r.URL.Path {
		case "/ofac/sdn.csv":
			fmt.Fprint(w, row)
		case "/ofac/alt.csv":
			fmt.Fprint(w, alt)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	st := openStore(t)
	opt := fastOptions(srv.URL + "/ofac")
	opt.Sources, opt.BaseURLs = []string{"ofac"}, map[string]string{"ofac": srv.URL + "/ofac"}
	rs, err := Fetch(context.Background(), st, opt)
	if err != nil || len(rs) != 1 || !rs[0].New() || rs[0].Version.Dataset != "ofac-sdn" {
		t.Fatalf("OFAC fetch: %v %+v", err, rs)
	}
	if len(paths) != 4 {
		t.Errorf("requests %v; want the four files once each (404 not retried)", paths)
	}
	found := false
	for e, err := range st.InForceEntries(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range e.Entity.Names {
			found = found || n.Text == "AERO-CARIBBEAN"
		}
	}
	if !found {
		t.Error("the alias from alt.csv was not loaded")
	}
}

func TestTimeoutIsRetriedThenReported(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		<-r.Context().Done()
	}))
	defer srv.Close()
	opt := fastOptions(srv.URL)
	opt.Attempts, opt.Client = 2, &http.Client{Timeout: 50 * time.Millisecond}
	rs, err := Fetch(context.Background(), openStore(t), opt)
	if err != nil || rs[0].Err == nil || !strings.Contains(rs[0].Err.Error(), "Timeout") || hits.Load() != 2 {
		t.Errorf("timeout: %v %+v after %d requests", err, rs, hits.Load())
	}
	var fe *fetchError
	if !errors.As(rs[0].Err, &fe) || !fe.retryable {
		t.Errorf("a timeout is not marked retryable: %#v", rs[0].Err)
	}
}

// TestRunScheduled: runs never overlap, and the status reports the last.
func TestRunScheduled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var running, overlaps, runs atomic.Int64
	s := RunScheduled(ctx, 5*time.Millisecond, func(ctx context.Context) Outcome {
		if running.Add(1) > 1 {
			overlaps.Add(1)
		}
		defer running.Add(-1)
		n := runs.Add(1)
		time.Sleep(10 * time.Millisecond)
		o := Outcome{OK: n%2 == 1, Sources: []SourceOutcome{{Source: "csl", Status: "loaded"}}, Started: time.Now()}
		if !o.OK {
			o.Error, o.Sources[0].Status = "csl: 500", "failed"
		}
		o.Finished = time.Now()
		return o
	})
	deadline := time.Now().Add(5 * time.Second)
	for s.Status().Runs < 4 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	st := s.Status()
	if st.Runs < 4 || st.Last == nil || overlaps.Load() != 0 || st.Failed < 2 {
		t.Fatalf("status %+v, %d overlaps", st, overlaps.Load())
	}
	m := s.Metrics()
	for _, want := range []string{"ties_sync_runs_total ", "ties_sync_failed_runs_total ", "ties_sync_last_ok ", `ties_sync_source_ok{source="csl"}`, "ties_alerts_pending 0"} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %q:\n%s", want, m)
		}
	}
	cancel()
	time.Sleep(30 * time.Millisecond)
	n := runs.Load()
	time.Sleep(30 * time.Millisecond)
	if runs.Load() != n {
		t.Error("runs go on after the context ended")
	}
}
