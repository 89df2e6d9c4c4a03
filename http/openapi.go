package http

import (
	_ "embed"
	"net/http"
)

// openapiDoc is hand-written; TestOpenAPIMatchesRoutes keeps it in step
// with the route table.
//
//go:embed openapi.json
var openapiDoc []byte

func (s *Server) openapi(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, err := w.Write(openapiDoc)
	return err
}
