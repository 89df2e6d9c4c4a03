import { describe, expect, it } from 'vitest';
import { timelineModel, timelineSVG } from './timeline';
import { dateRange, yearValue } from './dates';
import { report } from './fixture.test-data';

describe('yearValue and dateRange', () => {
  it('places coarse dates at the start or end of what they cover', () => {
    expect(yearValue('2023')).toBe(2023);
    expect(yearValue('2023', true)).toBe(2024);
    expect(yearValue('2023-07')).toBeCloseTo(2023.5, 5);
    expect(yearValue('2022-12-16')!).toBeGreaterThan(2022.95);
    expect(yearValue('2022-12-16')!).toBeLessThan(2023);
    expect(yearValue(null)).toBeNull();
    expect(yearValue('soon')).toBeNull();
  });
  it('says ranges in words', () => {
    expect(dateRange('2019', '2021')).toBe('2019–2021');
    expect(dateRange('2023', '2023')).toBe('2023');
    expect(dateRange('2019', null)).toBe('since 2019');
    expect(dateRange(null, '2021')).toBe('until 2021');
    expect(dateRange(null, null)).toBe('');
  });
});

describe('timelineModel', () => {
  const m = timelineModel(report);
  it('has a bar per dated tie and counts the undated ones', () => {
    expect(m.rows.map((r) => r.label.split(' — ')[1]).sort()).toEqual(['coauthored', 'hosted', 'student_at']);
    expect(m.undated).toBe(1); // msra part_of msft, shared by both findings
  });
  it('starts the red part of an after-designation tie no earlier than the listing', () => {
    const hosted = m.rows.find((r) => r.label.includes('hosted'))!;
    expect(hosted.afterFrom).toBe(2023);
    const student = m.rows.find((r) => r.label.includes('student_at'))!;
    expect(student.afterFrom).toBeNull();
    expect(student.endKnown).toBe(false);
    expect(student.to).toBe(m.asOf);
  });
  it('puts a marker on each listing date, and the axis covers everything', () => {
    expect(m.markers.map((x) => x.date)).toEqual(['2022-12-16']);
    expect(m.min).toBeLessThanOrEqual(2019);
    expect(m.max).toBeGreaterThanOrEqual(2026);
  });
  it('renders SVG that escapes names and shows the mark', () => {
    const svg = timelineSVG(timelineModel({ ...report, findings: [{ ...report.findings[0], designated: { ...report.findings[0].designated, name: '<b>x</b>' } }] }));
    expect(svg).toContain('after designation');
    expect(svg).toContain('&lt;b&gt;x&lt;/b&gt;');
    expect(svg).not.toContain('<b>x</b>');
  });
});
