package report

import (
	"html/template"
	"io"
	"time"

	"ties"
	"ties/exposure"
)

// exposureTemplate is a self-contained evidence report: no script, no
// external asset, so it can be filed as it is.
var exposureTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"path":  PathText,
	"dict":  dict,
	"style": func() template.CSS { return template.CSS(Style) },
	"date": func(d exposure.NullDate) string {
		if d.IsZero() {
			return "—"
		}
		return d.String()
	},
}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Exposure of {{.Name}} as of {{.Report.AsOf.String}}</title>
<style>{{style}}</style></head><body>
<h1>Exposure of {{.Name}} <small>({{.Report.Org}})</small></h1>
<p>As of <b>{{.Report.AsOf.String}}</b>, paths of at most {{.Report.Depth}} hops. Generated {{.Generated}} by ties.</p>
<p>{{.Report.Summary.Findings}} finding(s) under enacted rules and internal policies ({{.Report.Summary.AfterDesignation}} with a tie active after the designation);
{{.Report.Summary.Scenario}} under proposed-rule scenarios, reported apart.</p>
<h2>List versions used</h2>
<table><tr><th>Dataset</th><th>Version</th><th>Rows</th><th>Loaded</th><th>SHA-256</th><th>Origin</th></tr>
{{range .Versions}}<tr><td>{{.Dataset}}</td><td>{{.ID}}</td><td>{{.Rows}}</td><td>{{.LoadedAt.Format "2006-01-02 15:04Z"}}</td><td><code>{{.Hash}}</code></td><td>{{.Origin}}</td></tr>{{end}}
</table>
{{template "findings" dict "Title" "Enacted rules and internal policies" "Findings" .Report.Findings "Proposed" false}}
{{template "findings" dict "Title" "Scenarios: proposed rules, not law" "Findings" .Report.ScenarioFindings "Proposed" true}}
{{if .Report.Notes}}<h2>Notes</h2><ul>{{range .Report.Notes}}<li>{{.}}</li>{{end}}</ul>{{end}}
</body></html>
{{define "findings"}}<h2>{{.Title}}</h2>
{{if not .Findings}}<p>None.</p>{{end}}
{{range .Findings}}<table class="{{if $.Proposed}}proposed{{end}}">
<tr><th colspan="2">{{.Designated.Name}} — {{.Designated.List}}, listed {{date .Designated.ListedOn}}{{if .Designated.Authority}} under {{.Designated.Authority}}{{end}}</th></tr>
<tr><td>Rule</td><td>{{.Rule.Name}} ({{.Rule.Status}}){{if .Rule.Citation}}: {{.Rule.Citation}}{{end}}</td></tr>
<tr><td>Severity</td><td class="sev-{{.Severity}}">{{.Severity}}{{if .AfterDesignation}} <span class="after">— a tie was active AFTER the designation date</span>{{end}}</td></tr>
{{if .Designated.Via}}<tr><td>Designated via</td><td>{{.Designated.Via}}</td></tr>{{end}}
{{range .Paths}}<tr><td>Path</td><td>{{path .}}
<ul class="ev">{{range .}}{{$s := .}}{{range .Evidence}}<li>{{$s.Name}}: {{.Title}}{{if .Ref}} — {{.Ref}}{{end}}{{if not .Retrieved.IsZero}} (retrieved {{.Retrieved.String}}){{end}}{{if .Quote}}: “{{.Quote}}”{{end}}</li>{{end}}{{end}}</ul></td></tr>{{end}}
</table>{{end}}{{end}}`))

// Style is the style of the filed reports (exposure, assessment).
const Style = `body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:72em;color:#222}
h1{font-size:1.5em}h2{margin-top:2em;border-bottom:2px solid #444}
table{border-collapse:collapse;width:100%;margin:.5em 0}th,td{border:1px solid #bbb;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#eee}.after{color:#a00;font-weight:bold}.proposed{background:#fff6d6}
.sev-critical{color:#fff;background:#a00}.sev-high{background:#f3b0a0}.sev-medium{background:#f8e0a0}.sev-low{background:#e6f0e6}
.ev{color:#555;font-size:.9em}small{color:#666}
`

func dict(kv ...any) map[string]any {
	m := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

// ExposureHTML writes a self-contained exposure report to file as evidence.
func ExposureHTML(out io.Writer, rep exposure.Report, versions []ties.ListVersion, now time.Time) error {
	name := rep.OrgName
	if name == "" {
		name = rep.Org
	}
	return exposureTemplate.Execute(out, map[string]any{
		"Name": name, "Report": rep, "Versions": versions, "Generated": now.Format("2006-01-02 15:04:05Z"),
	})
}
