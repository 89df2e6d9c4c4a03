package main

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ties"
	"ties/sqlite"
)

// TestCLIRefusesBadText: an argument that is not UTF-8 stops the command
// with exit status 2 before anything is opened or written.
func TestCLIRefusesBadText(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ties.db")
	out, code := execTies(t, "--db", db, "token", "create", "--role", "viewer", "--name", "bad\xffname")
	if code != 2 || !strings.Contains(out, "not valid UTF-8") {
		t.Errorf("token create with bad UTF-8: exit %d: %s", code, out)
	}
}

// TestSQLiteServeSeesCLILoad: `ties load` from the command line, while
// `ties serve` runs on the same SQLite file, is screened by the server
// within 2 s (it notices the commit through PRAGMA data_version and swaps
// its index), and the audit record cites the new version.
func TestSQLiteServeSeesCLILoad(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "ties.db")
	fixture := filepath.Join("testdata", "fixture-list.csv")
	if out, code := execTies(t, "--db", db, "load", fixture); code != 0 {
		t.Fatalf("load: %s", out)
	}
	out, code := execTies(t, "--db", db, "token", "create", "--role", "viewer", "--name", "sqlite-follow")
	if code != 0 {
		t.Fatal(out)
	}
	fields := strings.Fields(out)
	token := fields[len(fields)-1]
	addr := startServe(t, db)
	const name = "Southwind Photonics Laboratory"
	first := screenOn(t, addr, token, name)
	if len(first.Matches) != 0 {
		t.Fatalf("%s matched before it was loaded: %+v", name, first.Matches)
	}
	// Version 2 of the same dataset adds a row.
	orig, err := os.ReadFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	v2 := filepath.Join(dir, "fixture-list-v2.csv")
	row := "fx-900,Entity List (EL) - Bureau of Industry and Security,,,,Southwind Photonics Laboratory,,\"2 Example Road, Hefei, CN\",89 FR 00002,2025-01-02,,,For all items subject to the EAR.,Presumption of denial.,,,,,,,,,,,,,,,\n"
	if err := os.WriteFile(v2, append(orig, row...), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, code := execTies(t, "--db", db, "load", v2); code != 0 {
		t.Fatalf("load v2: %s", out)
	}
	start := time.Now()
	for {
		got := screenOn(t, addr, token, name)
		if len(got.Matches) > 0 && got.Matches[0].Name == name {
			t.Logf("the server screens the new version %s after the CLI load", time.Since(start).Round(time.Millisecond))
			if got.Matches[0].VersionID != 2 {
				t.Errorf("the match cites version %d, want 2", got.Matches[0].VersionID)
			}
			break
		}
		if time.Since(start) > 2*time.Second {
			t.Fatalf("the server did not screen the CLI's new version within 2 s: %+v", got)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestCLINameLimits: `ties load` refuses a row whose name is over the
// limit with its file and line; `ties screen` refuses such a name with
// exit status 2.
func TestCLINameLimits(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "ties.db")
	orig, err := os.ReadFile(filepath.Join("testdata", "fixture-list.csv"))
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "long-name.csv")
	row := "fx-901,Entity List (EL) - Bureau of Industry and Security,,,,\"" + strings.Repeat("B", 5000) + "\",,,,2025-01-02,,,,,,,,,,,,,,,,,,,\n"
	if err := os.WriteFile(bad, append(orig, row...), 0o644); err != nil {
		t.Fatal(err)
	}
	out, code := execTies(t, "--db", db, "load", bad)
	if code == 0 || !strings.Contains(out, "long-name.csv:4") || !strings.Contains(out, "longer than 1000 characters") {
		t.Errorf("load of a 5,000-character name: exit %d: %s", code, out)
	}
	if out, code := execTies(t, "--db", db, "load", filepath.Join("testdata", "fixture-list.csv")); code != 0 {
		t.Fatal(out)
	}
	roster := filepath.Join(dir, "roster.txt")
	if err := os.WriteFile(roster, []byte("Ok Name\n"+strings.Repeat("C", 1001)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, code = execTies(t, "--db", db, "watch", "add", "--roster", roster)
	if code == 0 || !strings.Contains(out, "name 2: is longer than 1000 characters") {
		t.Errorf("watch add with a 1,001-character name: exit %d: %s", code, out)
	}
	batch := filepath.Join(dir, "batch.csv")
	if err := os.WriteFile(batch, []byte("name\nOk Name\n"+strings.Repeat("D", 1001)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, code = execTies(t, "--db", db, "screen", "--file", batch)
	if code == 0 || !strings.Contains(out, "batch.csv:3: name is longer than 1000 characters") {
		t.Errorf("screen --file with a 1,001-character name: exit %d: %s", code, out)
	}
	out, code = execTies(t, "--db", db, "screen", "ok", strings.Repeat("A", 1001))
	if code != 2 || !strings.Contains(out, "name 2: is longer than 1000 characters") {
		t.Errorf("screen of a 1,001-character name: exit %d: %s", code, out)
	}
}

// TestCLIUnknownFilters: --list, --country and --kind values that no
// entry in force holds exit 2 with the known values.
func TestCLIUnknownFilters(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ties.db")
	if out, code := execTies(t, "--db", db, "load", filepath.Join("testdata", "fixture-list.csv")); code != 0 {
		t.Fatal(out)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--list", "NOSUCH"}, `--list: unknown list "NOSUCH": known values are EL, SDN`},
		{[]string{"--only-country", "China"}, `--only-country: unknown country "China": known values are CN`},
		{[]string{"--kind", "spaceship"}, `unknown kind "spaceship": known values are person, organization, vessel, aircraft, other`},
	} {
		args := append([]string{"--db", db, "screen"}, tc.args...)
		out, code := execTies(t, append(args, "Northwind Quantum Institute")...)
		if code != 2 || !strings.Contains(out, tc.want) {
			t.Errorf("screen %v: exit %d: %s; want exit 2 with %q", tc.args, code, out, tc.want)
		}
	}
	if out, code := execTies(t, "--db", db, "screen", "--list", "el", "--only-country", "cn", "Northwind Quantum Institute"); code != 0 || !strings.Contains(out, "Northwind") {
		t.Errorf("screen with known filters: exit %d: %s", code, out)
	}
}

// TestCLIWebhookTargets: `ties watch add` refuses a webhook to a private
// or metadata address (exit 2) unless --webhook-allow names it.
func TestCLIWebhookTargets(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "ties.db")
	roster := filepath.Join(dir, "roster.txt")
	if err := os.WriteFile(roster, []byte("Northwind Quantum Institute\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, code := execTies(t, "--db", db, "load", filepath.Join("testdata", "fixture-list.csv")); code != 0 {
		t.Fatal(out)
	}
	for _, target := range []string{"http://169.254.169.254/", "http://10.0.0.1/x", "http://[::1]:9/x"} {
		out, code := execTies(t, "--db", db, "watch", "add", "--roster", roster, "--sink", "webhook:"+target, "--secret", "s")
		if code != 2 || !strings.Contains(out, "not allowed") {
			t.Errorf("watch add webhook:%s: exit %d: %s", target, code, out)
		}
	}
	out, code := execTies(t, "--db", db, "--webhook-allow", "10.0.0.0/8", "watch", "add", "--roster", roster, "--sink", "webhook:http://10.0.0.1/x", "--secret", "s")
	if code != 0 {
		t.Errorf("watch add with --webhook-allow: exit %d: %s", code, out)
	}
}

// TestAuditVerifyAnchoring: with TIES_AUDIT_KEY the CLI writes keyed
// hashes; `ties audit verify` prints the head; someone who can write the
// database but lacks the key edits a record and rehashes the rest: verify
// fails. Deleting the tail passes on its own but fails against the
// recorded head (--expect-head).
func TestAuditVerifyAnchoring(t *testing.T) {
	t.Setenv("TIES_AUDIT_KEY", "k3y-kept-outside-the-store")
	dir := t.TempDir()
	db := filepath.Join(dir, "ties.db")
	if out, code := execTies(t, "--db", db, "load", filepath.Join("testdata", "fixture-list.csv")); code != 0 {
		t.Fatal(out)
	}
	if out, code := execTies(t, "--db", db, "screen", "Northwind Quantum Institute", "Ivan Example", "Nobody", "Acme"); code != 0 {
		t.Fatal(out)
	}
	out, code := execTies(t, "--db", db, "audit", "verify")
	if code != 0 || !strings.Contains(out, "intact: 4 records, 4 keyed") {
		t.Fatalf("verify: exit %d: %s", code, out)
	}
	head := ""
	for _, l := range strings.Split(out, "\n") {
		if h, ok := strings.CutPrefix(l, "head: "); ok {
			head = h
		}
	}
	if !strings.HasPrefix(head, "4:hmac-sha256:") || strings.Count(head, ":") != 3 {
		t.Fatalf("head %q: want 4:hmac-sha256:HASH:MAC", head)
	}
	if out, code := execTies(t, "--db", db, "audit", "verify", "--expect-head", head); code != 0 {
		t.Fatalf("verify --expect-head on the intact chain: exit %d: %s", code, out)
	}
	copyDB := func(name string) string {
		p := filepath.Join(dir, name)
		b, err := os.ReadFile(db)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// The tail deleted.
	cut := copyDB("cut.db")
	execSQL(t, cut, `DELETE FROM audit WHERE seq > 2`)
	if out, code := execTies(t, "--db", cut, "audit", "verify"); code != 0 {
		t.Errorf("shorter chain alone: exit %d: %s", code, out)
	}
	if out, code := execTies(t, "--db", cut, "audit", "verify", "--expect-head", head); code != 1 || !strings.Contains(out, "records were deleted") {
		t.Errorf("tail deleted, --expect-head: exit %d: %s", code, out)
	}
	// Record 2 edited and the chain rehashed without the key.
	edited := copyDB("edited.db")
	st, err := sqlite.Open(edited)
	if err != nil {
		t.Fatal(err)
	}
	var recs []ties.AuditRecord
	for r, err := range st.AuditRecords(context.Background(), 0, 0) {
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, r)
	}
	st.Close()
	recs[1].Query = "Someone Else"
	for i := 1; i < len(recs); i++ {
		recs[i].PrevHash = recs[i-1].Hash
		recs[i].Hash = recs[i].ComputeHash()
		execSQL(t, edited, `UPDATE audit SET query = ?, prev_hash = ?, hash = ? WHERE seq = ?`, recs[i].Query, recs[i].PrevHash, recs[i].Hash, recs[i].Seq)
	}
	if out, code := execTies(t, "--db", edited, "audit", "verify"); code != 1 || !strings.Contains(out, "broken at record 2") {
		t.Errorf("rehashed without the key: exit %d: %s", code, out)
	}
}

func execSQL(t *testing.T, path, q string, args ...any) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatal(err)
	}
}
