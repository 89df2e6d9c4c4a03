package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"ties"
	"ties/changes"
	"ties/watch"
)

func newChangesCmd(g *globalFlags) *cobra.Command {
	var (
		list, dataset, since string
		asJSON               bool
	)
	cmd := &cobra.Command{
		Use:   "changes [--list L] [--dataset D] [--since VERSION|DATE] [--json]",
		Short: "Show what each list version added, removed or amended, entry by entry",
		Long: `Each new list version has a change set: the entries added, removed and
amended since the previous version of its dataset, with the fields that
changed (a new alias, a new Federal Register notice, an end date, an
address...). ties sync and ties load record it when they load; versions
loaded before get theirs computed (and stored) the first time they are
shown. --since VERSION shows the versions after that one; --since DATE
those loaded on or after that day.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var afterID int64
			var sinceTime time.Time
			if since != "" {
				var err error
				if afterID, sinceTime, err = parseSince(since); err != nil {
					return err
				}
			}
			st, err := g.monitoredStore()
			if err != nil {
				return err
			}
			defer st.Close()
			sets, _, err := watch.ChangeSetsSince(cmd.Context(), st, dataset, afterID, sinceTime)
			if err != nil {
				return err
			}
			for i := range sets {
				sets[i] = changes.Filter(sets[i], list)
			}
			out := cmd.OutOrStdout()
			if asJSON {
				if sets == nil {
					sets = []ties.ChangeSet{}
				}
				return printJSON(out, sets)
			}
			printChangeSets(out, sets)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&list, "list", "", "only entries of this list (e.g. EL, SDN, UN)")
	f.StringVar(&dataset, "dataset", "", "only versions of this dataset (e.g. csl, ofac-sdn, un)")
	f.StringVar(&since, "since", "", "only versions after this version id, or loaded on or after this date (YYYY-MM-DD)")
	f.BoolVar(&asJSON, "json", false, "print the change sets as a JSON array")
	return cmd
}

func printChangeSets(out io.Writer, sets []ties.ChangeSet) {
	if len(sets) == 0 {
		fmt.Fprintln(out, "no list versions match")
		return
	}
	for _, cs := range sets {
		from := "first version"
		if cs.From != 0 {
			from = fmt.Sprintf("since version %d", cs.From)
		}
		fmt.Fprintf(out, "%s version %d (%s): %d added, %d removed, %d amended\n", cs.Dataset, cs.To, from, cs.Added, cs.Removed, cs.Amended)
		if cs.From == 0 {
			continue // every entry is new: listing them all says nothing
		}
		for _, c := range cs.Changes {
			fmt.Fprintf(out, "  %-8s %s\t%s\t%s", c.Kind, c.List, c.EntityID, c.Name)
			if c.Kind == ties.ChangeAmended {
				fmt.Fprintf(out, "\t%s", strings.TrimPrefix(changes.Describe(c), "amended: "))
			}
			fmt.Fprintln(out)
		}
	}
}
