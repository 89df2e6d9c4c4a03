package testdata

import (
	"testing"
)

// fakeTB records how Dir gave up.
type fakeTB struct {
	testing.TB
	skipped, failed bool
}

func (f *fakeTB) Helper()                        {}
func (f *fakeTB) Skipf(format string, a ...any)  { f.skipped = true; panic(f) }
func (f *fakeTB) Fatalf(format string, a ...any) { f.failed = true; panic(f) }

func run(tb *fakeTB) {
	defer func() {
		if r := recover(); r != nil && r != tb {
			panic(r)
		}
	}()
	Dir(tb, "no such folder here")
}

// TestDirMissing: a missing path skips, and fails under CI=true.
func TestDirMissing(t *testing.T) {
	t.Setenv("CI", "")
	local := &fakeTB{TB: t}
	run(local)
	if !local.skipped || local.failed {
		t.Errorf("without CI: skipped %v failed %v; want a skip", local.skipped, local.failed)
	}
	t.Setenv("CI", "true")
	ci := &fakeTB{TB: t}
	run(ci)
	if ci.skipped || !ci.failed {
		t.Errorf("with CI=true: skipped %v failed %v; want a failure", ci.skipped, ci.failed)
	}
}
