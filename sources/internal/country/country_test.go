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
