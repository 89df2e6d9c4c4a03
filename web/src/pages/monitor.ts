import { h, clear, errorBox, entityLink } from '../dom';
import { APIError } from '../api';
import {
  addWatch,
  alertCause,
  alertState,
  alertSubject,
  alerts,
  decisionLabel,
  removeWatch,
  reviews,
  shortTime,
  watches,
  type Alert,
  type Review,
  type Watch,
} from '../monitor';

// The Monitor page: what is watched, the alerts the watches raised, and
// the reviewers' decisions (those taken on the Screen page are kept under
// the "ui-reviews" watch).

function watchTable(ws: Watch[], reload: () => void): HTMLElement {
  if (!ws.length) return h('p', { className: 'muted', 'data-testid': 'no-watches' }, 'No watches yet.');
  return h(
    'table',
    { 'data-testid': 'watches' },
    h('caption', {}, `${ws.length} watch(es)`),
    h('thead', {}, h('tr', {}, ...['ID', 'Kind', 'Label', 'Watches', 'Alerts to', 'Evaluated', ''].map((t) => h('th', { scope: 'col' }, t)))),
    h(
      'tbody',
      {},
      ws.map((w) => {
        const remove = h('button', { type: 'button', className: 'small secondary', 'data-testid': 'watch-remove', 'aria-label': `Remove watch ${w.id}` }, 'Remove');
        remove.addEventListener('click', async () => {
          if (!confirm(`Remove watch ${w.id} (${w.label}) and its reviews?`)) return;
          remove.disabled = true;
          try {
            await removeWatch(w.id);
            reload();
          } catch (e) {
            remove.replaceWith(errorBox(e));
          }
        });
        const what =
          w.kind === 'org'
            ? entityLink(w.org ?? '', w.org ?? '')
            : w.roster?.length
              ? `${w.roster.length} name(s): ${w.roster
                  .slice(0, 5)
                  .map((n) => n.name)
                  .join(', ')}${w.roster.length > 5 ? ', …' : ''}`
              : h('span', { className: 'muted' }, 'reviews of screenings only');
        return h(
          'tr',
          { 'data-testid': 'watch-row', 'data-watch-id': w.id },
          h('td', { className: 'num' }, w.id),
          h('td', {}, w.kind),
          h('td', {}, w.label),
          h('td', {}, what),
          h('td', {}, w.sink),
          h('td', { className: 'date' }, shortTime(w.evaluated_at) || 'not yet'),
          h('td', {}, remove),
        );
      }),
    ),
  );
}

function addWatchForm(reload: () => void): HTMLElement {
  const kind = h('select', { id: 'watch-kind', 'data-testid': 'watch-kind' }, h('option', { value: 'org' }, 'Organization'), h('option', { value: 'roster' }, 'Roster'));
  const what = h('input', { id: 'watch-what', type: 'text', size: 40, required: true, 'data-testid': 'watch-what', placeholder: 'Microsoft, or names separated by ;' });
  const label = h('input', { id: 'watch-label', type: 'text', size: 16, placeholder: 'label (optional)' });
  const out = h('span', { role: 'status' });
  const form = h(
    'form',
    { className: 'row', 'aria-label': 'Add a watch' },
    h('label', { for: 'watch-kind' }, 'Watch'),
    kind,
    what,
    label,
    h('button', { type: 'submit', 'data-testid': 'watch-add' }, 'Add watch'),
    out,
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const text = what.value.trim();
    if (!text) return;
    out.textContent = 'Adding (the watch records what it sees now as its baseline)…';
    try {
      const req =
        kind.value === 'org'
          ? { org: text, label: label.value.trim() || undefined }
          : {
              roster: text
                .split(/[;\n]/)
                .map((n) => n.trim())
                .filter(Boolean)
                .map((name) => ({ name })),
              label: label.value.trim() || undefined,
            };
      const w = await addWatch(req);
      out.textContent = `Watch ${w.id} added.`;
      reload();
    } catch (e) {
      clear(out);
      out.append(errorBox(e));
    }
  });
  return form;
}

function alertTable(as: Alert[], byID: Map<number, Watch>): HTMLElement {
  if (!as.length) return h('p', { className: 'muted', 'data-testid': 'no-alerts' }, 'No alerts yet: a watch alerts when a new list version changes what it sees.');
  return h(
    'table',
    { className: 'results', 'data-testid': 'alerts' },
    h('caption', {}, `${as.length} most recent alert(s), newest first`),
    h('thead', {}, h('tr', {}, ...['ID', 'Created', 'Watch', 'Event', 'Match or exposure', 'Cause', 'Reason', 'Delivery'].map((t) => h('th', { scope: 'col' }, t)))),
    h(
      'tbody',
      {},
      as.map((a) => {
        const b = a.body ?? ({ event: '?', reason: '' } as Alert['body']);
        const w = byID.get(a.watch_id);
        const entity = b.match?.entity_id ?? b.exposure?.designated?.entity_id;
        return h(
          'tr',
          { 'data-testid': 'alert-row', className: b.event === 'review_outdated' ? 'review-outdated' : '' },
          h('td', { className: 'num' }, a.id),
          h('td', { className: 'date' }, shortTime(a.created)),
          h('td', {}, w ? `${w.id} ${w.label}` : b.watch ? `${b.watch.id} ${b.watch.label}` : String(a.watch_id)),
          h('td', {}, h('span', { className: 'badge event-' + b.event }, b.event.replace(/_/g, ' '))),
          h('td', {}, entity ? entityLink(entity, alertSubject(b)) : alertSubject(b)),
          h('td', { className: 'explanation' }, alertCause(b)),
          h('td', { className: 'explanation' }, b.reason),
          h('td', { className: 'explanation' }, alertState(a)),
        );
      }),
    ),
  );
}

function reviewTable(rs: Review[], byID: Map<number, Watch>): HTMLElement {
  if (!rs.length) return h('p', { className: 'muted', 'data-testid': 'no-reviews' }, 'No reviews yet: mark a match on the Screen page.');
  return h(
    'table',
    { 'data-testid': 'reviews' },
    h('caption', {}, `${rs.length} review(s), newest first`),
    h('thead', {}, h('tr', {}, ...['ID', 'At', 'Watch', 'Entity', 'Query', 'Decision', 'Reason', 'Reviewer', 'Expires'].map((t) => h('th', { scope: 'col' }, t)))),
    h(
      'tbody',
      {},
      [...rs].reverse().map((r) => {
        const w = byID.get(r.watch_id);
        return h(
          'tr',
          { 'data-testid': 'review-row', 'data-entity-id': r.entity_id },
          h('td', { className: 'num' }, r.id),
          h('td', { className: 'date' }, shortTime(r.at)),
          h('td', {}, w ? `${w.id} ${w.label}` : String(r.watch_id)),
          h('td', {}, entityLink(r.entity_id, r.entity_id)),
          h('td', {}, r.query ?? ''),
          h('td', {}, h('span', { className: 'badge decision-' + r.decision }, decisionLabel(r.decision))),
          h('td', { className: 'explanation' }, r.reason),
          h('td', {}, r.reviewer ?? ''),
          h('td', { className: 'date' }, r.expires || 'until the entry changes'),
        );
      }),
    ),
  );
}

export async function monitorPage(root: HTMLElement): Promise<void> {
  const body = h('div', { 'aria-live': 'polite' });
  root.append(
    h('h1', {}, 'Monitor'),
    h(
      'p',
      { className: 'muted' },
      'Watches are re-checked after every new list version (ties sync, ties load, serve --sync-every); what is new alerts. A reviewed match stays silent until its list entry changes.',
    ),
    body,
  );
  const load = async (): Promise<void> => {
    clear(body);
    body.append(h('p', { className: 'muted' }, 'Loading…'));
    let ws: Watch[], as: Alert[], rs: Review[];
    try {
      [ws, as, rs] = await Promise.all([watches(), alerts(50), reviews()]);
    } catch (e) {
      clear(body);
      if (e instanceof APIError && e.status === 501) body.append(h('p', { className: 'note' }, 'This server’s store keeps no watches, alerts or reviews.'));
      else body.append(errorBox(e));
      return;
    }
    const byID = new Map(ws.map((w) => [w.id, w]));
    const reload = () => void load();
    clear(body);
    body.append(
      h('section', { 'aria-labelledby': 'h-watches' }, h('h2', { id: 'h-watches' }, 'Watches'), addWatchForm(reload), watchTable(ws, reload)),
      h('section', { 'aria-labelledby': 'h-alerts' }, h('h2', { id: 'h-alerts' }, 'Recent alerts'), alertTable(as, byID)),
      h('section', { 'aria-labelledby': 'h-reviews' }, h('h2', { id: 'h-reviews' }, 'Reviews'), reviewTable(rs, byID)),
    );
  };
  await load();
}
