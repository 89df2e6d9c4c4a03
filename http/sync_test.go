package http

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestSyncStatusOnHealthAndMetrics: a server running background syncs
// shows the last run on /healthz and its numbers on /metrics.
func TestSyncStatusOnHealthAndMetrics(t *testing.T) {
	last := map[string]any{"runs": 3, "failed": 1, "last": map[string]any{"ok": false, "error": "csl: 500 Internal Server Error"}}
	e := newEnv(t, Options{
		SyncStatus: func() any { return last },
		SyncGauges: func() map[string]float64 {
			return map[string]float64{"ties_sync_runs_total": 3, "ties_sync_last_ok": 0}
		},
		SyncGaugeNames: []string{"ties_sync_runs_total", "ties_sync_last_ok"},
	})
	status, body := e.do("GET", "/healthz", "", nil)
	if status != 200 {
		t.Fatalf("/healthz: %d", status)
	}
	var health struct {
		Sync struct {
			Runs int `json:"runs"`
			Last struct {
				OK    bool   `json:"ok"`
				Error string `json:"error"`
			} `json:"last"`
		} `json:"sync"`
	}
	if err := json.Unmarshal(body, &health); err != nil {
		t.Fatal(err)
	}
	if health.Sync.Runs != 3 || health.Sync.Last.OK || !strings.Contains(health.Sync.Last.Error, "500") {
		t.Errorf("/healthz sync: %+v (%s)", health.Sync, body)
	}
	status, body = e.do("GET", "/metrics", e.viewer, nil)
	if status != 200 {
		t.Fatalf("/metrics: %d", status)
	}
	for _, want := range []string{"ties_sync_runs_total 3", "ties_sync_last_ok 0", "# TYPE ties_sync_runs_total counter"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}
