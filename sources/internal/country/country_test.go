package country

import "testing"

func TestCode(t *testing.T) {
	for in, want := range map[string]string{
		"China": "CN", "Korea, North": "KP", "Burma": "MM", "Iran (Islamic Republic of)": "IR",
		"Congo, Democratic Republic of the": "CD", "Cote d Ivoire": "CI", "Côte d’Ivoire": "CI",
		"Russian Federation": "RU", "Germany": "DE", "germany": "DE", "Switzerland": "CH",
		"United Kingdom of Great Britain and Northern Ireland": "GB", "Hong Kong": "HK",
		"Türkiye": "TR", "CN": "CN", "undetermined": "", "": "", "Region: Northern Mali": "",
	} {
		if got := Code(in); got != want {
			t.Errorf("Code(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzCode(f *testing.F) {
	for _, s := range []string{"China", "Korea, North", "Côte d’Ivoire", "", "ZZ", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if c := Code(s); c != "" && (len(c) != 2 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z') {
			t.Fatalf("Code(%q) = %q", s, c)
		}
	})
}
