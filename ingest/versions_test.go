package ingest

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"ties/sqlite"
)

// Loading content identical to the version in force stores nothing and
// says so; --merge of rows already merged too; a merged version names
// every file it came from; Reload stores anyway.
func TestIdenticalContentMakesNoVersion(t *testing.T) {
	data := sharedData(t)
	ctx := context.Background()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "ties.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	un := filepath.Join(data, "un", "UN_consolidated.xml")
	csl := filepath.Join(data, "csl", "consolidated-sample-2025-06.csv")
	el := filepath.Join(data, "csl", "el-cas-rows-2025.csv")
	versions := func() int {
		vs, err := st.Versions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return len(vs)
	}
	for i, step := range []struct {
		paths   []string
		opt     Options
		skipped bool
		total   int
	}{
		{[]string{un}, Options{}, false, 1},
		{[]string{un}, Options{}, true, 1}, // the same file again
		{[]string{csl}, Options{}, false, 2},
		{[]string{el}, Options{Merge: true}, false, 3},
		{[]string{el}, Options{Merge: true}, true, 3}, // the same rows merged again
		{[]string{un}, Options{Reload: true}, false, 4},
	} {
		res, err := Load(ctx, st, step.paths, step.opt)
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if len(res) != 1 || res[0].Skipped != step.skipped || res[0].Version == nil {
			t.Fatalf("step %d: %+v, want skipped=%v", i, res, step.skipped)
		}
		if n := versions(); n != step.total {
			t.Errorf("step %d: %d versions, want %d", i, n, step.total)
		}
		if i == 3 {
			o := res[0].Version.Origin
			if !strings.Contains(o, "consolidated-sample-2025-06.csv") || !strings.Contains(o, "el-cas-rows-2025.csv") ||
				strings.Index(o, "consolidated-sample") > strings.Index(o, "el-cas-rows") {
				t.Errorf("merged version's origin %q does not name both files in order", o)
			}
		}
	}
}
