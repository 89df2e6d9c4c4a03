package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"ties"
	tiessync "ties/sync"
)

// monitoredStore opens the store with what monitoring needs.
func (g *globalFlags) monitoredStore() (ties.MonitoredStore, error) {
	st, err := g.openStore()
	if err != nil {
		return nil, err
	}
	ms, ok := st.(ties.MonitoredStore)
	if !ok {
		st.Close()
		return nil, errors.New("this store keeps no watches, alerts or change sets")
	}
	return ms, nil
}

func newSyncCmd(g *globalFlags) *cobra.Command {
	var (
		opt      tiessync.Options
		baseURLs []string
		asJSON   bool
		dopt     = deliverFlags{}
	)
	cmd := &cobra.Command{
		Use:   "sync [--source csl|ofac|ofac-cons|un|1260h|1286|fcc|ftm]... [--base-url SOURCE=URL]...",
		Short: "Fetch the official lists, load what changed, re-evaluate watches and send alerts",
		Long: `Fetch each list from its official location and load it as a new version
when its content changed (an unchanged list creates no version):

  csl        ` + tiessync.DefaultCSLURL + `/consolidated.csv
  ofac       ` + tiessync.DefaultOFACURL + `/sdn.csv (+ alt.csv, add.csv, sdn_comments.csv)
  ofac-cons  ` + tiessync.DefaultOFACURL + `/cons_prim.csv (+ cons_alt.csv, cons_add.csv, cons_comments.csv)
  un         ` + tiessync.DefaultUNURL + `/consolidated.xml
  1260h      ` + tiessync.Default1260HURL + `/sanctions.csv
  1286       ` + tiessync.Default1286URL + `/section_1286.csv
  fcc        ` + tiessync.DefaultFCCURL + `/table.csv
  ftm        ` + tiessync.DefaultFtMURL + `/entities.ftm.json

By default csl, ofac and un are fetched. The 1260h, 1286 and fcc tables are
OpenSanctions' compilations (CC-BY-NC-4.0) and ftm an OpenSanctions export:
they are fetched when named with --source. --base-url SOURCE=URL replaces
the folder a source's files are fetched from (e.g. a mirror, or another
OpenSanctions dataset for ftm: the dataset is named after the folder, e.g.
ftm:us_ofac_sdn), or names the file itself for a one-file source.

Without network each source fails at once with one line (a host that does
not resolve is not retried; when the name server cannot be reached the
other sources are not tried).

Each download is streamed to a temporary file and verified: HTTP status,
content type, size, and a successful parse. Timeouts, connection errors,
cut-short bodies, 429 and 5xx answers are retried with exponential backoff.
A list with fewer rows than --min-ratio of the version in force is refused.
A failure keeps the previous version in force, is reported with its cause,
and makes the exit status 1.

Then the change set of each new version is recorded (see ties changes),
links are proposed again, every watch is re-evaluated, and alerts are
delivered (pending ones from earlier runs too).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opt.BaseURLs = map[string]string{}
			for _, b := range baseURLs {
				name, url, ok := strings.Cut(b, "=")
				if !ok || name == "" || url == "" {
					return fmt.Errorf("--base-url %q: want SOURCE=URL", b)
				}
				opt.BaseURLs[name] = url
			}
			if _, err := tiessync.Sources(opt.Sources, opt.BaseURLs); err != nil {
				return err
			}
			st, err := g.monitoredStore()
			if err != nil {
				return err
			}
			defer st.Close()
			out := cmd.OutOrStdout()
			opt.Log = cmd.ErrOrStderr()
			o := tiessync.Run(cmd.Context(), st, tiessync.RunOptions{Fetch: opt, Deliver: dopt.options(out)})
			if asJSON {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(o); err != nil {
					return err
				}
			} else {
				printOutcome(out, o)
			}
			if !o.OK {
				if asJSON {
					return exitCode(1)
				}
				return errors.New(o.Summary())
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&opt.Sources, "source", nil, "sources to fetch: csl, ofac, ofac-cons, un, 1260h, 1286, fcc, ftm (default csl, ofac, un); repeatable")
	f.StringArrayVar(&baseURLs, "base-url", nil, "SOURCE=URL: fetch SOURCE's files from the folder URL; repeatable")
	f.DurationVar(&opt.Timeout, "timeout", 5*time.Minute, "time limit of one download attempt")
	f.IntVar(&opt.Attempts, "attempts", 4, "download attempts per file")
	f.DurationVar(&opt.Backoff, "backoff", 2*time.Second, "wait before the second attempt, doubled for each further one")
	f.DurationVar(&opt.MaxBackoff, "max-backoff", time.Minute, "longest wait between attempts")
	f.Int64Var(&opt.MaxBytes, "max-bytes", 1<<30, "largest file accepted")
	f.Float64Var(&opt.MinRatio, "min-ratio", 0.5, "refuse a list with fewer rows than this share of the version in force (negative: no guard)")
	f.BoolVar(&asJSON, "json", false, "print the outcome as JSON")
	dopt.register(cmd)
	return cmd
}

func printOutcome(out interface{ Write([]byte) (int, error) }, o tiessync.Outcome) {
	for _, s := range o.Sources {
		switch s.Status {
		case "failed":
			fmt.Fprintf(out, "%s: FAILED: %s (the version in force stays)\n", s.Source, s.Error)
		case "unchanged":
			fmt.Fprintf(out, "%s: unchanged (version %d stays in force)\n", s.Source, s.Version)
		default:
			fmt.Fprintf(out, "%s: loaded as version %d (%d rows, %d bytes from %s)\n", s.Source, s.Version, s.Rows, s.Bytes, s.URL)
		}
	}
	for _, c := range o.ChangeSets {
		fmt.Fprintf(out, "changes: %s (ties changes shows them)\n", c)
	}
	fmt.Fprintf(out, "watches re-evaluated: %d; alerts: %d new, %d delivered, %d pending\n", o.Watches, o.Alerts, o.AlertsDelivered, o.AlertsPending)
}
