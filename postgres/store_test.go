package postgres

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"ties"
	"ties/postgres/pgtest"
	"ties/storetest"
)

func TestMain(m *testing.M) {
	if runCrashChild() {
		return
	}
	os.Exit(pgtest.Main(m))
}

var ctx = context.Background()

func openTemp(t *testing.T) *Store {
	t.Helper()
	s, err := Open(ctx, pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) ties.Store { return openTemp(t) })
}

func TestAuthAudit(t *testing.T) {
	storetest.RunAuthAudit(t, func(t *testing.T) storetest.AuthAuditStore { return openTemp(t) })
}

func TestMonitorSuite(t *testing.T) {
	storetest.RunMonitor(t, func(t *testing.T) ties.MonitoredStore { return openTemp(t) })
}

func TestMigrationsApplyOnceAndRefuseNewer(t *testing.T) {
	url := pgtest.NewDatabase(t)
	for range 2 {
		s, err := Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		if v, err := s.StoredSchemaVersion(ctx); err != nil || v != SchemaVersion() {
			t.Errorf("schema version %d, %v; want %d", v, err, SchemaVersion())
		}
		s.Close()
	}
	s, err := Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.pool.Exec(ctx, `UPDATE ties_schema SET version = 99`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err = Open(ctx, url)
	if !errors.Is(err, ErrSchemaTooNew) {
		t.Fatalf("Open of a newer schema: %v, want ErrSchemaTooNew", err)
	}
	for _, want := range []string{"schema version 99", fmt.Sprintf("supports (%d)", SchemaVersion()), "upgrade ties"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

// TestConcurrentOpenMigratesOnce starts several "replicas" on one fresh
// database at once: the advisory lock lets exactly one create the schema.
func TestConcurrentOpenMigratesOnce(t *testing.T) {
	url := pgtest.NewDatabase(t)
	errs := make(chan error, 6)
	for range cap(errs) {
		go func() {
			s, err := Open(ctx, url)
			if err == nil {
				s.Close()
			}
			errs <- err
		}()
	}
	for range cap(errs) {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

func TestOpenBadURL(t *testing.T) {
	if _, err := Open(ctx, "postgres://nobody@127.0.0.1:1/none?connect_timeout=2"); err == nil {
		t.Error("Open of a closed port succeeded")
	}
	if _, err := Open(ctx, "postgres://%zz"); err == nil {
		t.Error("Open of a malformed URL succeeded")
	}
}
