package storetest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"ties"
)

// AuthAuditStore is a store that keeps tokens and the audit trail.
type AuthAuditStore interface {
	ties.TokenStore
	ties.AuditStore
	Close() error
}

// RunAuthAudit runs the token and audit suite. open must return a new,
// empty store for each call; RunAuthAudit closes it.
func RunAuthAudit(t *testing.T, open func(t *testing.T) AuthAuditStore) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s AuthAuditStore)
	}{
		{"TokensCreateLookupRevoke", testTokens},
		{"AuditAppendAndRead", testAuditAppend},
		{"AuditConcurrentAppends", testAuditConcurrent},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			tc.fn(t, s)
		})
	}
}

func testTokens(t *testing.T, s AuthAuditStore) {
	secret, hash, err := ties.NewTokenSecret()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(hash, ties.HashTokenSecret(secret)) {
		t.Fatal("NewTokenSecret hash differs from HashTokenSecret")
	}
	before := time.Now().Add(-time.Second)
	tok, err := s.CreateToken(ctx, "ci", ties.RoleAnalyst, hash)
	if err != nil {
		t.Fatal(err)
	}
	if tok.ID == 0 || tok.Name != "ci" || tok.Role != ties.RoleAnalyst || tok.CreatedAt.Before(before) || tok.Revoked() {
		t.Fatalf("created token = %+v", tok)
	}
	if _, err := s.CreateToken(ctx, "bad", ties.Role("root"), ties.HashTokenSecret("x")); err == nil {
		t.Error("CreateToken accepted role root")
	}
	got, ok, err := s.TokenByHash(ctx, hash)
	if err != nil || !ok || got.ID != tok.ID || got.Role != ties.RoleAnalyst || !got.CreatedAt.Equal(tok.CreatedAt) {
		t.Fatalf("TokenByHash = %+v, %v, %v; want %+v", got, ok, err, tok)
	}
	if _, ok, err := s.TokenByHash(ctx, ties.HashTokenSecret(secret+"x")); ok || err != nil {
		t.Fatalf("TokenByHash(wrong secret) = %v, %v", ok, err)
	}
	other, err := s.CreateToken(ctx, "viewer", ties.RoleViewer, ties.HashTokenSecret("other"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeToken(ctx, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := s.TokenByHash(ctx, hash); ok || err != nil {
		t.Fatalf("revoked token still found: %v, %v", ok, err)
	}
	if _, ok, _ := s.TokenByHash(ctx, ties.HashTokenSecret("other")); !ok {
		t.Fatal("revoking one token revoked another")
	}
	if err := s.RevokeToken(ctx, other.ID+100); !errors.Is(err, ties.ErrNotFound) {
		t.Fatalf("RevokeToken(unknown) = %v, want ErrNotFound", err)
	}
	all, err := s.Tokens(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].ID != tok.ID || !all[0].Revoked() || all[1].Revoked() {
		t.Fatalf("Tokens = %+v", all)
	}
}

func auditRecord(i int) ties.AuditRecord {
	return ties.AuditRecord{
		Actor: fmt.Sprintf("token:%d:test", i%3), Action: ties.AuditScreen, Query: fmt.Sprintf("name %d", i),
		Versions: []int64{1, int64(i)},
		Results:  json.RawMessage(fmt.Sprintf(`[ {"entity_id": "csl:%d", "score": 0.9} ]`, i)),
	}
}

func testAuditAppend(t *testing.T, s AuthAuditStore) {
	var appended []ties.AuditRecord
	for i := range 3 {
		recs, err := s.AppendAudit(ctx, []ties.AuditRecord{auditRecord(2 * i), auditRecord(2*i + 1)})
		if err != nil {
			t.Fatal(err)
		}
		appended = append(appended, recs...)
	}
	dec, err := s.AppendAudit(ctx, []ties.AuditRecord{{Actor: "token:1:rev", Action: ties.AuditDecision, Ref: 2, Decision: "false_positive", Note: "different person"}})
	if err != nil {
		t.Fatal(err)
	}
	appended = append(appended, dec...)
	for i, r := range appended {
		if r.Seq != int64(i+1) {
			t.Errorf("record %d: seq %d", i, r.Seq)
		}
		if r.At.IsZero() || r.Hash == "" || r.Hash != r.ComputeHash() {
			t.Errorf("record %d: at %v hash %q", i, r.At, r.Hash)
		}
		if i > 0 && r.PrevHash != appended[i-1].Hash {
			t.Errorf("record %d: prev_hash does not chain", i)
		}
	}
	if appended[0].PrevHash != "" {
		t.Errorf("first record prev_hash = %q", appended[0].PrevHash)
	}
	if string(appended[0].Results) != `[{"entity_id":"csl:0","score":0.9}]` {
		t.Errorf("results not compacted: %s", appended[0].Results)
	}
	var read []ties.AuditRecord
	for r, err := range s.AuditRecords(ctx, 2, 3) {
		if err != nil {
			t.Fatal(err)
		}
		read = append(read, r)
	}
	if len(read) != 3 || read[0].Seq != 3 || read[2].Seq != 5 {
		t.Fatalf("AuditRecords(after 2, limit 3) = %d records from %d", len(read), read[0].Seq)
	}
	for i, r := range read {
		want := appended[i+2]
		if r.Hash != want.Hash || !r.At.Equal(want.At) || r.Query != want.Query || string(r.Results) != string(want.Results) || fmt.Sprint(r.Versions) != fmt.Sprint(want.Versions) {
			t.Errorf("read back %+v, appended %+v", r, want)
		}
	}
	one, err := s.AuditRecord(ctx, 7)
	if err != nil || one.Decision != "false_positive" || one.Ref != 2 || one.Note != "different person" {
		t.Fatalf("AuditRecord(7) = %+v, %v", one, err)
	}
	if _, err := s.AuditRecord(ctx, 99); !errors.Is(err, ties.ErrNotFound) {
		t.Fatalf("AuditRecord(99) = %v, want ErrNotFound", err)
	}
	last, _, err := ties.VerifyAuditChain(s.AuditRecords(ctx, 0, 0), 0, "")
	if err != nil || last != 7 {
		t.Fatalf("VerifyAuditChain = %d, %v", last, err)
	}
	if _, err := s.AppendAudit(ctx, []ties.AuditRecord{{Actor: "x"}}); err == nil {
		t.Error("AppendAudit accepted a record without action")
	}
	if _, err := s.AppendAudit(ctx, []ties.AuditRecord{{Actor: "x", Action: ties.AuditScreen, Results: json.RawMessage(`{bad`)}}); err == nil {
		t.Error("AppendAudit accepted malformed results JSON")
	}
}

func testAuditConcurrent(t *testing.T, s AuthAuditStore) {
	const writers, each = 8, 10
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				batch := []ties.AuditRecord{auditRecord(w*100 + i)}
				if i%3 == 0 {
					batch = append(batch, auditRecord(w*100+i+50))
				}
				if _, err := s.AppendAudit(ctx, batch); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	want := int64(writers * (each + 4)) // i = 0, 3, 6, 9 add a second record
	last, _, err := ties.VerifyAuditChain(s.AuditRecords(ctx, 0, 0), 0, "")
	if err != nil {
		t.Fatal(err)
	}
	if last != want {
		t.Fatalf("chain has %d records, want %d", last, want)
	}
}
