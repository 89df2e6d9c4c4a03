import { describe, expect, it } from 'vitest';
import { findingRows, reportCSV, reportHTML } from './exportReport';
import { parseCSV } from './csv';
import { report } from './fixture.test-data';

describe('exports', () => {
  it('writes one CSV row per path, scenario findings marked', () => {
    const rows = parseCSV(reportCSV(report));
    expect(rows[0]).toContain('after_designation');
    expect(rows).toHaveLength(1 + findingRows(report).length - 1);
    expect(rows[1][0]).toBe('finding');
    expect(rows[1][rows[0].indexOf('listed_on')]).toBe('2022-12-16');
    expect(rows[1][rows[0].indexOf('after_designation')]).toBe('yes');
    expect(rows[2][0]).toBe('scenario');
  });
  it('writes a self-contained HTML page', () => {
    const html = reportHTML(report, 'data:image/png;base64,AAAA', '<svg></svg>');
    expect(html).toContain('<!doctype html>');
    expect(html).toContain('after designation');
    expect(html).toContain('87 FR 77505');
    expect(html).not.toMatch(/<(script|link)[^>]+(src|href)="http/);
  });
});
