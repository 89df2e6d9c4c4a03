package http

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"ties"
	"ties/assess"
)

// assessRequest is the body of POST /v1/assess: one person, several, or a
// proposal (key personnel with roles and the submission date).
type assessRequest struct {
	Person   *string         `json:"person"`
	People   []string        `json:"people"`
	Proposal *assessProposal `json:"proposal"`
	Matrix   string          `json:"matrix"` // a built-in matrix id; default the DoD matrix
	AsOf     string          `json:"as_of"`
	Window   string          `json:"window"`
}

type assessProposal struct {
	ID        string `json:"id"`
	Title     string `json:"title"`
	Submitted string `json:"submitted"`
	Personnel []struct {
		Person string `json:"person"`
		Role   string `json:"role"`
	} `json:"key_personnel"`
}

// maxAssessPeople caps the people of one request.
const maxAssessPeople = 1000

// assess answers POST /v1/assess with assess.Assessment (person), a list
// of them (people) or assess.ProposalAssessment (proposal), and records
// the review in the audit trail.
func (s *Server) assess(w http.ResponseWriter, r *http.Request) error {
	var req assessRequest
	if err := decodeStrict(r.Body, &req); err != nil {
		return err
	}
	given := 0
	for _, b := range []bool{req.Person != nil, req.People != nil, req.Proposal != nil} {
		if b {
			given++
		}
	}
	if given != 1 {
		return errorf(http.StatusBadRequest, `give one of "person", "people" or "proposal"`)
	}
	if len(req.People) > maxAssessPeople {
		return errorf(http.StatusRequestEntityTooLarge, `"people": %d people exceed the limit of %d per request`, len(req.People), maxAssessPeople)
	}
	if req.Matrix == "" {
		req.Matrix = assess.DefaultMatrix
	}
	mx, err := assess.Builtin(req.Matrix)
	if err != nil {
		return errorf(http.StatusBadRequest, "field matrix: %v", err)
	}
	asOf, _ := ties.ParseDate(time.Now().UTC().Format("2006-01-02"))
	if req.AsOf != "" {
		if asOf, err = ties.ParseDate(req.AsOf); err != nil {
			return errorf(http.StatusBadRequest, "field as_of: %v", err)
		}
	}
	var window *assess.Window
	if req.Window != "" {
		wv, err := assess.ParseWindow(req.Window)
		if err != nil {
			return errorf(http.StatusBadRequest, "field window: %v", err)
		}
		window = &wv
	}
	var prop *assess.Proposal
	if req.Proposal != nil {
		p := req.Proposal
		prop = &assess.Proposal{ID: strings.TrimSpace(p.ID), Title: p.Title, File: "request"}
		if prop.ID == "" {
			return errorf(http.StatusBadRequest, "field proposal.id: missing")
		}
		if p.Submitted != "" {
			if prop.Submitted, err = ties.ParseDate(p.Submitted); err != nil {
				return errorf(http.StatusBadRequest, "field proposal.submitted: %v", err)
			}
			if req.AsOf == "" && !prop.Submitted.IsZero() {
				asOf = prop.Submitted
			}
		}
		if len(p.Personnel) == 0 || len(p.Personnel) > maxAssessPeople {
			return errorf(http.StatusBadRequest, "field proposal.key_personnel: want 1 to %d people", maxAssessPeople)
		}
		for i, kp := range p.Personnel {
			if strings.TrimSpace(kp.Person) == "" {
				return errorf(http.StatusBadRequest, "field proposal.key_personnel[%d].person: missing", i)
			}
			prop.Personnel = append(prop.Personnel, assess.KeyPerson{Ref: strings.TrimSpace(kp.Person), Role: kp.Role, Line: i})
		}
	}
	snap := s.snap.Load()
	in := snap.model.AssessInput(mx, asOf, window)
	var resp any
	var outcome assess.Outcome
	switch {
	case prop != nil:
		for i, kp := range prop.Personnel {
			if _, err := snap.model.FindPerson(kp.Ref); err != nil {
				return errorf(http.StatusBadRequest, "field proposal.key_personnel[%d].person: %v", i, err)
			}
		}
		pa, err := assess.AssessProposal(in, prop, snap.model.FindPerson)
		if err != nil {
			return err
		}
		resp, outcome = pa, pa.Outcome
	case req.Person != nil:
		id, err := snap.model.FindPerson(strings.TrimSpace(*req.Person))
		if err != nil {
			return errorf(http.StatusNotFound, "field person: %v", err)
		}
		a := assess.Person(in, id)
		resp, outcome = a, a.Outcome
	default:
		out := make([]assess.Assessment, 0, len(req.People))
		for i, ref := range req.People {
			id, err := snap.model.FindPerson(strings.TrimSpace(ref))
			if err != nil {
				return errorf(http.StatusBadRequest, "field people[%d]: %v", i, err)
			}
			a := assess.Person(in, id)
			outcome = max(outcome, a.Outcome)
			out = append(out, a)
		}
		resp = struct {
			Assessments []assess.Assessment `json:"assessments"`
		}{out}
	}
	summary, err := json.Marshal(map[string]any{"outcome": outcome, "matrix": mx.ID, "matrix_sha256": mx.Hash, "as_of": asOf.String()})
	if err != nil {
		return err
	}
	query, err := json.Marshal(req)
	if err != nil {
		return err
	}
	p := principalOf(r.Context())
	if _, err := s.audit.append(r.Context(), []ties.AuditRecord{{Actor: p.Actor, Action: ties.AuditAssess,
		Query: string(query), Versions: snap.versionIDs, Results: summary}}); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return writeJSON(w, http.StatusOK, resp)
}
