package eval

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"ties"
	"ties/internal/testdata"
	"ties/match"
	"ties/sources"
	"time"
)

// dataDir finds ../shared/data next to the repository root.
func dataDir(t testing.TB) string {
	t.Helper()
	return testdata.Dir(t)
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
	if rep.TP+rep.FP+rep.TN+rep.FN != rep.Cases || len(rep.Sweep) == 0 {
		t.Errorf("confusion counts do not add up: %+v", rep)
	}
	// Floor a little below what the matcher reaches (F1 0.856), so that
	// regressions fail.
	if rep.F1 < 0.84 {
		t.Errorf("F1 %.3f fell below 0.84", rep.F1)
	}
}

var (
	indexOnce sync.Once
	index     *match.Index
	unIndex   *match.Index
	indexErr  error
)

// fullIndex indexes CSL 2022, OFAC SDN 2021 and UN; unOnly the UN list.
func fullIndex(t *testing.T) (full, unOnly *match.Index) {
	dir := dataDir(t)
	indexOnce.Do(func() {
		start := time.Now()
		var entries []ties.Entry
		entries, indexErr = LoadLists(dir)
		if indexErr == nil {
			index = match.Build(entries)
			t.Logf("indexed %d entities in %v", index.Len(), time.Since(start))
			var un []ties.Entry
			for _, e := range entries {
				if e.Dataset == "un" {
					un = append(un, e)
				}
			}
			unIndex = match.Build(un)
		}
	})
	if indexErr != nil {
		t.Fatal(indexErr)
	}
	return index, unIndex
}

func TestRecallUN(t *testing.T) {
	dir := filepath.Join(dataDir(t), "name-matching", "yente")
	_, ix := fullIndex(t)
	rep, err := Recall(ix, filepath.Join(dir, "positives_un_treated.csv"), filepath.Join(dir, "positives_un_untreated.csv"))
	if err != nil {
		t.Fatal(err)
	}
	t.Log(rep.String())
	if rep.Cases < 600 {
		t.Errorf("only %d positives resolved to a UN entity", rep.Cases)
	}
	if rep.Rate < 0.97 { // reached: 0.993
		t.Errorf("recall@1 %.3f fell below 0.97", rep.Rate)
	}
}

func TestFalsePositives(t *testing.T) {
	if testing.Short() {
		t.Skip("50,000 searches")
	}
	path := filepath.Join(dataDir(t), "name-matching", "yente", "negatives_us.csv")
	ix, _ := fullIndex(t)
	rep, elapsed, err := FalsePositives(ix, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s  batch of %d in %v", rep.String(), rep.Cases, elapsed)
	if rep.Cases != 50000 {
		t.Errorf("cases = %d", rep.Cases)
	}
	if rep.Rate > 0.005 { // reached: 0.0039
		t.Errorf("false-positive rate %.4f above 0.005", rep.Rate)
	}
}

func TestBadInput(t *testing.T) {
	_, err := NameBench(filepath.Join("testdata", "bad_bench.csv"))
	if err == nil || !strings.Contains(err.Error(), "bad_bench.csv:3") || !strings.Contains(err.Error(), "is_match") {
		t.Errorf("bad is_match: err = %v, want file, line 3 and field", err)
	}
	var se *sources.Error
	if !errors.As(err, &se) || se.Line != 3 || se.Field != "is_match" {
		t.Errorf("bad is_match: err = %#v, want a *sources.Error at line 3, field is_match", err)
	}
	if _, err := NameBench(filepath.Join("testdata", "missing.csv")); err == nil {
		t.Error("missing file: no error")
	}
	if _, err := ReadNames(filepath.Join("testdata", "bad_names.csv")); err == nil || !strings.Contains(err.Error(), "bad_names.csv") {
		t.Errorf("broken CSV: err = %v, want the file named", err)
	}
	if _, err := LoadLists(t.TempDir()); err == nil {
		t.Error("LoadLists on an empty folder: no error")
	}
}
