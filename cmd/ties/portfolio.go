package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"ties/analysis"
	"ties/report"
	"ties/roster"
	"ties/sources"
)

// portfolioExposure reads a list of organizations (a roster: .csv or .xlsx
// with a "name" column, or text with one a line; each a graph id, an
// identifier or an exact name) and reports each one's exposure.
func portfolioExposure(model *analysis.Model, file string, q analysis.Query) ([]report.PortfolioEntry, error) {
	r, err := roster.Read(file, roster.Columns{}, sources.CountryCode)
	if err != nil {
		return nil, err
	}
	if len(r.Rows) == 0 {
		return nil, fmt.Errorf("%s: no organizations", file)
	}
	out := make([]report.PortfolioEntry, 0, len(r.Rows))
	for _, row := range r.Rows {
		e := report.PortfolioEntry{Input: row.Name, Line: row.Line}
		q.Org = row.Name
		rep, err := model.Exposure(q)
		if err != nil {
			e.Error = err.Error()
		} else {
			e.Report = &rep
		}
		out = append(out, e)
	}
	return out, nil
}

func printPortfolio(out io.Writer, entries []report.PortfolioEntry) {
	fmt.Fprintf(out, "Portfolio of %d organization(s)\n\n", len(entries))
	tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "line\torganization\tfindings\tafter designation\tmost severe\tscenario findings")
	for _, e := range entries {
		if e.Report == nil {
			fmt.Fprintf(tw, "%d\t%s\t-\t-\t-\t-\t(%s)\n", e.Line, e.Input, e.Error)
			continue
		}
		s := e.Report.Summary
		fmt.Fprintf(tw, "%d\t%s\t%d\t%d\t%s\t%d\n", e.Line, e.Name(), s.Findings, s.AfterDesignation, e.Worst(), s.Scenario)
	}
	tw.Flush()
	for _, e := range entries {
		if e.Report != nil && len(e.Report.Findings)+len(e.Report.ScenarioFindings) > 0 {
			fmt.Fprintln(out)
			printExposure(out, *e.Report)
		}
	}
}
