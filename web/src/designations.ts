import type { Match } from './types';

/**
 * The other lists a consolidated entity is on, each with its first listing
 * date: "EL (first 2019-05-21), CMIC".
 */
export function otherListsText(m: Match): string {
  const first = new Map<string, string | null>();
  for (const d of m.designations ?? []) {
    if (d.list === m.list) continue;
    const prev = first.get(d.list);
    if (prev === undefined || (d.listed_on && (!prev || d.listed_on < prev))) first.set(d.list, d.listed_on);
  }
  return [...first].map(([l, on]) => (on ? `${l} (first ${on})` : l)).join(', ');
}
