package sqlite

import (
	"compress/gzip"
	"context"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"testing"
	"ties/internal/testdata"

	"ties"
	"ties/sources/csl"
)

// syntheticRecords yields n records shaped like CSL entries: three names,
// an address, an identifier, one designation.
func syntheticRecords(n int) iter.Seq2[ties.Record, error] {
	lists := []ties.List{{ID: "EL", Name: "Entity List", Authority: "BIS"}}
	return func(yield func(ties.Record, error) bool) {
		for i := range n {
			id := fmt.Sprintf("csl:%08x", i)
			r := ties.Record{
				Entity: ties.Entity{
					ID:   id,
					Kind: ties.KindOrganization,
					Names: []ties.Name{
						{Text: fmt.Sprintf("Shenzhen Example Technology %d Co., Ltd.", i), Type: ties.NamePrimary},
						{Text: fmt.Sprintf("Example Tech %d", i), Type: ties.NameAlias},
						{Text: fmt.Sprintf("ET%d", i), Type: ties.NameAbbreviation},
					},
					Countries:   []string{"CN"},
					Addresses:   []ties.Address{{Text: fmt.Sprintf("%d Science Park Road, Shenzhen", i), Country: "CN"}},
					Identifiers: []ties.Identifier{{Scheme: "registration", Value: fmt.Sprint(9000000 + i)}},
				},
				Designations: []ties.Designation{{
					EntityID: id, ListID: "EL", SourceID: fmt.Sprint(i), Start: ties.MustDate("2020-05-22"),
					Authority: "85 FR 34495", LicensePolicy: "Presumption of denial",
					SourceURL: "https://www.federalregister.gov/documents/2020/06/05/2020-10869",
				}},
				Lists: lists,
			}
			if !yield(r, nil) {
				return
			}
		}
	}
}

func benchStore(b *testing.B) *Store {
	b.Helper()
	s, err := Open(filepath.Join(b.TempDir(), "ties.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// BenchmarkLoadVersion loads 14k synthetic records (the size of the CSL).
func BenchmarkLoadVersion(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		v, err := s.LoadVersion(ctx, ties.ListVersion{Dataset: "csl"}, syntheticRecords(14000))
		if err != nil {
			b.Fatal(err)
		}
		if v.Rows != 14000 {
			b.Fatalf("rows = %d", v.Rows)
		}
	}
}

// BenchmarkEntries reads back 35k entities with 105k names, the size of all
// lists together.
func BenchmarkEntries(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	v, err := s.LoadVersion(ctx, ties.ListVersion{Dataset: "csl"}, syntheticRecords(35000))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		for _, err := range s.Entries(ctx, v.ID) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 35000 {
			b.Fatalf("%d entries", n)
		}
	}
}

// sharedData finds ../shared/data next to the repository root.
func sharedData(tb testing.TB, rel string) string {
	tb.Helper()
	return testdata.Dir(tb, rel)
}

func cslRecords(tb testing.TB, path string) iter.Seq2[ties.Record, error] {
	return func(yield func(ties.Record, error) bool) {
		f, err := os.Open(path)
		if err != nil {
			yield(ties.Record{}, err)
			return
		}
		defer f.Close()
		zr, err := gzip.NewReader(f)
		if err != nil {
			yield(ties.Record{}, err)
			return
		}
		for r, err := range csl.Parse(zr, path) {
			if !yield(r, err) || err != nil {
				return
			}
		}
	}
}

// BenchmarkLoadCSL parses and loads the real 2022-05 consolidated list.
func BenchmarkLoadCSL(b *testing.B) {
	path := sharedData(b, "csl/consolidated-2022-05.csv.gz")
	s := benchStore(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.LoadVersion(ctx, ties.ListVersion{Dataset: "csl", Origin: path}, cslRecords(b, path)); err != nil {
			b.Fatal(err)
		}
	}
}

// TestLoadRealCSL checks the real CSL survives the round trip whole.
func TestLoadRealCSL(t *testing.T) {
	if testing.Short() {
		t.Skip("loads a real list")
	}
	path := sharedData(t, "csl/consolidated-2022-05.csv.gz")
	var want []ties.Record
	for r, err := range cslRecords(t, path) {
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, r)
	}
	s, err := Open(filepath.Join(t.TempDir(), "ties.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	v, err := s.LoadVersion(ctx, ties.ListVersion{Dataset: "csl", Origin: path}, cslRecords(t, path))
	if err != nil {
		t.Fatal(err)
	}
	if v.Rows != len(want) {
		t.Fatalf("Rows = %d, parsed %d", v.Rows, len(want))
	}
	i := 0
	for e, err := range s.Entries(ctx, v.ID) {
		if err != nil {
			t.Fatal(err)
		}
		if i >= len(want) {
			t.Fatalf("more entries than records")
		}
		w := want[i]
		if e.Entity.ID != w.Entity.ID || len(e.Entity.Names) != len(w.Entity.Names) || len(e.Designations) != len(w.Designations) {
			t.Fatalf("entry %d = %s (%d names, %d designations), want %s (%d, %d)", i, e.Entity.ID,
				len(e.Entity.Names), len(e.Designations), w.Entity.ID, len(w.Entity.Names), len(w.Designations))
		}
		i++
	}
	if i != len(want) {
		t.Errorf("%d entries, want %d", i, len(want))
	}
	ls, err := s.Lists(ctx)
	if err != nil || len(ls) == 0 {
		t.Errorf("Lists = %v, %v", ls, err)
	}
}
