package sync

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	gosync "sync"
	"sync/atomic"
	"testing"
	"time"

	"ties/internal/testdata"
)

// fileServer serves one file at one path, or a fault.
type fileServer struct {
	mu          gosync.Mutex
	path        string
	body        []byte
	contentType string
	fault       string // "", "404", "503-once", "500", "truncated", "html"
	hits        atomic.Int64
	failed      atomic.Bool
}

func (s *fileServer) set(body []byte, fault string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.body, s.fault = body, fault
	s.hits.Store(0)
	s.failed.Store(false)
}

func (s *fileServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.hits.Add(1)
	s.mu.Lock()
	body, ct, fault := s.body, s.contentType, s.fault
	s.mu.Unlock()
	if r.URL.Path != s.path {
		http.NotFound(w, r)
		return
	}
	switch fault {
	case "404":
		http.NotFound(w, r)
		return
	case "500":
		http.Error(w, "boom", http.StatusInternalServerError)
		return
	case "503-once":
		if !s.failed.Swap(true) {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
	case "html":
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html><body>Please log in</body></html>")) //nolint:errcheck // test server
		return
	}
	w.Header().Set("Content-Type", ct)
	if fault == "truncated" {
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body[:len(body)/2]) //nolint:errcheck // test server
		if hj, ok := w.(http.Hijacker); ok {
			conn, _, err := hj.Hijack()
			if err == nil {
				conn.Close()
			}
		}
		return
	}
	w.Write(body) //nolint:errcheck // test server
}

// TestNewSources fetches the 1260H, 1286, FCC and FtM sources from a local
// server serving the real files, then puts each through the faults the
// other sources are tested with: each is reported and leaves the version
// in force.
func TestNewSources(t *testing.T) {
	data := testdata.Dir(t)
	for _, c := range []struct {
		source, file, path, contentType, base, dataset string
		rows                                           int
	}{
		{"1260h", "us-cn-lists/dod-1260h.csv", "/datasets/us/dod_chinese_milcorps/sanctions.csv", "text/plain; charset=utf-8", "/datasets/us/dod_chinese_milcorps", "1260h", 224},
		{"1286", "us-cn-lists/dod-1286.csv", "/datasets/us/special_leg/source_files/section_1286.csv", "text/plain; charset=utf-8", "/datasets/us/special_leg/source_files", "1286", 184},
		{"fcc", "us-cn-lists/fcc-covered-list.csv", "/datasets/us/fcc_covered_list/table.csv", "text/plain; charset=utf-8", "/datasets/us/fcc_covered_list", "fcc", 13},
		{"ftm", "ftm/yente_t1_entities.ftm.json", "/datasets/latest/eu_fsf/entities.ftm.json", "application/json", "/datasets/latest/eu_fsf", "ftm:eu_fsf", 6},
		// A base URL may name the file itself; the FtM dataset is then
		// named after the file.
		{"ftm", "ftm/nomenklatura_donations.ijson", "/exports/donations.ftm.json", "application/x-ndjson", "/exports/donations.ftm.json", "ftm:donations", 95},
	} {
		t.Run(c.source+" "+filepath.Base(c.file), func(t *testing.T) {
			ctx := context.Background()
			body, err := os.ReadFile(filepath.Join(data, c.file))
			if err != nil {
				t.Fatal(err)
			}
			srv := &fileServer{path: c.path, contentType: c.contentType}
			srv.set(body, "")
			ts := httptest.NewServer(srv)
			defer ts.Close()
			st := openStore(t)
			opt := Options{Sources: []string{c.source}, BaseURLs: map[string]string{c.source: ts.URL + c.base},
				Timeout: 2 * time.Second, Attempts: 3, Backoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond}
			fetch := func() Result {
				t.Helper()
				rs, err := Fetch(ctx, st, opt)
				if err != nil || len(rs) != 1 {
					t.Fatalf("Fetch: %v %+v", err, rs)
				}
				return rs[0]
			}
			r := fetch()
			if !r.New() || r.Version.Dataset != c.dataset || r.Version.Rows != c.rows || r.Version.Origin != ts.URL+c.path {
				t.Fatalf("first fetch: %+v %+v; want %s with %d rows from %s", r, r.Version, c.dataset, c.rows, ts.URL+c.path)
			}
			first := r.Version.ID
			srv.set(body, "503-once")
			if r := fetch(); r.Err != nil || !r.Skipped || r.Attempts != 2 || r.Version.ID != first {
				t.Errorf("503 then the same list: %+v; want retried and unchanged", r)
			}
			lines := strings.SplitAfter(string(body), "\n")
			for _, f := range []struct {
				name, fault, want string
				body              []byte
				hits              int64
			}{
				{"404", "404", "404 Not Found", body, 1},
				{"500", "500", "gave up after 3 attempts", body, 3},
				{"truncated", "truncated", "cut short", body, 3},
				{"html", "html", `content type "text/html"`, body, 1},
				{"not a list", "", ":1", []byte("this is not\na list at all\n"), 1},
				{"two lines", "", "fewer than 50%", []byte(strings.Join(lines[:2], "")), 1},
			} {
				srv.set(f.body, f.fault)
				r := fetch()
				if r.Err == nil || !strings.Contains(r.Err.Error(), f.want) {
					t.Errorf("%s: error %v; want %q", f.name, r.Err, f.want)
				}
				if got := srv.hits.Load(); got != f.hits {
					t.Errorf("%s: %d requests, want %d", f.name, got, f.hits)
				}
				vs, err := st.InForce(ctx)
				if err != nil || len(vs) != 1 || vs[0].ID != first {
					t.Errorf("%s: in force %+v, %v; want version %d", f.name, vs, err, first)
				}
			}
		})
	}
}

// TestOffline: with hosts that do not resolve, sync fails within seconds,
// with one line per source naming its URL once, and no retries.
func TestOffline(t *testing.T) {
	opt := Options{ // the defaults otherwise: 4 attempts, 2 s backoff
		Sources: []string{"csl", "ofac", "un", "1260h"},
		BaseURLs: map[string]string{
			"csl": "http://csl.ties-test.invalid/v1", "ofac": "http://ofac.ties-test.invalid/downloads",
			"un": "http://un.ties-test.invalid/xml", "1260h": "http://gh.ties-test.invalid/1260h",
		},
	}
	start := time.Now()
	rs, err := Fetch(context.Background(), openStore(t), opt)
	took := time.Since(start)
	if err != nil || len(rs) != 4 {
		t.Fatalf("Fetch: %v %+v", err, rs)
	}
	if took > 10*time.Second {
		t.Errorf("offline sync took %s; want under 10 s", took)
	}
	for _, r := range rs {
		if r.Err == nil || r.Attempts > 1 {
			t.Errorf("%s: %d attempts, error %v; want one failed attempt", r.Source, r.Attempts, r.Err)
			continue
		}
		msg := r.Err.Error()
		if strings.Contains(msg, "\n") || strings.Count(msg, "ties-test.invalid/") > 1 ||
			!(strings.Contains(msg, "cannot resolve") || strings.Contains(msg, "not tried: no network")) {
			t.Errorf("%s: error %q; want one line naming the URL once and saying the host does not resolve", r.Source, msg)
		}
		t.Logf("%s: %s", r.Source, msg)
	}
}

func TestSourcesFileURL(t *testing.T) {
	if _, err := Sources([]string{"ofac"}, map[string]string{"ofac": "https://mirror.example/sdn.csv"}); err == nil || !strings.Contains(err.Error(), "several files") {
		t.Errorf("a file URL for the OFAC set: %v", err)
	}
	s, err := Sources([]string{"un", "ftm"}, map[string]string{"un": "https://mirror.example/lists/un.xml"})
	if err != nil || s[0].BaseURL != "https://mirror.example/lists" || s[0].Files[0] != "un.xml" || s[1].Dataset != "ftm:sanctions" {
		t.Errorf("sources %+v, %v", s, err)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestNoNameServer: when the name server cannot be reached (a DNS timeout),
// the network is down: the first source says so and the others are not
// tried, so a machine without network fails at once.
func TestNoNameServer(t *testing.T) {
	var calls atomic.Int64
	opt := Options{
		Sources: []string{"csl", "ofac", "un"},
		Client: &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			calls.Add(1)
			return nil, &net.DNSError{Err: "i/o timeout", Name: r.URL.Hostname(), Server: "10.0.0.53:53", IsTimeout: true}
		})},
	}
	rs, err := Fetch(context.Background(), openStore(t), opt)
	if err != nil || len(rs) != 3 || calls.Load() != 1 {
		t.Fatalf("Fetch: %v, %d requests, %+v; want one request", err, calls.Load(), rs)
	}
	if msg := rs[0].Err.Error(); !strings.Contains(msg, "cannot resolve data.trade.gov (i/o timeout: the name server cannot be reached)") {
		t.Errorf("csl: %s", msg)
	}
	for _, r := range rs[1:] {
		if r.Err == nil || r.Err.Error() != "not tried: no network (csl failed first)" {
			t.Errorf("%s: %v", r.Source, r.Err)
		}
	}
}

func TestOutcomeSummary(t *testing.T) {
	o := Outcome{Sources: []SourceOutcome{{Source: "csl", Status: "failed", Error: "GET x: 500"}, {Source: "un", Status: "loaded"}}}
	if got := o.Summary(); got != "csl: GET x: 500" {
		t.Errorf("one failure: %q", got)
	}
	o.Sources[1] = SourceOutcome{Source: "un", Status: "failed", Error: "GET y: cannot resolve"}
	o.Sources = append(o.Sources, SourceOutcome{Source: "1260h", Status: "unchanged"})
	if got := o.Summary(); got != "sync failed for 2 of 3 sources: csl, un" {
		t.Errorf("two failures: %q", got)
	}
	if got := (Outcome{Error: "linking: x"}).Summary(); got != "linking: x" {
		t.Errorf("no source failed: %q", got)
	}
}
