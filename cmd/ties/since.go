package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"ties"
)

// parseSince reads a --since value: digits are a list version id, a date
// with dashes (YYYY-MM-DD, or YYYY-MM for its first day) a day. The same
// syntax everywhere --since appears.
func parseSince(s string) (version int64, day time.Time, err error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n >= 0 {
		return n, time.Time{}, nil
	}
	if d, err := ties.ParseDate(s); err == nil && strings.Contains(s, "-") {
		f := d.First()
		return 0, time.Date(f.Year, time.Month(f.Month), f.Day, 0, 0, 0, 0, time.UTC), nil
	}
	return 0, time.Time{}, fmt.Errorf("--since %q: want a list version id (see ties lists) or a date YYYY-MM-DD", s)
}

// versionBefore is the newest list version loaded before day: the state
// of the lists as it stood when the day began.
func versionBefore(ctx context.Context, st ties.ListStore, day time.Time) (int64, error) {
	vs, err := st.Versions(ctx)
	if err != nil {
		return 0, err
	}
	var id int64
	for _, v := range vs {
		if v.LoadedAt.Before(day) && v.ID > id {
			id = v.ID
		}
	}
	if id == 0 {
		return 0, fmt.Errorf("--since %s: no list version was loaded before that day (see ties lists)", day.Format("2006-01-02"))
	}
	return id, nil
}
