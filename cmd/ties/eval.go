package main

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"ties"
	"ties/eval"
	"ties/match"
)

func newEvalCmd() *cobra.Command {
	var dataDir string
	cmd := &cobra.Command{
		Use:   "eval [--data DIR]",
		Short: "Measure matching quality on the labelled sets (precision, recall, F1, false positives)",
		Long: `eval reads the labelled name-matching sets and the real lists from DIR
(the shared data folder) and prints, at the default threshold:
  - precision, recall and F1 on nomenklatura's 826 labelled name pairs;
  - recall@1 of the treated UN positives screened against the UN list;
  - the false-positive rate of 50,000 people on no list screened against
    CSL 2022 + OFAC SDN 2021 + UN.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			out := cmd.OutOrStdout()
			nm := filepath.Join(dataDir, "name-matching")
			rep, err := eval.NameBench(filepath.Join(nm, "nomenklatura", "name_bench_cases.csv"))
			if err != nil {
				return err
			}
			fmt.Fprintln(out, rep)
			start := time.Now()
			entries, err := eval.LoadLists(dataDir)
			if err != nil {
				return err
			}
			ix := match.Build(entries)
			fmt.Fprintf(out, "index: %d entities from CSL 2022 + OFAC SDN 2021 + UN, built in %s\n\n", ix.Len(), time.Since(start).Round(time.Millisecond))
			// The positives are people of the UN list: recall@1 is measured
			// against the UN list alone, as the issue defines it (the same
			// people are on the CSL and SDN under other ids).
			var unEntries []ties.Entry
			for _, e := range entries {
				if e.Dataset == "un" {
					unEntries = append(unEntries, e)
				}
			}
			rec, err := eval.Recall(match.Build(unEntries), filepath.Join(nm, "yente", "positives_un_treated.csv"), filepath.Join(nm, "yente", "positives_un_untreated.csv"))
			if err != nil {
				return err
			}
			fmt.Fprintln(out, rec)
			fp, took, err := eval.FalsePositives(ix, filepath.Join(nm, "yente", "negatives_us.csv"))
			if err != nil {
				return err
			}
			fmt.Fprintln(out, fp)
			fmt.Fprintf(out, "batch of negatives screened in %s\n", took.Round(time.Millisecond))
			return nil
		},
	}
	cmd.Flags().StringVar(&dataDir, "data", "../shared/data", "folder holding the shared data sets")
	return cmd
}
