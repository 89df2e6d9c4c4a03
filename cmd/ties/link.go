package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"ties/analysis"

	"github.com/spf13/cobra"

	"ties"
	"ties/resolve"
)

func newLinkCmd(g *globalFlags) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "link [--json]",
		Short: "List links between graph entities and list entries (propose, confirm, reject)",
		Long: `A link says a graph entity is a list entry (method "name" or "identifier")
or is the same thing as another graph entity (method "same_as"). Proposed
links with confidence >= 0.90 and confirmed links give the list entry the
graph entity's names as aliases when screening. A rejected link is never
proposed again.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := g.openStore()
			if err != nil {
				return err
			}
			defer st.Close()
			links, err := st.Links(cmd.Context())
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON {
				if links == nil {
					links = []ties.Link{}
				}
				return printJSON(out, links)
			}
			printLinks(out, links)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the links as a JSON array")
	cmd.AddCommand(newLinkProposeCmd(g), newLinkStatusCmd(g, "confirm", resolve.StatusConfirmed), newLinkStatusCmd(g, "reject", resolve.StatusRejected))
	return cmd
}

func printLinks(out io.Writer, links []ties.Link) {
	if len(links) == 0 {
		fmt.Fprintln(out, "no links: run `ties link propose` after loading lists and graph files")
		return
	}
	for _, l := range links {
		fmt.Fprintf(out, "%d\t%s\t%s\t%.2f\t%s -> %s", l.ID, l.Status, l.Method, l.Confidence, l.GraphID, l.TargetID)
		if l.Reason != "" {
			fmt.Fprintf(out, "\t%s", l.Reason)
		}
		fmt.Fprintln(out)
	}
}

func newLinkProposeCmd(g *globalFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "propose",
		Short: "Compute links (same identifiers, then names) over the whole store and store them as proposed",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := g.openStore()
			if err != nil {
				return err
			}
			defer st.Close()
			n, err := computeLinks(cmd.Context(), st)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%d links computed and stored as proposed (rejected links stay rejected, confirmed ones stay confirmed)\n", n)
			return nil
		},
	}
}

func newLinkStatusCmd(g *globalFlags, verb, status string) *cobra.Command {
	var reason string
	cmd := &cobra.Command{
		Use:   verb + " ID [--reason R]",
		Short: "Mark link ID " + status,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil {
				return fmt.Errorf("link id %q: want the number `ties link` shows", args[0])
			}
			st, err := g.openStore()
			if err != nil {
				return err
			}
			defer st.Close()
			if err := st.SetLinkStatus(cmd.Context(), id, status, reason); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "link %d %s\n", id, status)
			return nil
		},
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why (kept with the link)")
	return cmd
}

// proposeLinks recomputes the links over everything in st and stores them
// as proposed: graph entities sharing identifiers are linked to each other,
// and graph organizations and people to list entries in force. `ties load`
// calls it after a load.
func proposeLinks(ctx context.Context, st ties.Store) error {
	_, err := computeLinks(ctx, st)
	return err
}

func computeLinks(ctx context.Context, st ties.Store) (int, error) {
	return analysis.ProposeLinks(ctx, st)
}
