package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"ties"
	"ties/resolve"
	"ties/screening"
)

func newMergeCmd(g *globalFlags) *cobra.Command {
	var reason string
	cmd := &cobra.Command{
		Use:   "merge [ID ID [--reason R]]",
		Short: "Make two list records one entity (or list the analysts' merges and splits)",
		Long: `ties consolidates list records into one entity by itself when they share
a list's own id (the CSL's and OFAC's rows of one SDN entry), a strong
identifier, or, for organizations, their primary name and country
(docs/screening.md). An analyst decides the rest:

  ties merge csl:3c4bb8fa... 1286:chinese-academy-of-sciences-...  # one entity
  ties split csl:2676 ofac:2676 --reason "different persons"       # never merged

A decision is stored (as a link of method "merge"), survives new list
versions, comes before the rules, and is audited. Without arguments, merge
lists the decisions.`,
		Args: cobra.RangeArgs(0, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return listMergeDecisions(cmd, g)
			}
			if len(args) != 2 {
				return errors.New("give two list record ids (as `ties screen --json` shows in \"records\")")
			}
			return decideMerge(cmd, g, args[0], args[1], resolve.StatusConfirmed, reason)
		},
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why (kept with the decision and in the audit trail)")
	return cmd
}

func newSplitCmd(g *globalFlags) *cobra.Command {
	var reason string
	cmd := &cobra.Command{
		Use:   "split ID ID [--reason R]",
		Short: "Keep two list records apart: never one entity, whatever the rules say",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return decideMerge(cmd, g, args[0], args[1], resolve.StatusRejected, reason)
		},
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why (kept with the decision and in the audit trail)")
	return cmd
}

// decideMerge stores an analyst's decision on two list records in force
// and appends it to the audit trail.
func decideMerge(cmd *cobra.Command, g *globalFlags, a, b, status, reason string) error {
	if a == b {
		return fmt.Errorf("%s: a record is always one entity with itself", a)
	}
	if b < a {
		a, b = b, a // one decision per pair, whatever the order given
	}
	st, err := g.openStore()
	if err != nil {
		return err
	}
	defer st.Close()
	ctx := cmd.Context()
	if err := requireListed(ctx, st, a, b); err != nil {
		return err
	}
	if err := st.PutLinks(ctx, []ties.Link{{GraphID: a, TargetID: b, Method: screening.MethodMerge, Confidence: 1, Status: resolve.StatusProposed}}); err != nil {
		return err
	}
	links, err := st.Links(ctx)
	if err != nil {
		return err
	}
	var id int64
	for _, l := range links {
		if l.Method == screening.MethodMerge && l.GraphID == a && l.TargetID == b {
			id = l.ID
		}
	}
	if id == 0 {
		return fmt.Errorf("the decision on %s and %s was not stored", a, b)
	}
	if err := st.SetLinkStatus(ctx, id, status, reason); err != nil {
		return err
	}
	verb := map[string]string{resolve.StatusConfirmed: "merged", resolve.StatusRejected: "split"}[status]
	if as, ok := st.(ties.AuditStore); ok {
		if _, err := as.AppendAudit(ctx, []ties.AuditRecord{{Actor: cliActor(), Action: ties.AuditLink,
			Query: a + " " + b, Decision: verb, Note: reason}}); err != nil {
			return fmt.Errorf("the decision is stored but its audit record failed: %w", err)
		}
	}
	fmt.Fprintf(cmd.OutOrStdout(), "%s and %s %s (decision %d)\n", a, b, verb, id)
	return nil
}

// requireListed checks that ids name list records in force.
func requireListed(ctx context.Context, st ties.Store, ids ...string) error {
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	for e, err := range st.InForceEntries(ctx) {
		if err != nil {
			return err
		}
		delete(want, e.Entity.ID)
	}
	for _, id := range ids {
		if want[id] {
			return fmt.Errorf("%s: no list record in force has this id (see \"records\" in `ties screen --json`)", id)
		}
	}
	return nil
}

func listMergeDecisions(cmd *cobra.Command, g *globalFlags) error {
	st, err := g.openStore()
	if err != nil {
		return err
	}
	defer st.Close()
	links, err := st.Links(cmd.Context())
	if err != nil {
		return err
	}
	printMergeDecisions(cmd.OutOrStdout(), links)
	return nil
}

func printMergeDecisions(out io.Writer, links []ties.Link) {
	n := 0
	for _, l := range links {
		if l.Method != screening.MethodMerge || l.Status == resolve.StatusProposed {
			continue
		}
		verb := "merged"
		if l.Status == resolve.StatusRejected {
			verb = "split"
		}
		fmt.Fprintf(out, "%d\t%s\t%s\t%s", l.ID, verb, l.GraphID, l.TargetID)
		if l.Reason != "" {
			fmt.Fprintf(out, "\t%s", l.Reason)
		}
		fmt.Fprintln(out)
		n++
	}
	if n == 0 {
		fmt.Fprintln(out, "no merge decisions: `ties merge ID ID` or `ties split ID ID`")
	}
}
