import { describe, expect, it } from 'vitest';
import { namesFromFile, parseCSV, toCSV } from './csv';

describe('parseCSV', () => {
  it('reads quoted fields, doubled quotes, CRLF and a BOM', () => {
    expect(parseCSV('\ufeffid,name\r\n1,"Huawei, Inc."\r\n2,"say ""hi"""\n')).toEqual([
      ['id', 'name'],
      ['1', 'Huawei, Inc.'],
      ['2', 'say "hi"'],
    ]);
  });
  it('rejects an unterminated quote', () => {
    expect(() => parseCSV('name\n"open')).toThrow(/quoted field/);
  });
  it('round-trips through toCSV', () => {
    const rows = [['a,b', 'c"d', 'e\nf', 'plain']];
    expect(parseCSV(toCSV(rows))).toEqual(rows);
  });
});

describe('namesFromFile', () => {
  it('takes the name column of a CSV, skipping blanks', () => {
    expect(namesFromFile('id,Name,country\n1,ICT CAS,CN\n2,,US\n3, Huawei ,CN\n', true)).toEqual(['ICT CAS', 'Huawei']);
  });
  it('falls back to the first column', () => {
    expect(namesFromFile('org\nA\nB\n', true)).toEqual(['A', 'B']);
  });
  it('uses a named column and says when it is missing', () => {
    expect(namesFromFile('a,b\n1,2\n', true, 'B')).toEqual(['2']);
    expect(() => namesFromFile('a,b\n1,2\n', true, 'zzz')).toThrow(/no column "zzz"/);
  });
  it('reads text one name a line', () => {
    expect(namesFromFile('ICT CAS\r\n\n  Huawei \n', false)).toEqual(['ICT CAS', 'Huawei']);
  });
});
