package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"ties"
	"ties/storetest"
)

func openTemp(t *testing.T) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "sub", "dir", "ties.db"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) ties.Store { return openTemp(t) })
}

func TestOpenSetsPragmas(t *testing.T) {
	s := openTemp(t)
	defer s.Close()
	for pragma, want := range map[string]string{
		"journal_mode": "wal",
		"foreign_keys": "1",
		"synchronous":  "2", // FULL
		"busy_timeout": "10000",
		"user_version": strconv.Itoa(SchemaVersion()),
	} {
		var got string
		if err := s.db.QueryRow("PRAGMA " + pragma).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("PRAGMA %s = %s, want %s", pragma, got, want)
		}
	}
}

func TestReopenKeepsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ties.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	v, err := s.LoadVersion(ctx, ties.ListVersion{Dataset: "csl", Hash: "h"}, storetest.Records("csl", 10))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	inf, err := s.InForce(ctx)
	if err != nil || len(inf) != 1 || inf[0].ID != v.ID || inf[0].Rows != 10 {
		t.Fatalf("after reopen InForce = %+v, %v", inf, err)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ties.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec("PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err = Open(path)
	if err == nil {
		t.Fatal("Open accepted a database from a newer ties")
	}
	if !errors.Is(err, ErrSchemaTooNew) {
		t.Errorf("err = %v, want ErrSchemaTooNew", err)
	}
	for _, want := range []string{"schema version 99", fmt.Sprintf("supports (%d)", SchemaVersion()), "upgrade ties", path} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestOpenBadPath(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, []byte(strings.Repeat("not a database\n", 100)), 0o644); err != nil {
		t.Fatal(err)
	}
	// The parent "directory" is a file.
	if _, err := Open(filepath.Join(file, "ties.db")); err == nil {
		t.Error("Open under a regular file succeeded")
	}
	if _, err := Open(""); err == nil {
		t.Error("Open(\"\") succeeded")
	}
	if _, err := Open(filepath.Join(dir, "a?b.db")); err == nil {
		t.Error("Open of a path with '?' succeeded")
	}
	// A file that is not a database.
	if _, err := Open(file); err == nil {
		t.Error("Open of a non-database file succeeded")
	}
}

func TestMigrationsApplyInOrder(t *testing.T) {
	// Every migration must apply on top of the previous ones; reopening
	// applies none.
	path := filepath.Join(t.TempDir(), "ties.db")
	for range 2 {
		s, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		var n int
		if err := s.db.QueryRow("PRAGMA user_version").Scan(&n); err != nil || n != SchemaVersion() {
			t.Errorf("user_version = %d, %v; want %d", n, err, SchemaVersion())
		}
		s.Close()
	}
}

func TestForeignKeysEnforced(t *testing.T) {
	s := openTemp(t)
	defer s.Close()
	_, err := s.db.Exec(`INSERT INTO dataset_in_force (dataset, version_id) VALUES ('x', 12345)`)
	if err == nil {
		t.Error("in-force pointer to a missing version was accepted")
	}
	var n int
	if err := s.db.QueryRow(`SELECT count(*) FROM dataset_in_force`).Scan(&n); err != nil && !errors.Is(err, sql.ErrNoRows) {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d in-force rows", n)
	}
}

func TestDefaultPath(t *testing.T) {
	home := func() (string, error) { return "/home/u", nil }
	noHome := func() (string, error) { return "", errors.New("no home") }
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	for _, tc := range []struct {
		goos string
		env  map[string]string
		home func() (string, error)
		want string
	}{
		{"linux", map[string]string{"XDG_DATA_HOME": "/data"}, home, "/data/ties/ties.db"},
		{"linux", map[string]string{"XDG_DATA_HOME": "relative"}, home, "/home/u/.local/share/ties/ties.db"},
		{"linux", nil, home, "/home/u/.local/share/ties/ties.db"},
		{"freebsd", nil, home, "/home/u/.local/share/ties/ties.db"},
		{"darwin", map[string]string{"XDG_DATA_HOME": "/data"}, home, "/home/u/Library/Application Support/ties/ties.db"},
		{"windows", map[string]string{"LocalAppData": "/appdata"}, home, "/appdata/ties/ties.db"},
		{"linux", nil, noHome, "ties.db"},
	} {
		if got := defaultPath(tc.goos, env(tc.env), tc.home); got != filepath.FromSlash(tc.want) {
			t.Errorf("defaultPath(%s, %v) = %q, want %q", tc.goos, tc.env, got, tc.want)
		}
	}
	if p := DefaultPath(); filepath.Base(p) != "ties.db" {
		t.Errorf("DefaultPath() = %q", p)
	}
}
