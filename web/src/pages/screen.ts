import { h, clear, errorBox, entityLink } from '../dom';
import { postJSON, screenBatch, screenOne } from '../api';
import { addReview, decisionLabel, type Decision } from '../monitor';
import { namesFromFile, toCSV } from '../csv';
import { download } from '../exportReport';
import type { Match, ScreenResult } from '../types';
import { otherListsText } from '../designations';

// Kept across page changes so going back to Screen shows the last results.
let lastSingle: ScreenResult | null = null;
let lastBatch: ScreenResult[] = [];

function score(s: number): string {
  return s.toFixed(3);
}

function version(m: Match): string {
  if (!m.dataset && !m.version_id) return '';
  return `${m.dataset ?? ''}${m.version_id ? ' v' + m.version_id : ''}`;
}

function matchesTable(r: ScreenResult): HTMLElement {
  if (!r.matches?.length)
    return h('p', { 'data-testid': 'no-match' }, `No match for "${r.query}"`, r.audit_seq ? h('span', { className: 'muted' }, ` · audit record #${r.audit_seq}`) : null, '.');
  return h(
    'table',
    { className: 'results', 'data-testid': 'screen-results' },
    h(
      'caption',
      {},
      `${r.matches.length} match(es) for "${r.query}"`,
      r.versions?.length || r.audit_seq
        ? h(
            'span',
            { className: 'muted', 'data-testid': 'screen-provenance' },
            ` · against list version(s) ${r.versions?.join(', ') ?? '?'}${r.audit_seq ? ` · audit record #${r.audit_seq}` : ''}`,
          )
        : null,
    ),
    h(
      'thead',
      {},
      h('tr', {}, ...['Score', 'Name', 'Matched name', 'List', 'Listed on', 'Authority', 'Explanation', 'List version', 'Review'].map((t) => h('th', { scope: 'col' }, t))),
    ),
    h(
      'tbody',
      {},
      r.matches.map((m) =>
        h(
          'tr',
          { 'data-testid': 'match-row', 'data-entity-id': m.entity_id },
          h('td', { className: 'num' }, score(m.score)),
          h('td', {}, entityLink(m.entity_id, m.name), m.kind ? h('span', { className: 'muted' }, ` (${m.kind})`) : null),
          h('td', {}, m.matched_name),
          h('td', {}, m.list, m.program ? h('div', { className: 'muted' }, m.program) : null, otherLists(m)),
          h('td', { className: 'date' }, m.listed_on ?? 'not given'),
          h('td', {}, m.authority),
          h('td', { className: 'explanation' }, m.explanation),
          h('td', {}, version(m)),
          h('td', { className: 'review' }, reviewControls(r, m)),
        ),
      ),
    ),
  );
}

function otherLists(m: Match): HTMLElement | null {
  const t = otherListsText(m);
  return t ? h('div', { className: 'muted', 'data-testid': 'also-on' }, `also on ${t}`) : null;
}

// The audit trail's word for each review decision.
const auditDecision: Record<Decision, string> = { confirmed: 'true_match', false_positive: 'false_positive' };

/**
 * Confirm / False positive buttons for a match. Either asks for a reason
 * inline, then records a review (POST /v1/reviews without a watch: the
 * server keeps it under its "ui-reviews" watch) and the decision on the
 * screening's audit record.
 */
function reviewControls(r: ScreenResult, m: Match): HTMLElement {
  const cell = h('div', { className: 'review-controls' });
  const buttons = h('div', { className: 'row' });
  const open = (decision: Decision) => {
    clear(cell);
    const reason = h('input', { type: 'text', size: 24, required: true, 'aria-label': 'Reason', placeholder: 'reason (required)', 'data-testid': 'review-reason' });
    const save = h('button', { type: 'submit', className: 'small', 'data-testid': 'review-save' }, `Mark ${decisionLabel(decision)}`);
    const cancel = h('button', { type: 'button', className: 'small secondary' }, 'Cancel');
    const status = h('span', { role: 'status' });
    const form = h('form', { className: 'row', 'aria-label': `Review ${m.name}` }, reason, save, cancel, status);
    cancel.addEventListener('click', () => {
      clear(cell);
      cell.append(buttons);
    });
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const why = reason.value.trim();
      if (!why) return;
      save.disabled = true;
      status.textContent = 'Saving…';
      try {
        const rv = await addReview({ entity_id: m.entity_id, query: r.query, decision, reason: why });
        let audit = '';
        if (r.audit_seq) {
          try {
            await postJSON(`/v1/audit/${r.audit_seq}/decision`, { decision: auditDecision[decision], note: why });
            audit = ` · audit record #${r.audit_seq}`;
          } catch {
            audit = ' · not recorded on the audit record (needs the analyst role)';
          }
        }
        clear(cell);
        cell.append(
          h(
            'span',
            { className: 'badge decision-' + decision, 'data-testid': 'review-done', title: why },
            `${decisionLabel(decision)} (review #${rv.id})`,
          ),
          h('span', { className: 'muted' }, audit),
        );
      } catch (e) {
        save.disabled = false;
        clear(status);
        status.append(errorBox(e));
      }
    });
    cell.append(form);
    reason.focus();
  };
  const confirmBtn = h('button', { type: 'button', className: 'small', 'data-testid': 'review-confirm' }, 'Confirm');
  const fpBtn = h('button', { type: 'button', className: 'small secondary', 'data-testid': 'review-false-positive' }, 'False positive');
  confirmBtn.addEventListener('click', () => open('confirmed'));
  fpBtn.addEventListener('click', () => open('false_positive'));
  buttons.append(confirmBtn, fpBtn);
  cell.append(buttons);
  return cell;
}

// A big batch shows its first rows only (the CSV download has them all),
// and rows are appended as results arrive rather than redrawn.
const MAX_BATCH_ROWS = 2000;

function batchRow(r: ScreenResult, i: number): HTMLElement {
  const m = r.matches?.[0];
  return h(
    'tr',
    { 'data-testid': 'batch-row', className: m ? 'hit' : '' },
    h('td', { className: 'num' }, i + 1),
    h('td', {}, r.query),
    h('td', {}, m ? entityLink(m.entity_id, m.name) : r.error ? h('span', { className: 'error' }, r.error) : 'no match'),
    h('td', { className: 'num' }, m ? score(m.score) : ''),
    h('td', {}, m?.list ?? ''),
    h('td', { className: 'date' }, m ? (m.listed_on ?? 'not given') : ''),
    h('td', {}, m?.authority ?? ''),
    h('td', { className: 'num' }, r.matches?.length ?? 0),
  );
}

class BatchTable {
  readonly el: HTMLElement;
  private body = h('tbody', {});
  private caption = h('caption', {});
  private rows = 0;
  private total = 0;
  private pending: HTMLElement[] = [];
  private frame = 0;

  constructor() {
    this.el = h(
      'table',
      { className: 'results', 'data-testid': 'batch-results' },
      this.caption,
      h('thead', {}, h('tr', {}, ...['#', 'Query', 'Top match', 'Score', 'List', 'Listed on', 'Authority', 'Matches'].map((t) => h('th', { scope: 'col' }, t)))),
      this.body,
    );
  }

  add(r: ScreenResult): void {
    if (this.rows < MAX_BATCH_ROWS) this.pending.push(batchRow(r, this.rows++));
    this.total++;
    if (!this.frame) this.frame = requestAnimationFrame(() => this.flush());
  }

  flush(): void {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.body.append(...this.pending);
    this.pending = [];
    this.caption.textContent =
      this.total > this.rows ? `Batch results: first ${this.rows} of ${this.total} (download the CSV for all)` : `Batch results (${this.total})`;
  }
}

function batchCSV(results: ScreenResult[]): string {
  const rows: unknown[][] = [['query', 'rank', 'score', 'entity_id', 'name', 'matched_name', 'list', 'source_id', 'listed_on', 'authority', 'explanation', 'list_version']];
  for (const r of results) {
    if (!r.matches?.length) rows.push([r.query, 0, '', '', '', '', '', '', '', '', 'no match', '']);
    r.matches?.forEach((m, i) =>
      rows.push([r.query, i + 1, score(m.score), m.entity_id, m.name, m.matched_name, m.list, m.source_id, m.listed_on ?? '', m.authority, m.explanation, version(m)]),
    );
  }
  return toCSV(rows);
}

export function screenPage(root: HTMLElement): void {
  const single = h('div', { id: 'single-results', 'aria-live': 'polite' });
  const input = h('input', { id: 'screen-name', name: 'name', type: 'search', required: true, autocomplete: 'off', 'data-testid': 'screen-name', placeholder: 'e.g. ICT CAS' });
  // What else is known of the party: evidence that raises or lowers a
  // score, not a filter.
  const dob = h('input', { id: 'screen-dob', name: 'dob', type: 'text', size: 10, autocomplete: 'off', placeholder: 'YYYY-MM-DD', pattern: '\\d{4}(-\\d{2}){0,2}', 'data-testid': 'screen-dob' });
  const country = h('input', { id: 'screen-country', name: 'country', type: 'text', size: 10, autocomplete: 'off', placeholder: 'e.g. CN', 'data-testid': 'screen-country' });
  const ident = h('input', { id: 'screen-id', name: 'id', type: 'text', size: 12, autocomplete: 'off', placeholder: 'passport, IMO…', 'data-testid': 'screen-id' });
  const form = h(
    'form',
    { className: 'row', role: 'search', 'aria-label': 'Screen a name' },
    h('label', { for: 'screen-name' }, 'Name'),
    input,
    h('label', { for: 'screen-dob', title: 'Date of birth: YYYY, YYYY-MM or YYYY-MM-DD' }, 'Born'),
    dob,
    h('label', { for: 'screen-country', title: 'Nationality or country: a name or ISO code' }, 'Country'),
    country,
    h('label', { for: 'screen-id', title: 'Passport, national id, IMO or registration number' }, 'Identifier'),
    ident,
    h('button', { type: 'submit', 'data-testid': 'screen-submit' }, 'Screen'),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const name = input.value.trim();
    if (!name) return;
    clear(single);
    single.append(h('p', { className: 'muted' }, 'Screening…'));
    try {
      lastSingle = await screenOne(name, { dob: dob.value.trim(), country: country.value.trim(), id: ident.value.trim() });
      clear(single);
      single.append(matchesTable(lastSingle));
    } catch (e) {
      clear(single);
      single.append(errorBox(e));
    }
  });

  const file = h('input', { id: 'batch-file', type: 'file', accept: '.csv,.txt,text/csv,text/plain', 'data-testid': 'batch-file' });
  const column = h('input', { id: 'batch-column', type: 'text', placeholder: 'name', size: 10 });
  const progress = h('progress', { id: 'batch-progress', max: 1, value: 0, 'aria-label': 'Batch progress', 'data-testid': 'batch-progress' });
  const status = h('p', { id: 'batch-status', role: 'status', 'data-testid': 'batch-status' });
  const batchOut = h('div', { id: 'batch-results' });
  const save = h('button', { type: 'button', disabled: true, 'data-testid': 'batch-download' }, 'Download results (CSV)');
  save.addEventListener('click', () => download('screening-results.csv', 'text/csv', batchCSV(lastBatch)));
  const batchForm = h(
    'form',
    { 'aria-label': 'Screen a batch' },
    h(
      'div',
      { className: 'row' },
      h('label', { for: 'batch-file' }, 'File'),
      file,
      h('label', { for: 'batch-column' }, 'CSV column'),
      column,
      h('button', { type: 'submit', 'data-testid': 'batch-submit' }, 'Screen file'),
      save,
    ),
    h('p', { className: 'muted' }, 'A CSV with a header row (the "name" column, else the first) or a text file with one name a line.'),
    h('div', { className: 'row' }, progress, status),
  );
  batchForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = file.files?.[0];
    if (!f) {
      status.textContent = 'Choose a file first.';
      return;
    }
    clear(batchOut);
    save.disabled = true;
    status.removeAttribute('data-done');
    try {
      const text = await f.text();
      const names = namesFromFile(text, /\.csv$/i.test(f.name) || f.type === 'text/csv', column.value);
      if (!names.length) throw new Error(`${f.name}: no names found`);
      lastBatch = [];
      progress.max = names.length;
      progress.value = 0;
      status.textContent = `0 / ${names.length} screened`;
      const t0 = performance.now();
      const table = new BatchTable();
      batchOut.append(table.el);
      await screenBatch(names, (r) => {
        lastBatch.push(r);
        table.add(r);
        progress.value = lastBatch.length;
        status.textContent = `${lastBatch.length} / ${names.length} screened`;
      });
      table.flush();
      const hits = lastBatch.filter((r) => r.matches?.length).length;
      status.textContent = `${lastBatch.length} / ${names.length} screened, ${hits} with matches, in ${((performance.now() - t0) / 1000).toFixed(1)} s`;
      status.setAttribute('data-done', 'true');
      save.disabled = false;
    } catch (e) {
      batchOut.prepend(errorBox(e));
    }
  });

  if (lastSingle) single.append(matchesTable(lastSingle));
  if (lastBatch.length) {
    const table = new BatchTable();
    lastBatch.forEach((r) => table.add(r));
    table.flush();
    batchOut.append(table.el);
    save.disabled = false;
  }
  root.append(
    h('h1', {}, 'Screen'),
    h('section', { 'aria-labelledby': 'h-single' }, h('h2', { id: 'h-single' }, 'One name'), form, single),
    h('section', { 'aria-labelledby': 'h-batch' }, h('h2', { id: 'h-batch' }, 'Batch'), batchForm, batchOut),
  );
  input.focus();
}
