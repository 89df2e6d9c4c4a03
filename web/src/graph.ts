// The exposure graph: every path of every finding merged into one set of
// nodes and edges for cytoscape. Edges point the way the tie does (a
// reversed step "msra part_of msft" is drawn msra → msft).

import type { Finding, Report, Step } from './types';
import { dateRange } from './dates';

export interface NodeData {
  id: string;
  label: string;
  name: string;
  kind: string;
  org?: boolean;
  scenario?: boolean;
  designated?: boolean;
  listed?: string;
  scenarioListed?: string;
}

export interface EdgeData {
  id: string;
  source: string;
  target: string;
  label: string;
  tie: string;
  start: string | null;
  end: string | null;
  after: boolean;
  scenario: boolean;
}

export interface GraphElements {
  nodes: { data: NodeData; classes: string }[];
  edges: { data: EdgeData; classes: string }[];
}

/** Long names (paper titles) would cover their neighbours; the full name stays in data.name. */
export function shortLabel(name: string, n = 60): string {
  return name.length > n ? name.slice(0, n - 1) + '…' : name;
}

export function edgeKey(prev: Step, step: Step): { id: string; source: string; target: string } {
  const [source, target] = step.reverse ? [step.entity_id, prev.entity_id] : [prev.entity_id, step.entity_id];
  const id = [source, step.tie, target, step.start ?? '', step.end ?? ''].join('|');
  return { id, source, target };
}

/** Merges the paths of every finding (enacted first, then scenario) into graph elements. */
export function graphElements(rep: Report): GraphElements {
  const nodes = new Map<string, NodeData>();
  const edges = new Map<string, EdgeData>();
  const visit = (f: Finding, scenario: boolean) => {
    for (const path of f.paths || []) {
      path.forEach((step, i) => {
        let n = nodes.get(step.entity_id);
        if (!n) {
          n = { id: step.entity_id, label: shortLabel(step.name), name: step.name, kind: step.kind, scenario };
          nodes.set(step.entity_id, n);
        }
        if (!scenario) n.scenario = false;
        if (i === 0 && step.entity_id === rep.org) n.org = true;
        if (i === path.length - 1) {
          const listed = f.designated.listed_on ? `listed ${f.designated.listed_on} (${f.designated.list})` : f.designated.list;
          if (scenario) n.scenarioListed ??= listed;
          else n.listed ??= listed;
        }
        if (i === 0) return;
        const k = edgeKey(path[i - 1], step);
        const e = edges.get(k.id);
        const when = dateRange(step.start, step.end);
        if (e) {
          e.after = e.after || !!step.after_designation;
          e.scenario = e.scenario && scenario;
        } else {
          edges.set(k.id, {
            ...k,
            label: when ? `${step.tie} · ${when}` : step.tie,
            tie: step.tie,
            start: step.start,
            end: step.end,
            after: !!step.after_designation,
            scenario,
          });
        }
      });
    }
  };
  for (const f of rep.findings || []) visit(f, false);
  for (const f of rep.scenario_findings || []) visit(f, true);
  const out: GraphElements = { nodes: [], edges: [] };
  for (const n of nodes.values()) {
    const classes = [n.kind];
    if (n.org) classes.push('org');
    if (n.listed) {
      n.designated = true;
      classes.push('designated');
      n.label = `${n.name}\n${n.listed}`;
    } else if (n.scenarioListed) {
      n.designated = true;
      classes.push('scenario-designated');
      n.label = `${n.name}\n${n.scenarioListed} · scenario`;
    }
    if (n.scenario) classes.push('scenario');
    out.nodes.push({ data: n, classes: classes.join(' ') });
  }
  for (const e of edges.values()) {
    if (e.after) e.label += ' · after designation';
    const classes = [e.after ? 'after-designation' : '', e.scenario ? 'scenario' : ''].filter(Boolean);
    out.edges.push({ data: e, classes: classes.join(' ') });
  }
  return out;
}

/** "Microsoft Corporation → (part_of) Microsoft Research Asia → ..." */
export function pathText(path: Step[]): string {
  return path
    .map((s, i) => {
      if (i === 0) return s.name;
      const when = dateRange(s.start, s.end);
      const tie = s.reverse ? `${s.tie} ←` : s.tie;
      return `(${tie}${when ? ', ' + when : ''}${s.after_designation ? ', after designation' : ''}) ${s.name}`;
    })
    .join(' → ');
}
