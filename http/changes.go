package http

import (
	"net/http"
	"reflect"
	"slices"
	"strconv"

	"ties"
)

// changeEntry is one entry added, removed or changed between two versions.
type changeEntry struct {
	EntityID string   `json:"entity_id"`
	Name     string   `json:"name"`
	List     string   `json:"list,omitempty"`
	Fields   []string `json:"fields,omitempty"` // changed: what differs
}

type changesResponse struct {
	From    int64         `json:"from"`
	To      int64         `json:"to"`
	Added   []changeEntry `json:"added"`
	Removed []changeEntry `json:"removed"`
	Changed []changeEntry `json:"changed"`
}

// listChanges compares the entries of two list versions by entity id.
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
	resp := changesResponse{From: ids[0], To: ids[1], Added: []changeEntry{}, Removed: []changeEntry{}, Changed: []changeEntry{}}
	for _, id := range to.order {
		b := to.by[id]
		a, ok := from.by[id]
		if !ok {
			resp.Added = append(resp.Added, entryChange(b, nil))
			continue
		}
		if f := changedFields(a, b); len(f) > 0 {
			resp.Changed = append(resp.Changed, entryChange(b, f))
		}
	}
	for _, id := range from.order {
		if _, ok := to.by[id]; !ok {
			resp.Removed = append(resp.Removed, entryChange(from.by[id], nil))
		}
	}
	return writeJSON(w, http.StatusOK, resp)
}

type versionEntries struct {
	order []string
	by    map[string]*ties.Entry
}

func (s *Server) entriesOf(r *http.Request, id int64) (versionEntries, error) {
	ve := versionEntries{by: map[string]*ties.Entry{}}
	for e, err := range s.st.Entries(r.Context(), id) {
		if err != nil {
			return ve, err
		}
		if _, dup := ve.by[e.Entity.ID]; !dup {
			ve.order = append(ve.order, e.Entity.ID)
		}
		ve.by[e.Entity.ID] = &e
	}
	return ve, nil
}

func entryChange(e *ties.Entry, fields []string) changeEntry {
	c := changeEntry{EntityID: e.Entity.ID, Name: e.Entity.PrimaryName(), Fields: fields}
	if len(e.Designations) > 0 {
		c.List = e.Designations[0].ListID
	}
	return c
}

func changedFields(a, b *ties.Entry) []string {
	var f []string
	x, y := a.Entity, b.Entity
	for _, c := range []struct {
		name string
		a, b any
	}{
		{"kind", x.Kind, y.Kind}, {"names", x.Names, y.Names}, {"countries", x.Countries, y.Countries},
		{"addresses", x.Addresses, y.Addresses}, {"identifiers", x.Identifiers, y.Identifiers},
		{"dates", x.Dates, y.Dates}, {"remarks", x.Remarks, y.Remarks}, {"designations", a.Designations, b.Designations},
	} {
		if !reflect.DeepEqual(c.a, c.b) && !(isEmpty(c.a) && isEmpty(c.b)) {
			f = append(f, c.name)
		}
	}
	return f
}

func isEmpty(v any) bool {
	rv := reflect.ValueOf(v)
	return (rv.Kind() == reflect.Slice || rv.Kind() == reflect.String) && rv.Len() == 0
}
