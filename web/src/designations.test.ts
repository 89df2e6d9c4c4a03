import { describe, expect, it } from 'vitest';
import { otherListsText } from './designations';
import type { Match } from './types';

describe('otherListsText', () => {
  it('names each other list once, with its first listing date', () => {
    const m = {
      list: '1260H',
      designations: [
        { list: '1260H', source_id: 'h', listed_on: '2021-06-03', ended_on: null },
        { list: 'EL', source_id: 'a', listed_on: '2019-08-21', ended_on: null },
        { list: 'EL', source_id: 'b', listed_on: '2019-05-21', ended_on: null },
        { list: 'CMIC', source_id: 'c', listed_on: null, ended_on: null },
      ],
    } as unknown as Match;
    expect(otherListsText(m)).toBe('EL (first 2019-05-21), CMIC');
  });
  it('is empty for an entity on one list', () => {
    expect(otherListsText({ list: 'SDN' } as unknown as Match)).toBe('');
  });
});
