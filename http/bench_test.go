package http

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"ties"
	"ties/examples"
	"ties/ingest"
	"ties/match"
	"ties/postgres/pgtest"
	"ties/sqlite"
)

// benchState is one store and server shared by every round of the
// benchmark: loading the real lists takes far longer than a round.
var benchState struct {
	once   sync.Once
	dir    string
	err    error
	srv    *Server
	hs     *httptest.Server
	token  string
	names  []string
	lists  string
	closer func()
}

func TestMain(m *testing.M) {
	code := pgtest.Main(m) // the PostgreSQL tests share one throwaway cluster
	if benchState.closer != nil {
		benchState.closer()
	}
	if benchState.dir != "" {
		os.RemoveAll(benchState.dir)
	}
	os.Exit(code)
}

// sharedData is ../shared/data beside the repository root, or "".
func sharedData() string {
	dir, _ := os.Getwd()
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			d := filepath.Join(dir, "..", "shared", "data")
			if _, err := os.Stat(d); err == nil {
				return d
			}
			return ""
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

func setupBench() error {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "ties-bench-")
	if err != nil {
		return err
	}
	benchState.dir = dir
	st, err := sqlite.Open(filepath.Join(dir, "ties.db"))
	if err != nil {
		return err
	}
	var paths []string
	if data := sharedData(); data != "" {
		paths = []string{
			filepath.Join(data, "csl", "consolidated-2022-05.csv.gz"),
			filepath.Join(data, "ofac", "2021-07"),
			filepath.Join(data, "un", "UN_consolidated.xml"),
		}
		benchState.lists = "CSL 2022-05 + OFAC SDN 2021-07 + UN"
	} else {
		p := filepath.Join(dir, examples.MicrosoftCASName)
		if err := os.WriteFile(p, examples.MicrosoftCAS, 0o644); err != nil {
			return err
		}
		paths = []string{p, "../cmd/ties/testdata/fixture-list.csv"}
		benchState.lists = "fixture (reference case + fixture list)"
	}
	if _, err := ingest.Load(ctx, st, paths, ingest.Options{}); err != nil {
		return err
	}
	secret, hash, err := ties.NewTokenSecret()
	if err != nil {
		return err
	}
	if _, err := st.CreateToken(ctx, "bench", ties.RoleViewer, hash); err != nil {
		return err
	}
	srv, err := New(ctx, Options{Store: st})
	if err != nil {
		return err
	}
	benchState.srv, benchState.token = srv, secret
	benchState.hs = httptest.NewServer(srv.Handler())
	benchState.closer = func() { benchState.hs.Close(); srv.Close(); st.Close() }
	// Queries: listed names as written (hits), listed names with a typo
	// (near hits), and made-up names (the usual case: no match).
	snap := srv.snap.Load()
	var listed []string
	for _, e := range snap.entries {
		if n := e.Entity.PrimaryName(); n != "" {
			listed = append(listed, n)
		}
	}
	slices.Sort(listed)
	rng := rand.New(rand.NewPCG(1, 2))
	first := []string{"John", "Maria", "Wei", "Ahmed", "Olga", "Carlos", "Yuki", "Fatima", "Peter", "Ana"}
	last := []string{"Smith", "Garcia", "Zhang", "Hassan", "Ivanova", "Silva", "Tanaka", "Khan", "Muller", "Rossi"}
	orgs := []string{"Trading", "Logistics", "Technologies", "Shipping", "Holdings", "Engineering"}
	for i := range 2000 {
		switch i % 4 {
		case 0:
			benchState.names = append(benchState.names, listed[rng.IntN(len(listed))])
		case 1:
			n := []rune(listed[rng.IntN(len(listed))])
			if len(n) > 4 {
				j := 1 + rng.IntN(len(n)-2)
				n[j], n[j+1] = n[j+1], n[j]
			}
			benchState.names = append(benchState.names, string(n))
		case 2:
			benchState.names = append(benchState.names, first[rng.IntN(len(first))]+" "+last[rng.IntN(len(last))])
		default:
			benchState.names = append(benchState.names, last[rng.IntN(len(last))]+" "+orgs[rng.IntN(len(orgs))]+" Co Ltd")
		}
	}
	return nil
}

// BenchmarkServeScreen drives POST /v1/screen over loopback with parallel
// clients (8 per core) against the real 2022 CSL + SDN + UN lists when
// ../shared/data is here, each request one name, authenticated and
// audited as in production. It reports screenings a second and the p50 and
// p99 latency seen by the clients.
//
//	go test ./http -run '^$' -bench ServeScreen -benchtime 20000x
func BenchmarkServeScreen(b *testing.B) {
	benchState.once.Do(func() { benchState.err = setupBench() })
	if benchState.err != nil {
		b.Fatal(benchState.err)
	}
	url := benchState.hs.URL + "/v1/screen"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 256}}
	bodies := make([][]byte, len(benchState.names))
	for i, n := range benchState.names {
		bodies[i], _ = json.Marshal(map[string]string{"name": n})
	}
	var mu sync.Mutex
	var all []time.Duration
	var next sync.Mutex
	counter := 0
	b.SetParallelism(8)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		lat := make([]time.Duration, 0, 1024)
		for pb.Next() {
			next.Lock()
			body := bodies[counter%len(bodies)]
			counter++
			next.Unlock()
			req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+benchState.token)
			req.Header.Set("Content-Type", "application/json")
			t0 := time.Now()
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, err = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			lat = append(lat, time.Since(t0))
			if err != nil || resp.StatusCode != 200 {
				b.Errorf("status %d, %v", resp.StatusCode, err)
				return
			}
		}
		mu.Lock()
		all = append(all, lat...)
		mu.Unlock()
	})
	elapsed := time.Since(start)
	b.StopTimer()
	if len(all) == 0 {
		return
	}
	slices.Sort(all)
	pct := func(p float64) float64 {
		return float64(all[min(len(all)-1, int(p*float64(len(all))))].Microseconds()) / 1000
	}
	b.ReportMetric(float64(len(all))/elapsed.Seconds(), "screenings/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(0, "ns/op")
	if testing.Verbose() {
		fmt.Fprintf(os.Stderr, "lists: %s; %d index entities; GOMAXPROCS %d; %d requests\n",
			benchState.lists, benchState.srv.snap.Load().index.Len(), runtime.GOMAXPROCS(0), len(all))
	}
}

// BenchmarkScreenInProcess is the same query mix on the same index without
// HTTP, tokens or audit: the floor the server's overhead adds to.
func BenchmarkScreenInProcess(b *testing.B) {
	benchState.once.Do(func() { benchState.err = setupBench() })
	if benchState.err != nil {
		b.Fatal(benchState.err)
	}
	snap := benchState.srv.snap.Load()
	var next sync.Mutex
	counter := 0
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			next.Lock()
			name := benchState.names[counter%len(benchState.names)]
			counter++
			next.Unlock()
			q := matchQuery(name)
			snap.index.Search(q)
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "screenings/s")
}

func matchQuery(name string) match.Query {
	return match.Query{Text: name, Threshold: match.DefaultThreshold, Limit: 10}
}

// BenchmarkTokenLookup is the per-request cost of checking the token in
// the store (what makes revocation immediate).
func BenchmarkTokenLookup(b *testing.B) {
	st, err := sqlite.Open(filepath.Join(b.TempDir(), "ties.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	var secret string
	for i := range 100 {
		s, hash, _ := ties.NewTokenSecret()
		if _, err := st.CreateToken(ctx, fmt.Sprint("t", i), ties.RoleViewer, hash); err != nil {
			b.Fatal(err)
		}
		secret = s
	}
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, ok, err := st.TokenByHash(ctx, ties.HashTokenSecret(secret)); !ok || err != nil {
				b.Fatal(ok, err)
			}
		}
	})
}
