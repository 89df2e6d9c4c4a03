// A small hand-written exposure report in the API's shape, after the
// reference case: msft → msra (reversed part_of) → Liu Guodong (hosted,
// 2023, after ICT's listing) → ICT (student_at), plus one scenario path.
import type { Report } from './types';

export const report: Report = {
  org: 'msft',
  org_name: 'Microsoft Corporation',
  as_of: '2026-11-22',
  depth: 4,
  findings: [
    {
      designated: { entity_id: 'cas-ict', name: 'Institute of Computing Technology', list: 'EL', listed_on: '2022-12-16', authority: '87 FR 77505' },
      rule: { name: 'direct', status: 'enacted' },
      severity: 'critical',
      after_designation: true,
      paths: [
        [
          { entity_id: 'msft', name: 'Microsoft Corporation', kind: 'organization', tie: '', start: null, end: null, evidence: [] },
          { entity_id: 'msra', name: 'Microsoft Research Asia', kind: 'organization', tie: 'part_of', reverse: true, start: null, end: null, evidence: [] },
          { entity_id: 'liu-guodong', name: 'Liu Guodong', kind: 'person', tie: 'hosted', start: '2023', end: '2023', after_designation: true, evidence: [{ title: 'press release' }] },
          { entity_id: 'cas-ict', name: 'Institute of Computing Technology', kind: 'organization', tie: 'student_at', start: '2019', end: null, evidence: [] },
        ],
      ],
    },
  ],
  scenario_findings: [
    {
      designated: { entity_id: 'cas', name: 'Chinese Academy of Sciences', list: 'HR1516', listed_on: null, authority: 'H.R. 1516' },
      rule: { name: 'hr1516', status: 'proposed' },
      severity: 'medium',
      after_designation: false,
      paths: [
        [
          { entity_id: 'msft', name: 'Microsoft Corporation', kind: 'organization', tie: '', start: null, end: null, evidence: [] },
          { entity_id: 'msra', name: 'Microsoft Research Asia', kind: 'organization', tie: 'part_of', reverse: true, start: null, end: null, evidence: [] },
          { entity_id: 'cas', name: 'Chinese Academy of Sciences', kind: 'organization', tie: 'coauthored', start: '2024-03', end: '2024-03', evidence: [] },
        ],
      ],
    },
  ],
  summary: { findings: 1, scenario: 1, after_designation: 1 },
};
