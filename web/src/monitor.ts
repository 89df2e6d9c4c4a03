// Monitoring: watches, alerts, reviews and change sets, as the API (and
// `ties watch list --json`, `ties alerts --json`, `ties review list
// --json`, `ties changes --json`) return them, and the summaries the pages
// show. No DOM here, so it is tested in node.

import { deleteJSON, getJSON, postJSON } from './api';

export interface RosterName {
  name: string;
  id?: string;
}

export interface Watch {
  id: number;
  kind: 'org' | 'roster';
  label: string;
  org?: string;
  roster?: RosterName[];
  sink: string;
  created: string;
  evaluated_at: string;
}

export type Decision = 'false_positive' | 'confirmed';

export interface Review {
  id: number;
  watch_id: number;
  entity_id: string;
  query?: string;
  decision: Decision;
  reason: string;
  reviewer?: string;
  at: string;
  expires: string | null;
  entry_hash: string;
}

export interface FieldChange {
  field: string;
  detail?: string;
  added?: string[];
  removed?: string[];
  old?: string;
  new?: string;
}

export interface EntryChange {
  kind: 'added' | 'removed' | 'amended';
  entity_id: string;
  name: string;
  list?: string;
  source_id?: string;
  fields?: FieldChange[];
  entry_hash: string;
}

export interface ChangeSet {
  dataset: string;
  from: number;
  to: number;
  computed_at: string;
  added: number;
  removed: number;
  amended: number;
  changes: EntryChange[];
}

/** What an alert carries to its sink (package watch's Body). */
export interface AlertBody {
  event: string;
  reason: string;
  at?: string;
  watch?: { id: number; kind: string; label: string; org?: string };
  versions?: { id: number; dataset: string; hash: string }[];
  cause?: { dataset: string; version: number; from_version: number; change: EntryChange; summary: string };
  match?: { query: string; query_id?: string; entity_id: string; name: string; matched_name: string; score: number; list: string; version_id: number };
  exposure?: { designated?: { entity_id: string; name: string; list: string; listed_on: string | null }; severity?: string; after_designation?: boolean; distance?: number };
  review?: Review;
}

export interface Alert {
  id: number;
  watch_id: number;
  sink: string;
  body: AlertBody;
  created: string;
  attempts: number;
  next_attempt: string;
  delivered_at: string;
  last_error?: string;
}

const ZERO_TIME = /^0001-01-01/;

/** A Go time as "YYYY-MM-DD HH:MM UTC"; the zero time is "". */
export function shortTime(t: string | undefined | null): string {
  if (!t || ZERO_TIME.test(t)) return '';
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d)/.exec(t);
  return m ? `${m[1]} ${m[2]} UTC` : t;
}

/** Delivered, or pending with the last error. */
export function alertState(a: Alert): string {
  if (a.delivered_at && !ZERO_TIME.test(a.delivered_at)) return 'delivered ' + shortTime(a.delivered_at);
  return a.last_error ? `pending (${a.attempts} attempt(s): ${a.last_error})` : 'pending';
}

/** The match or exposure an alert is about, in a line. */
export function alertSubject(b: AlertBody): string {
  if (b.match) {
    const m = b.match;
    return `"${m.query}" ~ ${m.name} [${m.list}] score ${m.score.toFixed(3)}`;
  }
  const d = b.exposure?.designated;
  if (d) {
    const sev = b.exposure?.severity ? `, ${b.exposure.severity}` : '';
    const after = b.exposure?.after_designation ? ', tie after designation' : '';
    return `exposure to ${d.name} [${d.list}${d.listed_on ? ' ' + d.listed_on : ''}]${sev}${after}`;
  }
  return '';
}

/** The list version and change that caused an alert, in a line. */
export function alertCause(b: AlertBody): string {
  if (b.cause) return `${b.cause.dataset} v${b.cause.version}: ${b.cause.change.kind} ${b.cause.change.name}${b.cause.summary && b.cause.summary !== b.cause.change.kind ? ' (' + b.cause.summary + ')' : ''}`;
  if (b.versions?.length) return 'versions ' + b.versions.map((v) => `${v.dataset} v${v.id}`).join(', ');
  return '';
}

export function decisionLabel(d: string): string {
  return d === 'false_positive' ? 'false positive' : d;
}

/** One changed field as a phrase: `alias +"ICT CAS"`, `end "" -> "2025-01-01"`. */
export function describeField(f: FieldChange): string {
  const what = f.detail ? `${f.field} ${f.detail}` : f.field;
  const parts: string[] = [];
  for (const a of f.added ?? []) parts.push(`+"${a}"`);
  for (const r of f.removed ?? []) parts.push(`-"${r}"`);
  if (f.old !== undefined || f.new !== undefined) parts.push(`"${f.old ?? ''}" -> "${f.new ?? ''}"`);
  return parts.length ? `${what} ${parts.join(' ')}` : what;
}

export interface ReviewRequest {
  watch?: number;
  entity_id: string;
  query?: string;
  decision: Decision;
  reason: string;
  expires?: string;
}

export const watches = () => getJSON<Watch[]>('/v1/watches');
export const alerts = (limit = 50) => getJSON<Alert[]>('/v1/alerts', { limit });
export const reviews = () => getJSON<Review[]>('/v1/reviews');
export const changeSets = (params: { dataset?: string; since?: string; list?: string } = {}) => getJSON<ChangeSet[]>('/v1/changes', params);
export const addReview = (r: ReviewRequest) => postJSON<Review>('/v1/reviews', r);
export const addWatch = (w: { org?: string; roster?: RosterName[]; label?: string }) => postJSON<Watch>('/v1/watches', w);

export async function removeWatch(id: number): Promise<void> {
  await deleteJSON<{ removed: number }>(`/v1/watches/${id}`);
}
