package transfer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"ties"
	"ties/ingest"
	"ties/postgres"
	"ties/postgres/pgtest"
	"ties/sources"
	"ties/sqlite"
	"ties/storetest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

var ctx = context.Background()

func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func newSQLite(t *testing.T) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "ties.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func newPostgres(t *testing.T) *postgres.Store {
	t.Helper()
	st, err := postgres.Open(ctx, pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// fill puts something of every kind in st: list versions (one replaced,
// so one not in force), the example graph and another source, links in
// every status, tokens (one revoked), audit records, watches, alerts,
// reviews and a change set.
func fill(t *testing.T, st *sqlite.Store) {
	t.Helper()
	root := repoRoot(t)
	if _, err := ingest.Load(ctx, st, []string{filepath.Join(root, "examples", "microsoft-cas.ties")}, ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.LoadVersion(ctx, ties.ListVersion{Dataset: "csl", Hash: "old"}, storetest.Records("csl", 5)); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(root, "..", "shared", "data", "csl", "el-cas-rows-2025.csv")
	if _, err := os.Stat(data); err == nil {
		if _, err := ingest.Load(ctx, st, []string{data}, ingest.Options{}); err != nil {
			t.Fatal(err)
		}
	}
	v, err := st.LoadVersion(ctx, ties.ListVersion{Dataset: "synthetic", Hash: "s", LoadedAt: time.Now()}, storetest.Records("synthetic", 40))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.PutGraph(ctx, "ror", ties.Graph{
		Entities: []ties.Entity{{ID: "ror:1", Kind: ties.KindOrganization, Names: []ties.Name{{Text: "Tsinghua", Type: ties.NamePrimary}}}},
		Ties: []ties.Tie{{From: "ror:1", To: "cas", Kind: ties.TieRelated, Share: 0.25,
			Evidence: []ties.Evidence{{Title: "t", Ref: "https://ror.org", Retrieved: ties.MustDate("2024-02"), Confidence: 0.7}}}},
	}); err != nil {
		t.Fatal(err)
	}
	if err := st.PutLinks(ctx, []ties.Link{
		{GraphID: "a", TargetID: "csl:1", Method: "name", Confidence: 0.61},
		{GraphID: "b", TargetID: "csl:2", Method: "identifier", Confidence: 1},
		{GraphID: "c", TargetID: "csl:3", Method: "name", Confidence: 0.5},
	}); err != nil {
		t.Fatal(err)
	}
	links, _ := st.Links(ctx)
	st.SetLinkStatus(ctx, links[1].ID, "confirmed", "same ROR id")
	st.SetLinkStatus(ctx, links[2].ID, "rejected", "other institute")
	tok, err := st.CreateToken(ctx, "ci", ties.RoleAdmin, ties.HashTokenSecret("a"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateToken(ctx, "viewer", ties.RoleViewer, ties.HashTokenSecret("b")); err != nil {
		t.Fatal(err)
	}
	if err := st.RevokeToken(ctx, tok.ID); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if _, err := st.AppendAudit(ctx, []ties.AuditRecord{{Actor: "cli:me", Action: ties.AuditScreen, Query: "ICT CAS",
			Versions: []int64{v.ID}, Results: json.RawMessage(`[{"entity_id":"csl:1","score":0.93}]`), Note: strings.Repeat("n", i)}}); err != nil {
			t.Fatal(err)
		}
	}
	w, err := st.AddWatch(ctx, ties.Watch{Kind: ties.WatchRoster, Label: "staff", Sink: "stdout", Secret: "s3cret",
		Roster: []ties.RosterName{{Name: "Zhang Wei", ID: "e1"}}, Created: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetWatchState(ctx, w.ID, json.RawMessage(`{"seen":["csl:1"]}`), time.Now()); err != nil {
		t.Fatal(err)
	}
	as, err := st.EnqueueAlerts(ctx, []ties.Alert{{WatchID: w.ID, Sink: "stdout", Body: json.RawMessage(`{"new":1}`)},
		{WatchID: w.ID, Sink: "webhook:https://example.org", Body: json.RawMessage(`{"new":2}`)}})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.MarkAlert(ctx, as[0].ID, true, time.Now(), "", time.Time{}); err != nil {
		t.Fatal(err)
	}
	if err := st.MarkAlert(ctx, as[1].ID, false, time.Now(), "503", time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddReview(ctx, ties.Review{WatchID: w.ID, EntityID: "csl:1", Decision: ties.ReviewFalsePositive,
		Reason: "born 1950", Reviewer: "token:1:ci", Expires: ties.MustDate("2027"), EntryHash: "abc"}); err != nil {
		t.Fatal(err)
	}
	if err := st.PutChangeSet(ctx, ties.ChangeSet{Dataset: "synthetic", To: v.ID, ComputedAt: time.Now(), Added: 40,
		Changes: []ties.Change{{Kind: ties.ChangeAdded, EntityID: "synthetic:0", Name: "Acme", EntryHash: "h"}}}); err != nil {
		t.Fatal(err)
	}
}

func export(t *testing.T, src Source) []byte {
	t.Helper()
	var b bytes.Buffer
	if _, err := Export(ctx, src, &b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func importInto(t *testing.T, dst Target, stream []byte) Counts {
	t.Helper()
	want, err := Check(bytes.NewReader(stream), "export.jsonl")
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	got, err := Import(ctx, dst, bytes.NewReader(stream), "export.jsonl")
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	if got != want {
		t.Errorf("Import counts %+v, Check counts %+v", got, want)
	}
	return got
}

// firstDifference names the first line where two exports differ.
func firstDifference(a, b []byte) string {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			return "line " + itoa(i+1) + ":\n  " + la[i] + "\n  " + lb[i]
		}
	}
	return "lengths " + itoa(len(la)) + " and " + itoa(len(lb)) + " lines"
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestRoundTrip: sqlite → stream → postgres → stream gives the same
// stream, and back into a new sqlite store too; the stores then behave
// the same (audit chain, tokens, screening input).
func TestRoundTrip(t *testing.T) {
	src := newSQLite(t)
	fill(t, src)
	first := export(t, src)

	pg := newPostgres(t)
	counts := importInto(t, pg, first)
	if counts.Versions < 3 || counts.Entries == 0 || counts.Graphs != 2 || counts.Links != 3 || counts.Tokens != 2 ||
		counts.Audit != 3 || counts.Watches != 1 || counts.Alerts != 2 || counts.Reviews != 1 || counts.ChangeSets != 1 {
		t.Errorf("counts = %+v: something was not exported", counts)
	}
	second := export(t, pg)
	if !bytes.Equal(first, second) {
		t.Fatalf("sqlite → postgres export differs at %s", firstDifference(first, second))
	}

	back := newSQLite(t)
	importInto(t, back, second)
	if third := export(t, back); !bytes.Equal(first, third) {
		t.Fatalf("postgres → sqlite export differs at %s", firstDifference(first, third))
	}

	// The imported stores work: the chain verifies, a token authenticates,
	// new ids do not collide with imported ones.
	if last, err := pg.VerifyAudit(ctx); err != nil || last != 3 {
		t.Errorf("VerifyAudit on postgres = %d, %v", last, err)
	}
	if _, ok, err := pg.TokenByHash(ctx, ties.HashTokenSecret("b")); !ok || err != nil {
		t.Errorf("imported token does not authenticate: %v, %v", ok, err)
	}
	if _, ok, _ := pg.TokenByHash(ctx, ties.HashTokenSecret("a")); ok {
		t.Error("imported revoked token authenticates")
	}
	vs, _ := src.Versions(ctx)
	v, err := pg.LoadVersion(ctx, ties.ListVersion{Dataset: "csl"}, storetest.Records("csl", 1))
	if err != nil || v.ID <= vs[0].ID {
		t.Errorf("load after import = %+v, %v; want an id above %d", v, err, vs[0].ID)
	}
	if _, err := pg.AppendAudit(ctx, []ties.AuditRecord{{Action: ties.AuditScreen}}); err != nil {
		t.Error(err)
	}
	if last, err := pg.VerifyAudit(ctx); err != nil || last != 4 {
		t.Errorf("VerifyAudit after an append = %d, %v", last, err)
	}
	if tok, err := pg.CreateToken(ctx, "new", ties.RoleViewer, ties.HashTokenSecret("c")); err != nil || tok.ID != 3 {
		t.Errorf("token after import = %+v, %v; want id 3", tok, err)
	}
	if err := pg.PutLinks(ctx, []ties.Link{{GraphID: "z", TargetID: "csl:9"}}); err != nil {
		t.Errorf("link after import: %v", err)
	}

	// Only into an empty store.
	if _, err := Import(ctx, pg, bytes.NewReader(first), "export.jsonl"); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("Import into a filled store: %v", err)
	}
}

func TestCheckRejectsBadStreams(t *testing.T) {
	src := newSQLite(t)
	if _, err := src.LoadVersion(ctx, ties.ListVersion{Dataset: "csl"}, storetest.Records("csl", 3)); err != nil {
		t.Fatal(err)
	}
	good := export(t, src)
	lines := strings.Split(strings.TrimSuffix(string(good), "\n"), "\n")
	join := func(ls ...string) string { return strings.Join(ls, "\n") + "\n" }
	for _, tc := range []struct {
		name, stream string
		line         int
		want         string
	}{
		{"empty", "", 0, "not a ties export"},
		{"not json", join(lines[0], "{oops"), 2, "not a line of a ties export"},
		{"unknown key", join(lines[0], `{"wat":1}`), 2, "not a line"},
		{"truncated", join(lines[:len(lines)-1]...), len(lines) - 1, "truncated"},
		{"entry missing", join(append(lines[:len(lines)-2:len(lines)-2], lines[len(lines)-1])...), len(lines) - 1, "says 3 rows and has 2"},
		{"wrong counts", join(append(lines[:len(lines)-1:len(lines)-1], strings.Replace(lines[len(lines)-1], `"lists":1`, `"lists":2`, 1))...), len(lines), "the end line counts"},
		{"newer format", join(`{"ties_export":99}`), 1, "format 99"},
		{"entry outside a version", join(lines[0], lines[len(lines)-2], lines[len(lines)-1]), 2, "outside a version"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Check(strings.NewReader(tc.stream), "dump.jsonl")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Check = %v, want an error saying %q", err, tc.want)
			}
			var se *sources.Error
			if !errors.As(err, &se) || se.File != "dump.jsonl" || se.Line != tc.line {
				t.Errorf("error %v: want *sources.Error at dump.jsonl:%d", err, tc.line)
			}
		})
	}
	if _, err := Check(bytes.NewReader(good), "dump.jsonl"); err != nil {
		t.Fatalf("Check of a good stream: %v", err)
	}
}

func FuzzCheck(f *testing.F) {
	f.Add([]byte(`{"ties_export":1}` + "\n" + `{"end":{}}` + "\n"))
	f.Add([]byte(`{"ties_export":1}` + "\n" + `{"version":{"id":1,"dataset":"csl","rows":1}}` + "\n" + `{"entry":{"entity":{"id":"x"}}}` + "\n"))
	f.Add([]byte(`{"ties_export":1}` + "\n" + `{"audit":{"seq":1}}` + "\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		Check(bytes.NewReader(b), "fuzz")
	})
}
