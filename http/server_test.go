package http

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"ties"
	"ties/examples"
	"ties/ingest"
	"ties/sqlite"
)

// testEnv is a server on a real sqlite store holding the reference case,
// with one token per role.
type testEnv struct {
	t       *testing.T
	srv     *Server
	hs      *httptest.Server
	st      *sqlite.Store
	dbPath  string
	viewer  string
	analyst string
	admin   string
}

func newEnv(t *testing.T, opt Options) *testEnv {
	t.Helper()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "ties.db")
	st, err := sqlite.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ctx := context.Background()
	casePath := filepath.Join(dir, examples.MicrosoftCASName)
	if err := os.WriteFile(casePath, examples.MicrosoftCAS, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ingest.Load(ctx, st, []string{casePath}, ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	e := &testEnv{t: t, st: st, dbPath: dbPath}
	e.viewer = e.token(ties.RoleViewer)
	e.analyst = e.token(ties.RoleAnalyst)
	e.admin = e.token(ties.RoleAdmin)
	opt.Store = st
	srv, err := New(ctx, opt)
	if err != nil {
		t.Fatal(err)
	}
	e.srv = srv
	e.hs = httptest.NewServer(srv.Handler())
	t.Cleanup(func() { e.hs.Close(); srv.Close() })
	return e
}

func (e *testEnv) token(role ties.Role) string {
	secret, hash, err := ties.NewTokenSecret()
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.st.CreateToken(context.Background(), string(role)+"-test", role, hash); err != nil {
		e.t.Fatal(err)
	}
	return secret
}

// do sends a request and returns the status and body.
func (e *testEnv) do(method, path, token string, body io.Reader, header ...string) (int, []byte) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.hs.URL+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := e.hs.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp.StatusCode, b
}

func (e *testEnv) json(method, path, token string, in any, wantStatus int, out any) {
	e.t.Helper()
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	status, b := e.do(method, path, token, body)
	if status != wantStatus {
		e.t.Fatalf("%s %s: status %d, want %d: %s", method, path, status, wantStatus, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			e.t.Fatalf("%s %s: %v: %s", method, path, err, b)
		}
	}
}

var pathParam = regexp.MustCompile(`\{[a-z]+\}`)

func samplePath(p string) string { return pathParam.ReplaceAllString(p, "1") }

func TestEveryRouteButHealthzNeedsAToken(t *testing.T) {
	e := newEnv(t, Options{})
	for _, rt := range routes {
		for _, token := range []string{"", "ties_not-a-real-token"} {
			status, body := e.do(rt.Method, samplePath(rt.Path), token, strings.NewReader("{}"))
			if rt.Role == "" {
				if status != http.StatusOK {
					t.Errorf("%s without token: %d, want 200", rt.Pattern(), status)
				}
				continue
			}
			var eb errorBody
			if status != http.StatusUnauthorized || json.Unmarshal(body, &eb) != nil || eb.Error == "" {
				t.Errorf("%s with token %q: %d %s, want 401 with a JSON error", rt.Pattern(), token, status, body)
			}
		}
	}
	if status, _ := e.do("GET", "/v1/me", "", nil, "Authorization", "Basic abc"); status != http.StatusUnauthorized {
		t.Errorf("Basic auth: %d, want 401", status)
	}
}

func TestRolesAreEnforced(t *testing.T) {
	e := newEnv(t, Options{})
	status, body := e.do("POST", "/v1/lists?filename=x.csv", e.viewer, strings.NewReader("a,b\n"))
	if status != http.StatusForbidden || !strings.Contains(string(body), "admin") {
		t.Errorf("viewer POST /v1/lists: %d %s, want 403 naming the admin role", status, body)
	}
	for _, rt := range routes {
		token := map[ties.Role]string{ties.RoleViewer: e.viewer, ties.RoleAnalyst: e.analyst}
		for role, tok := range token {
			if rt.Role == "" || role.Allows(rt.Role) {
				continue
			}
			if status, _ := e.do(rt.Method, samplePath(rt.Path), tok, strings.NewReader("{}")); status != http.StatusForbidden {
				t.Errorf("%s as %s: %d, want 403", rt.Pattern(), role, status)
			}
		}
	}
	var me meResponse
	e.json("GET", "/v1/me", e.analyst, nil, 200, &me)
	if me.Role != ties.RoleAnalyst || !strings.HasPrefix(me.Actor, "token:") {
		t.Errorf("me = %+v", me)
	}
}

func TestRevokedTokenStopsAtOnce(t *testing.T) {
	e := newEnv(t, Options{})
	var created tokenCreated
	e.json("POST", "/v1/tokens", e.admin, map[string]string{"name": "hr-roster", "role": "viewer"}, 201, &created)
	if !strings.HasPrefix(created.Secret, ties.TokenPrefix) || created.Role != ties.RoleViewer || created.ID == 0 {
		t.Fatalf("created = %+v", created)
	}
	e.json("GET", "/v1/me", created.Secret, nil, 200, nil)
	e.json("DELETE", fmt.Sprintf("/v1/tokens/%d", created.ID), e.admin, nil, 200, nil)
	if status, _ := e.do("GET", "/v1/me", created.Secret, nil); status != http.StatusUnauthorized {
		t.Fatalf("revoked token: %d, want 401", status)
	}
	var list []ties.Token
	e.json("GET", "/v1/tokens", e.admin, nil, 200, &list)
	found := false
	for _, tk := range list {
		if tk.ID == created.ID {
			found = tk.Revoked()
		}
	}
	if !found {
		t.Errorf("token list does not show %d revoked: %+v", created.ID, list)
	}
	// The secret is stored only as its hash.
	db, err := sql.Open("sqlite", e.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM tokens WHERE hash = ? OR CAST(hash AS TEXT) LIKE ?`, created.Secret, "%"+created.Secret[5:15]+"%").Scan(&n); err != nil || n != 0 {
		t.Errorf("secret found in the tokens table: %d, %v", n, err)
	}
}

func TestScreenContract(t *testing.T) {
	e := newEnv(t, Options{})
	status, body := e.do("POST", "/v1/screen", e.viewer, strings.NewReader(`{"name": "ICT CAS"}`))
	if status != 200 {
		t.Fatalf("screen: %d %s", status, body)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"query", "matches", "versions", "audit_seq"} {
		if _, ok := raw[f]; !ok {
			t.Errorf("response lacks %q: %s", f, body)
		}
	}
	var matches []map[string]any
	if err := json.Unmarshal(raw["matches"], &matches); err != nil || len(matches) == 0 {
		t.Fatalf("matches: %v %s", err, raw["matches"])
	}
	for _, f := range []string{"entity_id", "name", "matched_name", "score", "list", "source_id", "listed_on", "authority", "explanation"} {
		if _, ok := matches[0][f]; !ok {
			t.Errorf("match lacks %q: %v", f, matches[0])
		}
	}
	if !strings.Contains(strings.ToLower(fmt.Sprint(matches[0]["name"])), "computing technology") {
		t.Errorf("top match for ICT CAS = %v", matches[0]["name"])
	}
	var res screenResult
	json.Unmarshal(body, &res)
	rec, err := e.st.AuditRecord(context.Background(), res.AuditSeq)
	if err != nil || rec.Query != "ICT CAS" || rec.Action != ties.AuditScreen || !strings.HasPrefix(rec.Actor, "token:") ||
		fmt.Sprint(rec.Versions) != fmt.Sprint(res.Versions) || !strings.Contains(string(rec.Results), matches[0]["entity_id"].(string)) {
		t.Errorf("audit record %d = %+v, %v", res.AuditSeq, rec, err)
	}
	// A small batch answers in one JSON document.
	var batch batchResponse
	e.json("POST", "/v1/screen", e.viewer, map[string]any{"names": []string{"ICT CAS", "Nobody Atall"}, "limit": 1}, 200, &batch)
	if len(batch.Results) != 2 || batch.Results[0].Query != "ICT CAS" || len(batch.Results[0].Matches) != 1 || len(batch.Results[1].Matches) != 0 {
		t.Errorf("batch = %+v", batch)
	}
}

func TestScreenStreamsLargeBatchInOrder(t *testing.T) {
	e := newEnv(t, Options{StreamAbove: 50})
	var names []string
	for i := range 600 {
		if i%7 == 0 {
			names = append(names, "ICT CAS")
		} else {
			names = append(names, fmt.Sprintf("Person Number %d", i))
		}
	}
	b, _ := json.Marshal(map[string]any{"names": names})
	req, _ := http.NewRequest("POST", e.hs.URL+"/v1/screen", bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+e.viewer)
	resp, err := e.hs.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/x-ndjson" {
		t.Fatalf("status %d, content type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(nil, 1<<20)
	i := 0
	var lastSeq int64
	for sc.Scan() {
		var r screenResult
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		if i >= len(names) || r.Query != names[i] {
			t.Fatalf("line %d: query %q, want %q", i+1, r.Query, names[min(i, len(names)-1)])
		}
		if (names[i] == "ICT CAS") != (len(r.Matches) > 0) {
			t.Errorf("line %d: %d matches for %q", i+1, len(r.Matches), r.Query)
		}
		if r.AuditSeq <= lastSeq {
			t.Errorf("line %d: audit seq %d after %d", i+1, r.AuditSeq, lastSeq)
		}
		lastSeq = r.AuditSeq
		i++
	}
	if i != len(names) {
		t.Fatalf("%d lines, want %d", i, len(names))
	}
	if last, err := e.st.VerifyAudit(context.Background()); err != nil || last < int64(len(names)) {
		t.Fatalf("VerifyAudit = %d, %v", last, err)
	}
}

func TestBadRequestsGetJSONErrors(t *testing.T) {
	e := newEnv(t, Options{MaxBatch: 1000})
	big := strings.NewReader(`{"names": ["` + strings.Repeat("a", 100<<20) + `"]}`)
	var overLimit bytes.Buffer
	overLimit.WriteString(`{"names": [`)
	for i := range 1001 {
		if i > 0 {
			overLimit.WriteString(",")
		}
		fmt.Fprintf(&overLimit, `"n%d"`, i)
	}
	overLimit.WriteString(`]}`)
	for _, tc := range []struct {
		name   string
		body   io.Reader
		status int
		want   string
	}{
		{"malformed", strings.NewReader(`{"name": "x"`), 400, "malformed JSON"},
		{"not an object", strings.NewReader(`["x"]`), 400, "want"},
		{"unknown field", strings.NewReader(`{"name": "x", "nmae": "y"}`), 400, `unknown field "nmae"`},
		{"wrong type", strings.NewReader(`{"name": 3}`), 400, `field "name"`},
		{"trailing data", strings.NewReader(`{"name": "x"} {}`), 400, "after the JSON object"},
		{"empty", strings.NewReader(``), 400, "empty request body"},
		{"neither", strings.NewReader(`{}`), 400, `give "name"`},
		{"threshold", strings.NewReader(`{"name": "x", "threshold": 2}`), 400, "threshold"},
		{"100 MB body", big, 413, "exceeds the limit of 10485760 bytes"},
		{"batch over limit", &overLimit, 413, "exceeds the limit of 1000"},
	} {
		status, body := e.do("POST", "/v1/screen", e.viewer, tc.body)
		var eb errorBody
		if status != tc.status || json.Unmarshal(body, &eb) != nil || !strings.Contains(eb.Error, tc.want) || eb.Status != tc.status {
			t.Errorf("%s: %d %s, want %d with an error containing %q", tc.name, status, body, tc.status, tc.want)
		}
	}
	// Still serving.
	e.json("POST", "/v1/screen", e.viewer, map[string]string{"name": "ICT CAS"}, 200, nil)
	for _, path := range []string{"/v1/compare?name1=a", "/v1/exposure", "/v1/exposure?org=msft&depth=99", "/v1/resolve", "/v1/audit?limit=0", "/v1/entities/nobody"} {
		token := e.viewer
		if strings.HasPrefix(path, "/v1/audit") {
			token = e.analyst
		}
		if status, body := e.do("GET", path, token, nil); status < 400 || status >= 500 || !strings.Contains(string(body), `"error"`) {
			t.Errorf("GET %s: %d %s, want a 4xx JSON error", path, status, body)
		}
	}
}

func TestAdminLoadsListThenScreeningSeesIt(t *testing.T) {
	e := newEnv(t, Options{})
	var before screenResult
	e.json("POST", "/v1/screen", e.viewer, map[string]string{"name": "Northwind Quantum Institute"}, 200, &before)
	for _, m := range before.Matches {
		if strings.Contains(m.Name, "Northwind") {
			t.Fatalf("fixture entity found before loading: %+v", m)
		}
	}
	fixture, err := os.ReadFile("../cmd/ties/testdata/fixture-list.csv")
	if err != nil {
		t.Fatal(err)
	}
	var mp bytes.Buffer
	mw := multipart.NewWriter(&mp)
	mw.WriteField("dataset", "fixture")
	fw, _ := mw.CreateFormFile("file", "fixture-list.csv")
	fw.Write(fixture)
	mw.Close()
	status, body := e.do("POST", "/v1/lists", e.admin, &mp, "Content-Type", mw.FormDataContentType())
	if status != http.StatusCreated {
		t.Fatalf("load: %d %s", status, body)
	}
	var lr loadResponse
	if err := json.Unmarshal(body, &lr); err != nil || len(lr.Results) != 1 || lr.Results[0].Version == nil || lr.Results[0].Version.Dataset != "fixture" {
		t.Fatalf("load response: %v %s", err, body)
	}
	var after screenResult
	e.json("POST", "/v1/screen", e.viewer, map[string]string{"name": "Northwind Quantum Institute"}, 200, &after)
	if len(after.Matches) == 0 || after.Matches[0].Name != "Northwind Quantum Institute" || after.Matches[0].VersionID != lr.Results[0].Version.ID {
		t.Fatalf("after load: %+v", after)
	}
	if !containsID(after.Versions, lr.Results[0].Version.ID) {
		t.Errorf("versions in force %v lack %d", after.Versions, lr.Results[0].Version.ID)
	}
	var versions []ties.ListVersion
	e.json("GET", "/v1/lists", e.viewer, nil, 200, &versions)
	if len(versions) < 2 || versions[0].ID != lr.Results[0].Version.ID {
		t.Errorf("lists = %+v", versions)
	}
	// A raw-body upload that fails names the file and line, keeps serving.
	status, body = e.do("POST", "/v1/lists?filename=broken.csv&format=csl", e.admin, strings.NewReader("_id,name\n\"unterminated\n"))
	if status != 400 || !strings.Contains(string(body), "broken.csv") || strings.Contains(string(body), os.TempDir()) {
		t.Errorf("broken upload: %d %s", status, body)
	}
	e.json("POST", "/v1/screen", e.viewer, map[string]string{"name": "Northwind Quantum Institute"}, 200, &after)
	if len(after.Matches) == 0 {
		t.Error("failed load dropped the fixture list")
	}
	// The entity endpoint shows the list entry with names in every script.
	var ent entityResponse
	e.json("GET", "/v1/entities/"+after.Matches[0].EntityID, e.viewer, nil, 200, &ent)
	scripts := ""
	for _, n := range ent.Entity.Names {
		scripts += n.Text + "|"
	}
	if ent.Source != "list" || !strings.Contains(scripts, "北风量子研究所") || len(ent.Designations) == 0 || ent.Designations[0].Authority == "" {
		t.Errorf("entity = %+v", ent)
	}
}

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func TestExposureShowsTheMicrosoftPath(t *testing.T) {
	e := newEnv(t, Options{})
	var rep struct {
		Org      string `json:"org"`
		Findings []struct {
			Designated struct {
				EntityID string `json:"entity_id"`
			} `json:"designated"`
			AfterDesignation bool `json:"after_designation"`
			Paths            [][]struct {
				EntityID string `json:"entity_id"`
			} `json:"paths"`
		} `json:"findings"`
	}
	e.json("GET", "/v1/exposure?org=msft&as_of=2025-06-30", e.viewer, nil, 200, &rep)
	found := false
	for _, f := range rep.Findings {
		for _, p := range f.Paths {
			var ids []string
			for _, s := range p {
				ids = append(ids, s.EntityID)
			}
			if strings.Join(ids, ">") == "msft>msra>liu-guodong>cas-ict" {
				found = true
				if !f.AfterDesignation {
					t.Errorf("msft>msra>liu-guodong>cas-ict not marked after designation")
				}
			}
		}
	}
	if rep.Org != "msft" || !found {
		t.Fatalf("no msft>msra>liu-guodong>cas-ict path in %+v", rep)
	}
	var ties struct {
		Ties []tieView `json:"ties"`
	}
	e.json("GET", "/v1/entities/msra/ties", e.viewer, nil, 200, &ties)
	var in, out bool
	for _, tv := range ties.Ties {
		if tv.Direction == "out" && tv.To == "msft" {
			out = true
		}
		if tv.Direction == "in" && tv.Other.ID == "liu-guodong" || tv.Direction == "out" && tv.Other.ID == "liu-guodong" {
			in = true
			if len(tv.Evidence) == 0 {
				t.Errorf("msra-liu-guodong tie without evidence: %+v", tv)
			}
		}
	}
	if !in || !out {
		t.Errorf("msra ties = %+v", ties.Ties)
	}
	var res resolveResponse
	e.json("GET", "/v1/resolve?q=Institute+of+Computing+Technology,+CAS,+Beijing", e.viewer, nil, 200, &res)
	if len(res.Candidates) == 0 || res.Candidates[0].ID != "cas-ict" {
		t.Errorf("resolve = %+v", res)
	}
	var cmp compareResult
	e.json("GET", "/v1/compare?name1=Xi+Jinping&name2=%E4%B9%A0%E8%BF%91%E5%B9%B3", e.viewer, nil, 200, &cmp)
	if !cmp.Match || cmp.Explanation == "" {
		t.Errorf("compare = %+v", cmp)
	}
	var short compareResult
	e.json("GET", "/v1/compare?a=Xi+Jinping&b=%E4%B9%A0%E8%BF%91%E5%B9%B3", e.viewer, nil, 200, &short)
	if short.Score != cmp.Score || short.Name1 != "Xi Jinping" {
		t.Errorf("compare with a and b = %+v, want %+v", short, cmp)
	}
	if status, body := e.do("GET", "/v1/compare?first=x&second=y", e.viewer, nil); status != 400 || !strings.Contains(string(body), "name1=") {
		t.Errorf("unknown parameters: %d %s, want a 400 naming the parameters", status, body)
	}
}

func TestOpenAPIMatchesRoutes(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]struct {
			Role     string            `json:"x-role"`
			Security *[]map[string]any `json:"security"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(openapiDoc, &doc); err != nil {
		t.Fatal(err)
	}
	inDoc := map[string]bool{}
	for path, ops := range doc.Paths {
		for method, op := range ops {
			key := strings.ToUpper(method) + " " + path
			inDoc[key] = true
			var rt *route
			for i := range routes {
				if routes[i].Pattern() == key {
					rt = &routes[i]
				}
			}
			if rt == nil {
				t.Errorf("OpenAPI describes %s, which the server does not route", key)
				continue
			}
			public := op.Security != nil && len(*op.Security) == 0
			if public != (rt.Role == "") || op.Role != string(rt.Role) {
				t.Errorf("%s: OpenAPI says role %q (public %v), route needs %q", key, op.Role, public, rt.Role)
			}
		}
	}
	for _, rt := range routes {
		if !inDoc[rt.Pattern()] {
			t.Errorf("route %s is missing from openapi.json", rt.Pattern())
		}
	}
	// And the mux serves exactly the table: each pattern dispatches.
	e := newEnv(t, Options{})
	for _, rt := range routes {
		req := httptest.NewRequest(rt.Method, samplePath(rt.Path), nil)
		if _, pattern := e.srv.mux.Handler(req); pattern != rt.Pattern() {
			t.Errorf("mux sends %s to %q", rt.Pattern(), pattern)
		}
	}
}

func TestAuditDecisionsAndTamperDetection(t *testing.T) {
	e := newEnv(t, Options{})
	var seqs []int64
	for _, n := range []string{"ICT CAS", "Chinese Academy of Sciences", "Nobody"} {
		var r screenResult
		e.json("POST", "/v1/screen", e.viewer, map[string]string{"name": n}, 200, &r)
		seqs = append(seqs, r.AuditSeq)
	}
	if status, _ := e.do("POST", fmt.Sprintf("/v1/audit/%d/decision", seqs[0]), e.viewer, strings.NewReader(`{"decision":"true_match"}`)); status != 403 {
		t.Errorf("viewer decision: %d, want 403", status)
	}
	var dec ties.AuditRecord
	e.json("POST", fmt.Sprintf("/v1/audit/%d/decision", seqs[0]), e.analyst, map[string]string{"decision": "true_match", "note": "same institute"}, 201, &dec)
	if dec.Ref != seqs[0] || dec.Decision != "true_match" || dec.Query != "ICT CAS" || dec.PrevHash == "" {
		t.Errorf("decision record = %+v", dec)
	}
	if status, body := e.do("POST", fmt.Sprintf("/v1/audit/%d/decision", dec.Seq), e.analyst, strings.NewReader(`{"decision":"cleared"}`)); status != 400 {
		t.Errorf("decision on a decision: %d %s", status, body)
	}
	if status, _ := e.do("POST", "/v1/audit/9999/decision", e.analyst, strings.NewReader(`{"decision":"cleared"}`)); status != 404 {
		t.Errorf("decision on a missing record: %d", status)
	}
	var page auditPage
	e.json("GET", "/v1/audit?limit=2", e.analyst, nil, 200, &page)
	if len(page.Records) != 2 || page.NextAfter != page.Records[1].Seq {
		t.Errorf("audit page = %+v", page)
	}
	var v verifyResponse
	e.json("GET", "/v1/audit/verify", e.analyst, nil, 200, &v)
	if !v.OK || v.LastSeq != dec.Seq {
		t.Fatalf("verify = %+v", v)
	}
	db, err := sql.Open("sqlite", e.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`UPDATE audit SET query = 'someone else' WHERE seq = ?`, seqs[1]); err != nil {
		t.Fatal(err)
	}
	e.json("GET", "/v1/audit/verify", e.analyst, nil, 200, &v)
	if v.OK || v.BadSeq != seqs[1] {
		t.Fatalf("verify after tampering with %d = %+v", seqs[1], v)
	}
}

func TestDemoMode(t *testing.T) {
	e := newEnv(t, Options{Demo: true})
	var me meResponse
	e.json("GET", "/v1/me", "", nil, 200, &me)
	if !me.Demo || me.Role != ties.RoleAdmin {
		t.Errorf("demo me = %+v", me)
	}
	// A token is still checked when given.
	if status, _ := e.do("GET", "/v1/me", "ties_wrong", nil); status != 401 {
		t.Errorf("demo with a wrong token: %d", status)
	}
	for _, addr := range []string{"0.0.0.0:8080", ":8080", "192.168.1.2:80", "example.com:80"} {
		if err := CheckDemoAddr(addr); err == nil || !strings.Contains(err.Error(), "loopback") {
			t.Errorf("CheckDemoAddr(%q) = %v", addr, err)
		}
	}
	for _, addr := range []string{"127.0.0.1:8080", "[::1]:80", "localhost:0"} {
		if err := CheckDemoAddr(addr); err != nil {
			t.Errorf("CheckDemoAddr(%q) = %v", addr, err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := e.srv.Serve(ctx, ln); err != nil {
		t.Errorf("demo Serve on loopback: %v", err)
	}
}

func TestRateLimit(t *testing.T) {
	e := newEnv(t, Options{RateLimit: 1, RateBurst: 3})
	var codes []int
	for range 5 {
		status, _ := e.do("GET", "/v1/me", e.viewer, nil)
		codes = append(codes, status)
	}
	if fmt.Sprint(codes) != "[200 200 200 429 429]" {
		t.Errorf("statuses = %v", codes)
	}
	// Buckets are per token.
	e.json("GET", "/v1/me", e.admin, nil, 200, nil)
}

func TestMetrics(t *testing.T) {
	e := newEnv(t, Options{})
	e.json("POST", "/v1/screen", e.viewer, map[string]string{"name": "ICT CAS"}, 200, nil)
	status, body := e.do("GET", "/metrics", e.viewer, nil)
	if status != 200 {
		t.Fatalf("metrics: %d", status)
	}
	for _, want := range []string{
		`ties_http_requests_total{code="200",route="POST /v1/screen"} 1`,
		`ties_screenings_total 1`,
		`ties_index_entities `,
		`ties_list_version_in_force{dataset=`,
		`ties_http_request_duration_seconds_bucket{route="POST /v1/screen"`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

func TestGracefulShutdownFinishesInFlight(t *testing.T) {
	e := newEnv(t, Options{ShutdownTimeout: 10 * time.Second})
	entered := make(chan struct{})
	release := make(chan struct{})
	e.srv.slowHook = func(context.Context) {
		close(entered)
		<-release
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- e.srv.Serve(ctx, ln) }()
	type result struct {
		status int
		body   []byte
		err    error
	}
	got := make(chan result, 1)
	go func() {
		req, _ := http.NewRequest("POST", "http://"+ln.Addr().String()+"/v1/screen", strings.NewReader(`{"name":"ICT CAS"}`))
		req.Header.Set("Authorization", "Bearer "+e.viewer)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			got <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		got <- result{resp.StatusCode, b, err}
	}()
	<-entered
	cancel() // SIGTERM arrives while the request runs
	time.Sleep(100 * time.Millisecond)
	if _, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		t.Error("listener still accepts after shutdown began")
	}
	select {
	case err := <-served:
		t.Fatalf("Serve returned before the in-flight request finished: %v", err)
	default:
	}
	close(release)
	r := <-got
	if r.err != nil || r.status != 200 || !strings.Contains(string(r.body), `"matches"`) {
		t.Fatalf("in-flight request: %d %s %v", r.status, r.body, r.err)
	}
	if err := <-served; err != nil {
		t.Fatalf("Serve: %v", err)
	}
}

func TestLinksConfirmReject(t *testing.T) {
	e := newEnv(t, Options{})
	ctx := context.Background()
	if err := e.st.PutLinks(ctx, []ties.Link{{GraphID: "cas-ict", TargetID: "someone:else", Method: "name", Confidence: 0.5, Status: "proposed"}}); err != nil {
		t.Fatal(err)
	}
	var links []ties.Link
	e.json("GET", "/v1/links", e.viewer, nil, 200, &links)
	if len(links) == 0 {
		t.Fatal("no links")
	}
	id := links[len(links)-1].ID
	if status, _ := e.do("POST", fmt.Sprintf("/v1/links/%d/reject", id), e.viewer, nil); status != 403 {
		t.Errorf("viewer reject: %d", status)
	}
	var l ties.Link
	e.json("POST", fmt.Sprintf("/v1/links/%d/reject", id), e.analyst, map[string]string{"reason": "different institute"}, 200, &l)
	if l.Status != "rejected" || l.Reason != "different institute" {
		t.Errorf("rejected link = %+v", l)
	}
	stored, _ := e.st.Links(ctx)
	for _, sl := range stored {
		if sl.ID == id && sl.Status != "rejected" {
			t.Errorf("stored link = %+v", sl)
		}
	}
	if status, _ := e.do("POST", "/v1/links/99999/confirm", e.analyst, nil); status != 404 {
		t.Errorf("confirm unknown link: %d", status)
	}
}

func TestUIPlaceholderAndFS(t *testing.T) {
	e := newEnv(t, Options{})
	status, body := e.do("GET", "/", "", nil)
	if status != 200 || !strings.Contains(string(body), "/v1/openapi.json") {
		t.Errorf("placeholder: %d %s", status, body)
	}
	if status, _ := e.do("GET", "/v1/nothing", e.viewer, nil); status != 404 {
		t.Errorf("unknown API path: %d", status)
	}
}

func TestAnalystEditsTies(t *testing.T) {
	e := newEnv(t, Options{})
	tie := map[string]any{"from": "msr", "to": "cas-ia", "kind": "hosted", "start": "2024-03",
		"evidence": []map[string]any{{"title": "workshop programme", "ref": "https://example.org/p", "retrieved": "2025-01-02"}}}
	if status, _ := e.do("POST", "/v1/ties", e.viewer, bytes.NewReader(mustJSON(tie))); status != 403 {
		t.Errorf("viewer adds tie: %d", status)
	}
	var added ties.Tie
	e.json("POST", "/v1/ties", e.analyst, tie, 201, &added)
	if added.ID == "" || added.Kind != ties.TieHosted || added.Start.String() != "2024-03" || !strings.HasPrefix(added.Source, "api:token:") {
		t.Fatalf("added = %+v", added)
	}
	var tr tiesResponse
	e.json("GET", "/v1/entities/cas-ia/ties", e.viewer, nil, 200, &tr)
	found := false
	for _, tv := range tr.Ties {
		found = found || (tv.ID == added.ID && tv.Direction == "in" && tv.Other.ID == "msr" && len(tv.Evidence) == 1)
	}
	if !found {
		t.Fatalf("added tie not among cas-ia's ties: %+v", tr.Ties)
	}
	for _, bad := range []map[string]any{
		{"from": "msr", "to": "nobody", "kind": "hosted", "evidence": tie["evidence"]},
		{"from": "msr", "to": "cas-ia", "kind": "likes", "evidence": tie["evidence"]},
		{"from": "msr", "to": "cas-ia", "kind": "hosted"},
		{"from": "msr", "to": "cas-ia", "kind": "hosted", "start": "2024-13", "evidence": tie["evidence"]},
	} {
		if status, body := e.do("POST", "/v1/ties", e.analyst, bytes.NewReader(mustJSON(bad))); status != 400 {
			t.Errorf("bad tie %v: %d %s", bad, status, body)
		}
	}
	e.json("DELETE", "/v1/ties/"+added.ID, e.analyst, nil, 200, nil)
	e.json("GET", "/v1/entities/cas-ia/ties", e.viewer, nil, 200, &tr)
	for _, tv := range tr.Ties {
		if tv.ID == added.ID {
			t.Fatal("removed tie still there")
		}
	}
	if status, _ := e.do("DELETE", "/v1/ties/"+added.ID, e.analyst, nil); status != 404 {
		t.Errorf("removing twice: %d", status)
	}
	// Ties of loaded files are not removable here.
	e.json("GET", "/v1/entities/msra/ties", e.viewer, nil, 200, &tr)
	if len(tr.Ties) > 0 && tr.Ties[0].ID != "" {
		if status, _ := e.do("DELETE", "/v1/ties/"+tr.Ties[0].ID, e.analyst, nil); status != 404 {
			t.Errorf("removing a file tie: %d", status)
		}
	}
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func TestListChanges(t *testing.T) {
	e := newEnv(t, Options{})
	fixture, err := os.ReadFile("../cmd/ties/testdata/fixture-list.csv")
	if err != nil {
		t.Fatal(err)
	}
	var first, second loadResponse
	status, body := e.do("POST", "/v1/lists?filename=fixture.csv&dataset=fx", e.admin, bytes.NewReader(fixture))
	if status != 201 || json.Unmarshal(body, &first) != nil {
		t.Fatalf("load 1: %d %s", status, body)
	}
	// Second version: drop the last row, rename the first entity.
	lines := strings.Split(strings.TrimSpace(string(fixture)), "\n")
	edited := strings.Join(lines[:len(lines)-1], "\n") + "\n"
	edited = strings.Replace(edited, "Northwind Quantum Institute", "Northwind Quantum Institute Ltd", 1)
	status, body = e.do("POST", "/v1/lists?filename=fixture.csv&dataset=fx", e.admin, strings.NewReader(edited))
	if status != 201 || json.Unmarshal(body, &second) != nil {
		t.Fatalf("load 2: %d %s", status, body)
	}
	var ch changesResponse
	e.json("GET", fmt.Sprintf("/v1/lists/changes?from=%d&to=%d", first.Results[0].Version.ID, second.Results[0].Version.ID), e.viewer, nil, 200, &ch)
	if len(ch.Removed) != 1 || len(ch.Added) != 0 || len(ch.Changed) != 1 || ch.Changed[0].Name != "Northwind Quantum Institute Ltd" || !slicesContains(ch.Changed[0].Fields, "names") {
		t.Fatalf("changes = %+v", ch)
	}
	if status, _ := e.do("GET", "/v1/lists/changes?from=1&to=999", e.viewer, nil); status != 404 {
		t.Errorf("unknown version: %d", status)
	}
}

func slicesContains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func TestStreamEndsWithErrorLine(t *testing.T) {
	e := newEnv(t, Options{StreamAbove: 10, BatchTimeout: time.Nanosecond})
	names := make([]string, 50)
	for i := range names {
		names[i] = fmt.Sprint("name ", i)
	}
	status, body := e.do("POST", "/v1/screen", e.viewer, bytes.NewReader(mustJSON(map[string]any{"names": names})))
	lines := strings.Split(strings.TrimSpace(string(body)), "\n")
	var last errorBody
	if status != 200 || json.Unmarshal([]byte(lines[len(lines)-1]), &last) != nil || !strings.Contains(last.Error, "time limit") {
		t.Fatalf("timed-out stream: %d %s", status, body)
	}
}
