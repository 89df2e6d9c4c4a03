package http

import (
	"bytes"
	"errors"
	"net/http"
	"testing"
)

// FuzzDecodeScreenRequest: any body yields a request or an *apiError with
// a 4xx status, never a panic; accepted requests are within the limits.
func FuzzDecodeScreenRequest(f *testing.F) {
	for _, s := range []string{
		`{"name": "ICT CAS"}`, `{"names": ["a", "b"], "limit": 3, "threshold": 0.9}`,
		`{"name": "x", "kind": "person", "lists": ["EL"], "countries": ["CN"]}`,
		`{"name": ""}`, `{"names": []}`, `{"name": "x", "extra": 1}`, `{"name": "x"} trailing`,
		`{"name": 1}`, `[]`, ``, `{"names": ["", "x"]}`, `{"name": "x", "limit": -1}`,
		`{"name":"\ud800"}`, `{"name": "x", "threshold": 1e400}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		req, q, err := decodeScreenRequest(bytes.NewReader(body), 10)
		if err != nil {
			var ae *apiError
			if !errors.As(err, &ae) || ae.Status < 400 || ae.Status >= 500 || ae.Msg == "" {
				t.Fatalf("error %T %v is not a 4xx apiError", err, err)
			}
			return
		}
		if (req.Name == nil) == (req.Names == nil) || len(req.Names) > 10 {
			t.Fatalf("accepted %+v", req)
		}
		if q.Threshold < 0 || q.Threshold > 1 || q.Limit < 1 || q.Limit > maxLimit {
			t.Fatalf("query out of range: %+v", q)
		}
	})
}

func FuzzDecodeDecision(f *testing.F) {
	for _, s := range []string{`{"decision":"true_match"}`, `{"decision":"cleared","note":"ok"}`, `{"decision":"maybe"}`, `{}`, `{"decision":"cleared","x":1}`, `nul`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		req, err := decodeDecision(body)
		if err != nil {
			var ae *apiError
			if !errors.As(err, &ae) || ae.Status != http.StatusBadRequest {
				t.Fatalf("error %T %v is not a 400 apiError", err, err)
			}
			return
		}
		if req.Decision == "" || len(req.Note) > 4000 {
			t.Fatalf("accepted %+v", req)
		}
	})
}
