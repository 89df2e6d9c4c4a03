package http

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"ties"
)

// route is one API endpoint. The table below is the single source of the
// mux's patterns; a test checks it against the OpenAPI document.
type route struct {
	Method string
	Path   string
	// Role is the least role that may call the route; "" means no token
	// is needed (/healthz only).
	Role ties.Role
	// Batch routes get Options.BatchTimeout instead of RequestTimeout.
	Batch  bool
	handle func(s *Server, w http.ResponseWriter, r *http.Request) error
}

// Pattern is the net/http ServeMux pattern, e.g. "GET /v1/entities/{id}".
func (rt route) Pattern() string { return rt.Method + " " + rt.Path }

var routes = []route{
	{Method: "GET", Path: "/healthz", handle: (*Server).healthz},
	{Method: "GET", Path: "/metrics", Role: ties.RoleViewer, handle: (*Server).metricsHandler},
	{Method: "GET", Path: "/v1/openapi.json", Role: ties.RoleViewer, handle: (*Server).openapi},
	{Method: "GET", Path: "/v1/me", Role: ties.RoleViewer, handle: (*Server).me},
	{Method: "POST", Path: "/v1/screen", Role: ties.RoleViewer, Batch: true, handle: (*Server).screen},
	{Method: "GET", Path: "/v1/compare", Role: ties.RoleViewer, handle: (*Server).compare},
	{Method: "GET", Path: "/v1/entities/{id}", Role: ties.RoleViewer, handle: (*Server).entity},
	{Method: "GET", Path: "/v1/entities/{id}/ties", Role: ties.RoleViewer, handle: (*Server).entityTies},
	{Method: "GET", Path: "/v1/exposure", Role: ties.RoleViewer, handle: (*Server).exposure},
	{Method: "POST", Path: "/v1/assess", Role: ties.RoleViewer, handle: (*Server).assess},
	{Method: "GET", Path: "/v1/resolve", Role: ties.RoleViewer, handle: (*Server).resolve},
	{Method: "GET", Path: "/v1/lists", Role: ties.RoleViewer, handle: (*Server).lists},
	{Method: "POST", Path: "/v1/lists", Role: ties.RoleAdmin, Batch: true, handle: (*Server).loadList},
	{Method: "GET", Path: "/v1/lists/changes", Role: ties.RoleViewer, handle: (*Server).listChanges},
	{Method: "GET", Path: "/v1/links", Role: ties.RoleViewer, handle: (*Server).links},
	{Method: "POST", Path: "/v1/links/{id}/confirm", Role: ties.RoleAnalyst, handle: (*Server).confirmLink},
	{Method: "POST", Path: "/v1/links/{id}/reject", Role: ties.RoleAnalyst, handle: (*Server).rejectLink},
	{Method: "POST", Path: "/v1/ties", Role: ties.RoleAnalyst, handle: (*Server).addTie},
	{Method: "DELETE", Path: "/v1/ties/{id}", Role: ties.RoleAnalyst, handle: (*Server).removeTie},
	{Method: "GET", Path: "/v1/audit", Role: ties.RoleAnalyst, handle: (*Server).auditList},
	{Method: "GET", Path: "/v1/audit/verify", Role: ties.RoleAnalyst, handle: (*Server).auditVerify},
	{Method: "POST", Path: "/v1/audit/{seq}/decision", Role: ties.RoleAnalyst, handle: (*Server).auditDecision},
	{Method: "GET", Path: "/v1/tokens", Role: ties.RoleAdmin, handle: (*Server).tokenList},
	{Method: "POST", Path: "/v1/tokens", Role: ties.RoleAdmin, handle: (*Server).tokenCreate},
	{Method: "DELETE", Path: "/v1/tokens/{id}", Role: ties.RoleAdmin, handle: (*Server).tokenRevoke},
	{Method: "GET", Path: "/v1/changes", Role: ties.RoleViewer, handle: (*Server).changeSets},
	{Method: "GET", Path: "/v1/watches", Role: ties.RoleViewer, handle: (*Server).watchList},
	{Method: "POST", Path: "/v1/watches", Role: ties.RoleAnalyst, Batch: true, handle: (*Server).watchAdd},
	{Method: "DELETE", Path: "/v1/watches/{id}", Role: ties.RoleAnalyst, handle: (*Server).watchRemove},
	{Method: "GET", Path: "/v1/alerts", Role: ties.RoleViewer, handle: (*Server).alertList},
	{Method: "GET", Path: "/v1/reviews", Role: ties.RoleViewer, handle: (*Server).reviewList},
	{Method: "POST", Path: "/v1/reviews", Role: ties.RoleAnalyst, handle: (*Server).reviewAdd},
}

type principalKey struct{}

// principal is who a request runs as.
type principal struct {
	Actor   string // recorded in the audit trail
	Role    ties.Role
	TokenID int64
	Name    string
	Demo    bool
}

func principalOf(ctx context.Context) principal {
	p, _ := ctx.Value(principalKey{}).(principal)
	return p
}

// wrap puts a route's handler behind logging and metrics, authentication,
// the rate limit, the body limit and the time limit, and turns its error
// into a JSON error response.
func (s *Server) wrap(rt route) http.Handler {
	pattern := rt.Pattern()
	timeout := s.opt.RequestTimeout
	if rt.Batch {
		timeout = s.opt.BatchTimeout
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			took := time.Since(start)
			s.metrics.observe(pattern, rec.status(), took)
			level := slog.LevelInfo
			if rec.status() >= 500 {
				level = slog.LevelError
			}
			p := principalOf(r.Context())
			s.log.Log(r.Context(), level, "request", "method", r.Method, "route", pattern, "path", r.URL.Path,
				"status", rec.status(), "bytes", rec.bytes, "ms", float64(took.Microseconds())/1000, "actor", p.Actor, "remote", r.RemoteAddr)
		}()
		w = rec
		if rt.Role != "" {
			p, err := s.authenticate(r)
			if err != nil {
				writeError(w, err)
				return
			}
			if !p.Role.Allows(rt.Role) {
				writeError(w, errorf(http.StatusForbidden, "this needs the %s role; the token has %s", rt.Role, p.Role))
				return
			}
			if !s.limits.allow(p) {
				w.Header().Set("Retry-After", "1")
				writeError(w, errorf(http.StatusTooManyRequests, "rate limit of %g requests a second for this token exceeded", s.opt.RateLimit))
				return
			}
			r = r.WithContext(context.WithValue(r.Context(), principalKey{}, p))
		}
		ctx, cancel := context.WithTimeout(r.Context(), timeout)
		defer cancel()
		// The deadlines stop a client that trickles its body or never reads
		// the response (the context alone cannot unblock a Write).
		rc := http.NewResponseController(w)
		_ = rc.SetReadDeadline(time.Now().Add(timeout))
		_ = rc.SetWriteDeadline(time.Now().Add(timeout + 5*time.Second))
		r = r.WithContext(ctx)
		limit := s.opt.MaxBodyBytes
		if pattern == "POST /v1/lists" {
			limit = s.opt.MaxUploadBytes
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		if r.ContentLength != 0 && s.opt.MinBodyRate > 0 {
			now := time.Now()
			r.Body = &minRateBody{body: r.Body, ctl: rc, start: now, grace: s.opt.BodyRateGrace,
				rate: float64(s.opt.MinBodyRate), deadline: now.Add(timeout)}
		}
		err := checkRequestText(r, rt)
		if err == nil {
			err = rt.handle(s, w, r)
		}
		if err != nil {
			if status, _ := statusOf(err); status >= 500 {
				// The client gets a generic message (no SQL state, file
				// path or stack); the log keeps the cause.
				s.log.Error("request failed", "route", pattern, "err", err.Error())
			}
			if rec.wrote {
				// Headers are out (a stream): end it with an error line the
				// client can tell from a result (it has no "query").
				s.log.Warn("error after response started", "route", pattern, "err", err)
				if strings.HasPrefix(w.Header().Get("Content-Type"), "application/x-ndjson") {
					_, body := statusOf(err)
					json.NewEncoder(w).Encode(body) //nolint:errcheck // the client may be gone
				}
				return
			}
			writeError(w, err)
		}
	})
}

// authenticate finds the request's token. The hash is looked up in the
// store on every request, so a revoked token fails on its next request.
func (s *Server) authenticate(r *http.Request) (principal, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		if s.opt.Demo {
			return principal{Actor: "demo", Role: ties.RoleAdmin, Demo: true}, nil
		}
		return principal{}, errorf(http.StatusUnauthorized, "missing token: send Authorization: Bearer <token> (create one with `ties token create --role viewer`)")
	}
	scheme, secret, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(secret) == "" {
		return principal{}, errorf(http.StatusUnauthorized, "malformed Authorization header: want Bearer <token>")
	}
	t, ok, err := s.st.TokenByHash(r.Context(), ties.HashTokenSecret(strings.TrimSpace(secret)))
	if err != nil {
		return principal{}, err
	}
	if !ok {
		return principal{}, errorf(http.StatusUnauthorized, "unknown or revoked token")
	}
	return principal{Actor: "token:" + itoa(t.ID) + ":" + t.Name, Role: t.Role, TokenID: t.ID, Name: t.Name}, nil
}
