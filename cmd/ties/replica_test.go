package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"ties/postgres/pgtest"
	"ties/roster"
	"ties/sources"
)

// startServe runs `ties serve` as its own process (the test binary acting
// as ties) and waits until it answers /healthz.
func startServe(t testing.TB, db string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(os.Args[0], "--db", db, "serve", "--addr", addr, "--log-format", "text", "--no-ui")
	cmd.Env = append(os.Environ(), "TIES_RUN_MAIN=1")
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM) //nolint:errcheck // the process may be gone
		cmd.Wait()                          //nolint:errcheck // exit status after SIGTERM
		if t.Failed() {
			t.Logf("serve %s log:\n%s", addr, logs.String())
		}
	})
	for i := 0; i < 200; i++ {
		if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
			resp.Body.Close()
			return addr
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("serve on %s did not come up:\n%s", addr, logs.String())
	return ""
}

// screenOn screens one name on a server; a server with no list loaded
// answers 409 and gives no result.
func screenOn(t *testing.T, addr, token, name string) screenResult {
	t.Helper()
	req, _ := http.NewRequest("POST", "http://"+addr+"/v1/screen", strings.NewReader(fmt.Sprintf(`{"name":%q}`, name)))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var res screenResult
	if resp.StatusCode == http.StatusConflict {
		return res
	}
	if resp.StatusCode != 200 {
		t.Fatalf("screen on %s: status %d", addr, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		t.Fatal(err)
	}
	return res
}

// TestReplicasShareLoads runs two servers on one PostgreSQL: a list loaded
// through replica A is screened by replica B within 5 s (B hears of the
// new version through LISTEN/NOTIFY and swaps its index).
func TestReplicasShareLoads(t *testing.T) {
	data := needShared(t)
	db := pgtest.NewDatabase(t)
	mustRun(t, db, "migrate")
	lines := strings.Fields(mustRun(t, db, "token", "create", "--role", "admin", "--name", "replica-test"))
	token := lines[len(lines)-1] // the secret is the last line printed
	a, b := startServe(t, db), startServe(t, db)
	if got := screenOn(t, b, token, "ICT CAS"); len(got.Matches) != 0 {
		t.Fatalf("replica B found ICT CAS before any load: %+v", got.Matches)
	}

	body, err := os.ReadFile(filepath.Join(data, "csl", "el-cas-rows-2025.csv"))
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", "http://"+a+"/v1/lists?filename=el-cas-rows-2025.csv", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("load through replica A: status %d", resp.StatusCode)
	}
	for {
		got := screenOn(t, b, token, "ICT CAS")
		if len(got.Matches) > 0 && got.Matches[0].Name == "Chinese Academy of Sciences Institute of Computing Technology" {
			t.Logf("replica B screens the new list %s after the load began", time.Since(start).Round(time.Millisecond))
			break
		}
		if time.Since(start) > 5*time.Second {
			t.Fatalf("replica B did not find ICT CAS within 5 s of the load through A: %+v", got.Matches)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// Both replicas append to one audit chain.
	if out := mustRun(t, db, "audit", "verify"); !strings.Contains(out, "intact") {
		t.Errorf("audit verify: %q", out)
	}
}

// BenchmarkReplicasScreen50k loads the 2022 CSL, the 2021 SDN set and the
// UN list into PostgreSQL, starts two `ties serve` replicas on it, and
// screens the 50,000 yente negatives through them: batches of 1,000 names,
// alternating between the replicas, two batches in flight at a time.
func BenchmarkReplicasScreen50k(b *testing.B) {
	data := sharedDataDir()
	if data == "" {
		b.Skip("../shared/data is not here")
	}
	db := pgtest.NewDatabase(b)
	loadStart := time.Now()
	if out, code := execTiesB(b, "--db", db, "load", filepath.Join(data, "csl", "consolidated-2022-05.csv.gz"),
		filepath.Join(data, "ofac", "2021-07"), filepath.Join(data, "un", "UN_consolidated.xml")); code != 0 {
		b.Fatalf("load: %s", out)
	}
	loadTook := time.Since(loadStart)
	out, _ := execTiesB(b, "--db", db, "token", "create", "--role", "admin", "--name", "bench")
	fields := strings.Fields(out)
	token := fields[len(fields)-1]
	r, err := roster.Read(filepath.Join(data, "name-matching", "yente", "negatives_us.csv"), roster.Columns{Name: "full_name"}, sources.CountryCode)
	if err != nil {
		b.Fatal(err)
	}
	names := make([]string, len(r.Rows))
	for i, r := range r.Rows {
		names[i] = r.Name
	}
	replicas := []string{startServe(b, db), startServe(b, db)}
	const batch = 1000
	for b.Loop() {
		sem := make(chan struct{}, 2)
		errs := make(chan error, len(names)/batch+1)
		for i := 0; i < len(names); i += batch {
			chunk := names[i:min(i+batch, len(names))]
			addr := replicas[(i/batch)%2]
			sem <- struct{}{}
			go func() {
				defer func() { <-sem }()
				body, _ := json.Marshal(map[string]any{"names": chunk})
				req, _ := http.NewRequest("POST", "http://"+addr+"/v1/screen", bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "application/json")
				resp, err := http.DefaultClient.Do(req)
				if err == nil {
					n := 0
					dec := json.NewDecoder(resp.Body)
					for dec.More() {
						var r screenResult
						if err = dec.Decode(&r); err != nil {
							break
						}
						n++
					}
					resp.Body.Close()
					if err == nil && n != len(chunk) {
						err = fmt.Errorf("%d results for %d names", n, len(chunk))
					}
				}
				errs <- err
			}()
		}
		for range cap(sem) {
			sem <- struct{}{}
		}
		close(errs)
		for err := range errs {
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(len(names)), "names")
	b.ReportMetric(loadTook.Seconds(), "load-s")
}
