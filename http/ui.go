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
