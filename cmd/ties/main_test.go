package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"ties/internal/testdata"
	"ties/postgres/pgtest"
)

// TestMain lets the tests run the real binary: with TIES_RUN_MAIN=1 the
// test executable behaves as `ties` itself (exit codes included). The
// PostgreSQL tests share one throwaway cluster, stopped at the end.
func TestMain(m *testing.M) {
	if os.Getenv("TIES_RUN_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(pgtest.Main(m))
}

// runTies runs the CLI in-process and returns what it printed.
func runTies(t *testing.T, db string, args ...string) (string, error) {
	t.Helper()
	cmd := newRootCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(append([]string{"--db", db}, args...))
	err := cmd.Execute()
	return out.String(), err
}

func mustRun(t *testing.T, db string, args ...string) string {
	t.Helper()
	out, err := runTies(t, db, args...)
	if err != nil {
		t.Fatalf("ties %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// execTies runs the test binary as the ties command in a child process.
func execTies(t *testing.T, args ...string) (string, int) {
	t.Helper()
	return execTiesB(t, args...)
}

func execTiesB(t testing.TB, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "TIES_RUN_MAIN=1")
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		return string(out), ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return string(out), 0
}

func sharedDataDir() string {
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "data")
	if _, err := os.Stat(dir); err != nil {
		return ""
	}
	return dir
}

// needShared is ../shared/data; the test skips without it, or fails under
// CI=true (internal/testdata).
func needShared(t *testing.T) string {
	t.Helper()
	return testdata.Dir(t)
}

func decodeScreen(t *testing.T, out string) []screenResult {
	t.Helper()
	var rs []screenResult
	dec := json.NewDecoder(strings.NewReader(out))
	for dec.More() {
		var r screenResult
		if err := dec.Decode(&r); err != nil {
			t.Fatalf("decode screen output: %v\n%s", err, out)
		}
		rs = append(rs, r)
	}
	return rs
}
