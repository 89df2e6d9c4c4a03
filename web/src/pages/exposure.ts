import cytoscape from 'cytoscape';
import fcose from 'cytoscape-fcose';
import { h, clear, errorBox, entityLink } from '../dom';
import { getJSON } from '../api';
import { graphElements, edgeKey, pathText } from '../graph';
import { timelineModel, timelineSVG } from '../timeline';
import { download, reportCSV, reportHTML } from '../exportReport';
import { today } from '../dates';
import type { Finding, Report } from '../types';

declare global {
  interface Window {
    /** The exposure graph, for the browser test and for debugging. */
    __cy?: cytoscape.Core;
    __report?: Report;
  }
}

cytoscape.use(fcose);

const graphStyle: cytoscape.StylesheetJson = [
  {
    selector: 'node',
    style: {
      label: 'data(label)',
      'text-wrap': 'wrap',
      'text-max-width': '150px',
      'font-size': 10,
      'text-valign': 'bottom',
      'text-margin-y': 4,
      'background-color': '#8a8a8a',
      width: 22,
      height: 22,
      'border-width': 1,
      'border-color': '#555',
      color: '#222',
      'text-background-color': '#ffffff',
      'text-background-opacity': 0.7,
      'text-background-padding': '1px',
    },
  },
  { selector: 'node.organization', style: { shape: 'round-rectangle', 'background-color': '#3a6ea5' } },
  { selector: 'node.person', style: { shape: 'ellipse', 'background-color': '#5b9a4b' } },
  { selector: 'node.org', style: { width: 34, height: 34, 'border-width': 4, 'border-color': '#111', 'font-weight': 'bold', 'font-size': 12 } },
  {
    selector: 'node.designated',
    style: { 'border-width': 5, 'border-color': '#c62828', color: '#b71c1c', 'font-weight': 'bold', 'background-color': '#ef9a9a' },
  },
  { selector: 'node.scenario-designated', style: { 'border-width': 4, 'border-style': 'dashed', 'border-color': '#b07d00', color: '#8a6200' } },
  {
    selector: 'edge',
    style: {
      label: 'data(label)',
      'font-size': 8,
      'curve-style': 'bezier',
      'target-arrow-shape': 'triangle',
      'arrow-scale': 0.8,
      width: 1.5,
      'line-color': '#9e9e9e',
      'target-arrow-color': '#9e9e9e',
      'text-rotation': 'autorotate',
      'text-background-color': '#ffffff',
      'text-background-opacity': 0.8,
      'text-background-padding': '1px',
      color: '#444',
    },
  },
  { selector: 'edge.scenario', style: { 'line-color': '#d4b64a', 'target-arrow-color': '#d4b64a', 'line-style': 'dotted' } },
  {
    selector: 'edge.after-designation',
    style: { 'line-color': '#c62828', 'target-arrow-color': '#c62828', 'line-style': 'dashed', width: 3, color: '#b71c1c', 'font-weight': 'bold', 'font-size': 9 },
  },
  { selector: '.faded', style: { opacity: 0.12 } },
  { selector: 'node.picked', style: { 'overlay-color': '#ffd54f', 'overlay-opacity': 0.35, 'overlay-padding': 6 } },
];

export interface ExposureParams {
  org: string;
  as_of: string;
  scenario: string;
  depth: string;
}

function severityBadge(s: string): HTMLElement {
  return h('span', { className: `badge severity-${s}` }, s);
}

function afterBadge(f: Finding): HTMLElement | string {
  if (f.after_designation)
    return h('span', { className: 'badge after-designation', 'data-testid': 'after-designation-badge' }, 'after designation');
  if (f.possibly_after_designation) return h('span', { className: 'badge possibly-after' }, 'possibly after designation');
  return 'no';
}

function findingsTable(fs: Finding[], caption: string, testid: string, onPick: (f: Finding) => void): HTMLElement {
  return h(
    'table',
    { className: 'findings', 'data-testid': testid },
    h('caption', {}, caption),
    h(
      'thead',
      {},
      h('tr', {}, ...['Designated', 'List', 'Listed on', 'Authority', 'Rule', 'Severity', 'After designation', 'Paths', ''].map((t) => h('th', { scope: 'col' }, t))),
    ),
    h(
      'tbody',
      {},
      fs.map((f) => {
        const paths = f.paths || [];
        const show = h('button', { type: 'button', className: 'small', 'aria-label': `Show the paths to ${f.designated.name} in the graph` }, 'Show in graph');
        show.addEventListener('click', () => onPick(f));
        return h(
          'tr',
          { 'data-testid': 'finding-row', 'data-entity-id': f.designated.entity_id, className: f.after_designation ? 'after-designation' : '' },
          h('td', {}, entityLink(f.designated.entity_id, f.designated.name), f.designated.via ? h('div', { className: 'muted' }, f.designated.via) : null),
          h('td', {}, f.designated.list),
          h('td', { className: 'date' }, f.designated.listed_on ?? 'not given'),
          h('td', {}, f.designated.authority),
          h('td', {}, f.rule.name, ' ', h('span', { className: `badge status-${f.rule.status}` }, f.rule.status), f.rule.citation ? h('div', { className: 'muted' }, f.rule.citation) : null),
          h('td', {}, severityBadge(f.severity)),
          h('td', {}, afterBadge(f)),
          h(
            'td',
            { className: 'paths' },
            paths.length ? h('div', { className: 'path', 'data-testid': 'path-text' }, pathText(paths[0])) : null,
            paths.length > 1
              ? h('details', {}, h('summary', {}, `${paths.length - 1} more path(s)`), h('ol', { start: 2 }, paths.slice(1).map((p) => h('li', { className: 'path' }, pathText(p)))))
              : null,
            f.truncated ? h('div', { className: 'muted' }, 'path search stopped at its work limit') : null,
          ),
          h('td', {}, show),
        );
      }),
    ),
  );
}

export async function exposurePage(root: HTMLElement, params: URLSearchParams): Promise<void> {
  const p: ExposureParams = {
    org: params.get('org') ?? 'msft',
    as_of: params.get('as_of') ?? today(),
    scenario: params.get('scenario') ?? '',
    depth: params.get('depth') ?? '4',
  };
  const org = h('input', { id: 'exp-org', name: 'org', required: true, value: p.org, 'data-testid': 'exposure-org', size: 24, list: 'exp-org-options', autocomplete: 'off', placeholder: 'graph id, name or ror:ID' });
  // Suggestions from /v1/resolve as the user types a name.
  const options = h('datalist', { id: 'exp-org-options' });
  let timer: ReturnType<typeof setTimeout> | undefined;
  org.addEventListener('input', () => {
    clearTimeout(timer);
    const text = org.value.trim();
    if (text.length < 3) return;
    timer = setTimeout(async () => {
      try {
        const r = await getJSON<{ candidates: { id: string; name: string; ror?: string }[] }>('/v1/resolve', { q: text, limit: 8 });
        options.replaceChildren(...(r.candidates || []).map((c) => h('option', { value: c.id }, `${c.name}${c.ror ? ' · ror ' + c.ror : ''}`)));
      } catch {
        /* suggestions are a convenience */
      }
    }, 250);
  });
  const asOf = h('input', { id: 'exp-asof', name: 'as_of', type: 'date', value: p.as_of, 'data-testid': 'exposure-asof' });
  const scenario = h(
    'select',
    { id: 'exp-scenario', name: 'scenario', 'data-testid': 'exposure-scenario' },
    h('option', { value: '' }, 'none (enacted rules)'),
    h('option', { value: 'hr1516' }, 'HR1516 (proposed)'),
    h('option', { value: 'all' }, 'all proposed rules'),
  );
  scenario.value = p.scenario;
  const depth = h('input', { id: 'exp-depth', name: 'depth', type: 'number', min: 1, max: 16, value: p.depth, size: 3, 'data-testid': 'exposure-depth' });
  const form = h(
    'form',
    { className: 'row', 'aria-label': 'Exposure query' },
    h('label', { for: 'exp-org' }, 'Organization'),
    org,
    options,
    h('label', { for: 'exp-asof' }, 'As of'),
    asOf,
    h('label', { for: 'exp-scenario' }, 'Scenario'),
    scenario,
    h('label', { for: 'exp-depth' }, 'Depth'),
    depth,
    h('button', { type: 'submit', 'data-testid': 'exposure-submit' }, 'Trace'),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const q = new URLSearchParams({ org: org.value.trim(), as_of: asOf.value, scenario: scenario.value, depth: depth.value });
    const target = `#/exposure?${q}`;
    if (location.hash === target) void exposurePage(clearAndGet(root), q);
    else location.hash = target;
  });
  const out = h('div', { id: 'exposure-out', 'aria-live': 'polite' });
  root.append(h('h1', {}, 'Exposure'), form, out);
  out.append(h('p', { className: 'muted' }, 'Tracing…'));
  let rep: Report;
  try {
    rep = await getJSON<Report>('/v1/exposure', { org: p.org, as_of: p.as_of, scenario: p.scenario || undefined, depth: p.depth });
  } catch (e) {
    clear(out);
    out.append(errorBox(e));
    return;
  }
  window.__report = rep;
  clear(out);
  renderReport(out, rep);
}

function clearAndGet(root: HTMLElement): HTMLElement {
  clear(root);
  return root;
}

function renderReport(out: HTMLElement, rep: Report): void {
  const findings = rep.findings || [];
  const scen = rep.scenario_findings || [];
  const after = findings.filter((f) => f.after_designation).length;
  out.append(
    h(
      'p',
      { className: 'summary', 'data-testid': 'exposure-summary' },
      h('strong', {}, rep.org_name || rep.org),
      ` as of ${rep.as_of ?? 'any date'}: ${findings.length} finding(s)`,
      scen.length ? `, ${scen.length} scenario finding(s)` : '',
      after ? [', ', h('span', { className: 'badge after-designation' }, `${after} after designation`)] : '',
    ),
  );
  for (const n of rep.notes || []) out.append(h('p', { className: 'note', role: 'note' }, n));

  const exportBar = h(
    'div',
    { className: 'row exports', role: 'group', 'aria-label': 'Export' },
    h('span', {}, 'Export:'),
    h('button', { type: 'button', 'data-testid': 'export-html', onclick: () => exportHTML(rep) }, 'HTML'),
    h('button', { type: 'button', 'data-testid': 'export-csv', onclick: () => download(fileBase(rep) + '.csv', 'text/csv', reportCSV(rep)) }, 'CSV'),
    h('button', { type: 'button', 'data-testid': 'export-json', onclick: () => download(fileBase(rep) + '.json', 'application/json', JSON.stringify(rep, null, 2)) }, 'JSON'),
  );
  out.append(exportBar);

  const els = graphElements(rep);
  const cyBox = h('div', { id: 'cy', className: 'graph', role: 'img', 'aria-label': `Graph of ${els.nodes.length} entities on the paths from ${rep.org_name || rep.org} to designated entities`, 'data-testid': 'exposure-graph' });
  const reset = h('button', { type: 'button', className: 'small', 'data-testid': 'graph-reset' }, 'Show all paths');
  out.append(
    h(
      'section',
      { 'aria-labelledby': 'h-graph' },
      h('h2', { id: 'h-graph' }, 'Graph'),
      h(
        'p',
        { className: 'legend muted' },
        h('span', { className: 'key org' }, 'organization'),
        h('span', { className: 'key person' }, 'person'),
        h('span', { className: 'key designated' }, 'designated'),
        h('span', { className: 'key after' }, 'tie after designation'),
        scen.length ? h('span', { className: 'key scenario' }, 'scenario (proposed rule)') : null,
        reset,
      ),
      cyBox,
    ),
  );
  const tl = timelineModel(rep);
  const tlBox = h('div', { className: 'timeline-box', 'data-testid': 'timeline' });
  // Filled after the box is in the page, to use its width.
  out.append(
    h(
      'section',
      { 'aria-labelledby': 'h-timeline' },
      h('h2', { id: 'h-timeline' }, 'Timeline of ties against designation dates'),
      tl.rows.length ? tlBox : h('p', { className: 'muted' }, 'No tie on these paths has a date.'),
      tl.undated ? h('p', { className: 'muted' }, `${tl.undated} tie(s) on these paths have no dates and are not drawn.`) : null,
    ),
  );

  if (tl.rows.length) tlBox.innerHTML = timelineSVG(tl, Math.max(900, tlBox.clientWidth - 12));
  const cy = cytoscape({
    container: cyBox,
    elements: [...els.nodes, ...els.edges],
    style: graphStyle,
    // Force-directed (fcose): paths from one organization fan out and
    // cross; a layered layout stacks long names into each other.
    layout: {
      name: 'fcose',
      // 'proof' is slow past a few hundred nodes; a big graph gets 'default'.
      quality: els.nodes.length > 250 ? 'default' : 'proof',
      randomize: true,
      animate: false,
      padding: 24,
      nodeDimensionsIncludeLabels: true,
      nodeRepulsion: () => 12000,
      idealEdgeLength: () => 90,
      nodeSeparation: 90,
      numIter: els.nodes.length > 250 ? 2500 : 5000,
    } as cytoscape.LayoutOptions,
    wheelSensitivity: 0.3,
    minZoom: 0.1,
    maxZoom: 3,
  });
  window.__cy = cy;
  cy.on('tap', 'node', (ev) => {
    location.hash = '#/entity/' + encodeURIComponent(ev.target.id());
  });
  const pick = (f: Finding) => {
    const keep = new Set<string>();
    for (const path of f.paths || []) path.forEach((s, i) => {
      keep.add(s.entity_id);
      if (i > 0) keep.add(edgeKey(path[i - 1], s).id);
    });
    cy.elements().forEach((el) => {
      el.toggleClass('faded', !keep.has(el.id()));
    });
    cy.nodes().removeClass('picked');
    cy.getElementById(f.paths?.[0]?.[f.paths[0].length - 1]?.entity_id ?? '').addClass('picked');
    cyBox.scrollIntoView({ behavior: 'smooth', block: 'center' });
  };
  reset.addEventListener('click', () => cy.elements().removeClass('faded picked'));

  out.append(
    h(
      'section',
      { 'aria-labelledby': 'h-findings' },
      h('h2', { id: 'h-findings' }, 'Findings'),
      findings.length ? findingsTable(findings, 'Findings under enacted rules and policies', 'findings-table', pick) : h('p', {}, 'No finding under enacted rules.'),
      scen.length ? findingsTable(scen, 'Scenario findings under proposed rules (not law)', 'scenario-table', pick) : null,
    ),
  );
}

function fileBase(rep: Report): string {
  return `exposure-${rep.org}-${rep.as_of ?? 'any'}`.replace(/[^A-Za-z0-9._-]+/g, '_');
}

function exportHTML(rep: Report): void {
  let png: string | null = null;
  try {
    png = window.__cy ? window.__cy.png({ full: true, scale: 1.5, bg: '#ffffff' }) : null;
  } catch {
    png = null;
  }
  download(fileBase(rep) + '.html', 'text/html', reportHTML(rep, png, timelineSVG(timelineModel(rep))));
}
