package sources

import (
	"strings"

	"ties/sources/internal/country"
)

// CountryCode returns the ISO 3166-1 alpha-2 code of a country name or
// code as lists and rosters write them ("Korea, North", "France", "fr"),
// or "" when it is not known.
func CountryCode(name string) string {
	if len(name) == 2 {
		return country.Code(strings.ToUpper(name))
	}
	return country.Code(name)
}
