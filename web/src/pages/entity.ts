import { h, errorBox, entityLink } from '../dom';
import { getJSON } from '../api';
import { scriptOf } from '../scripts';
import type { Designation, Entity, Evidence, Link, Tie } from '../types';

// The entity answer may hold the entity at the top level or under
// "entity" (like a list record), with its designations beside it.
interface EntityAnswer extends Partial<Entity> {
  entity?: Entity;
  designations?: Designation[];
  lists?: { id: string; name: string; authority: string }[];
  source?: string; // "list" or "graph"
  dataset?: string;
  version_id?: number;
  canonical_id?: string;
  links?: Link[];
  /** Graph entities: designations reached through links (Go field names). */
  designated?: { EntityID: string; ListName?: string; Via?: string; Designation: Designation }[];
}

function evidenceList(ev: Evidence[] | undefined | null): HTMLElement | string {
  if (!ev?.length) return h('span', { className: 'muted' }, 'no evidence recorded');
  return h(
    'ul',
    { className: 'evidence' },
    ev.map((e) =>
      h(
        'li',
        { 'data-testid': 'evidence' },
        e.ref && /^https?:\/\//.test(e.ref)
          ? h('a', { href: e.ref, rel: 'noopener noreferrer', target: '_blank' }, e.title || e.ref)
          : h('span', {}, e.title || e.ref || 'untitled'),
        e.ref && !/^https?:\/\//.test(e.ref) ? h('span', { className: 'muted' }, ` (${e.ref})`) : null,
        e.retrieved ? h('span', { className: 'muted' }, ` · retrieved ${e.retrieved}`) : null,
        e.confidence ? h('span', { className: 'muted' }, ` · confidence ${e.confidence.toFixed(2)}`) : null,
        e.quote ? h('blockquote', {}, e.quote) : null,
      ),
    ),
  );
}

export async function entityPage(root: HTMLElement, id: string): Promise<void> {
  root.append(h('h1', {}, 'Entity ', h('code', {}, id)));
  let ent: Entity;
  let designations: Designation[] = [];
  let lists: EntityAnswer['lists'] = [];
  let answer: EntityAnswer;
  try {
    const a = (answer = await getJSON<EntityAnswer>(`/v1/entities/${encodeURIComponent(id)}`));
    ent = (a.entity ?? a) as Entity;
    designations = a.designations ?? [];
    lists = a.lists ?? [];
  } catch (e) {
    root.append(errorBox(e));
    return;
  }
  const primary = ent.names?.find((n) => n.type === 'primary')?.text ?? ent.names?.[0]?.text ?? ent.id;
  root.querySelector('h1')!.replaceChildren(primary);
  root.append(
    h(
      'p',
      { className: 'muted' },
      `${ent.kind || 'entity'} · id ${ent.id}`,
      answer.source === 'list' ? ` · list entry from ${answer.dataset ?? ''}${answer.version_id ? ' version ' + answer.version_id : ''}` : '',
      answer.source === 'graph' ? ' · ties graph entity' : '',
      answer.canonical_id ? [' · merged into ', entityLink(answer.canonical_id, answer.canonical_id)] : '',
      ent.countries?.length ? ` · ${ent.countries.join(', ')}` : '',
      ' · ',
      h('a', { href: `#/exposure?org=${encodeURIComponent(ent.id)}` }, 'exposure of this entity'),
    ),
  );
  if (ent.remarks) root.append(h('p', {}, ent.remarks));

  root.append(
    h(
      'section',
      { 'aria-labelledby': 'h-names' },
      h('h2', { id: 'h-names' }, 'Names'),
      h(
        'table',
        { 'data-testid': 'entity-names' },
        h('thead', {}, h('tr', {}, ...['Name', 'Type', 'Script', 'Language', 'Source'].map((t) => h('th', { scope: 'col' }, t)))),
        h(
          'tbody',
          {},
          (ent.names || []).map((n) =>
            h('tr', {}, h('td', { lang: n.lang || null }, n.text), h('td', {}, n.type), h('td', {}, scriptOf(n.text)), h('td', {}, n.lang ?? ''), h('td', {}, n.source ?? '')),
          ),
        ),
      ),
    ),
  );
  const extra: HTMLElement[] = [];
  if (ent.identifiers?.length) extra.push(h('p', {}, 'Identifiers: ', ent.identifiers.map((i) => `${i.scheme} ${i.value}`).join('; ')));
  if (ent.addresses?.length) extra.push(h('p', {}, 'Addresses: ', ent.addresses.map((a) => a.text).join('; ')));
  if (ent.dates?.length) extra.push(h('p', {}, 'Dates: ', ent.dates.map((d) => `${d.type} ${d.value}`).join('; ')));
  root.append(...extra);

  const listName = (lid: string) => lists?.find((l) => l.id === lid)?.name ?? answer.designated?.find((d) => d.Designation.list === lid)?.ListName;
  const via = (d: Designation) => answer.designated?.find((x) => x.Designation.list === d.list && x.Designation.source_id === d.source_id)?.Via;
  root.append(
    h(
      'section',
      { 'aria-labelledby': 'h-designations' },
      h('h2', { id: 'h-designations' }, 'Designations'),
      designations.length
        ? h(
            'table',
            { 'data-testid': 'entity-designations' },
            h('thead', {}, h('tr', {}, ...['List', 'Listed on', 'Until', 'Citation', 'Program', 'License policy', 'Source', 'Through'].map((t) => h('th', { scope: 'col' }, t)))),
            h(
              'tbody',
              {},
              designations.map((d) =>
                h(
                  'tr',
                  {},
                  h('td', {}, d.list, listName(d.list) ? h('div', { className: 'muted' }, listName(d.list)) : null),
                  h('td', { className: 'date' }, d.start || 'not given'),
                  h('td', { className: 'date' }, d.end || ''),
                  h('td', {}, d.authority ?? ''),
                  h('td', {}, d.program ?? ''),
                  h('td', {}, d.license_policy ?? ''),
                  h('td', {}, d.source_url ? h('a', { href: d.source_url, rel: 'noopener noreferrer', target: '_blank' }, d.source_id || 'source') : d.source_id),
                  h('td', { className: 'muted' }, via(d) ?? (answer.source === 'list' ? 'the list itself' : '')),
                ),
              ),
            ),
          )
        : h('p', { className: 'muted' }, 'Not designated on any list in force.'),
    ),
  );

  if (answer.links?.length) {
    root.append(
      h(
        'section',
        { 'aria-labelledby': 'h-links' },
        h('h2', { id: 'h-links' }, 'Links between the graph and the lists'),
        h(
          'table',
          { 'data-testid': 'entity-links' },
          h('thead', {}, h('tr', {}, ...['Graph entity', 'List entry', 'Method', 'Confidence', 'Status', 'Reason'].map((t) => h('th', { scope: 'col' }, t)))),
          h(
            'tbody',
            {},
            answer.links.map((l) =>
              h(
                'tr',
                {},
                h('td', {}, l.graph_id === ent.id ? l.graph_id : entityLink(l.graph_id, l.graph_id)),
                h('td', {}, l.target_id === ent.id ? l.target_id : entityLink(l.target_id, l.target_id)),
                h('td', {}, l.method),
                h('td', { className: 'num' }, l.confidence.toFixed(2)),
                h('td', {}, h('span', { className: `badge link-${l.status}` }, l.status)),
                h('td', {}, l.reason ?? ''),
              ),
            ),
          ),
        ),
      ),
    );
  }

  const tiesSection = h('section', { 'aria-labelledby': 'h-ties' }, h('h2', { id: 'h-ties' }, 'Ties'));
  root.append(tiesSection);
  try {
    const a = await getJSON<Tie[] | { ties: Tie[] }>(`/v1/entities/${encodeURIComponent(id)}/ties`);
    const ties = (Array.isArray(a) ? a : a.ties) || [];
    // One end of a tie: this entity in plain text, the other as a link,
    // marked when it is designated.
    const end = (t: Tie, side: 'from' | 'to') => {
      const tid = side === 'from' ? t.from : t.to;
      const isOther = t.direction ? (t.direction === 'out') === (side === 'to') : tid !== ent.id;
      if (!isOther) return primary;
      const o = t.other ?? { id: tid, name: tid };
      return h('span', {}, entityLink(o.id, o.name || o.id), o.designated ? [' ', h('span', { className: 'badge after-designation' }, 'designated')] : null);
    };
    if (!ties.length) {
      tiesSection.append(h('p', { className: 'muted' }, 'No ties recorded.'));
      return;
    }
    tiesSection.append(
      h(
        'table',
        { 'data-testid': 'entity-ties' },
        h('thead', {}, h('tr', {}, ...['From', 'Tie', 'To', 'Role / via', 'Start', 'End', 'Evidence'].map((t) => h('th', { scope: 'col' }, t)))),
        h(
          'tbody',
          {},
          ties.map((t) =>
            h(
              'tr',
              {},
              h('td', {}, end(t, 'from')),
              h('td', {}, t.kind, t.share ? ` (${Math.round(t.share * 100)}%)` : ''),
              h('td', {}, end(t, 'to')),
              h('td', {}, [t.role, t.via].filter(Boolean).join(' · ')),
              h('td', { className: 'date' }, t.start || ''),
              h('td', { className: 'date' }, t.end || ''),
              h('td', {}, evidenceList(t.evidence)),
            ),
          ),
        ),
      ),
    );
  } catch (e) {
    tiesSection.append(errorBox(e));
  }
}
