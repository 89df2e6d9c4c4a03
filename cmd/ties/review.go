package main

import (
	"errors"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"ties"
	"ties/analysis"
	"ties/changes"
	"ties/watch"
)

func newReviewCmd(g *globalFlags) *cobra.Command {
	var (
		watchID                  int64
		entity, query, reason    string
		reviewer, expires        string
		falsePositive, confirmed bool
	)
	cmd := &cobra.Command{
		Use:   "review --watch W --entity ENTITY_ID (--false-positive|--confirmed) --reason R [--query NAME] [--expires DATE]",
		Short: "Record a reviewer's decision on a watch's match or exposure",
		Long: `A decision silences alerts about the entity for the watch (for one roster
name with --query) while the list entry stays as it was reviewed: ties
keeps a hash of the entry's names and designations (for an organization,
of the designations its findings cite). When the entry changes, e.g. gains
an alias or a new Federal Register notice, the match alerts again and
says why. --expires DATE ends the decision on that day.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if falsePositive == confirmed {
				return errors.New("give --false-positive or --confirmed (one of them)")
			}
			if reason == "" {
				return errors.New("give --reason: why the match is (not) the listed party")
			}
			exp, err := ties.ParseDate(expires)
			if err != nil {
				return fmt.Errorf("--expires: %w", err)
			}
			st, err := g.monitoredStore()
			if err != nil {
				return err
			}
			defer st.Close()
			ctx := cmd.Context()
			ws, err := st.Watches(ctx)
			if err != nil {
				return err
			}
			var w *ties.Watch
			for i := range ws {
				if ws[i].ID == watchID {
					w = &ws[i]
				}
			}
			if w == nil {
				return fmt.Errorf("no watch %d (see ties watch list)", watchID)
			}
			r := ties.Review{WatchID: w.ID, EntityID: entity, Query: query, Reason: reason, Reviewer: reviewer, Expires: exp, Decision: ties.ReviewConfirmed}
			if falsePositive {
				r.Decision = ties.ReviewFalsePositive
			}
			if w.Kind == ties.WatchRoster {
				found := false
				for e, err := range st.InForceEntries(ctx) {
					if err != nil {
						return err
					}
					if e.Entity.ID == entity {
						r.EntryHash, found = changes.EntryHash(e.Record), true
						break
					}
				}
				if !found {
					return fmt.Errorf("no list entry %s in force (give the entity_id an alert or ties screen --json shows)", entity)
				}
			} else {
				model, err := analysis.Build(ctx, st, analysis.Options{})
				if err != nil {
					return err
				}
				rep, err := model.Exposure(analysis.Query{Org: w.Org, AsOf: ties.MustDate(time.Now().UTC().Format("2006-01-02"))})
				if err != nil {
					return err
				}
				if r.EntryHash = watch.OrgEntityHash(rep, entity); r.EntryHash == "" {
					return fmt.Errorf("%s has no finding about %s (give the designated entity_id an alert shows)", w.Org, entity)
				}
			}
			r, err = st.AddReview(ctx, r)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "review %d: %s marked %s for watch %d until the entry changes\n", r.ID, entity, r.Decision, w.ID)
			return nil
		},
	}
	f := cmd.Flags()
	f.Int64Var(&watchID, "watch", 0, "watch id (ties watch list)")
	f.StringVar(&entity, "entity", "", "entity id of the match or of the designated entity")
	f.StringVar(&query, "query", "", "only for this roster name (default: every name of the watch)")
	f.BoolVar(&falsePositive, "false-positive", false, "the match is not the listed party")
	f.BoolVar(&confirmed, "confirmed", false, "the match is the listed party (known: not alerted again)")
	f.StringVar(&reason, "reason", "", "why (required)")
	f.StringVar(&reviewer, "reviewer", "", "who decided")
	f.StringVar(&expires, "expires", "", "the decision ends on this day (YYYY-MM-DD)")
	cmd.MarkFlagRequired("watch")  //nolint:errcheck // the flag exists
	cmd.MarkFlagRequired("entity") //nolint:errcheck // the flag exists
	cmd.AddCommand(newReviewListCmd(g))
	return cmd
}

func newReviewListCmd(g *globalFlags) *cobra.Command {
	var watchID int64
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list [--watch W] [--json]",
		Short: "List reviewers' decisions",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := g.monitoredStore()
			if err != nil {
				return err
			}
			defer st.Close()
			rs, err := st.Reviews(cmd.Context(), watchID)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON {
				if rs == nil {
					rs = []ties.Review{}
				}
				return printJSON(out, rs)
			}
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tWATCH\tENTITY\tQUERY\tDECISION\tEXPIRES\tAT\tREASON")
			for _, r := range rs {
				fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.WatchID, r.EntityID, r.Query, r.Decision, r.Expires, r.At.Format("2006-01-02"), r.Reason)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().Int64Var(&watchID, "watch", 0, "only this watch's decisions")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}
