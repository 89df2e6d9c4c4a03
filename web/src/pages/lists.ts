import { h, clear, errorBox, entityLink } from '../dom';
import { APIError, getJSON } from '../api';
import type { ListVersion } from '../types';
import { changeSets, describeField, type ChangeSet } from '../monitor';

// What changed between two versions of a dataset, if the server says:
// entries added, removed and changed, each with an entity id and name.
interface ChangeEntry {
  entity_id?: string;
  id?: string;
  name?: string;
  list?: string;
  fields?: string[];
  [k: string]: unknown;
}
interface Changes {
  from?: number;
  to?: number;
  added?: ChangeEntry[];
  removed?: ChangeEntry[];
  changed?: ChangeEntry[];
}

function versionsOf(a: ListVersion[] | { versions?: ListVersion[]; lists?: ListVersion[] }): ListVersion[] {
  if (Array.isArray(a)) return a;
  return a.versions ?? a.lists ?? [];
}

function changeList(title: string, items: ChangeEntry[] | undefined, testid: string): HTMLElement {
  const list = items ?? [];
  return h(
    'section',
    { 'data-testid': testid },
    h('h3', {}, `${title} (${list.length})`),
    list.length
      ? h(
          'ul',
          {},
          list.slice(0, 500).map((c) =>
            h('li', {}, c.name ?? c.entity_id ?? c.id ?? JSON.stringify(c), c.list ? ` [${c.list}]` : '', c.fields?.length ? h('span', { className: 'muted' }, ` — ${c.fields.join(', ')}`) : ''),
          ),
          list.length > 500 ? h('li', { className: 'muted' }, `… and ${list.length - 500} more`) : null,
        )
      : h('p', { className: 'muted' }, 'none'),
  );
}

export async function listsPage(root: HTMLElement): Promise<void> {
  root.append(h('h1', {}, 'Lists'));
  let versions: ListVersion[];
  try {
    versions = versionsOf(await getJSON<ListVersion[] | { versions: ListVersion[] }>('/v1/lists'));
  } catch (e) {
    root.append(errorBox(e));
    return;
  }
  if (!versions.length) {
    root.append(h('p', {}, 'No lists loaded yet.'));
    return;
  }
  root.append(
    h(
      'table',
      { 'data-testid': 'list-versions' },
      h('caption', {}, `${versions.length} version(s), newest first`),
      h('thead', {}, h('tr', {}, ...['Version', 'Dataset', 'Format', 'Rows', 'In force', 'Loaded', 'Data date', 'SHA-256', 'Origin'].map((t) => h('th', { scope: 'col' }, t)))),
      h(
        'tbody',
        {},
        versions.map((v) =>
          h(
            'tr',
            { className: v.in_force ? 'in-force' : '', 'data-testid': 'version-row' },
            h('td', { className: 'num' }, v.id),
            h('td', {}, v.dataset),
            h('td', {}, v.format),
            h('td', { className: 'num' }, v.rows.toLocaleString('en')),
            h('td', {}, v.in_force ? h('span', { className: 'badge in-force' }, 'in force') : ''),
            h('td', { className: 'date' }, v.loaded_at ? v.loaded_at.replace('T', ' ').replace(/\.\d+/, '').replace('Z', ' UTC') : ''),
            h('td', { className: 'date' }, v.data_date || ''),
            h('td', {}, h('code', { title: v.hash }, v.hash.slice(0, 12))),
            h('td', { className: 'origin' }, v.origin),
          ),
        ),
      ),
    ),
  );

  root.append(await changeSetsSection());

  // Versions of one dataset can be compared when there are two or more.
  const byDataset = new Map<string, ListVersion[]>();
  for (const v of versions) byDataset.set(v.dataset, [...(byDataset.get(v.dataset) ?? []), v]);
  const comparable = [...byDataset.values()].filter((vs) => vs.length > 1);
  const section = h('section', { 'aria-labelledby': 'h-changes' }, h('h2', { id: 'h-changes' }, 'What changed'));
  root.append(section);
  if (!comparable.length) {
    section.append(h('p', { className: 'muted' }, 'Each dataset has a single version: nothing to compare yet.'));
    return;
  }
  const opt = (v: ListVersion) => h('option', { value: v.id }, `${v.dataset} v${v.id} (${v.rows} rows, ${v.loaded_at.slice(0, 10)})`);
  const all = comparable.flat();
  const from = h('select', { id: 'chg-from', 'data-testid': 'changes-from' }, all.map(opt));
  const to = h('select', { id: 'chg-to', 'data-testid': 'changes-to' }, all.map(opt));
  // Default: the newest version against the one before it.
  to.value = String(comparable[0][0].id);
  from.value = String(comparable[0][1].id);
  const res = h('div', { 'aria-live': 'polite' });
  const form = h(
    'form',
    { className: 'row', 'aria-label': 'Compare list versions' },
    h('label', { for: 'chg-from' }, 'From'),
    from,
    h('label', { for: 'chg-to' }, 'To'),
    to,
    h('button', { type: 'submit', 'data-testid': 'changes-submit' }, 'Compare'),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clear(res);
    try {
      const c = await getJSON<Changes>('/v1/lists/changes', { from: from.value, to: to.value });
      res.append(changeList('Added', c.added, 'changes-added'), changeList('Removed', c.removed, 'changes-removed'), changeList('Changed', c.changed, 'changes-changed'));
    } catch (e) {
      if (e instanceof APIError && (e.status === 404 || e.status === 405)) res.append(h('p', { className: 'muted' }, 'This server does not report changes between versions.'));
      else res.append(errorBox(e));
    }
  });
  section.append(form, res);
}

/**
 * The change set recorded for each version (GET /v1/changes): counts for
 * every version, and entry by entry what a later version added, removed
 * or amended. A server whose store keeps none says so.
 */
async function changeSetsSection(): Promise<HTMLElement> {
  const section = h('section', { 'aria-labelledby': 'h-change-sets', 'data-testid': 'change-sets' }, h('h2', { id: 'h-change-sets' }, 'Change sets'));
  let sets: ChangeSet[];
  try {
    sets = await changeSets();
  } catch (e) {
    if (e instanceof APIError && (e.status === 501 || e.status === 404)) section.append(h('p', { className: 'muted' }, 'This server keeps no change sets.'));
    else section.append(errorBox(e));
    return section;
  }
  if (!sets.length) {
    section.append(h('p', { className: 'muted' }, 'No change sets yet.'));
    return section;
  }
  for (const cs of [...sets].reverse()) {
    const head = `${cs.dataset} version ${cs.to} ${cs.from ? `(since version ${cs.from})` : '(first version)'}: ${cs.added} added, ${cs.removed} removed, ${cs.amended} amended`;
    if (!cs.from || !cs.changes.length) {
      // A first version adds every entry: listing them all says nothing.
      section.append(h('p', { 'data-testid': 'change-set' }, head));
      continue;
    }
    const shown = cs.changes.slice(0, 500);
    section.append(
      h(
        'details',
        { 'data-testid': 'change-set' },
        h('summary', {}, head),
        h(
          'table',
          {},
          cs.changes.length > shown.length ? h('caption', { className: 'muted' }, `first ${shown.length} of ${cs.changes.length}`) : null,
          h('thead', {}, h('tr', {}, ...['Change', 'List', 'Entry', 'Fields changed'].map((t) => h('th', { scope: 'col' }, t)))),
          h(
            'tbody',
            {},
            shown.map((c) =>
              h(
                'tr',
                {},
                h('td', {}, c.kind),
                h('td', {}, c.list ?? ''),
                h('td', {}, entityLink(c.entity_id, c.name || c.entity_id)),
                h('td', { className: 'explanation' }, (c.fields ?? []).map(describeField).join('; ')),
              ),
            ),
          ),
        ),
      ),
    );
  }
  return section;
}
