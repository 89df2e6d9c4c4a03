package sources_test

import (
	"testing"

	"ties/internal/testdata"
)

// internal/testdata is a "testdata" folder, which go test ./... does not
// visit; its behaviour is tested here.

// fakeTB records how testdata.Dir gave up.
type fakeTB struct {
	testing.TB
	skipped, failed bool
}

func (f *fakeTB) Helper()                        {}
func (f *fakeTB) Skipf(format string, a ...any)  { f.skipped = true; panic(f) }
func (f *fakeTB) Fatalf(format string, a ...any) { f.failed = true; panic(f) }

func dirMissing(tb *fakeTB) {
	defer func() {
		if r := recover(); r != nil && r != tb {
			panic(r)
		}
	}()
	testdata.Dir(tb, "no such folder here")
}

// TestSharedDataMissing: a test needing a shared file that is not there
// skips, and fails under CI=true.
func TestSharedDataMissing(t *testing.T) {
	t.Setenv("CI", "")
	local := &fakeTB{TB: t}
	dirMissing(local)
	if !local.skipped || local.failed {
		t.Errorf("without CI: skipped %v failed %v; want a skip", local.skipped, local.failed)
	}
	t.Setenv("CI", "true")
	ci := &fakeTB{TB: t}
	dirMissing(ci)
	if ci.skipped || !ci.failed {
		t.Errorf("with CI=true: skipped %v failed %v; want a failure", ci.skipped, ci.failed)
	}
}
