package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"ties/match"

	"ties"
)

const ictHan = "中国科学院计算技术研究所"

func loadLinked(t *testing.T, db string, files ...string) {
	t.Helper()
	mustRun(t, db, append([]string{"load"}, files...)...)
	mustRun(t, db, "link", "propose")
}

func linksOf(t *testing.T, db string) []ties.Link {
	t.Helper()
	var links []ties.Link
	if err := json.Unmarshal([]byte(mustRun(t, db, "link", "--json")), &links); err != nil {
		t.Fatal(err)
	}
	return links
}

func findLink(links []ties.Link, graphID, targetPrefix string) (ties.Link, bool) {
	for _, l := range links {
		if l.GraphID == graphID && strings.HasPrefix(l.TargetID, targetPrefix) {
			return l, true
		}
	}
	return ties.Link{}, false
}

// screenOne runs `screen --json name` and returns its matches.
func screenOne(t *testing.T, db, name string) []match.MatchJSON {
	t.Helper()
	res := decodeScreen(t, mustRun(t, db, "screen", "--json", name))
	if len(res) != 1 || res[0].Query != name {
		t.Fatalf("screen %s: %+v", name, res)
	}
	return res[0].Matches
}

func TestScreenFindsICTByRORName(t *testing.T) {
	data := needShared(t)
	db := filepath.Join(t.TempDir(), "ties.db")
	mustRun(t, db, "load", filepath.Join(data, "ror", "ror_cas_microsoft_subset.jsonl"), filepath.Join(data, "csl", "el-cas-rows-2025.csv"))
	if len(linksOf(t, db)) == 0 {
		// Without links the list row has no Han name.
		if ms := screenOne(t, db, ictHan); len(ms) != 0 {
			t.Fatalf("before linking, %s matched %+v", ictHan, ms)
		}
	}
	mustRun(t, db, "link", "propose")
	l, ok := findLink(linksOf(t, db), "ror:0090r4d87", "csl:3c4bb8fa")
	if !ok || l.Method != "name" || l.Status != "proposed" || l.Confidence < 0.9 {
		t.Fatalf("no proposed name link ror:0090r4d87 -> the ICT row: %+v", linksOf(t, db))
	}

	ms := screenOne(t, db, ictHan)
	if len(ms) == 0 {
		t.Fatalf("screen %s: no match", ictHan)
	}
	m := ms[0]
	if m.Name != "Chinese Academy of Sciences Institute of Computing Technology" || m.List != "EL" ||
		m.ListedOn == nil || *m.ListedOn != "2022-12-16" || m.Authority != "87 FR 77505" {
		t.Errorf("first match %+v, want the EL row listed 2022-12-16 under 87 FR 77505", m)
	}
	if m.NameSource != "ror:0090r4d87" || !strings.Contains(m.Explanation, "ror:0090r4d87") {
		t.Errorf("match does not say the name came from ROR: source %q, explanation %q", m.NameSource, m.Explanation)
	}

	// Microsoft is linked to nothing listed.
	for _, l := range linksOf(t, db) {
		if l.GraphID == "ror:00d0nc645" || l.GraphID == "ror:0300m5276" {
			t.Errorf("Microsoft linked: %+v", l)
		}
	}
}

func TestScreenFindsHITByASPIName(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the 2022 consolidated list")
	}
	data := needShared(t)
	db := filepath.Join(t.TempDir(), "ties.db")
	loadLinked(t, db, filepath.Join(data, "aspi", "china-defence-universities.json"), filepath.Join(data, "csl", "consolidated-2022-05.csv.gz"))
	const han = "哈尔滨工业大学"
	ms := screenOne(t, db, han)
	// Harbin Engineering University (哈尔滨工程大学, one character apart)
	// may follow as a fuzzy match; Harbin Institute of Technology is first.
	if len(ms) == 0 || ms[0].Name != "Harbin Institute of Technology" || ms[0].List != "EL" || ms[0].Score != 1 {
		t.Fatalf("screen %s: first match is not the Entity List row for Harbin Institute of Technology: %+v", han, ms)
	}
	if m := ms[0]; !strings.HasPrefix(m.NameSource, "aspi:") || !strings.Contains(m.Explanation, m.NameSource) {
		t.Errorf("match %+v does not name the ASPI source", m)
	}
	for _, m := range ms[1:] {
		if m.Score >= ms[0].Score {
			t.Errorf("%s matched %s as well as HIT: %+v", han, m.Name, m)
		}
	}
	// The plain output says the same.
	if out := mustRun(t, db, "screen", han); !strings.Contains(out, "Harbin Institute of Technology") {
		t.Errorf("screen %s printed:\n%s", han, out)
	}
}

func TestRejectedLinkStaysRejected(t *testing.T) {
	data := needShared(t)
	db := filepath.Join(t.TempDir(), "ties.db")
	loadLinked(t, db, filepath.Join(data, "ror", "ror_cas_microsoft_subset.jsonl"), filepath.Join(data, "csl", "el-cas-rows-2025.csv"))
	l, ok := findLink(linksOf(t, db), "ror:0090r4d87", "csl:3c4bb8fa")
	if !ok {
		t.Fatal("no link to reject")
	}
	id := itoa(l.ID)
	if out := mustRun(t, db, "link", "reject", id, "--reason", "checked by hand: test"); !strings.Contains(out, "rejected") {
		t.Errorf("reject printed %q", out)
	}
	mustRun(t, db, "link", "propose")
	again, ok := findLink(linksOf(t, db), "ror:0090r4d87", "csl:3c4bb8fa")
	if !ok || again.Status != "rejected" || again.Reason != "checked by hand: test" || again.ID != l.ID {
		t.Fatalf("after propose the rejected link is %+v", again)
	}
	n := 0
	for _, x := range linksOf(t, db) {
		if x.GraphID == l.GraphID && x.TargetID == l.TargetID {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d links for the rejected pair after propose", n)
	}
	// A rejected link gives no names: the Han name may still find the
	// institute by its English reading (issue 11), never through ROR's
	// label.
	for _, m := range screenOne(t, db, ictHan) {
		if m.NameSource == "ror:0090r4d87" {
			t.Errorf("screen %s after rejecting the link matched through the link: %+v", ictHan, m)
		}
	}
	// Confirming brings them back.
	mustRun(t, db, "link", "confirm", id)
	if ms := screenOne(t, db, ictHan); len(ms) == 0 || ms[0].NameSource != "ror:0090r4d87" {
		t.Errorf("screen %s after confirming: %+v", ictHan, ms)
	}
	if _, err := runTies(t, db, "link", "reject", "x"); err == nil {
		t.Error("link reject x: no error")
	}
	if _, err := runTies(t, db, "link", "reject", "999999"); err == nil {
		t.Error("link reject 999999: no error for an unknown id")
	}
	if out := mustRun(t, db, "link"); !strings.Contains(out, "ror:0090r4d87 -> csl:3c4bb8fa") || !strings.Contains(out, "confirmed") {
		t.Errorf("link printed:\n%s", out)
	}
}

func TestResolveCommand(t *testing.T) {
	data := needShared(t)
	db := filepath.Join(t.TempDir(), "ties.db")
	if _, err := runTies(t, db, "resolve", "Institute of Computing Technology"); err == nil {
		t.Error("resolve with no graph: no error")
	}
	mustRun(t, db, "load", filepath.Join(data, "ror", "ror_cas_microsoft_subset.jsonl"), filepath.Join("..", "..", "examples", "microsoft-cas.ties"))
	for _, c := range []struct{ text, id, ror string }{
		{"Institute of Computing Technology, CAS, Beijing 100190, China", "cas-ict", "0090r4d87"},
		{"University of Chinese Academy of Sciences, Beijing 100049, China", "ucas", "05qbk4x57"},
		{"Institute of Automation, Chinese Academy of Sciences, Beijing, China", "cas-ia", "022c3hy66"},
	} {
		out := mustRun(t, db, "resolve", "--json", "--limit", "3", c.text)
		var raw map[string]json.RawMessage
		if err := json.Unmarshal([]byte(out), &raw); err != nil {
			t.Fatalf("resolve --json printed %q: %v", out, err)
		}
		var res struct {
			Query      string                   `json:"query"`
			Candidates []map[string]interface{} `json:"candidates"`
		}
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatal(err)
		}
		if res.Query != c.text || len(res.Candidates) == 0 || len(res.Candidates) > 3 {
			t.Fatalf("resolve %q: %s", c.text, out)
		}
		first := res.Candidates[0]
		for _, k := range []string{"id", "ror", "name", "score"} {
			if _, ok := first[k]; !ok {
				t.Errorf("candidate lacks %q: %v", k, first)
			}
		}
		// The hand-written organization and its ROR record are one.
		if first["id"] != c.id || first["ror"] != c.ror {
			t.Errorf("resolve %q first = %v, want %s (ROR %s)", c.text, first, c.id, c.ror)
		}
	}
	// With links stored, the native organization and its ROR record stay
	// one (a same_as link, not a link to the native "listed" row).
	mustRun(t, db, "link", "propose")
	if l, ok := findLink(linksOf(t, db), "ror:0090r4d87", "cas-ict"); !ok || l.Method != "same_as" {
		t.Errorf("ror:0090r4d87 -> cas-ict: %+v (found %v), want a same_as link", l, ok)
	}
	for _, l := range linksOf(t, db) {
		if l.GraphID == l.TargetID {
			t.Errorf("self link %+v", l)
		}
	}
	if out := mustRun(t, db, "resolve", "--json", "ICT, CAS, Beijing"); !strings.Contains(out, `"id":"cas-ict","ror":"0090r4d87"`) {
		t.Errorf("resolve after link propose: %s", out)
	}

	out := mustRun(t, db, "resolve", "--json", "Impactstory, Sanford, NC, USA")
	if !strings.Contains(out, `"candidates":[]`) {
		t.Errorf("resolve of an unknown affiliation printed %s", out)
	}
	if _, err := runTies(t, db, "resolve", "--limit", "0", "x"); err == nil {
		t.Error("--limit 0: no error")
	}
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
