package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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
		{[]string{"--country", "China"}, `--country: unknown country "China": known values are CN`},
		{[]string{"--kind", "spaceship"}, `unknown kind "spaceship": known values are person, organization, vessel, aircraft, other`},
	} {
		args := append([]string{"--db", db, "screen"}, tc.args...)
		out, code := execTies(t, append(args, "Northwind Quantum Institute")...)
		if code != 2 || !strings.Contains(out, tc.want) {
			t.Errorf("screen %v: exit %d: %s; want exit 2 with %q", tc.args, code, out, tc.want)
		}
	}
	if out, code := execTies(t, "--db", db, "screen", "--list", "el", "--country", "cn", "Northwind Quantum Institute"); code != 0 || !strings.Contains(out, "Northwind") {
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
