package report

import (
	"html/template"
	"io"
	"strings"
	"time"

	"ties"
	"ties/assess"
)

// assessTemplate is a self-contained assessment report in the style of the
// exposure report: no script, no external asset, so it can be filed.
var assessTemplate = template.Must(template.New("assess").Funcs(template.FuncMap{
	"path":    PathText,
	"style":   func() template.CSS { return template.CSS(Style) },
	"outcome": OutcomeText,
	"sev": func(o assess.Outcome) string {
		return [...]string{"low", "medium", "high", "critical"}[min(max(int(o), 0), 3)]
	},
	"join": strings.Join,
	"date": func(d ties.Date) string {
		if d.IsZero() {
			return "—"
		}
		return d.String()
	},
}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{{if .Proposal}}Assessment of proposal {{.Proposal.Proposal.ID}}{{else}}Research-security assessment{{end}} as of {{.AsOf}}</title>
<style>{{style}}</style></head><body>
{{with .Proposal}}<h1>Proposal {{.Proposal.ID}}{{if .Proposal.Title}} <small>{{.Proposal.Title}}</small>{{end}}</h1>
<p>Reviewed as of <b>{{.AsOf.String}}</b>{{if .Proposal.File}} from {{.Proposal.File}}{{end}}. Overall outcome:
<span class="sev-{{sev .Outcome}}"><b>{{outcome .Outcome}}</b></span>{{if .DecidedBy}} ({{join .DecidedBy "; "}}){{end}} — the most severe outcome among the key personnel.</p>
{{else}}<h1>Research-security assessment</h1>{{end}}
<p>Generated {{.Generated}} by ties.</p>
<h2>Matrix</h2>
<table><tr><th>Matrix</th><th>Version</th><th>Issuer</th><th>File</th><th>SHA-256</th></tr>
<tr><td>{{.Matrix.Title}} ({{.Matrix.ID}})</td><td>{{date .Matrix.Version}}</td><td>{{.Matrix.Issuer}}</td><td>{{.Matrix.File}}</td><td><code>{{.Matrix.Hash}}</code></td></tr></table>
{{if .Matrix.Note}}<p><b>Note:</b> {{.Matrix.Note}}</p>{{end}}
<h2>List versions used</h2>
<table><tr><th>Dataset</th><th>Version</th><th>Rows</th><th>Loaded</th><th>SHA-256</th><th>Origin</th></tr>
{{range .Versions}}<tr><td>{{.Dataset}}</td><td>{{.ID}}</td><td>{{.Rows}}</td><td>{{.LoadedAt.Format "2006-01-02 15:04Z"}}</td><td><code>{{.Hash}}</code></td><td>{{.Origin}}</td></tr>{{end}}
</table>
<h2>People</h2>
<table><tr><th>Person</th><th>Role</th><th>Outcome</th><th>Decided by</th></tr>
{{range .People}}<tr><td>{{.Assessment.Name}} <small>({{.Assessment.Person}})</small></td><td>{{.Role}}</td><td class="sev-{{sev .Assessment.Outcome}}">{{outcome .Assessment.Outcome}}</td><td>{{join .Assessment.DecidedBy ", "}}</td></tr>{{end}}
</table>
{{range .People}}{{with .Assessment}}
<h2>{{.Name}} <small>({{.Person}}{{range .Identifiers}}; {{.Scheme}}:{{.Value}}{{end}})</small></h2>
<p>As of {{.AsOf.String}}: <span class="sev-{{sev .Outcome}}"><b>{{outcome .Outcome}}</b></span>{{if .DecidedBy}} by {{join .DecidedBy ", "}}{{end}}.</p>
{{range .Factors}}{{if .Fired}}<table>
<tr><th colspan="2">{{.ID}}: {{.Title}}</th></tr>
<tr><td>Outcome</td><td class="sev-{{sev .Outcome}}">{{outcome .Outcome}}</td></tr>
<tr><td>Citation</td><td>{{.Citation}} <small>(matrix line {{.Line}}, effective {{date .Effective}})</small></td></tr>
<tr><td>Scope</td><td>lists {{join .Lists ", "}}; look-back {{.Window}}{{if not .From.IsZero}} (since {{.From.String}}){{end}}; timing {{.Timing}}; {{.Count}} tie(s), fires at {{.MinCount}}</td></tr>
{{range .Hits}}<tr><td>Evidence</td><td>{{path .Path}}
{{if .Work}}<br>Work: “{{.Work.Title}}”{{if .Work.DOI}} doi:{{.Work.DOI}}{{end}}{{if .Work.Year}} ({{.Work.Year}}){{end}}{{end}}
<br>Listed: {{.Listed.Name}} — {{.Listed.List}}, listed {{date .Listed.ListedOn.Date}}{{if .Listed.Authority}} under {{.Listed.Authority}}{{end}}{{if .AfterListing}} <span class="after">— tie AFTER the listing</span>{{else if .PossiblyAfterListing}} <span class="after">— possibly after the listing</span>{{end}}
{{if .Listed.Via}}<br><small>designated via {{.Listed.Via}}</small>{{end}}
<ul class="ev">{{range .Path}}{{$s := .}}{{range .Evidence}}<li>{{$s.Name}}: {{.Title}}{{if .Ref}} — {{.Ref}}{{end}}{{if not .Retrieved.IsZero}} (retrieved {{.Retrieved.String}}){{end}}{{if .Quote}}: “{{.Quote}}”{{end}}</li>{{end}}{{end}}</ul></td></tr>{{end}}
</table>{{end}}{{end}}
<p><small>Factors in force that did not fire:{{range .Factors}}{{if not .Fired}} {{.ID}}{{end}}{{end}}</small></p>
{{if .Notes}}<ul>{{range .Notes}}<li>{{.}}</li>{{end}}</ul>{{end}}
{{end}}{{end}}
</body></html>`))

// AssessHTML writes a self-contained assessment report.
func AssessHTML(out io.Writer, people []assess.PersonRole, pa *assess.ProposalAssessment, versions []ties.ListVersion, now time.Time) error {
	data := map[string]any{"People": people, "Proposal": pa, "Versions": versions, "Generated": now.Format("2006-01-02 15:04:05Z")}
	switch {
	case pa != nil:
		data["Matrix"], data["AsOf"] = pa.Matrix, pa.AsOf.String()
	case len(people) > 0:
		data["Matrix"], data["AsOf"] = people[0].Assessment.Matrix, people[0].Assessment.AsOf.String()
	default:
		data["Matrix"], data["AsOf"] = assess.MatrixRef{}, ""
	}
	return assessTemplate.Execute(out, data)
}

// OutcomeText is an outcome as reports write it: "REQUIRED MITIGATION".
func OutcomeText(o assess.Outcome) string {
	return strings.ToUpper(strings.ReplaceAll(o.String(), "_", " "))
}
