package web

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

// TestIndexReferencesEmbeddedAssets checks that the embedded build is
// whole: index.html loads its script and style from files that are in the
// embedded tree, by relative paths (so the UI works under any prefix),
// and nothing comes from another host.
func TestIndexReferencesEmbeddedAssets(t *testing.T) {
	ui := FS()
	index, err := fs.ReadFile(ui, "index.html")
	if err != nil {
		t.Fatalf("index.html not embedded: %v (run scripts/build-web)", err)
	}
	refs := regexp.MustCompile(`(?:src|href)="([^"]+)"`).FindAllStringSubmatch(string(index), -1)
	var assets int
	for _, m := range refs {
		ref := m[1]
		if strings.Contains(ref, "://") || strings.HasPrefix(ref, "//") {
			t.Errorf("index.html loads %q from another host; the UI must work offline", ref)
			continue
		}
		if strings.HasPrefix(ref, "#") {
			continue
		}
		if !strings.HasPrefix(ref, "./") {
			t.Errorf("index.html refers to %q; want a relative ./ path", ref)
			continue
		}
		data, err := fs.ReadFile(ui, strings.TrimPrefix(ref, "./"))
		if err != nil {
			t.Errorf("index.html refers to %q, which is not embedded: %v", ref, err)
			continue
		}
		if len(data) == 0 {
			t.Errorf("%s is empty", ref)
		}
		assets++
	}
	if assets < 2 {
		t.Errorf("index.html loads %d embedded assets, want the script and the style sheet", assets)
	}
}

// TestBundleFetchesNothingFromOtherHosts guards the offline promise of the
// issue: no script in the bundle imports or fetches from a CDN.
func TestBundleFetchesNothingFromOtherHosts(t *testing.T) {
	ui := FS()
	err := fs.WalkDir(ui, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".js") && !strings.HasSuffix(path, ".css") {
			return err
		}
		data, err := fs.ReadFile(ui, path)
		if err != nil {
			return err
		}
		for _, bad := range []string{`import("http`, `from"http`, `from "http`, `@import url(http`, `url(https://`, `url(http://`} {
			if strings.Contains(string(data), bad) {
				t.Errorf("%s loads from another host (%s)", path, bad)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
