package postgres

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ties"
	"ties/match"
	"ties/postgres/pgtest"
	"ties/sqlite"
	"ties/storetest"
)

// The crash test re-executes the test binary as a child that loads a large
// list slowly into the store named by envCrashChild ("sqlite:<path>" or a
// postgres URL), and kills it with SIGKILL in the middle of the load.
const envCrashChild = "TIES_TEST_CRASH_CHILD"

const (
	crashDataset     = "crash"
	crashKeptRows    = 500
	crashChildOffset = 1_000_000 // entity numbers of the child's load
	crashChildRows   = 2_000_000 // more than it can load before the kill
	crashStartedLine = "load under way"
)

func openNamed(ctx context.Context, name string) (ties.Store, error) {
	if path, ok := strings.CutPrefix(name, "sqlite:"); ok {
		return sqlite.Open(path)
	}
	return Open(ctx, name)
}

// runCrashChild is the child's side: it never returns from a load that
// the parent kills. It reports false when this process is no child.
func runCrashChild() bool {
	name := os.Getenv(envCrashChild)
	if name == "" {
		return false
	}
	st, err := openNamed(ctx, name)
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(2)
	}
	records := func(yield func(ties.Record, error) bool) {
		for i := range crashChildRows {
			if i == 20*copyBatch {
				// Several COPY batches (and SQLite pages) are written by now.
				fmt.Println(crashStartedLine)
			}
			if i > 20*copyBatch && i%200 == 0 {
				time.Sleep(time.Millisecond)
			}
			if !yield(storetest.Record(crashDataset, crashChildOffset+i), nil) {
				return
			}
		}
	}
	_, err = st.LoadVersion(ctx, ties.ListVersion{Dataset: crashDataset, Hash: "child"}, records)
	fmt.Println("load finished before the kill:", err)
	os.Exit(3)
	return true
}

func TestKilledLoadLeavesPreviousVersionSQLite(t *testing.T) {
	testKilledLoad(t, "sqlite:"+filepath.Join(t.TempDir(), "ties.db"))
}

func TestKilledLoadLeavesPreviousVersionPostgres(t *testing.T) {
	testKilledLoad(t, pgtest.NewDatabase(t))
}

// testKilledLoad: a version in force, a child killed mid-load, then a
// restart: the old version is whole, in force and screens; no trace of
// the killed load is visible; the store takes the next load.
func testKilledLoad(t *testing.T, name string) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	st, err := openNamed(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	v1, err := st.LoadVersion(ctx, ties.ListVersion{Dataset: crashDataset, Hash: "kept"}, storetest.Records(crashDataset, crashKeptRows))
	if err != nil {
		t.Fatal(err)
	}
	sizeOfEntries := func() int64 {
		pg, ok := st.(*Store)
		if !ok {
			return 0
		}
		var n int64
		if err := pg.pool.QueryRow(ctx, `SELECT pg_relation_size('entries')`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	sizeBefore := sizeOfEntries()

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envCrashChild+"="+name)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(out)
	if !lines.Scan() || lines.Text() != crashStartedLine {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("child said %q, want %q", lines.Text(), crashStartedLine)
	}
	time.Sleep(300 * time.Millisecond) // let it write some more
	if path, ok := strings.CutPrefix(name, "sqlite:"); ok {
		// The killed transaction must have reached the file for the test
		// to mean anything: its pages spill into the WAL as it grows.
		fi, err := os.Stat(path + "-wal")
		if err != nil || fi.Size() == 0 {
			t.Errorf("nothing of the load was written to the WAL before the kill (%v)", err)
		} else {
			t.Logf("WAL holds %d bytes of the killed load", fi.Size())
		}
	}
	if sizeAfter := sizeOfEntries(); sizeAfter <= sizeBefore && sizeBefore > 0 {
		t.Errorf("entries did not grow during the load (%d bytes before, %d at the kill)", sizeBefore, sizeAfter)
	} else if sizeBefore > 0 {
		t.Logf("entries grew from %d to %d bytes before the kill", sizeBefore, sizeAfter)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err == nil || !strings.Contains(err.Error(), "killed") {
		t.Fatalf("child ended with %v, want killed", err)
	}
	st.Close()

	st, err = openNamed(ctx, name)
	if err != nil {
		t.Fatalf("reopen after the kill: %v", err)
	}
	defer st.Close()
	vs, err := st.Versions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 1 || vs[0].ID != v1.ID || !vs[0].InForce || vs[0].Rows != crashKeptRows {
		t.Fatalf("versions after the kill = %+v, want only %d in force with %d rows", vs, v1.ID, crashKeptRows)
	}
	var entries []ties.Entry
	for e, err := range st.InForceEntries(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		if e.VersionID != v1.ID {
			t.Fatalf("entry %s of version %d is visible", e.Entity.ID, e.VersionID)
		}
		entries = append(entries, e)
	}
	if len(entries) != crashKeptRows {
		t.Fatalf("%d entries in force, want %d", len(entries), crashKeptRows)
	}
	if pg, ok := st.(*Store); ok {
		var n int
		if err := pg.pool.QueryRow(ctx, `SELECT count(*) FROM entries WHERE version_id <> $1`, v1.ID).Scan(&n); err != nil || n != 0 {
			t.Errorf("%d rows of the killed load are stored (%v)", n, err)
		}
	}
	ix := match.Build(entries)
	want := storetest.Record(crashDataset, 123).Entity
	found := ix.Search(match.Query{Text: want.PrimaryName()})
	if len(found) == 0 || found[0].EntityID != want.ID {
		t.Fatalf("screening %q after the kill found %+v, want %s first", want.PrimaryName(), found, want.ID)
	}
	// The killed load left no lock behind: the next load goes through.
	lctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	v2, err := st.LoadVersion(lctx, ties.ListVersion{Dataset: crashDataset, Hash: "after"}, storetest.Records(crashDataset, 3))
	if err != nil || !v2.InForce || v2.ID <= v1.ID {
		t.Fatalf("load after the kill = %+v, %v", v2, err)
	}
}
