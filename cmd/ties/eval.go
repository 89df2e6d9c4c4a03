package main

import (
	"github.com/spf13/cobra"

	"ties/eval"
	"ties/sources"
)

func newEvalCmd() *cobra.Command {
	var dataDir string
	cmd := &cobra.Command{
		Use:   "eval [--data DIR]",
		Short: "Measure matching quality on the labelled sets (precision, recall, F1, false positives)",
		Long: `eval reads the labelled name-matching sets and the real lists from DIR
(the shared data folder) and prints, at the default threshold and over a
threshold sweep (0.70 to 0.95), separately for the development half of
each set (the only data the scorer was tuned on) and the test half
(reported):
  - precision, recall and F1 on nomenklatura's 826 labelled name pairs;
  - recall@1 of the treated UN positives screened against the UN list;
  - the false-positive rate of 50,000 people on no list screened against
    CSL 2022 + OFAC SDN 2021 + UN: without a kind filter, with --kind
    person, and with each person's birth date and nationality;
and on test-only sets: nomenklatura's entity checks, US Congress members
and unlisted companies and universities as negatives.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := eval.Run(dataDir, sources.CountryCode)
			if err != nil {
				return err
			}
			s.Print(cmd.OutOrStdout())
			return nil
		},
	}
	cmd.Flags().StringVar(&dataDir, "data", "../shared/data", "folder holding the shared data sets")
	return cmd
}
