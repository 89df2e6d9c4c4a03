package eval

import (
	"os"
	"path/filepath"
	"testing"
)

// dataDir finds ../shared/data next to the repository root.
func dataDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("repository root not found")
		}
		dir = parent
	}
	d := filepath.Join(dir, "..", "shared", "data")
	if _, err := os.Stat(d); err != nil {
		t.Skipf("no shared data: %v", err)
	}
	return d
}

func TestNameBench(t *testing.T) {
	path := filepath.Join(dataDir(t), "name-matching", "nomenklatura", "name_bench_cases.csv")
	if _, err := os.Stat(path); err != nil {
		t.Skip(err)
	}
	rep, err := NameBench(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(rep.String())
	if rep.Cases != 826 {
		t.Errorf("cases = %d, want 826", rep.Cases)
	}
}
