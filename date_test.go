package ties

import "testing"

// A date a source cannot mean ("0097-06-30" in the 2022 CSL) is kept as
// written but never reasoned with.
func TestImplausibleDatesAreNotUsed(t *testing.T) {
	typo := MustDate("0097-06-30")
	if typo.Plausible() || !typo.Known().IsZero() || typo.String() != "0097-06-30" {
		t.Errorf("0097-06-30: plausible %v, known %v, written %s", typo.Plausible(), typo.Known(), typo)
	}
	if d := MustDate("2022-12-16"); !d.Plausible() || d.Known() != d {
		t.Errorf("2022-12-16 is plausible")
	}
	d := Designation{Start: typo, End: MustDate("0098")}
	if !d.InForce(MustDate("1990-01-01")) || !d.InForce(Date{}) {
		t.Error("a designation with impossible dates counts as in force with unknown dates")
	}
}
