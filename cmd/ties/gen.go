package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"ties/gen"
)

func newGenCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "gen",
		Short: "Generate synthetic data for measuring ties at scale",
	}
	var opt gen.Options
	var out string
	lists := &cobra.Command{
		Use:   "lists --entities N [--seed S] [--out FILE]",
		Short: "Write synthetic sanctions and PEP entities as FollowTheMoney JSON lines",
		Long: `lists writes people, organizations and vessels with names from many
cultures and scripts (Latin, Cyrillic, Arabic, Han, Hangul), aliases and
transliterations, birth dates, countries and identifiers, in roughly the
proportions of real sanctions data; the same seed gives the same file.
Load it with ` + "`ties load FILE`" + ` (format ftm).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opt.Entities <= 0 {
				return errors.New("--entities: want a positive number")
			}
			w := cmd.OutOrStdout()
			if out != "" {
				f, err := os.Create(out)
				if err != nil {
					return err
				}
				defer f.Close()
				bw := bufio.NewWriter(f)
				defer bw.Flush()
				w = bw
			}
			if err := gen.Write(w, opt); err != nil {
				return err
			}
			if out != "" {
				fmt.Fprintf(cmd.ErrOrStderr(), "%d entities written to %s\n", opt.Entities, out)
			}
			return nil
		},
	}
	lists.Flags().IntVar(&opt.Entities, "entities", 0, "how many entities")
	lists.Flags().Uint64Var(&opt.Seed, "seed", 1, "seed: the same seed gives the same file")
	lists.Flags().StringVar(&out, "out", "", "file to write (default: standard output); name it .ftm.json to load it")
	cmd.AddCommand(lists)
	return cmd
}
