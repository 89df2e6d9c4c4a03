package pgtest

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { os.Exit(Main(m)) }

// TestDatabasesAreSeparate: each call gives a new, empty database on the
// same server.
func TestDatabasesAreSeparate(t *testing.T) {
	a, b := NewDatabase(t), NewDatabase(t)
	if a == b {
		t.Fatalf("two calls gave the same database %s", a)
	}
	ctx := context.Background()
	ca, err := pgx.Connect(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	defer ca.Close(ctx)
	if _, err := ca.Exec(ctx, `CREATE TABLE t (x int)`); err != nil {
		t.Fatal(err)
	}
	cb, err := pgx.Connect(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	defer cb.Close(ctx)
	var n int
	if err := cb.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname = 'public'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("second database has %d tables (%v)", n, err)
	}
	var version string
	if err := ca.QueryRow(ctx, `SHOW server_version`).Scan(&version); err != nil {
		t.Fatal(err)
	}
	t.Logf("PostgreSQL %s", version)
}

// TestNoServerSkipsOrFailsInCI runs a child test against a server that is
// not there: it skips, except under CI=true, where it fails.
func TestNoServerSkipsOrFailsInCI(t *testing.T) {
	if os.Getenv("PGTEST_CHILD") == "1" {
		NewDatabase(t)
		t.Fatal("NewDatabase returned without a server")
	}
	for _, ci := range []string{"", "true"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestNoServerSkipsOrFailsInCI$", "-test.v")
		cmd.Env = append(os.Environ(), "PGTEST_CHILD=1", "CI="+ci,
			EnvURL+"=postgres://nobody@127.0.0.1:1/none?connect_timeout=2")
		out, err := cmd.CombinedOutput()
		switch {
		case ci == "" && (err != nil || !strings.Contains(string(out), "--- SKIP")):
			t.Errorf("without CI: %v\n%s", err, out)
		case ci == "true" && (err == nil || !strings.Contains(string(out), "--- FAIL")):
			t.Errorf("with CI=true: %v\n%s", err, out)
		}
		if !strings.Contains(string(out), "no PostgreSQL for this test") {
			t.Errorf("the child does not say why:\n%s", out)
		}
	}
}
