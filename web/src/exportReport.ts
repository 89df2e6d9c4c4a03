// Exports of an exposure report, made in the browser: CSV (one row per
// path), JSON (the report as the API gave it) and a self-contained HTML
// page (inline style, the graph as an embedded PNG, the timeline as SVG).

import type { Finding, Report } from './types';
import { toCSV } from './csv';
import { pathText } from './graph';

export function findingRows(rep: Report): unknown[][] {
  const rows: unknown[][] = [
    ['section', 'designated', 'entity_id', 'list', 'listed_on', 'authority', 'rule', 'rule_status', 'severity', 'after_designation', 'path_no', 'path'],
  ];
  const add = (section: string, f: Finding) => {
    const paths = f.paths?.length ? f.paths : [[]];
    paths.forEach((p, i) =>
      rows.push([
        section,
        f.designated.name,
        f.designated.entity_id,
        f.designated.list,
        f.designated.listed_on ?? '',
        f.designated.authority,
        f.rule.name,
        f.rule.status,
        f.severity,
        f.after_designation ? 'yes' : f.possibly_after_designation ? 'possibly' : 'no',
        i + 1,
        pathText(p),
      ]),
    );
  };
  for (const f of rep.findings || []) add('finding', f);
  for (const f of rep.scenario_findings || []) add('scenario', f);
  return rows;
}

export function reportCSV(rep: Report): string {
  return toCSV(findingRows(rep));
}

const esc = (s: unknown) =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

export function reportHTML(rep: Report, graphPNG: string | null, timeline: string): string {
  const title = `Exposure of ${rep.org_name || rep.org} as of ${rep.as_of ?? 'any date'}`;
  const table = (fs: Finding[]) =>
    `<table><thead><tr><th>Designated</th><th>List</th><th>Listed on</th><th>Authority</th><th>Rule</th><th>Severity</th><th>After designation</th><th>Paths</th></tr></thead><tbody>` +
    fs
      .map(
        (f) =>
          `<tr><td>${esc(f.designated.name)}</td><td>${esc(f.designated.list)}</td><td>${esc(f.designated.listed_on)}</td><td>${esc(f.designated.authority)}</td>` +
          `<td>${esc(f.rule.name)} (${esc(f.rule.status)})</td><td>${esc(f.severity)}</td>` +
          `<td>${f.after_designation ? '<strong class="after">after designation</strong>' : f.possibly_after_designation ? 'possibly' : 'no'}</td>` +
          `<td><ol>${(f.paths || []).map((p) => `<li>${esc(pathText(p))}</li>`).join('')}</ol></td></tr>`,
      )
      .join('') +
    `</tbody></table>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;width:100%;margin:1em 0}
th,td{border:1px solid #ccc;padding:4px 6px;vertical-align:top;text-align:left}
th{background:#f3f3f3}
.after{color:#c62828}
img,svg{max-width:100%;height:auto;border:1px solid #ddd}
</style></head><body>
<h1>${esc(title)}</h1>
<p>Generated ${esc(new Date().toISOString())} by ties. Depth ${esc(rep.depth ?? '')}. ${esc(rep.summary?.findings ?? (rep.findings || []).length)} finding(s), ${esc(rep.summary?.after_designation ?? 0)} after designation.</p>
${(rep.notes || []).map((n) => `<p><em>${esc(n)}</em></p>`).join('')}
<h2>Findings</h2>
${table(rep.findings || [])}
${rep.scenario_findings?.length ? `<h2>Scenario findings (proposed rules)</h2>${table(rep.scenario_findings)}` : ''}
${graphPNG ? `<h2>Graph</h2><img alt="Graph of the paths" src="${graphPNG}">` : ''}
<h2>Timeline</h2>
${timeline}
</body></html>
`;
}

/** Saves text as a file through a Blob link: nothing leaves the browser. */
export function download(filename: string, mime: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
