package match

import (
	"math"
	"strings"
	"sync"
	"testing"

	"ties"
	"ties/names"
)

func TestCompareBoundsAndSymmetry(t *testing.T) {
	pairs := [][2]string{
		{"Vladimir Putin", "Putin, Vladimir"},
		{"Hans J Friedrich", "Hans Joachim Friedrich"},
		{"Siemens AG", "Siemens Aktiengesellschaft"},
		{"Ig0r Sech1n", "Igor Sechin"},
		{"", "x"},
		{"Angela Merkel", "Olaf Scholz"},
		{"习近平", "Xi Jinping"},
	}
	for _, p := range pairs {
		for _, k := range []names.Kind{names.Unknown, names.Person, names.Organization} {
			ab := Compare(p[0], p[1], k).Score
			ba := Compare(p[1], p[0], k).Score
			if ab < 0 || ab > 1 {
				t.Errorf("Compare(%q,%q) = %v, outside [0,1]", p[0], p[1], ab)
			}
			if math.Abs(ab-ba) > 1e-9 {
				t.Errorf("Compare(%q,%q)=%v but reversed %v", p[0], p[1], ab, ba)
			}
		}
	}
}

func TestCompareKnownPairs(t *testing.T) {
	cases := []struct {
		a, b  string
		kind  names.Kind
		match bool
	}{
		{"Vladimir Putin", "Vladimir Putin", names.Person, true},
		{"Putin, Vladimir", "Vladimir Putin", names.Person, true},
		{"Vladimir Vladimirovich Putin", "Vladimir Putin", names.Person, true},
		{"Hans J Friedrich", "Hans Joachim Friedrich", names.Person, true},
		{"Hans O Friedrich", "Hans Joachim Friedrich", names.Person, false},
		{"SergeiLavrov", "Sergei Lavrov", names.Person, true},
		{"Xi Jin Ping", "Xi Jinping", names.Person, true},
		{"Jinping Xi", "Xi Jinping", names.Person, true},
		{"Siemens AG", "Siemens Aktiengesellschaft", names.Organization, true},
		{"Angela Merkel", "Olaf Scholz", names.Person, false},
		{"Usama bin Laden", "Shaikh Isa Bin Tarif Al Bin Ali", names.Person, false},
	}
	for _, c := range cases {
		r := Compare(c.a, c.b, c.kind)
		if (r.Score >= DefaultThreshold) != c.match {
			t.Errorf("Compare(%q, %q) = %.3f (%s), want match=%v", c.a, c.b, r.Score, r.AlignmentText(), c.match)
		}
	}
}

func TestCompareHan(t *testing.T) {
	for _, b := range []string{"Xi Jinping", "Jinping Xi", "XI Jin-ping"} {
		r := Compare("习近平", b, names.Person)
		if r.Score < DefaultThreshold {
			t.Errorf("习近平 ~ %q = %.3f (%s), want a match", b, r.Score, r.AlignmentText())
		}
		if len(r.Steps) == 0 {
			t.Errorf("习近平 ~ %q: no transformation steps in the result", b)
		}
	}
}

func TestCompareHanHomophones(t *testing.T) {
	// Same reading, different characters: different people.
	if r := Compare("高石早苗", "高市早苗", names.Person); r.Score >= DefaultThreshold {
		t.Errorf("高石早苗 ~ 高市早苗 = %.3f (%s), want no match", r.Score, r.AlignmentText())
	}
	if r := Compare("習近平", "习近平", names.Person); r.Score < DefaultThreshold {
		t.Errorf("traditional 習近平 ~ simplified 习近平 = %.3f, want a match", r.Score)
	}
}

func TestCompareWadeGiles(t *testing.T) {
	r := Compare("Hsi Chin-ping", "Xi Jinping", names.Person)
	if r.Score < DefaultThreshold {
		t.Errorf("Hsi Chin-ping ~ Xi Jinping = %.3f (%s)", r.Score, r.AlignmentText())
	}
	if !strings.Contains(strings.Join(r.Steps, "; "), "Wade-Giles") {
		t.Errorf("steps do not mention Wade-Giles: %q", r.Steps)
	}
}

func fixture() []ties.Entry {
	recs := []ties.Record{
		{Entity: ties.Entity{ID: "csl:1", Kind: ties.KindOrganization, Countries: []string{"CN"}, Names: []ties.Name{
			{Text: "Chinese Academy of Sciences Institute of Computing Technology", Type: ties.NamePrimary},
			{Text: "ICT CAS", Type: ties.NameAbbreviation},
			{Text: "中国科学院计算技术研究所", Type: ties.NameNative, Source: "ror:0090r4d87"},
		}}, Designations: []ties.Designation{{EntityID: "csl:1", ListID: "EL", SourceID: "x1", Start: ties.MustDate("2022-12-16"), Authority: "87 FR 77505"}}},
		{Entity: ties.Entity{ID: "un:2", Kind: ties.KindPerson, Countries: []string{"AF"}, Names: []ties.Name{
			{Text: "Abdul Ghani Baradar", Type: ties.NamePrimary},
			{Text: "Mullah Baradar Akhund", Type: ties.NameAlias},
		}}, Designations: []ties.Designation{{EntityID: "un:2", ListID: "UN", SourceID: "TAi.024", Start: ties.MustDate("2001-02-23")}}},
		{Entity: ties.Entity{ID: "sdn:3", Kind: ties.KindVessel, Names: []ties.Name{{Text: "Abdul Ghani Baradar", Type: ties.NamePrimary}}},
			Designations: []ties.Designation{{EntityID: "sdn:3", ListID: "SDN", SourceID: "99"}}},
		{Entity: ties.Entity{ID: "x:5", Kind: ties.KindPerson, Names: []ties.Name{{Text: "XI, Jinping", Type: ties.NamePrimary}}},
			Designations: []ties.Designation{{EntityID: "x:5", ListID: "X", SourceID: "5"}}},
		{Entity: ties.Entity{ID: "csl:4", Kind: ties.KindOrganization, Countries: []string{"RU"}, Names: []ties.Name{
			{Text: "Siemens Aktiengesellschaft", Type: ties.NamePrimary}}},
			Designations: []ties.Designation{{EntityID: "csl:4", ListID: "EL", SourceID: "x4"}}},
	}
	return Entries(recs, 7, "test")
}

func TestSearchAlias(t *testing.T) {
	ix := Build(fixture())
	ms := ix.Search(Query{Text: "ICT CAS"})
	if len(ms) == 0 || ms[0].EntityID != "csl:1" {
		t.Fatalf("ICT CAS: got %+v, want csl:1 first", ms)
	}
	m := ms[0]
	if m.MatchedName != "ICT CAS" || m.Name != "Chinese Academy of Sciences Institute of Computing Technology" {
		t.Errorf("matched %q of %q", m.MatchedName, m.Name)
	}
	if m.ListID != "EL" || m.Authority != "87 FR 77505" || m.ListedOn != ties.MustDate("2022-12-16") || m.VersionID != 7 || m.Dataset != "test" {
		t.Errorf("designation info wrong: %+v", m)
	}
	if !strings.Contains(m.Explanation, "ict=ict (1.00)") {
		t.Errorf("explanation lacks alignment: %s", m.Explanation)
	}
}

func TestSearchFullName(t *testing.T) {
	ix := Build(fixture())
	ms := ix.Search(Query{Text: "Institute of Computing Technology, Chinese Academy of Sciences"})
	if len(ms) == 0 || ms[0].EntityID != "csl:1" {
		t.Fatalf("got %+v, want csl:1", ms)
	}
}

func TestSearchHan(t *testing.T) {
	ix := Build(fixture())
	ms := ix.Search(Query{Text: "中国科学院计算技术研究所"})
	if len(ms) == 0 || ms[0].EntityID != "csl:1" {
		t.Fatalf("got %+v, want csl:1", ms)
	}
	if !strings.Contains(ms[0].Explanation, "ror:0090r4d87") {
		t.Errorf("explanation does not name the source of the linked name: %s", ms[0].Explanation)
	}
	for _, q := range []string{"习近平", "Jinping Xi", "Hsi Chin-ping"} {
		ms = ix.Search(Query{Text: q, Kind: ties.KindPerson})
		if len(ms) == 0 || ms[0].EntityID != "x:5" {
			t.Errorf("%s: got %+v, want x:5", q, ms)
			continue
		}
		t.Logf("%s: %s", q, ms[0].Explanation)
	}
}

func TestSearchFilters(t *testing.T) {
	ix := Build(fixture())
	all := ix.Search(Query{Text: "Abdul Ghani Baradar"})
	if len(all) != 2 {
		t.Fatalf("unfiltered: got %d matches, want 2: %+v", len(all), all)
	}
	if ms := ix.Search(Query{Text: "Abdul Ghani Baradar", Kind: ties.KindPerson}); len(ms) != 1 || ms[0].EntityID != "un:2" {
		t.Errorf("kind filter: %+v", ms)
	}
	if ms := ix.Search(Query{Text: "Abdul Ghani Baradar", Lists: []string{"sdn"}}); len(ms) != 1 || ms[0].EntityID != "sdn:3" {
		t.Errorf("list filter: %+v", ms)
	}
	if ms := ix.Search(Query{Text: "Abdul Ghani Baradar", Countries: []string{"af"}}); len(ms) != 1 || ms[0].EntityID != "un:2" {
		t.Errorf("country filter: %+v", ms)
	}
	if ms := ix.Search(Query{Text: "Abdul Ghani Baradar", Limit: 1}); len(ms) != 1 {
		t.Errorf("limit: %d matches", len(ms))
	}
	if ms := ix.Search(Query{Text: "Angela Merkel"}); len(ms) != 0 {
		t.Errorf("unrelated name matched: %+v", ms)
	}
}

func TestSearchConcurrent(t *testing.T) {
	ix := Build(fixture())
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 50; j++ {
				if ms := ix.Search(Query{Text: "Siemens AG"}); len(ms) != 1 || ms[0].EntityID != "csl:4" {
					t.Errorf("got %+v", ms)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func FuzzCompare(f *testing.F) {
	f.Add("Vladimir Putin", "Putin, Vladimir", 1)
	f.Add("习近平", "Xi Jinping", 1)
	f.Add("Siemens AG", "SiemensAG", 2)
	f.Add("", "a b c", 0)
	f.Add("l l c", "LLC", 2)
	f.Fuzz(func(t *testing.T, a, b string, k int) {
		kind := names.Kind(((k % 3) + 3) % 3)
		r := Compare(a, b, kind)
		if r.Score < 0 || r.Score > 1 || math.IsNaN(r.Score) {
			t.Fatalf("Compare(%q,%q) = %v", a, b, r.Score)
		}
		if s := Compare(b, a, kind).Score; math.Abs(s-r.Score) > 1e-9 {
			t.Fatalf("asymmetric: %v vs %v", r.Score, s)
		}
	})
}

// Scores read how a form was made from names.Form's typed fields, never
// from the words of its Steps: rewording an explanation changes no score.
func TestRewordedStepsChangeNoScore(t *testing.T) {
	p := DefaultParams()
	pairs := [][2]string{
		{"习近平", "Hsi Chin-ping"}, {"XI, Jinping", "Xi Jinping"}, {"Chinese Academy of Sciences", "CAS"},
		{"أيمن الظواهري", "Ayman al-Zawahiri"}, {"Siemens Aktiengesellschaft", "Siemens AG"},
	}
	reworded := func(raw string, kind names.Kind) []prepared {
		forms := names.Forms(raw, kind)
		for fi := range forms {
			steps := make([]string, len(forms[fi].Steps))
			for i := range steps {
				steps[i] = "step " + strings.Repeat("x", i+1)
			}
			forms[fi].Steps = steps
		}
		return prepareForms(raw, forms, kind, &p)
	}
	for _, pr := range pairs {
		for _, kind := range []names.Kind{names.Unknown, names.Person, names.Organization} {
			sc := &scoring{kind: kind, p: &p, queryA: true, queryB: true}
			want := comparePrepared(prepareName(pr[0], kind, &p), prepareName(pr[1], kind, &p), sc).Score
			got := comparePrepared(reworded(pr[0], kind), reworded(pr[1], kind), sc).Score
			if got != want {
				t.Errorf("%q ~ %q (%v): %.4f with reworded steps, %.4f as written", pr[0], pr[1], kind, got, want)
			}
		}
	}
}
