package ingest

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"ties/internal/testdata"
	"time"

	"ties/sqlite"
)

func sharedData(tb testing.TB) string {
	tb.Helper()
	return testdata.Dir(tb)
}

func realLists(data string) []string {
	return []string{
		filepath.Join(data, "csl", "consolidated-2022-05.csv.gz"),
		filepath.Join(data, "ofac", "2021-07"),
		filepath.Join(data, "un", "UN_consolidated.xml"),
	}
}

// TestLoadRealLists loads the 2022 CSL, the 2021 SDN set and the UN list
// and checks each becomes one version in force with its real row count.
func TestLoadRealLists(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the full lists")
	}
	data := sharedData(t)
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "ties.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	results, err := Load(context.Background(), st, realLists(data), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"csl": 14160, "ofac-sdn": 8976, "un": 1003}
	if len(results) != len(want) {
		t.Fatalf("%d results, want %d", len(results), len(want))
	}
	for _, r := range results {
		if r.Version == nil || r.Version.Rows != want[r.Version.Dataset] {
			t.Errorf("%s: %+v; want %d rows", r.Path, r.Version, want[r.Version.Dataset])
		}
	}
	// Loading the same files again is skipped when asked to.
	again, err := Load(context.Background(), st, realLists(data)[2:], Options{})
	if err != nil || len(again) != 1 || !again[0].Skipped {
		t.Errorf("reload of unchanged UN list: %+v, %v; want skipped", again, err)
	}
}

// BenchmarkLoadLists measures loading the full 2022 CSL, the 2021 SDN
// set and the UN list into a fresh embedded store: time per load, and the
// peak Go heap seen while loading (sampled by a goroutine).
func BenchmarkLoadLists(b *testing.B) {
	data := sharedData(b)
	files := realLists(data)
	var peak uint64
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		dir := b.TempDir()
		st, err := sqlite.Open(filepath.Join(dir, "ties.db"))
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		stop := make(chan struct{})
		done := make(chan uint64)
		go samplePeakHeap(stop, done)
		b.StartTimer()
		if _, err := Load(context.Background(), st, files, Options{}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		close(stop)
		peak = max(peak, <-done)
		st.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
}

func samplePeakHeap(stop <-chan struct{}, done chan<- uint64) {
	var peak uint64
	var ms runtime.MemStats
	for {
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapInuse)
		select {
		case <-stop:
			done <- peak
			return
		case <-time.After(2 * time.Millisecond):
		}
	}
}

// TestLoadOFACXML: both OFAC XML files are detected and loaded into the
// same datasets as the CSV sets (ofac-sdn, ofac-cons), dated by their
// Publish_Date, and a file that breaks half-way leaves the version in
// force as it was.
func TestLoadOFACXML(t *testing.T) {
	data := sharedData(t)
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "ties.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	files := []string{
		filepath.Join(data, "formats", "sdn__sdn.xml"),
		filepath.Join(data, "formats", "treasury_consolidated__consolidated.xml"),
	}
	results, err := Load(ctx, st, files, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		dataset string
		rows    int
		date    string
	}{{"ofac-sdn", 4, "2014-07-16"}, {"ofac-cons", 23, "2014-12-17"}}
	if len(results) != 2 {
		t.Fatalf("%d results", len(results))
	}
	for i, w := range want {
		v := results[i].Version
		if results[i].Format != "ofac-xml" || v == nil || v.Dataset != w.dataset || v.Rows != w.rows || v.DataDate.String() != w.date {
			t.Errorf("%s: format %s version %+v; want %s with %d rows dated %s", files[i], results[i].Format, v, w.dataset, w.rows, w.date)
		}
	}
	// A cut copy of the SDN file fails with its line and stores nothing.
	b, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(t.TempDir(), "sdn.xml")
	if err := os.WriteFile(cut, b[:len(b)*2/3], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(ctx, st, []string{cut}, Options{}); err == nil || !strings.Contains(err.Error(), cut+":") {
		t.Fatalf("cut file: %v; want an error naming %s and its line", err, cut)
	}
	cur, ok := inForce(ctx, st, "ofac-sdn")
	if !ok || cur.ID != results[0].Version.ID {
		t.Errorf("after the failed load, ofac-sdn in force is %+v; want version %d", cur, results[0].Version.ID)
	}
}

// TestLoadEveryFormatsFile: every file in ../shared/data/formats loads,
// format detected, into its dataset with its real entity count.
func TestLoadEveryFormatsFile(t *testing.T) {
	dir := filepath.Join(sharedData(t), "formats")
	want := map[string]struct {
		format, dataset string
		rows            int
	}{
		"el__el.csv":   {"csl-legacy", "el__el", 5},
		"meu__meu.csv": {"csl-legacy", "meu__meu", 5},
		"sdn__sdn.xml": {"ofac-xml", "ofac-sdn", 4},
		"treasury_consolidated__consolidated.xml": {"ofac-xml", "ofac-cons", 23},
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "ties.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	n := 0
	for _, e := range entries {
		if e.Name() == "SOURCE.txt" {
			continue
		}
		w, ok := want[e.Name()]
		if !ok {
			t.Errorf("%s: new file in formats/, add it to the table", e.Name())
			continue
		}
		n++
		res, err := Load(context.Background(), st, []string{filepath.Join(dir, e.Name())}, Options{})
		if err != nil {
			t.Errorf("%s: %v", e.Name(), err)
			continue
		}
		if v := res[0].Version; res[0].Format != w.format || v == nil || v.Dataset != w.dataset || v.Rows != w.rows {
			t.Errorf("%s: format %s version %+v; want %s, dataset %s, %d rows", e.Name(), res[0].Format, v, w.format, w.dataset, w.rows)
		}
	}
	if n != len(want) {
		t.Errorf("loaded %d of the %d files of the table", n, len(want))
	}
}
