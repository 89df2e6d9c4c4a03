package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestCLIRefusesBadText: an argument that is not UTF-8 stops the command
// with exit status 2 before anything is opened or written.
func TestCLIRefusesBadText(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ties.db")
	out, code := execTies(t, "--db", db, "token", "create", "--role", "viewer", "--name", "bad\xffname")
	if code != 2 || !strings.Contains(out, "not valid UTF-8") {
		t.Errorf("token create with bad UTF-8: exit %d: %s", code, out)
	}
}
