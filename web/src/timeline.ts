// The timeline of ties against designation dates: one bar per tie on a
// path, from its start to its end (open-ended ties run to the as-of day),
// and a red line on each designation date. The part of a tie after the
// designation of the entity its path leads to is drawn red, so "tie after
// designation" shows at a glance. Plain SVG: no library needed.

import type { Report, Step } from './types';
import { edgeKey } from './graph';
import { dateRange, today, yearValue } from './dates';

export interface TimelineRow {
  id: string;
  label: string;
  when: string;
  from: number;
  to: number;
  startKnown: boolean;
  endKnown: boolean;
  /** Where the red after-designation part begins, when there is one. */
  afterFrom: number | null;
  scenario: boolean;
}

export interface TimelineMarker {
  at: number;
  date: string;
  labels: string[];
  scenario: boolean;
}

export interface TimelineModel {
  rows: TimelineRow[];
  markers: TimelineMarker[];
  min: number;
  max: number;
  asOf: number;
  undated: number;
}

function short(name: string, n = 34): string {
  return name.length > n ? name.slice(0, n - 1) + '…' : name;
}

export function timelineModel(rep: Report): TimelineModel {
  const asOfStr = rep.as_of || today();
  const asOf = yearValue(asOfStr, true) ?? new Date().getFullYear();
  const rows = new Map<string, TimelineRow>();
  const markers = new Map<string, TimelineMarker>();
  const seen = new Set<string>();
  let undated = 0;
  const visit = (scenario: boolean) => (f: Report['findings'][number]) => {
    const listed = yearValue(f.designated.listed_on);
    if (f.designated.listed_on && listed !== null) {
      const m = markers.get(f.designated.listed_on) ?? { at: listed, date: f.designated.listed_on, labels: [], scenario };
      const label = `${short(f.designated.name, 28)} (${f.designated.list})`;
      if (!m.labels.includes(label)) m.labels.push(label);
      m.scenario = m.scenario && scenario;
      markers.set(f.designated.listed_on, m);
    }
    for (const path of f.paths || []) {
      for (let i = 1; i < path.length; i++) {
        const prev: Step = path[i - 1];
        const step = path[i];
        const k = edgeKey(prev, step);
        const from = yearValue(step.start);
        const to = yearValue(step.end, true);
        if (from === null && to === null) {
          if (!seen.has(k.id)) undated++;
          seen.add(k.id);
          continue;
        }
        let row = rows.get(k.id);
        if (!row) {
          const [a, b] = step.reverse ? [step.name, prev.name] : [prev.name, step.name];
          row = {
            id: k.id,
            label: `${short(a, 22)} — ${step.tie} — ${short(b, 22)}`,
            when: dateRange(step.start, step.end),
            from: from ?? Math.min(to as number, listed ?? (to as number)) - 1,
            to: to ?? asOf,
            startKnown: from !== null,
            endKnown: to !== null,
            afterFrom: null,
            scenario,
          };
          rows.set(k.id, row);
        }
        row.scenario = row.scenario && scenario;
        if (step.after_designation) {
          const a = listed !== null ? Math.max(row.from, listed) : row.from;
          row.afterFrom = row.afterFrom === null ? a : Math.min(row.afterFrom, a);
        }
      }
    }
  };
  (rep.findings || []).forEach(visit(false));
  (rep.scenario_findings || []).forEach(visit(true));
  const all = [...rows.values()].sort((x, y) => x.from - y.from || x.to - y.to || x.label.localeCompare(y.label));
  const ms = [...markers.values()].sort((x, y) => x.at - y.at);
  const points = [asOf, ...all.flatMap((r) => [r.from, r.to]), ...ms.map((m) => m.at)];
  const min = Math.floor(Math.min(...points));
  const max = Math.ceil(Math.max(...points));
  return { rows: all, markers: ms, min: min === max ? min - 1 : min, max, asOf, undated };
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** Renders the model as a standalone SVG document fragment (also used by the HTML export). */
export function timelineSVG(m: TimelineModel, width = 1100): string {
  const labelW = 430;
  const rowH = 22;
  const top = 30;
  const plotW = width - labelW - 120; // room for "after designation" past the last bar
  const axis = top + rowH * m.rows.length;
  const height = axis + 30 + 16 * m.markers.length;
  const x = (v: number) => labelW + ((v - m.min) / (m.max - m.min)) * plotW;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="timeline" role="img" aria-label="Timeline of ties against designation dates" data-testid="timeline-svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-family="system-ui, sans-serif" font-size="11">`,
  );
  parts.push(`<title>Timeline of ties against designation dates</title>`);
  for (let y = m.min; y <= m.max; y++) {
    const px = x(y);
    parts.push(`<line x1="${px}" y1="${top - 6}" x2="${px}" y2="${axis}" stroke="#e3e3e3"/>`);
    parts.push(`<text x="${px}" y="${axis + 14}" text-anchor="middle" fill="#555">${y}</text>`);
  }
  m.rows.forEach((r, i) => {
    const y = top + i * rowH;
    const x1 = x(r.from);
    const x2 = Math.max(x(r.to), x1 + 3);
    const cls = ['tie-bar', r.afterFrom !== null ? 'after-designation' : '', r.scenario ? 'scenario' : ''].filter(Boolean).join(' ');
    parts.push(`<g class="${cls}" data-tie="${esc(r.id)}">`);
    parts.push(`<title>${esc(r.label)}: ${esc(r.when)}${r.afterFrom !== null ? ' (after designation)' : ''}</title>`);
    parts.push(`<text x="${labelW - 8}" y="${y + 14}" text-anchor="end" fill="#222">${esc(r.label)}</text>`);
    const fill = r.scenario ? '#c9a227' : '#3a6ea5';
    const dash = r.startKnown && r.endKnown ? '' : ' stroke-dasharray="4 3"';
    parts.push(`<rect x="${x1}" y="${y + 4}" width="${x2 - x1}" height="12" rx="2" fill="${fill}" fill-opacity="0.85" stroke="${fill}"${dash}/>`);
    if (r.afterFrom !== null) {
      const xa = Math.min(Math.max(x(r.afterFrom), x1), x2 - 3);
      parts.push(`<rect class="after-part" x="${xa}" y="${y + 4}" width="${x2 - xa}" height="12" rx="2" fill="#c62828" stroke="#8e0000" stroke-dasharray="4 2"/>`);
      parts.push(`<text x="${x2 + 4}" y="${y + 14}" fill="#c62828" font-weight="600">after designation</text>`);
    } else if (!r.endKnown) {
      parts.push(`<text x="${x2 + 4}" y="${y + 14}" fill="#777">ongoing</text>`);
    }
    parts.push(`</g>`);
  });
  // Each designation date: a red line through the bars, its date on top,
  // and who was listed that day in a key under the axis.
  m.markers.forEach((mk, i) => {
    const px = x(mk.at);
    const color = mk.scenario ? '#b07d00' : '#c62828';
    const who = `${mk.labels.slice(0, 3).join('; ')}${mk.labels.length > 3 ? ` and ${mk.labels.length - 3} more` : ''}`;
    parts.push(`<g class="designation-marker"><line x1="${px}" y1="${top - 12}" x2="${px}" y2="${axis}" stroke="${color}" stroke-width="2"/>`);
    parts.push(`<text x="${px}" y="${top - 16}" text-anchor="middle" fill="${color}" font-weight="600">${esc(mk.date)}</text>`);
    parts.push(`<line x1="${labelW}" y1="${axis + 26 + 16 * i}" x2="${labelW + 14}" y2="${axis + 26 + 16 * i}" stroke="${color}" stroke-width="3"/>`);
    parts.push(`<text x="${labelW + 20}" y="${axis + 30 + 16 * i}" fill="${color}">listed ${esc(mk.date)}: ${esc(who)}</text></g>`);
  });
  const pa = x(m.asOf);
  parts.push(`<line x1="${pa}" y1="${top - 6}" x2="${pa}" y2="${axis}" stroke="#333" stroke-dasharray="2 3"><title>as of</title></line>`);
  parts.push(`</svg>`);
  return parts.join('');
}
