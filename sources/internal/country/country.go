// Package country maps the country names that lists use ("Korea, North",
// "Iran (Islamic Republic of)", "Burma") to ISO 3166-1 alpha-2 codes.
package country

import (
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
	"golang.org/x/text/unicode/norm"
)

// listNames are the spellings of OFAC and UN lists that CLDR's English
// names do not cover.
var listNames = map[string]string{
	"Burma": "MM", "Myanmar": "MM",
	"Korea, North": "KP", "Democratic People's Republic of Korea": "KP", "North Korea": "KP",
	"Korea, South": "KR", "Republic of Korea": "KR",
	"Congo, Democratic Republic of the": "CD", "Democratic Republic of the Congo": "CD",
	"Congo, Republic of the": "CG", "Republic of the Congo": "CG",
	"Cote d Ivoire": "CI", "Ivory Coast": "CI",
	"Bahamas, The": "BS", "The Gambia": "GM", "Gambia, The": "GM",
	"Hong Kong": "HK", "China, Hong Kong Special Administrative Region": "HK",
	"Macau": "MO", "Macao": "MO", "China, Macao Special Administrative Region": "MO",
	"Palestinian": "PS", "West Bank": "PS", "Gaza": "PS", "Region: Gaza": "PS", "State of Palestine": "PS",
	"Region: Crimea": "UA", "Crimea": "UA",
	"Virgin Islands, British": "VG", "British Virgin Islands": "VG",
	"Laos": "LA", "Lao People's Democratic Republic": "LA", "Brunei": "BN",
	"Russia": "RU", "Russian Federation": "RU", "Syria": "SY", "Syrian Arab Republic": "SY",
	"Iran": "IR", "Iran (Islamic Republic of)": "IR", "Vietnam": "VN", "Viet Nam": "VN",
	"Czech Republic": "CZ", "Turkey": "TR", "Türkiye": "TR", "Kosovo": "XK", "Taiwan": "TW",
	"United Republic of Tanzania": "TZ", "Tanzania": "TZ",
	"United States of America": "US", "United States": "US", "USA": "US",
	"United Kingdom of Great Britain and Northern Ireland": "GB", "United Kingdom": "GB", "UK": "GB",
	"Bolivia (Plurinational State of)": "BO", "Venezuela (Bolivarian Republic of)": "VE",
	"Republic of Moldova": "MD", "Micronesia (Federated States of)": "FM",
	"Saint Kitts and Nevis": "KN", "Saint Vincent and the Grenadines": "VC",
	"Bosnia and Herzegovina": "BA", "Trinidad and Tobago": "TT",
}

var table = sync.OnceValue(func() map[string]string {
	m := map[string]string{}
	names := display.English.Regions()
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			code := string([]rune{a, b})
			r, err := language.ParseRegion(code)
			if err != nil || !r.IsCountry() || r.String() != code {
				continue
			}
			name := names.Name(r)
			if name == "" {
				continue
			}
			m[key(name)] = code
			// "Myanmar (Burma)", "Congo - Kinshasa": also the part before.
			if i := strings.IndexAny(name, "(-"); i > 0 {
				if k := key(name[:i]); m[k] == "" {
					m[k] = code
				}
			}
		}
	}
	for name, code := range listNames {
		m[key(name)] = code
	}
	return m
})

// key folds case, accents and punctuation.
func key(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r + 'a' - 'A')
		case unicode.IsLetter(r):
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// Code returns the ISO alpha-2 code for a country name or code, or "".
func Code(name string) string {
	name = strings.TrimSpace(name)
	if len(name) == 2 && name[0] >= 'A' && name[0] <= 'Z' && name[1] >= 'A' && name[1] <= 'Z' {
		return name
	}
	if name == "" {
		return ""
	}
	return table()[key(name)]
}
