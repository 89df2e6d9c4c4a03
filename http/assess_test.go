package http

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestAssessRoute reviews the reference case's mentors through the API:
// one person, a proposal, field errors, and the audit record.
func TestAssessRoute(t *testing.T) {
	e := newEnv(t, Options{})
	var a struct {
		Person    string   `json:"person"`
		Outcome   string   `json:"outcome"`
		DecidedBy []string `json:"decided_by"`
		Matrix    struct {
			ID   string `json:"id"`
			Hash string `json:"sha256"`
		} `json:"matrix"`
	}
	e.json("POST", "/v1/assess", e.viewer, map[string]any{"person": "Saeed Maleki", "as_of": "2026-11-01"}, 200, &a)
	if a.Person != "saeed-maleki" || a.Outcome != "required_mitigation" || len(a.DecidedBy) != 1 || a.DecidedBy[0] != "collaboration-restricted" || a.Matrix.ID != "dod-fundamental-research" || a.Matrix.Hash == "" {
		t.Errorf("assessment: %+v", a)
	}
	var pa struct {
		Outcome   string   `json:"outcome"`
		DecidedBy []string `json:"decided_by"`
		People    []struct {
			Role string `json:"role"`
		} `json:"people"`
	}
	e.json("POST", "/v1/assess", e.viewer, map[string]any{"proposal": map[string]any{"id": "P-1", "submitted": "2026-11-01",
		"key_personnel": []map[string]string{{"person": "miao-houshan", "role": "PI"}, {"person": "zhou-ming"}}}}, 200, &pa)
	if pa.Outcome != "required_mitigation" || len(pa.People) != 2 || pa.People[0].Role != "PI" || len(pa.DecidedBy) != 1 || pa.DecidedBy[0] != "miao-houshan: collaboration-restricted" {
		t.Errorf("proposal: %+v", pa)
	}
	// Before the March 2026 update took effect, with only the case's
	// Entity List rows, nothing fires.
	e.json("POST", "/v1/assess", e.viewer, map[string]any{"person": "saeed-maleki", "as_of": "2026-01-15"}, 200, &a)
	if a.Outcome != "no_action" {
		t.Errorf("as of 2026-01-15: %+v", a)
	}
	for _, c := range []struct {
		body   string
		status int
		want   string
	}{
		{`{}`, 400, `give one of "person", "people" or "proposal"`},
		{`{"person": "x", "people": ["y"]}`, 400, `give one of`},
		{`{"person": "nobody at all"}`, 404, `field person: no person "nobody at all"`},
		{`{"people": ["miao-houshan", "nobody"]}`, 400, `field people[1]: no person "nobody"`},
		{`{"person": "miao-houshan", "as_of": "2026-13"}`, 400, `field as_of`},
		{`{"person": "miao-houshan", "window": "5 years"}`, 400, `field window`},
		{`{"person": "miao-houshan", "matrix": "../../etc/passwd"}`, 400, `field matrix: no built-in matrix`},
		{`{"proposal": {"id": "P", "key_personnel": [{"person": "miao-houshan"}, {"person": ""}]}}`, 400, `field proposal.key_personnel[1].person: missing`},
		{`{"proposal": {"id": "P", "key_personnel": [{"person": "ghost"}]}}`, 400, `field proposal.key_personnel[0].person: no person "ghost"`},
		{`{"person": "miao-houshan", "colour": 1}`, 400, `colour`},
	} {
		status, body := e.do("POST", "/v1/assess", e.viewer, strings.NewReader(c.body))
		var eb errorBody
		json.Unmarshal(body, &eb) //nolint:errcheck // checked below
		if status != c.status || eb.Status != c.status || !strings.Contains(eb.Error, c.want) {
			t.Errorf("%s: %d %s, want %d %q", c.body, status, body, c.status, c.want)
		}
	}
	var audit struct {
		Records []struct {
			Action string `json:"action"`
		} `json:"records"`
	}
	e.json("GET", "/v1/audit?limit=100", e.analyst, nil, 200, &audit)
	n := 0
	for _, r := range audit.Records {
		if r.Action == "assess" {
			n++
		}
	}
	if n != 3 {
		t.Errorf("audit records of assessments: %d, want 3", n)
	}
}
