// Package testdata finds the real public data that tests read: the shared
// data folder beside the repository (../shared/data), which CI provides.
// The project never copies those files; a test that needs them skips when
// they are not there, except under CI=true, where it fails.
package testdata

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Root is the shared data folder, or "" when it is not there.
func Root() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return ""
	}
	dir := filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "data")
	if _, err := os.Stat(dir); err != nil {
		return ""
	}
	return dir
}

// Dir is a path inside the shared data folder; the test skips when that
// path does not exist, and fails when CI=true (CI provides the data, so a
// missing file there is an error, not a reason to test less).
func Dir(tb testing.TB, parts ...string) string {
	tb.Helper()
	missing := tb.Skipf
	if os.Getenv("CI") == "true" {
		missing = tb.Fatalf
	}
	root := Root()
	if root == "" {
		missing("../shared/data is not here")
	}
	p := filepath.Join(append([]string{root}, parts...)...)
	if _, err := os.Stat(p); err != nil {
		missing("shared data missing: %v", err)
	}
	return p
}
