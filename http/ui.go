package http

import (
	_ "embed"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

//go:embed placeholder.html
var placeholderPage []byte

// PageCSP is the Content-Security-Policy of the web page: scripts, styles,
// fonts and fetches only from the server itself (the embedded assets and
// the API), images also as data: and blob: URLs (graph and report
// exports), no plugins, no <base>, and no framing by any site. The one
// inline style allowed, by its hash, is the rule the graph library
// (cytoscape) injects into the page:
// ".__________cytoscape_container { position: relative; }".
const PageCSP = "default-src 'self'; script-src 'self'; style-src 'self' " + cytoscapeStyleHash + "; img-src 'self' data: blob:; font-src 'self'; " +
	"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

const cytoscapeStyleHash = "'sha256-pgvDUBa4IjFA2yuSJ2cqcyxmNYJMborsd0ORcRv9vw8='"

// APICSP is the policy of every other response (JSON, metrics): nothing
// may load from it, and no site may frame it.
const APICSP = "default-src 'none'; frame-ancestors 'none'"

// securityHeaders sets the headers every response carries: the CSP (the
// page's or the API's), no framing, no referrer, no MIME sniffing.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		if strings.HasPrefix(r.URL.Path, "/v1/") || r.URL.Path == "/healthz" || r.URL.Path == "/metrics" {
			h.Set("Content-Security-Policy", APICSP)
		} else {
			h.Set("Content-Security-Policy", PageCSP)
		}
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// uiHandler serves the web UI: files of Options.UI, and index.html for any
// other path that is not an API path (the UI routes in the browser). The
// assets hold no data, so they need no token; every call they make does.
func (s *Server) uiHandler() http.Handler {
	if s.opt.UI == nil {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/" && r.URL.Path != "/index.html" {
				writeError(w, errorf(http.StatusNotFound, "no page %s", r.URL.Path))
				return
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write(placeholderPage)
		})
	}
	files := http.FileServerFS(s.opt.UI)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/v1/") {
			writeError(w, errorf(http.StatusNotFound, "no API route %s %s (see /v1/openapi.json)", r.Method, r.URL.Path))
			return
		}
		name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
		if name != "" {
			if _, err := fs.Stat(s.opt.UI, name); err != nil {
				// A client-side route such as /entity/csl:123: the app decides.
				r2 := r.Clone(r.Context())
				r2.URL.Path = "/"
				files.ServeHTTP(w, r2)
				return
			}
		}
		w.Header().Set("X-Content-Type-Options", "nosniff")
		files.ServeHTTP(w, r)
	})
}
