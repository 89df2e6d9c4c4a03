package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestVersion(t *testing.T) {
	db := t.TempDir() + "/ties.db"
	out := mustRun(t, db, "version")
	if !strings.HasPrefix(out, "ties ") || !strings.Contains(out, " go1.") || strings.Count(out, "\n") != 1 {
		t.Errorf("ties version: %q", out)
	}
	if flag := mustRun(t, db, "--version"); flag != out {
		t.Errorf("ties --version %q differs from ties version %q", flag, out)
	}
	var b buildInfo
	if err := json.Unmarshal([]byte(mustRun(t, db, "version", "--json")), &b); err != nil || b.Version == "" || !strings.HasPrefix(b.Go, "go1.") {
		t.Errorf("version --json: %+v %v", b, err)
	}
	commit = "0123456789abcdef0123"
	defer func() { commit = "" }()
	if s := readBuildInfo(); s.Commit == "" || !strings.Contains(s.String(), " commit 0123456789ab") && !strings.Contains(s.String(), " commit ") {
		t.Errorf("a commit set at link time is not reported: %s", s)
	}
	b = buildInfo{Version: "v1.2.0", Commit: "0123456789abcdef", Modified: true, Time: "2026-12-03T08:00:00Z", Go: "go1.26.0"}
	if got := b.String(); got != "ties v1.2.0 commit 0123456789ab (modified) 2026-12-03T08:00:00Z go1.26.0" {
		t.Errorf("String: %q", got)
	}
}
