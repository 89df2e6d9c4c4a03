package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"ties/ingest"
	"ties/watch"
)

func newLoadCmd(g *globalFlags) *cobra.Command {
	var opt ingest.Options
	cmd := &cobra.Command{
		Use:   "load [--format F] [--dataset D] [--merge] FILE...",
		Short: "Load list or graph files as new versions (gzip is read directly)",
		Long: `Load list files (CSL CSV/JSON, OFAC CSV sets, UN XML, FollowTheMoney,
the US-China tables) and graph files (native .ties, ROR, OpenAlex, ASPI).
Each file becomes one new version of its dataset, stored in one transaction:
the previous version stays in force until the new one is complete, and a
file that fails to parse leaves it in force.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := g.openStore()
			if err != nil {
				return err
			}
			defer st.Close()
			results, err := ingest.Load(cmd.Context(), st, args, opt)
			out := cmd.OutOrStdout()
			for _, r := range results {
				printResult(out, r)
			}
			if len(results) > 0 {
				// New lists or graph: propose links again so screening and
				// exposure see them (reviewers' rejections stay).
				if lerr := proposeLinks(cmd.Context(), st); lerr != nil && err == nil {
					err = fmt.Errorf("linking after the load: %w", lerr)
				}
				// Record what changed, re-check the watches, send alerts.
				if err == nil {
					err = watch.AfterIngest(cmd.Context(), st, results, cmd.OutOrStdout())
				}
			}
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&opt.Format, "format", "", "input format (detected when empty)")
	f.StringVar(&opt.Dataset, "dataset", "", "dataset the file is a version of (default: by format, e.g. csl, ofac-sdn, un)")
	f.BoolVar(&opt.Merge, "merge", false, "add the file's entries to the dataset's version in force instead of replacing it")
	f.BoolVar(&opt.GraphOnly, "graph-only", false, "load only the graph of a native .ties file, not its hand-written list rows")
	f.BoolVar(&opt.Reload, "reload", false, "store a new version even when the content equals the version in force")
	return cmd
}

func printResult(out interface{ Write([]byte) (int, error) }, r ingest.Result) {
	if r.Version != nil {
		v := r.Version
		state := "loaded"
		if r.Skipped {
			state = "unchanged, nothing stored: in force"
		}
		fmt.Fprintf(out, "%s: %s as %s version %d (%d rows, sha256 %s)\n", r.Path, state, v.Dataset, v.ID, v.Rows, short(v.Hash))
	}
	if r.Graph != "" {
		fmt.Fprintf(out, "%s: graph %s: %d entities, %d ties\n", r.Path, r.Graph, r.Nodes, r.Ties)
	}
	if r.DroppedTies > 0 {
		fmt.Fprintf(out, "%s: %d relations left out: an end is not an entity of the file\n", r.Path, r.DroppedTies)
	}
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}
