import { describe, expect, it } from 'vitest';
import { alertCause, alertState, alertSubject, describeField, shortTime, type Alert, type AlertBody } from './monitor';

const matchBody: AlertBody = {
  event: 'new_match',
  reason: '"ICT CAS" now matches Institute of Computing Technology',
  cause: {
    dataset: 'csl',
    version: 2,
    from_version: 1,
    change: { kind: 'added', entity_id: 'csl:el-1', name: 'Institute of Computing Technology', list: 'EL', entry_hash: 'h' },
    summary: 'added',
  },
  match: { query: 'ICT CAS', entity_id: 'csl:el-1', name: 'Institute of Computing Technology', matched_name: 'ICT', score: 0.9134, list: 'EL', version_id: 2 },
};

describe('monitor summaries', () => {
  it('says what an alert is about and what caused it', () => {
    expect(alertSubject(matchBody)).toBe('"ICT CAS" ~ Institute of Computing Technology [EL] score 0.913');
    expect(alertCause(matchBody)).toBe('csl v2: added Institute of Computing Technology');
    const exposure: AlertBody = {
      event: 'new_exposure',
      reason: 'r',
      exposure: { designated: { entity_id: 'x', name: 'ICT', list: 'EL', listed_on: '2022-12-16' }, severity: 'high', after_designation: true },
      versions: [{ id: 3, dataset: 'csl', hash: 'abc' }],
    };
    expect(alertSubject(exposure)).toBe('exposure to ICT [EL 2022-12-16], high, tie after designation');
    expect(alertCause(exposure)).toBe('versions csl v3');
  });
  it('tells delivered from pending alerts', () => {
    const a = { id: 1, watch_id: 1, sink: 'stdout', body: matchBody, created: '2026-01-02T03:04:05Z', attempts: 2, next_attempt: '', delivered_at: '0001-01-01T00:00:00Z', last_error: 'HTTP 500' } as Alert;
    expect(alertState(a)).toBe('pending (2 attempt(s): HTTP 500)');
    expect(alertState({ ...a, delivered_at: '2026-01-02T03:05:00.123Z' })).toBe('delivered 2026-01-02 03:05 UTC');
    expect(shortTime('0001-01-01T00:00:00Z')).toBe('');
  });
  it('describes a changed field', () => {
    expect(describeField({ field: 'names', detail: 'alias', added: ['ICT CAS'] })).toBe('names alias +"ICT CAS"');
    expect(describeField({ field: 'designations', detail: 'end', old: '', new: '2025-01-01' })).toBe('designations end "" -> "2025-01-01"');
  });
});
