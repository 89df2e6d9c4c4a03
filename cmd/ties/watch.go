package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"ties"
	"ties/analysis"
	"ties/watch"
)

func newWatchCmd(g *globalFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "watch",
		Short: "Watch organizations and rosters of names: re-checked after every new list version",
		Long: `A watch is re-evaluated after every new list version (ties sync, ties load):
a roster's names are screened again and new matches alerted; an
organization's exposure is computed again and new or changed findings
alerted. Alerts go to the watch's sink: stdout, file:PATH (JSON lines) or
webhook:URL (POST, signed with X-Ties-Signature: sha256=<HMAC-SHA256 of the
body keyed with --secret>). Undelivered alerts wait in an outbox in the
database; the next ties sync or ties alerts flush sends them.`,
	}
	cmd.AddCommand(newWatchAddCmd(g), newWatchListCmd(g), newWatchRemoveCmd(g))
	return cmd
}

func newWatchAddCmd(g *globalFlags) *cobra.Command {
	var org, roster, label, sink, secret string
	cmd := &cobra.Command{
		Use:   "add (--org ORG | --roster FILE) [--sink stdout|file:PATH|webhook:URL] [--secret S] [--label L]",
		Short: "Add a watch; what it sees now is its baseline, only later changes alert",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if (org == "") == (roster == "") {
				return fmt.Errorf("give --org ORG or --roster FILE (one of them)")
			}
			kind, target, err := watch.ParseSink(sink)
			if err != nil {
				return err
			}
			if kind == watch.SinkWebhook {
				policy, err := g.webhookPolicy()
				if err != nil {
					return err
				}
				if err := policy.Check(cmd.Context(), target); err != nil {
					return usagef("--sink: %v", err)
				}
			}
			if kind == watch.SinkWebhook && secret == "" {
				fmt.Fprintln(cmd.ErrOrStderr(), "warning: a webhook without --secret sends unsigned alerts")
			}
			st, err := g.monitoredStore()
			if err != nil {
				return err
			}
			defer st.Close()
			ctx := cmd.Context()
			w := ties.Watch{Sink: sink, Secret: secret, Label: label}
			if org != "" {
				model, err := analysis.Build(ctx, st, analysis.Options{})
				if err != nil {
					return err
				}
				id, err := model.FindOrg(org)
				if err != nil {
					return err
				}
				w.Kind, w.Org = ties.WatchOrg, id
				if w.Label == "" {
					w.Label = org
				}
			} else {
				f, err := os.Open(roster)
				if err != nil {
					return err
				}
				names, err := watch.ParseRoster(f, roster)
				f.Close()
				if err != nil {
					return err
				}
				for i, n := range names {
					if err := ties.CheckName(n.Name); err != nil {
						return fmt.Errorf("%s: name %d: %w", roster, i+1, err)
					}
				}
				w.Kind, w.Roster = ties.WatchRoster, names
				if w.Label == "" {
					w.Label = roster
				}
			}
			w, err = st.AddWatch(ctx, w)
			if err != nil {
				return err
			}
			if _, err := watch.Evaluate(ctx, st, nil, watch.Options{Only: []int64{w.ID}, Baseline: true}); err != nil {
				return fmt.Errorf("watch %d added, but its baseline failed: %w", w.ID, err)
			}
			what := w.Org
			if w.Kind == ties.WatchRoster {
				what = fmt.Sprintf("%d names", len(w.Roster))
			}
			fmt.Fprintf(cmd.OutOrStdout(), "watch %d added: %s %s (%s), alerts to %s; what it sees now is its baseline\n", w.ID, w.Kind, w.Label, what, w.Sink)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&org, "org", "", "organization in the graph: id, name or scheme:id (e.g. ror:...)")
	f.StringVar(&roster, "roster", "", "names to screen: .txt (one a line) or .csv (name column, optional id column)")
	f.StringVar(&label, "label", "", "what to call the watch (default: the org or file given)")
	f.StringVar(&sink, "sink", "stdout", "where alerts go: stdout, file:PATH or webhook:URL")
	f.StringVar(&secret, "secret", "", "webhook HMAC-SHA256 key (kept in the database)")
	return cmd
}

func newWatchListCmd(g *globalFlags) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list [--json]",
		Short: "List the watches",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := g.monitoredStore()
			if err != nil {
				return err
			}
			defer st.Close()
			ws, err := st.Watches(cmd.Context())
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON {
				if ws == nil {
					ws = []ties.Watch{}
				}
				return printJSON(out, ws)
			}
			if len(ws) == 0 {
				fmt.Fprintln(out, "no watches; add one with: ties watch add --org ORG | --roster FILE")
				return nil
			}
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tKIND\tLABEL\tWATCHES\tSINK\tEVALUATED")
			for _, w := range ws {
				what := w.Org
				if w.Kind == ties.WatchRoster {
					what = fmt.Sprintf("%d names", len(w.Roster))
				}
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", w.ID, w.Kind, w.Label, what, w.Sink, w.EvaluatedAt.Format(time.RFC3339))
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func newWatchRemoveCmd(g *globalFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "remove ID",
		Short: "Remove a watch and its reviews (undelivered alerts are still sent)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil {
				return fmt.Errorf("watch id %q: want the number ties watch list shows", args[0])
			}
			st, err := g.monitoredStore()
			if err != nil {
				return err
			}
			defer st.Close()
			if err := st.RemoveWatch(cmd.Context(), id); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "watch %d removed\n", id)
			return nil
		},
	}
}

// deliverFlags are the alert delivery flags of sync and alerts flush.
type deliverFlags struct {
	attempts int
	backoff  time.Duration
	timeout  time.Duration
}

func (d *deliverFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.IntVar(&d.attempts, "alert-attempts", 3, "webhook delivery attempts per alert in this run (the rest wait in the outbox)")
	f.DurationVar(&d.backoff, "alert-backoff", time.Second, "wait before the second delivery attempt, doubled for each further one")
	f.DurationVar(&d.timeout, "alert-timeout", 10*time.Second, "time limit of one webhook delivery")
}

func (d *deliverFlags) options(stdout io.Writer) watch.DeliverOptions {
	return watch.DeliverOptions{Attempts: d.attempts, Backoff: d.backoff, Timeout: d.timeout, Stdout: stdout}
}

func newAlertsCmd(g *globalFlags) *cobra.Command {
	var limit int
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "alerts [--limit N] [--json]",
		Short: "Show the alerts sent and pending (flush sends the pending ones)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := g.monitoredStore()
			if err != nil {
				return err
			}
			defer st.Close()
			as, err := st.Alerts(cmd.Context(), limit)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON {
				if as == nil {
					as = []ties.Alert{}
				}
				return printJSON(out, as)
			}
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tWATCH\tSTATE\tATTEMPTS\tSINK\tREASON")
			for _, a := range as {
				var b watch.Body
				json.Unmarshal(a.Body, &b) //nolint:errcheck // a body that does not decode shows no reason
				state := "delivered " + a.DeliveredAt.Format(time.RFC3339)
				if a.DeliveredAt.IsZero() {
					state = "pending: " + a.LastError
				}
				fmt.Fprintf(tw, "%d\t%d\t%s\t%d\t%s\t%s\n", a.ID, a.WatchID, state, a.Attempts, a.Sink, b.Reason)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().IntVar(&limit, "limit", 50, "most alerts shown, newest first (0: all)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	var d deliverFlags
	flush := &cobra.Command{
		Use:   "flush",
		Short: "Deliver every pending alert now",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := g.monitoredStore()
			if err != nil {
				return err
			}
			defer st.Close()
			opt := d.options(cmd.OutOrStdout())
			opt.All = true
			res, err := watch.Flush(cmd.Context(), st, opt)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "alerts: %d delivered, %d pending\n", res.Delivered, res.Pending)
			for _, e := range res.Errors {
				fmt.Fprintln(cmd.ErrOrStderr(), "  pending:", e)
			}
			if res.Pending > 0 {
				return exitCode(1)
			}
			return nil
		},
	}
	d.register(flush)
	cmd.AddCommand(flush)
	return cmd
}
