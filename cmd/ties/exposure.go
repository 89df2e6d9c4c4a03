package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"ties"
	"ties/analysis"
	"ties/exposure"
	"ties/report"
)

type exposureFlags struct {
	asOf      string
	scenarios []string
	depth     int
	asJSON    bool
	asCSV     bool
	asHTML    bool
	out       string
	since     string
	file      string
}

func newExposureCmd(g *globalFlags) *cobra.Command {
	var ef exposureFlags
	cmd := &cobra.Command{
		Use:   "exposure ORG | --file ORGS [--as-of DATE] [--scenario NAME] [--depth N] [--json|--csv|--html] [--since VERSION|DATE]",
		Short: "List every path from an organization (and its parts) to a designated entity",
		Long: `exposure walks the ties graph from ORG and from its own parts (units that are
part_of it) to every designated entity within --depth hops. Each path shows
the ties' dates and evidence, the designation with its date and citation,
and a severity that rises when a tie was active after the designation date.

By default only enacted rules and internal policies apply; --scenario NAME
adds one proposed rule (e.g. HR1516), --scenario all adds every proposed
rule. Scenario findings are reported apart from enacted ones.

--since VERSION compares with the exposure as it stood when list version
VERSION was the newest loaded, and lists what is new, gone or changed;
--since DATE compares with the lists as they stood when that day began.

ORG is a graph id (msft), an identifier (ror:00d0nc645) or an exact name.

--file ORGS reports a portfolio (suppliers, partners, grantees): a .csv or
.xlsx with a "name" column (or --column), or a text file with one ORG a
line; one combined report, a summary table first, then each
organization.`,
		Args: cobra.RangeArgs(0, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if (len(args) == 1) == (ef.file != "") {
				return errors.New("give one ORG, or --file with a list of them")
			}
			if ef.file != "" && ef.since != "" {
				return errors.New("--since compares one organization's exposure; give ORG, not --file")
			}
			asOf, err := parseAsOf(ef.asOf)
			if err != nil {
				return err
			}
			formats := 0
			for _, b := range []bool{ef.asJSON, ef.asCSV, ef.asHTML} {
				if b {
					formats++
				}
			}
			if formats > 1 {
				return errors.New("give at most one of --json, --csv, --html")
			}
			st, err := g.openStore()
			if err != nil {
				return err
			}
			defer st.Close()
			ctx := cmd.Context()
			model, err := analysis.Build(ctx, st, analysis.Options{})
			if err != nil {
				return err
			}
			q := analysis.Query{AsOf: asOf, Scenarios: ef.scenarios, Depth: ef.depth}
			if ef.file != "" {
				entries, err := portfolioExposure(model, ef.file, q)
				if err != nil {
					return err
				}
				return writeOut(cmd, ef.out, func(out io.Writer) error {
					switch {
					case ef.asJSON:
						return printJSON(out, map[string]any{"organizations": entries})
					case ef.asCSV:
						return report.ExposureCSV(out, report.PortfolioReports(entries)...)
					case ef.asHTML:
						return report.PortfolioHTML(out, entries, model.Versions, time.Now().UTC())
					}
					printPortfolio(out, entries)
					return nil
				})
			}
			q.Org = args[0]
			rep, err := model.Exposure(q)
			if err != nil {
				return err
			}
			out, closeOut, err := outputFile(cmd, ef.out)
			if err != nil {
				return err
			}
			defer closeOut()
			if ef.since != "" {
				since, day, err := parseSince(ef.since)
				if err == nil && !day.IsZero() {
					since, err = versionBefore(ctx, st, day)
				}
				if err != nil {
					return err
				}
				if since != 0 {
					before, err := analysis.Build(ctx, st, analysis.Options{AtVersion: since})
					if err != nil {
						return err
					}
					old, err := before.Exposure(q)
					if err != nil {
						return err
					}
					return printChanges(out, ef, old, rep, since, model.Versions)
				}
			}
			switch {
			case ef.asJSON:
				return printJSON(out, rep)
			case ef.asCSV:
				return report.ExposureCSV(out, rep)
			case ef.asHTML:
				return report.ExposureHTML(out, rep, model.Versions, time.Now().UTC())
			}
			printExposure(out, rep)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&ef.asOf, "as-of", "", "evaluate designations in force and ties begun by this date (YYYY[-MM[-DD]]; default today)")
	f.StringSliceVar(&ef.scenarios, "scenario", nil, "add a proposed rule by name (e.g. HR1516), or all")
	f.IntVar(&ef.depth, "depth", 4, "most hops a path may have")
	f.BoolVar(&ef.asJSON, "json", false, "print JSON")
	f.BoolVar(&ef.asCSV, "csv", false, "print CSV, one row per path")
	f.BoolVar(&ef.asHTML, "html", false, "write a self-contained HTML report")
	f.StringVar(&ef.out, "out", "", "write to this file instead of stdout")
	f.StringVar(&ef.file, "file", "", "a portfolio: .csv/.xlsx with a name column, or text with one ORG a line")
	f.StringVar(&ef.since, "since", "", "list exposures new, gone or changed since this list version id, or since this date (YYYY-MM-DD)")
	return cmd
}

func parseAsOf(s string) (ties.Date, error) {
	if s == "" {
		return ties.MustDate(time.Now().UTC().Format("2006-01-02")), nil
	}
	d, err := ties.ParseDate(s)
	if err != nil {
		return d, fmt.Errorf("--as-of: %w", err)
	}
	return d, nil
}

// writeOut writes with write to path, or to stdout when path is "".
func writeOut(cmd *cobra.Command, path string, write func(io.Writer) error) error {
	out, closeOut, err := outputFile(cmd, path)
	if err != nil {
		return err
	}
	defer closeOut()
	return write(out)
}

func outputFile(cmd *cobra.Command, path string) (io.Writer, func(), error) {
	if path == "" {
		return cmd.OutOrStdout(), func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, err
	}
	return f, func() { f.Close() }, nil
}

func printExposure(out io.Writer, rep exposure.Report) {
	name := rep.OrgName
	if name == "" {
		name = rep.Org
	}
	fmt.Fprintf(out, "Exposure of %s (%s) as of %s, depth %d\n", name, rep.Org, rep.AsOf.String(), rep.Depth)
	fmt.Fprintf(out, "%d finding(s) under enacted rules and policies, %d after designation; %d under proposed-rule scenarios\n",
		rep.Summary.Findings, rep.Summary.AfterDesignation, rep.Summary.Scenario)
	printFindings(out, "Enacted rules and policies", rep.Findings)
	printFindings(out, "Scenarios (PROPOSED rules, not law)", rep.ScenarioFindings)
	for _, n := range rep.Notes {
		fmt.Fprintln(out, "note:", n)
	}
}

func printFindings(out io.Writer, title string, fs []exposure.Finding) {
	if len(fs) == 0 {
		return
	}
	fmt.Fprintf(out, "\n== %s ==\n", title)
	for i, f := range fs {
		mark := ""
		if f.AfterDesignation {
			mark = "  ** tie active AFTER designation **"
		} else if f.PossiblyAfterDesignation {
			mark = "  (a tie may have been active after designation)"
		}
		fmt.Fprintf(out, "\n%d. %s  severity %s, rule %s (%s)%s\n", i+1, report.DesignationText(f.Designated), f.Severity, f.Rule.Name, f.Rule.Status, mark)
		if f.Designated.Via != "" {
			fmt.Fprintf(out, "   designated via %s\n", f.Designated.Via)
		}
		for _, p := range f.Paths {
			fmt.Fprintf(out, "   - %s\n", report.PathText(p))
			for _, s := range p {
				for _, e := range s.Evidence {
					fmt.Fprintf(out, "       evidence for %s: %s %s\n", s.Name, e.Title, e.Ref)
				}
			}
		}
	}
}

func printChanges(out io.Writer, ef exposureFlags, old, cur exposure.Report, since int64, versions []ties.ListVersion) error {
	ch := exposure.Diff(old, cur)
	if ef.asJSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Org     string            `json:"org"`
			Since   int64             `json:"since_version"`
			AsOf    exposure.NullDate `json:"as_of"`
			Changes exposure.Changes  `json:"changes"`
		}{cur.Org, since, cur.AsOf, ch})
	}
	fmt.Fprintf(out, "Exposure of %s: changes since list version %d (now: ", cur.Org, since)
	for i, v := range versions {
		if i > 0 {
			fmt.Fprint(out, ", ")
		}
		fmt.Fprintf(out, "%s v%d", v.Dataset, v.ID)
	}
	fmt.Fprintln(out, ")")
	section := func(title string, fs []exposure.Finding) {
		fmt.Fprintf(out, "\n%s: %d\n", title, len(fs))
		for _, f := range fs {
			fmt.Fprintf(out, "  %s  severity %s, rule %s (%s)\n", report.DesignationText(f.Designated), f.Severity, f.Rule.Name, f.Rule.Status)
			if len(f.Paths) > 0 {
				fmt.Fprintf(out, "    %s\n", report.PathText(f.Paths[0]))
			}
		}
	}
	section("New", ch.New)
	section("Gone", ch.Gone)
	section("Changed", ch.Changed)
	return nil
}
