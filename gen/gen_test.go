package gen

import (
	"bytes"
	"strings"
	"testing"
	"unicode"

	"ties"
	"ties/sources/ftm"
)

func TestDeterministicAndLoadable(t *testing.T) {
	var a, b, c bytes.Buffer
	for _, w := range []struct {
		buf  *bytes.Buffer
		seed uint64
	}{{&a, 7}, {&b, 7}, {&c, 8}} {
		if err := Write(w.buf, Options{Entities: 2000, Seed: w.seed}); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) || bytes.Equal(a.Bytes(), c.Bytes()) {
		t.Fatal("output is not a function of the seed")
	}
	kinds := map[ties.EntityKind]int{}
	scripts := map[string]bool{}
	births, ids, n := 0, 0, 0
	for r, err := range ftm.Parse(bytes.NewReader(a.Bytes()), "gen.ftm.json") {
		if err != nil {
			t.Fatal(err)
		}
		n++
		kinds[r.Entity.Kind]++
		if len(r.Designations) == 0 || len(r.Entity.Countries) == 0 {
			t.Errorf("%s: no designation or country", r.Entity.ID)
		}
		for _, d := range r.Entity.Dates {
			if d.Type == "birth" {
				births++
			}
		}
		if len(r.Entity.Identifiers) > 0 {
			ids++
		}
		for _, nm := range r.Entity.Names {
			for _, s := range []*unicode.RangeTable{unicode.Cyrillic, unicode.Arabic, unicode.Han, unicode.Hangul} {
				if strings.IndexFunc(nm.Text, func(r rune) bool { return unicode.Is(s, r) }) >= 0 {
					scripts[map[*unicode.RangeTable]string{unicode.Cyrillic: "Cyrillic", unicode.Arabic: "Arabic", unicode.Han: "Han", unicode.Hangul: "Hangul"}[s]] = true
				}
			}
		}
	}
	if n != 2000 {
		t.Fatalf("%d entities read, want 2000", n)
	}
	if p := kinds[ties.KindPerson]; p < 1100 || p > 1400 {
		t.Errorf("%d people of 2000, want about 62 %%", p)
	}
	if len(scripts) != 4 || births < 700 || ids < 300 {
		t.Errorf("scripts %v, %d birth dates, %d with identifiers", scripts, births, ids)
	}
}

func FuzzWrite(f *testing.F) {
	f.Add(uint64(1), 10)
	f.Fuzz(func(t *testing.T, seed uint64, n int) {
		n = max(0, n%200)
		var buf bytes.Buffer
		if err := Write(&buf, Options{Entities: n, Seed: seed}); err != nil {
			t.Fatal(err)
		}
		got := 0
		for _, err := range ftm.Parse(bytes.NewReader(buf.Bytes()), "gen") {
			if err != nil {
				t.Fatal(err)
			}
			got++
		}
		if got != n {
			t.Fatalf("%d entities read back, want %d", got, n)
		}
	})
}
