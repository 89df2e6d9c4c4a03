package match

import (
	"math/rand/v2"
	"testing"

	"ties"
)

// osaDistance is the plain optimal string alignment distance, the
// reference for levDistASCII.
func osaDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

func randomWord(r *rand.Rand) string {
	b := make([]byte, r.IntN(10))
	for i := range b {
		b[i] = "abcde"[r.IntN(5)]
	}
	return string(b)
}

func TestLevDistLimit(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 3000 {
		a, b := randomWord(r), randomWord(r)
		want := osaDistance(a, b)
		for limit := 0; limit <= 10; limit++ {
			got := levDistASCII(a, b, limit)
			if want <= limit && got != want || want > limit && got <= limit {
				t.Fatalf("levDistASCII(%q, %q, %d) = %d, distance is %d", a, b, limit, got, want)
			}
		}
	}
}

func TestJaroWinklerASCII(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 3000 {
		a, b := randomWord(r), randomWord(r)
		if got, want := jaroWinklerASCII(a, b), jaroWinkler(a, b); got != want {
			t.Fatalf("jaroWinklerASCII(%q, %q) = %v, jaroWinkler gives %v", a, b, got, want)
		}
	}
}

// Search scores with memoized token similarities and bounded edit
// distances; its scores must be those Compare gives name by name.
func TestSearchScoresAsCompare(t *testing.T) {
	person := func(id string, ns ...string) ties.Record {
		rec := ties.Record{Entity: ties.Entity{ID: id, Kind: ties.KindPerson}}
		for _, n := range ns {
			rec.Entity.Names = append(rec.Entity.Names, ties.Name{Text: n, Type: ties.NameAlias})
		}
		rec.Designations = []ties.Designation{{EntityID: id, ListID: "X", SourceID: id}}
		return rec
	}
	ix := Build(Entries([]ties.Record{
		person("p1", "Mohammed Ali HASSAN", "Muhammad Ali Hasan", "Abu Ali"),
		person("p2", "HUSSEIN, Mohamed", "Husayn Muhammad"),
		person("p3", "XI, Jinping", "Xi Jin Ping"),
		person("p4", "Igor Ivanovich SECHIN", "Igor Setchin"),
		person("p5", "Antonia Rodriguez", "Antonio Rodrigues"),
		person("p6", "Alexander Ivanov", "Aleksandr Ivanoff", "Alexandr Iwanow"),
	}, 1, "test"))
	queries := []string{"Mohamed Ali Hassan", "Hussein Mohammed", "Jin Ping Xi", "Xi Jinping",
		"Ig0r Sech1n", "Antonio Rodriguez", "Alexandr Ivanov", "Ali Hasan Muhammad", "Igor Sechin Ivanovich"}
	found := 0
	for _, q := range queries {
		for _, m := range ix.Search(Query{Text: q, Kind: ties.KindPerson, Threshold: 0.5}) {
			found++
			want := -1.0
			for _, n := range ix.entities[entityIndex(ix, m.EntityID)].entry.Entity.Names {
				want = max(want, Compare(q, n.Text, kindOf(ties.KindPerson)).Score)
			}
			if m.Score != round3(want) {
				t.Errorf("Search(%q) scores %s %.3f, Compare gives %.3f", q, m.EntityID, m.Score, want)
			}
		}
	}
	if found < len(queries) {
		t.Errorf("only %d matches for %d queries", found, len(queries))
	}
}

func entityIndex(ix *Index, id string) int {
	for i := range ix.entities {
		if ix.entities[i].entry.Entity.ID == id {
			return i
		}
	}
	return -1
}
