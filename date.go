package ties

import (
	"fmt"
	"strconv"
	"strings"
)

// Precision says how much of a Date is known.
type Precision uint8

const (
	PrecisionNone Precision = iota
	PrecisionYear
	PrecisionMonth
	PrecisionDay
)

func (p Precision) String() string {
	return [...]string{"none", "year", "month", "day"}[p]
}

// Date is a calendar date known to year, month or day precision. The zero
// Date is unknown. Ties and designations are often known only to the year.
type Date struct {
	Year  int
	Month int // 0 when unknown
	Day   int // 0 when unknown
}

// ParseDate reads YYYY, YYYY-MM or YYYY-MM-DD; "" gives the zero Date.
func ParseDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Date{}, nil
	}
	parts := strings.Split(s, "-")
	if len(parts) > 3 {
		return Date{}, fmt.Errorf("invalid date %q: want YYYY, YYYY-MM or YYYY-MM-DD", s)
	}
	var nums [3]int
	for i, p := range parts {
		want := 2
		if i == 0 {
			want = 4
		}
		if len(p) != want {
			return Date{}, fmt.Errorf("invalid date %q: want YYYY, YYYY-MM or YYYY-MM-DD", s)
		}
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return Date{}, fmt.Errorf("invalid date %q: want YYYY, YYYY-MM or YYYY-MM-DD", s)
		}
		nums[i] = n
	}
	d := Date{Year: nums[0], Month: nums[1], Day: nums[2]}
	if len(parts) >= 2 && (d.Month < 1 || d.Month > 12) {
		return Date{}, fmt.Errorf("invalid date %q: month %d is not 1-12", s, d.Month)
	}
	if len(parts) == 3 && (d.Day < 1 || d.Day > daysIn(d.Year, d.Month)) {
		return Date{}, fmt.Errorf("invalid date %q: day %d is not in %04d-%02d", s, d.Day, d.Year, d.Month)
	}
	return d, nil
}

// MustDate is ParseDate for constants in code and tests.
func MustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

func (d Date) IsZero() bool { return d.Year == 0 }

// Plausible tells a date a list could mean: zero, or a year from 1900 to
// 2100. Sources hold typos ("0097-06-30" in the 2022 CSL); such a date is
// kept and shown as written, flagged, and never used in date logic
// (Known).
func (d Date) Plausible() bool { return d.IsZero() || d.Year >= 1900 && d.Year <= 2100 }

// Known is d when it is plausible, else the zero date: the date to reason
// with.
func (d Date) Known() Date {
	if d.Plausible() {
		return d
	}
	return Date{}
}

func (d Date) Precision() Precision {
	switch {
	case d.Year == 0:
		return PrecisionNone
	case d.Month == 0:
		return PrecisionYear
	case d.Day == 0:
		return PrecisionMonth
	}
	return PrecisionDay
}

func (d Date) String() string {
	switch d.Precision() {
	case PrecisionNone:
		return ""
	case PrecisionYear:
		return fmt.Sprintf("%04d", d.Year)
	case PrecisionMonth:
		return fmt.Sprintf("%04d-%02d", d.Year, d.Month)
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// First is the earliest day the date may stand for (2023 -> 2023-01-01).
func (d Date) First() Date {
	if d.IsZero() {
		return d
	}
	m, day := d.Month, d.Day
	if m == 0 {
		m = 1
	}
	if day == 0 {
		day = 1
	}
	return Date{d.Year, m, day}
}

// Last is the latest day the date may stand for (2023 -> 2023-12-31).
func (d Date) Last() Date {
	if d.IsZero() {
		return d
	}
	m, day := d.Month, d.Day
	if m == 0 {
		m = 12
	}
	if day == 0 {
		day = daysIn(d.Year, m)
	}
	return Date{d.Year, m, day}
}

func (d Date) key() int { return d.Year*10000 + d.Month*100 + d.Day }

// Before compares the earliest days the two dates stand for.
func (d Date) Before(o Date) bool { return d.First().key() < o.First().key() }

// Compare orders dates by their first day, then by precision.
func (d Date) Compare(o Date) int {
	a, b := d.First().key(), o.First().key()
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

func lower(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
