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
)

// startServe runs `ties serve` as its own process (the test binary acting
// as ties) and waits until it answers /healthz.
func startServe(t *testing.T, db string) string {
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
