package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExportImportRoundTrip: export a store, import it into a new one,
// export again: the two files are the same. (The sqlite ↔ postgres round
// trip is tested in package transfer, where a PostgreSQL is started.)
func TestExportImportRoundTrip(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "a.db")
	mustRun(t, db, "load", filepath.Join("..", "..", "examples", "microsoft-cas.ties"))
	mustRun(t, db, "token", "create", "--role", "viewer", "--name", "ci")
	first := filepath.Join(dir, "first.jsonl")
	mustRun(t, db, "export", first)

	db2 := filepath.Join(dir, "b.db")
	out := mustRun(t, db2, "import", first)
	if !strings.Contains(out, "imported ") || !strings.Contains(out, "1 tokens") {
		t.Errorf("import said %q", out)
	}
	second := filepath.Join(dir, "second.jsonl")
	mustRun(t, db2, "export", second)
	a, _ := os.ReadFile(first)
	b, _ := os.ReadFile(second)
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Fatalf("export of the imported store differs (%d and %d bytes)", len(a), len(b))
	}
	if out, err := runTies(t, db2, "import", first); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("import into a filled store: %v\n%s", err, out)
	}
	// A truncated file is refused before anything is written.
	cut := filepath.Join(dir, "cut.jsonl")
	os.WriteFile(cut, a[:bytes.LastIndexByte(a[:len(a)-1], '\n')+1], 0o644)
	db3 := filepath.Join(dir, "c.db")
	if _, err := runTies(t, db3, "import", cut); err == nil || !strings.Contains(err.Error(), "cut.jsonl:") {
		t.Errorf("import of a truncated file: %v", err)
	}
	if out := mustRun(t, db3, "export"); strings.Count(out, "\n") != 2 {
		t.Errorf("the refused import wrote something:\n%s", out)
	}
}

func TestMigrate(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ties.db")
	out := mustRun(t, db, "migrate")
	if !strings.HasPrefix(out, "schema version ") || !strings.Contains(out, db) {
		t.Errorf("migrate said %q", out)
	}
}
