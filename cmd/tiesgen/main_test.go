package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"ties/sources/native"
)

func TestNativeOutputParses(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"-entities", "2000", "-ties", "15000", "-designated", "0.01"}, &out); err != nil {
		t.Fatal(err)
	}
	doc, err := native.Parse(&out, "synthetic.ties")
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Graph.Entities) != 2000 || len(doc.Graph.Ties) != 15000 {
		t.Errorf("%d entities, %d ties; want 2000 and 15000", len(doc.Graph.Entities), len(doc.Graph.Ties))
	}
	if len(doc.Records) != 20 {
		t.Errorf("%d listed entities, want 20", len(doc.Records))
	}
}

func TestJSONLines(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"-entities", "100", "-format", "jsonl"}, &out); err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("bad line %q: %v", sc.Text(), err)
		}
		if len(m) != 1 {
			t.Fatalf("line with %d records: %s", len(m), sc.Text())
		}
		for k := range m {
			counts[k]++
		}
	}
	if counts["entity"] != 100 || counts["tie"] != 1000 {
		t.Errorf("counts = %v", counts)
	}
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-format", "xml"}, {"-entities", "3"}, {"-designated", "2"}, {"extra"}} {
		var out bytes.Buffer
		err := run(args, &out)
		if err == nil {
			t.Errorf("%v: no error", args)
		} else if strings.TrimSpace(err.Error()) == "" {
			t.Errorf("%v: empty error", args)
		}
	}
}

func TestQuote(t *testing.T) {
	if got := quote(`a "b" \c`); got != `"a \"b\" \\c"` {
		t.Errorf("quote = %s", got)
	}
}
