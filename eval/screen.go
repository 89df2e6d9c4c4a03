package eval

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"time"

	"ties"
	"ties/match"
	"ties/sources"
)

// ReadNames reads the full_name column of a yente benchmark file.
func ReadNames(path string) ([]string, error) {
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
	col := -1
	for i, h := range header {
		if h == "full_name" {
			col = i
		}
	}
	if col < 0 {
		return nil, sources.Errorf(path, 1, "no full_name column")
	}
	var out []string
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, &sources.Error{File: path, Line: csvLine(err), Err: err}
		}
		if col >= len(rec) {
			line, _ := r.FieldPos(0)
			return nil, &sources.Error{File: path, Line: line, Field: "full_name", Err: errors.New("missing")}
		}
		out = append(out, rec[col])
	}
}

// Recall screens the (treated: misspelt, reordered) positives against ix
// and counts how often the right entity is the top hit above the default
// threshold. The right entity is the one whose name equals, after
// normalization, the untreated name on the same row.
func Recall(ix *match.Index, positivesPath, untreatedPath string) (Report, error) {
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
	rep := Report{Name: "recall@1 " + positivesPath, Threshold: match.DefaultThreshold}
	unresolved := 0
	for i := range treated {
		targets := ix.EntitiesNamed(clean[i])
		if len(targets) == 0 {
			unresolved++
			continue
		}
		rep.Cases++
		ms := ix.Search(match.Query{Text: treated[i], Kind: ties.KindPerson, Limit: 1})
		if len(ms) > 0 && contains(targets, ms[0].EntityID) {
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

// FalsePositives screens every person of negativesPath (people on no
// list) against ix, in parallel over GOMAXPROCS workers, and reports the
// share with any match at or above the default threshold. Rate is that
// share; Elapsed the wall time of the batch.
func FalsePositives(ix *match.Index, negativesPath string) (Report, time.Duration, error) {
	people, err := ReadNames(negativesPath)
	if err != nil {
		return Report{}, 0, err
	}
	start := time.Now()
	hits := make([]*match.Match, len(people))
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	next := make(chan int, 256)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if ms := ix.Search(match.Query{Text: people[i], Kind: ties.KindPerson, Limit: 1}); len(ms) > 0 {
					hits[i] = &ms[0]
				}
			}
		}()
	}
	for i := range people {
		next <- i
	}
	close(next)
	wg.Wait()
	elapsed := time.Since(start)
	rep := Report{Name: "false positives " + negativesPath, Threshold: match.DefaultThreshold, Cases: len(people)}
	for i, m := range hits {
		if m == nil {
			rep.TN++
			continue
		}
		rep.FP++
		if len(rep.Errors) < 400 {
			rep.Errors = append(rep.Errors, fmt.Sprintf("%q ~ %s %q %.3f", people[i], m.EntityID, m.MatchedName, m.Score))
		}
	}
	if rep.Cases > 0 {
		rep.Rate = float64(rep.FP) / float64(rep.Cases)
	}
	return rep, elapsed, nil
}

// csvLine is the line a CSV error points at, 0 when it does not say.
func csvLine(err error) int {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Line
	}
	return 0
}
