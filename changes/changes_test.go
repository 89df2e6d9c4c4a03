package changes

import (
	"slices"
	"strings"
	"testing"
	"time"

	"ties"
)

func entry(id, name string, aliases []string, ds ...ties.Designation) ties.Entry {
	e := ties.Entry{Record: ties.Record{Entity: ties.Entity{ID: id, Kind: ties.KindOrganization, Names: []ties.Name{{Text: name, Type: ties.NamePrimary}}}}}
	for _, a := range aliases {
		e.Entity.Names = append(e.Entity.Names, ties.Name{Text: a, Type: ties.NameAlias})
	}
	e.Designations = ds
	return e
}

func el(src, start, authority string) ties.Designation {
	return ties.Designation{ListID: "EL", SourceID: src, Start: ties.MustDate(start), Authority: authority}
}

func TestCompute(t *testing.T) {
	ict := entry("csl:ict", "Institute of Computing Technology", []string{"ICT CAS"}, el("ict", "2022-12-16", "87 FR 77505"))
	gone := entry("csl:gone", "Delisted Co", nil, el("gone", "2019-01-01", "84 FR 1"))
	same := entry("csl:same", "Same Co", nil, el("same", "2020-01-01", "85 FR 2"))
	old := []ties.Entry{ict, gone, same}

	ict2 := entry("csl:ict", "Institute of Computing Technology", []string{"ICT CAS", "ICT Beijing"}, el("ict", "2022-12-16", "89 FR 9"))
	ict2.Designations[0].End = ties.MustDate("2026-01-01")
	ict2.Entity.Addresses = []ties.Address{{Text: "No. 6 Kexueyuan South Road", Country: "CN"}}
	added := entry("csl:new", "New Co", nil, el("new", "2024-05-09", "89 FR 41888"))
	cs := Compute("csl", 1, 2, old, []ties.Entry{same, ict2, added}, time.Unix(0, 0))

	if cs.Added != 1 || cs.Removed != 1 || cs.Amended != 1 || len(cs.Changes) != 3 || cs.From != 1 || cs.To != 2 || cs.Dataset != "csl" {
		t.Fatalf("change set: %+v", cs)
	}
	kinds := []string{}
	for _, c := range cs.Changes {
		kinds = append(kinds, string(c.Kind)+" "+c.EntityID)
	}
	if want := []string{"amended csl:ict", "added csl:new", "removed csl:gone"}; !slices.Equal(kinds, want) {
		t.Errorf("changes %v; want %v", kinds, want)
	}
	am := cs.Changes[0]
	fields := map[string]ties.FieldChange{}
	for _, f := range am.Fields {
		fields[f.Field+"/"+f.Detail] = f
	}
	if f := fields["names/alias"]; !slices.Equal(f.Added, []string{"ICT Beijing"}) || len(f.Removed) != 0 {
		t.Errorf("alias change: %+v", f)
	}
	if f := fields["designations/EL ict: end"]; f.Old != "" || f.New != "2026-01-01" {
		t.Errorf("end date change: %+v (fields %v)", f, FieldNames(am))
	}
	if f := fields["designations/EL ict: authority"]; f.Old != "87 FR 77505" || f.New != "89 FR 9" {
		t.Errorf("notice change: %+v", f)
	}
	if f := fields["addresses/"]; len(f.Added) != 1 || !strings.Contains(f.Added[0], "(CN)") {
		t.Errorf("address change: %+v", f)
	}
	if got := FieldNames(am); !slices.Equal(got, []string{"names", "addresses", "designations"}) {
		t.Errorf("field names %v", got)
	}
	d := Describe(am)
	for _, want := range []string{`added "ICT Beijing"`, `end: "" -> "2026-01-01"`, "89 FR 9"} {
		if !strings.Contains(d, want) {
			t.Errorf("Describe: %s; want %q in it", d, want)
		}
	}
	if am.EntryHash == cs.Changes[2].EntryHash || am.EntryHash != EntryHash(ict2.Record) || am.List != "EL" || am.SourceID != "ict" {
		t.Errorf("amended change: %+v", am)
	}
	if f := Filter(cs, "el"); f.Added+f.Removed+f.Amended != 3 {
		t.Errorf("filter EL: %+v", f)
	}
	if f := Filter(cs, "SDN"); len(f.Changes) != 0 || f.Added != 0 || cs.Added != 1 {
		t.Errorf("filter SDN: %+v (original %+v)", f, cs)
	}
}

func TestComputeIdentical(t *testing.T) {
	es := []ties.Entry{entry("a", "A", []string{"x"}, el("a", "2020", "")), entry("b", "B", nil)}
	cs := Compute("d", 3, 4, es, slices.Clone(es), time.Now())
	if len(cs.Changes) != 0 || cs.Added+cs.Removed+cs.Amended != 0 || cs.Changes == nil {
		t.Errorf("identical versions: %+v", cs)
	}
	first := Compute("d", 0, 1, nil, es, time.Now())
	if first.Added != 2 || first.From != 0 {
		t.Errorf("first version: %+v", first)
	}
}

func TestEntryHash(t *testing.T) {
	a := entry("a", "A", []string{"x", "y"}, el("a", "2020", "85 FR 1"), el("b", "2021", ""))
	b := entry("a", "A", []string{"y", "x"}, el("b", "2021", ""), el("a", "2020", "85 FR 1"))
	if EntryHash(a.Record) != EntryHash(b.Record) {
		t.Error("the hash depends on the order of names or designations")
	}
	b.Entity.Remarks = "a remark is not what reviewers judge"
	b.Entity.Addresses = []ties.Address{{Text: "somewhere"}}
	if EntryHash(a.Record) != EntryHash(b.Record) {
		t.Error("remarks or addresses change the hash")
	}
	for name, mod := range map[string]func(*ties.Entry){
		"alias": func(e *ties.Entry) {
			e.Entity.Names = append(e.Entity.Names, ties.Name{Text: "z", Type: ties.NameAlias})
		},
		"end date":  func(e *ties.Entry) { e.Designations[0].End = ties.MustDate("2025") },
		"authority": func(e *ties.Entry) { e.Designations[1].Authority = "90 FR 3" },
	} {
		c := entry("a", "A", []string{"x", "y"}, el("a", "2020", "85 FR 1"), el("b", "2021", ""))
		mod(&c)
		if EntryHash(c.Record) == EntryHash(a.Record) {
			t.Errorf("a new %s leaves the hash as it was", name)
		}
	}
}
