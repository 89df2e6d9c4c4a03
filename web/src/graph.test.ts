import { describe, expect, it } from 'vitest';
import { graphElements, pathText } from './graph';
import { report } from './fixture.test-data';

describe('graphElements', () => {
  const g = graphElements(report);
  const node = (id: string) => g.nodes.find((n) => n.data.id === id);
  it('has every entity on the paths once', () => {
    expect(g.nodes.map((n) => n.data.id).sort()).toEqual(['cas', 'cas-ict', 'liu-guodong', 'msft', 'msra']);
  });
  it('marks the organization, and designated nodes with their listing date', () => {
    expect(node('msft')!.classes).toContain('org');
    expect(node('cas-ict')!.classes).toContain('designated');
    expect(node('cas-ict')!.data.label).toContain('listed 2022-12-16 (EL)');
    expect(node('cas')!.classes).toContain('scenario-designated');
    expect(node('liu-guodong')!.classes).not.toContain('designated');
  });
  it('draws a reversed step the way the tie points', () => {
    const e = g.edges.find((e) => e.data.tie === 'part_of')!;
    expect([e.data.source, e.data.target]).toEqual(['msra', 'msft']);
    expect(g.edges.filter((e) => e.data.tie === 'part_of')).toHaveLength(1); // shared by both findings
    expect(e.classes).not.toContain('scenario');
  });
  it('labels edges with kind and date and marks after-designation ones', () => {
    const e = g.edges.find((e) => e.data.tie === 'hosted')!;
    expect(e.data.label).toBe('hosted · 2023 · after designation');
    expect(e.classes).toContain('after-designation');
    const s = g.edges.find((e) => e.data.tie === 'coauthored')!;
    expect(s.classes).toContain('scenario');
    expect(s.classes).not.toContain('after-designation');
  });
});

describe('pathText', () => {
  it('writes the path with ties, dates and the after-designation mark', () => {
    expect(pathText(report.findings[0].paths[0])).toBe(
      'Microsoft Corporation → (part_of ←) Microsoft Research Asia → (hosted, 2023, after designation) Liu Guodong → (student_at, since 2019) Institute of Computing Technology',
    );
  });
});
