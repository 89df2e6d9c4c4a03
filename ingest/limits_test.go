package ingest

import (
	"compress/gzip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ties"
	"ties/sources"
	"ties/sqlite"
)

// TestOverlongNameRefusedNamingItsLine: a list row whose name is over
// ties.MaxNameLength, or holds a NUL, refuses the file with its line and
// leaves the version in force as it was; a name at the limit loads.
func TestOverlongNameRefusedNamingItsLine(t *testing.T) {
	dir := t.TempDir()
	st, err := sqlite.Open(filepath.Join(dir, "ties.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	fixture, err := os.ReadFile(filepath.Join("..", "cmd", "ties", "testdata", "fixture-list.csv"))
	if err != nil {
		t.Fatal(err)
	}
	row := func(id, name string) string {
		return id + ",Entity List (EL) - Bureau of Industry and Security,,,,\"" + name + "\",,,,2025-01-02,,,,,,,,,,,,,,,,,,,\n"
	}
	write := func(name, content string, gz bool) string {
		p := filepath.Join(dir, name)
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if gz {
			zw := gzip.NewWriter(f)
			zw.Write([]byte(content)) //nolint:errcheck // checked at Close
			if err := zw.Close(); err != nil {
				t.Fatal(err)
			}
			return p
		}
		if _, err := f.WriteString(content); err != nil {
			t.Fatal(err)
		}
		return p
	}
	atLimit := strings.Repeat("é", ties.MaxNameLength)
	if _, err := Load(ctx, st, []string{write("ok.csv", string(fixture)+row("fx-10", atLimit), false)}, Options{Dataset: "csl"}); err != nil {
		t.Fatalf("a name of exactly %d characters: %v", ties.MaxNameLength, err)
	}
	before, err := st.InForce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		file, content string
		gz            bool
		line          int
		want          string
	}{
		{"long.csv", string(fixture) + row("fx-10", "ok name") + row("fx-11", strings.Repeat("B", 100_000)), false, 5, "longer than 1000 characters"},
		{"long.csv.gz", string(fixture) + row("fx-11", strings.Repeat("Ж", ties.MaxNameLength+1)), true, 4, "longer than 1000 characters"},
		{"nul.csv", string(fixture) + row("fx-12", "Bad\x00Name Trading"), false, 4, "NUL"},
	} {
		_, err := Load(ctx, st, []string{write(tc.file, tc.content, tc.gz)}, Options{Dataset: "csl"})
		var se *sources.Error
		if !errors.As(err, &se) || !strings.Contains(err.Error(), tc.want) || se.Line != tc.line || !strings.HasSuffix(se.File, tc.file) {
			t.Errorf("%s: %v; want an error at line %d containing %q", tc.file, err, tc.line, tc.want)
		}
		if len(err.Error()) > 2000 {
			t.Errorf("%s: the error quotes the whole name (%d bytes)", tc.file, len(err.Error()))
		}
	}
	after, err := st.InForce(ctx)
	if err != nil || len(after) != len(before) || after[0].ID != before[0].ID {
		t.Errorf("in force after refused loads: %+v, %v; want %+v", after, err, before)
	}
}
