package match

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"ties"
	"ties/names"
)

// kindHint is the kind a query without a kind filter looks like.
type kindHint int

const (
	kindUnknown kindHint = iota
	looksPerson
	looksOrganization
)

// looksLike guesses the kind of a query from its words: a legal form or
// an organization word makes it an organization; two to four plain words,
// or two to four Han characters, a person. The guess only weighs scores,
// it filters nothing.
func looksLike(raw string, qforms []prepared) kindHint {
	if len(qforms) == 0 {
		return kindUnknown
	}
	plain := &qforms[0]
	if len(plain.legal) > 0 {
		return looksOrganization
	}
	for i := range plain.tokens {
		if orgWords[plain.tokens[i].text] || commonOrgWords[plain.tokens[i].text] {
			return looksOrganization
		}
	}
	if plain.hanText {
		// A Han name read as organization words (四川大学 = "sichuan
		// university") is an organization's, however short.
		for i := 1; i < len(qforms); i++ {
			if qforms[i].pinyin || qforms[i].hanText {
				continue
			}
			for j := range qforms[i].tokens {
				if t := qforms[i].tokens[j].text; orgWords[t] || commonOrgWords[t] {
					return looksOrganization
				}
			}
			if len(qforms[i].legal) > 0 {
				return looksOrganization
			}
		}
		n := 0
		for _, r := range raw {
			if unicode.Is(unicode.Han, r) {
				n++
			} else if unicode.IsLetter(r) || unicode.IsDigit(r) {
				return kindUnknown
			}
		}
		if n >= 2 && n <= 4 {
			return looksPerson
		}
		return kindUnknown
	}
	words := 0
	for i := range plain.tokens {
		t := &plain.tokens[i]
		if t.digits {
			return kindUnknown
		}
		if t.runes >= 2 && t.weight >= distinctiveWeight {
			words++
		}
	}
	if words >= 2 && words <= 4 && len(plain.tokens) <= 5 {
		return looksPerson
	}
	return kindUnknown
}

// kindFactor weighs a query that looks like one kind against an entity of
// another, and says so.
func (ix *Index) kindFactor(hint kindHint, entity names.Kind) (float64, string) {
	switch {
	case hint == looksPerson && entity == names.Organization:
		return ix.p.PersonQueryOrgFactor, fmt.Sprintf("the query looks like a person's name and this is an organization (×%.2f)", ix.p.PersonQueryOrgFactor)
	case hint == looksOrganization && entity == names.Person:
		return ix.p.OrgQueryPersonFactor, fmt.Sprintf("the query looks like an organization's name and this is a person (×%.2f)", ix.p.OrgQueryPersonFactor)
	}
	return 1, ""
}

// weighAttributes raises or lowers a name score by the attributes the
// query gives, and says what each did.
func (p *Params) weighAttributes(score float64, a *Attributes, e *indexedEntity) (float64, []string) {
	var ev []string
	if !a.BirthDate.IsZero() {
		switch rel := birthRelation(a.BirthDate, e.births); rel {
		case birthUnknown:
			if e.kind == names.Person {
				ev = append(ev, "birth date "+a.BirthDate.String()+" not compared: the list gives none")
			}
		case birthSame:
			score += p.BirthMatchBonus
			ev = append(ev, fmt.Sprintf("born %s as listed (+%.2f)", a.BirthDate, p.BirthMatchBonus))
		case birthNear:
			score += p.BirthNearBonus
			ev = append(ev, fmt.Sprintf("born %s, listed as born %s: close (+%.2f)", a.BirthDate, datesText(e.births), p.BirthNearBonus))
		case birthConflict:
			score *= p.BirthConflictFactor
			ev = append(ev, fmt.Sprintf("born %s, listed as born %s: a different person (×%.2f)", a.BirthDate, datesText(e.births), p.BirthConflictFactor))
		}
	}
	if len(a.Countries) > 0 && len(e.countries) > 0 {
		shared := ""
		for _, c := range a.Countries {
			if slices.Contains(e.countries, strings.ToUpper(c)) {
				shared = strings.ToUpper(c)
				break
			}
		}
		if shared != "" {
			score += p.CountryMatchBonus
			ev = append(ev, fmt.Sprintf("country %s as listed (+%.2f)", shared, p.CountryMatchBonus))
		} else {
			score -= p.CountryConflictCost
			ev = append(ev, fmt.Sprintf("country %s, listed with %s (−%.2f)", strings.Join(a.Countries, ", "), strings.Join(e.countries, ", "), p.CountryConflictCost))
		}
	}
	if len(a.Identifiers) > 0 && len(e.identifiers) > 0 {
		for _, id := range a.Identifiers {
			k := identifierKey(id)
			if k == "" || !slices.Contains(e.identifiers, k) {
				continue
			}
			if score >= p.IdentifierNameFloor {
				score = max(score, p.IdentifierMatchFloor)
				ev = append(ev, fmt.Sprintf("identifier %s as listed (score at least %.2f)", id, p.IdentifierMatchFloor))
			} else {
				ev = append(ev, fmt.Sprintf("identifier %s as listed, but the names differ too much to count it", id))
			}
			break
		}
	}
	return min(max(score, 0), 1), ev
}

type birthRel int

const (
	birthUnknown  birthRel = iota
	birthSame              // the same year (and day, when both give one)
	birthNear              // a year apart, or the same year with another day
	birthConflict          // every listed birth year is two or more years off
)

// birthRelation compares a queried birth date with the listed ones; lists
// often give several (or a year range), and any agreement counts.
func birthRelation(q ties.Date, listed []ties.Date) birthRel {
	if len(listed) == 0 {
		return birthUnknown
	}
	best := birthConflict
	for _, d := range listed {
		switch diff := abs(q.Year - d.Year); {
		case diff == 0 && (q.Month == 0 || d.Month == 0 || q.Month == d.Month && (q.Day == 0 || d.Day == 0 || q.Day == d.Day)):
			return birthSame
		case diff <= 1:
			best = birthNear
		}
	}
	return best
}

func datesText(ds []ties.Date) string {
	parts := make([]string, 0, len(ds))
	for _, d := range ds {
		parts = append(parts, d.String())
	}
	if len(parts) > 3 {
		parts = append(parts[:3], "...")
	}
	return strings.Join(parts, ", ")
}

// entityBirths reads the birth dates of an entity.
func entityBirths(e *ties.Entity) []ties.Date {
	var out []ties.Date
	for _, d := range e.Dates {
		if d.Type != "birth" {
			continue
		}
		if t, err := ties.ParseDate(d.Value); err == nil && !t.IsZero() && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// entityIdentifiers folds the identifier values of an entity.
func entityIdentifiers(e *ties.Entity) []string {
	var out []string
	for _, id := range e.Identifiers {
		if k := identifierKey(id.Value); k != "" && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

// identifierKey folds an identifier for comparison: letters and digits
// only, upper case ("A-123 456" = "a123456"). Values of fewer than four
// characters identify nothing.
func identifierKey(v string) string {
	var b strings.Builder
	for _, r := range v {
		switch {
		case r < utf8.RuneSelf && (r >= '0' && r <= '9' || r >= 'A' && r <= 'Z'):
			b.WriteRune(r)
		case r < utf8.RuneSelf && r >= 'a' && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
		case r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(unicode.ToUpper(r))
		}
	}
	if b.Len() < 4 {
		return ""
	}
	return b.String()
}

// AttributeError is an attribute of a query that cannot be read; Field
// names it as the user gave it ("dob", "country", "id").
type AttributeError struct {
	Field string
	Value string
	Err   string
}

func (e *AttributeError) Error() string {
	return fmt.Sprintf("%s %q: %s", e.Field, e.Value, e.Err)
}

// ParseAttributes reads the attributes of a query as users write them: a
// birth date as YYYY, YYYY-MM or YYYY-MM-DD; countries as ISO codes or
// names, turned into codes by countryCode (which returns "" for an
// unknown one); identifiers as written. Empty values are left out.
func ParseAttributes(dob string, countries, ids []string, countryCode func(string) string) (Attributes, error) {
	var a Attributes
	if dob = strings.TrimSpace(dob); dob != "" {
		d, err := ties.ParseDate(dob)
		if err != nil || d.IsZero() {
			return a, &AttributeError{Field: "dob", Value: dob, Err: "want YYYY, YYYY-MM or YYYY-MM-DD"}
		}
		a.BirthDate = d
	}
	for _, c := range countries {
		if c = strings.TrimSpace(c); c == "" {
			continue
		}
		code := countryCode(c)
		if code == "" {
			return a, &AttributeError{Field: "country", Value: c, Err: "not a country name or ISO 3166 code"}
		}
		if !slices.Contains(a.Countries, code) {
			a.Countries = append(a.Countries, code)
		}
	}
	for _, id := range ids {
		if id = strings.TrimSpace(id); id == "" {
			continue
		}
		if identifierKey(id) == "" {
			return a, &AttributeError{Field: "id", Value: id, Err: "an identifier needs at least four letters or digits"}
		}
		a.Identifiers = append(a.Identifiers, id)
	}
	return a, nil
}

// IsZero tells attributes that give nothing.
func (a Attributes) IsZero() bool {
	return a.BirthDate.IsZero() && len(a.Countries) == 0 && len(a.Identifiers) == 0
}
