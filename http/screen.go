package http

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	"ties"
	"ties/match"
	"ties/sources"
)

// screenRequest is the body of POST /v1/screen: one name or a batch.
type screenRequest struct {
	Name      *string  `json:"name,omitempty"`
	Names     []string `json:"names,omitempty"`
	Threshold *float64 `json:"threshold,omitempty"`
	Limit     int      `json:"limit,omitempty"`
	Lists     []string `json:"lists,omitempty"`
	Kind      string   `json:"kind,omitempty"`
	Countries []string `json:"countries,omitempty"` // a filter: only entities tied to these countries
	// Attributes of the one party screened ("name"), weighed as
	// evidence, not filters.
	DOB     string `json:"dob,omitempty"`
	Country string `json:"country,omitempty"`
	ID      string `json:"id,omitempty"`
}

// maxLimit bounds matches per name.
const maxLimit = 100

// decodeStrict decodes one JSON value with no unknown fields and nothing
// after it, then refuses NUL characters and bad UTF-8 in its strings
// (checkJSONText).
func decodeStrict(r io.Reader, v any) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		var mbe *http.MaxBytesError
		var ae *apiError
		if errors.As(err, &mbe) || errors.As(err, &ae) {
			return err
		}
		return errorf(http.StatusBadRequest, "reading the request body: %v", err)
	}
	if err := decodeJSON(raw, v); err != nil {
		return err
	}
	return checkJSONText(raw)
}

func decodeJSON(raw []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &mbe):
			return err
		case errors.Is(err, io.EOF):
			return errorf(http.StatusBadRequest, "empty request body: want a JSON object")
		case errors.As(err, &se):
			return errorf(http.StatusBadRequest, "malformed JSON at byte %d: %v", se.Offset, err)
		case errors.As(err, &te):
			return errorf(http.StatusBadRequest, "field %q: want %s, got JSON %s (byte %d)", te.Field, te.Type, te.Value, te.Offset)
		case strings.HasPrefix(err.Error(), "json: unknown field"):
			return errorf(http.StatusBadRequest, "unknown field %s", strings.TrimPrefix(err.Error(), "json: unknown field "))
		}
		return errorf(http.StatusBadRequest, "malformed JSON: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return errorf(http.StatusBadRequest, "unexpected data after the JSON object at byte %d", dec.InputOffset())
	}
	return nil
}

// decodeScreenRequest reads and checks a screening request; maxBatch
// bounds the names.
func decodeScreenRequest(r io.Reader, maxBatch int) (screenRequest, match.Query, error) {
	var req screenRequest
	q := match.Query{Threshold: match.DefaultThreshold, Limit: 10}
	if err := decodeStrict(r, &req); err != nil {
		return req, q, err
	}
	switch {
	case req.Name == nil && req.Names == nil:
		return req, q, errorf(http.StatusBadRequest, `give "name" (one name) or "names" (a batch)`)
	case req.Name != nil && req.Names != nil:
		return req, q, errorf(http.StatusBadRequest, `give "name" or "names", not both`)
	case req.Name != nil && strings.TrimSpace(*req.Name) == "":
		return req, q, errorf(http.StatusBadRequest, `"name" is empty`)
	case req.Names != nil && len(req.Names) == 0:
		return req, q, errorf(http.StatusBadRequest, `"names" is empty`)
	case len(req.Names) > maxBatch:
		return req, q, errorf(http.StatusRequestEntityTooLarge, "batch of %d names exceeds the limit of %d per request; split it", len(req.Names), maxBatch)
	}
	if req.Name != nil {
		if err := ties.CheckName(*req.Name); err != nil {
			return req, q, errorf(http.StatusBadRequest, `field "name": %v`, err)
		}
	}
	for i, n := range req.Names {
		if strings.TrimSpace(n) == "" {
			return req, q, errorf(http.StatusBadRequest, `"names"[%d] is empty`, i)
		}
		if err := ties.CheckName(n); err != nil {
			return req, q, errorf(http.StatusBadRequest, `field "names[%d]": %v`, i, err)
		}
	}
	if req.Threshold != nil {
		if *req.Threshold < 0 || *req.Threshold > 1 {
			return req, q, errorf(http.StatusBadRequest, `"threshold" %v: want a score between 0 and 1`, *req.Threshold)
		}
		q.Threshold = *req.Threshold
	}
	if req.Limit < 0 || req.Limit > maxLimit {
		return req, q, errorf(http.StatusBadRequest, `"limit" %d: want 1..%d`, req.Limit, maxLimit)
	}
	if req.Limit > 0 {
		q.Limit = req.Limit
	}
	if req.Kind != "" {
		k, err := ties.Filters{}.Check(nil, nil, req.Kind) // kinds do not depend on the lists
		if err != nil {
			return req, q, errorf(http.StatusBadRequest, `"kind": %v`, err)
		}
		q.Kind = k
	}
	q.Lists, q.Countries = req.Lists, req.Countries
	if req.DOB != "" || req.Country != "" || req.ID != "" {
		if req.Name == nil {
			return req, q, errorf(http.StatusBadRequest, `"dob", "country" and "id" describe the one party of "name"; screen a batch with one request per party`)
		}
		attrs, err := match.ParseAttributes(req.DOB, []string{req.Country}, []string{req.ID}, sources.CountryCode)
		if err != nil {
			return req, q, errorf(http.StatusBadRequest, "%v", err)
		}
		q.Attributes = attrs
	}
	return req, q, nil
}

// screenResult carries the fields of `ties screen --json`
// (match.ResultJSON), plus the versions screened against and the audit
// record.
type screenResult struct {
	Query    string            `json:"query"`
	Matches  []match.MatchJSON `json:"matches"`
	Versions []int64           `json:"versions,omitempty"`  // list versions in force
	AuditSeq int64             `json:"audit_seq,omitempty"` // the audit record of this screening
}

func toJSONMatches(ms []match.Match) []match.MatchJSON { return match.ToJSON(ms) }

// auditTop is how many matches per screening the audit record keeps.
const auditTop = 5

func screeningRecord(p principal, snap *snapshot, res *screenResult) (ties.AuditRecord, error) {
	top := res.Matches
	if len(top) > auditTop {
		top = top[:auditTop]
	}
	b, err := json.Marshal(top)
	if err != nil {
		return ties.AuditRecord{}, err
	}
	return ties.AuditRecord{Actor: p.Actor, Action: ties.AuditScreen, Query: res.Query, Versions: snap.versionIDs, Results: b}, nil
}

func (s *Server) screen(w http.ResponseWriter, r *http.Request) error {
	req, q, err := decodeScreenRequest(r.Body, s.opt.MaxBatch)
	if err != nil {
		return err
	}
	if s.slowHook != nil {
		s.slowHook(r.Context())
	}
	snap := s.snap.Load()
	if len(snap.versions) == 0 {
		return errorf(http.StatusConflict, "no lists loaded: load one with POST /v1/lists or `ties load FILE`")
	}
	// A filter no entry in force can match would answer "no match" to
	// everything: refuse it, with the values that exist.
	if _, err := snap.filters.Check(q.Lists, q.Countries, req.Kind); err != nil {
		return errorf(http.StatusBadRequest, "%v", err)
	}
	p := principalOf(r.Context())
	if req.Name != nil {
		q.Text = *req.Name
		res := []screenResult{{Query: q.Text, Matches: toJSONMatches(snap.index.Search(q)), Versions: snap.versionIDs}}
		if err := s.auditResults(r, p, snap, res); err != nil {
			return err
		}
		s.metrics.screenings.Add(1)
		return writeJSON(w, http.StatusOK, res[0])
	}
	stream := len(req.Names) > s.opt.StreamAbove || strings.Contains(r.Header.Get("Accept"), "application/x-ndjson")
	if !stream {
		res := s.screenChunk(r.Context(), snap, q, req.Names)
		if err := r.Context().Err(); err != nil {
			return err
		}
		if err := s.auditResults(r, p, snap, res); err != nil {
			return err
		}
		s.metrics.screenings.Add(float64(len(res)))
		return writeJSON(w, http.StatusOK, batchResponse{Results: res, Versions: snap.versionIDs})
	}
	return s.screenStream(w, r, p, snap, q, req.Names)
}

type batchResponse struct {
	Results  []screenResult `json:"results"`
	Versions []int64        `json:"versions"`
}

// streamChunk is how many names are screened, audited and written at a
// time when streaming: results leave in input order, each line only after
// its audit record is committed.
const streamChunk = 256

func (s *Server) screenStream(w http.ResponseWriter, r *http.Request, p principal, snap *snapshot, q match.Query, names []string) error {
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for start := 0; start < len(names); start += streamChunk {
		if err := r.Context().Err(); err != nil {
			return err
		}
		res := s.screenChunk(r.Context(), snap, q, names[start:min(start+streamChunk, len(names))])
		if err := r.Context().Err(); err != nil {
			return err
		}
		if err := s.auditResults(r, p, snap, res); err != nil {
			return err
		}
		s.metrics.screenings.Add(float64(len(res)))
		buf.Reset()
		for i := range res {
			if err := enc.Encode(&res[i]); err != nil {
				return err
			}
		}
		if _, err := w.Write(buf.Bytes()); err != nil {
			return err
		}
		if err := rc.Flush(); err != nil {
			return fmt.Errorf("flush: %w", err)
		}
	}
	return nil
}

// screenChunk screens names on all cores; results keep the input order.
//
// Workers stop taking names once ctx ends (the client went away or the
// time limit passed); the caller then answers ctx's error, not the
// partial results.
func (s *Server) screenChunk(ctx context.Context, snap *snapshot, q match.Query, names []string) []screenResult {
	res := make([]screenResult, len(names))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(s.workers, len(names)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(names) || ctx.Err() != nil {
					return
				}
				qq := q
				qq.Text = names[i]
				res[i] = screenResult{Query: names[i], Matches: toJSONMatches(snap.index.Search(qq)), Versions: snap.versionIDs}
			}
		}()
	}
	wg.Wait()
	return res
}

// auditResults appends one audit record per screening and sets AuditSeq.
func (s *Server) auditResults(r *http.Request, p principal, snap *snapshot, res []screenResult) error {
	recs := make([]ties.AuditRecord, len(res))
	for i := range res {
		rec, err := screeningRecord(p, snap, &res[i])
		if err != nil {
			return err
		}
		recs[i] = rec
	}
	out, err := s.audit.append(r.Context(), recs)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	for i := range out {
		res[i].AuditSeq = out[i].Seq
	}
	return nil
}
