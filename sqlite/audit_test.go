package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"

	"ties"
	"ties/sqlite"
	"ties/storetest"
)

func TestAuthAudit(t *testing.T) {
	storetest.RunAuthAudit(t, func(t *testing.T) storetest.AuthAuditStore {
		st, err := sqlite.Open(filepath.Join(t.TempDir(), "ties.db"))
		if err != nil {
			t.Fatal(err)
		}
		return st
	})
}

// TestAuditTamper edits stored records behind the store's back, as someone
// with write access to the file could, and expects verification to name
// the record.
func TestAuditTamper(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name    string
		sql     string
		wantSeq int64
	}{
		{"query changed", `UPDATE audit SET query = 'someone else' WHERE seq = 2`, 2},
		{"results changed", `UPDATE audit SET results = '[]' WHERE seq = 3`, 3},
		{"record deleted", `DELETE FROM audit WHERE seq = 2`, 3},
		{"rehashed without chaining", `UPDATE audit SET prev_hash = '' WHERE seq = 4`, 4},
		{"time changed", `UPDATE audit SET at = '2020-01-01T00:00:00.000000Z' WHERE seq = 1`, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "ties.db")
			st, err := sqlite.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			for i := range 4 {
				if _, err := st.AppendAudit(ctx, []ties.AuditRecord{{Actor: "cli:test", Action: ties.AuditScreen, Query: string(rune('a' + i)), Versions: []int64{1}}}); err != nil {
					t.Fatal(err)
				}
			}
			if last, err := st.VerifyAudit(ctx); err != nil || last != 4 {
				t.Fatalf("before tampering: VerifyAudit = %d, %v", last, err)
			}
			db, err := sql.Open("sqlite", path)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Exec(tc.sql); err != nil {
				t.Fatal(err)
			}
			_, err = st.VerifyAudit(ctx)
			var ce *ties.AuditChainError
			if !errors.As(err, &ce) || ce.Seq != tc.wantSeq {
				t.Fatalf("VerifyAudit after %q = %v, want a chain error at seq %d", tc.sql, err, tc.wantSeq)
			}
		})
	}
}
