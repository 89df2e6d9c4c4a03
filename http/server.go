// Package http serves ties over HTTP: a JSON API under /v1 (the same fields
// as the CLI's --json output), bearer-token access control with roles, an
// audit entry for every screening, Prometheus metrics and the web UI.
//
// The server keeps the screening index and the analysis model in memory as
// one immutable snapshot behind an atomic pointer: a list load or a link
// decision builds a new snapshot and swaps it in, so a request sees either
// the old index or the new one, never half of each.
package http

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"ties"
	"ties/watch"
)

// Store is what the server needs from the store.
type Store interface {
	ties.Store
	ties.TokenStore
	ties.AuditStore
}

// Options configure a Server. Zero values take the defaults in brackets.
type Options struct {
	Store  Store
	Logger *slog.Logger // [discard]
	// Demo lets requests without a token act as admin. Serve refuses it
	// on a listener that is not on a loopback address.
	Demo bool
	// UI is served at "/" (index.html and assets); nil serves a placeholder.
	UI fs.FS
	// RateLimit is the most requests per second per token [0: no limit];
	// RateBurst the bucket size [2 × RateLimit, at least 1].
	RateLimit float64
	RateBurst int
	// MaxBodyBytes bounds request bodies [10 MB]; MaxUploadBytes list
	// uploads [200 MB].
	MaxBodyBytes   int64
	MaxUploadBytes int64
	// MinBodyRate is the least average rate, in bytes a second, at which
	// a request body must arrive once BodyRateGrace has passed [16 KiB/s;
	// negative: no minimum]; a slower client gets 408 instead of holding
	// a connection for the whole BatchTimeout. BodyRateGrace [10 s].
	MinBodyRate   int64
	BodyRateGrace time.Duration
	// MaxBatch is the most names one screening request may hold [50,000].
	MaxBatch int
	// StreamAbove: a batch with more names is answered as NDJSON [100].
	StreamAbove int
	// RequestTimeout bounds ordinary requests [30 s]; batch screening and
	// list loads get BatchTimeout [10 min].
	RequestTimeout time.Duration
	BatchTimeout   time.Duration
	// ShutdownTimeout is how long Serve waits for in-flight requests [30 s].
	ShutdownTimeout time.Duration
	// WebhookPolicy checks the webhook of a watch added through the API
	// [nil: no loopback, private or link-local destination at all].
	WebhookPolicy *watch.WebhookPolicy
	// SyncStatus, when set, reports the background sync's last run on
	// /healthz; SyncGauges gives its numbers by the names in
	// SyncGaugeNames for /metrics (names ending in _total are counters).
	SyncStatus     func() any
	SyncGauges     func() map[string]float64
	SyncGaugeNames []string
}

func (o *Options) defaults() {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = 10 << 20
	}
	if o.MaxUploadBytes <= 0 {
		o.MaxUploadBytes = 200 << 20
	}
	if o.MinBodyRate == 0 {
		o.MinBodyRate = 16 << 10
	}
	if o.BodyRateGrace <= 0 {
		o.BodyRateGrace = 10 * time.Second
	}
	if o.MaxBatch <= 0 {
		o.MaxBatch = 50_000
	}
	if o.StreamAbove <= 0 {
		o.StreamAbove = 100
	}
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = 30 * time.Second
	}
	if o.BatchTimeout <= 0 {
		o.BatchTimeout = 10 * time.Minute
	}
	if o.ShutdownTimeout <= 0 {
		o.ShutdownTimeout = 30 * time.Second
	}
	if o.RateLimit > 0 && o.RateBurst <= 0 {
		o.RateBurst = max(1, int(2*o.RateLimit))
	}
}

// Server is the ties HTTP server.
type Server struct {
	opt     Options
	st      Store
	log     *slog.Logger
	snap    atomic.Pointer[snapshot]
	buildMu sync.Mutex // one rebuild at a time
	editMu  sync.Mutex // one tie edit at a time (read, modify, rewrite)
	mux     *http.ServeMux
	handler http.Handler
	metrics *metrics
	limits  *rateLimits
	audit   *auditor
	workers int
	// slowHook, when set (tests), runs inside /v1/screen before screening.
	slowHook func(context.Context)
	// afterLoadHook, when set (tests), runs in POST /v1/lists right after
	// the load committed, before anything else: a crash there must leave
	// the load with its audit record.
	afterLoadHook func()
}

// New builds the in-memory snapshot from the store and returns a server
// ready to Serve. Close releases what New started.
func New(ctx context.Context, opt Options) (*Server, error) {
	if opt.Store == nil {
		return nil, errors.New("http: no store")
	}
	opt.defaults()
	s := &Server{opt: opt, st: opt.Store, log: opt.Logger, workers: runtime.GOMAXPROCS(0)}
	s.metrics = newMetrics(s)
	s.limits = newRateLimits(opt.RateLimit, opt.RateBurst)
	s.audit = newAuditor(opt.Store, s.log)
	if err := s.Reload(ctx); err != nil {
		s.audit.close()
		return nil, err
	}
	if n := removeStaleUploads(2 * opt.BatchTimeout); n > 0 {
		s.log.Info("removed upload directories left by an earlier run", "count", n)
	}
	s.mux = http.NewServeMux()
	for _, rt := range routes {
		s.mux.Handle(rt.Pattern(), s.wrap(rt))
	}
	s.mux.Handle("GET /", s.uiHandler())
	s.handler = securityHeaders(s.mux)
	return s, nil
}

// Handler is the server's root handler.
func (s *Server) Handler() http.Handler { return s.handler }

// Close stops the audit writer after the pending appends.
func (s *Server) Close() error {
	s.audit.close()
	return nil
}

// fingerprinter is a store that can say cheaply whether what the index is
// built from changed (the sqlite store).
type fingerprinter interface {
	IndexFingerprint(ctx context.Context) (string, error)
}

// Reload rebuilds the snapshot from the store and swaps it in.
func (s *Server) Reload(ctx context.Context) error {
	_, err := s.reload(ctx, false)
	return err
}

// ReloadIfChanged is Reload, except that on a store that keeps an index
// fingerprint it does nothing when the fingerprint is the one the current
// index was built from (a change notice for a write this server already
// rebuilt for). It reports whether it rebuilt.
func (s *Server) ReloadIfChanged(ctx context.Context) (bool, error) {
	return s.reload(ctx, true)
}

func (s *Server) reload(ctx context.Context, onlyIfChanged bool) (bool, error) {
	s.buildMu.Lock()
	defer s.buildMu.Unlock()
	start := time.Now()
	// Read before the build: a change committed during it leaves the
	// fingerprint older than the index, so the next notice rebuilds again.
	fp := ""
	if f, ok := s.st.(fingerprinter); ok {
		var err error
		if fp, err = f.IndexFingerprint(ctx); err != nil {
			fp = ""
		}
	}
	if cur := s.snap.Load(); onlyIfChanged && fp != "" && cur != nil && cur.fingerprint == fp {
		return false, nil
	}
	snap, err := buildSnapshot(ctx, s.st)
	if err != nil {
		return false, fmt.Errorf("build index: %w", err)
	}
	snap.fingerprint = fp
	s.snap.Store(snap)
	s.metrics.snapshotSwapped(snap)
	s.log.Info("index built", "entries", len(snap.entries), "index_entities", snap.index.Len(),
		"versions", snap.versionIDs, "took_ms", time.Since(start).Milliseconds())
	return true, nil
}

// CheckDemoAddr refuses --demo on an address that is not loopback: demo
// mode opens every endpoint without a token.
func CheckDemoAddr(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--addr %q: %w", addr, err)
	}
	if isLoopbackHost(host) {
		return nil
	}
	return fmt.Errorf("--demo opens every endpoint without a token, so it only runs on a loopback address (127.0.0.1, ::1, localhost), not %q", addr)
}

func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Serve serves on ln until ctx is done, then shuts down gracefully: it
// stops accepting, lets in-flight requests finish (up to ShutdownTimeout)
// and returns.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	if s.opt.Demo {
		if tcp, ok := ln.Addr().(*net.TCPAddr); !ok || !tcp.IP.IsLoopback() {
			return fmt.Errorf("--demo opens every endpoint without a token, so it only runs on a loopback address, not %s", ln.Addr())
		}
	}
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	s.log.Info("serving", "addr", ln.Addr().String(), "demo", s.opt.Demo)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down", "grace", s.opt.ShutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), s.opt.ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if errors.Is(err, context.DeadlineExceeded) {
		srv.Close()
		err = fmt.Errorf("shutdown: requests still running after %s were cut off", s.opt.ShutdownTimeout)
	}
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	return err
}
