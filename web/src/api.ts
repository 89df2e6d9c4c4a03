// The client of the /v1 API. The token lives in sessionStorage (gone when
// the tab closes) and goes out as a Bearer header; a server started with
// --demo on loopback answers without one.

import { batchArray, isNDJSON, ndjsonLines } from './ndjson';
import type { ScreenResult } from './types';

const TOKEN_KEY = 'ties.token';

export function getToken(): string {
  try {
    return sessionStorage.getItem(TOKEN_KEY) || '';
  } catch {
    return '';
  }
}

export function setToken(token: string): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** An API answer that is not 2xx, with the server's error message. */
export class APIError extends Error {
  constructor(
    public status: number,
    message: string,
    public path: string,
  ) {
    super(message);
  }
}

/** Fired on window when the server answers 401, so the page can ask for a token. */
export const AUTH_REQUIRED = 'ties:auth-required';

function headers(extra: Record<string, string> = {}): Record<string, string> {
  const h: Record<string, string> = { Accept: 'application/json', ...extra };
  const t = getToken();
  if (t) h.Authorization = 'Bearer ' + t;
  return h;
}

async function check(res: Response, path: string): Promise<Response> {
  if (res.ok) return res;
  let msg = res.statusText || 'request failed';
  try {
    const body = await res.text();
    try {
      const j = JSON.parse(body);
      msg = j.error?.message || j.error || j.message || body;
      if (typeof msg !== 'string') msg = JSON.stringify(msg);
    } catch {
      if (body.trim()) msg = body.trim();
    }
  } catch {
    /* keep statusText */
  }
  if (res.status === 401) window.dispatchEvent(new CustomEvent(AUTH_REQUIRED));
  throw new APIError(res.status, `${path}: ${res.status} ${msg}`, path);
}

export async function getJSON<T>(path: string, params: Record<string, string | number | undefined> = {}): Promise<T> {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const url = q.toString() ? `${path}?${q}` : path;
  const res = await check(await fetch(url, { headers: headers() }), path);
  return (await res.json()) as T;
}

export async function postJSON<T>(path: string, body: unknown): Promise<T> {
  const res = await check(
    await fetch(path, { method: 'POST', headers: headers({ 'Content-Type': 'application/json' }), body: JSON.stringify(body) }),
    path,
  );
  return (await res.json()) as T;
}

export async function deleteJSON<T>(path: string): Promise<T> {
  const res = await check(await fetch(path, { method: 'DELETE', headers: headers() }), path);
  return (await res.json()) as T;
}

/** What else is known of a screened party: evidence, not filters. */
export interface PartyAttributes {
  dob?: string;
  country?: string;
  id?: string;
}

export function screenOne(name: string, attrs: PartyAttributes = {}): Promise<ScreenResult> {
  const body: Record<string, string> = { name };
  for (const [k, v] of Object.entries(attrs)) if (v) body[k] = v;
  return postJSON<ScreenResult>('/v1/screen', body);
}

/**
 * Screens a batch, calling onResult for each result as it arrives (in
 * input order). Large batches are sent in chunks so each stays under the
 * server's batch limit; each chunk's answer may be NDJSON or a JSON array.
 */
export async function screenBatch(
  names: string[],
  onResult: (r: ScreenResult, index: number) => void,
  opts: { chunk?: number; signal?: AbortSignal } = {},
): Promise<number> {
  const chunk = opts.chunk ?? 1000;
  let n = 0;
  for (let at = 0; at < names.length; at += chunk) {
    const part = names.slice(at, at + chunk);
    const res = await check(
      await fetch('/v1/screen', {
        method: 'POST',
        headers: headers({ 'Content-Type': 'application/json', Accept: 'application/x-ndjson, application/json' }),
        body: JSON.stringify({ names: part }),
        signal: opts.signal,
      }),
      '/v1/screen',
    );
    if (isNDJSON(res.headers.get('Content-Type')) && res.body) {
      for await (const r of ndjsonLines(res.body)) {
        // A line without a query is the server giving up mid-stream.
        const obj = r as Partial<ScreenResult>;
        if (obj && typeof obj === 'object' && obj.query === undefined && obj.error) throw new Error(`batch stopped: ${obj.error}`);
        onResult(obj as ScreenResult, n++);
      }
    } else {
      for (const r of batchArray(await res.json())) onResult(r as ScreenResult, n++);
    }
  }
  return n;
}
