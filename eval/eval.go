// Package eval measures the quality of name matching on labelled data:
// pairwise precision/recall/F1 on a name benchmark, recall of list
// positives and the false-positive rate on people who are on no list.
// It reads files; the match package it measures does not.
package eval

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"

	"ties/match"
	"ties/names"
	"ties/sources"
)

// Report holds the measurements of one evaluation.
type Report struct {
	Name      string
	Part      Part
	Threshold float64
	Cases     int
	TP, FP    int
	TN, FN    int
	Precision float64
	Recall    float64
	F1        float64
	Rate      float64 // recall@1 or false-positive rate, for those evaluations
	Sweep     []SweepPoint
	Errors    []string // examples of misses, for reading
}

// SweepPoint is the quality at one threshold: precision/recall/F1 for
// pairs, recall@1 for positives, the false-positive rate for negatives.
type SweepPoint struct {
	Threshold, Precision, Recall, F1, FPR float64
}

// ShowErrors bounds the misses String prints.
const ShowErrors = 60

func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s [%s]: %d cases at threshold %.2f\n", r.Name, r.Part, r.Cases, r.Threshold)
	pairs := r.TP+r.FN > 0 && r.FP+r.TN > 0 // labelled pairs, not positives or negatives alone
	switch {
	case pairs:
		fmt.Fprintf(&b, "  TP %d  FP %d  TN %d  FN %d\n", r.TP, r.FP, r.TN, r.FN)
		fmt.Fprintf(&b, "  precision %.3f  recall %.3f  F1 %.3f  false-positive rate %.4f\n", r.Precision, r.Recall, r.F1, r.FPR())
	case r.TP+r.FN > 0:
		fmt.Fprintf(&b, "  found %d of %d: recall@1 %.3f\n", r.TP, r.TP+r.FN, r.Recall)
	case r.FP+r.TN > 0:
		fmt.Fprintf(&b, "  %d of %d matched something: false-positive rate %.4f\n", r.FP, r.FP+r.TN, r.FPR())
	}
	if len(r.Sweep) > 0 {
		switch {
		case pairs:
			fmt.Fprintf(&b, "  threshold  precision  recall     F1     FPR\n")
			for _, p := range r.Sweep {
				fmt.Fprintf(&b, "  %9.2f  %9.3f  %6.3f  %5.3f  %.4f\n", p.Threshold, p.Precision, p.Recall, p.F1, p.FPR)
			}
		case r.TP+r.FN > 0:
			fmt.Fprintf(&b, "  threshold  recall@1\n")
			for _, p := range r.Sweep {
				fmt.Fprintf(&b, "  %9.2f  %8.3f\n", p.Threshold, p.Recall)
			}
		default:
			fmt.Fprintf(&b, "  threshold  false-positive rate\n")
			for _, p := range r.Sweep {
				fmt.Fprintf(&b, "  %9.2f  %.4f\n", p.Threshold, p.FPR)
			}
		}
	}
	for i, e := range r.Errors {
		if i == ShowErrors {
			fmt.Fprintf(&b, "  ... %d more\n", len(r.Errors)-ShowErrors)
			break
		}
		fmt.Fprintf(&b, "  miss: %s\n", e)
	}
	return b.String()
}

// FPR is the false-positive rate: FP / (FP + TN).
func (r Report) FPR() float64 {
	if r.FP+r.TN == 0 {
		return 0
	}
	return float64(r.FP) / float64(r.FP+r.TN)
}

// sweepThresholds are the thresholds every report sweeps.
func sweepThresholds() []float64 {
	var ts []float64
	for i := 70; i <= 95; i++ {
		ts = append(ts, float64(i)/100)
	}
	return ts
}

// benchCase is one labelled pair of the name benchmark.
type benchCase struct {
	schema       string
	kind         names.Kind
	name1, name2 string
	match        bool
	line         int
}

// kindOfSchema maps a FollowTheMoney schema to a names.Kind.
func kindOfSchema(schema string) names.Kind {
	switch schema {
	case "Person":
		return names.Person
	case "Company", "Organization", "LegalEntity":
		return names.Organization
	}
	return names.Unknown
}

func readBench(path string) ([]benchCase, error) {
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
	for _, need := range []string{"schema", "name1", "name2", "is_match"} {
		if _, ok := col[need]; !ok {
			return nil, sources.Errorf(path, 1, "missing column %q", need)
		}
	}
	var cases []benchCase
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := r.FieldPos(0)
		if err != nil {
			return nil, &sources.Error{File: path, Line: line, Err: err}
		}
		get := func(c string) string {
			if i := col[c]; i < len(rec) {
				return rec[i]
			}
			return ""
		}
		m, err := strconv.ParseBool(get("is_match"))
		if err != nil {
			return nil, &sources.Error{File: path, Line: line, Field: "is_match", Err: err}
		}
		cases = append(cases, benchCase{get("schema"), kindOfSchema(get("schema")), get("name1"), get("name2"), m, line})
	}
	return cases, nil
}

// NameBench compares every pair of the labelled benchmark at path (columns
// schema, name1, name2, is_match) in part with match.Compare and reports
// precision, recall and F1 at match.DefaultThreshold and over a sweep. A
// pair's key for the split is schema, name1 and name2.
func NameBench(path string, part Part) (Report, error) {
	p := match.DefaultParams()
	return NameBenchWith(path, part, &p)
}

// NameBenchWith is NameBench with other scoring parameters, for tuning.
func NameBenchWith(path string, part Part, p *match.Params) (Report, error) {
	all, err := readBench(path)
	if err != nil {
		return Report{}, err
	}
	var cases []benchCase
	for _, c := range all {
		if part.Has(c.schema + "\x00" + c.name1 + "\x00" + c.name2) {
			cases = append(cases, c)
		}
	}
	return pairReport("name bench "+path, part, cases, func(c benchCase) float64 {
		return match.CompareWith(c.name1, c.name2, c.kind, p).Score
	}), nil
}

// pairReport scores labelled pairs and reports the confusion at the
// default threshold, a sweep and the misses, worst first.
func pairReport(name string, part Part, cases []benchCase, score func(benchCase) float64) Report {
	scores := make([]float64, len(cases))
	for i, c := range cases {
		scores[i] = score(c)
	}
	rep := confusion(cases, scores, match.DefaultThreshold)
	rep.Name, rep.Part = name, part
	for _, t := range sweepThresholds() {
		p := confusion(cases, scores, t)
		rep.Sweep = append(rep.Sweep, SweepPoint{t, p.Precision, p.Recall, p.F1, p.FPR()})
	}
	type miss struct {
		s   string
		gap float64
	}
	var misses []miss
	for i, c := range cases {
		if (scores[i] >= match.DefaultThreshold) != c.match {
			misses = append(misses, miss{fmt.Sprintf("line %d %v %.3f %q ~ %q", c.line, c.match, scores[i], c.name1, c.name2), scores[i]})
		}
	}
	sort.Slice(misses, func(i, j int) bool { return misses[i].gap > misses[j].gap })
	for _, m := range misses {
		rep.Errors = append(rep.Errors, m.s)
	}
	return rep
}

func confusion(cases []benchCase, scores []float64, threshold float64) Report {
	r := Report{Threshold: threshold, Cases: len(cases)}
	for i, c := range cases {
		hit := scores[i] >= threshold
		switch {
		case hit && c.match:
			r.TP++
		case hit && !c.match:
			r.FP++
		case !hit && c.match:
			r.FN++
		default:
			r.TN++
		}
	}
	if r.TP+r.FP > 0 {
		r.Precision = float64(r.TP) / float64(r.TP+r.FP)
	}
	if r.TP+r.FN > 0 {
		r.Recall = float64(r.TP) / float64(r.TP+r.FN)
	}
	if r.Precision+r.Recall > 0 {
		r.F1 = 2 * r.Precision * r.Recall / (r.Precision + r.Recall)
	}
	return r
}
