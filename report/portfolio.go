package report

import (
	"html/template"
	"io"
	"time"

	"ties"
	"ties/exposure"
)

// PortfolioEntry is one organization of a portfolio: its report, or why
// it has none (not in the graph).
type PortfolioEntry struct {
	Input  string           `json:"input"`
	Line   int              `json:"line"`
	Report *exposure.Report `json:"report,omitempty"`
	Error  string           `json:"error,omitempty"`
}

// severities, most severe first.
var severities = []string{exposure.SeverityCritical, exposure.SeverityHigh, exposure.SeverityMedium, exposure.SeverityLow}

// Worst is the most severe finding's severity, "none", or "" without a report.
func (e PortfolioEntry) Worst() string {
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

// Name is the organization's name, or the input when it has no report.
func (e PortfolioEntry) Name() string {
	switch {
	case e.Report == nil:
		return e.Input
	case e.Report.OrgName != "":
		return e.Report.OrgName
	}
	return e.Report.Org
}

// PortfolioReports are the reports of the entries that have one.
func PortfolioReports(entries []PortfolioEntry) []exposure.Report {
	var reps []exposure.Report
	for _, e := range entries {
		if e.Report != nil {
			reps = append(reps, *e.Report)
		}
	}
	return reps
}

var portfolioTemplate = template.Must(template.Must(exposureTemplate.Clone()).New("portfolio").Parse(`<!DOCTYPE html>
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
	PortfolioEntry
	Name, Worst string
}

// PortfolioHTML writes one report for a portfolio: a summary table, then each organization.
func PortfolioHTML(out io.Writer, entries []PortfolioEntry, versions []ties.ListVersion, now time.Time) error {
	views := make([]portfolioView, len(entries))
	for i, e := range entries {
		views[i] = portfolioView{PortfolioEntry: e, Name: e.Name(), Worst: e.Worst()}
	}
	return portfolioTemplate.ExecuteTemplate(out, "portfolio", map[string]any{
		"Entries": views, "Versions": versions, "Generated": now.Format("2006-01-02 15:04:05Z"),
	})
}
