package main

import (
	"fmt"
	"html/template"
	"io"
	"text/tabwriter"
	"time"

	"ties"
	"ties/analysis"
	"ties/exposure"
	"ties/roster"
	"ties/sources"
)

// portfolioEntry is one organization of a portfolio: its report, or why
// it has none (not in the graph).
type portfolioEntry struct {
	Input  string           `json:"input"`
	Line   int              `json:"line"`
	Report *exposure.Report `json:"report,omitempty"`
	Error  string           `json:"error,omitempty"`
}

// severities, most severe first.
var severities = []string{exposure.SeverityCritical, exposure.SeverityHigh, exposure.SeverityMedium, exposure.SeverityLow}

func (e portfolioEntry) worst() string {
	if e.Report == nil {
		return ""
	}
	for _, s := range severities {
		if e.Report.Summary.BySeverity[s] > 0 {
			return s
		}
	}
	return "none"
}

func (e portfolioEntry) name() string {
	switch {
	case e.Report == nil:
		return e.Input
	case e.Report.OrgName != "":
		return e.Report.OrgName
	}
	return e.Report.Org
}

// portfolioExposure reads a list of organizations (a roster: .csv or .xlsx
// with a "name" column, or text with one a line; each a graph id, an
// identifier or an exact name) and reports each one's exposure.
func portfolioExposure(model *analysis.Model, file string, q analysis.Query) ([]portfolioEntry, error) {
	r, err := roster.Read(file, roster.Columns{}, sources.CountryCode)
	if err != nil {
		return nil, err
	}
	if len(r.Rows) == 0 {
		return nil, fmt.Errorf("%s: no organizations", file)
	}
	out := make([]portfolioEntry, 0, len(r.Rows))
	for _, row := range r.Rows {
		e := portfolioEntry{Input: row.Name, Line: row.Line}
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

func printPortfolio(out io.Writer, entries []portfolioEntry) {
	fmt.Fprintf(out, "Portfolio of %d organization(s)\n\n", len(entries))
	tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "line\torganization\tfindings\tafter designation\tmost severe\tscenario findings")
	for _, e := range entries {
		if e.Report == nil {
			fmt.Fprintf(tw, "%d\t%s\t-\t-\t-\t-\t(%s)\n", e.Line, e.Input, e.Error)
			continue
		}
		s := e.Report.Summary
		fmt.Fprintf(tw, "%d\t%s\t%d\t%d\t%s\t%d\n", e.Line, e.name(), s.Findings, s.AfterDesignation, e.worst(), s.Scenario)
	}
	tw.Flush()
	for _, e := range entries {
		if e.Report != nil && len(e.Report.Findings)+len(e.Report.ScenarioFindings) > 0 {
			fmt.Fprintln(out)
			printExposure(out, *e.Report)
		}
	}
}

func portfolioReports(entries []portfolioEntry) []exposure.Report {
	var reps []exposure.Report
	for _, e := range entries {
		if e.Report != nil {
			reps = append(reps, *e.Report)
		}
	}
	return reps
}

var portfolioTemplate = template.Must(template.Must(reportTemplate.Clone()).New("portfolio").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Exposure of a portfolio of {{len .Entries}} organizations</title>
<style>{{style}}</style></head><body>
<h1>Exposure of a portfolio of {{len .Entries}} organizations</h1>
<p>Generated {{.Generated}} by ties.</p>
<table><tr><th>Line</th><th>Organization</th><th>Findings</th><th>After designation</th><th>Most severe</th><th>Scenario findings</th></tr>
{{range .Entries}}<tr><td>{{.Line}}</td>{{if .Report}}<td><a href="#org-{{.Line}}">{{.Name}}</a></td><td>{{.Report.Summary.Findings}}</td><td>{{.Report.Summary.AfterDesignation}}</td><td class="sev-{{.Worst}}">{{.Worst}}</td><td>{{.Report.Summary.Scenario}}</td>{{else}}<td>{{.Input}}</td><td colspan="4">{{.Error}}</td>{{end}}</tr>
{{end}}</table>
<h2>List versions used</h2>
<table><tr><th>Dataset</th><th>Version</th><th>Rows</th><th>Loaded</th><th>SHA-256</th><th>Origin</th></tr>
{{range .Versions}}<tr><td>{{.Dataset}}</td><td>{{.ID}}</td><td>{{.Rows}}</td><td>{{.LoadedAt.Format "2006-01-02 15:04Z"}}</td><td><code>{{.Hash}}</code></td><td>{{.Origin}}</td></tr>{{end}}
</table>
{{range .Entries}}{{if .Report}}<h1 id="org-{{.Line}}">{{.Name}} <small>({{.Report.Org}}), as of {{.Report.AsOf.String}}</small></h1>
{{template "findings" dict "Title" "Enacted rules and internal policies" "Findings" .Report.Findings "Proposed" false}}
{{template "findings" dict "Title" "Scenarios: proposed rules, not law" "Findings" .Report.ScenarioFindings "Proposed" true}}
{{end}}{{end}}
</body></html>`))

type portfolioView struct {
	portfolioEntry
	Name, Worst string
}

func writePortfolioHTML(out io.Writer, entries []portfolioEntry, versions []ties.ListVersion, now time.Time) error {
	views := make([]portfolioView, len(entries))
	for i, e := range entries {
		views[i] = portfolioView{portfolioEntry: e, Name: e.name(), Worst: e.worst()}
	}
	return portfolioTemplate.ExecuteTemplate(out, "portfolio", map[string]any{
		"Entries": views, "Versions": versions, "Generated": now.Format("2006-01-02 15:04:05Z"),
	})
}
