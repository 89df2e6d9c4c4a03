package http

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"ties"
)

// editSource is the graph source ties added through the API live under.
// The whole source is rewritten on each edit (GraphStore replaces sources
// whole), which is fine for the handful of hand-made edits it holds.
const editSource = "api-edits"

// editTiePrefix marks Tie.Source of API edits, so they can be told apart
// from the ties of loaded files.
const editTiePrefix = "api:"

type tieRequest struct {
	From     string          `json:"from"`
	To       string          `json:"to"`
	Kind     string          `json:"kind"`
	Share    float64         `json:"share,omitempty"`
	Role     string          `json:"role,omitempty"`
	Via      string          `json:"via,omitempty"`
	Start    ties.Date       `json:"start"`
	End      ties.Date       `json:"end"`
	Evidence []ties.Evidence `json:"evidence"`
}

func (s *Server) editedTies(r *http.Request) ([]ties.Tie, error) {
	var out []ties.Tie
	for t, err := range s.st.Ties(r.Context()) {
		if err != nil {
			return nil, err
		}
		if strings.HasPrefix(t.Source, editTiePrefix) {
			out = append(out, t)
		}
	}
	return out, nil
}

// addTie adds a dated, sourced tie between two graph entities (analyst).
func (s *Server) addTie(w http.ResponseWriter, r *http.Request) error {
	var req tieRequest
	if err := decodeStrict(r.Body, &req); err != nil {
		return err
	}
	kind, err := ties.ParseTieKind(req.Kind)
	if err != nil {
		return errorf(http.StatusBadRequest, "kind: %v", err)
	}
	snap := s.snap.Load()
	for _, id := range []string{req.From, req.To} {
		if !snap.model.Graph.Has(snap.canonical(id)) {
			return errorf(http.StatusBadRequest, "no graph entity %q", id)
		}
	}
	if req.From == req.To {
		return errorf(http.StatusBadRequest, "a tie joins two different entities")
	}
	if len(req.Evidence) == 0 {
		return errorf(http.StatusBadRequest, "give evidence: every tie needs a source (title or ref)")
	}
	for i, ev := range req.Evidence {
		if ev.Title == "" && ev.Ref == "" {
			return errorf(http.StatusBadRequest, "evidence[%d]: give a title or a ref", i)
		}
		if ev.Confidence < 0 || ev.Confidence > 1 {
			return errorf(http.StatusBadRequest, "evidence[%d]: confidence %v: want 0..1", i, ev.Confidence)
		}
	}
	if req.Share < 0 || req.Share > 1 {
		return errorf(http.StatusBadRequest, "share %v: want 0..1", req.Share)
	}
	if !req.Start.IsZero() && !req.End.IsZero() && req.End.Before(req.Start) {
		return errorf(http.StatusBadRequest, "end %s is before start %s", req.End, req.Start)
	}
	p := principalOf(r.Context())
	t := ties.Tie{
		ID: "api-" + strconv.FormatInt(time.Now().UnixNano(), 36), From: req.From, To: req.To, Kind: kind,
		Share: req.Share, Role: req.Role, Via: req.Via, Start: req.Start, End: req.End, Evidence: req.Evidence,
		Source: editTiePrefix + p.Actor,
	}
	err = s.rewriteEdits(r, func(ts []ties.Tie) ([]ties.Tie, error) {
		// The one cycle check of every write path: a hierarchical tie
		// (part_of, subsidiary_of, owned_by) may not close a loop with the
		// ties already stored, from files or edits.
		if loop, err := s.hierarchyLoop(r, t); err != nil || loop != nil {
			if err == nil {
				err = errorf(http.StatusBadRequest, "cycle in part_of/subsidiary_of/owned_by: %s", strings.Join(loop, " -> "))
			}
			return nil, err
		}
		return append(ts, t), nil
	})
	if err != nil {
		return err
	}
	if err := s.auditTie(r, p, "add", t); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, t)
}

// removeTie removes a tie added through the API (ties from loaded files
// change by loading the file again).
func (s *Server) removeTie(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	var removed ties.Tie
	err := s.rewriteEdits(r, func(ts []ties.Tie) ([]ties.Tie, error) {
		for i, t := range ts {
			if t.ID == id {
				removed = t
				return append(ts[:i:i], ts[i+1:]...), nil
			}
		}
		return nil, errorf(http.StatusNotFound, "no tie %q added through the API (ties from files change by loading the file again)", id)
	})
	if err != nil {
		return err
	}
	if err := s.auditTie(r, principalOf(r.Context()), "remove", removed); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"removed": id})
}

func (s *Server) rewriteEdits(r *http.Request, edit func([]ties.Tie) ([]ties.Tie, error)) error {
	s.editMu.Lock()
	defer s.editMu.Unlock()
	current, err := s.editedTies(r)
	if err != nil {
		return err
	}
	next, err := edit(current)
	if err != nil {
		return err
	}
	if err := s.st.PutGraph(r.Context(), editSource, ties.Graph{Ties: next}); err != nil {
		return err
	}
	return s.Reload(r.Context())
}

func (s *Server) auditTie(r *http.Request, p principal, verb string, t ties.Tie) error {
	b, err := json.Marshal(t)
	if err != nil {
		return err
	}
	if _, err := s.audit.append(r.Context(), []ties.AuditRecord{{Actor: p.Actor, Action: ties.AuditTie,
		Query: fmt.Sprintf("%s tie %s: %s %s %s", verb, t.ID, t.From, t.Kind, t.To), Versions: s.snap.Load().versionIDs, Results: b}}); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

// hierarchyLoop is the loop t would close with the stored ties, compared
// by canonical id (merged graph entities are one), or nil.
func (s *Server) hierarchyLoop(r *http.Request, t ties.Tie) ([]string, error) {
	if !t.Kind.Hierarchical() {
		return nil, nil
	}
	snap := s.snap.Load()
	var all []ties.Tie
	for x, err := range s.st.Ties(r.Context()) {
		if err != nil {
			return nil, err
		}
		if x.Kind.Hierarchical() {
			x.From, x.To = snap.canonical(x.From), snap.canonical(x.To)
			all = append(all, x)
		}
	}
	t.From, t.To = snap.canonical(t.From), snap.canonical(t.To)
	return ties.HierarchyCycle(all, t), nil
}
