package http

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"ties"
	"ties/analysis"
	"ties/exposure"
	"ties/match"
	"ties/names"
	"ties/resolve"
)

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	snap := s.snap.Load()
	health := map[string]any{
		"status": "ok", "versions": snap.versionIDs, "index_entities": snap.index.Len(),
		"built_at": snap.builtAt.UTC().Format(time.RFC3339),
	}
	if s.opt.SyncStatus != nil {
		health["sync"] = s.opt.SyncStatus()
	}
	return writeJSON(w, http.StatusOK, health)
}

type meResponse struct {
	Actor   string    `json:"actor"`
	Role    ties.Role `json:"role"`
	TokenID int64     `json:"token_id,omitempty"`
	Name    string    `json:"name,omitempty"`
	Demo    bool      `json:"demo,omitempty"`
}

func (s *Server) me(w http.ResponseWriter, r *http.Request) error {
	p := principalOf(r.Context())
	return writeJSON(w, http.StatusOK, meResponse(p))
}

// compareResult carries the fields of `ties compare --json`.
type compareResult struct {
	Name1       string  `json:"name1"`
	Name2       string  `json:"name2"`
	Score       float64 `json:"score"`
	Match       bool    `json:"match"`
	Explanation string  `json:"explanation"`
}

func (s *Server) compare(w http.ResponseWriter, r *http.Request) error {
	qv := r.URL.Query()
	a, b := qv.Get("name1"), qv.Get("name2")
	if a == "" {
		a = qv.Get("a") // short aliases
	}
	if b == "" {
		b = qv.Get("b")
	}
	if strings.TrimSpace(a) == "" || strings.TrimSpace(b) == "" {
		return errorf(http.StatusBadRequest, "give both names: ?name1=...&name2=... (or ?a=...&b=...), optionally kind=person|organization and threshold")
	}
	for _, p := range []struct{ name, v string }{{"name1", a}, {"name2", b}} {
		if err := ties.CheckName(p.v); err != nil {
			return errorf(http.StatusBadRequest, "query parameter %q: %v", p.name, err)
		}
	}
	k := names.Unknown
	switch strings.ToLower(qv.Get("kind")) {
	case "person":
		k = names.Person
	case "organization", "org":
		k = names.Organization
	case "":
	default:
		return errorf(http.StatusBadRequest, "kind %q: want person or organization", qv.Get("kind"))
	}
	threshold, err := floatParam(qv.Get("threshold"), "threshold", match.DefaultThreshold, 0, 1)
	if err != nil {
		return err
	}
	res := match.Compare(a, b, k)
	return writeJSON(w, http.StatusOK, compareResult{Name1: a, Name2: b, Score: res.Score, Match: res.Score >= threshold, Explanation: explainResult(res)})
}

// explainResult is the explanation `ties compare` prints.
func explainResult(r match.Result) string { return r.Explanation() }

func floatParam(v, name string, def, lo, hi float64) (float64, error) {
	if v == "" {
		return def, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < lo || f > hi {
		return 0, errorf(http.StatusBadRequest, "%s %q: want a number from %g to %g", name, v, lo, hi)
	}
	return f, nil
}

func intParam(v, name string, def, lo, hi int) (int, error) {
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, errorf(http.StatusBadRequest, "%s %q: want a whole number from %d to %d", name, v, lo, hi)
	}
	return n, nil
}

// entityResponse is a list entry or a graph entity with what is known of
// it: designations in force and links.
type entityResponse struct {
	Entity       ties.Entity           `json:"entity"`
	Source       string                `json:"source"` // "list" or "graph"
	Dataset      string                `json:"dataset,omitempty"`
	VersionID    int64                 `json:"version_id,omitempty"`
	Designations []ties.Designation    `json:"designations"`
	Designated   []exposure.Designated `json:"designated,omitempty"` // graph entity: designations through links
	Links        []ties.Link           `json:"links"`
	CanonicalID  string                `json:"canonical_id,omitempty"` // when merged into another graph entity
}

func (s *Server) entity(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	snap := s.snap.Load()
	resp := entityResponse{Designations: []ties.Designation{}, Links: []ties.Link{}}
	for _, l := range snap.links {
		if l.GraphID == id || l.TargetID == id {
			resp.Links = append(resp.Links, l)
		}
	}
	if e, ok := snap.entries[id]; ok {
		resp.Entity, resp.Source, resp.Dataset, resp.VersionID = e.Entity, "list", e.Dataset, e.VersionID
		resp.Designations = e.Designations
		return writeJSON(w, http.StatusOK, resp)
	}
	canon := snap.canonical(id)
	e, ok := snap.model.Graph.Entity(canon)
	if !ok {
		var err error
		if e, ok, err = s.st.GraphEntity(r.Context(), id); err != nil {
			return err
		}
	}
	if !ok {
		return errorf(http.StatusNotFound, "no list entry or graph entity %q", id)
	}
	resp.Entity, resp.Source = e, "graph"
	if canon != id {
		resp.CanonicalID = canon
	}
	for _, d := range snap.model.Designated {
		if d.EntityID == canon {
			resp.Designated = append(resp.Designated, d)
			resp.Designations = append(resp.Designations, d.Designation)
		}
	}
	return writeJSON(w, http.StatusOK, resp)
}

type tieView struct {
	ties.Tie
	Direction string    `json:"direction"` // "out": from the entity; "in": to it
	Other     otherView `json:"other"`
}

type otherView struct {
	ID         string          `json:"id"`
	Name       string          `json:"name"`
	Kind       ties.EntityKind `json:"kind,omitempty"`
	Designated bool            `json:"designated"`
}

type tiesResponse struct {
	EntityID string    `json:"entity_id"`
	Ties     []tieView `json:"ties"`
}

func (s *Server) entityTies(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	snap := s.snap.Load()
	canon := snap.canonical(id)
	if !snap.model.Graph.Has(canon) {
		if _, ok := snap.entries[id]; !ok {
			return errorf(http.StatusNotFound, "no list entry or graph entity %q", id)
		}
	}
	designated := map[string]bool{}
	for _, d := range snap.model.Designated {
		designated[d.EntityID] = true
	}
	resp := tiesResponse{EntityID: canon, Ties: []tieView{}}
	for _, t := range snap.tiesOf[canon] {
		v := tieView{Tie: t, Direction: "out"}
		other := t.To
		if t.To == canon {
			v.Direction, other = "in", t.From
		}
		oe, _ := snap.model.Graph.Entity(other)
		v.Other = otherView{ID: other, Name: oe.PrimaryName(), Kind: oe.Kind, Designated: designated[other]}
		resp.Ties = append(resp.Ties, v)
	}
	return writeJSON(w, http.StatusOK, resp)
}

func (s *Server) exposure(w http.ResponseWriter, r *http.Request) error {
	qv := r.URL.Query()
	org := strings.TrimSpace(qv.Get("org"))
	if org == "" {
		return errorf(http.StatusBadRequest, "give org: a graph id, a name, or ror:ID")
	}
	if err := ties.CheckName(org); err != nil {
		return errorf(http.StatusBadRequest, `query parameter "org": %v`, err)
	}
	q := analysis.Query{Org: org}
	if v := qv.Get("as_of"); v != "" {
		d, err := ties.ParseDate(v)
		if err != nil {
			return errorf(http.StatusBadRequest, "as_of %q: %v", v, err)
		}
		q.AsOf = d
	} else {
		d, _ := ties.ParseDate(time.Now().UTC().Format("2006-01-02"))
		q.AsOf = d
	}
	for _, sc := range qv["scenario"] {
		for _, part := range strings.Split(sc, ",") {
			if part = strings.TrimSpace(part); part != "" {
				q.Scenarios = append(q.Scenarios, part)
			}
		}
	}
	depth, err := intParam(qv.Get("depth"), "depth", 0, 1, 16)
	if err != nil {
		return err
	}
	q.Depth = depth
	snap := s.snap.Load()
	rep, err := snap.model.Exposure(q)
	if err != nil {
		return errorf(http.StatusNotFound, "%v", err)
	}
	summary, err := json.Marshal(rep.Summary)
	if err != nil {
		return err
	}
	p := principalOf(r.Context())
	if _, err := s.audit.append(r.Context(), []ties.AuditRecord{{Actor: p.Actor, Action: ties.AuditExposure,
		Query: r.URL.RawQuery, Versions: snap.versionIDs, Results: summary}}); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return writeJSON(w, http.StatusOK, rep)
}

type resolveResponse struct {
	Query      string              `json:"query"`
	Candidates []resolve.Candidate `json:"candidates"`
}

func (s *Server) resolve(w http.ResponseWriter, r *http.Request) error {
	text := strings.TrimSpace(r.URL.Query().Get("q"))
	if text == "" {
		return errorf(http.StatusBadRequest, "give q: the affiliation text to resolve")
	}
	if err := ties.CheckName(text); err != nil {
		return errorf(http.StatusBadRequest, `query parameter "q": %v`, err)
	}
	limit, err := intParam(r.URL.Query().Get("limit"), "limit", 5, 1, 100)
	if err != nil {
		return err
	}
	cands := s.snap.Load().resolver.Resolve(text, limit)
	if cands == nil {
		cands = []resolve.Candidate{}
	}
	return writeJSON(w, http.StatusOK, resolveResponse{Query: text, Candidates: cands})
}

// lists answers like `ties lists --json`: every version, newest first.
func (s *Server) lists(w http.ResponseWriter, r *http.Request) error {
	versions, err := s.st.Versions(r.Context())
	if err != nil {
		return err
	}
	if versions == nil {
		versions = []ties.ListVersion{}
	}
	return writeJSON(w, http.StatusOK, versions)
}

func (s *Server) links(w http.ResponseWriter, r *http.Request) error {
	links, err := s.st.Links(r.Context())
	if err != nil {
		return err
	}
	if links == nil {
		links = []ties.Link{}
	}
	return writeJSON(w, http.StatusOK, links)
}

func (s *Server) confirmLink(w http.ResponseWriter, r *http.Request) error {
	return s.setLink(w, r, resolve.StatusConfirmed)
}

func (s *Server) rejectLink(w http.ResponseWriter, r *http.Request) error {
	return s.setLink(w, r, resolve.StatusRejected)
}

type reasonRequest struct {
	Reason string `json:"reason"`
}

func (s *Server) setLink(w http.ResponseWriter, r *http.Request, status string) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return errorf(http.StatusBadRequest, "link id %q: want a positive number", r.PathValue("id"))
	}
	var req reasonRequest
	if r.ContentLength != 0 {
		if err := decodeStrict(r.Body, &req); err != nil {
			return err
		}
	}
	links, err := s.st.Links(r.Context())
	if err != nil {
		return err
	}
	i := slices.IndexFunc(links, func(l ties.Link) bool { return l.ID == id })
	if i < 0 {
		return errorf(http.StatusNotFound, "no link %d", id)
	}
	if err := s.st.SetLinkStatus(r.Context(), id, status, req.Reason); err != nil {
		return err
	}
	link := links[i]
	link.Status, link.Reason = status, req.Reason
	p := principalOf(r.Context())
	b, _ := json.Marshal(link)
	snap := s.snap.Load()
	if _, err := s.audit.append(r.Context(), []ties.AuditRecord{{Actor: p.Actor, Action: ties.AuditLink,
		Query: fmt.Sprintf("link %d %s", id, status), Versions: snap.versionIDs, Results: b, Note: req.Reason}}); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	// Links change the names screened and the designations inherited.
	if err := s.Reload(r.Context()); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, link)
}

type auditPage struct {
	Records []ties.AuditRecord `json:"records"`
	// NextAfter is the after= of the next page; 0 when this is the last.
	NextAfter int64 `json:"next_after,omitempty"`
}

func (s *Server) auditList(w http.ResponseWriter, r *http.Request) error {
	qv := r.URL.Query()
	after, err := intParam(qv.Get("after"), "after", 0, 0, 1<<62)
	if err != nil {
		return err
	}
	limit, err := intParam(qv.Get("limit"), "limit", 100, 1, 1000)
	if err != nil {
		return err
	}
	page := auditPage{Records: []ties.AuditRecord{}}
	for rec, err := range s.st.AuditRecords(r.Context(), int64(after), limit+1) {
		if err != nil {
			return err
		}
		page.Records = append(page.Records, rec)
	}
	if len(page.Records) > limit {
		page.Records = page.Records[:limit]
		page.NextAfter = page.Records[limit-1].Seq
	}
	return writeJSON(w, http.StatusOK, page)
}

type verifyResponse struct {
	OK      bool   `json:"ok"`
	LastSeq int64  `json:"last_seq"`
	BadSeq  int64  `json:"bad_seq,omitempty"`
	Reason  string `json:"reason,omitempty"`
	// Head is SEQ:HASH of the newest record, to record outside the store
	// and check later with `ties audit verify --expect-head`; Keyed counts
	// the records with keyed hashes (checked only by the CLI, with the key).
	Head  string `json:"head,omitempty"`
	Keyed int    `json:"keyed,omitempty"`
}

func (s *Server) auditVerify(w http.ResponseWriter, r *http.Request) error {
	v, err := ties.VerifyAuditKeyed(s.st.AuditRecords(r.Context(), 0, 0), nil, nil)
	var ce *ties.AuditChainError
	switch {
	case errors.As(err, &ce):
		return writeJSON(w, http.StatusOK, verifyResponse{LastSeq: v.Head.Seq, BadSeq: ce.Seq, Reason: ce.Reason})
	case err != nil:
		return err
	}
	resp := verifyResponse{OK: true, LastSeq: v.Head.Seq, Keyed: v.Keyed}
	if v.Head.Seq > 0 {
		resp.Head = v.Head.String()
	}
	return writeJSON(w, http.StatusOK, resp)
}

// Decisions a reviewer may record on a screening or exposure record.
var decisions = []string{"true_match", "false_positive", "escalated", "cleared"}

type decisionRequest struct {
	Decision string `json:"decision"`
	Note     string `json:"note"`
}

func decodeDecision(body []byte) (decisionRequest, error) {
	var req decisionRequest
	if err := decodeStrict(strings.NewReader(string(body)), &req); err != nil {
		return req, err
	}
	if !slices.Contains(decisions, req.Decision) {
		return req, errorf(http.StatusBadRequest, "decision %q: want one of %s", req.Decision, strings.Join(decisions, ", "))
	}
	if len(req.Note) > 4000 {
		return req, errorf(http.StatusBadRequest, "note of %d bytes: keep it under 4000", len(req.Note))
	}
	return req, nil
}

func (s *Server) auditDecision(w http.ResponseWriter, r *http.Request) error {
	seq, err := strconv.ParseInt(r.PathValue("seq"), 10, 64)
	if err != nil || seq <= 0 {
		return errorf(http.StatusBadRequest, "audit seq %q: want a positive number", r.PathValue("seq"))
	}
	body, err := readAll(r)
	if err != nil {
		return err
	}
	req, err := decodeDecision(body)
	if err != nil {
		return err
	}
	target, err := s.st.AuditRecord(r.Context(), seq)
	if errors.Is(err, ties.ErrNotFound) {
		return errorf(http.StatusNotFound, "no audit record %d", seq)
	}
	if err != nil {
		return err
	}
	if target.Action != ties.AuditScreen && target.Action != ties.AuditExposure {
		return errorf(http.StatusBadRequest, "audit record %d is a %s record: decisions apply to screen and exposure records", seq, target.Action)
	}
	p := principalOf(r.Context())
	out, err := s.audit.append(r.Context(), []ties.AuditRecord{{Actor: p.Actor, Action: ties.AuditDecision, Query: target.Query,
		Versions: target.Versions, Ref: seq, Decision: req.Decision, Note: req.Note}})
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return writeJSON(w, http.StatusCreated, out[0])
}

func (s *Server) tokenList(w http.ResponseWriter, r *http.Request) error {
	ts, err := s.st.Tokens(r.Context())
	if err != nil {
		return err
	}
	if ts == nil {
		ts = []ties.Token{}
	}
	return writeJSON(w, http.StatusOK, ts)
}

type tokenRequest struct {
	Name string `json:"name"`
	Role string `json:"role"`
}

type tokenCreated struct {
	ties.Token
	Secret string `json:"token"` // shown once; only its hash is stored
}

func (s *Server) tokenCreate(w http.ResponseWriter, r *http.Request) error {
	var req tokenRequest
	if err := decodeStrict(r.Body, &req); err != nil {
		return err
	}
	role, err := ties.ParseRole(req.Role)
	if err != nil {
		return errorf(http.StatusBadRequest, "role: %v", err)
	}
	secret, hash, err := ties.NewTokenSecret()
	if err != nil {
		return err
	}
	t, err := s.st.CreateToken(r.Context(), req.Name, role, hash)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, tokenCreated{Token: t, Secret: secret})
}

func (s *Server) tokenRevoke(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return errorf(http.StatusBadRequest, "token id %q: want a positive number", r.PathValue("id"))
	}
	if err := s.st.RevokeToken(r.Context(), id); errors.Is(err, ties.ErrNotFound) {
		return errorf(http.StatusNotFound, "no token %d", id)
	} else if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"revoked": id})
}
