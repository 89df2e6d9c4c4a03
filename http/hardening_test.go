package http

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"ties"
	"ties/examples"
	"ties/ingest"
	"ties/postgres"
	"ties/postgres/pgtest"
	"ties/sqlite"
	"ties/watch"
)

// pgEnv is a real server over loopback on a real PostgreSQL (pgtest)
// holding the reference case.
type pgEnv struct {
	st     *postgres.Store
	srv    *Server
	hs     *httptest.Server
	viewer string
	admin  string
}

func newPGEnv(t *testing.T) *pgEnv {
	t.Helper()
	ctx := context.Background()
	st, err := postgres.Open(ctx, pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	casePath := filepath.Join(t.TempDir(), examples.MicrosoftCASName)
	if err := os.WriteFile(casePath, examples.MicrosoftCAS, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ingest.Load(ctx, st, []string{casePath}, ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	e := &pgEnv{st: st}
	for _, role := range []ties.Role{ties.RoleViewer, ties.RoleAdmin} {
		secret, hash, err := ties.NewTokenSecret()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.CreateToken(ctx, string(role)+"-test", role, hash); err != nil {
			t.Fatal(err)
		}
		if role == ties.RoleViewer {
			e.viewer = secret
		} else {
			e.admin = secret
		}
	}
	if e.srv, err = New(ctx, Options{Store: st}); err != nil {
		t.Fatal(err)
	}
	e.hs = httptest.NewServer(e.srv.Handler())
	t.Cleanup(func() { e.hs.Close(); e.srv.Close() })
	return e
}

func (e *pgEnv) do(t *testing.T, method, path, token string, body []byte) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, e.hs.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := e.hs.Client().Do(req)
	if err != nil {
		t.Error(err)
		return 0, nil
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// leaks reports a store's or the runtime's own words in an error body.
func leaks(body []byte) bool {
	s := strings.ToLower(string(body))
	for _, w := range []string{"sqlstate", "postgres", "pgx", "/tmp", "goroutine", ".go:"} {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// TestPostgresBadTextFailsOnlyItsRequest is the acceptance test of the
// first hardening item: 300 concurrent screenings against a server on
// PostgreSQL, one in ten with a NUL or bad UTF-8 in a name. No request gets
// a 5xx; the bad ones get a 400 naming the field; every good one is
// answered and its audit record holds its name.
func TestPostgresBadTextFailsOnlyItsRequest(t *testing.T) {
	e := newPGEnv(t)
	const n = 300
	type outcome struct {
		status int
		body   []byte
	}
	out := make([]outcome, n)
	bodies := make([][]byte, n)
	for i := range n {
		name := fmt.Sprintf("ICT CAS %d", i)
		switch {
		case i%10 != 0:
			bodies[i], _ = json.Marshal(map[string]string{"name": name})
		case i%30 == 0:
			bodies[i] = []byte(`{"name": "ICT\u0000CAS ` + fmt.Sprint(i) + `"}`)
		case i%30 == 10:
			bodies[i] = []byte("{\"name\": \"ICT \xff\xfe CAS " + fmt.Sprint(i) + "\"}")
		default: // a batch with one bad name among good ones
			bodies[i] = []byte(`{"names": ["Huawei", "ICT\u0000CAS"]}`)
		}
	}
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			out[i].status, out[i].body = e.do(t, "POST", "/v1/screen", e.viewer, bodies[i])
		}()
	}
	close(start)
	wg.Wait()
	good, refused := 0, 0
	for i, o := range out {
		if o.status >= 500 || o.status == 0 {
			t.Errorf("request %d: status %d: %s", i, o.status, o.body)
			continue
		}
		if i%10 == 0 {
			var eb errorBody
			if o.status != 400 || json.Unmarshal(o.body, &eb) != nil || !strings.Contains(eb.Error, `field "name`) || leaks(o.body) {
				t.Errorf("bad request %d: %d %s, want 400 naming the field", i, o.status, o.body)
			}
			refused++
			continue
		}
		var res screenResult
		if o.status != 200 || json.Unmarshal(o.body, &res) != nil || res.AuditSeq == 0 {
			t.Errorf("request %d: %d %s, want 200 with an audit record", i, o.status, o.body)
			continue
		}
		rec, err := e.st.AuditRecord(context.Background(), res.AuditSeq)
		if want := fmt.Sprintf("ICT CAS %d", i); err != nil || rec.Query != want || rec.Action != ties.AuditScreen {
			t.Errorf("request %d: audit record %d = %q %s, %v; want %q", i, res.AuditSeq, rec.Query, rec.Action, err, want)
			continue
		}
		good++
	}
	t.Logf("%d screenings answered and audited, %d refused with 400", good, refused)
	if good != n-n/10 || refused != n/10 {
		t.Errorf("good %d, refused %d; want %d and %d", good, refused, n-n/10, n/10)
	}
	if last, err := e.st.VerifyAudit(context.Background()); err != nil || last < int64(good) {
		t.Errorf("VerifyAudit = %d, %v", last, err)
	}
}

// TestPostgresNULOnEveryRoute sends a NUL (and bad UTF-8) to each route
// that writes or looks up text: each answers 400 naming the field, never a
// 5xx, and never with the store's own error text.
func TestPostgresNULOnEveryRoute(t *testing.T) {
	e := newPGEnv(t)
	for _, tc := range []struct {
		method, path string
		body         string
		want         string
	}{
		{"POST", "/v1/tokens", `{"name": "a\u0000b", "role": "viewer"}`, `field "name"`},
		{"POST", "/v1/watches", `{"org": "msft", "label": "x\u0000"}`, `field "label"`},
		{"POST", "/v1/watches", `{"roster": [{"name": "ok"}, {"name": "b\u0000d"}]}`, `field "roster[1].name"`},
		{"POST", "/v1/ties", `{"from": "msft\u0000", "to": "cas", "kind": "funds"}`, `field "from"`},
		{"POST", "/v1/reviews", `{"entity_id": "x\u0000", "decision": "false_positive", "reason": "r"}`, `field "entity_id"`},
		{"POST", "/v1/audit/1/decision", `{"decision": "cleared", "note": "n\u0000"}`, `field "note"`},
		{"POST", "/v1/audit/1/decision", "{\"decision\": \"cleared\", \"note\": \"n\xc3\"}", `field "note"`},
		{"GET", "/v1/entities/a%00b", "", `path parameter "id"`},
		{"GET", "/v1/entities/a%ffb/ties", "", `path parameter "id"`},
		{"GET", "/v1/compare?name1=a%00&name2=b", "", `query parameter "name1"`},
		{"GET", "/v1/resolve?q=%ff", "", `query parameter "q"`},
		{"GET", "/v1/exposure?org=msft%00", "", `query parameter "org"`},
		{"POST", "/v1/lists?filename=a%00.csv", "name,type\nx,entity\n", `query parameter "filename"`},
	} {
		status, body := e.do(t, tc.method, tc.path, e.admin, []byte(tc.body))
		var eb errorBody
		if status != 400 || json.Unmarshal(body, &eb) != nil || !strings.Contains(eb.Error, tc.want) || leaks(body) {
			t.Errorf("%s %s %q: %d %s, want 400 containing %q", tc.method, tc.path, tc.body, status, body, tc.want)
		}
	}
}

// TestAuditorIsolatesARefusedRecord bypasses the edge checks: records the
// store refuses, queued among good ones, fail only their own request.
func TestAuditorIsolatesARefusedRecord(t *testing.T) {
	e := newPGEnv(t)
	const n = 200
	errs := make([]error, n)
	seqs := make([]int64, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			q := fmt.Sprintf("name %d", i)
			if i%20 == 0 {
				q = "bad\x00name"
			}
			<-start
			out, err := e.srv.audit.append(context.Background(), []ties.AuditRecord{{Actor: "t", Action: ties.AuditScreen, Query: q}})
			errs[i] = err
			if err == nil {
				seqs[i] = out[0].Seq
			}
		}()
	}
	close(start)
	wg.Wait()
	for i := range n {
		switch {
		case i%20 == 0 && errs[i] == nil:
			t.Errorf("record %d with a NUL was appended", i)
		case i%20 != 0 && (errs[i] != nil || seqs[i] == 0):
			t.Errorf("good record %d: seq %d, %v", i, seqs[i], errs[i])
		}
	}
	if _, err := e.st.VerifyAudit(context.Background()); err != nil {
		t.Error(err)
	}
}

// TestLongNamesRefused: a name over ties.MaxNameLength, up to a 1 MB one,
// is refused with a 400 naming the field, on every route that takes one;
// a name at the limit is screened.
func TestLongNamesRefused(t *testing.T) {
	e := newEnv(t, Options{})
	mb := strings.Repeat("Huawei ", (1<<20)/7)
	long := strings.Repeat("x", ties.MaxNameLength+1)
	for _, tc := range []struct {
		method, path string
		body         any
		want         string
	}{
		{"POST", "/v1/screen", map[string]any{"name": mb}, `field "name": is longer than 1000 characters`},
		{"POST", "/v1/screen", map[string]any{"names": []string{"ICT CAS", long}}, `field "names[1]"`},
		{"POST", "/v1/watches", map[string]any{"roster": []map[string]string{{"name": long}}}, `field "roster[0].name"`},
		{"GET", "/v1/compare?name1=a&name2=" + long, nil, `query parameter "name2"`},
		{"GET", "/v1/resolve?q=" + long, nil, `query parameter "q"`},
		{"GET", "/v1/exposure?org=" + long, nil, `query parameter "org"`},
	} {
		var body io.Reader
		if tc.body != nil {
			b, _ := json.Marshal(tc.body)
			body = bytes.NewReader(b)
		}
		status, b := e.do(tc.method, tc.path, e.analyst, body)
		var eb errorBody
		if status != 400 || json.Unmarshal(b, &eb) != nil || !strings.Contains(eb.Error, tc.want) || len(b) > 1000 {
			t.Errorf("%s %.60s: %d %.300s, want 400 containing %q", tc.method, tc.path, status, b, tc.want)
		}
	}
	e.json("POST", "/v1/screen", e.viewer, map[string]string{"name": strings.Repeat("é", ties.MaxNameLength)}, 200, nil)
}

// TestScreenChunkStopsWhenContextEnds: once the request's context ends,
// the workers take no further names.
func TestScreenChunkStopsWhenContextEnds(t *testing.T) {
	e := newEnv(t, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	names := make([]string, 1000)
	for i := range names {
		names[i] = "ICT CAS"
	}
	res := e.srv.screenChunk(ctx, e.srv.snap.Load(), matchQuery(""), names)
	for i, r := range res {
		if r.Query != "" {
			t.Fatalf("name %d was screened after the context ended", i)
		}
	}
}

// BenchmarkScreenNameLength screens one name of 10, 100 and 1,000
// characters (the limit) through the real server and a 1 MB one (refused):
// the cost per query should grow no faster than the name.
//
//	go test ./http -run '^$' -bench ScreenNameLength
func BenchmarkScreenNameLength(b *testing.B) {
	benchState.once.Do(func() { benchState.err = setupBench() })
	if benchState.err != nil {
		b.Fatal(benchState.err)
	}
	words := []string{"Beijing", "Institute", "of", "Computing", "Technology", "Huawei", "Trading", "Co"}
	for _, n := range []int{10, 100, 1000, 1 << 20} {
		var sb strings.Builder
		for i := 0; sb.Len() < n; i++ {
			sb.WriteString(words[i%len(words)] + " ")
		}
		name := sb.String()[:n]
		body, _ := json.Marshal(map[string]string{"name": name})
		want := 200
		if n > ties.MaxNameLength {
			want = 400
		}
		b.Run(fmt.Sprintf("chars=%d", n), func(b *testing.B) {
			for b.Loop() {
				req, _ := http.NewRequest("POST", benchState.hs.URL+"/v1/screen", bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+benchState.token)
				resp, err := benchState.hs.Client().Do(req)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body) //nolint:errcheck // drained for reuse
				resp.Body.Close()
				if resp.StatusCode != want {
					b.Fatalf("status %d, want %d", resp.StatusCode, want)
				}
			}
		})
	}
}

// TestLoadCommitsWithItsAuditRecord: POST /v1/lists is held right after
// the load commits, before anything else runs (as a crash there would
// leave it): the new version is in force, its audit record is already in
// the trail, and its origin names the upload, not the server's temp path.
func TestLoadCommitsWithItsAuditRecord(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		e := newEnv(t, Options{})
		testLoadAudited(t, e.srv, e.hs.URL, e.admin, e.st)
	})
	t.Run("postgres", func(t *testing.T) {
		e := newPGEnv(t)
		testLoadAudited(t, e.srv, e.hs.URL, e.admin, e.st)
	})
}

func testLoadAudited(t *testing.T, srv *Server, url, admin string, st Store) {
	ctx := context.Background()
	committed, release := make(chan struct{}), make(chan struct{})
	srv.afterLoadHook = func() { close(committed); <-release }
	body, err := os.ReadFile("../cmd/ties/testdata/fixture-list.csv")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan int)
	go func() {
		req, _ := http.NewRequest("POST", url+"/v1/lists?filename=fixture-list.csv", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+admin)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			done <- 0
			return
		}
		resp.Body.Close()
		done <- resp.StatusCode
	}()
	select {
	case <-committed:
	case status := <-done:
		t.Fatalf("the load ended with %d before it committed", status)
	}
	// The server is "dead" here: only what committed counts.
	inForce, err := st.InForce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var v ties.ListVersion
	for _, x := range inForce {
		if x.Dataset == "csl" {
			v = x
		}
	}
	if v.ID == 0 || v.Origin != "upload:fixture-list.csv" {
		t.Errorf("version in force: %+v; want the csl upload with origin upload:fixture-list.csv", v)
	}
	found := false
	for rec, err := range st.AuditRecords(ctx, 0, 0) {
		if err != nil {
			t.Fatal(err)
		}
		if rec.Action == ties.AuditLoad && len(rec.Versions) == 1 && rec.Versions[0] == v.ID {
			found = true
			if !strings.HasPrefix(rec.Actor, "token:") || strings.Contains(rec.Query, os.TempDir()) {
				t.Errorf("load record %+v", rec)
			}
		}
	}
	if !found {
		t.Errorf("no audit record of version %d at the moment its load committed", v.ID)
	}
	close(release)
	if status := <-done; status != http.StatusCreated {
		t.Errorf("load: status %d", status)
	}
	if _, _, err := ties.VerifyAuditChain(st.AuditRecords(ctx, 0, 0), 0, ""); err != nil {
		t.Error(err)
	}
}

// TestStaleUploadDirsRemoved: an upload directory left by a killed server
// (older than twice the batch time limit) is removed when a server
// starts; a recent one, maybe another server's, is kept.
func TestStaleUploadDirsRemoved(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	old, recent := filepath.Join(tmp, uploadDirPattern+"old"), filepath.Join(tmp, uploadDirPattern+"recent")
	for _, d := range []string{old, recent} {
		if err := os.MkdirAll(filepath.Join(d, "sub"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "sdn.csv"), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	long := time.Now().Add(-time.Hour)
	if err := os.Chtimes(old, long, long); err != nil {
		t.Fatal(err)
	}
	newEnv(t, Options{BatchTimeout: 10 * time.Minute})
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Errorf("stale upload directory still there: %v", err)
	}
	if _, err := os.Stat(recent); err != nil {
		t.Errorf("recent upload directory removed: %v", err)
	}
}

// TestUnknownFiltersRefused: a list, country or kind that no entry in
// force holds answers 400 naming the value and the known ones, not "no
// match".
func TestUnknownFiltersRefused(t *testing.T) {
	e := newEnv(t, Options{})
	for _, tc := range []struct {
		body       map[string]any
		want, know string
	}{
		{map[string]any{"name": "ICT CAS", "lists": []string{"Entity List"}}, `unknown list "Entity List"`, "EL"},
		{map[string]any{"name": "ICT CAS", "countries": []string{"China"}}, `unknown country "China"`, "CN"},
		{map[string]any{"names": []string{"ICT CAS"}, "kind": "program"}, `unknown kind "program"`, "person, organization"},
		{map[string]any{"name": "ICT CAS", "kind": "spaceship"}, `unknown kind "spaceship"`, "vessel, aircraft"},
	} {
		b, _ := json.Marshal(tc.body)
		status, body := e.do("POST", "/v1/screen", e.viewer, bytes.NewReader(b))
		var eb errorBody
		if status != 400 || json.Unmarshal(body, &eb) != nil || !strings.Contains(eb.Error, tc.want) || !strings.Contains(eb.Error, tc.know) {
			t.Errorf("%v: %d %s; want 400 with %q and %q", tc.body, status, body, tc.want, tc.know)
		}
	}
	// The known values, in any case, still filter.
	var res screenResult
	e.json("POST", "/v1/screen", e.viewer, map[string]any{"name": "ICT CAS", "lists": []string{"el"}, "countries": []string{"cn"}, "kind": "organization"}, 200, &res)
	if len(res.Matches) == 0 {
		t.Errorf("ICT CAS on EL in CN: no match")
	}
}

// TestWebhookTargetsRefused: a watch whose webhook points at loopback,
// private, link-local or metadata addresses is refused for any role
// unless the server's admin setting allows the destination. (Nothing is
// dialled: the targets are IP literals checked when the watch is added.)
func TestWebhookTargetsRefused(t *testing.T) {
	e := newEnv(t, Options{})
	add := func(e *testEnv, token, target string) (int, []byte) {
		b, _ := json.Marshal(map[string]any{"roster": []map[string]string{{"name": "ICT CAS"}}, "sink": "webhook:" + target, "secret": "s"})
		return e.do("POST", "/v1/watches", token, bytes.NewReader(b))
	}
	for _, target := range []string{"http://127.0.0.1/x", "http://10.0.0.1/x", "http://169.254.169.254/latest/meta-data/", "http://[::1]/x", "http://localhost:8080/x"} {
		for _, token := range []string{e.analyst, e.admin} {
			status, body := add(e, token, target)
			if status != 400 || !strings.Contains(string(body), "not allowed") || !strings.Contains(string(body), "--webhook-allow") {
				t.Errorf("webhook %s: %d %s, want 400", target, status, body)
			}
		}
	}
	if status, body := add(e, e.analyst, "https://93.184.215.14/hook"); status != http.StatusCreated {
		t.Errorf("public webhook: %d %s", status, body)
	}
	allowed := newEnv(t, Options{WebhookPolicy: &watch.WebhookPolicy{Allow: []string{"127.0.0.1:9000", "10.0.0.0/8"}}})
	for target, want := range map[string]int{"http://127.0.0.1:9000/x": 201, "http://10.0.0.1/x": 201, "http://127.0.0.1:9001/x": 400, "http://169.254.169.254/": 400} {
		if status, body := add(allowed, allowed.analyst, target); status != want {
			t.Errorf("allowed 127.0.0.1:9000 and 10.0.0.0/8; webhook %s: %d %s, want %d", target, status, body, want)
		}
	}
}

// TestSecurityHeaders: the page, its assets, a client-side route, the
// placeholder and the API all carry the CSP (the page's allows only the
// server's own assets), frame-ancestors 'none', Referrer-Policy and
// nosniff.
func TestSecurityHeaders(t *testing.T) {
	ui := fstest.MapFS{
		"index.html":    {Data: []byte(`<!doctype html><script type="module" src="./assets/app.js"></script>`)},
		"assets/app.js": {Data: []byte(`console.log(1)`)},
	}
	// The one inline style allowed is the rule cytoscape injects, by hash.
	sum := sha256.Sum256([]byte(".__________cytoscape_container { position: relative; }"))
	if want := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"; cytoscapeStyleHash != want {
		t.Errorf("cytoscapeStyleHash %s, want %s", cytoscapeStyleHash, want)
	}
	withUI := newEnv(t, Options{UI: ui})
	placeholder := newEnv(t, Options{})
	for _, tc := range []struct {
		e        *testEnv
		path     string
		page     bool
		security string
	}{
		{withUI, "/", true, ""},
		{withUI, "/assets/app.js", true, ""},
		{withUI, "/entity/csl:123", true, ""},
		{placeholder, "/", true, ""},
		{withUI, "/v1/me", false, withUI.viewer},
		{withUI, "/healthz", false, ""},
		{withUI, "/v1/nosuch", false, withUI.viewer},
	} {
		req, _ := http.NewRequest("GET", tc.e.hs.URL+tc.path, nil)
		if tc.security != "" {
			req.Header.Set("Authorization", "Bearer "+tc.security)
		}
		resp, err := tc.e.hs.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		csp := resp.Header.Get("Content-Security-Policy")
		want := APICSP
		if tc.page {
			want = PageCSP
		}
		if csp != want || !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP %q, want %q", tc.path, csp, want)
		}
		for h, v := range map[string]string{"Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY"} {
			if got := resp.Header.Get(h); got != v {
				t.Errorf("%s: %s %q, want %q", tc.path, h, got, v)
			}
		}
	}
}

// TestAPIRefusesHierarchyCycles: msra-theory is part_of msra, part_of
// msft (reference case); msft part_of msra-theory would close a loop and
// is refused, as the .ties parser refuses it; a non-hierarchical tie the
// same way round is fine.
func TestAPIRefusesHierarchyCycles(t *testing.T) {
	e := newEnv(t, Options{})
	ev := []map[string]any{{"title": "annual report", "ref": "https://example.org/r", "retrieved": "2025-01-02"}}
	for _, kind := range []string{"part_of", "subsidiary_of", "owned_by"} {
		status, body := e.do("POST", "/v1/ties", e.analyst, bytes.NewReader(mustJSON(map[string]any{"from": "msft", "to": "msra-theory", "kind": kind, "evidence": ev})))
		var eb errorBody
		if status != 400 || json.Unmarshal(body, &eb) != nil || !strings.Contains(eb.Error, "cycle in part_of/subsidiary_of/owned_by: msft -> msra-theory -> msra -> msft") {
			t.Errorf("msft %s msra-theory: %d %s, want 400 naming the loop", kind, status, body)
		}
	}
	e.json("POST", "/v1/ties", e.analyst, map[string]any{"from": "msft", "to": "msra-theory", "kind": "hosted", "evidence": ev}, 201, nil)
	// A loop through an edit: msr part_of msra (fine), then msra part_of msr.
	e.json("POST", "/v1/ties", e.analyst, map[string]any{"from": "msr", "to": "msra", "kind": "part_of", "evidence": ev}, 201, nil)
	if status, body := e.do("POST", "/v1/ties", e.analyst, bytes.NewReader(mustJSON(map[string]any{"from": "msra", "to": "msr", "kind": "owned_by", "evidence": ev}))); status != 400 {
		t.Errorf("msra owned_by msr after msr part_of msra: %d %s", status, body)
	}
}

// TestSlowBodyGets408: a client that trickles its body (here 10 bytes a
// second against a minimum of 1,000 after 200 ms) is answered 408 long
// before the batch time limit, and the server goes on serving.
func TestSlowBodyGets408(t *testing.T) {
	e := newEnv(t, Options{MinBodyRate: 1000, BodyRateGrace: 200 * time.Millisecond, BatchTimeout: 10 * time.Minute})
	conn, err := net.Dial("tcp", strings.TrimPrefix(e.hs.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(60 * time.Second)) //nolint:errcheck // a hung test fails on the deadline
	fmt.Fprintf(conn, "POST /v1/screen HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n", e.viewer)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		conn.Write([]byte(`{"names": [`)) //nolint:errcheck // the server may have answered
		for {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
				if _, err := conn.Write([]byte(`"a",`)); err != nil {
					return
				}
			}
		}
	}()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusRequestTimeout || !strings.Contains(string(body), "too slowly") {
		t.Errorf("slow body: %d %s, want 408", resp.StatusCode, body)
	}
	// An ordinary request, and a load that reads its whole body and then
	// works on, are unaffected.
	e.json("POST", "/v1/screen", e.viewer, map[string]string{"name": "ICT CAS"}, 200, nil)
}

// TestUploadNamesNeverShowTheTempPath: a NUL in an upload's file name is
// a 400 naming the file name, a load error names the file as uploaded,
// and neither says where the server keeps uploads.
func TestUploadNamesNeverShowTheTempPath(t *testing.T) {
	e := newEnv(t, Options{})
	upload := func(filename, content string) (int, []byte) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		h := make(textproto.MIMEHeader)
		h.Set("Content-Disposition", `form-data; name="file"; `+filename)
		part, _ := mw.CreatePart(h)
		part.Write([]byte(content)) //nolint:errcheck // a buffer
		mw.Close()
		return e.do("POST", "/v1/lists", e.admin, &buf, "Content-Type", mw.FormDataContentType())
	}
	status, body := upload(`filename*=UTF-8''sdn%00.csv`, "x") // RFC 5987: decoded to a NUL
	if status != 400 || !strings.Contains(string(body), "file name") || strings.Contains(string(body), os.TempDir()) || strings.Contains(string(body), uploadDirPattern) {
		t.Errorf("NUL in the file name: %d %s", status, body)
	}
	status, body = upload(`filename="broken.csv"`, "_id,source,name\n\"unterminated\n")
	if status != 400 || !strings.Contains(string(body), "broken.csv") || strings.Contains(string(body), os.TempDir()) || strings.Contains(string(body), uploadDirPattern) {
		t.Errorf("bad file: %d %s", status, body)
	}
}

// TestAuditVerifyRouteGivesTheHead: GET /v1/audit/verify gives the head
// to record elsewhere: SEQ:HASH of the newest record.
func TestAuditVerifyRouteGivesTheHead(t *testing.T) {
	e := newEnv(t, Options{})
	var res screenResult
	e.json("POST", "/v1/screen", e.viewer, map[string]string{"name": "ICT CAS"}, 200, &res)
	var v verifyResponse
	e.json("GET", "/v1/audit/verify", e.analyst, nil, 200, &v)
	rec, err := e.st.AuditRecord(context.Background(), v.LastSeq)
	if err != nil || !v.OK || v.LastSeq < res.AuditSeq || v.Head != fmt.Sprintf("%d:%s", rec.Seq, rec.Hash) {
		t.Errorf("verify = %+v; newest record %d %s, %v", v, rec.Seq, rec.Hash, err)
	}
}

// TestReloadIfChangedSkipsOwnWrites: on SQLite, the change notice for a
// load this server already rebuilt for costs no second rebuild; a load
// through another connection (another process) does rebuild.
func TestReloadIfChangedSkipsOwnWrites(t *testing.T) {
	e := newEnv(t, Options{})
	ctx := context.Background()
	if rebuilt, err := e.srv.ReloadIfChanged(ctx); err != nil || rebuilt {
		t.Errorf("nothing changed: rebuilt %v, %v", rebuilt, err)
	}
	body, err := os.ReadFile("../cmd/ties/testdata/fixture-list.csv")
	if err != nil {
		t.Fatal(err)
	}
	if status, b := e.do("POST", "/v1/lists?filename=fixture-list.csv", e.admin, bytes.NewReader(body)); status != 201 {
		t.Fatalf("load: %d %s", status, b)
	}
	if rebuilt, err := e.srv.ReloadIfChanged(ctx); err != nil || rebuilt {
		t.Errorf("after its own load: rebuilt %v, %v", rebuilt, err)
	}
	other, err := sqlite.Open(e.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := ingest.Load(ctx, other, []string{"../cmd/ties/testdata/fixture-list.csv"}, ingest.Options{Dataset: "other", Reload: true}); err != nil {
		t.Fatal(err)
	}
	if rebuilt, err := e.srv.ReloadIfChanged(ctx); err != nil || !rebuilt {
		t.Errorf("after another connection's load: rebuilt %v, %v", rebuilt, err)
	}
}
