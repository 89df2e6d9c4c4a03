package http

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"

	"golang.org/x/time/rate"
)

// apiError is an error with the HTTP status it answers with.
type apiError struct {
	Status int
	Msg    string
}

func (e *apiError) Error() string { return e.Msg }

func errorf(status int, format string, args ...any) error {
	return &apiError{Status: status, Msg: fmt.Sprintf(format, args...)}
}

// errorBody is every error response: {"error": "...", "status": 400}.
type errorBody struct {
	Error  string `json:"error"`
	Status int    `json:"status"`
}

func writeError(w http.ResponseWriter, err error) {
	status, body := statusOf(err)
	writeJSON(w, status, body) //nolint:errcheck // the client may be gone
}

// statusOf is the status and message an error answers with.
func statusOf(err error) (int, errorBody) {
	status := http.StatusInternalServerError
	msg := err.Error()
	var ae *apiError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &ae):
		status = ae.Status
	case errors.As(err, &mbe):
		status = http.StatusRequestEntityTooLarge
		msg = fmt.Sprintf("request body exceeds the limit of %d bytes", mbe.Limit)
	case errors.Is(err, context.DeadlineExceeded):
		status = http.StatusServiceUnavailable
		msg = "request took longer than the time limit"
	case errors.Is(err, context.Canceled):
		status = 499 // client went away; nobody reads this
		msg = "request cancelled"
	default:
		// An unexpected error: its text may hold a store's own message
		// (SQL state, a file path). The caller logs it; the client is
		// told only that it happened.
		msg = "internal error: the request failed on the server (the server log has the cause)"
	}
	return status, errorBody{Error: msg, Status: status}
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// statusRecorder remembers the status and size of a response. Unwrap lets
// http.ResponseController reach Flush and the deadlines underneath.
type statusRecorder struct {
	http.ResponseWriter
	code  int
	bytes int64
	wrote bool
}

func (r *statusRecorder) WriteHeader(code int) {
	if !r.wrote {
		r.code, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if !r.wrote {
		r.code, r.wrote = http.StatusOK, true
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

func (r *statusRecorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (r *statusRecorder) status() int {
	if r.code == 0 {
		return http.StatusOK
	}
	return r.code
}

// rateLimits is a token bucket per API token (per remote address for
// anonymous demo requests).
type rateLimits struct {
	limit rate.Limit
	burst int
	mu    sync.Mutex
	by    map[string]*rate.Limiter
}

func newRateLimits(perSecond float64, burst int) *rateLimits {
	return &rateLimits{limit: rate.Limit(perSecond), burst: burst, by: map[string]*rate.Limiter{}}
}

func (l *rateLimits) allow(p principal) bool {
	if l.limit <= 0 {
		return true
	}
	key := p.Actor
	if p.TokenID != 0 {
		key = "token:" + itoa(p.TokenID)
	}
	l.mu.Lock()
	lim, ok := l.by[key]
	if !ok {
		lim = rate.NewLimiter(l.limit, l.burst)
		l.by[key] = lim
	}
	l.mu.Unlock()
	return lim.Allow()
}
