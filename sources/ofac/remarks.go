package ofac

import (
	"strconv"
	"strings"

	"ties"
	"ties/sources/internal/country"
)

// remarkInfo is what the remarks field says in a structured way.
type remarkInfo struct {
	dates     []ties.EntityDate
	countries []string
	names     []ties.Name
	ids       []ties.Identifier
	listed    ties.Date
}

// idPrefixes are remark items that give an identifier: "Passport 1084010
// (Egypt)".
var idPrefixes = []string{
	"Passport", "National ID No.", "Tax ID No.", "Registration ID", "Registration Number",
	"SWIFT/BIC", "Website", "Email Address", "ISIN", "Unified Social Credit Code (USCC)",
	"Legal Entity Number", "Vessel Registration Identification", "MMSI", "Company Number",
	"Cedula No.", "NIT #", "RUC #", "C.U.R.P.", "R.F.C.", "D.N.I.", "Identification Number",
	"Business Registration Number", "Commercial Registry Number", "Equity Ticker",
}

// parseRemarks reads the "; "-separated items of OFAC remarks: DOB,
// nationality, citizen, a.k.a./f.k.a., identifiers, established and
// listing dates. Items it does not know are left alone (they stay in the
// entity's remarks).
func parseRemarks(s string) remarkInfo {
	var info remarkInfo
	for _, item := range strings.Split(s, ";") {
		item = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(item), "alt. "))
		switch {
		case item == "":
		case strings.HasPrefix(item, "DOB "):
			if d, ok := remarkDate(item[4:]); ok {
				info.dates = append(info.dates, ties.EntityDate{Type: "birth", Value: d.String()})
			}
		case strings.HasPrefix(item, "Organization Established Date "):
			if d, ok := remarkDate(item[len("Organization Established Date "):]); ok {
				info.dates = append(info.dates, ties.EntityDate{Type: "established", Value: d.String()})
			}
		case strings.HasPrefix(item, "nationality "), strings.HasPrefix(item, "citizen "),
			strings.HasPrefix(item, "Nationality of Registration "):
			name := item[strings.IndexByte(item, ' ')+1:]
			name = strings.TrimPrefix(name, "of Registration ")
			if c := country.Code(name); c != "" {
				info.countries = append(info.countries, c)
			}
		case strings.HasPrefix(item, "a.k.a. "), strings.HasPrefix(item, "f.k.a. "), strings.HasPrefix(item, "n.k.a. "):
			t := ties.NameAlias
			if item[0] == 'f' {
				t = ties.NameFormer
			}
			if n := strings.Trim(strings.TrimSpace(item[7:]), "'\"."); n != "" {
				info.names = append(info.names, ties.Name{Text: n, Type: t})
			}
		case strings.HasPrefix(item, "Listing Date ("):
			// "Listing Date (CMIC) 03 Jun 2021", "Listing Date (EO 14024 Directive 3): 24 Feb 2022"
			if i := strings.IndexByte(item, ')'); i > 0 && info.listed.IsZero() {
				if d, ok := remarkDate(strings.TrimLeft(item[i+1:], ": ")); ok && d.Precision() == ties.PrecisionDay {
					info.listed = d
				}
			}
		default:
			for _, p := range idPrefixes {
				if strings.HasPrefix(item, p+" ") {
					v := strings.TrimSpace(item[len(p)+1:])
					if i := strings.Index(v, " ("); i > 0 {
						v = v[:i]
					}
					if v != "" {
						info.ids = append(info.ids, ties.Identifier{Scheme: p, Value: v})
					}
					break
				}
			}
		}
	}
	return info
}

var months = map[string]int{
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
	"jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}

// remarkDate reads "25 Mar 1973", "Mar 1973", "1973" or "circa 1973";
// ranges ("1960 to 1962") give their first date.
func remarkDate(s string) (ties.Date, bool) {
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "circa "))
	if i := strings.Index(s, " to "); i > 0 {
		s = s[:i]
	}
	f := strings.Fields(s)
	var d ties.Date
	var err error
	switch len(f) {
	case 1:
		d.Year, err = strconv.Atoi(f[0])
	case 2:
		d.Month = months[strings.ToLower(f[0])]
		d.Year, err = strconv.Atoi(f[1])
	case 3:
		d.Day, _ = strconv.Atoi(f[0])
		d.Month = months[strings.ToLower(f[1])]
		d.Year, err = strconv.Atoi(f[2])
		if d.Day == 0 {
			return ties.Date{}, false
		}
	default:
		return ties.Date{}, false
	}
	if err != nil || d.Year < 1000 || d.Year > 9999 || (len(f) > 1 && d.Month == 0) {
		return ties.Date{}, false
	}
	// Validate through ParseDate (day in month).
	v, err := ties.ParseDate(d.String())
	return v, err == nil
}
