package main

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"ties"
	"ties/match"
	"ties/names"
)

type compareResult struct {
	Name1       string  `json:"name1"`
	Name2       string  `json:"name2"`
	Score       float64 `json:"score"`
	Match       bool    `json:"match"`
	Explanation string  `json:"explanation"`
}

func newCompareCmd() *cobra.Command {
	var asJSON bool
	var file, kind string
	var threshold float64
	cmd := &cobra.Command{
		Use:   "compare [--json] NAME1 NAME2 | --file pairs.csv",
		Short: "Score one pair of names (or a CSV of pairs) with an explanation",
		RunE: func(cmd *cobra.Command, args []string) error {
			k := names.Unknown
			switch strings.ToLower(kind) {
			case "person":
				k = names.Person
			case "organization", "org":
				k = names.Organization
			case "":
			default:
				return fmt.Errorf("--kind %q: want person or organization", kind)
			}
			out := cmd.OutOrStdout()
			emit := func(a, b string) error {
				for _, n := range []string{a, b} {
					if err := ties.CheckName(n); err != nil {
						return usagef("name %.40q: %v", n, err)
					}
				}
				r := match.Compare(a, b, k)
				res := compareResult{Name1: a, Name2: b, Score: r.Score, Match: r.Score >= threshold, Explanation: explainResult(r)}
				if asJSON {
					return json.NewEncoder(out).Encode(res)
				}
				verdict := "no match"
				if res.Match {
					verdict = "match"
				}
				_, err := fmt.Fprintf(out, "%.3f %s: %q ~ %q\n  %s\n", res.Score, verdict, a, b, res.Explanation)
				return err
			}
			if file == "" {
				if len(args) != 2 {
					return errors.New("give two names, or --file pairs.csv")
				}
				return emit(args[0], args[1])
			}
			return comparePairs(file, emit)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&asJSON, "json", false, "print JSON")
	f.StringVar(&file, "file", "", "CSV file with columns name1,name2")
	f.StringVar(&kind, "kind", "", "person or organization (tunes name-order and legal-form handling)")
	f.Float64Var(&threshold, "threshold", match.DefaultThreshold, "score at or above which the pair is a match")
	return cmd
}

func comparePairs(path string, emit func(a, b string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		return fmt.Errorf("%s:1: %w", path, err)
	}
	c1, c2 := -1, -1
	for i, h := range header {
		switch strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")) {
		case "name1":
			c1 = i
		case "name2":
			c2 = i
		}
	}
	if c1 < 0 || c2 < 0 {
		return fmt.Errorf("%s:1: want columns name1,name2 in the header, got %q", path, strings.Join(header, ","))
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if err := emit(rec[c1], rec[c2]); err != nil {
			return err
		}
	}
}

// explainResult says how the two names were compared: the forms that scored
// best, how their tokens aligned, and the transformations used.
func explainResult(r match.Result) string { return r.Explanation() }
