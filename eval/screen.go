package eval

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"ties"
	"ties/match"
	"ties/screening"
	"ties/sources"
)

// Row is one person of a yente benchmark file.
type Row struct {
	Name        string // full_name
	BirthDate   string // date_of_birth, YYYY or YYYY-MM-DD, may be ""
	Nationality string // nationality: a country name or code, may be ""
}

// key is the row's key for the split.
func (r Row) key() string { return r.Name + "\x00" + r.BirthDate }

// ReadNames reads the full_name column of a yente benchmark file.
func ReadNames(path string) ([]string, error) {
	rows, err := ReadRows(path)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.Name
	}
	return out, nil
}

// ReadRows reads a yente benchmark file: full_name, and date_of_birth and
// nationality when the file has them.
func ReadRows(path string) ([]Row, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return nil, &sources.Error{File: path, Line: 1, Err: err}
	}
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	nameCol, ok := col["full_name"]
	if !ok {
		return nil, sources.Errorf(path, 1, "no full_name column")
	}
	var out []Row
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, &sources.Error{File: path, Line: csvLine(err), Err: err}
		}
		if nameCol >= len(rec) {
			line, _ := r.FieldPos(0)
			return nil, &sources.Error{File: path, Line: line, Field: "full_name", Err: errors.New("missing")}
		}
		get := func(c string) string {
			if i, ok := col[c]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		out = append(out, Row{Name: rec[nameCol], BirthDate: get("date_of_birth"), Nationality: get("nationality")})
	}
}

// ReadList reads a text file of names, one a line; lines starting with #
// and empty lines are skipped.
func ReadList(path string) ([]Row, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Row
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		t := strings.TrimSpace(sc.Text())
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		out = append(out, Row{Name: t})
	}
	if err := sc.Err(); err != nil {
		return nil, &sources.Error{File: path, Line: line + 1, Err: err}
	}
	if len(out) == 0 {
		return nil, sources.Errorf(path, line, "no names")
	}
	return out, nil
}

// Recall screens the (treated: misspelt, reordered) positives in part
// against ix and counts how often the right entity is the top hit above
// the default threshold, with a sweep over thresholds. The right entity is
// the one whose name equals, after normalization, the untreated name on
// the same row; a row's key for the split is its untreated name.
func Recall(ix *match.Index, positivesPath, untreatedPath string, part Part) (Report, error) {
	treated, err := ReadNames(positivesPath)
	if err != nil {
		return Report{}, err
	}
	clean, err := ReadNames(untreatedPath)
	if err != nil {
		return Report{}, err
	}
	if len(treated) != len(clean) {
		return Report{}, fmt.Errorf("%s has %d rows but %s has %d", positivesPath, len(treated), untreatedPath, len(clean))
	}
	rep := Report{Name: "recall@1 " + positivesPath, Part: part, Threshold: match.DefaultThreshold}
	unresolved := 0
	var top []float64 // score of the right entity when it is the top hit, else -1
	for i := range treated {
		if !part.Has(clean[i]) {
			continue
		}
		targets := ix.EntitiesNamed(clean[i])
		if len(targets) == 0 {
			unresolved++
			continue
		}
		rep.Cases++
		ms := ix.Search(match.Query{Text: treated[i], Kind: ties.KindPerson, Threshold: sweepThresholds()[0], Limit: 1})
		if len(ms) > 0 && contains(targets, ms[0].EntityID) {
			top = append(top, ms[0].Score)
		} else {
			top = append(top, -1)
		}
		if len(ms) > 0 && contains(targets, ms[0].EntityID) && ms[0].Score >= match.DefaultThreshold {
			rep.TP++
			continue
		}
		rep.FN++
		got := "nothing"
		if len(ms) > 0 {
			got = fmt.Sprintf("%s %q %.3f", ms[0].EntityID, ms[0].MatchedName, ms[0].Score)
		}
		best := ix.Search(match.Query{Text: treated[i], Kind: ties.KindPerson, Threshold: 0.01, Limit: 3})
		var near string
		for _, m := range best {
			near += fmt.Sprintf(" [%s %q %.3f]", m.EntityID, m.MatchedName, m.Score)
		}
		rep.Errors = append(rep.Errors, fmt.Sprintf("%q (clean %q, want %v): got %s; near:%s", treated[i], clean[i], targets, got, near))
	}
	if rep.Cases > 0 {
		rep.Rate = float64(rep.TP) / float64(rep.Cases)
		rep.Recall = rep.Rate
	}
	for _, t := range sweepThresholds() {
		hit := 0
		for _, s := range top {
			if s >= t {
				hit++
			}
		}
		if rep.Cases > 0 {
			rep.Sweep = append(rep.Sweep, SweepPoint{Threshold: t, Recall: float64(hit) / float64(rep.Cases)})
		}
	}
	if unresolved > 0 {
		rep.Errors = append(rep.Errors, fmt.Sprintf("%d rows whose clean name names no indexed entity were skipped", unresolved))
	}
	return rep, nil
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// NegativeOptions say how FalsePositives screens.
type NegativeOptions struct {
	Kind       ties.EntityKind // "" screens as a user without --kind does
	Part       Part
	Attributes bool // also give each row's birth date and nationality
	// CountryCode turns a nationality into an ISO code (sources.CountryCode).
	CountryCode func(string) string
}

// FalsePositives screens every row in opt.Part of rows (people or
// organizations on no list) against ix, in parallel over GOMAXPROCS
// workers, and reports the share with any match at or above the default
// threshold, with a sweep. Rate is that share; Elapsed the wall time of
// the batch.
func FalsePositives(ix *match.Index, name string, rows []Row, opt NegativeOptions) (Report, time.Duration) {
	var picked []Row
	for _, r := range rows {
		if opt.Part.Has(r.key()) {
			picked = append(picked, r)
		}
	}
	start := time.Now()
	hits := make([]*match.Match, len(picked))
	// The batch runs in process on every core, as `ties screen --file` does.
	screening.Batch(context.Background(), ix, len(picked), func(i int) match.Query { //nolint:errcheck // emit never fails
		q := match.Query{Text: picked[i].Name, Kind: opt.Kind, Threshold: sweepThresholds()[0], Limit: 1}
		if opt.Attributes {
			q.Attributes = rowAttributes(picked[i], opt.CountryCode)
		}
		return q
	}, func(i int, ms []match.Match) error {
		if len(ms) > 0 {
			hits[i] = &ms[0]
		}
		return nil
	})
	elapsed := time.Since(start)
	rep := Report{Name: name, Part: opt.Part, Threshold: match.DefaultThreshold, Cases: len(picked)}
	for i, m := range hits {
		if m == nil || m.Score < match.DefaultThreshold {
			rep.TN++
			continue
		}
		rep.FP++
		rep.Errors = append(rep.Errors, fmt.Sprintf("%q ~ %s %q %.3f", picked[i].Name, m.EntityID, m.MatchedName, m.Score))
	}
	if rep.Cases > 0 {
		rep.Rate = float64(rep.FP) / float64(rep.Cases)
		for _, t := range sweepThresholds() {
			n := 0
			for _, m := range hits {
				if m != nil && m.Score >= t {
					n++
				}
			}
			rep.Sweep = append(rep.Sweep, SweepPoint{Threshold: t, FPR: float64(n) / float64(rep.Cases)})
		}
	}
	return rep, elapsed
}

// rowAttributes gives a row's birth date and nationality as query
// attributes; unreadable values are left out.
func rowAttributes(r Row, code func(string) string) match.Attributes {
	var a match.Attributes
	if d, err := ties.ParseDate(r.BirthDate); err == nil {
		a.BirthDate = d
	}
	if r.Nationality != "" && code != nil {
		if c := code(r.Nationality); c != "" {
			a.Countries = []string{c}
		}
	}
	return a
}

// csvLine is the line a CSV error points at, 0 when it does not say.
func csvLine(err error) int {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Line
	}
	return 0
}
