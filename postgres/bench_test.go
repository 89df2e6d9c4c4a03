package postgres

import (
	"path/filepath"
	"testing"

	"ties/ingest"
	"ties/postgres/pgtest"
	"ties/sqlite"
)

func realLists(tb testing.TB) []string {
	data := sharedData(tb)
	return []string{
		filepath.Join(data, "csl", "consolidated-2022-05.csv.gz"),
		filepath.Join(data, "ofac", "2021-07"),
		filepath.Join(data, "un", "UN_consolidated.xml"),
	}
}

// BenchmarkLoadListsPostgres loads the full 2022 CSL, the 2021 SDN set and
// the UN list into a fresh PostgreSQL database per iteration (the same
// work as ingest's BenchmarkLoadLists on the embedded store), then reads
// every entry in force back, as a replica does to build its index.
//
//	go test -run '^$' -bench 'LoadLists' -benchtime 3x ./postgres/
func BenchmarkLoadListsPostgres(b *testing.B) {
	files := realLists(b)
	for b.Loop() {
		b.StopTimer()
		st, err := Open(ctx, pgtest.NewDatabase(b))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := ingest.Load(ctx, st, files, ingest.Options{}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		st.Close()
		b.StartTimer()
	}
}

// BenchmarkLoadListsSQLite is the same load into the embedded store, for
// comparison on the same machine in the same run.
func BenchmarkLoadListsSQLite(b *testing.B) {
	files := realLists(b)
	for b.Loop() {
		b.StopTimer()
		st, err := sqlite.Open(filepath.Join(b.TempDir(), "ties.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := ingest.Load(ctx, st, files, ingest.Options{}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		st.Close()
		b.StartTimer()
	}
}

// BenchmarkInForceEntries reads every entry in force (the three lists,
// 24k entries) back: what each replica does after a NOTIFY.
func BenchmarkInForceEntries(b *testing.B) {
	files := realLists(b)
	st, err := Open(ctx, pgtest.NewDatabase(b))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if _, err := ingest.Load(ctx, st, files, ingest.Options{}); err != nil {
		b.Fatal(err)
	}
	n := 0
	for b.Loop() {
		n = 0
		for _, err := range st.InForceEntries(ctx) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
	}
	b.ReportMetric(float64(n), "entries")
}

// BenchmarkInForceEntriesSQLite is the same read from the embedded store.
func BenchmarkInForceEntriesSQLite(b *testing.B) {
	files := realLists(b)
	st, err := sqlite.Open(filepath.Join(b.TempDir(), "ties.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if _, err := ingest.Load(ctx, st, files, ingest.Options{}); err != nil {
		b.Fatal(err)
	}
	n := 0
	for b.Loop() {
		n = 0
		for _, err := range st.InForceEntries(ctx) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
	}
	b.ReportMetric(float64(n), "entries")
}
