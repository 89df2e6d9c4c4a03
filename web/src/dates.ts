// Dates as the API gives them: "YYYY", "YYYY-MM" or "YYYY-MM-DD", or
// null/"" when not known.

/** A date as a fractional year; end picks the last day a coarse date covers. */
export function yearValue(d: string | null | undefined, end = false): number | null {
  if (!d) return null;
  const m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(d);
  if (!m) return null;
  const y = Number(m[1]);
  if (!m[2]) return end ? y + 1 : y;
  const mo = Number(m[2]) - 1;
  if (!m[3]) return y + (end ? mo + 1 : mo) / 12;
  const day = Number(m[3]) - 1 + (end ? 1 : 0);
  const start = Date.UTC(y, 0, 1);
  const next = Date.UTC(y + 1, 0, 1);
  return y + (Date.UTC(y, mo, 1) + day * 86400000 - start) / (next - start);
}

/** "2019–2021", "2023", "since 2019", "until 2021", or "" when neither is known. */
export function dateRange(start: string | null | undefined, end: string | null | undefined): string {
  if (start && end) return start === end ? start : `${start}–${end}`;
  if (start) return `since ${start}`;
  if (end) return `until ${end}`;
  return '';
}

export function today(): string {
  return new Date().toISOString().slice(0, 10);
}
