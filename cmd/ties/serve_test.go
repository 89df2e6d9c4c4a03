package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ties"
	"ties/match"
	"ties/sqlite"
)

func TestTokenCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ties.db")
	if _, err := runTies(t, db, "token", "create", "--role", "root"); err == nil || !strings.Contains(err.Error(), "unknown role") {
		t.Fatalf("create --role root: %v", err)
	}
	out := mustRun(t, db, "token", "create", "--role", "analyst", "--name", "reviewer")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	secret := lines[len(lines)-1]
	if !strings.HasPrefix(secret, ties.TokenPrefix) || len(secret) < 40 {
		t.Fatalf("token create printed %q", out)
	}
	st, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	tok, ok, err := st.TokenByHash(context.Background(), ties.HashTokenSecret(secret))
	st.Close()
	if err != nil || !ok || tok.Role != ties.RoleAnalyst || tok.Name != "reviewer" {
		t.Fatalf("stored token = %+v, %v, %v", tok, ok, err)
	}
	if out := mustRun(t, db, "token", "list"); !strings.Contains(out, "reviewer") || strings.Contains(out, secret) {
		t.Errorf("token list = %q", out)
	}
	mustRun(t, db, "token", "revoke", fmt.Sprint(tok.ID))
	var list []ties.Token
	if err := json.Unmarshal([]byte(mustRun(t, db, "token", "list", "--json")), &list); err != nil || len(list) != 1 || !list[0].Revoked() {
		t.Errorf("token list --json = %+v, %v", list, err)
	}
	if _, err := runTies(t, db, "token", "revoke", "99"); err == nil {
		t.Error("revoking an unknown token succeeded")
	}
}

func TestAuditVerifyAndExport(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ties.db")
	st, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	a := newScreenAudit(context.Background(), st, []ties.ListVersion{{ID: 3}, {ID: 7}})
	for i := range 5 {
		ms := []match.Match{{EntityID: fmt.Sprintf("csl:%d", i), Name: "N", Score: 0.9}}
		if err := a.add(fmt.Sprintf("name %d", i), ms); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.flush(); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if out := mustRun(t, db, "audit", "verify"); !strings.Contains(out, "5 records") {
		t.Errorf("verify = %q", out)
	}
	exported := filepath.Join(t.TempDir(), "audit.jsonl")
	mustRun(t, db, "audit", "export", "--out", exported)
	b, err := os.ReadFile(exported)
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSpace(b), []byte("\n"))
	if len(lines) != 5 {
		t.Fatalf("export has %d lines", len(lines))
	}
	var r ties.AuditRecord
	if err := json.Unmarshal(lines[1], &r); err != nil || r.Seq != 2 || r.Query != "name 1" || !strings.HasPrefix(r.Actor, "cli:") ||
		fmt.Sprint(r.Versions) != "[3 7]" || !strings.Contains(string(r.Results), "csl:1") || r.Hash != r.ComputeHash() {
		t.Errorf("exported record 2 = %+v, %v", r, err)
	}
	raw, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE audit SET query = 'someone else' WHERE seq = 2`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	out, code := execTies(t, "--db", db, "audit", "verify")
	if code != 1 || !strings.Contains(out, "record 2") {
		t.Errorf("verify after tampering: exit %d, %q", code, out)
	}
}

func TestServeRefusesDemoOffLoopback(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ties.db")
	_, err := runTies(t, db, "serve", "--demo", "--addr", "0.0.0.0:0")
	if err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Fatalf("serve --demo on 0.0.0.0: %v", err)
	}
}

func TestServeDemoEndToEnd(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ties.db")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		cmd := newRootCmd()
		var out bytes.Buffer
		cmd.SetOut(&out)
		cmd.SetErr(&out)
		cmd.SetArgs([]string{"--db", db, "serve", "--demo", "--addr", addr, "--log-format", "text"})
		done <- cmd.ExecuteContext(ctx)
	}()
	var resp *http.Response
	for i := 0; i < 100; i++ {
		resp, err = http.Post("http://"+addr+"/v1/screen", "application/json", strings.NewReader(`{"name":"ICT CAS"}`))
		if err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	var res screenResult
	err = json.NewDecoder(resp.Body).Decode(&res)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 || len(res.Matches) == 0 {
		t.Fatalf("demo screen: %d %+v %v", resp.StatusCode, res, err)
	}
	page, err := http.Get("http://" + addr + "/")
	if err != nil || page.StatusCode != 200 || !strings.HasPrefix(page.Header.Get("Content-Type"), "text/html") {
		t.Errorf("UI: %v %v", page, err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop after cancel")
	}
	if out := mustRun(t, db, "audit", "verify"); !strings.Contains(out, "intact") {
		t.Errorf("verify after serving: %q", out)
	}
}
