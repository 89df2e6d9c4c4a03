package native

import (
	"errors"
	"strings"
	"testing"

	"ties"
	"ties/sources"
)

const small = `ties 1
org a "Alpha Group"  # trailing comment
  alias "Alpha"
  native 阿尔法
org b "Beta Lab"
  part_of a start 2020-01
person p "Pat Smith"
  student_at b role "PhD student"
tie a hosted p in 2023
  evidence "Press release" https://example.org/x retrieved 2025-07-20 confidence 0.9
  quote "He joined \"Alpha\"."
list EL "Entity List" "Bureau of Industry and Security"
listed b EL start 2022-12-16 authority "87 FR 77505"
`

func TestParseSmall(t *testing.T) {
	doc, err := Parse(strings.NewReader(small), "small.ties")
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Graph.Entities) != 3 || len(doc.Graph.Ties) != 3 {
		t.Fatalf("got %d entities and %d ties, want 3 and 3", len(doc.Graph.Entities), len(doc.Graph.Ties))
	}
	a := doc.Graph.Entities[0]
	if len(a.Names) != 3 || a.Names[2] != (ties.Name{Text: "阿尔法", Type: ties.NameNative, Lang: "zh"}) {
		t.Errorf("names of a: %+v", a.Names)
	}
	part := doc.Graph.Ties[0]
	if part.Kind != ties.TiePartOf || part.From != "b" || part.To != "a" || part.Start != ties.MustDate("2020-01") || part.Source != "small.ties:6" {
		t.Errorf("part_of tie: %+v", part)
	}
	hosted := doc.Graph.Ties[2]
	if len(hosted.Evidence) != 1 {
		t.Fatalf("evidence: %+v", hosted.Evidence)
	}
	ev := hosted.Evidence[0]
	if ev.Ref != "https://example.org/x" || ev.Confidence != 0.9 || ev.Retrieved != ties.MustDate("2025-07-20") || ev.Quote != `He joined "Alpha".` {
		t.Errorf("evidence: %+v", ev)
	}
	if len(doc.Records) != 1 || doc.Records[0].Entity.ID != "b" || doc.Records[0].Designations[0].SourceID != "small.ties:13" {
		t.Errorf("records: %+v", doc.Records)
	}
	if doc.EntityLines["p"] != 7 {
		t.Errorf("person p declared on line %d, want 7", doc.EntityLines["p"])
	}
}

func TestParseErrors(t *testing.T) {
	base := "org a \"A\"\norg b \"B\"\nperson p \"P\"\n"
	cases := []struct {
		name, input string
		line        int
		want        string
	}{
		{"unknown keyword", base + "company c \"C\"\n", 4, `unknown keyword "company"`},
		{"unknown attribute", base + "  colour red\n", 4, `unknown keyword "colour"`},
		{"missing endpoint", base + "tie a hosted zed\n", 4, `"zed" is not declared`},
		{"missing shorthand endpoint", base + "  part_of nowhere\n", 4, `"nowhere" is not declared`},
		{"bad month", base + "tie a hosted p start 2023-13-01\n", 4, "month 13"},
		{"bad day", base + "tie a hosted p in 2023-02-30\n", 4, "day 30"},
		{"cycle", base + "tie a part_of b\ntie b part_of a\n", 5, "cycle in part_of/subsidiary_of/owned_by: b -> a -> b"},
		{"self cycle via shorthand", "org a \"A\"\n  part_of a\n", 2, "to itself"},
		{"long cycle", "org a \"A\"\n  part_of b\norg b \"B\"\n  subsidiary_of c\norg c \"C\"\n  owned_by a share 0.6\n", 6, "c -> a -> b -> c"},
		{"duplicate key", base + "org a \"Again\"\n", 4, `duplicate key "a" (first declared on line 1)`},
		{"duplicate list", base + "list EL \"x\"\nlist EL \"y\"\n", 5, "duplicate key"},
		{"duplicate tie id", base + "tie a hosted p id t1\ntie b hosted p id t1\n", 5, `duplicate key: tie id "t1"`},
		{"unknown tie kind", base + "tie a befriended p\n", 4, `unknown tie kind "befriended"`},
		{"share above one", base + "tie a owned_by b share 1.5\n", 4, "share must be in"},
		{"negative share", base + "tie a owned_by b share -0.1\n", 4, "share must be in"},
		{"share percent", base + "tie a owned_by b share 150%\n", 4, "share must be in"},
		{"share on other kind", base + "tie a funded b share 0.5\n", 4, "share applies to owned_by"},
		{"unterminated quote", base + "org c \"C\n", 4, "unterminated"},
		{"indent first", "  alias x\n", 1, "belongs to no statement"},
		{"end before start", base + "tie a hosted p start 2023 end 2022\n", 4, "before it starts"},
		{"undeclared list", base + "listed a EL\n", 4, `list "EL" is not declared`},
		{"duplicate designation", base + "list EL \"E\"\nlisted a EL start 2020\nlisted a EL start 2020\n", 6, "already listed"},
		{"confidence range", base + "tie a hosted p\n  evidence \"x\" confidence 2\n", 5, "confidence"},
		{"quote without evidence", base + "tie a hosted p\n  quote \"x\"\n", 5, "quote before any evidence"},
		{"version", "ties 2\n", 1, "unsupported format version"},
		{"bad country", base + "  country China\n", 4, "ISO 3166-1"},
		{"via not program", base + "tie a hosted p via b\n", 4, "via b is a organization"},
		{"supports wrong end", base + "tie p supports_contract a\n", 4, "must end at a contract"},
		{"access unknown person", base + "contract k \"K\"\naccess 2024-01-01 q k\n", 5, `access person "q"`},
		{"rule without kind", base + "rule r status proposed\n", 4, "needs both status and kind"},
		{"rule bad status", base + "rule r status maybe kind x\n", 4, "rule status"},
		{"qualification range", base + "  qualification 12\n", 3 + 1, "level from 1 to 9"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc, err := Parse(strings.NewReader(c.input), "bad.ties")
			if err == nil {
				t.Fatalf("no error; doc %+v", doc)
			}
			if doc != nil {
				t.Error("doc returned with an error: parsing must be all-or-nothing")
			}
			var se *sources.Error
			if !errors.As(err, &se) {
				t.Fatalf("error %v is not a *sources.Error", err)
			}
			if se.File != "bad.ties" || se.Line != c.line {
				t.Errorf("error at %s:%d, want bad.ties:%d (%v)", se.File, se.Line, c.line, err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not contain %q", err, c.want)
			}
		})
	}
}

func TestSplitLineRoundTrip(t *testing.T) {
	for _, s := range []string{"plain", "two words", `with "quotes"`, `back\slash`, "#hash", "", "tab\there", "line\nbreak"} {
		toks, err := splitLine("x " + quote(s) + " y")
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		if len(toks) != 3 || toks[1] != s {
			t.Errorf("%q -> %q", s, toks)
		}
	}
}

func FuzzNative(f *testing.F) {
	f.Add(small)
	f.Add("org a \"A\"\n  part_of b\norg b \"B\"\n  part_of a\n")
	f.Add("tie a hosted b start 2023-13-01\n")
	f.Add("ties 1\nperson p \"P\"\n  located CN\n  qualification 3\ncontract k \"K\"\n  customer d\norg d \"D\"\naccess 2024-01-01 p k escort p\n")
	f.Add("rule r status proposed kind affiliates_of root cas\n")
	f.Add("org a \"unterminated\n")
	f.Fuzz(func(t *testing.T, input string) {
		doc, err := Parse(strings.NewReader(input), "fuzz.ties")
		if err != nil {
			var se *sources.Error
			if !errors.As(err, &se) || se.Line < 1 {
				t.Fatalf("error without a line: %v", err)
			}
			if doc != nil {
				t.Fatal("doc returned with an error")
			}
			return
		}
		ids := map[string]bool{}
		for _, e := range doc.Graph.Entities {
			if ids[e.ID] {
				t.Fatalf("duplicate entity %s", e.ID)
			}
			ids[e.ID] = true
		}
		for _, tie := range doc.Graph.Ties {
			if !ids[tie.From] || !ids[tie.To] {
				t.Fatalf("dangling tie %+v", tie)
			}
			if tie.Share < 0 || tie.Share > 1 {
				t.Fatalf("share out of range: %+v", tie)
			}
		}
	})
}

// quote renders s as a token that splitLine reads back as s.
func quote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\"\\#\n") {
		return s
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}
