// Package web holds the browser UI of ties (screening, entities, the
// exposure graph and timeline, lists), built from web/src with npm and
// embedded so the binary serves it with no network and no files beside it.
//
// dist/ is committed: `go build` works without Node. After changing
// web/src, rebuild it with scripts/build-web (npm ci && npm run build).
package web

//go:generate sh -c "npm ci && npm run build"

import (
	"embed"
	"io/fs"
)

// Dist is the built UI, as vite writes it into web/dist.
//
//go:embed all:dist
var Dist embed.FS

// FS returns the built UI rooted at its index.html, ready for
// http.FileServerFS.
func FS() fs.FS {
	sub, err := fs.Sub(Dist, "dist")
	if err != nil {
		// fs.Sub fails only on an invalid path; "dist" is valid.
		panic(err)
	}
	return sub
}
