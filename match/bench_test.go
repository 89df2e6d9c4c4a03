package match_test

import (
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"ties/internal/testdata"
	"time"

	"ties"
	"ties/eval"
	"ties/match"
)

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func sharedData(b testing.TB) string {
	b.Helper()
	return testdata.Dir(b)
}

var (
	benchOnce  sync.Once
	benchIndex *match.Index
	benchNames []string
)

// fullIndex builds the index of CSL 2022 + OFAC SDN 2021 + UN once.
func fullIndex(b testing.TB) (*match.Index, []string) {
	dir := sharedData(b)
	benchOnce.Do(func() {
		entries, err := eval.LoadLists(dir)
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		benchIndex = match.Build(entries)
		b.Logf("built index of %d entities in %v", benchIndex.Len(), time.Since(start))
		benchNames, err = eval.ReadNames(filepath.Join(dir, "name-matching", "yente", "negatives_us.csv"))
		if err != nil {
			b.Fatal(err)
		}
		pos, err := eval.ReadNames(filepath.Join(dir, "name-matching", "yente", "positives_un_treated.csv"))
		if err != nil {
			b.Fatal(err)
		}
		// mix in list names so the benchmark also scores real hits
		for i, p := range pos {
			benchNames[i*50] = p
		}
	})
	if benchIndex == nil {
		b.Fatal("index not built")
	}
	return benchIndex, benchNames
}

// BenchmarkSearch times single in-process queries against the full index
// and reports the median and 99th-percentile latency.
func BenchmarkSearch(b *testing.B) {
	ix, qs := fullIndex(b)
	lat := make([]time.Duration, 0, b.N)
	cpu0 := cpuTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		ix.Search(match.Query{Text: qs[i%len(qs)]})
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	// Process CPU time per query: unlike wall time, it does not count the
	// time other processes on a shared machine take.
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}

// BenchmarkBatchNegatives screens all 50,000 negatives in parallel over
// GOMAXPROCS workers; one op is the whole batch.
func BenchmarkBatchNegatives(b *testing.B) {
	ix, qs := fullIndex(b)
	cpu0 := cpuTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var next atomic.Int64
		var hits atomic.Int64
		var wg sync.WaitGroup
		for w := 0; w < runtime.GOMAXPROCS(0); w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					j := int(next.Add(1)) - 1
					if j >= len(qs) {
						return
					}
					if len(ix.Search(match.Query{Text: qs[j], Kind: ties.KindPerson, Limit: 1})) > 0 {
						hits.Add(1)
					}
				}
			}()
		}
		wg.Wait()
		b.ReportMetric(float64(hits.Load()), "hits")
	}
	b.ReportMetric(float64(len(qs)), "names")
	b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
}
