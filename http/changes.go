package http

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"ties"
	"ties/changes"
)

// changeEntry is one entry added, removed or changed between two versions.
type changeEntry struct {
	EntityID string   `json:"entity_id"`
	Name     string   `json:"name"`
	List     string   `json:"list,omitempty"`
	Fields   []string `json:"fields,omitempty"` // changed: what differs
	// Details says how each field changed (a new alias, an end date...).
	Details []ties.FieldChange `json:"details,omitempty"`
}

type changesResponse struct {
	From    int64         `json:"from"`
	To      int64         `json:"to"`
	Added   []changeEntry `json:"added"`
	Removed []changeEntry `json:"removed"`
	Changed []changeEntry `json:"changed"`
}

// listChanges compares the entries of two list versions by entity id
// (package changes, which also records the change set of each new version).
func (s *Server) listChanges(w http.ResponseWriter, r *http.Request) error {
	qv := r.URL.Query()
	var ids [2]int64
	for i, p := range []string{"from", "to"} {
		n, err := strconv.ParseInt(qv.Get(p), 10, 64)
		if err != nil || n <= 0 {
			return errorf(http.StatusBadRequest, "%s %q: want a list version id (GET /v1/lists)", p, qv.Get(p))
		}
		ids[i] = n
	}
	versions, err := s.st.Versions(r.Context())
	if err != nil {
		return err
	}
	for _, id := range ids {
		if !slices.ContainsFunc(versions, func(v ties.ListVersion) bool { return v.ID == id }) {
			return errorf(http.StatusNotFound, "no list version %d", id)
		}
	}
	from, err := s.entriesOf(r, ids[0])
	if err != nil {
		return err
	}
	to, err := s.entriesOf(r, ids[1])
	if err != nil {
		return err
	}
	cs := changes.Compute("", ids[0], ids[1], from, to, time.Now())
	resp := changesResponse{From: ids[0], To: ids[1], Added: []changeEntry{}, Removed: []changeEntry{}, Changed: []changeEntry{}}
	for _, c := range cs.Changes {
		e := changeEntry{EntityID: c.EntityID, Name: c.Name, List: c.List}
		switch c.Kind {
		case ties.ChangeAdded:
			resp.Added = append(resp.Added, e)
		case ties.ChangeRemoved:
			resp.Removed = append(resp.Removed, e)
		default:
			e.Fields, e.Details = changes.FieldNames(c), c.Fields
			resp.Changed = append(resp.Changed, e)
		}
	}
	return writeJSON(w, http.StatusOK, resp)
}

func (s *Server) entriesOf(r *http.Request, id int64) ([]ties.Entry, error) {
	var out []ties.Entry
	for e, err := range s.st.Entries(r.Context(), id) {
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}
