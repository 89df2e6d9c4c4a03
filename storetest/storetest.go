// Package storetest is the behaviour every ties.Store must show, as a test
// suite that each store implementation runs against itself:
//
//	func TestStore(t *testing.T) { storetest.Run(t, openStore) }
package storetest

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"ties"
)

// Run runs the suite. open must return a new, empty store for each call;
// Run closes it when the subtest ends.
func Run(t *testing.T, open func(t *testing.T) ties.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s ties.Store)
	}{
		{"LoadVersionsAndInForce", testLoadVersionsAndInForce},
		{"TwoDatasetsInForce", testTwoDatasetsInForce},
		{"EntriesRoundTrip", testEntriesRoundTrip},
		{"ListsUpsert", testListsUpsert},
		{"FailedLoadRollsBack", testFailedLoadRollsBack},
		{"CancelledLoadRollsBack", testCancelledLoadRollsBack},
		{"EmptyEntityIDRejected", testEmptyEntityIDRejected},
		{"EntriesUnknownVersion", testEntriesUnknownVersion},
		{"EntriesStopEarly", testEntriesStopEarly},
		{"InForceEntries", testInForceEntries},
		{"VersionByHash", testVersionByHash},
		{"GraphPutReplace", testGraphPutReplace},
		{"GraphSharedEntityID", testGraphSharedEntityID},
		{"GraphFailedPutKeepsPrevious", testGraphFailedPutKeepsPrevious},
		{"TiesRoundTrip", testTiesRoundTrip},
		{"Links", testLinks},
		{"ConcurrentUse", testConcurrentUse},
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

// InForceEntrieser is implemented by stores that stream the entries of
// every version in force at once (used to build the match index).
type InForceEntrieser interface {
	InForceEntries(ctx context.Context) iter.Seq2[ties.Entry, error]
}

// VersionByHasher is implemented by stores that find a version by content
// hash (so callers can skip loading unchanged files).
type VersionByHasher interface {
	VersionByHash(ctx context.Context, dataset, hash string) (ties.ListVersion, bool, error)
}

var (
	ctx = context.Background()
	// Microsecond precision: PostgreSQL timestamps keep no more.
	loadedAt = time.Date(2026, 3, 4, 5, 6, 7, 123456000, time.FixedZone("CET", 3600))
)

// Record builds a small but complete synthetic record; i makes it unique.
func Record(dataset string, i int) ties.Record {
	id := fmt.Sprintf("%s:%d", dataset, i)
	return ties.Record{
		Entity: ties.Entity{
			ID:   id,
			Kind: ties.KindOrganization,
			Names: []ties.Name{
				{Text: fmt.Sprintf("Acme Works %d Co., Ltd.", i), Type: ties.NamePrimary},
				{Text: fmt.Sprintf("AW%d", i), Type: ties.NameAbbreviation},
			},
			Countries: []string{"CN"},
		},
		Designations: []ties.Designation{{
			EntityID: id, ListID: "EL", SourceID: fmt.Sprint(i),
			Start: ties.MustDate("2020-05-22"),
		}},
	}
}

// Records yields n records made by Record.
func Records(dataset string, n int) iter.Seq2[ties.Record, error] {
	return func(yield func(ties.Record, error) bool) {
		for i := range n {
			if !yield(Record(dataset, i), nil) {
				return
			}
		}
	}
}

func recordsOf(recs ...ties.Record) iter.Seq2[ties.Record, error] {
	return func(yield func(ties.Record, error) bool) {
		for _, r := range recs {
			if !yield(r, nil) {
				return
			}
		}
	}
}

func load(t *testing.T, s ties.Store, dataset, hash string, records iter.Seq2[ties.Record, error]) ties.ListVersion {
	t.Helper()
	v, err := s.LoadVersion(ctx, ties.ListVersion{
		Dataset: dataset, Format: dataset + "-format", Hash: hash,
		LoadedAt: loadedAt, DataDate: ties.MustDate("2022-05"), Origin: "/data/" + dataset + "/" + hash,
	}, records)
	if err != nil {
		t.Fatalf("LoadVersion %s %s: %v", dataset, hash, err)
	}
	return v
}

func entries(t *testing.T, seq iter.Seq2[ties.Entry, error]) []ties.Entry {
	t.Helper()
	var out []ties.Entry
	for e, err := range seq {
		if err != nil {
			t.Fatalf("entries: %v", err)
		}
		out = append(out, e)
	}
	return out
}

func versions(t *testing.T, s ties.Store) []ties.ListVersion {
	t.Helper()
	vs, err := s.Versions(ctx)
	if err != nil {
		t.Fatalf("Versions: %v", err)
	}
	return vs
}

func inForce(t *testing.T, s ties.Store) []ties.ListVersion {
	t.Helper()
	vs, err := s.InForce(ctx)
	if err != nil {
		t.Fatalf("InForce: %v", err)
	}
	return vs
}

func ids(vs []ties.ListVersion) []int64 {
	var out []int64
	for _, v := range vs {
		out = append(out, v.ID)
	}
	return out
}

func sameVersion(t *testing.T, what string, got, want ties.ListVersion) {
	t.Helper()
	if !got.LoadedAt.Equal(want.LoadedAt) {
		t.Errorf("%s: LoadedAt = %v, want %v", what, got.LoadedAt, want.LoadedAt)
	}
	got.LoadedAt, want.LoadedAt = time.Time{}, time.Time{}
	if got != want {
		t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}

func testLoadVersionsAndInForce(t *testing.T, s ties.Store) {
	if vs := versions(t, s); len(vs) != 0 {
		t.Fatalf("new store has versions %v", vs)
	}
	v1 := load(t, s, "csl", "h1", Records("csl", 3))
	if v1.ID == 0 || v1.Rows != 3 || !v1.InForce || v1.Dataset != "csl" || v1.Hash != "h1" {
		t.Fatalf("LoadVersion returned %+v", v1)
	}
	if !v1.LoadedAt.Equal(loadedAt) || v1.DataDate != ties.MustDate("2022-05") || v1.Origin != "/data/csl/h1" || v1.Format != "csl-format" {
		t.Fatalf("LoadVersion lost fields: %+v", v1)
	}
	vs := versions(t, s)
	if len(vs) != 1 {
		t.Fatalf("Versions = %v, want 1", vs)
	}
	sameVersion(t, "Versions[0]", vs[0], v1)

	v2 := load(t, s, "csl", "h2", Records("csl", 2))
	if v2.ID == v1.ID || v2.Rows != 2 {
		t.Fatalf("second load returned %+v", v2)
	}
	vs = versions(t, s)
	if got := ids(vs); !slices.Equal(got, []int64{v2.ID, v1.ID}) {
		t.Fatalf("Versions ids = %v, want newest first %v", got, []int64{v2.ID, v1.ID})
	}
	if !vs[0].InForce || vs[1].InForce {
		t.Errorf("InForce flags = %v, %v; want the new version only", vs[0].InForce, vs[1].InForce)
	}
	inf := inForce(t, s)
	if len(inf) != 1 {
		t.Fatalf("InForce = %v, want one version", inf)
	}
	sameVersion(t, "InForce[0]", inf[0], v2)
	// The old version stays readable.
	if got := entries(t, s.Entries(ctx, v1.ID)); len(got) != 3 {
		t.Errorf("Entries(v1) = %d entries, want 3", len(got))
	}
	if got := entries(t, s.Entries(ctx, v2.ID)); len(got) != 2 {
		t.Errorf("Entries(v2) = %d entries, want 2", len(got))
	}

	// LoadedAt defaults to now.
	before := time.Now().Add(-time.Second)
	v3, err := s.LoadVersion(ctx, ties.ListVersion{Dataset: "csl", Hash: "h3"}, Records("csl", 1))
	if err != nil {
		t.Fatal(err)
	}
	if v3.LoadedAt.Before(before) || v3.LoadedAt.After(time.Now().Add(time.Second)) {
		t.Errorf("default LoadedAt = %v, want about now", v3.LoadedAt)
	}
	// An empty load is a valid (empty) version.
	v4 := load(t, s, "csl", "empty", Records("csl", 0))
	if v4.Rows != 0 || !v4.InForce {
		t.Errorf("empty load = %+v", v4)
	}
	if got := entries(t, s.Entries(ctx, v4.ID)); len(got) != 0 {
		t.Errorf("Entries of empty version = %v", got)
	}
}

func testTwoDatasetsInForce(t *testing.T, s ties.Store) {
	csl1 := load(t, s, "csl", "c1", Records("csl", 2))
	sdn1 := load(t, s, "ofac-sdn", "s1", Records("ofac-sdn", 3))
	inf := inForce(t, s)
	if got, want := ids(inf), []int64{csl1.ID, sdn1.ID}; !sameSet(got, want) {
		t.Fatalf("InForce = %v, want %v", got, want)
	}
	csl2 := load(t, s, "csl", "c2", Records("csl", 4))
	inf = inForce(t, s)
	if got, want := ids(inf), []int64{csl2.ID, sdn1.ID}; !sameSet(got, want) {
		t.Fatalf("after reloading csl InForce = %v, want %v", got, want)
	}
	for _, v := range inf {
		if !v.InForce {
			t.Errorf("InForce returned %d with InForce=false", v.ID)
		}
		switch v.Dataset {
		case "csl":
			if v.Rows != 4 {
				t.Errorf("csl in force has %d rows, want 4", v.Rows)
			}
		case "ofac-sdn":
			if v.Rows != 3 {
				t.Errorf("ofac-sdn in force has %d rows, want 3", v.Rows)
			}
		default:
			t.Errorf("unexpected dataset %q in force", v.Dataset)
		}
	}
	for _, v := range versions(t, s) {
		want := v.ID == csl2.ID || v.ID == sdn1.ID
		if v.InForce != want {
			t.Errorf("version %d (%s) InForce = %v, want %v", v.ID, v.Dataset, v.InForce, want)
		}
	}
}

func sameSet(a, b []int64) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// fullRecords use every field of Entity and Designation.
func fullRecords() []ties.Record {
	person := ties.Record{
		Entity: ties.Entity{
			ID:   "ofac-sdn:36",
			Kind: ties.KindPerson,
			Names: []ties.Name{
				{Text: "ZHANG, Wei", Type: ties.NamePrimary, Lang: "en"},
				{Text: "张伟", Type: ties.NameNative, Lang: "zh"},
				{Text: "Wei Chang", Type: ties.NameAlias},
				{Text: "Z. Wei", Type: ties.NameAbbreviation},
				{Text: "Zhang Wei-Ming", Type: ties.NameFormer, Source: "ror:0090r4d87"},
			},
			Countries:   []string{"CN", "HK"},
			Addresses:   []ties.Address{{Text: "1 Road, Beijing", Country: "CN"}, {Text: "somewhere"}},
			Identifiers: []ties.Identifier{{Scheme: "passport", Value: "E123"}, {Scheme: "lei", Value: "5493001KJTIIGC8Y1R12"}},
			Dates:       []ties.EntityDate{{Type: "birth", Value: "1970-01"}, {Type: "birth", Value: "1971"}},
			Remarks:     "Also known for \"quotes\", ünïcödé and\nnewlines.",
		},
		Designations: []ties.Designation{
			{
				EntityID: "ofac-sdn:36", ListID: "SDN", SourceID: "36",
				Start: ties.MustDate("2019"), End: ties.MustDate("2023-06"),
				Authority: "84 FR 1234", Program: "CHINA-EO13936", LicensePolicy: "presumption of denial",
				SourceURL: "https://example.gov/sdn/36", Parent: "Parent Group",
			},
			{
				EntityID: "ofac-sdn:36", ListID: "NS-MBS", SourceID: "36b",
				Start: ties.MustDate("2021-03-04"),
			},
		},
		Lists: []ties.List{{ID: "SDN", Name: "Specially Designated Nationals", Authority: "OFAC"}},
	}
	vessel := ties.Record{
		Entity: ties.Entity{ID: "ofac-sdn:37", Kind: ties.KindVessel, Names: []ties.Name{{Text: "SEA STAR", Type: ties.NamePrimary}},
			Identifiers: []ties.Identifier{{Scheme: "imo", Value: "9123456"}}},
	}
	org := Record("ofac-sdn", 38)
	return []ties.Record{person, vessel, org}
}

func testEntriesRoundTrip(t *testing.T, s ties.Store) {
	recs := fullRecords()
	v := load(t, s, "ofac-sdn", "full", recordsOf(recs...))
	if v.Rows != len(recs) {
		t.Fatalf("Rows = %d, want %d", v.Rows, len(recs))
	}
	got := entries(t, s.Entries(ctx, v.ID))
	if len(got) != len(recs) {
		t.Fatalf("Entries = %d, want %d", len(got), len(recs))
	}
	for i, e := range got {
		want := recs[i]
		if e.VersionID != v.ID || e.Dataset != "ofac-sdn" {
			t.Errorf("entry %d: VersionID, Dataset = %d, %q; want %d, ofac-sdn", i, e.VersionID, e.Dataset, v.ID)
		}
		if !reflect.DeepEqual(e.Entity, want.Entity) {
			t.Errorf("entry %d entity:\n got %+v\nwant %+v", i, e.Entity, want.Entity)
		}
		if !reflect.DeepEqual(e.Designations, want.Designations) {
			t.Errorf("entry %d designations:\n got %+v\nwant %+v", i, e.Designations, want.Designations)
		}
	}
	// Date precision survives.
	if p := got[0].Designations[0].Start.Precision(); p != ties.PrecisionYear {
		t.Errorf("year-precision start came back with precision %v", p)
	}
	if p := got[0].Designations[0].End.Precision(); p != ties.PrecisionMonth {
		t.Errorf("month-precision end came back with precision %v", p)
	}
	// Duplicate entity ids within a version are kept (lists do repeat entries).
	v2 := load(t, s, "dup", "d", recordsOf(Record("dup", 1), Record("dup", 1)))
	if got := entries(t, s.Entries(ctx, v2.ID)); len(got) != 2 {
		t.Errorf("duplicate ids: %d entries, want 2", len(got))
	}
}

func lists(t *testing.T, s ties.Store) map[string]ties.List {
	t.Helper()
	ls, err := s.Lists(ctx)
	if err != nil {
		t.Fatalf("Lists: %v", err)
	}
	m := map[string]ties.List{}
	for _, l := range ls {
		if _, dup := m[l.ID]; dup {
			t.Errorf("Lists has %s twice", l.ID)
		}
		m[l.ID] = l
	}
	return m
}

func testListsUpsert(t *testing.T, s ties.Store) {
	if ls := lists(t, s); len(ls) != 0 {
		t.Fatalf("new store has lists %v", ls)
	}
	load(t, s, "ofac-sdn", "full", recordsOf(fullRecords()...))
	ls := lists(t, s)
	if want := (ties.List{ID: "SDN", Name: "Specially Designated Nationals", Authority: "OFAC"}); ls["SDN"] != want {
		t.Errorf("SDN = %+v, want %+v", ls["SDN"], want)
	}
	// Lists only referenced by designations are known by id.
	for _, id := range []string{"NS-MBS", "EL"} {
		if _, ok := ls[id]; !ok {
			t.Errorf("list %s used by a designation is missing from Lists: %v", id, ls)
		}
	}
	// A later load updates names; empty fields do not wipe known ones.
	r := Record("csl", 1)
	r.Lists = []ties.List{{ID: "EL", Name: "Entity List", Authority: "BIS"}, {ID: "SDN", Name: "SDN List"}}
	load(t, s, "csl", "c", recordsOf(r))
	ls = lists(t, s)
	if want := (ties.List{ID: "EL", Name: "Entity List", Authority: "BIS"}); ls["EL"] != want {
		t.Errorf("EL = %+v, want %+v", ls["EL"], want)
	}
	if want := (ties.List{ID: "SDN", Name: "SDN List", Authority: "OFAC"}); ls["SDN"] != want {
		t.Errorf("SDN = %+v, want %+v", ls["SDN"], want)
	}
}

var errParse = errors.New("bad row 1001")

// failingRecords yields n good records, then an error.
func failingRecords(dataset string, n int) iter.Seq2[ties.Record, error] {
	return func(yield func(ties.Record, error) bool) {
		for i := range n {
			r := Record(dataset, 10000+i)
			if i == n/2 {
				r.Lists = []ties.List{{ID: "FAILED", Name: "only in the failed load"}}
			}
			if !yield(r, nil) {
				return
			}
		}
		yield(ties.Record{}, errParse)
	}
}

// checkOnlyV1 asserts the store holds exactly v1 (3 records) and it is in force.
func checkOnlyV1(t *testing.T, s ties.Store, v1 ties.ListVersion) {
	t.Helper()
	vs := versions(t, s)
	if len(vs) != 1 || vs[0].ID != v1.ID || !vs[0].InForce {
		t.Errorf("Versions after failed load = %+v, want only %d in force", vs, v1.ID)
	}
	inf := inForce(t, s)
	if len(inf) != 1 || inf[0].ID != v1.ID {
		t.Errorf("InForce after failed load = %v, want [%d]", ids(inf), v1.ID)
	}
	got := entries(t, s.Entries(ctx, v1.ID))
	if len(got) != 3 {
		t.Fatalf("Entries(v1) after failed load = %d entries, want 3", len(got))
	}
	for i, e := range got {
		if want := Record("csl", i); !reflect.DeepEqual(e.Record.Entity, want.Entity) || !reflect.DeepEqual(e.Designations, want.Designations) {
			t.Errorf("entry %d after failed load = %+v, want %+v", i, e.Record, want)
		}
	}
	if _, ok := lists(t, s)["FAILED"]; ok {
		t.Error("a list from the failed load is visible")
	}
	if ie, ok := s.(InForceEntrieser); ok {
		if got := entries(t, ie.InForceEntries(ctx)); len(got) != 3 {
			t.Errorf("InForceEntries after failed load = %d entries, want 3", len(got))
		}
	}
}

func testFailedLoadRollsBack(t *testing.T, s ties.Store) {
	v1 := load(t, s, "csl", "h1", Records("csl", 3))
	_, err := s.LoadVersion(ctx, ties.ListVersion{Dataset: "csl", Hash: "h2"}, failingRecords("csl", 1000))
	if !errors.Is(err, errParse) {
		t.Fatalf("LoadVersion with failing records: err = %v, want it to wrap %v", err, errParse)
	}
	checkOnlyV1(t, s, v1)
	// The store still works after the rollback.
	v2 := load(t, s, "csl", "h3", Records("csl", 5))
	if inf := inForce(t, s); len(inf) != 1 || inf[0].ID != v2.ID {
		t.Errorf("InForce after recovery = %v, want [%d]", ids(inf), v2.ID)
	}
}

func testCancelledLoadRollsBack(t *testing.T, s ties.Store) {
	v1 := load(t, s, "csl", "h1", Records("csl", 3))
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	recs := func(yield func(ties.Record, error) bool) {
		for i := range 2000 {
			if i == 500 {
				cancel()
			}
			if !yield(Record("csl", 10000+i), nil) {
				return
			}
		}
	}
	_, err := s.LoadVersion(cctx, ties.ListVersion{Dataset: "csl", Hash: "h2"}, recs)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("LoadVersion cancelled mid-load: err = %v, want context.Canceled", err)
	}
	checkOnlyV1(t, s, v1)
}

func testEmptyEntityIDRejected(t *testing.T, s ties.Store) {
	v1 := load(t, s, "csl", "h1", Records("csl", 3))
	bad := Record("csl", 7)
	bad.Entity.ID = ""
	_, err := s.LoadVersion(ctx, ties.ListVersion{Dataset: "csl"}, recordsOf(Record("csl", 6), bad))
	if err == nil {
		t.Fatal("LoadVersion accepted a record without entity id")
	}
	checkOnlyV1(t, s, v1)
	if _, err := s.LoadVersion(ctx, ties.ListVersion{}, Records("x", 1)); err == nil {
		t.Error("LoadVersion accepted an empty dataset name")
	}
}

func testEntriesUnknownVersion(t *testing.T, s ties.Store) {
	v := load(t, s, "csl", "h1", Records("csl", 1))
	var n int
	var lastErr error
	for _, err := range s.Entries(ctx, v.ID+1000) {
		n++
		lastErr = err
	}
	if n != 1 || lastErr == nil {
		t.Errorf("Entries of unknown version: %d yields, err %v; want one error", n, lastErr)
	}
}

func testEntriesStopEarly(t *testing.T, s ties.Store) {
	v := load(t, s, "csl", "h1", Records("csl", 50))
	n := 0
	for _, err := range s.Entries(ctx, v.ID) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		if n == 5 {
			break
		}
	}
	if n != 5 {
		t.Errorf("stopped after %d, want 5", n)
	}
	// Stopping early must release what the iterator held: a write still works.
	load(t, s, "csl", "h2", Records("csl", 1))
}

func testInForceEntries(t *testing.T, s ties.Store) {
	ie, ok := s.(InForceEntrieser)
	if !ok {
		t.Skip("store has no InForceEntries")
	}
	load(t, s, "csl", "c1", Records("csl", 2))
	csl2 := load(t, s, "csl", "c2", Records("csl", 3))
	sdn := load(t, s, "ofac-sdn", "s1", recordsOf(fullRecords()...))
	got := entries(t, ie.InForceEntries(ctx))
	count := map[int64]int{}
	for _, e := range got {
		count[e.VersionID]++
		if (e.VersionID == csl2.ID) != (e.Dataset == "csl") {
			t.Errorf("entry %s has VersionID %d and Dataset %q", e.Entity.ID, e.VersionID, e.Dataset)
		}
	}
	if want := map[int64]int{csl2.ID: 3, sdn.ID: 3}; !reflect.DeepEqual(count, want) {
		t.Errorf("InForceEntries per version = %v, want %v", count, want)
	}
	for _, e := range got {
		if e.Entity.ID == "ofac-sdn:36" && len(e.Designations) != 2 {
			t.Errorf("ofac-sdn:36 has %d designations, want 2", len(e.Designations))
		}
	}
}

func testVersionByHash(t *testing.T, s ties.Store) {
	vh, ok := s.(VersionByHasher)
	if !ok {
		t.Skip("store has no VersionByHash")
	}
	if _, found, err := vh.VersionByHash(ctx, "csl", "h1"); err != nil || found {
		t.Fatalf("VersionByHash on empty store = %v, %v", found, err)
	}
	v1 := load(t, s, "csl", "h1", Records("csl", 1))
	load(t, s, "csl", "h2", Records("csl", 1))
	got, found, err := vh.VersionByHash(ctx, "csl", "h1")
	if err != nil || !found || got.ID != v1.ID || got.InForce {
		t.Errorf("VersionByHash(csl, h1) = %+v, %v, %v; want version %d not in force", got, found, err, v1.ID)
	}
	if _, found, _ := vh.VersionByHash(ctx, "ofac-sdn", "h1"); found {
		t.Error("VersionByHash matched another dataset")
	}
	v3 := load(t, s, "csl", "h1", Records("csl", 1))
	got, found, err = vh.VersionByHash(ctx, "csl", "h1")
	if err != nil || !found || got.ID != v3.ID || !got.InForce {
		t.Errorf("VersionByHash after reload = %+v, %v, %v; want newest %d in force", got, found, err, v3.ID)
	}
}

func graphEntities(t *testing.T, s ties.Store) map[string]ties.Entity {
	t.Helper()
	m := map[string]ties.Entity{}
	for e, err := range s.GraphEntities(ctx) {
		if err != nil {
			t.Fatalf("GraphEntities: %v", err)
		}
		if _, dup := m[e.ID]; dup {
			t.Errorf("GraphEntities yields %s twice", e.ID)
		}
		m[e.ID] = e
	}
	return m
}

func allTies(t *testing.T, s ties.Store) []ties.Tie {
	t.Helper()
	var out []ties.Tie
	for tie, err := range s.Ties(ctx) {
		if err != nil {
			t.Fatalf("Ties: %v", err)
		}
		out = append(out, tie)
	}
	return out
}

func tieKeys(ts []ties.Tie) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.From+" "+string(t.Kind)+" "+t.To)
	}
	slices.Sort(out)
	return out
}

func org(id, name string) ties.Entity {
	return ties.Entity{ID: id, Kind: ties.KindOrganization, Names: []ties.Name{{Text: name, Type: ties.NamePrimary}}}
}

func testGraphPutReplace(t *testing.T, s ties.Store) {
	a := ties.Graph{
		Entities: []ties.Entity{org("msra", "Microsoft Research Asia"), org("cas", "Chinese Academy of Sciences")},
		Ties:     []ties.Tie{{From: "msra", To: "cas", Kind: ties.TieAffiliatedWith, Source: "a.ties:3"}},
	}
	b := ties.Graph{
		Entities: []ties.Entity{org("ror:0090r4d87", "Tsinghua University")},
		Ties:     []ties.Tie{{From: "ror:0090r4d87", To: "cas", Kind: ties.TieRelated}},
	}
	if err := s.PutGraph(ctx, "a.ties", a); err != nil {
		t.Fatal(err)
	}
	if err := s.PutGraph(ctx, "ror", b); err != nil {
		t.Fatal(err)
	}
	es := graphEntities(t, s)
	if len(es) != 3 || !reflect.DeepEqual(es["msra"], a.Entities[0]) || !reflect.DeepEqual(es["ror:0090r4d87"], b.Entities[0]) {
		t.Fatalf("GraphEntities = %+v", es)
	}
	if got, want := tieKeys(allTies(t, s)), []string{"msra affiliated_with cas", "ror:0090r4d87 related cas"}; !slices.Equal(got, want) {
		t.Fatalf("Ties = %v, want %v", got, want)
	}
	e, ok, err := s.GraphEntity(ctx, "cas")
	if err != nil || !ok || !reflect.DeepEqual(e, a.Entities[1]) {
		t.Errorf("GraphEntity(cas) = %+v, %v, %v", e, ok, err)
	}
	if _, ok, err := s.GraphEntity(ctx, "nope"); ok || err != nil {
		t.Errorf("GraphEntity(nope) = %v, %v; want not found", ok, err)
	}

	// Replacing a.ties drops what it no longer says and leaves ror alone.
	a2 := ties.Graph{
		Entities: []ties.Entity{org("msra", "MSRA")},
		Ties:     []ties.Tie{{From: "msra", To: "ror:0090r4d87", Kind: ties.TieCoauthored}},
	}
	if err := s.PutGraph(ctx, "a.ties", a2); err != nil {
		t.Fatal(err)
	}
	es = graphEntities(t, s)
	if msra := es["msra"]; len(es) != 2 || msra.PrimaryName() != "MSRA" {
		t.Errorf("after replace GraphEntities = %+v", es)
	}
	if _, ok, _ := s.GraphEntity(ctx, "cas"); ok {
		t.Error("entity dropped from its source is still there")
	}
	if got, want := tieKeys(allTies(t, s)), []string{"msra coauthored ror:0090r4d87", "ror:0090r4d87 related cas"}; !slices.Equal(got, want) {
		t.Errorf("after replace Ties = %v, want %v", got, want)
	}
	// An empty graph empties the source.
	if err := s.PutGraph(ctx, "a.ties", ties.Graph{}); err != nil {
		t.Fatal(err)
	}
	if got, want := tieKeys(allTies(t, s)), []string{"ror:0090r4d87 related cas"}; !slices.Equal(got, want) {
		t.Errorf("after emptying Ties = %v, want %v", got, want)
	}
	if es := graphEntities(t, s); len(es) != 1 {
		t.Errorf("after emptying GraphEntities = %+v", es)
	}
}

// testGraphSharedEntityID: the source put last wins an id defined twice,
// and replacing one source never loses the other's definition.
func testGraphSharedEntityID(t *testing.T, s ties.Store) {
	put := func(source, name string) {
		t.Helper()
		if err := s.PutGraph(ctx, source, ties.Graph{Entities: []ties.Entity{org("x", name)}}); err != nil {
			t.Fatal(err)
		}
	}
	name := func() string {
		t.Helper()
		e, ok, err := s.GraphEntity(ctx, "x")
		if err != nil || !ok {
			t.Fatalf("GraphEntity(x) = %v, %v", ok, err)
		}
		if es := graphEntities(t, s); len(es) != 1 || es["x"].Names[0].Text != e.PrimaryName() {
			t.Errorf("GraphEntities = %+v disagrees with GraphEntity %q", es, e.PrimaryName())
		}
		return e.PrimaryName()
	}
	put("a", "from a")
	put("b", "from b")
	if got := name(); got != "from b" {
		t.Errorf("after a, b: %q, want from b", got)
	}
	put("a", "from a again")
	if got := name(); got != "from a again" {
		t.Errorf("after re-putting a: %q, want from a again", got)
	}
	if err := s.PutGraph(ctx, "a", ties.Graph{}); err != nil {
		t.Fatal(err)
	}
	if got := name(); got != "from b" {
		t.Errorf("after a drops x: %q, want b's definition back", got)
	}
}

func testGraphFailedPutKeepsPrevious(t *testing.T, s ties.Store) {
	g := ties.Graph{Entities: []ties.Entity{org("x", "X")}, Ties: []ties.Tie{{From: "x", To: "y", Kind: ties.TieFunded}}}
	if err := s.PutGraph(ctx, "src", g); err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.PutGraph(cctx, "src", ties.Graph{}); err == nil {
		t.Fatal("PutGraph with a cancelled context succeeded")
	}
	if es := graphEntities(t, s); len(es) != 1 {
		t.Errorf("after failed put GraphEntities = %+v", es)
	}
	if ts := allTies(t, s); len(ts) != 1 {
		t.Errorf("after failed put Ties = %+v", ts)
	}
}

func testTiesRoundTrip(t *testing.T, s ties.Store) {
	want := []ties.Tie{
		{
			ID: "t1", From: "alice", To: "msra", Kind: ties.TieEmployedBy, Role: "researcher", Via: "Star Leap",
			Start: ties.MustDate("2019"), End: ties.MustDate("2021-07"),
			Evidence: []ties.Evidence{
				{Title: "Paper", Ref: "10.1000/xyz", Retrieved: ties.MustDate("2024-02-03"), Quote: "“quoted” text", Confidence: 0.8},
				{Ref: "https://example.org", Retrieved: ties.MustDate("2024")},
				{Title: "no date"},
			},
			Source: "a.ties:12",
		},
		{From: "sub", To: "parent", Kind: ties.TieOwnedBy, Share: 0.51, Start: ties.MustDate("2020-02-29")},
		{From: "x", To: "y", Kind: ties.TieRelated},
	}
	if err := s.PutGraph(ctx, "a.ties", ties.Graph{Ties: want}); err != nil {
		t.Fatal(err)
	}
	got := allTies(t, s)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Ties round trip:\n got %+v\nwant %+v", got, want)
	}
	for i, p := range []ties.Precision{ties.PrecisionYear, ties.PrecisionDay, ties.PrecisionNone} {
		if i < len(got) && got[i].Start.Precision() != p {
			t.Errorf("tie %d start precision = %v, want %v", i, got[i].Start.Precision(), p)
		}
	}
}

func links(t *testing.T, s ties.Store) map[string]ties.Link {
	t.Helper()
	ls, err := s.Links(ctx)
	if err != nil {
		t.Fatalf("Links: %v", err)
	}
	m := map[string]ties.Link{}
	for _, l := range ls {
		m[l.GraphID+">"+l.TargetID] = l
	}
	if len(m) != len(ls) {
		t.Errorf("Links has duplicate pairs: %+v", ls)
	}
	return m
}

func testLinks(t *testing.T, s ties.Store) {
	put := func(ls ...ties.Link) {
		t.Helper()
		if err := s.PutLinks(ctx, ls); err != nil {
			t.Fatalf("PutLinks: %v", err)
		}
	}
	put(ties.Link{GraphID: "msra", TargetID: "csl:1", Method: "name", Confidence: 0.5},
		ties.Link{GraphID: "cas", TargetID: "csl:2", Method: "identifier", Confidence: 0.7, Status: "proposed"})
	m := links(t, s)
	ab, cd := m["msra>csl:1"], m["cas>csl:2"]
	if ab.ID == 0 || cd.ID == 0 || ab.ID == cd.ID {
		t.Fatalf("link ids %d, %d", ab.ID, cd.ID)
	}
	if ab.Status != "proposed" || ab.Method != "name" || ab.Confidence != 0.5 {
		t.Errorf("new link = %+v", ab)
	}
	// A proposed link takes the new confidence.
	put(ties.Link{GraphID: "msra", TargetID: "csl:1", Method: "name", Confidence: 0.9})
	if got := links(t, s)["msra>csl:1"]; got.Confidence != 0.9 || got.ID != ab.ID || got.Status != "proposed" {
		t.Errorf("re-proposed link = %+v, want confidence 0.9 and id %d", got, ab.ID)
	}
	// Confirmed stays confirmed.
	if err := s.SetLinkStatus(ctx, ab.ID, "confirmed", "same ROR id"); err != nil {
		t.Fatal(err)
	}
	put(ties.Link{GraphID: "msra", TargetID: "csl:1", Method: "name", Confidence: 0.1})
	if got := links(t, s)["msra>csl:1"]; got.Status != "confirmed" || got.Reason != "same ROR id" || got.Confidence != 0.9 {
		t.Errorf("confirmed link after re-proposal = %+v", got)
	}
	// Rejected is never proposed again.
	if err := s.SetLinkStatus(ctx, cd.ID, "rejected", "different institute"); err != nil {
		t.Fatal(err)
	}
	put(ties.Link{GraphID: "cas", TargetID: "csl:2", Method: "name", Confidence: 0.99})
	if got := links(t, s)["cas>csl:2"]; got.Status != "rejected" || got.Reason != "different institute" || got.Confidence != 0.7 {
		t.Errorf("rejected link after re-proposal = %+v", got)
	}
	if n := len(links(t, s)); n != 2 {
		t.Errorf("%d links, want 2", n)
	}
	// A rejected link can be reopened explicitly.
	if err := s.SetLinkStatus(ctx, cd.ID, "proposed", ""); err != nil {
		t.Fatal(err)
	}
	if got := links(t, s)["cas>csl:2"]; got.Status != "proposed" || got.Reason != "" {
		t.Errorf("reopened link = %+v", got)
	}
	if err := s.SetLinkStatus(ctx, cd.ID+ab.ID+100, "confirmed", ""); err == nil {
		t.Error("SetLinkStatus on an unknown id succeeded")
	}
	if err := s.SetLinkStatus(ctx, ab.ID, "maybe", ""); err == nil {
		t.Error("SetLinkStatus accepted status \"maybe\"")
	}
	if err := s.PutLinks(ctx, []ties.Link{{GraphID: "a", TargetID: "b", Status: "maybe"}}); err == nil {
		t.Error("PutLinks accepted status \"maybe\"")
	}
	if got := links(t, s)["msra>csl:1"]; got.Status != "confirmed" {
		t.Errorf("failed calls changed a link: %+v", got)
	}
}

// testConcurrentUse runs loads, graph puts and reads from several
// goroutines; run with -race to check the store's own locking.
func testConcurrentUse(t *testing.T, s ties.Store) {
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for w := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 3 {
				ds := fmt.Sprintf("ds%d", w)
				if _, err := s.LoadVersion(ctx, ties.ListVersion{Dataset: ds, Hash: fmt.Sprint(i)}, Records(ds, 200)); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range 5 {
			if err := s.PutGraph(ctx, "g", ties.Graph{Entities: []ties.Entity{org("x", fmt.Sprint(i))}}); err != nil {
				errs <- err
				return
			}
			if err := s.PutLinks(ctx, []ties.Link{{GraphID: "x", TargetID: fmt.Sprint(i)}}); err != nil {
				errs <- err
				return
			}
		}
	}()
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 10 {
				inf, err := s.InForce(ctx)
				if err != nil {
					errs <- err
					return
				}
				for _, v := range inf {
					n := 0
					for _, err := range s.Entries(ctx, v.ID) {
						if err != nil {
							errs <- err
							return
						}
						n++
					}
					// A version is complete the moment it is visible.
					if n != v.Rows || n != 200 {
						errs <- fmt.Errorf("version %d in force with %d of %d rows", v.ID, n, v.Rows)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if inf := inForce(t, s); len(inf) != 3 {
		t.Errorf("InForce after concurrent loads = %v", ids(inf))
	}
	if vs := versions(t, s); len(vs) != 9 {
		t.Errorf("%d versions after concurrent loads, want 9", len(vs))
	}
	if ls := links(t, s); len(ls) != 5 {
		t.Errorf("%d links, want 5", len(ls))
	}
}
